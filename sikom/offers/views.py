from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sikom.accounts.decorators import staff_required
from sikom.geo.selectors import district_by_key, resolve_municipality, search_municipalities
from sikom.offers import finder, selectors, services
from sikom.offers.forms import FINDER_STEPS, FinderPlaceForm, OfferFilterForm, OfferForm
from sikom.offers.vocabulary import Audience, RegionalContact, Situation


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None, providers=selectors.providers(request.user))
    filters = form.filters() if request.GET else {"text": ""}
    offers = selectors.search_offers(
        request.user,
        text=filters.get("text", ""),
        situation=filters.get("situation", ""),
        audience=filters.get("audience", ""),
        provider=filters.get("provider", ""),
    )
    context = {"form": form, "offers": offers}
    template = "offers/offer_list.html#results" if _is_htmx(request) else "offers/offer_list.html"
    return render(request, template, context)


@require_GET
def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(selectors.offers_visible_to(request.user), slug=slug)
    return render(
        request, "offers/offer_detail.html", {"offer": offer, "can_manage": selectors.can_manage_offers(request.user)}
    )


@staff_required(selectors.can_manage_offers)
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    offers = selectors.offers_manageable_by(request.user).order_by("-is_published", "title")
    return render(request, "offers/manage.html", {"offers": offers})


def _offer_data(form: OfferForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}


@staff_required(selectors.can_manage_offers)
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    form = OfferForm(request.POST or None, initial={"is_published": False})
    if request.method == "POST" and form.is_valid():
        offer = services.create_offer(by=request.user, data=_offer_data(form))
        messages.success(request, _("Das Angebot ist angelegt."))
        return redirect("offers:detail", slug=offer.slug)
    return render(request, "offers/offer_form.html", {"form": form, "offer": None})


@staff_required(selectors.can_manage_offers)
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(selectors.offers_manageable_by(request.user), slug=slug)
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                services.update_offer(
                    offer=offer,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    data=_offer_data(form),
                )
            except services.EditConflict:
                form.add_error(
                    None,
                    _(
                        "Das Angebot wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht "
                        "gespeichert. Bitte öffnen Sie das Angebot neu und tragen Sie sie erneut ein."
                    ),
                )
            else:
                messages.success(request, _("Die Änderungen sind gespeichert."))
                return redirect("offers:detail", slug=offer.slug)
    else:
        form = OfferForm(initial={**services.snapshot(offer), "version": offer.version})
    return render(request, "offers/offer_form.html", {"form": form, "offer": offer})


def _readable(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Ja") if value else _("Nein")
    if name == "audiences":
        return ", ".join(str(Audience(code).label) for code in value if code in Audience.values)
    if name == "situations":
        return ", ".join(str(Situation(code).label) for code in value if code in Situation.values)
    if name == "regional_contact":
        return str(RegionalContact(value).label) if value in RegionalContact.values else value
    return str(value)


@staff_required(selectors.can_manage_offers)
@require_GET
def offer_history(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(selectors.offers_manageable_by(request.user), slug=slug)
    revisions = list(selectors.revisions_of(offer))
    changes = []
    for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
        rows = []
        if older is not None:
            for name in newer.changed_fields:
                rows.append(
                    {
                        "field": OfferForm.base_fields[name].label,
                        "old": _readable(name, older.snapshot.get(name)),
                        "new": _readable(name, newer.snapshot.get(name)),
                    }
                )
        changes.append({"revision": newer, "rows": rows})
    return render(request, "offers/offer_history.html", {"offer": offer, "changes": changes})


# Wegweiser -----------------------------------------------------------------------------------------------------

FINDER_URLS = ["offers:finder", "offers:finder_situation", "offers:finder_danger", "offers:finder_place"]


def _validate_steps(data, upto: int):
    """Validate the answers of the steps before ``upto``; return (answers, index of the failing step, its form)."""
    answers = {}
    for index, form_class in enumerate(FINDER_STEPS[:upto]):
        form = form_class(data)
        if not form.is_valid():
            return answers, index, form
        answers.update(form.cleaned_data)
    return answers, None, None


def _pairs(answers: dict) -> list[tuple[str, str]]:
    """Answers as (name, value) pairs; multiple-choice answers give one pair per choice."""
    return [
        (key, value) for key, values in answers.items() for value in (values if isinstance(values, list) else [values])
    ]


def _query(answers: dict) -> str:
    return urlencode(_pairs(answers))


def _render_step(request: HttpRequest, index: int, form, answers: dict) -> HttpResponse:
    previous = {key: value for key, value in answers.items() if key in _step_keys(index)}
    # Answers to this and later questions travel along unjudged, so going back and forth loses nothing;
    # each is validated when its own question is submitted again.
    current = set(FINDER_STEPS[index].base_fields)
    carried = {
        name: request.GET.getlist(name)
        for name in _step_keys(len(FINDER_STEPS)) - _step_keys(index)
        if name in request.GET
    }
    later = {name: values for name, values in carried.items() if name not in current}
    return render(
        request,
        "offers/finder_step.html",
        {
            "form": form,
            "step": index + 1,
            "steps": len(FINDER_STEPS) + 1,
            "action": reverse(FINDER_URLS[index + 1]) if index + 1 < len(FINDER_URLS) else "",
            "hidden": _pairs(previous | later),
            "back": f"{reverse(FINDER_URLS[index - 1])}?{_query(previous | carried)}" if index > 0 else "",
        },
    )


def _step_keys(index: int) -> set[str]:
    return {name for form_class in FINDER_STEPS[:index] for name in form_class.base_fields}


def _finder_step(request: HttpRequest, index: int) -> HttpResponse:
    answers, failed, form = _validate_steps(request.GET, index)
    if failed is not None:
        return _render_step(request, failed, form, answers)
    current = FINDER_STEPS[index]
    initial = {
        name: request.GET.getlist(name) if name == "anliegen" else request.GET.get(name) for name in current.base_fields
    }
    return _render_step(request, index, current(initial=initial), answers)


@require_GET
def finder_start(request: HttpRequest) -> HttpResponse:
    return _finder_step(request, 0)


@require_GET
def finder_situation(request: HttpRequest) -> HttpResponse:
    return _finder_step(request, 1)


@require_GET
def finder_danger(request: HttpRequest) -> HttpResponse:
    return _finder_step(request, 2)


@require_http_methods(["GET", "POST"])
def finder_place(request: HttpRequest) -> HttpResponse:
    """The municipality is sent by POST and turned into its district: it never appears in an address."""
    data = request.POST if request.method == "POST" else request.GET
    answers, failed, form = _validate_steps(data, len(FINDER_STEPS))
    if failed is not None:
        return _render_step(request, failed, form, answers)
    place = FinderPlaceForm(request.POST or None)
    candidates = []
    if request.method == "POST" and place.is_valid():
        if place.cleaned_data["ohne_ort"]:
            return redirect(f"{reverse('offers:finder_result')}?{_query(answers)}")
        ags, query = place.cleaned_data["gemeinde_ags"], place.cleaned_data["gemeinde"].strip()
        entry = resolve_municipality(ags=ags, name=query)
        if entry.municipality is not None:
            return redirect(
                f"{reverse('offers:finder_result')}?{_query({**answers, 'kreis': entry.municipality.district.key})}"
            )
        if entry.unknown_code:
            place.add_error("gemeinde", _("Diese Gemeinde gibt es nicht. Bitte suchen Sie erneut."))
        elif not query:
            place.add_error("gemeinde", _("Bitte geben Sie Ihre Gemeinde ein oder fahren Sie ohne Ortsangabe fort."))
        elif not entry.candidates:
            place.add_error(
                "gemeinde",
                _("Wir haben keine sächsische Gemeinde mit diesem Namen gefunden. Bitte prüfen Sie die Schreibweise."),
            )
        else:
            candidates = entry.candidates
    return render(
        request,
        "offers/finder_place.html",
        {
            "form": place,
            "candidates": candidates,
            "acute": answers.get("akut") == "ja",
            "step": len(FINDER_STEPS) + 1,
            "steps": len(FINDER_STEPS) + 1,
            "hidden": _pairs(answers),
            "back": f"{reverse('offers:finder_danger')}?{_query(answers)}",
        },
    )


@require_GET
def finder_municipality_suggestions(request: HttpRequest) -> HttpResponse:
    matches = search_municipalities(request.GET.get("gemeinde", "")[:100])
    return render(request, "offers/partials/municipality_suggestions.html", {"matches": matches})


@require_GET
def finder_result(request: HttpRequest) -> HttpResponse:
    answers, failed, form = _validate_steps(request.GET, len(FINDER_STEPS))
    if failed is not None:
        return _render_step(request, failed, form, answers)
    key = request.GET.get("kreis", "")
    district = district_by_key(key) if key else None
    if key and district is None:
        messages.error(request, _("Die Ortsangabe in der Adresse ist ungültig. Bitte wählen Sie Ihre Gemeinde erneut."))
        return redirect(f"{reverse('offers:finder_place')}?{_query(answers)}")
    choice = finder.Answers(
        audience=answers["fuer"],
        situations=tuple(answers["anliegen"]),
        acute=answers["akut"] == "ja",
        district=district,
    )
    contacts = finder.regional_contacts(district)
    recommendations = finder.recommend(selectors.offers_visible_to(request.user), choice, contacts)
    return render(
        request,
        "offers/finder_result.html",
        {
            "answers": choice,
            "audience_label": Audience(choice.audience).label,
            "situation_labels": [Situation(code).label for code in choice.situations],
            "contacts": contacts,
            "recommendations": recommendations,
            "share_url": request.build_absolute_uri(),
            "change_url": f"{reverse('offers:finder')}?{_query(answers)}",
            "place_url": f"{reverse('offers:finder_place')}?{_query(answers)}",
        },
    )

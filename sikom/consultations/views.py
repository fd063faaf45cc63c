from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.consultations import selectors, services
from sikom.consultations.forms import (
    STEPS_PREFIX,
    ConsultationFilterForm,
    ConsultationForm,
    consultation_data,
    next_step_formset,
)
from sikom.core import audit
from sikom.core.exports import export_format, table_download
from sikom.core.redirects import next_path
from sikom.offers.selectors import offers_visible_to

PER_PAGE = 50


def _filter_form(request: HttpRequest) -> ConsultationFilterForm:
    manager = selectors.can_manage_consultations(request.user)
    return ConsultationFilterForm(
        request.GET or None,
        municipalities=selectors.municipalities_with_consultations(request.user) if manager else [],
        offers=offers_visible_to(request.user).only("slug", "title").order_by("title"),
        with_places=manager,
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@never_cache
@staff_required(selectors.can_read_consultations)
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    listing = selectors.consultation_listing(request.user, form.filters())
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without(request, "seite", "format"),
            "can_manage": selectors.can_manage_consultations(request.user),
        },
    )


EXPORT_HEADER = [
    "Nr.",
    "Datum",
    "Gemeinde",
    "Amtlicher Gemeindeschlüssel",
    "Landkreis / Kreisfreie Stadt",
    "Beratene Person ohne Gemeinde",
    "Themen",
    "Form",
    "Teilnehmende",
    "Ergebnis",
    "offene nächste Schritte",
    "davon überfällig",
]


@never_cache
@staff_required(selectors.can_read_consultations)
@require_GET
def consultation_export(request: HttpRequest) -> HttpResponse:
    fmt = export_format(request, default="csv")
    form = _filter_form(request)
    listing = selectors.consultation_listing(request.user, form.filters())
    audit.log(
        "consultations.exported",
        actor=request.user,
        data={"format": fmt, "rows": listing.count(), "filters": _query_without(request, "format")[:500]},
    )
    stem = f"Beratungen-{timezone.localdate():%Y-%m-%d}"
    return table_download(fmt, stem, [_(title) for title in EXPORT_HEADER], selectors.export_rows(listing))


@never_cache
@staff_required(selectors.can_read_consultations)
@require_GET
def next_steps_overview(request: HttpRequest) -> HttpResponse:
    steps = selectors.open_next_steps(request.user)
    page = Paginator(steps, PER_PAGE).get_page(request.GET.get("seite"))
    overdue = steps.filter(due_on__lt=timezone.localdate()).count()
    return render(
        request,
        "consultations/next_steps.html",
        {"page": page, "overdue": overdue, "can_manage": selectors.can_manage_consultations(request.user)},
    )


@never_cache
@staff_required(selectors.can_read_consultations)
@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_detail(request.user, pk)
    # The record names the people advised and the participants: reading it is audited like a case file.
    audit.log("consultations.viewed", actor=request.user, obj=consultation)
    can_manage = selectors.can_manage_consultations(request.user)
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "can_manage": can_manage,
            "today": timezone.localdate(),
            "revisions": list(selectors.revisions_of(consultation)[:20]) if can_manage else [],
        },
    )


def _form_page(request: HttpRequest, consultation=None) -> HttpResponse:
    offers = offers_visible_to(request.user).order_by("title")
    step_ids = set(consultation.next_steps.values_list("pk", flat=True)) if consultation else set()
    formset_class = next_step_formset(extra=2 if consultation is None else 1)
    if request.method == "POST":
        form = ConsultationForm(request.POST, offers=offers)
        formset = formset_class(request.POST, prefix=STEPS_PREFIX, step_ids=step_ids)
        form_valid, formset_valid = form.is_valid(), formset.is_valid()
        if form_valid and formset_valid and formset.check_dates(form.cleaned_data["date"]):
            data = consultation_data(form, formset)
            try:
                if consultation is None:
                    consultation = services.create_consultation(by=request.user, data=data)
                    messages.success(request, _("Die Beratung ist gespeichert."))
                else:
                    services.update_consultation(
                        consultation=consultation,
                        by=request.user,
                        expected_version=form.cleaned_data["version"] or 0,
                        data=data,
                    )
                    messages.success(request, _("Die Änderungen sind gespeichert."))
            except services.EditConflict:
                form.add_error(
                    None,
                    _(
                        "Die Beratung wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht "
                        "gespeichert. Bitte öffnen Sie die Beratung neu und tragen Sie sie erneut ein."
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("consultations:detail", pk=consultation.pk)
    elif consultation is None:
        form = ConsultationForm(offers=offers, initial={"date": timezone.localdate()})
        formset = formset_class(prefix=STEPS_PREFIX, step_ids=step_ids)
    else:
        form = ConsultationForm(
            offers=offers,
            initial={
                "gemeinde": consultation.municipality.ags if consultation.municipality_id else None,
                "office_holder_note": consultation.office_holder_note,
                "date": consultation.date,
                "offers": [offer.slug for offer in consultation.offers.all()],
                "format": consultation.format,
                "participants": consultation.participants,
                "result": consultation.result,
                "version": consultation.version,
            },
        )
        formset = formset_class(
            prefix=STEPS_PREFIX,
            step_ids=step_ids,
            initial=[
                {
                    "id": step.pk,
                    "text": step.text,
                    "owner": step.owner,
                    "owner_organisation": step.owner_organisation_id,
                    "due_on": step.due_on,
                    "done": step.done,
                }
                for step in consultation.next_steps.all()
            ],
        )
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "formset": formset, "consultation": consultation},
    )


@never_cache
@staff_required(selectors.can_manage_consultations)
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request)


@never_cache
@staff_required(selectors.can_manage_consultations)
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(selectors.consultations_manageable_by(request.user), pk=pk)
    return _form_page(request, consultation)


@staff_required(selectors.can_manage_consultations)
@require_POST
def step_done(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    next_step = get_object_or_404(selectors.next_steps_manageable_by(request.user), consultation_id=pk, pk=step)
    services.mark_step_done(step=next_step, by=request.user)
    messages.success(request, _("Der Schritt ist als erledigt markiert."))
    return redirect(next_path(request, default=reverse("consultations:detail", args=[pk])))

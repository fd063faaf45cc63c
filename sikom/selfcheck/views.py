"""The pages of the self-check. Anonymous answers travel only in the signed hidden field ``zustand`` of POSTed
forms (decision 0039): no session, no database row, no answer in an address or a log line."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.core import documents
from sikom.geo.selectors import municipality_by_ags, resolve_municipality
from sikom.offers import finder
from sikom.offers.selectors import offers_visible_to
from sikom.offers.vocabulary import Audience
from sikom.selfcheck import logic, selectors, services
from sikom.selfcheck import state as states
from sikom.selfcheck.forms import FIELD_PREFIX, PlaceForm, TopicForm
from sikom.selfcheck.models import Urgency

STATE_FIELD = "zustand"


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    version = selectors.current_version()
    guide = logic.build(version) if version else None
    return render(request, "selfcheck/start.html", {"guide": guide})


def _restart(request: HttpRequest) -> HttpResponse:
    """A damaged, forged or expired token: say so and offer a fresh start; nothing is kept."""
    return render(
        request,
        "selfcheck/start.html",
        {
            "guide": None,
            "error": _(
                "Ihre Antworten konnten nicht gelesen werden (zu alt oder beschädigt). Bitte beginnen Sie den "
                "Selbstcheck erneut; es wurde nichts gespeichert."
            ),
        },
        status=400,
    )


def _load(request: HttpRequest) -> tuple[logic.Guide, states.State] | None:
    try:
        state = states.loads(request.POST.get(STATE_FIELD, ""))
    except states.BadState:
        return None
    version = selectors.published_version(state.version)
    if version is None:
        return None
    guide = logic.build(version)
    state.answers = logic.valid_answers(guide, state.answers)
    state.page = min(state.page, len(guide.topics) + 1)
    return guide, state


def _page(request: HttpRequest, guide: logic.Guide, state: states.State, *, form=None, status: int = 200, **extra):
    topics = len(guide.topics)
    if state.page < topics:
        topic = guide.topics[state.page]
        questions = logic.asked_questions(guide, state.answers, topic)
        if form is None:
            initial = {FIELD_PREFIX + q.key: state.answers[q.key] for q in questions if q.key in state.answers}
            form = TopicForm(guide=guide, questions=questions, initial=initial)
        template, context = "selfcheck/topic.html", {"topic": topic, "form": form}
    elif state.page == topics:
        municipality = municipality_by_ags(state.ags) if state.ags else None
        initial = {"gemeinde": municipality.display_name} if municipality else {}
        template, context = "selfcheck/place.html", {"form": form or PlaceForm(initial=initial)}
    else:
        template, context = "selfcheck/result.html", _result(request, guide, state)
    context |= {
        "guide": guide,
        "step": state.page + 1,
        "steps": topics + 1,
        "token": states.dumps(state),
        **extra,
    }
    return render(request, template, context, status=status)


def registration_office(municipality) -> str:
    """The office by name from the reference data; its address is never guessed (the person fills it in)."""
    if municipality is None:
        return _("Meldebehörde")
    kind = _("Stadt") if ", Stadt" in municipality.name else _("Gemeinde")
    return _("Meldebehörde der %(kind)s %(name)s") % {"kind": kind, "name": municipality.display_name}


def _result(request: HttpRequest, guide: logic.Guide, state: states.State) -> dict:
    items = logic.plan(guide, state.answers)
    municipality = municipality_by_ags(state.ags) if state.ags else None
    district = municipality.district if municipality else None
    contacts = finder.regional_contacts(district)
    situations = logic.situations(items)
    offers = []
    if situations:
        # Only published offers, whoever asks: the plan is the same document for everyone.
        offers = finder.recommend(
            offers_visible_to(AnonymousUser()),
            finder.Answers(audience=Audience.OFFICIAL, situations=situations, acute=False, district=district),
            contacts,
        )
    groups = [(urgency, [item for item in items if item.advice.urgency == urgency]) for urgency in Urgency]
    return {
        "items": items,
        "groups": [(urgency, members) for urgency, members in groups if members],
        "municipality": municipality,
        "contacts": contacts,
        "offers": offers,
        "letter": logic.prepares_letter(items),
        "office": registration_office(municipality),
        "answered": [
            (question, guide.choices[question.key][state.answers[question.key]])
            for question in logic.asked_questions(guide, state.answers)
            if question.key in state.answers
        ],
        "today": timezone.localdate(),
    }


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The answers are never in an address: a bookmarked or reloaded step starts on the intro page.
        return redirect("selfcheck:start")
    if STATE_FIELD not in request.POST:
        version = selectors.current_version()
        if version is None:
            return redirect("selfcheck:start")
        return _page(request, logic.build(version), states.State(version=version.number))
    loaded = _load(request)
    if loaded is None:
        return _restart(request)
    guide, state = loaded
    topics = len(guide.topics)
    action = request.POST.get("aktion", "weiter")
    if action == "anfang":
        state.page = 0
        return _page(request, guide, state)
    if action == "ort":
        state.page = topics
        return _page(request, guide, state)
    if state.page < topics:
        return _answer_topic(request, guide, state, back=action == "zurueck")
    if state.page == topics:
        if action == "zurueck":
            state.page -= 1
            return _page(request, guide, state)
        return _answer_place(request, guide, state, without=action == "ohne_ort")
    return _page(request, guide, state)


def _answer_topic(request, guide: logic.Guide, state: states.State, *, back: bool) -> HttpResponse:
    topic = guide.topics[state.page]
    shown = logic.asked_questions(guide, state.answers, topic)
    form = TopicForm(request.POST, guide=guide, questions=shown)
    if back:
        # Keep whatever was validly answered on this page, then go back without complaining about the rest.
        posted = {
            q.key: request.POST.get(FIELD_PREFIX + q.key, "")
            for q in shown
            if request.POST.get(FIELD_PREFIX + q.key, "") in guide.choices[q.key]
        }
        state.answers = logic.valid_answers(guide, state.answers | posted)
        state.page = max(0, state.page - 1)
        return _page(request, guide, state)
    if not form.is_valid():
        return _page(request, guide, state, form=form, status=400)
    state.answers = logic.valid_answers(guide, state.answers | form.answers())
    if logic.unanswered(guide, state.answers, topic):
        # An answer opened follow-up questions on this topic: the same page again, with them added.
        return _page(request, guide, state, follow_up=True)
    state.page += 1
    return _page(request, guide, state)


def _answer_place(request, guide: logic.Guide, state: states.State, *, without: bool) -> HttpResponse:
    if without:
        state.ags = ""
        state.page += 1
        return _page(request, guide, state)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        return _page(request, guide, state, form=form, status=400)
    ags, query = form.cleaned_data["gemeinde_ags"], form.cleaned_data["gemeinde"].strip()
    entry = resolve_municipality(ags=ags, name=query)
    if entry.municipality is not None:
        state.ags = entry.municipality.ags
        state.page += 1
        return _page(request, guide, state)
    if entry.unknown_code:
        form.add_error("gemeinde", _("Diese Gemeinde gibt es nicht. Bitte suchen Sie erneut."))
    elif not query:
        form.add_error("gemeinde", _("Bitte geben Sie Ihre Gemeinde ein oder fahren Sie ohne Ortsangabe fort."))
    elif not entry.candidates:
        form.add_error(
            "gemeinde",
            _("Wir haben keine sächsische Gemeinde mit diesem Namen gefunden. Bitte prüfen Sie die Schreibweise."),
        )
    else:
        return _page(request, guide, state, form=form, candidates=entry.candidates)
    return _page(request, guide, state, form=form, status=400)


def _pdf(template: str, context: dict, *, label: str, filename: str) -> HttpResponse:
    now = timezone.now()
    pdf = documents.render_pdf(template, context | {"created": now}, label=label, created_at=now)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A personal document: no cache anywhere keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def _document(request: HttpRequest, template: str, *, label: str, filename: str) -> HttpResponse:
    """One of the check's two PDFs (plan, letter), made from the answers the request carries."""
    loaded = _load(request)
    if loaded is None:
        return _restart(request)
    guide, state = loaded
    context = {"guide": guide} | _result(request, guide, state)
    return _pdf(template, context, label=label, filename=filename)


@require_POST
def plan_pdf(request: HttpRequest) -> HttpResponse:
    return _document(
        request,
        "selfcheck/documents/plan.html",
        label=_("Persönlicher Aktionsplan"),
        filename="aktionsplan-selbstcheck.pdf",
    )


@require_POST
def letter_pdf(request: HttpRequest) -> HttpResponse:
    return _document(
        request,
        "selfcheck/documents/letter.html",
        label=_("Antrag auf Auskunftssperre"),
        filename="antrag-auskunftssperre.pdf",
    )


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    loaded = _load(request)
    if loaded is None:
        return _restart(request)
    _guide, state = loaded
    saved = services.save_check(user=request.user, state=state)
    return redirect("selfcheck:saved_detail", pk=saved.pk)


@login_required
@require_GET
def saved_list(request: HttpRequest) -> HttpResponse:
    return render(request, "selfcheck/saved_list.html", {"saved": selectors.saved_checks_of(request.user)})


@login_required
@require_GET
def saved_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.get_saved_for(request.user, pk)
    guide = logic.build(saved.version)
    content = saved.content if isinstance(saved.content, dict) else {}
    answers = content.get("answers") if isinstance(content.get("answers"), dict) else {}
    ags = content.get("ags") if isinstance(content.get("ags"), str) else ""
    state = states.State(
        version=saved.version.number,
        page=len(guide.topics) + 1,
        answers=logic.valid_answers(guide, {str(k): str(v) for k, v in answers.items()}),
        ags=ags,
    )
    return _page(request, guide, state, saved=saved)


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.get_saved_for(request.user, pk)
    services.delete_check(saved=saved, by=request.user)
    return redirect(reverse("selfcheck:saved_list"))

"""Pages of the safety analyses (/sicherheitsanalysen/, staff) and the online questionnaire (/umfrage/, public).
Thin: objects come from `selectors` (outside them: 404), writes go through `services`, the questionnaire pages are
read and checked by `logic`."""

import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.core import throttle
from sikom.core.exports import csv_response
from sikom.core.versions import EDIT_CONFLICT, EditConflict
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils.selectors import municipalities_editable_by
from sikom.surveys import bank, languages, logic, maps, selectors, services
from sikom.surveys.forms import (
    AnalysisForm,
    BankItemForm,
    CodeEntryForm,
    CodesForm,
    IntroForm,
    MilestonesForm,
    QuestionForm,
    SectionForm,
    StatusForm,
    TeamForm,
    format_lines,
)
from sikom.surveys.models import (
    InvitationStatus,
    Question,
    QuestionType,
    SafetyAnalysis,
    Section,
    TeamMember,
    text_in,
)
from sikom.surveys.workflow import ANALYSIS, INVITATIONS_OPEN, QUESTIONNAIRE_EDITABLE

keeps = staff_required(selectors.keeps_analyses)


def _refusal_to_form(error: services.Refused, form) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


# Staff: analyses ---------------------------------------------------------------------------------------------------


@keeps
@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    analyses = selectors.analysis_list(request.user).select_related("municipality")
    return render(request, "surveys/analysis_list.html", {"analyses": analyses})


@keeps
@require_http_methods(["GET", "POST"])
def analysis_create(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_editable_by(request.user)
    initial = {"year": timezone.localdate().year, "english": True, "standard": True}
    form = AnalysisForm(request.POST or None, municipalities=municipalities, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            analysis = services.create_analysis(
                municipality=data["municipality"],
                title=data["title"],
                year=data["year"],
                field_start=data["field_start"],
                field_end=data["field_end"],
                languages=["de", "en"] if data["english"] else ["de"],
                standard=data["standard"],
                by=request.user,
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, _("Die Sicherheitsanalyse ist angelegt."))
            return redirect("surveys:detail", pk=analysis.pk)
    return render(request, "surveys/analysis_form.html", {"form": form, "analysis": None})


@keeps
@require_GET
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    counts = selectors.field_counts(analysis)
    context = {
        "analysis": analysis,
        "milestones": analysis.milestones.all(),
        "team": analysis.team.select_related("user__organisation"),
        "history": analysis.status_changes.select_related("by"),
        "status_form": StatusForm(current=analysis.status),
        "team_form": TeamForm(candidates=selectors.team_candidates(analysis)),
        "codes_form": CodesForm(),
        "counts": counts,
        "invited": sum(row["total"] for row in counts["strata"]),
        "submitted": sum(row["submitted"] for row in counts["strata"]),
        "question_count": analysis.questionnaire.questions.count(),
        "language_names": [languages.name(code) for code in languages.offered(analysis)],
        "hidden_languages": [state for state in languages.overview(analysis) if not state.complete],
        "can_make_codes": analysis.status in INVITATIONS_OPEN,
        "open_url": request.build_absolute_uri(reverse("surveys:open", args=[analysis.open_token]))
        if analysis.open_token
        else "",
    }
    return render(request, "surveys/analysis_detail.html", context)


@keeps
@require_http_methods(["GET", "POST"])
def analysis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    if request.method == "POST":
        form = AnalysisForm(request.POST, editing=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                values = {
                    "title": data["title"],
                    "year": data["year"],
                    "field_start": data["field_start"],
                    "field_end": data["field_end"],
                }
                if analysis.status in QUESTIONNAIRE_EDITABLE:
                    # The checkbox switches English only; further languages (decision 0046) stay as they are.
                    further = [code for code in analysis.languages if code not in ("de", "en")]
                    values["languages"] = ["de", *(["en"] if data["english"] else []), *further]
                services.update_analysis(
                    analysis=analysis,
                    data=values,
                    by=request.user,
                    expected_version=data["version"] or 0,
                )
            except services.Refused as error:
                _refusal_to_form(error, form)
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(request, _("Die Angaben sind gespeichert."))
                return redirect("surveys:detail", pk=analysis.pk)
    else:
        form = AnalysisForm(
            editing=True,
            initial={
                "title": analysis.title,
                "year": analysis.year,
                "field_start": analysis.field_start,
                "field_end": analysis.field_end,
                "english": "en" in analysis.languages,
                "version": analysis.version,
            },
        )
    return render(request, "surveys/analysis_form.html", {"form": form, "analysis": analysis})


@keeps
@require_http_methods(["GET", "POST"])
def milestones(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    if request.method == "POST":
        form = MilestonesForm(request.POST)
        if form.is_valid():
            try:
                services.update_milestones(analysis=analysis, dates=form.dates(), by=request.user)
            except services.Refused as error:
                _refusal_to_form(error, form)
            else:
                messages.success(request, _("Der Zeitplan ist gespeichert."))
                return redirect("surveys:detail", pk=analysis.pk)
    else:
        initial = {}
        for milestone in analysis.milestones.all():
            initial[f"{milestone.kind}-planned_on"] = milestone.planned_on
            initial[f"{milestone.kind}-done_on"] = milestone.done_on
        form = MilestonesForm(initial=initial)
    return render(request, "surveys/milestones.html", {"form": form, "analysis": analysis})


@keeps
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    form = StatusForm(request.POST, current=analysis.status)
    if form.is_valid():
        try:
            services.change_status(
                analysis=analysis, to=form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except (services.Refused, TransitionNotAllowed) as error:
            reason_missing = str(error) == str(ANALYSIS.reason_missing)
            form.add_error("reason" if reason_missing else "to", str(getattr(error, "message", error)))
        else:
            messages.success(request, _("Der Stand ist geändert."))
            return redirect("surveys:detail", pk=analysis.pk)
    return render(request, "surveys/status_form.html", {"form": form, "analysis": analysis}, status=400)


@keeps
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    form = TeamForm(request.POST, candidates=selectors.team_candidates(analysis))
    if form.is_valid():
        try:
            services.add_team_member(
                analysis=analysis, user=form.cleaned_data["user"], by=request.user, task=form.cleaned_data["task"]
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, _("Die Person gehört jetzt zum Team."))
            return redirect("surveys:detail", pk=analysis.pk)
    return render(request, "surveys/team_form.html", {"form": form, "analysis": analysis}, status=400)


@keeps
@require_POST
def team_remove(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    entry = get_object_or_404(TeamMember, pk=member, analysis=analysis)
    services.remove_team_member(member=entry, by=request.user)
    messages.success(request, _("Die Person gehört nicht mehr zum Team."))
    return redirect("surveys:detail", pk=analysis.pk)


@keeps
@require_POST
def codes_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Make access codes and hand them out once, as a CSV download; only their hashes stay."""
    analysis = selectors.get_analysis_for(request.user, pk)
    form = CodesForm(request.POST)
    if form.is_valid():
        stratum = form.cleaned_data["stratum"].strip()
        try:
            issued = services.create_invitations(
                analysis=analysis, strata={stratum: form.cleaned_data["count"]}, by=request.user
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            response = csv_response(
                f"zugangscodes-{analysis.pk}-{timezone.localdate():%Y%m%d}.csv",
                [_("Zugangscode"), _("Schicht"), _("Adresse der Befragung")],
                [(code.code, code.stratum, request.build_absolute_uri(reverse("surveys:start"))) for code in issued],
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "surveys/codes_form.html", {"form": form, "analysis": analysis}, status=400)


@keeps
@require_POST
def open_link(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    enabled = request.POST.get("enabled") == "1"
    services.enable_open_link(analysis=analysis, enabled=enabled, by=request.user)
    messages.success(
        request, _("Der offene Link ist eingeschaltet.") if enabled else _("Der offene Link ist ausgeschaltet.")
    )
    return redirect("surveys:detail", pk=analysis.pk)


# Staff: questionnaire editor ---------------------------------------------------------------------------------------


def _editor_context(analysis: SafetyAnalysis, **extra) -> dict:
    questionnaire = analysis.questionnaire
    sections = list(questionnaire.sections.order_by("position", "pk"))
    questions = list(
        questionnaire.questions.select_related("section").prefetch_related("options", "rows", "conditions__source")
    )
    by_section = {section.pk: [] for section in sections}
    for question in questions:
        by_section[question.section_id].append(question)
    return {
        "analysis": analysis,
        "questionnaire": questionnaire,
        "editable": analysis.status in QUESTIONNAIRE_EDITABLE,
        "sections": [(section, by_section[section.pk]) for section in sections],
        "bank_form": extra.pop("bank_form", None) or BankItemForm(questionnaire=questionnaire),
        "section_form": extra.pop("section_form", None) or SectionForm(),
        "intro_form": extra.pop("intro_form", None)
        or IntroForm(
            initial={"intro_de": questionnaire.intro.get("de", ""), "intro_en": questionnaire.intro.get("en", "")}
        ),
        "sources": bank.SOURCES,
        "language_states": languages.overview(analysis),
        **extra,
    }


def _editor_post(request, analysis, form_name: str, form, save, done: str) -> HttpResponse:
    """A form of the editor page: valid and accepted by `save(cleaned_data)` → the message and back to the editor;
    otherwise the editor again with the form and its errors at the fields (400)."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, done)
            return redirect("surveys:editor", pk=analysis.pk)
    return render(request, "surveys/editor.html", _editor_context(analysis, **{form_name: form}), status=400)


@keeps
@require_GET
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    return render(request, "surveys/editor.html", _editor_context(analysis))


@keeps
@require_POST
def bank_add(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    questionnaire = analysis.questionnaire
    return _editor_post(
        request,
        analysis,
        "bank_form",
        BankItemForm(request.POST, questionnaire=questionnaire),
        lambda data: services.add_bank_item(
            questionnaire=questionnaire, key=data["key"], section=data["section"], by=request.user
        ),
        _("Die Frage ist hinzugefügt."),
    )


@keeps
@require_POST
def intro(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    return _editor_post(
        request,
        analysis,
        "intro_form",
        IntroForm(request.POST),
        lambda data: services.save_intro(
            questionnaire=analysis.questionnaire,
            texts={"de": data["intro_de"], "en": data["intro_en"]},
            by=request.user,
        ),
        _("Die Einleitung ist gespeichert."),
    )


@keeps
@require_POST
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    return _editor_post(
        request,
        analysis,
        "section_form",
        SectionForm(request.POST),
        lambda data: services.save_section(
            questionnaire=analysis.questionnaire,
            titles={"de": data["title_de"], "en": data["title_en"]},
            by=request.user,
        ),
        _("Die Seite ist angelegt."),
    )


def _section_for(user, pk) -> Section:
    return get_object_or_404(
        Section.objects.select_related("questionnaire__analysis").filter(
            questionnaire__analysis__in=selectors.analyses_visible_to(user)
        ),
        pk=pk,
    )


@keeps
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for(request.user, pk)
    analysis = section.questionnaire.analysis
    if request.method == "POST":
        form = SectionForm(request.POST)
        if request.POST.get("delete") == "1":
            try:
                services.delete_section(section=section, by=request.user)
            except services.Refused as error:
                form = SectionForm(initial={"title_de": section.title.get("de"), "title_en": section.title.get("en")})
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Die Seite ist gelöscht."))
                return redirect("surveys:editor", pk=analysis.pk)
        elif form.is_valid():
            try:
                services.save_section(
                    questionnaire=section.questionnaire,
                    section=section,
                    titles={"de": form.cleaned_data["title_de"], "en": form.cleaned_data["title_en"]},
                    by=request.user,
                )
            except services.Refused as error:
                _refusal_to_form(error, form)
            else:
                messages.success(request, _("Die Seite ist gespeichert."))
                return redirect("surveys:editor", pk=analysis.pk)
    else:
        form = SectionForm(initial={"title_de": section.title.get("de", ""), "title_en": section.title.get("en", "")})
    return render(request, "surveys/section_form.html", {"form": form, "analysis": analysis, "section": section})


@keeps
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Reorder the pages without JavaScript: one form with »Nach oben« and »Nach unten« per page."""
    section = _section_for(request.user, pk)
    analysis_id = section.questionnaire.analysis_id
    direction = {"hoch": -1, "runter": 1}.get(request.POST.get("direction", ""))
    if direction is None:
        messages.error(request, _("Diese Richtung gibt es nicht."))
    else:
        try:
            services.move_section(section=section, direction=direction, by=request.user)
        except services.Refused as error:
            messages.error(request, str(error.message))
    return redirect(f"{reverse('surveys:editor', args=[analysis_id])}#seite-{section.pk}")


def _question_initial(question: Question) -> dict:
    condition = question.conditions.select_related("source").first()
    return {
        "section": question.section_id,
        "type": question.type,
        "code": question.code,
        "text_de": question.text.get("de", ""),
        "text_en": question.text.get("en", ""),
        "help_de": question.help.get("de", ""),
        "help_en": question.help.get("en", ""),
        "required": question.required,
        "options": format_lines(question.options.all(), flags=True),
        "rows": format_lines(question.rows.all(), flags=False),
        "min_value": question.min_value,
        "max_value": question.max_value,
        "max_length": question.max_length,
        "allow_point": question.allow_point,
        "weighting_role": question.weighting_role,
        "condition_source": condition.source.code if condition else "",
        "condition_values": ", ".join(condition.option_codes) if condition else "",
    }


def _save_question_form(request, form: QuestionForm, questionnaire, question: Question | None) -> Question | None:
    """All parts of the question in one transaction: a refusal of any part leaves the question as it was."""
    data = form.cleaned_data
    kind = data["type"]
    values = {
        "section": data["section"],
        "code": data["code"],
        "type": kind,
        "text": {"de": data["text_de"], "en": data["text_en"]},
        "help": {"de": data["help_de"], "en": data["help_en"]},
        "required": data["required"],
        "min_value": data["min_value"] if kind == QuestionType.NUMBER else None,
        "max_value": data["max_value"] if kind == QuestionType.NUMBER else None,
        "max_length": data["max_length"] if kind == QuestionType.TEXT else None,
        "allow_point": data["allow_point"],
        "weighting_role": data["weighting_role"] or "",
    }
    try:
        with transaction.atomic():
            saved = services.save_question(questionnaire=questionnaire, data=values, by=request.user, question=question)
            if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX, QuestionType.PLACE):
                services.save_options(question=saved, options=data["options_items"], by=request.user)
            if kind == QuestionType.MATRIX:
                services.save_rows(question=saved, rows=data["rows_items"], by=request.user)
            source = None
            if data["condition_source"]:
                source = questionnaire.questions.filter(code=data["condition_source"]).first()
            services.set_condition(question=saved, source=source, option_codes=data["condition_codes"], by=request.user)
    except services.Refused as error:
        field = {"condition": "condition_source", "source": "condition_source", "option_codes": "condition_values"}
        form.add_error(field.get(error.field, error.field) if error.field else None, str(error.message))
        return None
    return saved


@keeps
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    questionnaire = analysis.questionnaire
    form = QuestionForm(request.POST or None, questionnaire=questionnaire, initial={"allow_point": True})
    if request.method == "POST" and form.is_valid():
        saved = _save_question_form(request, form, questionnaire, None)
        if saved is not None:
            messages.success(request, _("Die Frage ist gespeichert."))
            return redirect("surveys:editor", pk=analysis.pk)
    return render(request, "surveys/question_form.html", {"form": form, "analysis": analysis, "question": None})


@keeps
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question_for(request.user, pk)
    questionnaire = question.questionnaire
    analysis = questionnaire.analysis
    if request.method == "POST":
        form = QuestionForm(request.POST, questionnaire=questionnaire, question=question)
        if form.is_valid():
            saved = _save_question_form(request, form, questionnaire, question)
            if saved is not None:
                messages.success(request, _("Die Frage ist gespeichert."))
                return redirect("surveys:editor", pk=analysis.pk)
    else:
        form = QuestionForm(initial=_question_initial(question), questionnaire=questionnaire, question=question)
    return render(request, "surveys/question_form.html", {"form": form, "analysis": analysis, "question": question})


@keeps
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question_for(request.user, pk)
    direction = {"hoch": -1, "runter": 1}.get(request.POST.get("direction", ""))
    if direction is None:
        messages.error(request, _("Diese Richtung gibt es nicht."))
    else:
        try:
            services.move_question(question=question, direction=direction, by=request.user)
        except services.Refused as error:
            messages.error(request, str(error.message))
    return redirect(f"{reverse('surveys:editor', args=[question.questionnaire.analysis_id])}#frage-{question.pk}")


@keeps
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.get_question_for(request.user, pk)
    analysis_id = question.questionnaire.analysis_id
    try:
        services.delete_question(question=question, by=request.user)
    except services.Refused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Die Frage ist gelöscht."))
    return redirect("surveys:editor", pk=analysis_id)


# The questionnaire pages (respondents and the staff preview) -------------------------------------------------------

SESSION_KEY = "survey"
PREVIEW_KEY = "survey_preview"
LANGUAGE_KEY = "survey_language"
CODE_WINDOW = 60 * 60
CODE_FAILURES_PER_CODE = 5
CODE_FAILURES_PER_CLIENT = 20
OPEN_COOKIE_SALT = "sikom.surveys.open"
OPEN_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
OPEN_COOKIE_DAYS = 180


def _language(request: HttpRequest, analysis: SafetyAnalysis, *, preview: bool = False) -> str:
    """The questionnaire's language: the page's language (header switch or the questionnaire's own), or a further
    language of the questionnaire chosen on its page; German when the questionnaire does not offer it (a language
    with missing texts is offered only in the preview, decision 0046)."""
    offered = languages.offered(analysis, preview=preview)
    extra = request.session.get(LANGUAGE_KEY)
    if extra and extra in offered and extra not in dict(settings.LANGUAGES):
        return extra
    active = translation.get_language() or "de"
    return active if active in offered else "de"


def _ui_language(language: str) -> str:
    """The language of the page around the questions (buttons, messages): the questionnaire's when the site has it,
    otherwise the page language chosen in the header (German unless English was chosen), decision 0046."""
    if language in dict(settings.LANGUAGES):
        return language
    active = translation.get_language() or "de"
    return active if active in dict(settings.LANGUAGES) else "de"


def _question_view(spec: logic.Spec, q: logic.QuestionSpec, language: str, raw: dict, errors: dict) -> dict:
    """Everything the template needs to draw one question, with the ids that tie hints and messages to fields."""
    name = logic.field_name(q)
    item = {
        "spec": q,
        "name": name,
        "label": q.label(language),
        "hint": q.hint(language),
        "error": errors.get(name, ""),
        "value": raw.get(name, ""),
        "first_id": name,
    }
    if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.PLACE):
        chosen = raw.get(name, [] if q.type == QuestionType.MULTIPLE else "")
        chosen = set(chosen) if isinstance(chosen, list) else {chosen}
        item["choices"] = [
            {"id": f"{name}-{i}", "value": o.code, "label": o.text(language), "checked": o.code in chosen}
            for i, o in enumerate(q.options)
        ]
        item["first_id"] = f"{name}-0" if q.options else f"{name}-lat"
    if q.type == QuestionType.PLACE:
        item["lat"] = {"name": logic.field_name(q, "lat"), "value": raw.get(logic.field_name(q, "lat"), "")}
        item["lon"] = {"name": logic.field_name(q, "lon"), "value": raw.get(logic.field_name(q, "lon"), "")}
        item["point_error"] = errors.get(item["lat"]["name"], "")
        if item["point_error"] and not item["error"]:
            item["first_id"] = item["lat"]["name"]
        if spec.bounds and q.allow_point:
            stored = raw.get("__point__", {}).get(q.code)
            item["map_src"] = maps.map_src(spec.municipality_pk, spec.bounds, stored)
            item["map_size"] = maps.MAP_SIZE
        if spec.bounds:
            south, west, north, east = spec.bounds
            item["example"] = (
                f"{(south + north) / 2:.4f}".replace(".", ","),
                f"{(west + east) / 2:.4f}".replace(".", ","),
            )
    if q.type == QuestionType.MATRIX:
        rows = []
        for r in q.rows:
            row_name = logic.field_name(q, r.code)
            rows.append(
                {
                    "name": row_name,
                    "label": r.text(language),
                    "error": errors.get(row_name, ""),
                    "choices": [
                        {
                            "id": f"{row_name}-{i}",
                            "value": o.code,
                            "label": o.text(language),
                            "checked": raw.get(row_name) == o.code,
                        }
                        for i, o in enumerate(q.options)
                    ],
                }
            )
        item["rows"] = rows
        item["first_id"] = f"{rows[0]['name']}-0" if rows else name
    if q.type == QuestionType.TEXT:
        item["max_length"] = min(q.max_length or logic.TEXT_LIMIT, logic.TEXT_LIMIT)
    return item


def _error_links(items: list[dict]) -> list[dict]:
    """The error summary: one link per message, to the field it belongs to."""
    links = []
    for item in items:
        if item["error"]:
            links.append({"href": item["first_id"], "label": item["label"], "message": item["error"]})
        if item.get("point_error"):
            links.append({"href": item["lat"]["name"], "label": item["label"], "message": item["point_error"]})
        for row in item.get("rows", []):
            if row["error"]:
                links.append(
                    {"href": f"{row['name']}-0", "label": f"{item['label']} – {row['label']}", "message": row["error"]}
                )
    return links


class _State:
    """Where a respondent (or the preview) stands: answers, free texts and the page."""

    def __init__(self, draft: dict | None):
        draft = draft or {}
        self.answers: dict = dict(draft.get("answers") or {})
        self.texts: dict = dict(draft.get("texts") or {})
        self.page: int = int(draft.get("page") or 0)

    def as_draft(self) -> dict:
        return {"answers": self.answers, "texts": self.texts, "page": self.page}


def _current_page(spec: logic.Spec, state: _State) -> tuple[int, list[int]]:
    pages = logic.pages_shown(spec, state.answers)
    if not pages:
        return 0, [0]
    if state.page in pages:
        return state.page, pages
    later = [p for p in pages if p >= state.page]
    return (later[0] if later else pages[-1]), pages


def _render_page(
    request,
    *,
    analysis,
    spec,
    state,
    language,
    errors=None,
    raw=None,
    preview=False,
    status=200,
    more=False,
    point_set=False,
):
    page, pages = _current_page(spec, state)
    visible = logic.shown(spec, state.answers)
    section = spec.sections[page] if spec.sections else None
    if raw is None:
        raw = logic.raw_from_answers(spec, page, state.answers, state.texts) if section else {}
    raw = {
        **raw,
        "__point__": {
            code: value for code, value in state.answers.items() if isinstance(value, dict) and "lat" in value
        },
    }
    items = [
        _question_view(spec, q, language, raw, errors or {})
        for q in (section.questions if section else ())
        if q.code in visible
    ]
    # Each language named in itself (a respondent looks for »Українська«, not »Ukrainisch«).
    choices = [(code, languages.local_name(code)) for code in languages.offered(analysis, preview=preview)]
    context = {
        "analysis": analysis,
        "municipality": analysis.municipality,
        "section_title": section.heading(language) if section else "",
        "items": items,
        "error_links": _error_links(items),
        "page_number": pages.index(page) + 1,
        "page_count": len(pages),
        "page": page,
        "is_first": pages.index(page) == 0,
        "is_last": pages.index(page) == len(pages) - 1,
        "language": language,
        "survey_languages": [entry for entry in choices if entry[0] != language],
        "content_language": language,
        "content_rtl": languages.is_rtl(language),
        "incomplete": preview
        and language != "de"
        and not languages.completeness(analysis.questionnaire, language).complete,
        "preview": preview,
        "more": more,
        "point_set": point_set,
        "intro": text_in(analysis.questionnaire.intro, language),
        "action": reverse("surveys:preview", args=[analysis.pk]) if preview else reverse("surveys:page"),
    }
    with translation.override(_ui_language(language)):
        return render(request, "surveys/page.html", context, status=status)


def _handle_post(request, *, spec, state) -> tuple[str, dict, dict]:
    """Apply a page's POST to the state: returns (action, errors, raw). Going back keeps the valid answers and drops
    what is not acceptable, without messages."""
    action = request.POST.get("action", "next")
    if action not in ("next", "back", "save", "submit"):
        action = "next"
    if not spec.sections:
        return "stale", {}, None
    page, pages = _current_page(spec, state)
    try:
        posted_page = int(request.POST.get("page", page))
    except ValueError:
        posted_page = -1
    if posted_page != page:
        # A stale tab or a forged page number: show the current page again, nothing read.
        return "stale", {}, None
    before = logic.shown(spec, state.answers)
    result = logic.read_page(spec, page, request.POST, before)
    state.answers.update(result.answers)
    state.texts.update(result.texts)
    for code in result.cleared:
        state.answers.pop(code, None)
        state.texts.pop(code, None)
    if action == "back":
        position = pages.index(page)
        state.page = pages[max(position - 1, 0)]
        return action, {}, None
    if result.errors:
        return "invalid", result.errors, result.raw
    if result.map_clicked:
        # A click on a map: show the page again with the point marked.
        return "point", {}, None
    on_page = {q.code for q in spec.sections[page].questions}
    if action in ("next", "submit") and (logic.shown(spec, state.answers) - before) & on_page:
        # An answer on this page opened follow-up questions on it: show the page again with them.
        return "more", {}, None
    if action == "next":
        pages = logic.pages_shown(spec, state.answers)
        later = [p for p in pages if p > page]
        state.page = later[0] if later else page
    return action, {}, None


def _errors_for_submit(spec: logic.Spec, state: _State, error: services.Refused) -> dict:
    """A refused submission names a question: go to its page and put the message at its field."""
    question = spec.by_code.get(error.field or "")
    if question is None:
        return {}
    state.page = question.section
    if question.type == QuestionType.MATRIX:
        missing = [r for r in question.rows if r.code not in (state.answers.get(question.code) or {})]
        return {logic.field_name(question, r.code): str(error.message) for r in missing[:1] or question.rows[:1]}
    return {logic.field_name(question): str(error.message)}


def _invitation_from_session(request):
    entry = request.session.get(SESSION_KEY) or {}
    pk = entry.get("invitation")
    if not pk:
        return None
    from sikom.surveys.models import Invitation

    return Invitation.objects.select_related("analysis__municipality", "analysis__questionnaire").filter(pk=pk).first()


def _end_session(request) -> None:
    request.session.pop(SESSION_KEY, None)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Enter the access code (throttled: 5 failures per code and 20 per client and hour)."""
    # The QR code on the letter opens this page with the code filled in; it is checked only when sent.
    form = CodeEntryForm(request.POST or None, initial={"code": request.GET.get("code", "")[:64]})
    if request.method == "POST" and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        counters = [
            ("survey_code", throttle.hashed_key(f"code:{code}"), CODE_FAILURES_PER_CODE),
            ("survey_code_client", throttle.client_key(request), CODE_FAILURES_PER_CLIENT),
        ]
        try:
            throttle.guard(counters, CODE_WINDOW)
        except throttle.Locked as locked:
            form.add_error("code", str(locked))
        else:
            invitation = services.find_invitation(code)
            throttle.settle(counters, CODE_WINDOW, ok=invitation is not None)
            if invitation is None:
                form.add_error(
                    "code",
                    _(
                        "Diesen Zugangscode kennen wir nicht. Bitte prüfen Sie ihn Zeichen für Zeichen "
                        "(Groß- und Kleinschreibung, Leerzeichen und Bindestriche spielen keine Rolle)."
                    ),
                )
            elif invitation.status == InvitationStatus.SUBMITTED:
                form.add_error("code", str(services.ALREADY_SUBMITTED))
            elif not services.is_collecting(invitation.analysis):
                form.add_error("code", _closed_message(invitation.analysis))
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = {"invitation": invitation.pk}
                return _with_language(redirect("surveys:page"), request, invitation.draft_language)
    return render(request, "surveys/start.html", {"form": form}, status=400 if form.errors else 200)


def _closed_message(analysis: SafetyAnalysis) -> str:
    today = timezone.localdate()
    if analysis.field_start and today < analysis.field_start and analysis.status in INVITATIONS_OPEN:
        return _("Die Befragung beginnt am %(date)s. Bitte kommen Sie dann wieder.") % {
            "date": analysis.field_start.strftime("%d.%m.%Y")
        }
    return _("Diese Befragung ist beendet. Vielen Dank für Ihr Interesse.")


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    invitation = _invitation_from_session(request)
    if invitation is None or invitation.status == InvitationStatus.SUBMITTED:
        _end_session(request)
        messages.info(request, _("Bitte geben Sie Ihren Zugangscode ein."))
        return redirect("surveys:start")
    analysis = invitation.analysis
    if not services.is_collecting(analysis):
        _end_session(request)
        messages.error(request, _closed_message(analysis))
        return redirect("surveys:start")
    language = _language(request, analysis)
    spec = logic.load_spec(analysis.questionnaire)
    state = _State(invitation.draft)
    if request.method == "GET":
        return _render_page(request, analysis=analysis, spec=spec, state=state, language=language)
    with translation.override(_ui_language(language)):
        action, errors, raw = _handle_post(request, spec=spec, state=state)
    if action in ("invalid", "stale"):
        return _render_page(
            request, analysis=analysis, spec=spec, state=state, language=language, errors=errors, raw=raw, status=400
        )
    try:
        services.save_draft(
            invitation=invitation, answers=state.answers, texts=state.texts, page=state.page, language=language
        )
    except services.Refused as error:
        _end_session(request)
        messages.error(request, str(error.message))
        return redirect("surveys:start")
    if action in ("more", "point"):
        return _render_page(
            request,
            analysis=analysis,
            spec=spec,
            state=state,
            language=language,
            more=action == "more",
            point_set=action == "point",
        )
    if action == "save":
        _end_session(request)
        return redirect("surveys:saved")
    if action == "submit":
        try:
            with translation.override(_ui_language(language)):
                services.submit(invitation=invitation, spec=spec)
        except services.AlreadySubmitted as error:
            _end_session(request)
            messages.info(request, str(error.message))
            return redirect("surveys:start")
        except services.Refused as error:
            errors = _errors_for_submit(spec, state, error)
            services.save_draft(
                invitation=invitation, answers=state.answers, texts=state.texts, page=state.page, language=language
            )
            return _render_page(
                request, analysis=analysis, spec=spec, state=state, language=language, errors=errors, status=400
            )
        _end_session(request)
        request.session.pop(LANGUAGE_KEY, None)
        return redirect(f"{reverse('surveys:thanks')}?sprache={language}")
    return redirect("surveys:page")


def _with_language(response: HttpResponse, request: HttpRequest, chosen: str) -> HttpResponse:
    """Remember the chosen language: a page language in Django's language cookie, a further questionnaire language
    in the session."""
    if chosen in dict(settings.LANGUAGES):
        request.session.pop(LANGUAGE_KEY, None)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    elif chosen in services.LANGUAGES_OFFERED:
        request.session[LANGUAGE_KEY] = chosen
    return response


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the questionnaire's language (and the page's); back to where the person was."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = reverse("surveys:page")
    return _with_language(redirect(target), request, request.POST.get("language", ""))


@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/saved.html")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("sprache", "")
    with translation.override(chosen if chosen in dict(settings.LANGUAGES) else translation.get_language()):
        return render(request, "surveys/thanks.html")


def _open_cookie(analysis: SafetyAnalysis) -> str:
    return f"sikom_umfrage_{analysis.pk}"


@never_cache
@require_http_methods(["GET", "POST"])
def open_start(request: HttpRequest, token: str) -> HttpResponse:
    """The open link: one browser, one questionnaire. A signed cookie carries the browser's own token (its invitation);
    a browser that has submitted sees a thank-you instead of a second questionnaire (decision 0029, limits there)."""
    if not OPEN_TOKEN.match(token):
        return render(request, "surveys/open_unknown.html", status=404)
    analysis = SafetyAnalysis.objects.select_related("municipality").filter(open_token=token).first()
    if analysis is None:
        return render(request, "surveys/open_unknown.html", status=404)
    cookie = request.get_signed_cookie(_open_cookie(analysis), default="", salt=OPEN_COOKIE_SALT)
    invitation = services.find_open_invitation(analysis, cookie) if cookie else None
    if invitation is not None and invitation.status == InvitationStatus.SUBMITTED:
        return render(request, "surveys/open_done.html", {"analysis": analysis})
    if not services.is_collecting(analysis):
        return render(request, "surveys/open_start.html", {"analysis": analysis, "closed": _closed_message(analysis)})
    if invitation is not None:
        request.session[SESSION_KEY] = {"invitation": invitation.pk}
        if request.method == "GET":
            return render(request, "surveys/open_start.html", {"analysis": analysis, "resume": True})
        return redirect("surveys:page")
    if request.method == "GET":
        return render(request, "surveys/open_start.html", {"analysis": analysis})
    if not throttle.allow(request, "survey_open"):
        return render(
            request,
            "surveys/open_start.html",
            {
                "analysis": analysis,
                "closed": _(
                    "Von diesem Anschluss wurden sehr viele Fragebögen begonnen. "
                    "Bitte versuchen Sie es später noch einmal."
                ),
            },
            status=429,
        )
    invitation, browser_token = services.start_open_invitation(analysis=analysis)
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"invitation": invitation.pk}
    response = redirect("surveys:page")
    response.set_signed_cookie(
        _open_cookie(analysis),
        browser_token,
        salt=OPEN_COOKIE_SALT,
        max_age=OPEN_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path=reverse("surveys:open", args=[token]).rsplit("/", 2)[0] + "/",
    )
    return response


# Staff: the preview ------------------------------------------------------------------------------------------------


@keeps
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire exactly as respondents see it, with its checks and skip logic; the answers live only in
    the staff member's session."""
    analysis = selectors.get_analysis_for(request.user, pk)
    language = _language(request, analysis, preview=True)
    spec = logic.load_spec(analysis.questionnaire)
    store = request.session.get(PREVIEW_KEY) or {}
    if request.GET.get("neu") == "1":
        store.pop(str(analysis.pk), None)
    state = _State(store.get(str(analysis.pk)))
    if request.method == "GET":
        request.session[PREVIEW_KEY] = store
        return _render_page(request, analysis=analysis, spec=spec, state=state, language=language, preview=True)
    with translation.override(_ui_language(language)):
        action, errors, raw = _handle_post(request, spec=spec, state=state)
        if action == "submit":
            answers, texts = logic.prune(spec, state.answers, state.texts)
            problems = logic.check_answers(spec, answers, texts, complete=True)
            if problems:
                code, message = next(iter(problems.items()))
                errors = _errors_for_submit(spec, state, services.Refused(message, code))
                action = "invalid"
    store[str(analysis.pk)] = state.as_draft()
    request.session[PREVIEW_KEY] = store
    if action in ("more", "point"):
        return _render_page(
            request,
            analysis=analysis,
            spec=spec,
            state=state,
            language=language,
            preview=True,
            more=action == "more",
            point_set=action == "point",
        )
    if action in ("invalid", "stale"):
        return _render_page(
            request,
            analysis=analysis,
            spec=spec,
            state=state,
            language=language,
            errors=errors,
            raw=raw,
            preview=True,
            status=400,
        )
    if action in ("submit", "save"):
        store.pop(str(analysis.pk), None)
        request.session[PREVIEW_KEY] = store
        messages.success(
            request,
            _("Vorschau: Der Fragebogen wäre jetzt abgeschickt. Es wurde nichts gespeichert.")
            if action == "submit"
            else _("Vorschau: Die Antworten wären jetzt zum späteren Fortsetzen gespeichert."),
        )
        return redirect("surveys:editor", pk=analysis.pk)
    return redirect("surveys:preview", pk=analysis.pk)

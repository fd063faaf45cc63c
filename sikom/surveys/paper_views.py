"""Staff pages for paper returns and imports (decision 0033): entering paper questionnaires, importing a table of
answers (the sikom template or a LimeSurvey response export) with a validation report and a confirmation, and
taking over a LimeSurvey survey structure. Thin: the analysis comes from `selectors` (outside: 404), reading and
checking from `paper` and `limesurvey`, writes from their services."""

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sikom.accounts.decorators import staff_required
from sikom.core import exports
from sikom.surveys import limesurvey, logic, paper, selectors, services
from sikom.surveys.models import QuestionType, Response, ResponseChannel, text_in
from sikom.surveys.paper_forms import ConfirmForm, ResponseImportForm, StructureImportForm
from sikom.surveys.workflow import QUESTIONNAIRE_EDITABLE

keeps = staff_required(selectors.keeps_analyses)
STRUCTURE_SESSION_KEY = "surveys_pending_structure"


# Entering paper questionnaires -----------------------------------------------------------------------------------


def _legend(q: logic.QuestionSpec) -> list[tuple[str, str]]:
    return [(key, option.text("de")) for key, option in paper.entry_keys(q)]


def _field(name: str, label: str, sheet: paper.Sheet, **extra) -> dict:
    return {
        "name": name,
        "id": "f-" + name,
        "label": label,
        "value": sheet.raw.get(name, ""),
        "error": sheet.errors.get(name, ""),
        **extra,
    }


def entry_layout(spec: logic.Spec, sheet: paper.Sheet) -> list[dict]:
    """The entry screen as plain data for the template: pages with their questions, each with its fields, the keys
    to type and the messages at the fields."""
    pages = []
    for section in spec.sections:
        questions = []
        for q in section.questions:
            name = logic.field_name(q)
            item = {"code": q.code, "text": q.label("de"), "type": q.type, "legend": [], "fields": [], "hint": ""}
            numeric = all(key.isdigit() for key, _o in paper.entry_keys(q))
            if q.type in (QuestionType.SINGLE, QuestionType.MATRIX, QuestionType.MULTIPLE, QuestionType.PLACE):
                item["legend"] = _legend(q)
            if q.type == QuestionType.SINGLE:
                item["fields"] = [_field(name, q.code, sheet, short=True, numeric=numeric)]
            elif q.type == QuestionType.MULTIPLE:
                item["hint"] = _("Mehrere Werte mit Leerzeichen trennen, z. B. »1 3«.")
                item["fields"] = [_field(name, q.code, sheet, short=False, numeric=False)]
            elif q.type == QuestionType.MATRIX:
                item["fields"] = [
                    _field(logic.field_name(q, row.code), row.text("de"), sheet, short=True, numeric=numeric)
                    for row in q.rows
                ]
            elif q.type == QuestionType.NUMBER:
                low, high = logic._bounds(q)
                item["hint"] = _("Ganze Zahl von %(min)s bis %(max)s.") % {"min": low, "max": high}
                item["fields"] = [_field(name, q.code, sheet, short=True, numeric=True)]
            elif q.type == QuestionType.TEXT:
                item["fields"] = [_field(name, q.code, sheet, textarea=True)]
            elif q.type == QuestionType.PLACE:
                if q.options:
                    item["fields"].append(_field(name, _("Ort (Wert)"), sheet, short=True, numeric=numeric))
                if q.allow_point:
                    item["fields"].append(_field(logic.field_name(q, "lat"), _("oder Breitengrad"), sheet, short=False))
                    item["fields"].append(_field(logic.field_name(q, "lon"), _("und Längengrad"), sheet, short=False))
                if q.type == QuestionType.PLACE and not item["fields"]:
                    continue
            questions.append(item)
        if questions:
            pages.append({"title": section.heading("de"), "questions": questions})
    return pages


@keeps
@never_cache
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    is_open = analysis.status in paper.ENTRY_OPEN
    spec = logic.load_spec(analysis.questionnaire)
    sheet = paper.Sheet()
    token = ""
    status = 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, str(paper.ENTRY_CLOSED))
            return redirect("surveys:paper_entry", pk=analysis.pk)
        token = request.POST.get("token", "")[:400]
        sheet = paper.read_sheet(spec, request.POST)
        if not sheet.errors:
            try:
                paper.save_sheet(analysis=analysis, sheet=sheet, token=token, by=request.user)
            except paper.AlreadySaved as error:
                messages.info(request, str(error.message))
                return redirect("surveys:paper_entry", pk=analysis.pk)
            except services.Refused as error:
                sheet.errors[""] = str(error.message)
            else:
                count = paper.paper_count(analysis.questionnaire)["paper"]
                text = _("Der Bogen ist gespeichert (bisher %(count)d Papierbögen).") % {"count": count}
                if sheet.dropped:
                    text += " " + _(
                        "Nicht übernommen, weil die Filterfrage sie überspringen lässt: %(codes)s. Bitte prüfen Sie "
                        "die Filterfrage auf dem Bogen."
                    ) % {"codes": ", ".join(sheet.dropped)}
                messages.success(request, text)
                return redirect("surveys:paper_entry", pk=analysis.pk)
        status = 200
    if is_open and not token:
        token = paper.issue_form_token(analysis, request.user)
    pages = entry_layout(spec, sheet) if is_open else []
    first = next((f for p in pages for q in p["questions"] for f in q["fields"]), None)
    field_ids = {f["name"]: f["id"] for p in pages for q in p["questions"] for f in q["fields"]}
    errors = [{"id": field_ids.get(name, "bogen"), "message": message} for name, message in sheet.errors.items()]
    context = {
        "analysis": analysis,
        "is_open": is_open,
        "closed_message": paper.ENTRY_CLOSED,
        "pages": pages,
        "token": token,
        "errors": errors,
        "form_error": sheet.errors.get(""),
        "first_id": first["id"] if first and not errors else "",
        "counts": paper.paper_count(analysis.questionnaire),
    }
    return render(request, "surveys/paper/entry.html", context, status=status)


# Importing answers ------------------------------------------------------------------------------------------------


def _template_rows(spec: logic.Spec) -> list[list[str]]:
    rows = []
    for name, column in paper.template_columns(spec).items():
        q = spec.by_code[column.question]
        if q.type == QuestionType.MULTIPLE:
            option = next(o for o in q.options if o.code == column.part)
            values = _("1 = gewählt, 0 oder leer = nicht gewählt")
            meaning = f"{q.label('de')} – {option.text('de')}"
        elif q.type == QuestionType.MATRIX:
            row = next(r for r in q.rows if r.code == column.part)
            values = ", ".join(f"{o.code} = {o.text('de')}" for o in q.options)
            meaning = f"{q.label('de')} – {row.text('de')}"
        elif q.type == QuestionType.NUMBER:
            low, high = logic._bounds(q)
            values = _("ganze Zahl von %(min)s bis %(max)s") % {"min": low, "max": high}
            meaning = q.label("de")
        elif q.type == QuestionType.TEXT:
            values = _("Text, höchstens %(n)d Zeichen") % {"n": min(q.max_length or logic.TEXT_LIMIT, logic.TEXT_LIMIT)}
            meaning = q.label("de")
        elif column.part in ("lat", "lon"):
            values = _("Dezimalgrad, z. B. 50.9628")
            meaning = q.label("de")
        else:
            values = ", ".join(f"{o.code} = {o.text('de')}" for o in q.options)
            meaning = q.label("de")
        rows.append([name, meaning, values])
    return rows


@keeps
@require_GET
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty template (header only) as CSV or XLSX; `?format=codebuch` lists what each column holds."""
    analysis = selectors.get_analysis_for(request.user, pk)
    spec = logic.load_spec(analysis.questionnaire)
    fmt = request.GET.get("format", "")
    if fmt == "codebuch":
        return exports.table_download(
            "csv", f"Codebuch-{analysis.pk}", [_("Spalte"), _("Frage"), _("Werte")], _template_rows(spec)
        )
    fmt = exports.export_format(request, default="csv")
    return exports.table_download(fmt, f"Vorlage-Antwortboegen-{analysis.pk}", list(paper.template_columns(spec)), [])


@keeps
@never_cache
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    is_open = analysis.status in paper.ENTRY_OPEN
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        spec = logic.load_spec(analysis.questionnaire)
        limesurvey_export = data["source"] == ResponseImportForm.LIMESURVEY
        try:
            table = paper.read_table(data["file"], allow_xlsx=not limesurvey_export)
        except paper.TableRejected as error:
            form.add_error("file", str(error.message))
        else:
            if limesurvey_export:
                check = limesurvey.check_response_export(spec, table, include_incomplete=data["include_incomplete"])
            else:
                check = paper.check_template_table(spec, table)
            if check.clean:
                paper.keep_pending(
                    request.session, analysis=analysis, check=check, channel=data["channel"], source=data["source"]
                )
                return redirect("surveys:import_confirm", pk=analysis.pk)
    context = {
        "analysis": analysis,
        "is_open": is_open,
        "closed_message": paper.ENTRY_CLOSED,
        "form": form,
        "check": check,
    }
    return render(request, "surveys/paper/import.html", context)


@keeps
@never_cache
@require_http_methods(["GET", "POST"])
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    entry = request.session.get(paper.PENDING_SESSION_KEY) or {}
    token = request.POST.get("token", "") if request.method == "POST" else str(entry.get("token", ""))
    pending = paper.pending(request.session, analysis, token)
    if pending is None:
        messages.info(request, _("Es liegt kein geprüfter Import vor. Bitte laden Sie die Datei hoch."))
        return redirect("surveys:import", pk=analysis.pk)
    if request.method == "POST":
        if "abbrechen" in request.POST:
            paper.drop_pending(request.session)
            messages.info(request, _("Der Import ist abgebrochen. Es wurde nichts gespeichert."))
            return redirect("surveys:import", pk=analysis.pk)
        try:
            count = paper.import_rows(
                analysis=analysis,
                rows=pending["rows"],
                channel=pending.get("channel", ""),
                by=request.user,
                token=token,
                source=pending.get("source", ""),
            )
        except paper.AlreadySaved:
            paper.drop_pending(request.session)
            messages.info(request, _("Dieser Import ist schon gespeichert. Er wurde nicht noch einmal gespeichert."))
            return redirect("surveys:import", pk=analysis.pk)
        except services.Refused as error:
            paper.drop_pending(request.session)
            messages.error(request, str(error.message))
            return redirect("surveys:import", pk=analysis.pk)
        paper.drop_pending(request.session)
        messages.success(
            request, _("%(count)d Antwortbögen sind importiert, in zufälliger Reihenfolge.") % {"count": count}
        )
        return redirect("surveys:import", pk=analysis.pk)
    rows = pending["rows"]
    context = {
        "analysis": analysis,
        "pending": pending,
        "count": len(rows),
        "completed": sum(1 for row in rows if row.get("completed")),
        "channel": ResponseChannel(pending.get("channel")).label
        if pending.get("channel") in ResponseChannel.values
        else "",
        "limesurvey": pending.get("source") == ResponseImportForm.LIMESURVEY,
        "form": ConfirmForm(initial={"token": token}),
    }
    return render(request, "surveys/paper/import_confirm.html", context)


# LimeSurvey structure --------------------------------------------------------------------------------------------


def _structure_refusal(analysis) -> str:
    if analysis.status not in QUESTIONNAIRE_EDITABLE:
        return str(services.QUESTIONNAIRE_FIXED)
    if Response.objects.filter(questionnaire=analysis.questionnaire).exists():
        return _(
            "Der Fragebogen hat schon Antworten. Eine LimeSurvey-Struktur kann nur ohne Antworten übernommen werden."
        )
    return ""


@keeps
@never_cache
@require_http_methods(["GET", "POST"])
def structure_upload(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    refusal = _structure_refusal(analysis)
    form = StructureImportForm(request.POST or None, request.FILES or None)
    # Refused (running, or answers exist): the page says why and shows no form; a POST changes nothing.
    if request.method == "POST" and not refusal and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if not (upload.name or "").lower().endswith(".lss"):
                raise limesurvey.StructureRejected(_("Bitte laden Sie eine LimeSurvey-Umfragestruktur (.lss) hoch."))
            if upload.size is None or upload.size > limesurvey.MAX_LSS_BYTES:
                raise limesurvey.StructureRejected(_("Die Datei ist größer als 5 MB."))
            upload.seek(0)
            plan = limesurvey.read_structure(upload.read(limesurvey.MAX_LSS_BYTES + 1))
        except limesurvey.StructureRejected as error:
            form.add_error("file", str(error.message))
        else:
            token = secrets.token_urlsafe(18)
            request.session[STRUCTURE_SESSION_KEY] = {"token": token, "analysis": analysis.pk, "plan": plan.as_dict()}
            return redirect("surveys:structure_confirm", pk=analysis.pk)
    context = {"analysis": analysis, "form": form, "refusal": refusal}
    return render(request, "surveys/paper/structure.html", context)


@keeps
@never_cache
@require_http_methods(["GET", "POST"])
def structure_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    entry = request.session.get(STRUCTURE_SESSION_KEY)
    token = request.POST.get("token", "") if request.method == "POST" else ""
    if (
        not isinstance(entry, dict)
        or entry.get("analysis") != analysis.pk
        or (request.method == "POST" and not secrets.compare_digest(str(entry.get("token", "")), token))
    ):
        messages.info(request, _("Es liegt keine geprüfte Umfragestruktur vor. Bitte laden Sie die Datei hoch."))
        return redirect("surveys:structure", pk=analysis.pk)
    plan = entry["plan"]
    if request.method == "POST":
        request.session.pop(STRUCTURE_SESSION_KEY, None)
        if "abbrechen" in request.POST:
            messages.info(request, _("Die Übernahme ist abgebrochen. Der Fragebogen ist unverändert."))
            return redirect("surveys:structure", pk=analysis.pk)
        try:
            count = limesurvey.import_structure(analysis=analysis, plan=plan, by=request.user)
        except (services.Refused, KeyError, TypeError, ValueError) as error:
            message = error.message if isinstance(error, services.Refused) else _("Die Umfragestruktur ist ungültig.")
            messages.error(request, str(message))
            return redirect("surveys:structure", pk=analysis.pk)
        messages.success(
            request, _("Der Fragebogen ist aus LimeSurvey übernommen: %(count)d Fragen.") % {"count": count}
        )
        return redirect("surveys:structure", pk=analysis.pk)
    questions = [
        {**q, "text_de": text_in(q.get("text"), "de"), "section": text_in(s.get("title"), "de")}
        for s in plan.get("sections", [])
        for q in s.get("questions", [])
    ]
    type_labels = dict(QuestionType.choices)
    for q in questions:
        q["type_label"] = type_labels.get(q.get("type"), "")
    context = {
        "analysis": analysis,
        "plan": plan,
        "questions": questions,
        "refusal": _structure_refusal(analysis),
        "form": ConfirmForm(initial={"token": entry.get("token", "")}),
        "existing": analysis.questionnaire.questions.count(),
    }
    return render(request, "surveys/paper/structure_confirm.html", context)

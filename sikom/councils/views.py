"""Pages of the prevention councils (/raete/) and participation formats (/beteiligung/). Thin: every object comes
from a queryset of `selectors` (outside it: 404), every write goes through `services`."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.accounts.selectors import is_asskomm, municipality_of
from sikom.core import audit
from sikom.core.choices import choice_label
from sikom.core.exports import export_format, table_download
from sikom.core.versions import EDIT_CONFLICT, EditConflict
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils import selectors, services
from sikom.councils.forms import (
    AnalysisFilterForm,
    AnalysisForm,
    CouncilFilterForm,
    CouncilForm,
    DecisionFormSet,
    FormatForm,
    FormatStatusForm,
    MeasureFormSet,
    MeetingForm,
    ResultsForm,
)
from sikom.councils.models import FormatKind, FormatStatus
from sikom.councils.workflow import EDITABLE, PARTICIPATION, RESULTS

DECISIONS = "beschluss"
MEASURES = "massnahme"


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _time(value) -> str:
    return value.strftime("%H:%M") if value else ""


def _query_without_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _refusal_to_form(error: services.Refused, form, rows=None) -> None:
    """Put a service's refusal at the field (or row) it names."""
    if error.row is not None and rows is not None:
        target = rows[error.row][0]
        target.add_error(error.field if error.field in target.fields else None, str(error.message))
    else:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _typed_rows(request: HttpRequest, formset_class, prefix: str, *, more: bool = True) -> list[dict]:
    """What was typed into the rows of an inline table, plus one empty row, for »Weitere Zeile« (without JS)."""
    formset = formset_class(request.POST, prefix=prefix)
    total = min(formset.management_form.cleaned_data["TOTAL_FORMS"], formset.absolute_max - 1)
    fields = list(formset_class.form.base_fields)
    rows = [{name: request.POST.get(f"{prefix}-{i}-{name}", "") for name in fields} for i in range(total)]
    for row in rows:
        for name in ("done", "delete"):
            if name in row:
                row[name] = bool(row[name])
    return [*rows, {}] if more else rows


# Councils ---------------------------------------------------------------------------------------------------------


@staff_required(selectors.reads_councils)
@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    form = CouncilFilterForm(request.GET or None)
    councils = selectors.council_listing(request.user, **form.filters()).annotate(meeting_count=Count("meetings"))
    fmt = export_format(request)
    if fmt:
        audit.log("councils.councils_exported", actor=request.user, data={"format": fmt})
        return table_download(
            fmt,
            "Kriminalpraeventive-Raete",
            [
                _("Gemeinde"),
                _("Gemeindeschlüssel"),
                _("Landkreis / Kreisfreie Stadt"),
                _("Name des Rates"),
                _("Gegründet am"),
                _("Aufgelöst am"),
                _("Vorsitz"),
                _("Mitwirkende Institutionen"),
                _("Mitwirkende Organisationen der Plattform"),
                _("Sitzungen"),
            ],
            (
                [
                    council.municipality.name,
                    council.municipality.ags,
                    council.municipality.district.short_name,
                    council.name,
                    council.founded if fmt == "xlsx" else _date(council.founded),
                    (council.dissolved if fmt == "xlsx" else _date(council.dissolved)) or "",
                    council.chair,
                    council.member_institutions.replace("\r\n", "; ").replace("\n", "; "),
                    ", ".join(organisation.name for organisation in council.member_organisations.all()),
                    council.meeting_count,
                ]
                for council in councils.iterator(chunk_size=500)
            ),
        )
    own = municipality_of(request.user)
    return render(
        request,
        "councils/council_list.html",
        {
            "form": form,
            "councils": councils,
            "query": _query_without_format(request),
            "can_create": is_asskomm(request.user) or (own is not None and selectors.council_of(own) is None),
            "keeps_records": selectors.keeps_prevention_records(request.user),
        },
    )


def _council_form(request: HttpRequest, *, council=None) -> CouncilForm:
    kwargs = {
        "municipalities": selectors.municipalities_editable_by(request.user),
        "members": selectors.member_organisation_choices(),
        "shareable": selectors.shareable_organisations(),
        "editing": council is not None,
    }
    if request.method == "POST":
        return CouncilForm(request.POST, **kwargs)
    if council is None:
        return CouncilForm(**kwargs)
    initial = {name: getattr(council, name) for name in services.COUNCIL_FIELDS}
    initial["member_organisations"] = list(council.member_organisations.values_list("pk", flat=True))
    initial["shared_with"] = list(council.shared_with.values_list("pk", flat=True))
    initial["version"] = council.version
    return CouncilForm(initial=initial, **kwargs)


def _council_data(form: CouncilForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.COUNCIL_FIELDS}


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest) -> HttpResponse:
    form = _council_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.create_council(
                municipality=form.cleaned_data["municipality"],
                by=request.user,
                data=_council_data(form),
                members=form.cleaned_data["member_organisations"],
                shared_with=form.cleaned_data["shared_with"],
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, _("Der Kriminalpräventive Rat ist angelegt."))
            return redirect("councils:detail", pk=council.pk)
    return render(request, "councils/council_form.html", {"form": form, "council": None})


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def council_edit(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_object_or_404(selectors.councils_editable_by(request.user), pk=pk)
    form = _council_form(request, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_council(
                council=council,
                by=request.user,
                data=_council_data(form),
                members=form.cleaned_data["member_organisations"],
                shared_with=form.cleaned_data["shared_with"],
                expected_version=form.cleaned_data["version"] or 0,
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        except EditConflict:
            form.add_error(None, str(EDIT_CONFLICT))
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("councils:detail", pk=council.pk)
    return render(request, "councils/council_form.html", {"form": form, "council": council})


@staff_required(selectors.reads_councils)
@require_GET
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_object_or_404(selectors.councils_visible_to(request.user), pk=pk)
    # The page names the chair and the members: reads of personal data are audited.
    audit.log("councils.council_viewed", actor=request.user, obj=council)
    municipality = council.municipality
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "members": council.member_organisations.order_by("name"),
            "shared_with": council.shared_with.order_by("name"),
            "meetings": selectors.meetings_of(council),
            "can_edit": selectors.can_edit_council(request.user, council),
            "analyses": selectors.analyses_visible_to(request.user).filter(municipality=municipality),
            "formats": selectors.formats_visible_to(request.user).filter(municipality=municipality),
            "keeps_records": selectors.keeps_prevention_records(request.user),
        },
    )


# Meetings ---------------------------------------------------------------------------------------------------------


def _meeting_page(request, *, council, meeting, form, decisions) -> HttpResponse:
    return render(
        request,
        "councils/meeting_form.html",
        {"council": council, "meeting": meeting, "form": form, "decisions": decisions},
    )


def _meeting_data(form: MeetingForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.MEETING_FIELDS}


def _save_meeting(request: HttpRequest, *, council, meeting=None) -> HttpResponse:
    if request.method == "POST":
        form = MeetingForm(request.POST)
        decisions = DecisionFormSet(request.POST, prefix=DECISIONS)
        if "zeile" in request.POST and decisions.management_form.is_valid():
            form = MeetingForm(initial={name: request.POST.get(name, "") for name in MeetingForm.base_fields})
            decisions = DecisionFormSet(initial=_typed_rows(request, DecisionFormSet, DECISIONS), prefix=DECISIONS)
            return _meeting_page(request, council=council, meeting=meeting, form=form, decisions=decisions)
        if form.is_valid() and decisions.is_valid():
            rows = decisions.rows()
            try:
                if meeting is None:
                    meeting = services.create_meeting(
                        council=council, by=request.user, data=_meeting_data(form), decisions=[r for _f, r in rows]
                    )
                else:
                    services.update_meeting(
                        meeting=meeting,
                        by=request.user,
                        data=_meeting_data(form),
                        decisions=[r for _f, r in rows],
                        expected_version=form.cleaned_data["version"] or 0,
                    )
            except services.Refused as error:
                _refusal_to_form(error, form, rows)
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(request, _("Die Sitzung ist gespeichert."))
                return redirect("councils:meeting_detail", pk=meeting.pk)
    elif meeting is None:
        form = MeetingForm()
        decisions = DecisionFormSet(initial=[{}], prefix=DECISIONS)
    else:
        form = MeetingForm(
            initial={**{n: getattr(meeting, n) for n in services.MEETING_FIELDS}, "version": meeting.version}
        )
        rows = [
            {"id": d.pk, "text": d.text, "owner": d.owner, "due_date": d.due_date, "done": d.done}
            for d in meeting.decisions.all()
        ]
        decisions = DecisionFormSet(initial=rows or [{}], prefix=DECISIONS)
    return _meeting_page(request, council=council, meeting=meeting, form=form, decisions=decisions)


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_object_or_404(selectors.councils_editable_by(request.user), pk=pk)
    return _save_meeting(request, council=council)


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.meetings_editable_by(request.user), pk=pk)
    return _save_meeting(request, council=meeting.council, meeting=meeting)


@staff_required(selectors.reads_councils)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    # Minutes and decisions name people (who is responsible for what).
    audit.log("councils.meeting_viewed", actor=request.user, obj=meeting)
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "decisions": meeting.decisions.all(),
            "can_edit": selectors.can_edit_council(request.user, meeting.council),
        },
    )


# Safety analyses --------------------------------------------------------------------------------------------------


@staff_required(selectors.keeps_prevention_records)
@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    form = AnalysisFilterForm(request.GET or None)
    analyses = selectors.analysis_listing(request.user, **form.filters())
    fmt = export_format(request)
    if fmt:
        audit.log("councils.analyses_exported", actor=request.user, data={"format": fmt})
        return table_download(
            fmt,
            "Sicherheitsanalysen",
            [
                _("Gemeinde"),
                _("Gemeindeschlüssel"),
                _("Landkreis / Kreisfreie Stadt"),
                _("Stand"),
                _("Jahr"),
                _("Abgeschlossen am"),
                _("Quelle"),
                _("Bemerkung"),
            ],
            (
                [
                    analysis.municipality.name,
                    analysis.municipality.ags,
                    analysis.municipality.district.short_name,
                    analysis.get_status_display(),
                    analysis.year,
                    (analysis.completed_on if fmt == "xlsx" else _date(analysis.completed_on)) or "",
                    analysis.get_source_display(),
                    analysis.note,
                ]
                for analysis in analyses.iterator(chunk_size=500)
            ),
        )
    editable = set(selectors.analyses_editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "councils/analysis_list.html",
        {"form": form, "analyses": analyses, "editable": editable, "query": _query_without_format(request)},
    )


def _analysis_data(form: AnalysisForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.ANALYSIS_FIELDS}


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def analysis_create(request: HttpRequest) -> HttpResponse:
    municipalities = selectors.municipalities_editable_by(request.user)
    form = AnalysisForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_analysis_status(
                municipality=form.cleaned_data["municipality"], by=request.user, data=_analysis_data(form)
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, _("Der Stand der Sicherheitsanalyse ist gespeichert."))
            return redirect("councils:analysis_list")
    return render(request, "councils/analysis_form.html", {"form": form, "analysis": None})


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def analysis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = get_object_or_404(selectors.analyses_editable_by(request.user), pk=pk)
    if request.method == "POST":
        form = AnalysisForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.record_analysis_status(
                    municipality=analysis.municipality,
                    analysis=analysis,
                    by=request.user,
                    data=_analysis_data(form),
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except services.Refused as error:
                _refusal_to_form(error, form)
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(request, _("Der Stand der Sicherheitsanalyse ist gespeichert."))
                return redirect("councils:analysis_list")
    else:
        initial = {name: getattr(analysis, name) for name in services.ANALYSIS_FIELDS}
        form = AnalysisForm(initial={**initial, "version": analysis.version}, editing=True)
    return render(request, "councils/analysis_form.html", {"form": form, "analysis": analysis})


# Participation formats --------------------------------------------------------------------------------------------


@staff_required(selectors.keeps_prevention_records)
@require_GET
def format_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("stand", "")
    if status and status not in FormatStatus.values:
        status = ""
    formats = selectors.format_listing(request.user, status=status)
    fmt = export_format(request)
    if fmt:
        audit.log("councils.formats_exported", actor=request.user, data={"format": fmt})
        return table_download(
            fmt,
            "Beteiligungsformate",
            [
                _("Gemeinde"),
                _("Format"),
                _("Titel"),
                _("Datum"),
                _("Beginn"),
                _("Ende"),
                _("Ort"),
                _("Eingeladene Gruppen"),
                _("Stand"),
                _("Vereinbarte Maßnahmen"),
            ],
            (
                [
                    item.municipality.name,
                    choice_label(FormatKind, item.kind),
                    item.title,
                    item.date if fmt == "xlsx" else _date(item.date),
                    _time(item.starts_at),
                    _time(item.ends_at),
                    item.place,
                    item.invited_groups.replace("\r\n", "; ").replace("\n", "; "),
                    choice_label(FormatStatus, item.status),
                    item.measure_count,
                ]
                for item in formats.annotate(measure_count=Count("measures")).iterator(chunk_size=500)
            ),
        )
    return render(
        request,
        "councils/format_list.html",
        {
            "formats": formats,
            "status": status,
            "statuses": FormatStatus.choices,
            "query": _query_without_format(request),
        },
    )


def _format_data(form: FormatForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.FORMAT_FIELDS}


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def format_create(request: HttpRequest) -> HttpResponse:
    form = FormatForm(request.POST or None, municipalities=selectors.municipalities_editable_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            fmt = services.plan_format(
                municipality=form.cleaned_data["municipality"], by=request.user, data=_format_data(form)
            )
        except services.Refused as error:
            _refusal_to_form(error, form)
        else:
            messages.success(request, _("Das Beteiligungsformat ist geplant."))
            return redirect("councils:format_detail", pk=fmt.pk)
    return render(request, "councils/format_form.html", {"form": form, "format": None})


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def format_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = get_object_or_404(selectors.formats_editable_by(request.user), pk=pk)
    if fmt.status not in EDITABLE:
        messages.error(
            request, _("Ein Format, das schon stattgefunden hat oder abgesagt ist, wird nicht mehr umgeplant.")
        )
        return redirect("councils:format_detail", pk=fmt.pk)
    if request.method == "POST":
        form = FormatForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.update_format(
                    fmt=fmt,
                    by=request.user,
                    data=_format_data(form),
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except services.Refused as error:
                _refusal_to_form(error, form)
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(request, _("Die Änderungen sind gespeichert."))
                return redirect("councils:format_detail", pk=fmt.pk)
    else:
        initial = {name: getattr(fmt, name) for name in services.FORMAT_FIELDS}
        form = FormatForm(initial={**initial, "version": fmt.version}, editing=True)
    return render(request, "councils/format_form.html", {"form": form, "format": fmt})


def _format_page(request: HttpRequest, fmt, status_form=None) -> HttpResponse:
    targets = [target for target in PARTICIPATION.targets(fmt.status) if target != fmt.status]
    if fmt.date > timezone.localdate():  # not yet held: the service would refuse it
        targets = [target for target in targets if target != FormatStatus.HELD]
    return render(
        request,
        "councils/format_detail.html",
        {
            "format": fmt,
            "measures": fmt.measures.all(),
            "history": fmt.status_changes.select_related("by"),
            "moves": [
                {"status": target, "label": choice_label(FormatStatus, target)}
                for target in targets
                if target != FormatStatus.CANCELLED
            ],
            "can_cancel": FormatStatus.CANCELLED in targets,
            "can_edit": fmt.status in EDITABLE,
            "can_record": fmt.status in RESULTS,
            "status_form": status_form or FormatStatusForm(),
        },
    )


@staff_required(selectors.keeps_prevention_records)
@require_GET
def format_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = get_object_or_404(selectors.formats_visible_to(request.user), pk=pk)
    return _format_page(request, fmt)


@staff_required(selectors.keeps_prevention_records)
@require_POST
def format_status(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = get_object_or_404(selectors.formats_editable_by(request.user), pk=pk)
    form = FormatStatusForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["status"]
        try:
            services.change_format_status(fmt=fmt, to=to, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionNotAllowed as error:
            form.add_error("reason" if to == FormatStatus.CANCELLED else "status", str(error))
        else:
            messages.success(
                request,
                _("Das Format ist jetzt »%(status)s«.") % {"status": choice_label(FormatStatus, to)},
            )
            return redirect("councils:format_detail", pk=fmt.pk)
    return _format_page(request, fmt, status_form=form)


@staff_required(selectors.keeps_prevention_records)
@require_http_methods(["GET", "POST"])
def format_results(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = get_object_or_404(selectors.formats_editable_by(request.user), pk=pk)
    if fmt.status not in RESULTS:
        messages.error(request, _("Ergebnisse lassen sich erst festhalten, wenn das Format durchgeführt ist."))
        return redirect("councils:format_detail", pk=fmt.pk)
    if request.method == "POST":
        form = ResultsForm(request.POST)
        measures = MeasureFormSet(request.POST, prefix=MEASURES)
        if "zeile" in request.POST and measures.management_form.is_valid():
            form = ResultsForm(initial={name: request.POST.get(name, "") for name in ResultsForm.base_fields})
            measures = MeasureFormSet(initial=_typed_rows(request, MeasureFormSet, MEASURES), prefix=MEASURES)
        elif form.is_valid() and measures.is_valid():
            rows = measures.rows()
            try:
                services.record_results(
                    fmt=fmt,
                    by=request.user,
                    results=form.cleaned_data["results"],
                    measures=[row for _form, row in rows],
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except services.Refused as error:
                _refusal_to_form(error, form, rows)
            except EditConflict:
                form.add_error(None, str(EDIT_CONFLICT))
            else:
                messages.success(request, _("Ergebnisse und Maßnahmen sind gespeichert."))
                return redirect("councils:format_detail", pk=fmt.pk)
    else:
        form = ResultsForm(initial={"results": fmt.results, "version": fmt.version})
        rows = [{"id": m.pk, "title": m.title, "owner": m.owner, "due_date": m.due_date} for m in fmt.measures.all()]
        measures = MeasureFormSet(initial=[*rows, {}], prefix=MEASURES)
    return render(request, "councils/format_results.html", {"format": fmt, "form": form, "measures": measures})


# Public pages -----------------------------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "councils/public_list.html", {"formats": selectors.upcoming_public_formats()})


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = get_object_or_404(selectors.public_formats(), pk=pk)
    return render(request, "councils/public_detail.html", {"format": fmt})

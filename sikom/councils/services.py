"""Writes for councils, meetings, safety analyses and participation formats: one transaction each, audited, with a
version check where two people may edit the same record (no lost updates). The callers (views) decide access through
`selectors`; these functions check the domain rules the forms already showed, so a forged request saves nothing."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import User
from sikom.core import audit
from sikom.core.versions import check_version
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils.models import (
    AnalysisSource,
    AnalysisStatus,
    CouncilDecision,
    CouncilMeeting,
    FormatStatus,
    ParticipationFormat,
    ParticipationMeasure,
    ParticipationStatusChange,
    PreventionCouncil,
    SafetyAnalysisStatus,
)
from sikom.councils.workflow import EDITABLE, PARTICIPATION, RESULTS
from sikom.geo.models import Municipality

COUNCIL_FIELDS = ["name", "founded", "dissolved", "chair", "member_institutions"]
MEETING_FIELDS = ["date", "starts_at", "ends_at", "place", "agenda", "minutes"]
DECISION_FIELDS = ["text", "owner", "due_date", "done"]
ANALYSIS_FIELDS = ["status", "year", "completed_on", "note"]
FORMAT_FIELDS = [
    "kind",
    "title",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "invited_groups",
    "agenda",
    "public_description",
    "registration_event",
]
MEASURE_FIELDS = ["title", "owner", "due_date"]


class Refused(Exception):
    """A domain rule refused the write; `field` names the form field the German message belongs to (or None)."""

    def __init__(self, message, field: str | None = None, *, row: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        # For inline rows (decisions, measures): the index of the row in the list passed in.
        self.row = row


COUNCIL_EXISTS = _("Für diese Gemeinde gibt es schon einen Kriminalpräventiven Rat. Bitte bearbeiten Sie diesen.")
OPEN_ANALYSIS_EXISTS = _(
    "Für diese Gemeinde ist schon eine Sicherheitsanalyse geplant oder in Arbeit. Bitte bearbeiten Sie diese."
)


def _check_span(start, end, *, field: str, message) -> None:
    if start and end and end < start:
        raise Refused(message, field)


def _check_times(data: dict[str, Any]) -> None:
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
        raise Refused(_("Das Ende muss nach dem Beginn liegen."), "ends_at")


# Councils ---------------------------------------------------------------------------------------------------------


def _check_council(data: dict[str, Any]) -> None:
    _check_span(
        data.get("founded"),
        data.get("dissolved"),
        field="dissolved",
        message=_("Der Rat kann nicht vor seiner Gründung aufgelöst worden sein."),
    )


def _set_council_fields(council: PreventionCouncil, data: dict[str, Any]) -> None:
    for name in COUNCIL_FIELDS:
        value = data.get(name)
        setattr(council, name, "" if value is None and name in ("name", "member_institutions") else value)


def create_council(
    *, municipality: Municipality, by: User | None, data: dict[str, Any], members=(), shared_with=()
) -> PreventionCouncil:
    _check_council(data)
    try:
        with transaction.atomic():
            if PreventionCouncil.objects.filter(municipality=municipality).exists():
                raise Refused(COUNCIL_EXISTS, "municipality")
            council = PreventionCouncil(municipality=municipality)
            _set_council_fields(council, data)
            council.save()
            council.member_organisations.set(members)
            council.shared_with.set(shared_with)
            audit.log("councils.council_created", actor=by, obj=council, data={"municipality": municipality.ags})
    except IntegrityError as error:  # two people founding the same council at once
        raise Refused(COUNCIL_EXISTS, "municipality") from error
    return council


def update_council(
    *,
    council: PreventionCouncil,
    by: User,
    data: dict[str, Any],
    members=(),
    shared_with=(),
    expected_version: int | None = None,
) -> PreventionCouncil:
    _check_council(data)
    with transaction.atomic():
        current = PreventionCouncil.objects.select_for_update().get(pk=council.pk)
        check_version(current, expected_version)
        _set_council_fields(current, data)
        current.version += 1
        current.save()
        current.member_organisations.set(members)
        before = set(current.shared_with.values_list("pk", flat=True))
        current.shared_with.set(shared_with)
        after = {organisation.pk for organisation in shared_with}
        audit.log(
            "councils.council_updated",
            actor=by,
            obj=current,
            data={
                "version": current.version,
                "shared_added": sorted(after - before),
                "shared_removed": sorted(before - after),
            },
        )
    return current


# Meetings ---------------------------------------------------------------------------------------------------------


def _check_decisions(meeting_date: date, decisions: list[dict[str, Any]]) -> None:
    for index, decision in enumerate(decisions):
        if decision.get("due_date") and meeting_date and decision["due_date"] < meeting_date:
            raise Refused(_("Die Frist kann nicht vor der Sitzung liegen."), "due_date", row=index)


def _save_decisions(meeting: CouncilMeeting, decisions: list[dict[str, Any]]) -> None:
    """Rows with an id change that decision of this meeting (an id of another meeting is refused); rows without add
    one; rows marked `delete` remove theirs."""
    existing = {decision.pk: decision for decision in meeting.decisions.all()}
    for index, row in enumerate(decisions):
        pk = row.get("id")
        if pk:
            decision = existing.get(pk)
            if decision is None:
                raise Refused(_("Diesen Beschluss gibt es in dieser Sitzung nicht."), "text", row=index)
            if row.get("delete"):
                decision.delete()
                continue
        elif row.get("delete"):
            continue
        else:
            decision = CouncilDecision(meeting=meeting)
        for name in DECISION_FIELDS:
            setattr(decision, name, row.get(name) if name != "done" else bool(row.get("done")))
        decision.save()


def create_meeting(
    *, council: PreventionCouncil, by: User | None, data: dict[str, Any], decisions: list[dict[str, Any]] = ()
) -> CouncilMeeting:
    decisions = list(decisions)
    _check_times(data)
    _check_decisions(data["date"], decisions)
    for index, row in enumerate(decisions):
        if row.get("id"):
            raise Refused(_("Diesen Beschluss gibt es in dieser Sitzung nicht."), "text", row=index)
    with transaction.atomic():
        meeting = CouncilMeeting(council=council, **{name: data.get(name) for name in MEETING_FIELDS})
        meeting.place = meeting.place or ""
        meeting.minutes = meeting.minutes or ""
        meeting.save()
        _save_decisions(meeting, decisions)
        audit.log("councils.meeting_created", actor=by, obj=meeting, data={"council": council.pk})
    return meeting


def update_meeting(
    *,
    meeting: CouncilMeeting,
    by: User,
    data: dict[str, Any],
    decisions: list[dict[str, Any]] = (),
    expected_version: int | None = None,
) -> CouncilMeeting:
    decisions = list(decisions)
    _check_times(data)
    _check_decisions(data["date"], decisions)
    with transaction.atomic():
        current = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        check_version(current, expected_version)
        for name in MEETING_FIELDS:
            value = data.get(name)
            setattr(current, name, "" if value is None and name in ("place", "minutes") else value)
        current.version += 1
        current.save()
        _save_decisions(current, decisions)
        # Decisions kept from before must not fall before a moved meeting either.
        if current.decisions.filter(due_date__lt=current.date).exists():
            raise Refused(_("Die Frist kann nicht vor der Sitzung liegen."), "date")
        audit.log("councils.meeting_updated", actor=by, obj=current, data={"version": current.version})
    return current


# Safety analyses --------------------------------------------------------------------------------------------------


def _check_analysis(data: dict[str, Any]) -> None:
    if data["status"] == AnalysisStatus.DONE:
        if not data.get("completed_on"):
            raise Refused(_("Bitte geben Sie an, wann die Analyse abgeschlossen wurde."), "completed_on")
        if data.get("year") and data["completed_on"].year != data["year"]:
            raise Refused(_("Das Abschlussdatum muss im angegebenen Jahr liegen."), "completed_on")
        if data["completed_on"] > timezone.localdate():
            raise Refused(_("Das Abschlussdatum liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe."), "completed_on")
    elif data.get("completed_on"):
        raise Refused(
            _("Ein Abschlussdatum gibt es nur bei einer abgeschlossenen Analyse. Bitte lassen Sie das Feld leer."),
            "completed_on",
        )


def record_analysis_status(
    *,
    municipality: Municipality,
    by: User | None,
    data: dict[str, Any],
    analysis: SafetyAnalysisStatus | None = None,
    source: str = AnalysisSource.MANUAL,
    expected_version: int | None = None,
) -> SafetyAnalysisStatus:
    """Create (no `analysis`) or change a municipality's analysis status. The survey app calls this with
    `source=AnalysisSource.SURVEY` once it runs the analyses."""
    _check_analysis(data)
    try:
        with transaction.atomic():
            if analysis is None:
                if (
                    data["status"] != AnalysisStatus.DONE
                    and SafetyAnalysisStatus.objects.filter(municipality=municipality)
                    .exclude(status=AnalysisStatus.DONE)
                    .exists()
                ):
                    raise Refused(OPEN_ANALYSIS_EXISTS, "status")
                current = SafetyAnalysisStatus(municipality=municipality, source=source)
                action = "councils.analysis_recorded"
            else:
                current = SafetyAnalysisStatus.objects.select_for_update().get(pk=analysis.pk)
                check_version(current, expected_version)
                current.version += 1
                current.source = source
                action = "councils.analysis_updated"
            for name in ANALYSIS_FIELDS:
                setattr(current, name, data.get(name) if name != "note" else data.get(name) or "")
            current.save()
            audit.log(action, actor=by, obj=current, data={"status": current.status, "year": current.year})
    except IntegrityError as error:
        raise Refused(OPEN_ANALYSIS_EXISTS, "status") from error
    return current


def withdraw_analysis_status(*, analysis: SafetyAnalysisStatus, by: User | None) -> None:
    """Remove a row the survey app drives when its analysis is cancelled before it was done (the councils have no
    »cancelled« status, and an open row would block the municipality's next analysis). Rows entered by hand and
    done rows stay."""
    with transaction.atomic():
        current = SafetyAnalysisStatus.objects.select_for_update().get(pk=analysis.pk)
        if current.source != AnalysisSource.SURVEY or current.status == AnalysisStatus.DONE:
            raise Refused(_("Dieser Stand der Sicherheitsanalyse kann nicht entfernt werden."), "status")
        audit.log(
            "councils.analysis_withdrawn",
            actor=by,
            obj=current,
            data={"status": current.status, "year": current.year},
        )
        current.delete()


# Participation formats --------------------------------------------------------------------------------------------


def _format_values(fmt: ParticipationFormat, data: dict[str, Any]) -> None:
    for name in FORMAT_FIELDS:
        value = data.get(name)
        if value is None and name not in ("date", "starts_at", "ends_at", "registration_event"):
            value = ""
        setattr(fmt, name, value)


def plan_format(*, municipality: Municipality, by: User | None, data: dict[str, Any]) -> ParticipationFormat:
    _check_times(data)
    with transaction.atomic():
        fmt = ParticipationFormat(municipality=municipality, status=FormatStatus.PLANNED)
        _format_values(fmt, data)
        fmt.save()
        ParticipationStatusChange.objects.create(format=fmt, status=fmt.status, by=by)
        audit.log("councils.format_planned", actor=by, obj=fmt, data={"municipality": municipality.ags})
    return fmt


def update_format(
    *, fmt: ParticipationFormat, by: User, data: dict[str, Any], expected_version: int | None = None
) -> ParticipationFormat:
    _check_times(data)
    with transaction.atomic():
        current = ParticipationFormat.objects.select_for_update().get(pk=fmt.pk)
        check_version(current, expected_version)
        if current.status not in EDITABLE:
            raise Refused(_("Ein Format, das schon stattgefunden hat oder abgesagt ist, wird nicht mehr umgeplant."))
        _format_values(current, data)
        if current.status == FormatStatus.ANNOUNCED and not current.public_description.strip():
            raise Refused(_("Ein angekündigtes Format braucht einen Ankündigungstext."), "public_description")
        current.version += 1
        current.save()
        audit.log("councils.format_updated", actor=by, obj=current, data={"version": current.version})
    return current


def change_format_status(
    *, fmt: ParticipationFormat, to: str, by: User | None, reason: str = ""
) -> ParticipationFormat:
    """Raises `TransitionNotAllowed` (German message) for a move the table does not allow."""
    with transaction.atomic():
        current = ParticipationFormat.objects.select_for_update().get(pk=fmt.pk)
        PARTICIPATION.check(current.status, to, reason=reason)
        if to == FormatStatus.ANNOUNCED and not current.public_description.strip():
            raise TransitionNotAllowed(
                str(_("Bitte schreiben Sie zuerst einen Ankündigungstext; er erscheint auf der öffentlichen Seite."))
            )
        if to == FormatStatus.HELD and current.date > timezone.localdate():
            raise TransitionNotAllowed(str(_("Das Format liegt in der Zukunft und kann noch nicht durchgeführt sein.")))
        current.status = to
        if to == FormatStatus.ANNOUNCED:
            current.announced_at = timezone.now()
        if to == FormatStatus.CANCELLED:
            current.cancel_reason = reason.strip()
        current.version += 1
        current.save()
        ParticipationStatusChange.objects.create(format=current, status=to, reason=reason.strip(), by=by)
        audit.log("councils.format_status_changed", actor=by, obj=current, data={"to": to})
    return current


def record_results(
    *,
    fmt: ParticipationFormat,
    by: User | None,
    results: str,
    measures: list[dict[str, Any]] = (),
    expected_version: int | None = None,
) -> ParticipationFormat:
    """Results and agreed measures of a format that took place; the first record moves it to »dokumentiert«.
    Measures rows with an id change that measure of this format, without add one, marked `delete` remove it."""
    measures = list(measures)
    if not results.strip():
        raise Refused(_("Bitte halten Sie die Ergebnisse fest."), "results")
    for index, row in enumerate(measures):
        if row.get("due_date") and row["due_date"] < fmt.date:
            raise Refused(_("Die Frist kann nicht vor dem Termin des Formats liegen."), "due_date", row=index)
    with transaction.atomic():
        current = ParticipationFormat.objects.select_for_update().get(pk=fmt.pk)
        check_version(current, expected_version)
        if current.status not in RESULTS:
            raise Refused(_("Ergebnisse lassen sich erst festhalten, wenn das Format durchgeführt ist."), "results")
        existing = {measure.pk: measure for measure in current.measures.all()}
        for index, row in enumerate(measures):
            pk = row.get("id")
            if pk:
                measure = existing.get(pk)
                if measure is None:
                    raise Refused(_("Diese Maßnahme gibt es bei diesem Format nicht."), "title", row=index)
                if row.get("delete"):
                    measure.delete()
                    continue
            elif row.get("delete"):
                continue
            else:
                measure = ParticipationMeasure(format=current)
            for name in MEASURE_FIELDS:
                setattr(measure, name, row.get(name))
            measure.save()
        current.results = results.strip()
        current.version += 1
        if current.status == FormatStatus.HELD:
            PARTICIPATION.check(current.status, FormatStatus.DOCUMENTED)
            current.status = FormatStatus.DOCUMENTED
            ParticipationStatusChange.objects.create(format=current, status=current.status, by=by)
        current.save()
        audit.log("councils.format_documented", actor=by, obj=current, data={"measures": current.measures.count()})
    return current

"""Every write to a protective measure: planning one and updating its status, dates and notes.

Each function is one transaction with the case row locked (so two agencies planning at the same moment are
serialised), refuses what the rules forbid with a German message, appends to the measure's history and writes the
audit log (without personal data: the notes never go there).
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, User
from sikom.cases.models import CASE_HANDLING_TYPES, Case, CaseStatus
from sikom.cases.selectors import is_lead, is_on_case
from sikom.cases.services import record_measure_event, share_with
from sikom.core import audit
from sikom.core.workflow import TransitionNotAllowed
from sikom.measures.catalogue import MeasureKind
from sikom.measures.models import OPEN_STATUSES, CaseMeasure, CaseMeasureChange, MeasureStatus
from sikom.measures.workflow import MEASURES

UPDATABLE_FIELDS = ["status", "starts_on", "ends_on", "notes"]


class MeasureInvalid(Exception):
    """Refused input. Carries a German message and the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class MeasureConflict(MeasureInvalid):
    """Someone saved the measure after the editor opened it; the edit would overwrite their change."""

    def __init__(self, current: CaseMeasure):
        super().__init__(
            _(
                "Die Maßnahme wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht gespeichert. "
                "Bitte prüfen Sie den aktuellen Stand und den Verlauf und speichern Sie Ihre Eingaben dann erneut."
            )
        )
        self.current = current


class OnlyLeadMayAssign(PermissionDenied):
    """A shared agency chose an agency that is not on the case yet: only the lead may bring it in."""

    field = "responsible"

    def __init__(self):
        self.message = _(
            "Diese Stelle ist noch nicht am Fall beteiligt. Nur die federführende Stelle kann eine Maßnahme an eine "
            "weitere Stelle vergeben (der Fall wird dieser Stelle dann freigegeben). Bitte wählen Sie eine "
            "beteiligte Stelle oder bitten Sie die federführende Stelle darum."
        )
        super().__init__(self.message)


def _locked(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def _check_member(by: User | None, case: Case) -> None:
    if by is None or not is_on_case(by.organisation, case):
        raise PermissionDenied(
            _("Schutzmaßnahmen planen und ändern können nur die federführende und die beteiligten Stellen.")
        )


def _check_dates(*, status: str, starts_on: date | None, ends_on: date | None, today: date) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise MeasureInvalid(_("Das Ende darf nicht vor dem Beginn liegen."), field="ends_on")
    if status == MeasureStatus.ACTIVE and starts_on and starts_on > today:
        raise MeasureInvalid(
            _(
                "Eine laufende Maßnahme kann nicht erst in der Zukunft beginnen. Bitte korrigieren Sie den Beginn "
                "oder lassen Sie die Maßnahme auf »geplant«."
            ),
            field="starts_on",
        )
    if status == MeasureStatus.ENDED and ends_on and ends_on > today:
        raise MeasureInvalid(
            _("Eine beendete Maßnahme kann nicht in der Zukunft enden. Bitte geben Sie das tatsächliche Ende an."),
            field="ends_on",
        )


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(measure: CaseMeasure) -> dict[str, Any]:
    return {name: _value(getattr(measure, name)) for name in UPDATABLE_FIELDS}


def _change_details(measure: CaseMeasure, changes: dict[str, list]) -> dict[str, Any]:
    """What the case history says about a change: the status move in words and the names of the other fields
    changed (not their values: the notes may hold personal details)."""
    status = changes.get("status")
    return {
        "title": measure.title,
        "status": [str(MeasureStatus(value).label) for value in status] if status else None,
        "fields": [str(CaseMeasure._meta.get_field(name).verbose_name) for name in changes if name != "status"],
    }


def _record(measure: CaseMeasure, *, action: str, changes: dict[str, list], by: User) -> CaseMeasureChange:
    return CaseMeasureChange.objects.create(
        measure=measure,
        action=action,
        version=measure.version,
        changes=changes,
        by=by,
        by_organisation=by.organisation_name,
    )


def plan_measure(
    *,
    case: Case,
    kind: str,
    responsible: Organisation,
    by: User,
    starts_on: date | None = None,
    notes: str = "",
) -> CaseMeasure:
    """Plan a measure. An agency not yet on the case is brought in (the case is shared with it) — by the lead only."""
    if kind not in MeasureKind.values:
        raise MeasureInvalid(_("Diese Maßnahme gibt es nicht. Bitte wählen Sie eine aus der Liste."), field="kind")
    with transaction.atomic():
        case = _locked(case.pk)
        _check_member(by, case)
        if case.status == CaseStatus.CLOSED:
            raise MeasureInvalid(
                _("Der Fall ist abgeschlossen. Um eine Maßnahme zu planen, muss er zuerst wieder geöffnet werden.")
            )
        if responsible.type not in CASE_HANDLING_TYPES:
            raise MeasureInvalid(
                _("Diese Stelle kann keine Schutzmaßnahmen übernehmen. Bitte wählen Sie eine andere."),
                field="responsible",
            )
        if CaseMeasure.objects.filter(case=case, kind=kind, status__in=OPEN_STATUSES).exists():
            raise MeasureInvalid(
                _("Diese Maßnahme ist für den Fall schon geplant oder läuft. Bitte ändern Sie die vorhandene."),
                field="kind",
            )
        _check_dates(status=MeasureStatus.PLANNED, starts_on=starts_on, ends_on=None, today=timezone.localdate())
        shared = False
        if not is_on_case(responsible, case):
            if not is_lead(by, case):
                raise OnlyLeadMayAssign
            title = MeasureKind(kind).label
            share_with(
                case=case,
                organisation=responsible,
                by=by,
                reason=_("Zuständig für die Schutzmaßnahme »%(title)s«") % {"title": title},
            )
            shared = True
        measure = CaseMeasure.objects.create(
            case=case,
            kind=kind,
            responsible=responsible,
            status=MeasureStatus.PLANNED,
            starts_on=starts_on,
            notes=notes.strip(),
            created_by=by,
        )
        initial = {"kind": kind, "responsible": responsible.name, **_snapshot(measure)}
        _record(
            measure,
            action=CaseMeasureChange.Action.PLANNED,
            changes={name: [None, value] for name, value in initial.items() if value not in (None, "")},
            by=by,
        )
        record_measure_event(
            case=case, by=by, planned=True, details={"title": measure.title, "responsible": responsible.name}
        )
        audit.log(
            "case.measure_planned",
            actor=by,
            obj=case,
            data={"measure": measure.pk, "kind": kind, "responsible": responsible.name, "shared": shared},
        )
    return measure


def update_measure(
    *,
    measure: CaseMeasure,
    by: User,
    status: str,
    starts_on: date | None,
    ends_on: date | None,
    notes: str,
    expected_version: int,
) -> CaseMeasure:
    """Save status, dates and notes; refuse the edit when someone saved in between (no lost updates).

    The status only moves forward: planned → active → ended, or planned → ended for a measure called off. Ending
    without an end date ends it today; starting without a start date starts it today.
    """
    with transaction.atomic():
        case = _locked(measure.case_id)
        _check_member(by, case)
        current = CaseMeasure.objects.select_for_update().get(pk=measure.pk)
        if current.version != expected_version:
            raise MeasureConflict(current)
        try:
            MEASURES.check(current.status, status)
        except TransitionNotAllowed as refusal:
            raise MeasureInvalid(str(refusal), field="status") from refusal
        today = timezone.localdate()
        if status == MeasureStatus.ACTIVE and starts_on is None:
            starts_on = today
        if status == MeasureStatus.ENDED and ends_on is None:
            ends_on = today
        _check_dates(status=status, starts_on=starts_on, ends_on=ends_on, today=today)
        before = _snapshot(current)
        current.status, current.starts_on, current.ends_on, current.notes = status, starts_on, ends_on, notes.strip()
        after = _snapshot(current)
        changes = {name: [before[name], after[name]] for name in UPDATABLE_FIELDS if before[name] != after[name]}
        if not changes:
            return current
        current.version += 1
        current.save()
        _record(current, action=CaseMeasureChange.Action.UPDATED, changes=changes, by=by)
        record_measure_event(case=case, by=by, planned=False, details=_change_details(current, changes))
        data: dict[str, Any] = {"measure": current.pk, "kind": current.kind, "fields": list(changes)}
        if "status" in changes:
            data["status"] = changes["status"]
        audit.log("case.measure_updated", actor=by, obj=case, data=data)
    return current

"""Writes of the coaching processes: every write is one transaction, audited; step edits lock the step row and check
the version the editor saw, so concurrent edits never lose an update."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, User
from sikom.coaching import files
from sikom.coaching.models import (
    STEP_NUMBERS,
    Coaching,
    CoachingStatusChange,
    MeasureStatus,
    StepDocument,
    StepRevision,
    StepStatus,
    StrategyMeasure,
    StrategyStep,
)
from sikom.coaching.selectors import SHARE_TYPES, participation_measures_to_take_over
from sikom.coaching.workflow import COACHINGS, STEPS
from sikom.core import audit
from sikom.core.files import sanitize_name
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils.models import ParticipationMeasure
from sikom.geo.models import Municipality

TEXT_MAX_LENGTH = 20_000
MAX_DOCUMENTS_PER_STEP = 20


class CoachingInvalid(Exception):
    """Refused input; ``message`` is German, ``field`` the form field it belongs to (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StepConflict(Exception):
    """The step was saved by someone else since the editor opened it; ``current`` is the newer version."""

    def __init__(self, current: StrategyStep) -> None:
        super().__init__("step changed meanwhile")
        self.current = current


def _organisation_name(user: User | None) -> str:
    return user.organisation.name if user is not None and user.organisation_id else ""


def create_coaching(*, municipality: Municipality, begun: date, by: User, coach: User | None = None) -> Coaching:
    """A running coaching with its seven (open) steps."""
    if begun > timezone.localdate():
        raise CoachingInvalid(_("Der Beginn darf nicht in der Zukunft liegen."), field="begun")
    with transaction.atomic():
        coaching = Coaching.objects.create(municipality=municipality, begun=begun, coach=coach)
        steps = StrategyStep.objects.bulk_create([StrategyStep(coaching=coaching, number=n) for n in STEP_NUMBERS])
        StepRevision.objects.bulk_create(
            [
                StepRevision(
                    step=step, version=1, new_status=StepStatus.OPEN, by=by, by_organisation=_organisation_name(by)
                )
                for step in steps
            ]
        )
        audit.log("coaching.created", actor=by, obj=coaching, data={"municipality": municipality.ags})
    return coaching


def change_status(*, coaching: Coaching, to: str, by: User, reason: str = "", on: date | None = None) -> Coaching:
    """Finish or cancel a running coaching (a cancellation needs a reason); ``on`` is the day it ended."""
    with transaction.atomic():
        current = Coaching.objects.select_for_update().get(pk=coaching.pk)
        try:
            COACHINGS.check(current.status, to, reason=reason)
        except TransitionNotAllowed as refusal:
            field = "reason" if to in COACHINGS.reason_required and to in COACHINGS.targets(current.status) else "to"
            raise CoachingInvalid(str(refusal), field=field) from refusal
        ended = on or timezone.localdate()
        if ended < current.begun:
            raise CoachingInvalid(_("Das Ende darf nicht vor dem Beginn liegen."), field="on")
        if ended > timezone.localdate():
            raise CoachingInvalid(_("Das Ende darf nicht in der Zukunft liegen."), field="on")
        CoachingStatusChange.objects.create(
            coaching=current, old_status=current.status, new_status=to, reason=reason.strip(), by=by
        )
        current.status, current.finished, current.end_reason = to, ended, reason.strip()
        current.save(update_fields=["status", "finished", "end_reason", "updated_at"])
        audit.log("coaching.status_changed", actor=by, obj=current, data={"to": to})
    return current


def update_step(
    *,
    step: StrategyStep,
    by: User,
    expected_version: int,
    text: str,
    status: str,
    started: date | None,
    finished: date | None,
) -> StrategyStep:
    """Save a step; refuse it when someone saved in between (``StepConflict``) or the input does not hold."""
    text = text.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise CoachingInvalid(
            _("Bitte verwenden Sie höchstens %(limit)d Zeichen.") % {"limit": TEXT_MAX_LENGTH}, field="text"
        )
    with transaction.atomic():
        current = StrategyStep.objects.select_for_update().get(pk=step.pk)
        if current.version != expected_version:
            raise StepConflict(current)
        try:
            STEPS.check(current.status, status)
        except TransitionNotAllowed as refusal:
            raise CoachingInvalid(str(refusal), field="status") from refusal
        if status == StepStatus.DONE and not text:
            raise CoachingInvalid(
                _("Ein Schritt ohne Text kann nicht erledigt sein. Bitte beschreiben Sie, was erarbeitet wurde."),
                field="text",
            )
        today = timezone.localdate()
        if status != StepStatus.OPEN and started is None:
            started = current.started or today
        if status == StepStatus.DONE and finished is None:
            finished = today
        if status != StepStatus.DONE and finished is not None:
            raise CoachingInvalid(_("Ein Erledigt-Datum gibt es nur für erledigte Schritte."), field="finished")
        if started is not None and finished is not None and finished < started:
            raise CoachingInvalid(_("Das Erledigt-Datum darf nicht vor dem Beginn liegen."), field="finished")
        for name, value in (("started", started), ("finished", finished)):
            if value is not None and value > today:
                raise CoachingInvalid(_("Das Datum darf nicht in der Zukunft liegen."), field=name)
        before = (current.text, current.status, current.started, current.finished)
        if before == (text, status, started, finished):
            return current
        old_status = current.status
        current.text, current.status, current.started, current.finished = text, status, started, finished
        current.version += 1
        current.save()
        StepRevision.objects.create(
            step=current,
            version=current.version,
            old_status=old_status,
            new_status=status,
            text=text,
            started=started,
            finished=finished,
            by=by,
            by_organisation=_organisation_name(by),
        )
        audit.log(
            "coaching.step_updated",
            actor=by,
            obj=current.coaching,
            data={"step": current.number, "version": current.version, "status": status},
        )
    return current


def add_document(*, step: StrategyStep, by: User, upload: UploadedFile) -> StepDocument:
    """Check type (by content) and size, store encrypted, record it; nothing is kept when anything fails."""
    try:
        files.check_size(upload)
        content_type = files.detect_type(upload)
    except files.DocumentRejected as rejected:
        raise CoachingInvalid(rejected.message, field="document") from rejected
    if step.documents.count() >= MAX_DOCUMENTS_PER_STEP:
        raise CoachingInvalid(
            _("Zu einem Schritt können höchstens %(max)d Dokumente gespeichert werden.")
            % {"max": MAX_DOCUMENTS_PER_STEP},
            field="document",
        )
    storage_name, size, sha256 = files.store_encrypted(upload)
    try:
        with transaction.atomic():
            locked = StrategyStep.objects.select_for_update().get(pk=step.pk)
            document = StepDocument.objects.create(
                step=locked,
                storage_name=storage_name,
                original_name=sanitize_name(upload.name or ""),
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by=by,
            )
            StepRevision.objects.create(
                step=locked,
                version=locked.version,
                old_status=locked.status,
                new_status=locked.status,
                text=locked.text,
                started=locked.started,
                finished=locked.finished,
                note=_("Dokument hinzugefügt: %(name)s") % {"name": document.original_name[:200]},
                by=by,
                by_organisation=_organisation_name(by),
            )
            audit.log(
                "coaching.document_added",
                actor=by,
                obj=locked.coaching,
                data={"step": locked.number, "document": str(document.pk), "sha256": sha256},
            )
    except BaseException:
        files.delete_file(storage_name)
        raise
    return document


def save_measure(
    *, coaching: Coaching, by: User, data: dict, measure: StrategyMeasure | None = None
) -> StrategyMeasure:
    """Create a row of the measures table, or change one of this coaching's rows."""
    fields = ("title", "owner", "timing", "due", "status", "source")
    if data.get("status") not in MeasureStatus.values:
        raise CoachingInvalid(_("Diese Auswahl gibt es nicht."), field="status")
    with transaction.atomic():
        Coaching.objects.select_for_update().get(pk=coaching.pk)
        if measure is None:
            measure = StrategyMeasure(coaching=coaching)
            action = "coaching.measure_added"
        else:
            measure = StrategyMeasure.objects.select_for_update().get(pk=measure.pk, coaching=coaching)
            action = "coaching.measure_updated"
        for name in fields:
            value = data.get(name)
            setattr(measure, name, value.strip() if isinstance(value, str) else value)
        measure.save()
        audit.log(action, actor=by, obj=coaching, data={"measure": measure.pk})
    return measure


def take_over_participation_measures(
    *, coaching: Coaching, by: User, measures: Iterable[ParticipationMeasure]
) -> list[StrategyMeasure]:
    """Take measures agreed at the municipality's participation formats into the strategy's measures table, each
    once: a measure of another municipality, of a format not yet held, or one already taken over is refused."""
    wanted = {measure.pk for measure in measures}
    with transaction.atomic():
        Coaching.objects.select_for_update().get(pk=coaching.pk)
        available = list(participation_measures_to_take_over(coaching).filter(pk__in=wanted))
        if not wanted or len(available) != len(wanted):
            raise CoachingInvalid(
                _("Diese Maßnahme kann nicht (mehr) übernommen werden. Bitte laden Sie die Seite neu."),
                field="measures",
            )
        created = [
            StrategyMeasure.objects.create(
                coaching=coaching,
                title=measure.title,
                owner=measure.owner,
                due=measure.due_date,
                source=_("%(format)s am %(date)s")
                % {"format": measure.format_title, "date": date_format(measure.format_date, "d.m.Y")},
                taken_from=measure,
            )
            for measure in available
        ]
        audit.log(
            "coaching.measures_taken_over",
            actor=by,
            obj=coaching,
            data={"participation_measures": sorted(wanted)},
        )
    return created


def delete_measure(*, coaching: Coaching, by: User, measure: StrategyMeasure) -> None:
    with transaction.atomic():
        deleted, _count = StrategyMeasure.objects.filter(pk=measure.pk, coaching=coaching).delete()
        if deleted:
            audit.log("coaching.measure_deleted", actor=by, obj=coaching, data={"measure": measure.pk})


def share(*, coaching: Coaching, organisation: Organisation, by: User) -> None:
    """Let an Expertennetzwerk coordination or a police directorate read the coaching and its strategy."""
    if organisation.type not in SHARE_TYPES:
        raise CoachingInvalid(
            _("Freigeben können Sie nur für das Expertennetzwerk oder eine Polizeidirektion."), field="organisation"
        )
    with transaction.atomic():
        Coaching.objects.select_for_update().get(pk=coaching.pk)
        if not coaching.shares.filter(pk=organisation.pk).exists():
            coaching.shares.add(organisation)
            audit.log("coaching.shared", actor=by, obj=coaching, data={"organisation": organisation.pk})


def unshare(*, coaching: Coaching, organisation: Organisation, by: User) -> None:
    with transaction.atomic():
        Coaching.objects.select_for_update().get(pk=coaching.pk)
        if coaching.shares.filter(pk=organisation.pk).exists():
            coaching.shares.remove(organisation)
            audit.log("coaching.unshared", actor=by, obj=coaching, data={"organisation": organisation.pk})


ORPHAN_AGE = timedelta(hours=1)


def housekeeping() -> dict[str, int]:
    """Delete document files whose row was never committed (a housekeeping job)."""
    known = set(StepDocument.objects.values_list("storage_name", flat=True))
    return {"coaching_orphan_files": files.delete_orphans(known, older_than=ORPHAN_AGE)}

"""Every write of the Expertennetzwerk requests. The case itself (lead, shares, messages, status, history, inbox rows)
is written by `cases.services`; this module adds the request's own record, the checklist, the outcome and the
register, each in one transaction with an audit entry."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, OrganisationType, User
from sikom.cases import deadlines
from sikom.cases import services as cases
from sikom.cases.kinds import InboxFacts
from sikom.cases.models import CASE_HANDLING_TYPES, Case, CaseKind, CaseStatus
from sikom.cases.selectors import is_lead, is_on_case
from sikom.cases.tasks import notify_case_recipients
from sikom.core import audit
from sikom.core.files import sanitize_name
from sikom.core.versions import check_version
from sikom.core.workflow import TransitionNotAllowed
from sikom.netrequests import files
from sikom.netrequests.models import (
    AngleReview,
    AngleStatus,
    EntryKind,
    ExpertRequest,
    FactCorrection,
    LegalAngle,
    Outcome,
    RegisterEntry,
    RegisterNote,
    RegisterReader,
    SituationConference,
    SourceFile,
)
from sikom.netrequests.tasks import notify_municipality

ROUTING_REASON = "Expertennetzwerk des Landkreises der Gemeinde"
FIELDS = (
    "kind",
    "event_at",
    "event_time_known",
    "place",
    "organiser",
    "expected_participants",
    "known_facts",
    "sources",
    "done_so_far",
    "needs",
)


class RequestRefused(TransitionNotAllowed):
    """A write the rules do not allow, with a German message for the page."""


def _municipality_of_member(by: User):
    """The municipality the acting member belongs to (the view has checked the second factor)."""
    organisation = by.organisation if by is not None else None
    if organisation is None or organisation.type != OrganisationType.MUNICIPALITY:
        return None
    return organisation.municipality


def coordination_for(municipality) -> Organisation | None:
    """The regional coordination of the municipality's district; the statewide one if the district has none."""
    coordinations = Organisation.objects.filter(type=OrganisationType.EXPERT_NETWORK)
    return (
        coordinations.filter(district_id=municipality.district_id).first()
        or coordinations.filter(district__isnull=True).order_by("pk").first()
    )


def first_answer_due(now: datetime, event_at: datetime) -> datetime:
    """The coordination answers within one working day, and before the event if that is sooner."""
    return min(deadlines.add_working_days(now, 1), event_at)


def inbox_facts(case_ids: list[int]) -> dict[int, InboxFacts]:
    """What the engine's inbox rows show of a request: the district and the event's date (registered as the kind's
    facts in `NetrequestsConfig.ready`)."""
    rows = ExpertRequest.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "municipality__district_id", "event_at"
    )
    return {case_id: InboxFacts(district_id=district, event_at=event_at) for case_id, district, event_at in rows}


def file_request(*, by: User, data: dict) -> ExpertRequest:
    """A municipality's request: a new case of kind »expert_request« led by the district's coordination."""
    municipality = _municipality_of_member(by)
    if municipality is None:
        raise RequestRefused(_("Nur Mitglieder einer Kommune können Anfragen stellen."))
    now = timezone.now()
    if data["event_at"] <= now:
        raise RequestRefused(_("Der Termin muss in der Zukunft liegen."))
    lead = coordination_for(municipality)
    with transaction.atomic():
        case = cases.open_case(
            kind=CaseKind.EXPERT_REQUEST,
            lead=lead,
            first_contact_due_at=first_answer_due(now, data["event_at"]),
            reason=ROUTING_REASON,
            by=by,
        )
        request = ExpertRequest.objects.create(
            case=case, municipality=municipality, filed_by=by, **{name: data[name] for name in FIELDS}
        )
        cases.refresh_inbox_entries(case_ids=[case.pk])
        audit.log(
            "netrequests.filed",
            actor=by,
            obj=case,
            atomic=True,
            data={"kind": request.kind, "municipality": municipality.ags, "lead": lead.name if lead else None},
        )
    return request


def add_information(*, request: ExpertRequest, by: User, body: str) -> None:
    """The municipality adds information: a message on the case, which stands out in the coordination's inbox."""
    municipality = _municipality_of_member(by)
    if municipality is None or municipality.pk != request.municipality_id:
        raise RequestRefused(_("Nur die Kommune, die angefragt hat, kann Informationen ergänzen."))
    if request.case.status == CaseStatus.CLOSED:
        raise RequestRefused(_("Die Anfrage ist abgeschlossen."))
    cases.post_reporter_message(case=request.case, body=body, by=by)
    audit.log("netrequests.information_added", actor=by, obj=request.case)


def post_message(*, request: ExpertRequest, by: User, body: str, internal: bool) -> None:
    """The coordination or an expert writes to the municipality, or a note only the offices read."""
    if not is_on_case(by.organisation, request.case):
        raise RequestRefused(_("Ihre Stelle ist an dieser Anfrage nicht beteiligt."))
    with transaction.atomic():
        cases.post_handler_message(case=request.case, by=by, body=body, internal=internal)
        if not internal:
            _notify(request)


# The facts the municipality may correct after filing, in the order of the page; each shown as text in the history.
CORRECTABLE = ("event_at", "place", "organiser", "expected_participants")


def _shown(request: ExpertRequest, field: str) -> str:
    if field == "event_at":
        at = timezone.localtime(request.event_at)
        return at.strftime("%d.%m.%Y %H:%M" if request.event_time_known else "%d.%m.%Y")
    value = getattr(request, field)
    return "" if value is None else str(value)


def correct_facts(*, request: ExpertRequest, by: User, data: dict, version: int | None) -> FactCorrection | None:
    """The municipality corrects the event's date and time, place, organiser or expected participants while the
    request is open. The old and new values go into an encrypted `FactCorrection` (the page's history), the case's
    history names the fields; the inbox rows (event date, so the order and urgency) follow at once, a first answer
    due after the new date is brought forward to it, and the case's offices get the usual notice. Share due dates
    after the new date are not changed: the request page flags them for the coordination. None if nothing changed."""
    municipality = _municipality_of_member(by)
    if municipality is None or municipality.pk != request.municipality_id:
        raise RequestRefused(_("Nur die Kommune, die angefragt hat, kann die Angaben korrigieren."))
    if data["event_at"] <= timezone.now():
        raise RequestRefused(_("Der Termin muss in der Zukunft liegen."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=request.case_id)
        if case.status == CaseStatus.CLOSED:
            raise RequestRefused(_("Die Anfrage ist abgeschlossen."))
        locked = ExpertRequest.objects.select_for_update().get(pk=request.pk)
        check_version(locked, version)
        before = {field: _shown(locked, field) for field in CORRECTABLE}
        locked.event_at, locked.event_time_known = data["event_at"], data["event_time_known"]
        locked.place, locked.organiser = data["place"], data["organiser"]
        locked.expected_participants = data["expected_participants"]
        changes = [
            {"field": field, "old": before[field], "new": _shown(locked, field)}
            for field in CORRECTABLE
            if before[field] != _shown(locked, field)
        ]
        if not changes:
            return None
        locked.version += 1
        locked.save(update_fields=[*CORRECTABLE, "event_time_known", "version"])
        correction = FactCorrection.objects.create(
            request=locked, changes=changes, by=by, by_organisation=by.organisation_name
        )
        fields = [change["field"] for change in changes]
        labels = ", ".join(str(FactCorrection.LABELS[field]) for field in fields)
        cases.record_step(
            case=case,
            by=by,
            details={
                "text": _("Die Kommune hat Angaben zum Anlass korrigiert: %(fields)s.") % {"fields": labels},
                "correction": correction.pk,
                "fields": fields,
            },
        )
        if case.first_contact_at is None and case.first_contact_due_at and case.first_contact_due_at > locked.event_at:
            Case.objects.filter(pk=case.pk).update(first_contact_due_at=locked.event_at)
        # Marks the request in the inbox and rewrites its rows (event date, order, urgency) in this transaction.
        cases.record_reporter_activity(case_id=case.pk)
        audit.log("netrequests.facts_corrected", actor=by, obj=case, data={"fields": fields})
        transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "corrected"))
    request.refresh_from_db()
    return correction


def _notify(request: ExpertRequest) -> None:
    """Tell the filing member on commit that there is news (number and link only)."""
    transaction.on_commit(lambda: notify_municipality.enqueue(request.case_id))


def add_source_file(*, request: ExpertRequest, by: User, upload) -> SourceFile:
    """A source as a file, added by the municipality (while the request is open) or an office on the case: type
    checked by content, size limited, stored encrypted; nothing is kept when anything fails."""
    municipality = _municipality_of_member(by)
    if municipality is not None:
        if municipality.pk != request.municipality_id:
            raise RequestRefused(_("Nur die Kommune, die angefragt hat, kann Informationen ergänzen."))
        if request.case.status == CaseStatus.CLOSED:
            raise RequestRefused(_("Die Anfrage ist abgeschlossen."))
    elif not is_on_case(by.organisation, request.case):
        raise RequestRefused(_("Ihre Stelle ist an dieser Anfrage nicht beteiligt."))
    try:
        content_type = files.check(upload)
    except files.SourceRejected as rejected:
        raise RequestRefused(rejected.message) from rejected
    if request.source_files.count() >= files.MAX_FILES_PER_REQUEST:
        raise RequestRefused(
            _("Zu einer Anfrage können höchstens %(max)d Dateien gespeichert werden.")
            % {"max": files.MAX_FILES_PER_REQUEST}
        )
    storage_name, size, sha256 = files.store_encrypted(upload)
    try:
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=request.case_id)
            source = SourceFile.objects.create(
                request=request,
                storage_name=storage_name,
                original_name=sanitize_name(upload.name or ""),
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by=by,
                uploaded_by_organisation=by.organisation_name,
            )
            cases.record_step(
                case=request.case,
                by=by,
                details={"text": _("Eine Datei als Quelle hinzugefügt."), "file": str(source.pk)},
            )
            if municipality is not None:
                cases.record_reporter_activity(case_id=request.case_id)
            audit.log("netrequests.source_added", actor=by, obj=request.case, data={"sha256": sha256})
    except BaseException:
        files.delete_file(storage_name)
        raise
    return source


def housekeeping() -> dict[str, int]:
    """Delete source files whose row was never committed (a housekeeping job)."""
    known = set(SourceFile.objects.values_list("storage_name", flat=True))
    return {"expert_request_orphan_files": files.delete_orphans(known, older_than=timedelta(hours=1))}


def _event_day(request: ExpertRequest) -> date:
    return timezone.localdate(request.event_at)


def bring_in_expert(
    *, request: ExpertRequest, organisation: Organisation, by: User, question: str, due_on: date
) -> None:
    """The coordination asks an expert office a question, to be answered by a day not after the event."""
    if organisation.type not in CASE_HANDLING_TYPES:
        raise RequestRefused(_("Diese Stelle kann nicht beteiligt werden."))
    today = timezone.localdate()
    if not today <= due_on <= _event_day(request):
        raise RequestRefused(_("Die Antwort muss zwischen heute und dem Tag des Anlasses fällig sein."))
    if not question.strip():
        raise RequestRefused(_("Bitte stellen Sie eine Frage."))
    cases.share_with(case=request.case, organisation=organisation, by=by, question=question, due_on=due_on)


def end_expert(*, request: ExpertRequest, organisation: Organisation, by: User) -> bool:
    return cases.end_share(case=request.case, organisation=organisation, by=by)


def change_status(*, request: ExpertRequest, to: str, by: User, reason: str = "") -> Case:
    with transaction.atomic():
        case = cases.change_status(case=request.case, to=to, by=by, reason=reason)
        _notify(request)
    return case


def _require_lead(request: ExpertRequest, by: User) -> None:
    if not is_lead(by, request.case):
        raise RequestRefused(_("Diesen Schritt kann nur die regionale Koordination gehen."))


def review_angle(
    *,
    request: ExpertRequest,
    angle: LegalAngle,
    by: User,
    status: str,
    notes: str,
    references: str,
    outcome: str,
    version: int | None,
) -> AngleReview:
    """The coordination records where it stands on one legal angle (a version check keeps two editors from
    overwriting each other); the step goes into the case's history without the notes."""
    _require_lead(request, by)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=request.case_id)
        review = AngleReview.objects.select_for_update().filter(request=request, angle=angle).first()
        if review is None:
            if version not in (None, 0):
                check_version(AngleReview(version=0), version)
            review = AngleReview(request=request, angle=angle, version=0)
        else:
            check_version(review, version)
        previous = review.status if review.pk else None
        review.status, review.notes, review.references, review.outcome = status, notes, references, outcome
        review.version += 1
        review.updated_by = by
        review.save()
        cases.record_step(
            case=request.case,
            by=by,
            details={
                "text": _("Prüfpunkt »%(angle)s«: %(status)s.")
                % {"angle": angle.name, "status": AngleStatus(status).label},
                "angle": angle.pk,
                "from": previous,
                "to": status,
            },
        )
        audit.log("netrequests.angle_reviewed", actor=by, obj=request.case, data={"angle": angle.pk, "to": status})
    return review


def record_outcome(
    *,
    request: ExpertRequest,
    by: User,
    outcome: str,
    notes: str,
    course: str,
    close: bool,
    version: int | None,
) -> ExpertRequest:
    """What was done and how the event went; optionally the request is closed with the outcome as its reason."""
    _require_lead(request, by)
    with transaction.atomic():
        locked = ExpertRequest.objects.select_for_update().get(pk=request.pk)
        check_version(locked, version)
        locked.outcome, locked.outcome_notes, locked.event_course = outcome, notes, course
        locked.outcome_recorded_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["outcome", "outcome_notes", "event_course", "outcome_recorded_at", "version"])
        label = Outcome(outcome).label
        cases.record_step(
            case=request.case,
            by=by,
            details={"text": _("Ergebnis festgehalten: %(outcome)s.") % {"outcome": label}, "outcome": outcome},
        )
        audit.log("netrequests.outcome_recorded", actor=by, obj=request.case, data={"outcome": outcome})
        if close and request.case.status != CaseStatus.CLOSED:
            cases.change_status(case=request.case, to=CaseStatus.CLOSED, by=by, reason=str(label))
        _notify(request)
    return locked


# Retention: like the incident reports, closed requests are deleted after CASE_RETENTION_DAYS.


def apply_retention(*, limit: int = 500) -> int:
    cutoff = timezone.now() - timedelta(days=settings.CASE_RETENTION_DAYS)
    due = Case.objects.filter(kind=CaseKind.EXPERT_REQUEST, status=CaseStatus.CLOSED, closed_at__lt=cutoff)
    deleted = 0
    for case_id in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            case = due.select_for_update().filter(pk=case_id).first()
            if case is None:  # reopened meanwhile
                continue
            number = case.number
            stored = list(SourceFile.objects.filter(request__case=case).values_list("storage_name", flat=True))
            case.delete()
            audit.log("netrequests.deleted_by_retention", data={"number": number})
            transaction.on_commit(lambda stored=stored: [files.delete_file(name) for name in stored])
        deleted += 1
    return deleted


# The register and the situation conferences: the coordination's own records.


def _coordination(by: User) -> Organisation:
    if by.organisation is None or by.organisation.type != OrganisationType.EXPERT_NETWORK:
        raise RequestRefused(_("Das Register führt die regionale Koordination."))
    return by.organisation


def create_entry(*, by: User, kind: str, name: str, place: str, description: str) -> RegisterEntry:
    coordination = _coordination(by)
    with transaction.atomic():
        entry = RegisterEntry.objects.create(
            coordination=coordination,
            kind=EntryKind(kind),
            name=name,
            place=place,
            description=description,
            created_by=by,
        )
        audit.log("netrequests.register_entry_created", actor=by, obj=entry)
    return entry


def _own_entry(entry: RegisterEntry, by: User) -> None:
    if entry.coordination_id != _coordination(by).pk:
        raise RequestRefused(_("Das Register führt die regionale Koordination."))


def update_entry(
    *, entry: RegisterEntry, by: User, kind: str, name: str, place: str, description: str, version: int | None
) -> RegisterEntry:
    """The coordination corrects an entry; an edit based on an older version is refused (no lost update). Its
    history notes stay as they are."""
    _own_entry(entry, by)
    with transaction.atomic():
        locked = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(locked, version)
        new = {"kind": EntryKind(kind), "name": name, "place": place, "description": description}
        changed = sorted(field for field, value in new.items() if getattr(locked, field) != value)
        for field, value in new.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save(update_fields=[*new, "version"])
        audit.log("netrequests.register_entry_updated", actor=by, obj=locked, data={"fields": changed})
    return locked


def delete_entry(*, entry: RegisterEntry, by: User, version: int | None, notes_seen: int | None = None) -> int:
    """The coordination deletes an entry, and with it its history notes (the page says how many before); an entry
    changed, or with notes added, since the page was opened is not deleted. Returns the number of notes deleted."""
    _own_entry(entry, by)
    with transaction.atomic():
        locked = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(locked, version)
        notes = locked.notes.count()
        if notes_seen is not None and notes != notes_seen:
            raise RequestRefused(
                _("Inzwischen sind Vermerke hinzugekommen. Bitte prüfen Sie den Eintrag, bevor Sie ihn löschen.")
            )
        audit.log(
            "netrequests.register_entry_deleted",
            actor=by,
            obj=locked,
            data={"kind": locked.kind, "notes_deleted": notes},
        )
        locked.delete()
    return notes


def add_note(*, entry: RegisterEntry, by: User, on: date, text: str) -> RegisterNote:
    coordination = _coordination(by)
    if entry.coordination_id != coordination.pk:
        raise RequestRefused(_("Das Register führt die regionale Koordination."))
    with transaction.atomic():
        note = RegisterNote.objects.create(entry=entry, on=on, text=text, by=by, by_organisation=by.organisation_name)
        audit.log("netrequests.register_note_added", actor=by, obj=entry)
    return note


def record_conference(
    *, by: User, held_on: date, participants: str, assessment: str, priorities: str, agreed_steps: str
) -> SituationConference:
    coordination = _coordination(by)
    with transaction.atomic():
        conference = SituationConference.objects.create(
            coordination=coordination,
            held_on=held_on,
            participants=participants,
            assessment=assessment,
            priorities=priorities,
            agreed_steps=agreed_steps,
            created_by=by,
        )
        audit.log("netrequests.conference_recorded", actor=by, obj=conference)
    return conference


def set_readers(*, by: User, organisations: list[Organisation]) -> None:
    """The offices the coordination names as readers of its register and minutes (replacing the list)."""
    coordination = _coordination(by)
    with transaction.atomic():
        wanted = {organisation.pk for organisation in organisations if organisation.pk != coordination.pk}
        current = set(
            RegisterReader.objects.filter(coordination=coordination).values_list("organisation_id", flat=True)
        )
        RegisterReader.objects.filter(coordination=coordination, organisation_id__in=current - wanted).delete()
        RegisterReader.objects.bulk_create(
            [RegisterReader(coordination=coordination, organisation_id=pk) for pk in wanted - current]
        )
        audit.log(
            "netrequests.register_readers_set",
            actor=by,
            data={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
        )

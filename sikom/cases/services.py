"""Every write to a case: routing, status moves, referral, shares, risk level and deadline, messages.

Each function is one transaction with the case row locked, appends to the case's event history and the audit log,
and sends notices on commit (they carry only the case number and a link).
"""

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, User
from sikom.cases import deadlines, kinds, routing, workflow
from sikom.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseNumberSequence,
    CaseShare,
    CaseStatus,
    InboxEntry,
    Message,
)
from sikom.cases.selectors import is_lead
from sikom.cases.tasks import notify_case_recipients, notify_reporter
from sikom.core import audit
from sikom.core.workflow import TransitionNotAllowed
from sikom.reports.models import ReportCategory
from sikom.reports.vocabulary import CATEGORY_BITS


def next_case_number(*, year: int) -> str:
    """SK-2026-000123: the year's counter, incremented under a row lock (call inside a transaction)."""
    sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"SK-{year}-{sequence.last:06d}"


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _event(case: Case, kind: str, *, by: User | None = None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, by=by, by_organisation=by.organisation_name if by is not None else "", **fields
    )


def _inbox_entries(case: Case, facts: kinds.InboxFacts | None = None) -> list[InboxEntry]:
    report = None
    if case.kind == CaseKind.REPORT:
        try:
            report = case.report
        except ObjectDoesNotExist:  # a case is created just before its report, in the same transaction
            report = None
    district_id = report.municipality.district_id if report else (facts.district_id if facts else None)
    organisations = [(case.lead_id, True)] if case.lead_id is not None else []
    organisations += [
        (share.organisation_id, False) for share in case.shares.all() if share.organisation_id != case.lead_id
    ]
    categories = 0
    for row in report.category_rows.all() if report else ():
        categories |= CATEGORY_BITS.get(row.code, 0)
    return [
        InboxEntry(
            organisation_id=organisation_id,
            case_id=case.pk,
            is_lead=is_lead,
            kind=case.kind,
            event_at=facts.event_at if facts else None,
            number=case.number,
            status=case.status,
            is_open=case.status != CaseStatus.CLOSED,
            risk_level=case.risk_level,
            first_contact_due_at=case.first_contact_due_at,
            awaiting_first_contact=case.first_contact_at is None,
            reporter_activity=case.reporter_activity_at is not None,
            created_at=case.created_at,
            district_id=district_id,
            categories=categories,
        )
        for organisation_id, is_lead in organisations
    ]


# What the rows are made of; nothing encrypted to decrypt, no boundaries to parse.
_ENTRY_SOURCES = (
    "number",
    "kind",
    "status",
    "lead",
    "risk_level",
    "first_contact_due_at",
    "first_contact_at",
    "reporter_activity_at",
    "created_at",
    "report__id",
    "report__municipality__district",
)


def refresh_inbox_entries(*, case_ids: Iterable[int]) -> None:
    """Rewrite the inbox rows of these cases from the cases, their shares and reports.

    Every write that changes what the inbox shows calls it inside its own transaction, so the rows never lag
    behind the case (a test checks them after every test of the suite).
    """
    case_ids = list(case_ids)
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("report__municipality")
        .only(*_ENTRY_SOURCES)
        .prefetch_related(
            Prefetch("shares", queryset=CaseShare.objects.only("case_id", "organisation_id")),
            Prefetch("report__category_rows", queryset=ReportCategory.objects.only("report_id", "code")),
        )
    )
    with transaction.atomic():
        cases = list(cases)
        # The other kinds' facts come from the app that brings the kind (one query per kind present).
        other_kinds: dict[str, list[int]] = {}
        for case in cases:
            if case.kind != CaseKind.REPORT:
                other_kinds.setdefault(case.kind, []).append(case.pk)
        facts = {}
        for kind, ids in other_kinds.items():
            facts |= kinds.inbox_facts(kind, ids)
        InboxEntry.objects.filter(case_id__in=case_ids).delete()
        InboxEntry.objects.bulk_create([entry for case in cases for entry in _inbox_entries(case, facts.get(case.pk))])


def rebuild_inbox_entries(*, batch_size: int = 2000) -> int:
    """Recompute the inbox rows of every case, a batch per transaction; returns the number of cases."""
    done, last = 0, 0
    while case_ids := list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        refresh_inbox_entries(case_ids=case_ids)
        done, last = done + len(case_ids), case_ids[-1]
    return done


@transaction.atomic
def route_new_case(*, case: Case) -> Case:
    """Apply the routing rules to a new case: lead, shares, provisional risk level and first-contact deadline."""
    report = case.report
    facts = routing.Facts.of(report)
    decision = routing.decide(facts)
    case = _locked(case)
    case.lead = decision.lead
    level = routing.provisional_level(facts)
    case.risk_level = level
    case.risk_level_is_provisional = True
    case.first_contact_due_at = deadlines.first_contact_due(case.created_at, level)
    case.save(update_fields=["lead", "risk_level", "risk_level_is_provisional", "first_contact_due_at", "updated_at"])
    if decision.lead is not None:
        _event(case, CaseEvent.Kind.ROUTED, organisation=decision.lead, reason=decision.lead_rule.name)
    for organisation, rule in decision.shares:
        CaseShare.objects.get_or_create(case=case, organisation=organisation, defaults={"reason": rule.name})
        _event(case, CaseEvent.Kind.SHARED, organisation=organisation, reason=rule.name)
    _event(case, CaseEvent.Kind.RISK, details={"from": None, "to": level, "provisional": True})
    audit.log(
        "case.routed",
        obj=case,
        atomic=True,  # a case exists only once its transaction commits; so does the record of its routing
        data={
            "lead": decision.lead.name if decision.lead else None,
            "shares": [organisation.name for organisation, _ in decision.shares],
            "rule": decision.lead_rule.name if decision.lead_rule else None,
        },
    )
    refresh_inbox_entries(case_ids=[case.pk])
    return case


def open_case(*, kind: str, lead: Organisation | None, first_contact_due_at, reason: str, by: User | None) -> Case:
    """A new case of a kind other than the incident report (whose intake routes it by the rules): numbered, given
    to its lead with a first-contact deadline, a step in its history and in the audit log. The caller creates the
    kind's intake record in the same transaction and then calls `refresh_inbox_entries`."""
    with transaction.atomic():
        case = Case.objects.create(
            number=next_case_number(year=timezone.localdate().year),
            kind=kind,
            lead=lead,
            first_contact_due_at=first_contact_due_at,
            risk_level_is_provisional=False,
        )
        if lead is not None:
            _event(case, CaseEvent.Kind.ROUTED, organisation=lead, reason=reason)
        audit.log(
            "case.routed",
            actor=by,
            obj=case,
            atomic=True,  # like the incident report's: the log names a case only if it was committed
            data={"kind": kind, "lead": lead.name if lead else None, "rule": reason},
        )
        transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "new"))
    return case


def change_status(*, case: Case, to: str, by: User, reason: str = "") -> Case:
    with transaction.atomic():
        case = _locked(case)
        workflow.CASES.check(case.status, to, responsible=is_lead(by, case), reason=reason)
        _event(case, CaseEvent.Kind.STATUS, by=by, from_status=case.status, to_status=to, reason=reason.strip())
        previous = case.status
        case.status = to
        case.closed_at = timezone.now() if to == CaseStatus.CLOSED else None
        case.save(update_fields=["status", "closed_at", "updated_at"])
        refresh_inbox_entries(case_ids=[case.pk])
        audit.log("case.status_changed", actor=by, obj=case, data={"from": previous, "to": to})
        transaction.on_commit(lambda: notify_reporter.enqueue(case.pk))
    return case


def refer(*, case: Case, to: Organisation, by: User, reason: str) -> Case:
    """Hand the lead to another agency (also ZORA for prosecution); the previous lead keeps a share."""
    with transaction.atomic():
        case = _locked(case)
        if to.pk == case.lead_id:
            raise TransitionNotAllowed(_("Der Fall liegt bereits bei dieser Stelle."))
        workflow.CASES.check(case.status, CaseStatus.REFERRED, responsible=is_lead(by, case), reason=reason)
        previous_lead, previous_status = case.lead, case.status
        if previous_lead is not None:
            CaseShare.objects.get_or_create(
                case=case, organisation=previous_lead, defaults={"reason": reason, "created_by": by}
            )
        CaseShare.objects.filter(case=case, organisation=to).delete()
        case.lead = to
        case.status = CaseStatus.REFERRED
        case.save(update_fields=["lead", "status", "updated_at"])
        refresh_inbox_entries(case_ids=[case.pk])
        _event(
            case,
            CaseEvent.Kind.REFERRED,
            by=by,
            organisation=to,
            from_status=previous_status,
            to_status=CaseStatus.REFERRED,
            reason=reason.strip(),
        )
        audit.log(
            "case.referred",
            actor=by,
            obj=case,
            data={"from": previous_lead.name if previous_lead else None, "to": to.name},
        )
        transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "referred"))
    return case


def share_with(
    *, case: Case, organisation: Organisation, by: User, reason: str = "", question: str = "", due_on=None
) -> CaseShare:
    """Bring another agency onto the case; optionally with a question and the day an answer is needed by."""
    with transaction.atomic():
        case = _locked(case)
        if not is_lead(by, case):
            raise TransitionNotAllowed(str(workflow.CASES.restricted_refused))
        if organisation.pk == case.lead_id:
            raise TransitionNotAllowed(_("Der Fall liegt bereits bei dieser Stelle."))
        share, created = CaseShare.objects.get_or_create(
            case=case,
            organisation=organisation,
            defaults={"reason": reason.strip(), "created_by": by, "question": question.strip(), "due_on": due_on},
        )
        if created:
            refresh_inbox_entries(case_ids=[case.pk])
            _event(
                case,
                CaseEvent.Kind.SHARED,
                by=by,
                organisation=organisation,
                reason=reason.strip(),
                details={"due_on": due_on.isoformat()} if due_on else {},
            )
            audit.log("case.shared", actor=by, obj=case, data={"with": organisation.name})
            transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "shared"))
    return share


def end_share(*, case: Case, organisation: Organisation, by: User, reason: str = "") -> bool:
    """The lead ends an agency's part in the case: from then on the case is invisible to it (its inbox row goes
    with the share). Returns whether there was a share to end."""
    with transaction.atomic():
        case = _locked(case)
        if not is_lead(by, case):
            raise TransitionNotAllowed(str(workflow.CASES.restricted_refused))
        deleted, _rows = CaseShare.objects.filter(case=case, organisation=organisation).delete()
        if deleted:
            refresh_inbox_entries(case_ids=[case.pk])
            _event(case, CaseEvent.Kind.UNSHARED, by=by, organisation=organisation, reason=reason.strip())
            audit.log("case.share_ended", actor=by, obj=case, data={"with": organisation.name})
    return bool(deleted)


def record_step(*, case: Case, by: User, details: dict) -> CaseEvent:
    """A step of the kind's own work (an Expertennetzwerk request: a legal angle checked, the outcome recorded) in
    the case's history. Called by the app above inside its transaction; ``details`` holds the words of the sentence
    (``text``), never notes about persons."""
    return _event(case, CaseEvent.Kind.STEP, by=by, details=details)


def set_risk_level(*, case: Case, level: int, by: User | None, provisional: bool = False, next_review_on=None) -> Case:
    """Set the risk level (and the next reassessment date) and recompute the first-contact deadline from the time
    the case came in."""
    with transaction.atomic():
        case = _locked(case)
        previous, previous_provisional = case.risk_level, case.risk_level_is_provisional
        case.risk_level = level
        case.risk_level_is_provisional = provisional
        case.first_contact_due_at = deadlines.first_contact_due(case.created_at, level)
        case.next_review_on = next_review_on
        case.save(
            update_fields=[
                "risk_level",
                "risk_level_is_provisional",
                "first_contact_due_at",
                "next_review_on",
                "updated_at",
            ]
        )
        refresh_inbox_entries(case_ids=[case.pk])
        _event(
            case,
            CaseEvent.Kind.RISK,
            by=by,
            details={
                "from": previous,
                "from_provisional": previous_provisional,
                "to": level,
                "provisional": provisional,
                "next_review_on": next_review_on.isoformat() if next_review_on else None,
            },
        )
        audit.log("case.risk_level_set", actor=by, obj=case, data={"from": previous, "to": level})
    return case


def record_first_contact(*, case: Case, by: User) -> Case:
    with transaction.atomic():
        case = _locked(case)
        if case.first_contact_at is None:
            _first_contact(case, by=by, via="note")
            audit.log("case.first_contact", actor=by, obj=case)
    return case


def _first_contact(case: Case, *, by: User, via: str) -> None:
    """The first contact with the reporter, by a message or noted by hand: set once, and a step in the history."""
    case.first_contact_at = timezone.now()
    case.save(update_fields=["first_contact_at", "updated_at"])
    refresh_inbox_entries(case_ids=[case.pk])
    _event(case, CaseEvent.Kind.FIRST_CONTACT, by=by, details={"via": via})


def post_handler_message(*, case: Case, by: User, body: str, internal: bool) -> Message:
    """A message to the reporter (counts as first contact) or an internal note never shown to the reporter."""
    with transaction.atomic():
        case = _locked(case)
        message = Message.objects.create(
            case=case,
            author=by,
            author_organisation=by.organisation_name,
            body=body,
            internal=internal,
        )
        if not internal and case.first_contact_at is None:
            _first_contact(case, by=by, via="message")
        audit.log("case.note_added" if internal else "case.message_sent", actor=by, obj=case)
        if not internal:
            transaction.on_commit(lambda: notify_reporter.enqueue(case.pk))
    return message


def record_measure_event(*, case: Case, by: User, planned: bool, details: dict) -> CaseEvent:
    """A protective measure was planned (``planned``) or changed: its step in the case's history.

    Called by the measures services inside their transaction: measures build on cases, so they report their steps
    here instead of cases reading measures. ``details`` names the measure, the responsible agency, the status change
    and the changed fields — never the notes.
    """
    kind = CaseEvent.Kind.MEASURE_PLANNED if planned else CaseEvent.Kind.MEASURE_CHANGED
    return _event(case, kind, by=by, details=details)


def post_reporter_message(*, case: Case, body: str, by: User | None = None) -> Message:
    """A message from the side that brought the case: the (possibly anonymous) reporter, or the municipality's
    member who filed an Expertennetzwerk request (``by``)."""
    with transaction.atomic():
        message = Message.objects.create(
            case=case,
            from_reporter=True,
            body=body,
            author=by,
            author_organisation=by.organisation_name if by is not None else "",
        )
        record_reporter_activity(case_id=case.pk)
        audit.log("case.reporter_message_added", obj=case)
        transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "reporter_activity"))
    return message


def record_reporter_activity(*, case_id: int) -> None:
    """The reporter wrote or added evidence: the case stands out in the inbox until the lead opens it (`mark_seen`).
    Call inside the transaction of the reporter's write."""
    Case.objects.filter(pk=case_id).update(reporter_activity_at=timezone.now())
    refresh_inbox_entries(case_ids=[case_id])


def mark_seen(*, case: Case, by: User) -> None:
    """The lead agency has looked at the reporter's news: the case no longer stands out in the inbox."""
    if case.reporter_activity_at is not None and is_lead(by, case):
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(reporter_activity_at=None)
            refresh_inbox_entries(case_ids=[case.pk])

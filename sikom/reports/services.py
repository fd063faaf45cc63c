"""Writes for incident reports: drafts, evidence, the submission in one transaction, and the receipt check."""

import calendar
import functools
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import ScryptPasswordHasher
from django.db import transaction
from django.utils import timezone

from sikom.cases.models import Case
from sikom.cases.services import next_case_number, record_reporter_activity, route_new_case
from sikom.cases.tasks import notify_case_recipients
from sikom.core import audit, throttle
from sikom.geo.models import Municipality
from sikom.reports import evidence as evidence_files
from sikom.reports import steps
from sikom.reports import vocabulary as v
from sikom.reports.models import Evidence, OnlineContent, Report, ReportCategory, ReportDraft

RECEIPT_DIGITS = 20
# Scrypt: deliberately slow and memory-hard, so a stolen database does not reveal the codes (~0.1 s per check).
# Used directly, independent of the password hashers configured for accounts.
_receipt_hasher = ScryptPasswordHasher()
DRAFT_LIFETIME = timedelta(hours=24)
ORPHAN_AGE = timedelta(hours=1)
FOLLOWUP_FAILURES_PER_CASE = 5
FOLLOWUP_FAILURES_PER_CLIENT = 20
FOLLOWUP_WINDOW_SECONDS = 60 * 60


class FollowUpLocked(Exception):
    pass


@dataclass(frozen=True)
class Submission:
    case: Case
    receipt_code: str | None  # None when the draft had been submitted already (double submit)


def start_draft() -> ReportDraft:
    return ReportDraft.objects.create()


def save_step(*, draft: ReportDraft, step: str, answers: dict, complete: bool = True) -> ReportDraft:
    """Keep a step's answers; incomplete input (the person went back) is kept apart and never submitted."""
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.submitted_case_id:
            return draft
        pending = draft.answers.get("pending", {})
        if complete:
            draft.answers[step] = answers
            pending.pop(step, None)
        else:
            pending[step] = answers
        draft.answers["pending"] = pending
        draft.save(update_fields=["answers", "updated_at"])
    return draft


def add_evidence(*, stored, draft: ReportDraft | None = None, report: Report | None = None) -> Evidence:
    """Record an uploaded, already encrypted file; if the row cannot be written the file is removed again."""
    try:
        with transaction.atomic():
            item = Evidence.objects.create(
                draft=draft,
                report=report,
                storage_name=stored.storage_name,
                original_name=stored.original_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                added_after_submission=report is not None,
            )
            if report is not None:
                record_reporter_activity(case_id=report.case_id)
                audit.log("case.reporter_evidence_added", obj=report.case, data={"sha256": stored.sha256})
    except Exception:
        evidence_files.delete_evidence_file(stored.storage_name)
        raise
    return item


def discard_upload(stored) -> None:
    """An upload that will not be recorded (rate limit): its encrypted file goes at once."""
    evidence_files.delete_evidence_file(stored.storage_name)


def remove_draft_evidence(*, draft: ReportDraft, evidence_id: str) -> bool:
    """False when the draft has no such file, including for an id that is not a UUID at all (a forged button)."""
    try:
        evidence_id = uuid.UUID(evidence_id)
    except ValueError:
        return False
    item = Evidence.objects.filter(draft=draft, pk=evidence_id).first()
    if item is None:
        return False
    storage_name = item.storage_name
    with transaction.atomic():
        item.delete()
        transaction.on_commit(lambda: evidence_files.delete_evidence_file(storage_name))
    return True


def complaint_deadline(learned_on: date) -> date:
    """Three months after learning of the act and the offender (§ 77b StGB); the 31st of a shorter month ends on
    its last day."""
    month = learned_on.month + 3
    year = learned_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(learned_on.day, calendar.monthrange(year, month)[1]))


def _hash_receipt(code: str) -> str:
    return _receipt_hasher.encode(code, _receipt_hasher.salt())


@functools.cache
def _dummy_hash() -> str:
    """A hash of a code nobody has, checked when the case number does not exist, so both answers take as long."""
    return _hash_receipt("0" * RECEIPT_DIGITS)


def _receipt_code() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def submit(*, draft_id, reporter_account=None) -> Submission:
    """Turn a complete draft into a report and a case waiting for routing, in one transaction with its evidence.

    A second submit of the same draft (double click, reload) returns the case of the first and creates nothing.
    """
    # The slow hash is computed before the transaction: inside, it would hold the case-number lock (and on SQLite
    # the database's write lock) for its whole duration.
    code = _receipt_code()
    receipt_hash = _hash_receipt(code)
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        if draft.submitted_case_id:
            return Submission(case=draft.submitted_case, receipt_code=None)
        answers = steps.validated_answers(draft)
        person, incident, contact = answers["person"], answers["incident"], answers["contact"]
        now = timezone.now()
        case = Case.objects.create(number=next_case_number(year=timezone.localdate(now).year))
        learned_on = contact.get("learned_on")
        deadline = None
        if learned_on and v.COMPLAINT_DEADLINE_CATEGORIES & set(incident["categories"]):
            deadline = complaint_deadline(learned_on)
        report = Report.objects.create(
            case=case,
            reporter_account=reporter_account
            if reporter_account is not None and reporter_account.is_authenticated
            else None,
            receipt_hash=receipt_hash,
            submitted_at=now,
            affected_role=person["affected_role"],
            municipality=Municipality.objects.get(ags=person["municipality_ags"]),
            relatives_affected=person["relatives_affected"],
            occurred_on=incident["occurred_on"],
            occurred_at=incident["occurred_at"],
            occurred_until=incident["occurred_until"],
            place=incident["place"],
            channel=incident["channel"],
            repetition=incident["repetition"],
            repetition_count=incident["repetition_count"],
            perpetrator=incident["perpetrator"],
            motives=incident["motives"],
            description=incident["description"],
            anonymous=contact["anonymous"],
            contact_name=contact["contact_name"],
            contact_email=contact["contact_email"],
            contact_phone=contact["contact_phone"],
            contact_preference=contact["contact_preference"],
            complaint_wish=contact["complaint_wish"],
            learned_on=learned_on,
            complaint_deadline=deadline,
            privacy_consent_at=now,
            receipt_sections=answers["review"]["receipt_sections"],
        )
        ReportCategory.objects.bulk_create(
            [ReportCategory(report=report, code=code_) for code_ in incident["categories"]]
        )
        OnlineContent.objects.bulk_create(
            [
                OnlineContent(
                    report=report,
                    url=entry["url"],
                    platform=entry["platform"],
                    profile_name=entry["profile_name"],
                    posted_at=entry["posted_at"],
                )
                for entry in answers["online"]["entries"]
            ]
        )
        Evidence.objects.filter(draft=draft).update(report=report, draft=None)
        draft.submitted_case = case
        draft.answers = {}
        draft.save(update_fields=["submitted_case", "answers", "updated_at"])
        audit.log("report.submitted", obj=case, data={"categories": incident["categories"]})
        case = route_new_case(case=case)
        transaction.on_commit(lambda: notify_case_recipients.enqueue(case.pk, "new"))
    return Submission(case=case, receipt_code=code)


def open_with_receipt(*, request, number: str, code: str) -> Case | None:
    """The case for a case number and receipt code, or None; throttled per case number and per client.

    Unknown numbers and wrong codes get the same answer after the same work, and the lock applies to numbers that
    do not exist too, so nothing reveals whether a case number exists.
    """
    number_key = throttle.hashed_key(f"case:{number}")
    counters = [
        ("followup_case", number_key, FOLLOWUP_FAILURES_PER_CASE),
        ("followup_client", throttle.client_key(request), FOLLOWUP_FAILURES_PER_CLIENT),
    ]
    if throttle.locked(counters, FOLLOWUP_WINDOW_SECONDS):
        raise FollowUpLocked
    report = Report.objects.select_related("case").filter(case__number=number).first()
    valid = _receipt_hasher.verify(code, report.receipt_hash if report else _dummy_hash())
    if report is None or not valid:
        throttle.record_failure(counters, FOLLOWUP_WINDOW_SECONDS)
        audit.log("report.followup_failed")
        return None
    throttle.reset("followup_case", number_key)
    audit.log("report.followup_opened", obj=report.case)
    return report.case


def claim_report(*, report: Report, user) -> bool:
    """Link a report made without an account to the official's account (opened with its receipt code)."""
    if not user.is_authenticated or user.must_use_two_factor:
        return False
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, reporter_account__isnull=True).update(reporter_account=user)
        if updated:
            audit.log("report.claimed", actor=user, obj=report.case)
    return bool(updated)


def housekeeping() -> dict[str, int]:
    """Remove abandoned drafts with their files and files left behind by crashed uploads; purge old counters."""
    cutoff = timezone.now() - DRAFT_LIFETIME
    stale = ReportDraft.objects.filter(updated_at__lt=cutoff)
    names = list(Evidence.objects.filter(draft__in=stale).values_list("storage_name", flat=True))
    drafts, _ = stale.delete()
    for name in names:
        evidence_files.delete_evidence_file(name)
    known = set(Evidence.objects.values_list("storage_name", flat=True))
    orphans = evidence_files.delete_orphans(known, older_than=ORPHAN_AGE)
    return {"drafts": drafts, "orphan_files": orphans, "throttle_counters": throttle.purge()}

"""Writes for incident reports: drafts, evidence, the submission in one transaction, and the receipt check."""

import calendar
import functools
import hashlib
import hmac
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
from sikom.core import audit, crypto, throttle
from sikom.intake import steps
from sikom.reports import evidence as evidence_files
from sikom.reports import vocabulary as v
from sikom.reports.models import Evidence, OnlineContent, Report, ReportCategory, ReportDraft

RECEIPT_DIGITS = 20
# Receipt codes are 20 random digits (~66 bits): a keyed HMAC-SHA256 with a secret derived from ENCRYPTION_KEYS
# makes a stolen database useless for guessing them without costing each submit ~200 ms (decision 0016).
# "hmac1$<key id>$<hex>"; codes hashed earlier with scrypt ("scrypt$…") stay verifiable.
RECEIPT_HMAC_PREFIX = "hmac1"
_RECEIPT_MAC_PURPOSE = b"receipt code"
_legacy_receipt_hasher = ScryptPasswordHasher()
DRAFT_LIFETIME = timedelta(hours=24)
ORPHAN_AGE = timedelta(hours=1)
FOLLOWUP_FAILURES_PER_CASE = 5
FOLLOWUP_FAILURES_PER_CLIENT = 20
FOLLOWUP_WINDOW_SECONDS = 60 * 60


@dataclass(frozen=True)
class Submission:
    case: Case
    receipt_code: str  # the same for a second submit of the same draft until the reporter confirmed noting it


def start_draft() -> ReportDraft:
    return ReportDraft.objects.create()


def save_step(*, draft: ReportDraft, step: str, answers: dict, complete: bool = True) -> ReportDraft:
    """Keep a step's answers; incomplete input (the person went back) is kept apart and never submitted."""
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.submitted_case_id:
            return draft
        _keep_answers(draft, step, answers, complete=complete)
        draft.save(update_fields=["answers", "updated_at"])
    return draft


def _keep_answers(draft: ReportDraft, step: str, answers: dict, *, complete: bool) -> None:
    pending = draft.answers.get("pending", {})
    if complete:
        draft.answers[step] = answers
        pending.pop(step, None)
    else:
        pending[step] = answers
    draft.answers["pending"] = pending


def add_evidence(*, uploaded, draft: ReportDraft | None = None, report: Report | None = None) -> list[Evidence]:
    """Record the uploaded, already encrypted files of one request in one transaction; if the rows cannot be
    written, every one of the files is removed again."""
    if not uploaded:
        return []
    try:
        with transaction.atomic():
            items = Evidence.objects.bulk_create(
                [
                    Evidence(
                        draft=draft,
                        report=report,
                        storage_name=stored.storage_name,
                        original_name=stored.original_name,
                        content_type=stored.content_type,
                        size=stored.size,
                        sha256=stored.sha256,
                        added_after_submission=report is not None,
                    )
                    for stored in uploaded
                ]
            )
            if report is not None and items:
                record_reporter_activity(case_id=report.case_id)
                for stored in uploaded:
                    audit.log("case.reporter_evidence_added", obj=report.case, data={"sha256": stored.sha256})
    except Exception:
        for stored in uploaded:
            evidence_files.delete_evidence_file(stored.storage_name)
        raise
    return items


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


def _receipt_mac(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def hash_receipt(code: str) -> str:
    key_id, key = crypto.mac_keys(_RECEIPT_MAC_PURPOSE)[0]
    return f"{RECEIPT_HMAC_PREFIX}${key_id}${_receipt_mac(key, code)}"


def verify_receipt(code: str, stored: str) -> bool:
    """Constant-time check of a code against its stored hash (HMAC under any configured key, or legacy scrypt)."""
    if stored.startswith(RECEIPT_HMAC_PREFIX + "$"):
        key_id, _, digest = stored.removeprefix(RECEIPT_HMAC_PREFIX + "$").partition("$")
        keys = crypto.mac_keys(_RECEIPT_MAC_PURPOSE)
        by_id = dict(keys)
        # An unknown key id (its key was removed from the configuration) costs one MAC too, and fails.
        expected = _receipt_mac(by_id.get(key_id, keys[0][1]), code)
        return hmac.compare_digest(expected, digest) and key_id in by_id
    if stored.startswith(_legacy_receipt_hasher.algorithm + "$"):
        return _legacy_receipt_hasher.verify(code, stored)
    return False


@functools.cache
def _dummy_hash() -> str:
    """A hash of a code nobody has, checked when the case number does not exist, so both answers take as long."""
    return hash_receipt("0" * RECEIPT_DIGITS)


def _receipt_code() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def submit(*, draft_id, reporter_account=None, review: dict | None = None) -> Submission:
    """Turn a complete draft into a report and a case waiting for routing, in one transaction with its evidence,
    the receipt code (kept encrypted with the draft until the reporter confirms noting it) and the notice to the
    offices (a task row in the same transaction: an outbox).

    ``review`` (the answers of the review step sent with the submit) is kept with the draft under the same lock
    first, as ``save_step`` would; it stays kept when the draft turns out incomplete (``IncompleteDraft``).

    A second submit of the same draft (double click, reload after a crash) returns the case and code of the first
    and creates nothing. The attempt is audited before the transaction, its outcome inside it, so the log never
    names a case whose transaction was rolled back.
    """
    audit.log("report.submit_attempted")
    try:
        return _submit(draft_id=draft_id, reporter_account=reporter_account, review=review)
    except Exception as error:
        audit.log("report.submit_failed", data={"error": type(error).__name__})
        raise


def _submit(*, draft_id, reporter_account, review: dict | None) -> Submission:
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        if draft.submitted_case_id:
            return Submission(case=draft.submitted_case, receipt_code=draft.receipt_code)
        if review is not None:
            _keep_answers(draft, "review", review, complete=True)
        try:
            answers = steps.validated_answers(draft)
        except steps.IncompleteDraft as gap:
            incomplete = gap
            if review is not None:
                draft.save(update_fields=["answers", "updated_at"])
        else:
            return _create_case(draft, answers, reporter_account)
    raise incomplete


def _create_case(draft: ReportDraft, answers: dict, reporter_account) -> Submission:
    """The report, its case and everything that goes with them, from a draft locked and checked by ``_submit``."""
    code = _receipt_code()
    receipt_hash = hash_receipt(code)
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
        municipality=answers["municipality"],
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
    ReportCategory.objects.bulk_create([ReportCategory(report=report, code=code_) for code_ in incident["categories"]])
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
    draft.receipt_code = code
    draft.answers = {}
    draft.save(update_fields=["submitted_case", "receipt_code", "answers", "updated_at"])
    case = route_new_case(case=case)
    # In the transaction: the database task backend writes the task row with the case, so a crash after the
    # commit cannot lose the notice; the worker only sees the row once it is committed.
    notify_case_recipients.enqueue(case.pk, "new")
    audit.log("report.submitted", obj=case, data={"categories": incident["categories"]}, atomic=True)
    return Submission(case=case, receipt_code=code)


def forget_receipt_code(*, draft: ReportDraft) -> None:
    """The reporter confirmed noting number and code: the submitted draft, and with it the readable code, goes."""
    deleted, _ = ReportDraft.objects.filter(pk=draft.pk, submitted_case__isnull=False).delete()
    if deleted:
        audit.log("report.receipt_noted", obj=draft.submitted_case)


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
    throttle.guard(counters, FOLLOWUP_WINDOW_SECONDS)
    report = Report.objects.select_related("case").filter(case__number=number).first()
    valid = verify_receipt(code, report.receipt_hash if report else _dummy_hash())
    throttle.settle(counters, FOLLOWUP_WINDOW_SECONDS, ok=report is not None and valid)
    if report is None or not valid:
        audit.log("report.followup_failed")
        return None
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
    """Remove abandoned drafts with their files, receipt codes kept longer than 24 hours and files left behind by
    crashed uploads (a housekeeping job; core purges the throttle counters)."""
    cutoff = timezone.now() - DRAFT_LIFETIME
    stale = ReportDraft.objects.filter(updated_at__lt=cutoff)
    names = list(Evidence.objects.filter(draft__in=stale).values_list("storage_name", flat=True))
    drafts, _ = stale.delete()
    for name in names:
        evidence_files.delete_evidence_file(name)
    known = set(Evidence.objects.values_list("storage_name", flat=True))
    orphans = evidence_files.delete_orphans(known, older_than=ORPHAN_AGE)
    return {"drafts": drafts, "orphan_files": orphans}

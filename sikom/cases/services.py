"""Writes for cases that the reporting side needs: numbering, reporter messages, notifying the offices."""

from django.db import transaction
from django.utils import timezone

from sikom.cases.models import Case, CaseNumberSequence, Message
from sikom.cases.tasks import notify_offices_of_reporter_activity
from sikom.core import audit


def next_case_number(*, year: int) -> str:
    """SK-2026-000123: the year's counter, incremented under a row lock (call inside a transaction)."""
    sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"SK-{year}-{sequence.last:06d}"


def post_reporter_message(*, case: Case, body: str) -> Message:
    with transaction.atomic():
        message = Message.objects.create(case=case, from_reporter=True, body=body)
        Case.objects.filter(pk=case.pk).update(reporter_activity_at=timezone.now())
        audit.log("case.reporter_message_added", obj=case)
        transaction.on_commit(lambda: notify_offices_of_reporter_activity.enqueue(case.pk))
    return message

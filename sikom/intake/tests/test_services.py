import threading
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sikom.cases.models import Case
from sikom.cases.services import next_case_number
from sikom.intake import services
from sikom.intake.tests import flows
from sikom.reports.models import Evidence, ReportDraft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("learned", "deadline"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 8, 31), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2027, 3, 1)),
    ],
)
def test_complaint_deadline_is_three_months_after_learning(learned, deadline):
    assert services.complaint_deadline(learned) == deadline


def test_case_numbers_count_up_per_year():
    assert next_case_number(year=2026) == "SK-2026-000001"
    assert next_case_number(year=2026) == "SK-2026-000002"
    assert next_case_number(year=2027) == "SK-2027-000001"


@pytest.mark.django_db(transaction=True)
def test_case_numbers_are_unique_under_concurrency():
    numbers, errors = [], []

    def worker():
        from django.db import transaction

        try:
            for _ in range(10):
                with transaction.atomic():
                    numbers.append(next_case_number(year=2030))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite is one connection; PostgreSQL runs this test with real concurrency")
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == 40


def test_failure_during_submit_leaves_no_case_and_keeps_the_draft(client, monkeypatch):
    flows.fill_all(client, files=[("foto.png", flows.PNG)])
    draft = ReportDraft.objects.get()
    services.save_step(draft=draft, step="review", answers={"receipt_sections": []})

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.OnlineContent.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.submit(draft_id=draft.pk)
    assert Case.objects.count() == 0
    item = Evidence.objects.get()
    assert item.draft_id == draft.pk and item.report_id is None
    assert storages["evidence"].exists(item.storage_name)
    monkeypatch.undo()
    submission = services.submit(draft_id=draft.pk)
    assert submission.case.report.evidence.count() == 1


def test_interrupted_upload_leaves_nothing_behind(evidence_root):
    """A server stopped mid-upload leaves at most a partial encrypted file without a database row: housekeeping
    removes it once it is older than an hour."""
    incoming = evidence_root / "incoming"
    incoming.mkdir(parents=True)
    partial = incoming / "0123456789abcdef0123456789abcdef.skf"
    partial.write_bytes(b"SKF1 partial")
    old = (timezone.now() - timedelta(hours=2)).timestamp()
    import os

    os.utime(partial, (old, old))
    result = services.housekeeping()
    assert result["orphan_files"] == 1 and not partial.exists()
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "backend", ["sikom.core.storage.PrivateFileSystemStorage", "django.core.files.storage.InMemoryStorage"]
)
def test_housekeeping_removes_abandoned_drafts_with_their_files(client, settings, backend):
    # Also on a storage with no folder at all: upload and housekeeping use nothing but the storage API.
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": backend}}
    flows.fill_until_evidence(client)
    flows.upload(client, ("foto.png", flows.PNG))
    item = Evidence.objects.get()
    ReportDraft.objects.update(updated_at=timezone.now() - timedelta(hours=25))
    result = services.housekeeping()
    assert result["drafts"] >= 1 and not ReportDraft.objects.exists()
    assert not storages["evidence"].exists(item.storage_name)


def test_housekeeping_keeps_fresh_drafts_and_submitted_evidence(client):
    flows.fill_all(client, files=[("foto.png", flows.PNG)])
    flows.submit(client)
    flows.fill_until_evidence(client)  # not yet: number and code are to be noted first
    assert ReportDraft.objects.count() == 1
    client.post(reverse("intake:confirmation"))
    flows.fill_until_evidence(client)
    services.housekeeping()
    assert Evidence.objects.count() == 1 and ReportDraft.objects.count() == 1
    assert storages["evidence"].exists(Evidence.objects.get().storage_name)


def test_submitting_an_incomplete_draft_names_the_missing_step(client):
    from sikom.intake.steps import IncompleteDraft

    flows.fill_until_evidence(client)
    with pytest.raises(IncompleteDraft) as gap:
        services.submit(draft_id=ReportDraft.objects.get().pk)
    assert gap.value.step.name == "evidence"


def test_review_answers_sent_with_the_submit_are_kept_even_when_a_step_is_missing(client):
    from sikom.intake.steps import IncompleteDraft

    flows.fill_until_evidence(client)
    draft = ReportDraft.objects.get()
    with pytest.raises(IncompleteDraft):
        services.submit(draft_id=draft.pk, review={"receipt_sections": ["incident"]})
    draft.refresh_from_db()
    assert draft.answers["review"] == {"receipt_sections": ["incident"]}
    assert draft.submitted_case_id is None and Case.objects.count() == 0


def test_review_answers_sent_with_the_submit_reach_the_report(client):
    flows.fill_all(client)
    submission = services.submit(
        draft_id=ReportDraft.objects.get().pk, review={"receipt_sections": ["person", "incident"]}
    )
    assert submission.case.report.receipt_sections == ["person", "incident"]


def test_upload_whose_rows_cannot_be_written_leaves_none_of_its_files(client, monkeypatch):
    flows.fill_until_evidence(client)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.Evidence.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        flows.upload(client, ("a.png", flows.PNG), ("b.png", flows.PNG), ("c.pdf", flows.PDF))
    assert not Evidence.objects.exists()
    assert storages["evidence"].listdir("incoming")[1] == []


def test_housekeeping_task_runs_and_the_command_works(client, settings):
    from django.core.management import call_command

    from sikom.core.housekeeping import housekeeping

    result = housekeeping.call()
    # Every app's registered job ran (the intake's among them); other apps add their own counts.
    assert {"drafts", "orphan_files", "throttle_counters", "cases_deleted_by_retention"} <= set(result)
    call_command("housekeeping", verbosity=0)


def test_schedule_keeps_a_single_waiting_run(settings):
    from sikom.core.housekeeping import schedule_housekeeping

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert schedule_housekeeping() is True
    assert schedule_housekeeping() is False

"""Intake that survives a crash: the same number and code after a lost answer, the notice as an outbox row in the
submit's transaction, and an audit log that records attempts and outcomes without asserting what was rolled back."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import ScryptPasswordHasher
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sikom.cases.models import Case
from sikom.cases.tasks import notify_case_recipients
from sikom.core import audit
from sikom.core.models import AuditEvent
from sikom.intake import services
from sikom.intake.tests import flows
from sikom.reports.models import Report, ReportDraft

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _shown(client) -> tuple[str, str]:
    html = client.get(reverse("intake:confirmation")).content.decode()
    number = re.search(r'id="fallnummer">(SK-\d{4}-\d{6})<', html).group(1)
    code = re.search(r'id="zugangscode">([\d ]+)<', html)
    return number, code.group(1).replace(" ", "") if code else ""


def _ready_to_submit(client) -> ReportDraft:
    flows.fill_all(client, files=[("foto.png", flows.PNG)])
    draft = ReportDraft.objects.get()
    services.save_step(draft=draft, step="review", answers={"receipt_sections": ["incident"]})
    return draft


def test_a_resubmit_after_a_lost_answer_shows_the_same_number_and_code(client):
    draft = _ready_to_submit(client)
    # The server committed the submit and died before answering: the session never learnt of the case.
    submission = services.submit(draft_id=draft.pk)
    response = flows.submit(client)  # the browser's reload re-sends the POST with the same session cookie
    assert response["Location"] == reverse("intake:confirmation")
    assert _shown(client) == (submission.case.number, submission.receipt_code)
    assert Case.objects.count() == 1
    # The session now knows the case: the reporter can follow it up without typing the code.
    assert client.get(reverse("intake:followup_case", args=[submission.case.number])).status_code == 200


@pytest.mark.parametrize("path", [reverse("intake:start"), flows.step_url("pruefen"), flows.step_url("person")])
def test_returning_to_the_form_after_a_lost_answer_leads_to_the_confirmation(client, path):
    draft = _ready_to_submit(client)
    submission = services.submit(draft_id=draft.pk)
    assert client.get(path)["Location"] == reverse("intake:confirmation")
    assert _shown(client) == (submission.case.number, submission.receipt_code)


def test_an_interrupted_confirmation_page_shows_the_code_again(client):
    _ready_to_submit(client)
    flows.submit(client)
    first = _shown(client)  # rendered, but the answer may never have reached the browser
    assert first[1] and _shown(client) == first


def test_after_the_reporter_noted_it_the_code_is_gone(client):
    _ready_to_submit(client)
    flows.submit(client)
    number, code = _shown(client)
    assert code
    client.post(reverse("intake:confirmation"))
    assert _shown(client) == (number, "")
    assert not ReportDraft.objects.exists()
    assert flows.submit(client)["Location"] == reverse("intake:confirmation")  # an old tab's resubmit
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.receipt_noted", object_id=str(Case.objects.get().pk)).exists()


def test_housekeeping_deletes_a_code_kept_longer_than_24_hours(client):
    _ready_to_submit(client)
    flows.submit(client)
    ReportDraft.objects.update(updated_at=timezone.now() - timedelta(hours=23))
    services.housekeeping()
    number, code = _shown(client)
    assert code
    ReportDraft.objects.update(updated_at=timezone.now() - timedelta(hours=24, minutes=1))
    services.housekeeping()
    assert not ReportDraft.objects.exists()
    assert _shown(client) == (number, "")


def test_the_notice_task_row_is_written_with_the_case(client, settings):
    draft = _ready_to_submit(client)
    settings.TASKS = DB_TASKS
    submission = services.submit(draft_id=draft.pk)
    row = DBTaskResult.objects.get(task_path=notify_case_recipients.module_path)
    assert row.args_kwargs["args"] == [submission.case.pk, "new"] and row.status == "READY"


def test_a_rolled_back_submit_leaves_no_notice_row_and_no_submitted_entry(client, settings, monkeypatch):
    draft = _ready_to_submit(client)
    settings.TASKS = DB_TASKS

    # The last write of the submit fails.
    monkeypatch.setattr(services.audit, "log", _failing_on("report.submitted", services.audit.log))
    with pytest.raises(RuntimeError):
        services.submit(draft_id=draft.pk)
    assert not Case.objects.exists() and not DBTaskResult.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "report.submit_attempted" in actions and "report.submit_failed" in actions
    assert "report.submitted" not in actions and "case.routed" not in actions
    assert ReportDraft.objects.get().submitted_case is None  # the reporter can submit again


def test_a_submit_rolled_back_by_the_caller_leaves_no_notice_row(client, settings):
    draft = _ready_to_submit(client)
    settings.TASKS = DB_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(draft_id=draft.pk)
        raise RuntimeError("crash before the commit")
    assert not Case.objects.exists() and not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action="report.submitted").exists()


def _failing_on(action, log):
    def failing(name, **kwargs):
        if name == action:
            raise RuntimeError(f"{action} could not be written")
        return log(name, **kwargs)

    return failing


@pytest.mark.django_db(transaction=True, databases=["default", "audit"])
def test_on_postgresql_only_the_attempt_outlives_a_rolled_back_submit(client, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; every entry shares the transaction there (decision 0013)")
    settings.AUDIT_OUTSIDE_TRANSACTIONS = True
    try:
        draft = _ready_to_submit(client)
        monkeypatch.setattr(services.audit, "log", _failing_on("report.submitted", audit.log))
        with pytest.raises(RuntimeError), transaction.atomic():
            services.submit(draft_id=draft.pk)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"report.submit_attempted", "report.submit_failed"} <= actions
        assert not actions & {"report.submitted", "case.routed"} and not Case.objects.exists()
    finally:
        connections[audit.AUDIT_ALIAS].close()


# The receipt hash


def test_new_codes_are_verified_by_their_keyed_hash():
    code = "12345678901234567890"
    stored = services.hash_receipt(code)
    assert stored.startswith("hmac1$") and code not in stored
    assert services.verify_receipt(code, stored)
    assert not services.verify_receipt("12345678901234567891", stored)
    assert not services.verify_receipt(code, stored[:-1] + ("0" if stored[-1] != "0" else "1"))


def test_codes_stay_verifiable_across_a_key_rotation(settings):
    code = "09876543210987654321"
    stored = services.hash_receipt(code)
    old_key = settings.ENCRYPTION_KEYS[0]
    settings.ENCRYPTION_KEYS = ["bmV3LWtleS1mb3ItdGhlLXJvdGF0aW9uLXRlc3QtMzI=", old_key]
    assert services.verify_receipt(code, stored)
    assert services.hash_receipt(code).split("$")[1] != stored.split("$")[1]  # new hashes name the new key
    settings.ENCRYPTION_KEYS = ["bmV3LWtleS1mb3ItdGhlLXJvdGF0aW9uLXRlc3QtMzI="]
    assert not services.verify_receipt(code, stored)  # its key is gone


def test_receipts_hashed_with_scrypt_still_open_their_case(client):
    _ready_to_submit(client)
    flows.submit(client)
    number, _code = _shown(client)
    legacy = ScryptPasswordHasher()
    Report.objects.update(receipt_hash=legacy.encode("11112222333344445555", legacy.salt()))
    request = RequestFactory().post("/melden/status/", REMOTE_ADDR="203.0.113.9")
    assert services.open_with_receipt(request=request, number=number, code="11112222333344445555").number == number
    assert services.open_with_receipt(request=request, number=number, code="11112222333344445556") is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_drafts_an_empty_code():
    executor = MigrationExecutor(connection)
    before, after = ("reports", "0002_drop_reportdraft_owner"), ("reports", "0003_reportdraft_receipt_code")
    executor.migrate([before])
    old_draft = executor.loader.project_state([before]).apps.get_model("reports", "ReportDraft")
    old_draft.objects.create(answers="")
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    assert ReportDraft.objects.get().receipt_code == ""

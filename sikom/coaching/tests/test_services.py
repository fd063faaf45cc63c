from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sikom.coaching import files, selectors, services
from sikom.coaching.models import (
    STEP_TITLES,
    CoachingStatus,
    CoachingStatusChange,
    StepDocument,
    StepRevision,
    StepStatus,
    StrategyStep,
)
from sikom.coaching.tests.conftest import PDF_BYTES, PNG_BYTES, docx_bytes, odt_bytes, xlsx_bytes
from sikom.core import figures
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    storage = storages[files.STORAGE_ALIAS]
    try:
        return storage.listdir(files.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_a_new_coaching_has_the_seven_beccaria_steps_open(coaching):
    steps = list(coaching.steps.order_by("number"))
    assert [step.number for step in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [step.title for step in steps] == [str(title) for title in STEP_TITLES.values()]
    assert {step.status for step in steps} == {StepStatus.OPEN}
    assert coaching.status == CoachingStatus.RUNNING and coaching.finished is None


def test_finishing_and_cancelling_follow_the_workflow(coaching, other_coaching, asskomm):
    services.change_status(coaching=coaching, to=CoachingStatus.FINISHED, by=asskomm, on=date(2024, 6, 1))
    coaching.refresh_from_db()
    assert coaching.status == CoachingStatus.FINISHED and coaching.finished == date(2024, 6, 1)
    with pytest.raises(services.CoachingInvalid, match="kann der Coachingprozess nicht"):
        services.change_status(coaching=coaching, to=CoachingStatus.CANCELLED, by=asskomm, reason="x")
    with pytest.raises(services.CoachingInvalid, match="begründen") as refusal:
        services.change_status(coaching=other_coaching, to=CoachingStatus.CANCELLED, by=asskomm, reason="  ")
    assert refusal.value.field == "reason"
    with pytest.raises(services.CoachingInvalid, match="vor dem Beginn"):
        services.change_status(coaching=other_coaching, to=CoachingStatus.FINISHED, by=asskomm, on=date(2020, 1, 1))
    services.change_status(coaching=other_coaching, to=CoachingStatus.CANCELLED, by=asskomm, reason="Amtswechsel")
    other_coaching.refresh_from_db()
    assert other_coaching.status == CoachingStatus.CANCELLED and other_coaching.finished == timezone.localdate()
    assert CoachingStatusChange.objects.count() == 2
    assert AuditEvent.objects.filter(action="coaching.status_changed").count() == 2


def test_a_step_cannot_be_done_without_text(coaching, municipality_user):
    step = coaching.steps.get(number=1)
    with pytest.raises(services.CoachingInvalid, match="ohne Text") as refusal:
        services.update_step(
            step=step, by=municipality_user, expected_version=1, text="   ", status="done", started=None, finished=None
        )
    assert refusal.value.field == "text"
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN and step.version == 1
    assert StepRevision.objects.filter(step=step).count() == 1


def test_saving_a_step_keeps_a_revision_and_sets_the_dates(coaching, municipality_user):
    step = coaching.steps.get(number=2)
    services.update_step(
        step=step, by=municipality_user, expected_version=1, text="Ursachen", status="done", started=None, finished=None
    )
    step.refresh_from_db()
    today = timezone.localdate()
    assert (step.status, step.version, step.started, step.finished) == ("done", 2, today, today)
    revision = StepRevision.objects.filter(step=step).first()
    assert (revision.old_status, revision.new_status, revision.text, revision.by) == (
        "open",
        "done",
        "Ursachen",
        municipality_user,
    )
    assert revision.by_organisation == municipality_user.organisation.name


def test_a_stale_edit_is_refused_and_the_newer_text_is_kept(coaching, municipality_user, asskomm):
    step = coaching.steps.get(number=3)
    services.update_step(
        step=step,
        by=asskomm,
        expected_version=1,
        text="Fassung ASSKomm",
        status="in_progress",
        started=None,
        finished=None,
    )
    with pytest.raises(services.StepConflict) as conflict:
        services.update_step(
            step=step,
            by=municipality_user,
            expected_version=1,
            text="Fassung Kommune",
            status="in_progress",
            started=None,
            finished=None,
        )
    assert conflict.value.current.text == "Fassung ASSKomm"
    step.refresh_from_db()
    assert step.text == "Fassung ASSKomm" and step.version == 2


def test_dates_are_checked(coaching, asskomm):
    step = coaching.steps.get(number=1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for kwargs, field in [
        ({"status": "in_progress", "started": tomorrow, "finished": None}, "started"),
        ({"status": "in_progress", "started": None, "finished": date(2024, 1, 1)}, "finished"),
        ({"status": "done", "started": date(2024, 2, 1), "finished": date(2024, 1, 1)}, "finished"),
    ]:
        with pytest.raises(services.CoachingInvalid) as refusal:
            services.update_step(step=step, by=asskomm, expected_version=1, text="Text", **kwargs)
        assert refusal.value.field == field
    assert StrategyStep.objects.get(pk=step.pk).version == 1


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("konzept.pdf", PDF_BYTES, files.PDF),
        ("bild.png", PNG_BYTES, files.PNG),
        ("text.odt", odt_bytes(), files.ODT),
        ("text.docx", docx_bytes(), files.DOCX),
    ],
)
def test_allowed_documents_are_stored_encrypted(coaching, asskomm, name, content, content_type):
    step = coaching.steps.get(number=1)
    document = services.add_document(step=step, by=asskomm, upload=SimpleUploadedFile(name, content))
    assert document.content_type == content_type and document.size == len(content)
    with storages[files.STORAGE_ALIAS].open(document.storage_name, "rb") as stored:
        assert content not in stored.read()
    assert b"".join(files.open_document(document.storage_name)) == content
    assert document.storage_name.startswith("coaching/") and document.storage_name.endswith(".skc")
    assert AuditEvent.objects.filter(action="coaching.document_added").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programm.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("tabelle.xlsx", xlsx_bytes()),
        ("notiz.txt", b"Nur Text"),
        ("leer.pdf", b""),
        ("kaputt.docx", b"PK\x03\x04kaputt"),
    ],
)
def test_refused_documents_leave_no_row_and_no_file(coaching, asskomm, name, content):
    step = coaching.steps.get(number=1)
    with pytest.raises(services.CoachingInvalid) as refusal:
        services.add_document(step=step, by=asskomm, upload=SimpleUploadedFile(name, content))
    assert refusal.value.field == "document" and name in refusal.value.message
    assert not StepDocument.objects.exists() and stored_files() == []


def test_too_large_documents_are_refused(coaching, asskomm, settings):
    settings.COACHING_DOCUMENT_MAX_BYTES = 1024
    step = coaching.steps.get(number=1)
    with pytest.raises(services.CoachingInvalid, match="größer als"):
        services.add_document(step=step, by=asskomm, upload=SimpleUploadedFile("gross.pdf", PDF_BYTES + b"x" * 2000))
    assert not StepDocument.objects.exists() and stored_files() == []


def test_a_failed_row_deletes_the_stored_file(coaching, asskomm, monkeypatch):
    step = coaching.steps.get(number=1)

    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(StepDocument.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.add_document(step=step, by=asskomm, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert stored_files() == []


def test_only_expert_network_and_police_can_be_shared_with(coaching, asskomm, expert_network, zastex):
    services.share(coaching=coaching, organisation=expert_network.organisation, by=asskomm)
    services.share(coaching=coaching, organisation=expert_network.organisation, by=asskomm)
    assert list(coaching.shares.all()) == [expert_network.organisation]
    with pytest.raises(services.CoachingInvalid):
        services.share(coaching=coaching, organisation=zastex.organisation, by=asskomm)
    services.unshare(coaching=coaching, organisation=expert_network.organisation, by=asskomm)
    assert not coaching.shares.exists()


def test_visibility_per_persona(
    coaching, other_coaching, asskomm, municipality_user, expert_network, pd_dresden, zastex
):
    for user in (asskomm, municipality_user, expert_network, pd_dresden, zastex):
        user.is_verified = lambda: True  # as the OTP middleware marks who passed the second factor
    assert set(selectors.coachings_visible_to(asskomm)) == {coaching, other_coaching}
    assert list(selectors.coachings_visible_to(municipality_user)) == [coaching]
    assert list(selectors.coachings_editable_by(municipality_user)) == [coaching]
    assert not selectors.coachings_visible_to(expert_network).exists()
    services.share(coaching=coaching, organisation=expert_network.organisation, by=municipality_user)
    assert list(selectors.coachings_visible_to(expert_network)) == [coaching]
    assert not selectors.coachings_editable_by(expert_network).exists()
    assert not selectors.coachings_visible_to(pd_dresden).exists()
    assert not selectors.coachings_visible_to(zastex).exists()


def test_figures_count_running_and_total(coaching, other_coaching, asskomm):
    services.change_status(coaching=other_coaching, to=CoachingStatus.FINISHED, by=asskomm, on=date(2024, 3, 1))
    registered = {figure.key: figure for figure in figures.registered()}
    running, total = registered["coachings_running"], registered["coachings"]
    assert (running.order, total.order) == (30, 31)
    rows = sorted(running.rows(), key=lambda row: row["district"])
    assert rows == [
        {"start": date(2024, 1, 10), "end": date(2024, 3, 1), "district": "14626"},
        {"start": date(2024, 1, 10), "end": None, "district": "14628"},
    ]
    assert sorted(total.rows(), key=lambda row: row["district"]) == [
        {"start": date(2024, 1, 10), "end": None, "district": "14626"},
        {"start": date(2024, 1, 10), "end": None, "district": "14628"},
    ]


def test_housekeeping_removes_only_old_files_without_a_row(coaching, asskomm):
    import os
    import time

    document = services.add_document(
        step=coaching.steps.get(number=1), by=asskomm, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    storage = storages[files.STORAGE_ALIAS]
    orphan, _size, _hash = files.store_encrypted(SimpleUploadedFile("b.pdf", PDF_BYTES))
    fresh, _size, _hash = files.store_encrypted(SimpleUploadedFile("c.pdf", PDF_BYTES))
    old = time.time() - 7200
    for name in (orphan, document.storage_name):
        os.utime(storage.path(name), (old, old))
    assert services.housekeeping() == {"coaching_orphan_files": 1}
    assert sorted(stored_files()) == sorted(name.split("/")[1] for name in (document.storage_name, fresh))

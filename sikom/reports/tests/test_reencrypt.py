"""Key rotation: ``manage.py reencrypt_evidence`` for evidence files, ``reencrypt_fields`` for database fields
(docs/operations.md)."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from sikom import testing
from sikom.core.crypto import DecryptionError
from sikom.core.models import AuditEvent
from sikom.reports import evidence as evidence_files
from sikom.reports.models import Evidence, Report, ReportDraft

pytestmark = pytest.mark.django_db

OLD_KEY = base64.urlsafe_b64encode(b"O" * 32).decode()
NEW_KEY = base64.urlsafe_b64encode(b"N" * 32).decode()


def header_of(name: str) -> bytes:
    with storages["evidence"].open(name, "rb") as source:
        return source.read(12)


def key_id(key: str) -> bytes:
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8].encode()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300  # more than one segment
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def add_evidence(report, storage_name: str, content: bytes, content_type: str) -> Evidence:
    return Evidence.objects.create(
        report=report,
        storage_name=storage_name,
        original_name="datei",
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


@pytest.fixture
def old_files(settings):
    """A report with a PNG under the old key (SKF2) and a PDF in the old SKF1 format, as written before the change."""
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    report = testing.make_case().report
    png_name, _written = evidence_files.save_encrypted([PNG[:1000], PNG[1000:]])
    legacy = ContentFile(b"", name="legacy")
    testing.write_legacy_encrypted_file(legacy.file, OLD_KEY, PDF)
    pdf_name = storages["evidence"].save(f"incoming/{'1' * 32}.skf", legacy)
    assert header_of(png_name) == b"SKF2" + key_id(OLD_KEY)
    assert header_of(pdf_name) == b"SKF1" + key_id(OLD_KEY)
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]  # the rotation: the new key first, the old one still there
    return add_evidence(report, png_name, PNG, "image/png"), add_evidence(report, pdf_name, PDF, "application/pdf")


def test_reencryption_moves_every_file_to_the_new_key_and_format(
    old_files, settings, capsys, django_capture_on_commit_callbacks
):
    png, pdf = old_files
    old_names = {png.storage_name, pdf.storage_name}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt_evidence")

    assert capsys.readouterr().out.strip() == "checked: 2, reencrypted: 2, unreadable: 0"
    png.refresh_from_db()
    pdf.refresh_from_db()
    assert {png.storage_name, pdf.storage_name}.isdisjoint(old_names)
    assert not any(storages["evidence"].exists(name) for name in old_names)
    for item in (png, pdf):
        assert header_of(item.storage_name) == b"SKF2" + key_id(NEW_KEY)
    settings.ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go now
    assert b"".join(evidence_files.open_evidence(png.storage_name)) == PNG
    assert b"".join(evidence_files.open_evidence(pdf.storage_name)) == PDF
    assert AuditEvent.objects.get(action="evidence.reencrypted").data == {
        "checked": 2,
        "reencrypted": 2,
        "unreadable": 0,
    }


def test_a_second_run_changes_nothing(old_files):
    call_command("reencrypt_evidence", verbosity=0)
    names = sorted(Evidence.objects.values_list("storage_name", flat=True))
    call_command("reencrypt_evidence", verbosity=0)
    assert sorted(Evidence.objects.values_list("storage_name", flat=True)) == names


def test_an_unreadable_file_is_left_alone_and_stops_the_rotation(old_files, django_capture_on_commit_callbacks):
    png, pdf = old_files
    store = storages["evidence"]
    with store.open(png.storage_name, "rb") as source:
        damaged = bytearray(source.read())
    damaged[-1] ^= 1
    store.delete(png.storage_name)
    store.save(png.storage_name, ContentFile(bytes(damaged)))

    with (
        pytest.raises(CommandError, match="1 evidence files could not be re-encrypted"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("reencrypt_evidence", verbosity=0)

    png.refresh_from_db()
    pdf.refresh_from_db()
    assert store.exists(png.storage_name) and header_of(png.storage_name) == b"SKF2" + key_id(OLD_KEY)
    assert header_of(pdf.storage_name) == b"SKF2" + key_id(NEW_KEY)
    assert AuditEvent.objects.get(action="evidence.unreadable").object_id == str(png.pk)
    with pytest.raises(DecryptionError):
        b"".join(evidence_files.open_evidence(png.storage_name))
    assert len(list(store.listdir("incoming")[1])) == 2  # no stray new file for the damaged one


# Database fields (core.rotation, manage.py reencrypt_fields)


def raw_column(model, pk, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 -- test names
        return cursor.fetchone()[0]


def test_field_reencryption_moves_old_tokens_to_the_new_key(settings, capsys):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    case = testing.make_case(description="Drohung vor dem Rathaus.", contact_name="")
    draft = ReportDraft.objects.create(answers={"person": {"municipality": "Görlitz"}})
    submitted_at = case.report.submitted_at
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    fresh = testing.make_case(description="Schon mit dem neuen Schlüssel.")
    untouched = raw_column(Report, fresh.report.pk, "description")

    call_command("reencrypt_fields")

    output = capsys.readouterr().out
    assert "reports.Report.description: 1" in output and "reports.ReportDraft.answers: 1" in output
    assert raw_column(Report, case.report.pk, "description").startswith(f"enc1:{key_id(NEW_KEY).decode()}:")
    assert raw_column(Report, case.report.pk, "contact_name") == ""  # empty stays empty
    assert raw_column(Report, fresh.report.pk, "description") == untouched  # already current: not rewritten
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    report = Report.objects.get(pk=case.report.pk)
    assert (report.description, report.submitted_at) == ("Drohung vor dem Rathaus.", submitted_at)
    assert ReportDraft.objects.get(pk=draft.pk).answers == {"person": {"municipality": "Görlitz"}}
    counts = AuditEvent.objects.get(action="crypto.fields_reencrypted").data
    assert counts["reports.Report.description"] == 1 and counts["cases.Message.body"] == 0
    call_command("reencrypt_fields", verbosity=0)
    second_run = AuditEvent.objects.filter(action="crypto.fields_reencrypted").order_by("pk").last()
    assert set(second_run.data.values()) == {0}

"""Key rotation for evidence files: ``manage.py reencrypt_evidence`` (docs/operations.md)."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from sikom import testing
from sikom.core.crypto import DecryptionError
from sikom.core.models import AuditEvent
from sikom.reports import evidence as evidence_files
from sikom.reports.models import Evidence
from sikom.reports.tests import flows

pytestmark = pytest.mark.django_db

OLD_KEY = base64.urlsafe_b64encode(b"O" * 32).decode()
NEW_KEY = base64.urlsafe_b64encode(b"N" * 32).decode()


def header_of(name: str) -> bytes:
    with storages["evidence"].open(name, "rb") as source:
        return source.read(12)


def key_id(key: str) -> bytes:
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8].encode()


@pytest.fixture
def draft_with_old_files(client, settings):
    """A draft with a PNG under the old key (SKF2) and a PDF rewritten in the old SKF1 format, as before the change."""
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    flows.fill_until_evidence(client)
    flows.upload(client, ("foto.png", flows.PNG), ("brief.pdf", flows.PDF))
    png, pdf = Evidence.objects.order_by("content_type")[1], Evidence.objects.order_by("content_type")[0]
    store = storages["evidence"]
    store.delete(pdf.storage_name)
    legacy = ContentFile(b"", name="legacy")
    testing.write_legacy_encrypted_file(legacy.file, OLD_KEY, flows.PDF)
    assert store.save(pdf.storage_name, legacy) == pdf.storage_name
    assert header_of(pdf.storage_name) == b"SKF1" + key_id(OLD_KEY)
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]  # the rotation: the new key first, the old one still there
    return png, pdf


def test_reencryption_moves_every_file_to_the_new_key_and_format(
    draft_with_old_files, settings, capsys, django_capture_on_commit_callbacks
):
    png, pdf = draft_with_old_files
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
    assert b"".join(evidence_files.open_evidence(png.storage_name)) == flows.PNG
    assert b"".join(evidence_files.open_evidence(pdf.storage_name)) == flows.PDF
    assert AuditEvent.objects.get(action="evidence.reencrypted").data == {
        "checked": 2,
        "reencrypted": 2,
        "unreadable": 0,
    }


def test_a_second_run_changes_nothing(draft_with_old_files):
    call_command("reencrypt_evidence", verbosity=0)
    names = sorted(Evidence.objects.values_list("storage_name", flat=True))
    call_command("reencrypt_evidence", verbosity=0)
    assert sorted(Evidence.objects.values_list("storage_name", flat=True)) == names


def test_an_unreadable_file_is_left_alone_and_stops_the_rotation(
    draft_with_old_files, django_capture_on_commit_callbacks
):
    png, pdf = draft_with_old_files
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

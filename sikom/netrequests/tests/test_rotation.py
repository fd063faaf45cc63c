"""Key rotation covers the request source files: ``manage.py reencrypt_request_files`` (docs/operations.md)."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from sikom.core.models import AuditEvent
from sikom.netrequests import files, services
from sikom.netrequests.models import SourceFile
from sikom.netrequests.tests.factories import PNG, png_upload

pytestmark = pytest.mark.django_db

OLD_KEY = base64.urlsafe_b64encode(b"O" * 32).decode()
NEW_KEY = base64.urlsafe_b64encode(b"N" * 32).decode()


def header_of(name: str) -> bytes:
    with storages["evidence"].open(name, "rb") as source:
        return source.read(12)


def key_id(key: str) -> bytes:
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8].encode()


@pytest.fixture
def old_sources(settings, filed, municipality_user):
    default = list(settings.ENCRYPTION_KEYS)  # the request's fields were written under the test key
    settings.ENCRYPTION_KEYS = [OLD_KEY, *default]
    first = services.add_source_file(request=filed, by=municipality_user, upload=png_upload("a.png"))
    second = services.add_source_file(request=filed, by=municipality_user, upload=png_upload("b.png"))
    assert header_of(first.storage_name) == b"SKF2" + key_id(OLD_KEY)
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY, *default]
    return first, second


def test_every_source_file_moves_to_the_new_key(old_sources, settings, capsys, django_capture_on_commit_callbacks):
    old_names = {source.storage_name for source in old_sources}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt_request_files")
    assert capsys.readouterr().out.strip() == "checked: 2, reencrypted: 2, unreadable: 0"
    settings.ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go now (for the files; the fields have their command)
    for name in SourceFile.objects.values_list("storage_name", flat=True):
        assert name not in old_names
        assert name.startswith("netrequests/") and name.endswith(".skn")
        assert header_of(name) == b"SKF2" + key_id(NEW_KEY)
        assert b"".join(files.open_source(name)) == PNG
    assert not any(storages["evidence"].exists(name) for name in old_names)
    assert AuditEvent.objects.get(action="netrequests.sources_reencrypted").data["reencrypted"] == 2


def test_a_second_run_changes_nothing(old_sources):
    call_command("reencrypt_request_files", verbosity=0)
    names = sorted(SourceFile.objects.values_list("storage_name", flat=True))
    call_command("reencrypt_request_files", verbosity=0)
    assert sorted(SourceFile.objects.values_list("storage_name", flat=True)) == names


def test_an_unreadable_file_is_left_alone_and_stops_the_rotation(old_sources, django_capture_on_commit_callbacks):
    damaged_source, intact = old_sources
    store = storages["evidence"]
    with store.open(damaged_source.storage_name, "rb") as handle:
        damaged = bytearray(handle.read())
    damaged[-1] ^= 1
    store.delete(damaged_source.storage_name)
    store.save(damaged_source.storage_name, ContentFile(bytes(damaged)))

    with (
        pytest.raises(CommandError, match="1 request source files could not be re-encrypted"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("reencrypt_request_files", verbosity=0)

    damaged_source.refresh_from_db()
    intact.refresh_from_db()
    assert header_of(damaged_source.storage_name) == b"SKF2" + key_id(OLD_KEY)
    assert header_of(intact.storage_name) == b"SKF2" + key_id(NEW_KEY)
    assert AuditEvent.objects.get(action="netrequests.source_unreadable").data["file"] == str(damaged_source.pk)
    assert len(store.listdir("netrequests")[1]) == 2  # no stray new file for the damaged one

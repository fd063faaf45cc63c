"""Sources as files: checked by content, stored encrypted, downloaded after re-authentication, deleted with the
request; refused files leave nothing behind."""

import time
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sikom import testing
from sikom.accounts import reauth
from sikom.cases.models import CaseStatus
from sikom.core.models import AuditEvent
from sikom.netrequests import files, services
from sikom.netrequests.models import SourceFile
from sikom.netrequests.tests.factories import PNG, make_request, png_upload

pytestmark = pytest.mark.django_db


def _stored() -> list[str]:
    try:
        return storages["evidence"].listdir(files.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_the_municipality_uploads_a_flyer_which_is_stored_encrypted(client, municipality_user, expert_network):
    request = make_request(by=municipality_user)
    testing.login(client, municipality_user)
    response = client.post(reverse("netrequests:source_add", args=[request.case.number]), {"upload": png_upload()})
    assert response.status_code == 302
    source = SourceFile.objects.get()
    assert source.content_type == "image/png" and source.original_name == "flyer.png"
    with storages["evidence"].open(source.storage_name, "rb") as stored:
        assert PNG not in stored.read()  # encrypted at rest
    # Download: first the login is confirmed again, then the file streams, audited.
    testing.login(client, expert_network)
    url = reverse("netrequests:source", args=[request.case.number, source.pk])
    assert client.get(url)["Location"].startswith(reverse("casefile:reauth"))
    session = client.session
    session[reauth.SESSION_KEY] = time.time() + 600
    session.save()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="netrequests.source_downloaded").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, "Programm oder Skript"),
        ("flyer.zip", b"PK\x03\x04" + b"\x00" * 100, "Archiv"),
        ("foto.jpg", b"%PDF-1.4 nicht wirklich", "kein Bild"),
        ("leer.png", b"", "Die Datei ist leer."),
    ],
)
def test_refused_files_leave_nothing(client, municipality_user, name, content, message):
    request = make_request(by=municipality_user)
    testing.login(client, municipality_user)
    response = client.post(
        reverse("netrequests:source_add", args=[request.case.number]), {"upload": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not SourceFile.objects.exists() and not _stored()


def test_at_most_ten_files_per_request(municipality_user):
    request = make_request(by=municipality_user)
    for _ in range(files.MAX_FILES_PER_REQUEST):
        services.add_source_file(request=request, by=municipality_user, upload=png_upload())
    with pytest.raises(services.RequestRefused):
        services.add_source_file(request=request, by=municipality_user, upload=png_upload())
    assert len(_stored()) == files.MAX_FILES_PER_REQUEST


def test_retention_deletes_the_files_with_the_request(
    municipality_user, expert_network, settings, django_capture_on_commit_callbacks
):
    request = make_request(by=municipality_user)
    services.add_source_file(request=request, by=municipality_user, upload=png_upload())
    services.change_status(request=request, to=CaseStatus.CLOSED, by=expert_network, reason="erledigt")
    settings.CASE_RETENTION_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_retention()
    assert not SourceFile.objects.exists() and not _stored()


def test_housekeeping_sweeps_files_no_row_knows():
    name, _size, _sha = files.store_encrypted(png_upload())
    assert name.startswith("netrequests/") and name.endswith(".skn")
    assert services.housekeeping() == {"expert_request_orphan_files": 0}  # younger than an hour: maybe uploading
    assert files.delete_orphans(set(), older_than=timedelta(seconds=-1)) == 1
    assert not _stored()


def test_a_file_can_come_with_the_request_and_a_refused_one_keeps_the_request_back(client, municipality_user):
    from sikom.netrequests.models import ExpertRequest
    from sikom.netrequests.tests.test_views import _form

    testing.login(client, municipality_user)
    response = client.post(
        reverse("netrequests:create"), _form() | {"upload": SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 64)}
    )
    assert response.status_code == 400 and "Programm oder Skript" in response.content.decode()
    assert not ExpertRequest.objects.exists() and not _stored()
    response = client.post(reverse("netrequests:create"), _form() | {"upload": png_upload()})
    assert response.status_code == 302
    assert SourceFile.objects.get().request == ExpertRequest.objects.get()

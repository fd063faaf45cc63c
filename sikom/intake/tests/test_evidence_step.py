"""The evidence step as the reporter uses it: refusals are explained, and a refused file leaves nothing behind."""

import io
import logging

import pytest
from django.urls import reverse

from sikom.intake.tests import flows
from sikom.reports.evidence import MAX_FILE_BYTES
from sikom.reports.models import Evidence

pytestmark = pytest.mark.django_db


def stored_files(root):
    return sorted(path.name for path in root.rglob("*.skf"))


def test_renamed_executable_is_refused_with_a_clear_message(client, evidence_root):
    flows.fill_until_evidence(client)
    html = flows.upload(client, ("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200)).content.decode()
    assert "Die Datei »foto.jpg« ist kein Bild" in html
    assert Evidence.objects.count() == 0 and stored_files(evidence_root) == []


def test_oversized_file_is_refused_and_nothing_is_kept(client, evidence_root):
    flows.fill_until_evidence(client)
    big = flows.PNG + b"\x00" * (MAX_FILE_BYTES + 1 - len(flows.PNG))
    html = flows.upload(client, ("gross.png", big)).content.decode()
    assert "20 MB" in html and "gross.png" in html
    assert Evidence.objects.count() == 0 and stored_files(evidence_root) == []


def test_an_eleventh_file_is_refused(client):
    flows.fill_until_evidence(client)
    flows.upload(client, *[(f"bild{n}.png", flows.PNG + bytes([n])) for n in range(10)])
    assert Evidence.objects.count() == 10
    html = flows.upload(client, ("elf.png", flows.PNG + b"11")).content.decode()
    assert "elf.png" in html and Evidence.objects.count() == 10
    assert 'type="file"' not in html  # no slots left, so no file field is offered


def test_valid_and_invalid_files_in_one_upload(client):
    flows.fill_until_evidence(client)
    html = flows.upload(client, ("ok.pdf", flows.PDF), ("kaputt.txt", b"\x00\x01\x02" * 100)).content.decode()
    assert Evidence.objects.count() == 1 and "kaputt.txt" in html


def test_removing_a_file_deletes_it(client, evidence_root, django_capture_on_commit_callbacks):
    flows.fill_until_evidence(client)
    flows.upload(client, ("foto.png", flows.PNG))
    item = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(flows.step_url("beweismittel"), {"aktion": f"entfernen:{item.pk}"})
    assert Evidence.objects.count() == 0 and stored_files(evidence_root) == []


def test_removing_someone_elses_file_does_nothing(client):
    from django.test import Client

    other = Client()
    flows.fill_until_evidence(other)
    flows.upload(other, ("foto.png", flows.PNG))
    flows.fill_until_evidence(client)
    client.post(flows.step_url("beweismittel"), {"aktion": f"entfernen:{Evidence.objects.get().pk}"})
    assert Evidence.objects.count() == 1


def test_upload_without_csrf_token_is_refused(evidence_root, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(reverse("intake:start"))
    client.post(reverse("intake:start"), {"csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value})
    response = flows.upload(client, ("foto.png", flows.PNG))
    assert response.status_code == 403
    assert Evidence.objects.count() == 0


def test_no_personal_data_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    contact = {
        "anonymous": "false",
        "contact_name": "Erika Logtest",
        "contact_email": "erika.logtest@example.org",
        "contact_phone": "+49 351 7654321",
        "contact_preference": "email",
    }
    flows.fill_all(client, contact=contact, files=[("geheim-dateiname.png", flows.PNG)])
    flows.submit(client)
    text = caplog.text
    for secret in ["Erika", "logtest", "7654321", "Drei Männer", "geheim-dateiname", "Pirna"]:
        assert secret not in text, secret


@pytest.mark.parametrize(
    "action", ["entfernen:kein-uuid", "entfernen:", "entfernen:00000000-0000-0000-0000-000000000000"]
)
def test_removing_with_a_forged_id_explains_and_keeps_the_files(client, action):
    flows.fill_until_evidence(client)
    flows.upload(client, ("foto.png", flows.PNG))
    response = client.post(flows.step_url("beweismittel"), {"aktion": action}, follow=True)
    assert response.status_code == 200
    assert "Diese Datei ist nicht (mehr) Teil Ihrer Meldung." in response.content.decode()
    assert Evidence.objects.count() == 1


def _csrf_client_at_evidence_step(settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(reverse("intake:start"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post(reverse("intake:start"), {"csrfmiddlewaretoken": token})
    for slug, data in [("person", flows.PERSON), ("vorfall", flows.INCIDENT | {"occurred_on": flows.yesterday()})]:
        client.post(flows.step_url(slug), data | {"csrfmiddlewaretoken": token})
    client.post(flows.step_url("online"), flows.ONLINE_EMPTY | {"csrfmiddlewaretoken": token})
    return client, token


@pytest.mark.parametrize("forged_token", [None, "x" * 32])
def test_upload_refused_for_csrf_leaves_no_file_and_counts(evidence_root, settings, forged_token):
    from sikom.core.models import ThrottleCounter

    client, _token = _csrf_client_at_evidence_step(settings)
    payload = io.BytesIO(flows.PNG)
    payload.name = "foto.png"
    data = {"aktion": "hochladen", "dateien": payload}
    if forged_token:
        data["csrfmiddlewaretoken"] = forged_token
    response = client.post(flows.step_url("beweismittel"), data)
    assert response.status_code == 403
    assert Evidence.objects.count() == 0 and stored_files(evidence_root) == []
    assert ThrottleCounter.objects.filter(scope="report_upload").exists()


def test_refused_uploads_count_against_the_upload_limit(evidence_root, settings):
    settings.RATE_LIMITS_PER_HOUR = settings.RATE_LIMITS_PER_HOUR | {"report_upload": 2}
    client, token = _csrf_client_at_evidence_step(settings)
    for _ in range(2):
        client.post(flows.step_url("beweismittel"), {"aktion": "hochladen", "dateien": _png()})
    response = client.post(
        flows.step_url("beweismittel"), {"aktion": "hochladen", "dateien": _png(), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 429
    assert stored_files(evidence_root) == []


def _png():
    payload = io.BytesIO(flows.PNG)
    payload.name = "foto.png"
    return payload

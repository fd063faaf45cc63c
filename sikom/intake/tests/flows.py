"""Walking the report form with Django's test client, as the browser would without JavaScript."""

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def step_url(slug: str) -> str:
    return reverse("intake:step", args=[slug])


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


PERSON = {"affected_role": "mayor", "municipality": "Pirna", "relatives_affected": "on"}
INCIDENT = {
    "categories": ["threat", "private_sphere"],
    "occurred_on": "",  # filled with yesterday at call time
    "occurred_at": "21:15",
    "place": "home",
    "channel": "in_person",
    "repetition": "repeated",
    "repetition_count": "3",
    "perpetrator": "group",
    "motives": ["right_wing"],
    "description": "Drei Männer standen abends vor meinem Haus und riefen Drohungen.",
}
ONLINE_EMPTY = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-url": "", "form-0-platform": ""}
CONTACT_ANONYMOUS = {"anonymous": "true", "complaint_wish": "undecided", "privacy_consent": "on"}


def start(client):
    return client.post(reverse("intake:start"))


def fill_until_evidence(client, *, person=None, incident=None, online=None):
    start(client)
    client.post(step_url("person"), PERSON | (person or {}))
    client.post(step_url("vorfall"), INCIDENT | {"occurred_on": yesterday()} | (incident or {}))
    return client.post(step_url("online"), online or ONLINE_EMPTY)


def upload(client, *files, url=None):
    payload = [io.BytesIO(content) for _, content in files]
    for handle, (name, _) in zip(payload, files, strict=True):
        handle.name = name
    return client.post(url or step_url("beweismittel"), {"aktion": "hochladen", "dateien": payload})


def fill_all(client, *, contact=None, files=(), **kwargs):
    fill_until_evidence(client, **kwargs)
    if files:
        upload(client, *files)
    client.post(step_url("beweismittel"), {"aktion": "weiter"})
    return client.post(step_url("kontakt"), CONTACT_ANONYMOUS | (contact or {}))


def submit(client, sections=("incident",)):
    return client.post(reverse("intake:submit"), {"receipt_sections": list(sections)})

"""The events pages with real objects, walked with hostile values in every field they offer (the project-wide walk
in core only reaches them with made-up ids): no answer is a 500 and no one is registered twice."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.events.models import Registration
from sikom.events.tests.factories import confirmed_public, make_session

pytestmark = pytest.mark.django_db

VALUES = [
    "x" * 20_000,
    "a%00b",
    "%ff%fe",
    quote("<script>alert(1)</script>' OR '1'='1'; --"),
    "999999999999999999999",
    "-1",
    "1.5e3",
]
SINGLE = ["999999999999999999999", quote("<script>' OR 1=1")]
FIELDS = [
    "name",
    "email",
    "organisation",
    "role",
    "accessibility_needs",
    "companions",
    "art",
    "zielgruppe",
    "monat",
    "kreis",
    "title",
    "type",
    "summary",
    "description",
    "target_groups",
    "language",
    "accessibility_notes",
    "organiser",
    "contact_email",
    "contact_phone",
    "district",
    "registration_opens_at",
    "registration_closes_at",
    "is_published",
    "version",
    "starts_at",
    "ends_at",
    "venue",
    "street",
    "postcode_city",
    "online_url",
    "capacity",
    "speakers",
    "registration",
    "position",
    "reason",
    "entfernen",
    "format",
]

GOOD = "name=Erika&email=erika%40example.org&organisation=G&title=T&summary=S&organiser=O&type=lecture&language=de"


def test_events_pages_survive_hostile_values(asskomm, settings):
    settings.RATE_LIMITS_PER_HOUR = settings.RATE_LIMITS_PER_HOUR | {"event_registration": 100_000}
    session = make_session(capacity=1)
    confirmed_public(session, 1)
    confirmed_public(session, 2)
    event = session.event
    before = Registration.objects.count()
    clients = {
        "anonymous": Client(raise_request_exception=False),
        "asskomm": testing.login(Client(raise_request_exception=False), asskomm),
    }
    urls = [
        reverse("events:list"),
        reverse("events:detail", args=[event.pk]),
        reverse("events:register", args=[session.pk]),
        reverse("events:edit", args=[event.pk]),
        reverse("events:agenda", args=[event.pk]),
        reverse("events:session_create", args=[event.pk]),
        reverse("events:session_edit", args=[session.pk]),
        reverse("events:session_registrations", args=[session.pk]),
        reverse("events:create"),
        reverse("events:confirm", args=["x" * 3000]),
        reverse("events:registration", args=["%00"]),
    ]
    failures = []
    for name, client in clients.items():
        for url in urls:
            if name == "anonymous" and "/verwalten/" in url:
                continue  # refused before the view reads anything
            # Every field hostile at once (each value), and each field alone among good values of the others.
            requests = [("get", "&".join(f"{field}={value}" for field in FIELDS)) for value in VALUES]
            requests += [("post", "&".join(f"{field}={value}" for field in FIELDS)) for value in VALUES]
            requests += [("post", f"{GOOD}&{field}={value}") for field in FIELDS for value in SINGLE]
            for method, body in requests:
                if method == "get":
                    response = client.get(url + "?" + body)
                else:
                    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
                if response.status_code >= 500:
                    failures.append(f"{name} {method} {url} {body[:60]} -> {response.status_code}")
    assert failures == []
    # The good values register once per client (text with markup is just text); every repeat is a refused duplicate.
    assert Registration.objects.count() - before <= len(clients)

import re

import pytest
from django.urls import reverse

from sikom.core.models import AuditEvent, OperatorDetails

pytestmark = pytest.mark.django_db

ATTRIBUTION = [
    "Gemeindeverzeichnis: © Statistisches Bundesamt (Destatis), 2025, GV-ISys, Gebietsstand 31.12.2024 (Daten verändert)",
    "© GeoBasis-DE / BKG 2025 (VG250) und 2022 (VG5000), Daten verändert",
    "Datenlizenz Deutschland – Namensnennung – Version 2.0",
]


def test_every_page_carries_the_data_attribution_and_legal_links(client):
    html = client.get(reverse("portal:home")).content.decode()
    for text in ATTRIBUTION:
        assert text in html
    for name in ["core:imprint", "core:privacy", "core:accessibility"]:
        assert f'href="{reverse(name)}"' in html


@pytest.mark.parametrize("name", ["core:imprint", "core:privacy", "core:accessibility"])
def test_legal_page_shows_missing_operator_details_visibly(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "noch nicht hinterlegt" in html


def test_imprint_shows_operator_details_once_filled_in(client):
    OperatorDetails.objects.create(
        name="Musterbehörde Sachsen", address="Musterweg 1\n01000 Dresden", email="info@example.org"
    )
    html = client.get(reverse("core:imprint")).content.decode()
    assert "Musterbehörde Sachsen" in html and "Musterweg 1<br>01000 Dresden" in html
    assert 'href="mailto:info@example.org"' in html


def test_privacy_notice_names_what_is_processed(client):
    html = client.get(reverse("core:privacy")).content.decode()
    for fact in ["TOTP", "Cookie", "Wegweiser", "Art. 15", "Datenschutz- und Transparenzbeauftragte"]:
        assert fact in html, fact


def test_home_points_to_110_and_the_finder(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert 'href="tel:110"' in html
    assert reverse("offers:finder") in html


def test_audit_events_are_append_only_in_admin(client, operator):
    from sikom import testing

    testing.login(client, operator)
    event = AuditEvent.objects.create(action="test.event")
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200
    response = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "Startseite"),
        ("/melden/", "Vorfall melden"),
        ("/melden/status/", "Meldung verfolgen"),
        ("/melden/status/SK-2026-000001/", "Meldung verfolgen"),
    ],
)
def test_navigation_marks_only_the_best_matching_entry_as_current(client, path, current):
    html = client.get(path).content.decode()
    marked = re.findall(r'class="sikom-nav__link" href="[^"]*" aria-current="page">([^<]*)<', html)
    assert marked == [current]

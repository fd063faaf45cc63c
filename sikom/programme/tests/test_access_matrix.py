"""Every URL of the app for every persona and anonymous: the team's page and its exports are the ASSKomm team's
(verified), the public page everyone's."""

import pytest
from django.urls import reverse

from sikom import testing

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
TEAM_URLS = [
    reverse("programme:dashboard"),
    reverse("programme:dashboard") + "?stichtag=2024-01-01&kennzahl=test_intern",
    reverse("programme:export", args=["stichtag"]) + "?format=csv",
    reverse("programme:export", args=["quartale"]) + "?format=xlsx",
    reverse("programme:export", args=["landkreise"]) + "?format=csv",
]
PUBLIC_URLS = [
    reverse("programme:public"),
    reverse("programme:public") + "?kennzahl=test_bestand",
    reverse("programme:public_export", args=["stichtag"]) + "?format=csv",
    reverse("programme:public_export", args=["quartale"]) + "?format=xlsx",
    reverse("programme:public_export", args=["landkreise"]) + "?format=csv",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_urls_by_persona(client, request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for url in TEAM_URLS:
        response = client.get(url)
        if user is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
        elif persona == "asskomm":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, (persona, url)
        # Reading only: a POST is refused whoever sends it.
        assert client.post(url).status_code in (302, 403, 405), (persona, url)
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, (persona, url)
        assert client.post(url).status_code in (403, 405), (persona, url)


def test_the_team_must_pass_the_second_factor(client, asskomm):
    testing.login(client, asskomm, verified=False)
    response = client.get(reverse("programme:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


@pytest.mark.parametrize(("persona", "shown"), [("anonymous", False), ("municipality_user", False), ("asskomm", True)])
def test_navigation(client, request, persona, shown):
    if persona != "anonymous":
        testing.login(client, request.getfixturevalue(persona))
    labels = [item["label"] for item in client.get(reverse("programme:public")).context["navigation"]]
    assert ("Programm" in labels) is shown
    assert "Zahlen" in labels

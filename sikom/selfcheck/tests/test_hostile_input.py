"""Hostile and broken input: forged, damaged, old or oversized state, answers that were never offered, forged
municipality codes, missing CSRF — a German message, nothing saved, never a 500."""

import pytest
from django.apps import apps
from django.core import signing
from django.test import Client

from sikom.selfcheck import state as states
from sikom.selfcheck.forms import FIELD_PREFIX
from sikom.selfcheck.tests.helpers import ALL_WELL, CHECK, walk

pytestmark = pytest.mark.django_db

RESTART = "Ihre Antworten konnten nicht gelesen werden"


def _rows() -> int:
    return sum(model._default_manager.count() for model in apps.get_models())


def _token(client) -> str:
    return client.post(CHECK).context["token"]


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "a" * 30_000,
        "eyJ2IjoxfQ:1abc:forged",
        signing.dumps([1, 2], salt=states.SALT),
        signing.dumps({"v": "1", "p": 0, "a": {}}, salt=states.SALT),
        signing.dumps({"v": 1, "p": -1, "a": {}}, salt=states.SALT),
        signing.dumps({"v": 1, "p": 0, "a": {"x" * 80: "ja"}}, salt=states.SALT),
        signing.dumps({"v": 1, "p": 0, "a": {"k": 1}}, salt=states.SALT),
        signing.dumps({"v": 1, "p": 0, "a": {}, "g": "99999999"}, salt=states.SALT),
        signing.dumps({"v": 99, "p": 0, "a": {}}, salt=states.SALT),
        signing.dumps({"v": 1, "p": 0, "a": {}}, salt="another.purpose"),
    ],
)
@pytest.mark.parametrize("url", [CHECK, "/selbstcheck/aktionsplan.pdf", "/selbstcheck/antrag-auskunftssperre.pdf"])
def test_bad_state_restarts_with_a_german_message(client, token, url):
    before = _rows()
    response = client.post(url, {"zustand": token})
    assert response.status_code == 400
    assert RESTART in response.content.decode()
    assert _rows() == before


def test_tampered_answers_are_refused(client):
    token = _token(client)
    payload, _, rest = token.partition(":")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + rest
    assert client.post(CHECK, {"zustand": forged}).status_code == 400


def test_expired_state_restarts(client, monkeypatch):
    token = _token(client)
    monkeypatch.setattr(states, "MAX_AGE_SECONDS", -1)
    assert client.post(CHECK, {"zustand": token}).status_code == 400


def test_unknown_answers_in_a_signed_state_are_dropped(client):
    token = states.dumps(states.State(version=1, answers={"erfunden": "ja", "auskunftssperre": "vielleicht"}))
    response = client.post(CHECK, {"zustand": token, "aktion": "anfang"})
    assert response.status_code == 200
    assert states.loads(response.context["token"]).answers == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Bitte wählen Sie eine Antwort."),
        ("vielleicht", "Bitte wählen Sie eine der angebotenen Antworten aus."),
        ("x" * 100_000, "Bitte wählen Sie eine der angebotenen Antworten aus."),
        ("ja\x00", "Bitte wählen Sie eine der angebotenen Antworten aus."),
    ],
)
def test_answers_that_were_not_offered_get_a_message_at_the_question(client, value, message):
    token = _token(client)
    response = client.post(
        CHECK, {"zustand": token, FIELD_PREFIX + "auskunftssperre": value, FIELD_PREFIX + "anschrift_oeffentlich": "ja"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body or "Null" in body or "Nullzeichen" in body
    assert response.context["topic"].key == "anschrift"


def _place_token(client) -> str:
    result = walk(client, ALL_WELL)
    state = states.loads(result.context["token"])
    state.page = len(result.context["guide"].topics)
    return states.dumps(state)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"gemeinde": "P" * 500}, "Bitte verwenden Sie höchstens 100 Zeichen."),
        ({"gemeinde_ags": "14999999"}, "Diese Gemeinde gibt es nicht."),
        ({"gemeinde_ags": "abc"}, "Diese Gemeinde gibt es nicht."),
        ({"gemeinde": "Xyzqwv"}, "keine sächsische Gemeinde mit diesem Namen"),
        ({"gemeinde": ""}, "Bitte geben Sie Ihre Gemeinde ein"),
    ],
)
def test_bad_municipality_gets_a_message(client, data, message):
    token = _place_token(client)
    response = client.post(CHECK, {"zustand": token, "aktion": "weiter"} | data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_ambiguous_municipality_offers_a_choice(client):
    token = _place_token(client)
    response = client.post(CHECK, {"zustand": token, "aktion": "weiter", "gemeinde": "Bad"})
    assert response.status_code == 200
    assert "Welche Gemeinde meinen Sie?" in response.content.decode()


def test_missing_csrf_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(CHECK)
    assert response.status_code == 403


def test_step_address_and_pdfs_refuse_get(client):
    assert client.get(CHECK).status_code == 302
    assert client.get("/selbstcheck/aktionsplan.pdf").status_code == 405
    assert client.get("/selbstcheck/antrag-auskunftssperre.pdf").status_code == 405

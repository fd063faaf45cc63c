"""The check as an anonymous office holder walks it: branching pages, the plan, its PDFs, and no trace left."""

import logging

import pytest
from django.apps import apps

from sikom.selfcheck import state as states
from sikom.selfcheck.forms import FIELD_PREFIX
from sikom.selfcheck.tests.helpers import ALL_WELL, CHECK, walk

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_start_page_explains_and_offers_the_check(client):
    response = client.get("/selbstcheck/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Selbstcheck beginnen" in body and "110" in body
    assert "Fassung 1." in body


def test_first_page_asks_the_address_questions_with_their_sources(client):
    response = client.post(CHECK)
    body = response.content.decode()
    assert "Private Anschrift und Melderegister" in body
    assert "Bundesmeldegesetz" in body and "Schritt 1 von 8" in body
    # The follow-up on the expiry of the block is not asked before its opening answer.
    assert FIELD_PREFIX + "sperre_ablauf" not in body


def test_an_answer_opens_its_follow_up_on_the_same_topic(client):
    first = client.post(CHECK)
    data = {
        "zustand": first.context["token"],
        FIELD_PREFIX + "auskunftssperre": "ja",
        FIELD_PREFIX + "anschrift_oeffentlich": "nein",
    }
    response = client.post(CHECK, data)
    body = response.content.decode()
    assert "Nach Ihrer Antwort folgen weitere Fragen" in body
    assert FIELD_PREFIX + "sperre_ablauf" in body
    assert response.context["topic"].key == "anschrift"


def test_all_well_gives_no_steps_but_the_contacts(client):
    response = walk(client, ALL_WELL)
    body = response.content.decode()
    assert response.context["items"] == []
    assert "bereits umgesetzt" in body
    assert "Polizeidirektion Dresden" in body  # Pirna lies in the Sächsische Schweiz-Osterzgebirge district
    assert not response.context["letter"]


def test_plan_is_ordered_by_urgency_and_names_the_triggering_answer(client):
    answers = ALL_WELL | {"auskunftssperre": "nein", "routine": "ja", "sicherung": "nein"}
    response = walk(client, answers)
    items = response.context["items"]
    assert [item.advice.urgency for item in items] == sorted(item.advice.urgency for item in items)
    assert items[0].advice.title == "Auskunftssperre im Melderegister beantragen"
    body = response.content.decode()
    assert (
        "Weil Sie auf »Ist für Ihre Wohnanschrift eine Auskunftssperre im Melderegister eingetragen?« mit »Nein« geantwortet haben."
        in body
    )
    assert "Sofort" in body and "Bei Gelegenheit" in body


def test_letter_is_addressed_to_the_registration_office_by_name_without_an_invented_address(client):
    response = walk(client, ALL_WELL | {"auskunftssperre": "nein"})
    body = response.content.decode()
    assert response.context["letter"]
    assert "Meldebehörde der Stadt Pirna" in body
    assert "[Anschrift der Meldebehörde – bitte ergänzen]" in body


def test_without_a_municipality_the_letter_names_no_place(client):
    response = walk(client, ALL_WELL | {"auskunftssperre": "nein"}, gemeinde=None)
    assert response.context["office"] == "Meldebehörde"
    assert "Ohne Ortsangabe" in response.content.decode()


def test_wegweiser_offers_follow_the_triggered_advice(client):
    response = walk(client, ALL_WELL | {"hass": "ja", "hass_angezeigt": "nie"})
    titles = [rec.offer.title for rec in response.context["offers"]]
    assert titles, "online hate must bring offers from the catalogue"
    assert any("Hass" in title or "Meldestelle" in title or "ZMI" in title for title in titles), titles


def test_plan_pdf_and_letter_pdf(client):
    result = walk(client, ALL_WELL | {"auskunftssperre": "nein"})
    token = result.context["token"]
    pdf = client.post("/selbstcheck/aktionsplan.pdf", {"zustand": token})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Cache-Control"] == "no-store"
    letter = client.post("/selbstcheck/antrag-auskunftssperre.pdf", {"zustand": token})
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")


def test_back_keeps_answers(client):
    first = client.post(CHECK)
    second = client.post(
        CHECK,
        {
            "zustand": first.context["token"],
            FIELD_PREFIX + "auskunftssperre": "nein",
            FIELD_PREFIX + "anschrift_oeffentlich": "nein",
        },
    )
    assert second.context["topic"].key == "zuhause"
    back = client.post(CHECK, {"zustand": second.context["token"], "aktion": "zurueck"})
    assert back.context["topic"].key == "anschrift"
    assert (
        f'value="nein" class="kern-form-check__radio" name="{FIELD_PREFIX}auskunftssperre"' in back.content.decode()
        or (back.context["form"].initial[FIELD_PREFIX + "auskunftssperre"] == "nein")
    )


def test_changing_an_opening_answer_drops_its_follow_up(client):
    answers = ALL_WELL | {"auskunftssperre": "ja", "sperre_ablauf": "nein"}
    result = walk(client, answers)
    assert any(item.question.key == "sperre_ablauf" for item in result.context["items"])
    state = states.loads(result.context["token"])
    state.answers["auskunftssperre"] = "weiss_nicht"
    state.page = 0
    again = client.post(CHECK, {"zustand": states.dumps(state), "aktion": "ort"})
    assert "sperre_ablauf" not in states.loads(again.context["token"]).answers


def test_anonymous_check_leaves_no_row_and_nothing_in_the_logs(client, caplog, settings):
    before = _row_counts()
    caplog.set_level(logging.DEBUG)
    result = walk(client, ALL_WELL | {"auskunftssperre": "nein", "hass": "ja", "hass_angezeigt": "nie"})
    token = result.context["token"]
    client.post("/selbstcheck/aktionsplan.pdf", {"zustand": token})
    client.post("/selbstcheck/antrag-auskunftssperre.pdf", {"zustand": token})
    assert _row_counts() == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("auskunftssperre", "hass_angezeigt", "Pirna", "14628270", token[:20]):
        assert secret not in logged
    # No session was started either: nothing was kept on the server side.
    assert settings.SESSION_COOKIE_NAME not in client.cookies

"""The Wegweiser in a real browser: a person answers the questions by their labels and reads the result.

Every step page and the result are checked with axe; the walk also works without JavaScript, and with JavaScript
the municipality field offers suggestions via htmx.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL = "Amts- oder Mandatsträger:in, Kandidat:in"
RELATIVE = "Angehörige:r"
MUNICIPAL_STAFF = "Beschäftigte:r einer Kommune"
CITIZEN = "Bürger:in"
ACUTE = "Ja, jetzt gerade oder in den nächsten Stunden"
NOT_ACUTE = "Nein"
PLACE = "In welcher Gemeinde sind Sie tätig oder wohnen Sie?"
EMERGENCY = "Akute Gefahr? Rufen Sie sofort die Polizei: 110"

POLICE_OFFERS = {
    "Absprache gezielter polizeilicher Maßnahmen",
    "Beratung zu Verhaltensweisen in Gefahrenlagen",
    "Enger Kontakt zur Polizei und Sensibilisierung vor Ort",
    "Personen- und Objektschutz durch das Landeskriminalamt",
}
ZASTEX = "ZASTEX – Zentrale Ansprechstelle für Opfer (rechts-)extremistischer Bedrohungen"
ZMI = "ZMI – Zentrale Meldestelle für Hasskriminalität im Internet"
EXPERT_NETWORK = "Expertennetzwerk Rechtsextremismus"
FUNDING = "Projektförderung über die Richtlinie »Kommunale Prävention«"
LPR = "Landespräventionsrat Sachsen und Allianz Sichere Sächsische Kommunen (ASSKomm)"


# A person's steps --------------------------------------------------------------------------------------------------


def start(page, live_server, *, audit=False):
    page.goto(live_server.url + reverse("offers:finder"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wegweiser: Welche Hilfe passt zu mir?")
    if audit:
        check_accessibility(page)


def answer_who(page, audience, *, audit=False):
    expect(page.get_by_text("Frage 1 von 4")).to_be_visible()
    page.get_by_label(audience, exact=True).check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Frage 2 von 4")).to_be_visible()
    if audit:
        check_accessibility(page)


def answer_what(page, *situations, audit=False):
    for situation in situations:
        page.get_by_label(situation, exact=True).check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Frage 3 von 4")).to_be_visible()
    if audit:
        check_accessibility(page)


def answer_danger(page, answer, *, audit=False):
    page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Frage 4 von 4")).to_be_visible()
    expect(page.get_by_label(PLACE)).to_be_visible()
    if audit:
        check_accessibility(page)


def answer_place(page, municipality):
    page.get_by_label(PLACE).fill(municipality)
    page.get_by_role("button", name="Ergebnis anzeigen").click()


def expect_result(page):
    expect(page.get_by_role("heading", level=1)).to_have_text("Diese Hilfe passt zu Ihren Angaben")


def recommendations(page):
    return page.get_by_role("region", name=re.compile(r"passende(s)? Angebot"))


def recommended_titles(page) -> list[str]:
    return recommendations(page).get_by_role("heading", level=3).all_inner_texts()


def recommendation(page, title):
    """The card of one recommended offer (the outer list item, not its list of reasons)."""
    return recommendations(page).get_by_role("listitem").filter(has=page.get_by_role("heading", name=title, exact=True))


def regional(page):
    return page.get_by_role("region", name="Zuständige Stellen in Ihrer Region")


def emergency_notice(page):
    return page.get_by_role("heading", name=EMERGENCY)


def comes_before_h1(locator) -> bool:
    return locator.evaluate(
        "el => Boolean(el.compareDocumentPosition(document.querySelector('h1')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )


# Five situations, walked as a person would -------------------------------------------------------------------------


def test_official_threatened_at_home_in_acute_danger(page, live_server):
    start(page, live_server, audit=True)
    answer_who(page, OFFICIAL, audit=True)
    answer_what(page, "Bedrohung", "Aufsuchen der Privatsphäre", audit=True)
    answer_danger(page, ACUTE, audit=True)
    expect(emergency_notice(page)).to_be_visible()  # already on the place question
    answer_place(page, "Pirna")

    expect_result(page)
    expect(emergency_notice(page)).to_be_visible()
    assert comes_before_h1(emergency_notice(page)), "the 110 notice must come before the page heading"
    expect(page.get_by_role("link", name="Notruf 110 anrufen")).to_have_attribute("href", "tel:110")
    titles = recommended_titles(page)
    assert set(titles[:5]) == POLICE_OFFERS | {ZASTEX}, titles
    expect(recommendation(page, "Enger Kontakt zur Polizei und Sensibilisierung vor Ort")).to_contain_text(
        "weil Sie akute Gefahr angegeben haben"
    )
    expect(recommendation(page, "Enger Kontakt zur Polizei und Sensibilisierung vor Ort")).to_contain_text(
        "Polizeidirektion Dresden"
    )
    expect(regional(page)).to_contain_text("Polizeidirektion Dresden")
    expect(page.get_by_role("definition").filter(has_text="Sächsische Schweiz-Osterzgebirge")).to_have_count(1)
    assert "kreis=14628" in page.url
    assert "pirna" not in page.url.lower(), "the municipality must never appear in the address"
    check_accessibility(page)


def test_official_insulted_online_chooses_municipality_from_candidates(page, live_server):
    start(page, live_server)
    answer_who(page, OFFICIAL)
    answer_what(page, "Hass im Netz", "Beleidigung oder Verleumdung")
    answer_danger(page, NOT_ACUTE)
    expect(emergency_notice(page)).to_have_count(0)
    answer_place(page, "Görliz")

    expect(page.get_by_role("group", name="Welche Gemeinde meinen Sie?")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Görlitz (Landkreis Görlitz)").check()
    page.get_by_role("button", name="Diese Gemeinde wählen").click()

    expect_result(page)
    expect(emergency_notice(page)).to_have_count(0)
    assert ZMI in recommended_titles(page)[:3], recommended_titles(page)
    expect(recommendation(page, ZMI)).to_contain_text(
        "weil Sie »Beleidigung oder Verleumdung« und »Hass im Netz« angegeben haben"
    )
    expect(regional(page)).to_contain_text("Polizeidirektion Görlitz")
    assert "kreis=14626" in page.url


def test_municipal_staff_facing_extremist_event_gets_expert_network(page, live_server):
    start(page, live_server)
    answer_who(page, MUNICIPAL_STAFF)
    answer_what(page, "Geplante extremistische Versammlung, Veranstaltung oder Immobiliennutzung")
    answer_danger(page, NOT_ACUTE)
    answer_place(page, "Grimma")

    expect_result(page)
    assert recommended_titles(page) == [EXPERT_NETWORK]
    card = recommendation(page, EXPERT_NETWORK)
    expect(card).to_contain_text("Zuständig für Sie:")
    expect(card).to_contain_text("Expertennetzwerk – Regionale Koordination Landkreis Leipzig")
    expect(regional(page)).to_contain_text("Expertennetzwerk – Regionale Koordination Landkreis Leipzig")
    expect(regional(page)).to_contain_text("Polizeidirektion Leipzig")
    expect(regional(page).get_by_role("link", name="expertennetzwerk@lds.sachsen.de")).to_have_attribute(
        "href", "mailto:expertennetzwerk@lds.sachsen.de"
    )
    assert "kreis=14729" in page.url


def test_municipal_staff_seeking_funding_without_place(page, live_server):
    start(page, live_server)
    answer_who(page, MUNICIPAL_STAFF)
    answer_what(page, "Förderung", "Präventionsarbeit in meiner Kommune")
    answer_danger(page, NOT_ACUTE)
    page.get_by_role("button", name="Ohne Ortsangabe fortfahren").click()

    expect_result(page)
    assert set(recommended_titles(page)[:2]) == {FUNDING, LPR}, recommended_titles(page)
    assert all("Polizei" not in title for title in recommended_titles(page))
    expect(recommendation(page, FUNDING)).to_contain_text("lpr@smi.sachsen.de")
    expect(regional(page)).to_contain_text(
        "Ohne Ortsangabe können wir die Polizeidirektion und die regionale Koordination des Expertennetzwerks "
        "nicht nennen."
    )
    expect(regional(page).get_by_role("link", name="Gemeinde angeben")).to_be_visible()
    assert "kreis=" not in page.url
    check_accessibility(page)


def test_relative_after_physical_attack_in_acute_danger(page, live_server):
    start(page, live_server)
    answer_who(page, RELATIVE)
    answer_what(page, "Körperlicher Angriff")
    answer_danger(page, ACUTE)
    answer_place(page, "Dresden")

    expect_result(page)
    assert comes_before_h1(emergency_notice(page)), "the 110 notice must come before the page heading"
    titles = recommended_titles(page)
    assert set(titles[:3]) == {
        "Beratung zu Verhaltensweisen in Gefahrenlagen",
        "Enger Kontakt zur Polizei und Sensibilisierung vor Ort",
        ZASTEX,
    }, titles
    assert "Absprache gezielter polizeilicher Maßnahmen" not in titles, "that offer is for officials only"
    police_contact = recommendation(page, "Enger Kontakt zur Polizei und Sensibilisierung vor Ort")
    expect(police_contact).to_contain_text("Polizeidirektion Dresden")
    expect(police_contact).to_contain_text("weil sich das Angebot an Sie als Angehörige:r richtet")
    assert "kreis=14612" in page.url


def test_full_walk_on_a_phone(phone_page, live_server):
    page = phone_page
    start(page, live_server, audit=True)
    answer_who(page, CITIZEN)
    answer_what(page, "Hass im Netz", audit=True)
    answer_danger(page, NOT_ACUTE)
    answer_place(page, "Plauen")

    expect_result(page)
    assert recommended_titles(page) == [ZASTEX, ZMI]
    expect(recommendation(page, ZMI)).to_contain_text("weil Sie »Hass im Netz« angegeben haben")
    expect(regional(page)).to_contain_text("Polizeidirektion Zwickau")
    assert "kreis=14523" in page.url
    check_accessibility(page)


def test_result_fits_the_phone_screen_without_sideways_scrolling(phone_page, live_server):
    """WCAG 1.4.10 (Reflow): at 390 px nothing may need horizontal scrolling; axe does not check this."""
    page = phone_page
    page.goto(
        live_server.url + reverse("offers:finder_result") + "?fuer=citizen&anliegen=online_hate&akut=nein&kreis=14523"
    )
    expect_result(page)
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
              .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
              .map(el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 50))"""
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (
        f"APP BUG (reflow): the Wegweiser result is {width}px wide on a 390px phone and scrolls sideways; long "
        f"web addresses in the contact blocks and the share link do not wrap: {too_wide}"
    )


# Errors, going back, forged addresses ------------------------------------------------------------------------------


def test_step_without_answer_shows_german_error_and_summary(page, live_server):
    start(page, live_server)
    page.get_by_role("button", name="Weiter").click()

    summary = page.locator("#fehler")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Angaben.")
    expect(summary.get_by_role("link", name="Wer sind Sie? Bitte wählen Sie aus, wer Sie sind.")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_role("group", name="Wer sind Sie?")).to_contain_text("Bitte wählen Sie aus, wer Sie sind.")
    check_accessibility(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label(OFFICIAL, exact=True)).to_be_focused()

    answer_who(page, OFFICIAL)
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Frage 2 von 4")).to_be_visible()
    expect(page.locator("#fehler")).to_contain_text("Bitte wählen Sie mindestens eine Antwort aus.")
    check_accessibility(page)

    answer_what(page, "Bedrohung")
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("#fehler")).to_contain_text("Bitte beantworten Sie, ob akute Gefahr besteht.")


def test_place_without_answer_shows_german_error(page, live_server):
    start(page, live_server)
    answer_who(page, OFFICIAL)
    answer_what(page, "Bedrohung")
    answer_danger(page, NOT_ACUTE)
    page.get_by_role("button", name="Ergebnis anzeigen").click()
    expect(page.locator("#fehler")).to_contain_text(
        "Bitte geben Sie Ihre Gemeinde ein oder fahren Sie ohne Ortsangabe fort."
    )
    answer_place(page, "Atlantis")
    expect(page.locator("#fehler")).to_contain_text("Wir haben keine sächsische Gemeinde mit diesem Namen gefunden.")
    check_accessibility(page)


def test_back_link_keeps_earlier_answers(page, live_server):
    start(page, live_server)
    answer_who(page, RELATIVE)
    answer_what(page, "Bedrohung", "Hass im Netz")
    answer_danger(page, NOT_ACUTE)

    page.get_by_role("link", name="Zurück").click()
    expect(page.get_by_text("Frage 3 von 4")).to_be_visible()
    page.get_by_role("link", name="Zurück").click()
    expect(page.get_by_text("Frage 2 von 4")).to_be_visible()
    expect(page.get_by_label("Bedrohung", exact=True)).to_be_checked()
    expect(page.get_by_label("Hass im Netz", exact=True)).to_be_checked()
    expect(page.get_by_label("Körperlicher Angriff", exact=True)).not_to_be_checked()
    page.get_by_role("link", name="Zurück").click()
    expect(page.get_by_text("Frage 1 von 4")).to_be_visible()
    expect(page.get_by_label(RELATIVE, exact=True)).to_be_checked()

    # Changing the first answer and walking on again.
    answer_who(page, OFFICIAL)
    answer_what(page, "Körperlicher Angriff")
    answer_danger(page, ACUTE)
    page.get_by_role("button", name="Ohne Ortsangabe fortfahren").click()
    expect_result(page)
    expect(page.get_by_role("definition").filter(has_text=OFFICIAL)).to_have_count(1)
    expect(page.get_by_role("definition").filter(has_text="Körperlicher Angriff")).to_have_count(1)


def test_forged_result_address_shows_german_message(page, live_server):
    response = page.goto(live_server.url + reverse("offers:finder_result") + "?fuer=x")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Wegweiser: Welche Hilfe passt zu mir?")
    expect(page.locator("#fehler")).to_contain_text("Bitte wählen Sie eine der angebotenen Antworten aus.")

    forged_district = "?fuer=official&anliegen=threat&akut=nein&kreis=99999"
    response = page.goto(live_server.url + reverse("offers:finder_result") + forged_district)
    assert response.status == 200
    expect(page.get_by_role("alert")).to_contain_text("Die Ortsangabe in der Adresse ist ungültig.")
    expect(page.get_by_label(PLACE)).to_be_visible()
    check_accessibility(page)


# htmx suggestions and the walk without JavaScript ------------------------------------------------------------------


def test_live_suggestions_lead_to_the_result(page, live_server):
    start(page, live_server)
    answer_who(page, OFFICIAL)
    answer_what(page, "Bedrohung")
    answer_danger(page, NOT_ACUTE)
    page.get_by_label(PLACE).fill("Borna")

    suggestions = page.locator("#gemeinde-vorschlaege")
    expect(suggestions.get_by_role("button")).not_to_have_count(0)
    expect(suggestions).to_contain_text("Vorschläge – wählen Sie Ihre Gemeinde:")
    check_accessibility(page)
    suggestions.get_by_role("button", name="Borna (Landkreis Leipzig)").click()

    expect_result(page)
    assert "kreis=14729" in page.url
    expect(regional(page)).to_contain_text("Polizeidirektion Leipzig")


def test_whole_walk_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        start(page, live_server)
        answer_who(page, OFFICIAL)
        answer_what(page, "Veröffentlichung persönlicher Daten oder »Feindesliste«")
        answer_danger(page, NOT_ACUTE)
        page.get_by_label(PLACE).fill("Görliz")
        page.get_by_role("button", name="Ergebnis anzeigen").click()
        expect(page.locator("#gemeinde-vorschlaege").get_by_role("button")).to_have_count(0)
        page.get_by_label("Görlitz (Landkreis Görlitz)").check()
        page.get_by_role("button", name="Diese Gemeinde wählen").click()

        expect_result(page)
        assert set(recommended_titles(page)) == POLICE_OFFERS | {
            "Sicherheitsleitfaden für Amts- und Mandatsträger",
            ZASTEX,
        }, recommended_titles(page)
        expect(regional(page)).to_contain_text("Polizeidirektion Görlitz")
        assert "kreis=14626" in page.url
        # No axe here: it is a script, and this browser runs none (the result is checked with axe above).
    finally:
        context.close()

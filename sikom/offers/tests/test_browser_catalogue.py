"""The offer catalogue in a real browser: searching and filtering (with and without JavaScript), reading an offer,
and the ASSKomm team editing one with its history."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZASTEX = "ZASTEX – Zentrale Ansprechstelle für Opfer (rechts-)extremistischer Bedrohungen"
ZMI = "ZMI – Zentrale Meldestelle für Hasskriminalität im Internet"
GUIDE = "Sicherheitsleitfaden für Amts- und Mandatsträger"
# The filters are optional; their labels end in »– optional«.
SITUATION = re.compile(r"^Situation\b")
AUDIENCE = re.compile(r"^Zielgruppe\b")
PROVIDER = re.compile(r"^Anbieter\b")


def results_heading(page):
    return page.get_by_role("heading", level=2, name=re.compile(r"^\d+ Angebote?$"))


def result_titles(page) -> list[str]:
    return page.locator("#ergebnisse").get_by_role("heading", level=3).all_inner_texts()


def test_search_and_filters_update_the_results_in_place(page, live_server):
    page.goto(live_server.url + reverse("offers:list"))
    expect(results_heading(page)).to_have_text("19 Angebote")
    check_accessibility(page)
    page.evaluate("window.sikomNoReload = true")

    page.get_by_label("Suchbegriff").fill("Hass")
    expect(results_heading(page)).to_have_text("2 Angebote")
    assert result_titles(page) == [ZASTEX, ZMI]
    expect(page).to_have_url(re.compile(r"[?&]q=Hass"))

    page.get_by_label("Suchbegriff").fill("")
    expect(results_heading(page)).to_have_text("19 Angebote")
    page.get_by_label(SITUATION).select_option(label="Förderung")
    expect(results_heading(page)).to_have_text("2 Angebote")
    assert set(result_titles(page)) == {
        "Landespräventionsrat Sachsen und Allianz Sichere Sächsische Kommunen (ASSKomm)",
        "Projektförderung über die Richtlinie »Kommunale Prävention«",
    }
    page.get_by_label(AUDIENCE).select_option(label="Bürger:in")
    expect(results_heading(page)).to_have_text("0 Angebote")
    expect(page.get_by_text("Kein Angebot passt zu Ihrer Suche.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"situation=funding.*audience=citizen"))

    assert page.evaluate("window.sikomNoReload === true"), "the results were not updated in place (full reload)"
    check_accessibility(page)


def test_provider_filter_shows_only_that_providers_offers(page, live_server):
    page.goto(live_server.url + reverse("offers:list"))
    page.get_by_label(PROVIDER).select_option(label="Landeskriminalamt Sachsen")
    expect(results_heading(page)).not_to_have_text("19 Angebote")
    cards = page.locator("#ergebnisse").get_by_role("article")
    expect(cards.first).to_be_visible()
    assert set(cards.locator(".kern-preline").all_inner_texts()) == {"Landeskriminalamt Sachsen"}
    assert ZASTEX in result_titles(page)


def test_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + reverse("offers:list"))
        page.get_by_label("Suchbegriff").fill("Hass")
        expect(results_heading(page)).to_have_text("19 Angebote")  # nothing happens before »Anzeigen«
        page.get_by_role("button", name="Anzeigen").click()
        expect(results_heading(page)).to_have_text("2 Angebote")
        assert result_titles(page) == [ZASTEX, ZMI]
        assert "q=Hass" in page.url

        page.get_by_label("Suchbegriff").fill("")
        page.get_by_label(SITUATION).select_option(label="Förderung")
        page.get_by_role("button", name="Anzeigen").click()
        expect(results_heading(page)).to_have_text("2 Angebote")
        assert "situation=funding" in page.url
        expect(page.get_by_label(SITUATION)).to_have_value("funding")

        page.get_by_role("link", name="Filter zurücksetzen").click()
        expect(results_heading(page)).to_have_text("19 Angebote")
    finally:
        context.close()


def test_zastex_detail_shows_phone_and_email(page, live_server):
    page.goto(live_server.url + reverse("offers:list"))
    page.get_by_role("link", name=ZASTEX).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ZASTEX)
    contact = page.get_by_role("region", name="Kontakt")
    expect(contact.get_by_role("link", name="+49 351 855-2223")).to_have_attribute("href", "tel:+493518552223")
    expect(contact.get_by_role("link", name="zastex.lka@polizei.sachsen.de")).to_have_attribute(
        "href", "mailto:zastex.lka@polizei.sachsen.de"
    )
    expect(page.get_by_text("Bei akuter Gefahr rufen Sie immer zuerst den Polizei-Notruf 110.")).to_be_visible()
    expect(page.get_by_role("link", name="Bearbeiten")).to_have_count(0)  # the public does not manage offers
    check_accessibility(page)


def open_edit_form(page, live_server, client, user, title):
    login_browser(page, live_server, client, user)
    page.goto(live_server.url + reverse("portal:my_area"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Angebote verwalten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Angebote verwalten")
    check_accessibility(page)
    # The title is visually hidden in its own block, so the accessible name may read »Bearbeiten : Titel«.
    page.get_by_role("link", name=re.compile(rf"^Bearbeiten\s*: {re.escape(title)}$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"»{title}« bearbeiten")


def test_asskomm_edits_an_offer_and_sees_the_history(page, live_server, client, asskomm):
    open_edit_form(page, live_server, client, asskomm, GUIDE)
    check_accessibility(page)
    summary = page.get_by_label("Kurzbeschreibung")
    old_summary = summary.input_value()
    summary.fill("Checkliste für die eigene Sicherheit zu Hause, im Amt und im Netz.")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("status")).to_contain_text("Die Änderungen sind gespeichert.")
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    expect(page.get_by_text("Checkliste für die eigene Sicherheit zu Hause, im Amt und im Netz.")).to_be_visible()

    page.get_by_role("link", name="Änderungsverlauf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Änderungsverlauf: {GUIDE}")
    newest = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile(r"^Version 2 vom")))
    expect(newest).to_contain_text(asskomm.full_name)
    row = newest.get_by_role("row", name=re.compile("Kurzbeschreibung"))
    expect(row.get_by_role("cell")).to_have_text(
        [old_summary, "Checkliste für die eigene Sicherheit zu Hause, im Amt und im Netz."]
    )
    expect(page.get_by_text("Aus den Referenzdaten geladen")).to_be_visible()
    check_accessibility(page)


def test_empty_title_shows_the_german_error_at_the_field(page, live_server, client, asskomm):
    open_edit_form(page, live_server, client, asskomm, ZASTEX)
    title = page.get_by_label("Titel", exact=True)
    title.fill("")
    page.get_by_role("button", name="Speichern").click()

    expect(page.locator("#fehler")).to_contain_text("Bitte prüfen Sie Ihre Angaben.")
    expect(page.locator("#fehler").get_by_role("link", name="Titel: Bitte füllen Sie dieses Feld aus.")).to_be_visible()
    expect(page.locator("#id_title_error")).to_have_text("Bitte füllen Sie dieses Feld aus.")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("Bitte füllen Sie dieses Feld aus.")
    expect(title).to_have_value("")
    expect(page.get_by_label("Kurzbeschreibung")).not_to_have_value("")  # the other answers are kept
    check_accessibility(page)

    page.locator("#fehler").get_by_role("link", name=re.compile("^Titel:")).click()
    expect(title).to_be_focused()
    title.fill(ZASTEX)
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Änderungen sind gespeichert.")

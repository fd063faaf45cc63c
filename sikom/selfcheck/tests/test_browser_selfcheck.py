"""An anonymous office holder completes the self-check on a 390 px phone in a real browser (axe-core on every page),
follows a branching answer, chooses her municipality, downloads the action plan and the letter, and no row is
left in any table."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Answers by the start of the question; every other question gets its first answer.
ANSWERS = {
    "Ist für Ihre Wohnanschrift eine Auskunftssperre": "Nein",
    "Erhalten Sie beleidigende": "Ja",
    "Zeigen Sie solche Beiträge": "Nein",
}


def _rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _answer_page(page) -> None:
    for group in page.locator("form fieldset").all():
        legend = group.locator("legend").inner_text()
        label = next((answer for start, answer in ANSWERS.items() if legend.startswith(start)), None)
        if label is None:
            group.locator("input[type=radio]").first.check()
        else:
            group.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Weiter").click()


def test_anonymous_office_holder_completes_the_check_on_a_phone(phone_page, live_server):
    page = phone_page
    before = _rows()
    page.goto(live_server.url + "/selbstcheck/")
    page.get_by_role("button", name="Selbstcheck beginnen").click()
    expect(page.get_by_role("heading", name="Private Anschrift und Melderegister")).to_be_visible()
    # Submitting without answers: German messages at the questions.
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Bitte wählen Sie eine Antwort.").first).to_be_visible()
    for _ in range(20):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading == "Ihre Gemeinde":
            page.get_by_label(re.compile("^In welcher Gemeinde")).fill("Pirna")
            page.get_by_role("button", name="Aktionsplan anzeigen").click()
            continue
        if heading == "Ihr persönlicher Aktionsplan":
            break
        _answer_page(page)
    expect(page.get_by_role("heading", name="Ihr persönlicher Aktionsplan")).to_be_visible()
    expect(page.get_by_role("heading", name="Sofort")).to_be_visible()
    expect(page.get_by_role("heading", name="Hass im Netz bei der ZMI anzeigen")).to_be_visible()
    expect(page.get_by_text("Meldebehörde der Stadt Pirna")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Aktionsplan als PDF herunterladen").first.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Antrag auf Auskunftssperre als PDF").first.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert _rows() == before
    assert not [c for c in page.context.cookies() if "session" in c["name"]]


def test_logged_in_official_saves_the_check_and_finds_it_again(page, live_server, client, official):
    from sikom.browser_testing import login_browser
    from sikom.selfcheck.models import SavedCheck

    login_browser(page, live_server, client, official)
    page.goto(live_server.url + "/selbstcheck/")
    page.get_by_role("button", name="Selbstcheck beginnen").click()
    for _ in range(20):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading == "Ihre Gemeinde":
            page.get_by_label(re.compile("^In welcher Gemeinde")).fill("Bad")
            page.get_by_role("button", name="Aktionsplan anzeigen").click()
            expect(page.get_by_role("group", name="Welche Gemeinde meinen Sie?")).to_be_visible()
            page.get_by_role("button", name="Diese Gemeinde wählen").click()
            continue
        if heading == "Ihr persönlicher Aktionsplan":
            break
        _answer_page(page)
    assert not SavedCheck.objects.exists()
    page.get_by_role("button", name="Antworten in meinem Konto speichern").click()
    expect(page.get_by_text(re.compile("^Gespeichert am"))).to_be_visible()
    assert SavedCheck.objects.filter(user=official).count() == 1
    page.goto(live_server.url + "/selbstcheck/gespeichert/")
    page.get_by_role("link", name=re.compile("^Selbstcheck vom")).click()
    page.get_by_role("button", name="Gespeicherten Selbstcheck löschen").click()
    expect(page.get_by_text("Sie haben noch keinen Selbstcheck gespeichert.")).to_be_visible()
    assert not SavedCheck.objects.exists()

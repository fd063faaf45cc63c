"""The ASSKomm team records a consultation with a next step in a real browser, sees it on the overview of open steps
(overdue stands out in words, not only in colour) and marks it done; every page is checked with axe."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asskomm_records_a_consultation_and_sees_the_overdue_step(page, live_server, client, asskomm):
    today = timezone.localdate()
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("portal:my_area"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Beratungen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beratungen")
    check_accessibility(page)

    page.get_by_role("link", name="Beratung erfassen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beratung erfassen")
    check_accessibility(page)
    page.get_by_label(re.compile(r"^Gemeinde")).select_option(label="Pirna")
    page.get_by_label("Datum der Beratung").fill((today - timedelta(days=20)).isoformat())
    page.get_by_label("Gründung kommunaler Präventionsgremien").check()
    page.get_by_role("radio", name="vor Ort").check()
    page.get_by_label("Teilnehmende").fill("Oberbürgermeister, Ordnungsamt, ASSKomm-Team")
    page.get_by_label("Ergebnis").fill("Gründung eines kriminalpräventiven Rates vereinbart.")
    step = page.get_by_role("group", name="Schritt 1")
    step.get_by_label("Nächster Schritt").fill("Geschäftsordnung entwerfen")
    step.get_by_label(re.compile(r"^Verantwortlich")).fill("Ordnungsamt")
    # First a due date before the consultation: refused at the field, nothing saved.
    step.get_by_label("Fällig am").fill((today - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("Bitte prüfen Sie die nächsten Schritte.")
    expect(step.get_by_text("Der Schritt kann nicht vor der Beratung fällig sein.")).to_be_visible()
    check_accessibility(page)
    step.get_by_label("Fällig am").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("status")).to_contain_text("Die Beratung ist gespeichert.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beratung am")
    steps = page.get_by_role("table", name="Vereinbarte nächste Schritte")
    expect(steps.get_by_role("row", name=re.compile("Geschäftsordnung entwerfen"))).to_contain_text("überfällig")
    check_accessibility(page)

    page.get_by_role("link", name="Alle Beratungen").click()
    page.get_by_role("link", name="Offene nächste Schritte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offene nächste Schritte")
    expect(page.get_by_role("alert")).to_contain_text("1 Schritt ist überfällig.")
    row = page.get_by_role("row", name=re.compile("Geschäftsordnung entwerfen"))
    expect(row).to_contain_text("überfällig")
    expect(row).to_contain_text("Pirna")
    check_accessibility(page)

    row.get_by_role("button", name=re.compile("^Erledigt")).click()
    expect(page.get_by_role("status")).to_contain_text("Der Schritt ist als erledigt markiert.")
    expect(page.get_by_text("Keine offenen Schritte.")).to_be_visible()


def test_the_list_works_on_a_phone(phone_page, live_server, client, asskomm):
    login_browser(phone_page, live_server, client, asskomm)
    phone_page.goto(live_server.url + reverse("consultations:list") + "?schritte=offen")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Beratungen")
    expect(phone_page.get_by_role("heading", level=2, name="0 Beratungen")).to_be_visible()
    check_accessibility(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

"""The main path of the alliance in a browser, axe on every page: a municipality requests membership, the ASSKomm
team confirms it, the municipality adds a contact person who opted in, and the person appears in the directory."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from sikom.alliance.models import ContactPerson, Membership, MembershipStatus
from sikom.browser_testing import DESKTOP, PHONE, check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_confirm_and_directory(browser, page, live_server, client, municipality_user, asskomm):
    # The municipality asks to join.
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + reverse("portal:home"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Allianz").click()
    expect(page.get_by_role("heading", level=1, name="Mitgliedschaft")).to_be_visible()
    page.get_by_role("button", name="Mitgliedschaft beantragen").click()
    expect(
        page.get_by_text("Bitte bestätigen Sie, dass Ihre Kommune der Allianz beitreten möchte.").first
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Wir möchten der Allianz Sichere Sächsische Kommunen beitreten.").check()
    page.get_by_role("button", name="Mitgliedschaft beantragen").click()
    expect(page.get_by_text("Ihr Antrag ist eingegangen.", exact=False)).to_be_visible()
    check_accessibility(page)

    # The ASSKomm team confirms it, in its own browser.
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    team = context.new_page()
    login_browser(team, live_server, Client(), asskomm)
    team.goto(live_server.url + reverse("alliance:index"))
    expect(team.get_by_role("heading", level=1, name="Mitgliedschaften in der Allianz")).to_be_visible()
    team.get_by_label("Status").select_option(label="beantragt")
    team.get_by_role("button", name="Anzeigen").click()
    team.get_by_role("link", name="Pirna").click()
    expect(team.get_by_role("heading", level=1, name="Pirna")).to_be_visible()
    team.get_by_label(re.compile(r"^Beigetreten am")).fill("2030-01-01")
    team.get_by_role("button", name="Mitgliedschaft bestätigen").click()
    expect(team.get_by_text("Das Datum darf nicht in der Zukunft liegen.").first).to_be_visible()
    check_accessibility(team)
    team.get_by_label(re.compile(r"^Beigetreten am")).fill("2024-01-15")
    team.get_by_role("button", name="Mitgliedschaft bestätigen").click()
    expect(team.get_by_text("Pirna ist jetzt Mitglied der Allianz.")).to_be_visible()
    expect(team.get_by_role("heading", name="Austritt eintragen")).to_be_visible()
    check_accessibility(team)
    context.close()
    membership = Membership.objects.get()
    assert membership.status == MembershipStatus.ACTIVE and membership.joined_on == date(2024, 1, 15)

    # The municipality names a contact person who agreed to be in the directory.
    page.reload()
    page.get_by_role("link", name="Ansprechperson hinzufügen").click()
    page.get_by_label("Name", exact=True).fill("Erika Beispiel")
    page.get_by_label(re.compile(r"^Funktion")).fill("Präventionsbeauftragte")
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte geben Sie eine gültige E-Mail-Adresse ein.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("E-Mail-Adresse").fill("erika.beispiel@example.invalid")
    page.get_by_label(re.compile(r"^Die Person ist damit einverstanden")).check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Ansprechperson ist gespeichert.")).to_be_visible()
    check_accessibility(page)
    assert ContactPerson.objects.get().opted_in_directory

    page.get_by_role("link", name="Netzwerkverzeichnis").click()
    expect(page.get_by_role("heading", level=1, name="Netzwerkverzeichnis")).to_be_visible()
    expect(page.get_by_role("region", name="Pirna").get_by_text("Erika Beispiel")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Pirna"))).to_be_visible()
    check_accessibility(page)

    # The directory works on a phone too.
    phone = browser.new_context(viewport=PHONE, locale="de-DE")
    small = phone.new_page()
    login_browser(small, live_server, Client(), municipality_user)
    small.goto(live_server.url + reverse("alliance:directory"))
    expect(small.get_by_text("Erika Beispiel")).to_be_visible()
    check_accessibility(small)
    phone.close()

"""Logging in through the forms in a real browser: password, enrolling the authenticator, entering codes, errors,
the password-reset request and the German 403 page."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "Sechsstelliger Code aus Ihrer Authenticator-App"


def code_for(key: str, *, drift: int = 0) -> str:
    """What an authenticator app shows for the manual key (base32, spaces and padding left out)."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(secret, drift=drift):06d}"


def submit_login(page, live_server, email, password):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Anmelden").click()


def test_staff_enrols_the_authenticator_then_logs_in_with_a_code(page, live_server):
    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.ZASTEX), enrolled=False)

    submit_login(page, live_server, user.email, testing.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwei-Faktor-Anmeldung einrichten")
    expect(page.get_by_role("img", name="QR-Code für die Authenticator-App")).to_be_visible()
    check_accessibility(page)
    key = page.locator(".sikom-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}", key), key
    page.get_by_label(CODE).fill(code_for(key))
    page.get_by_role("button", name="Einrichtung abschließen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    expect(page.get_by_role("status")).to_contain_text("Die Zwei-Faktor-Anmeldung ist eingerichtet.")
    expect(page.get_by_text("eingerichtet und in dieser Sitzung bestätigt")).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Sie sind abgemeldet.")

    submit_login(page, live_server, user.email, testing.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code eingeben")
    check_accessibility(page)
    # The enrolment used this time step's code and a code is accepted only once; the app's next code is within
    # the device's tolerance, so the test need not wait for the clock.
    page.get_by_label(CODE).fill(code_for(key, drift=1))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    expect(page.get_by_text(user.email)).to_be_visible()


def test_wrong_code_on_the_verify_page_shows_the_german_error(page, live_server):
    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.ZMI))
    submit_login(page, live_server, user.email, testing.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code eingeben")
    page.get_by_label(CODE).fill("12345")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("#fehler")).to_contain_text("Der Code besteht aus sechs Ziffern, zum Beispiel 123456.")
    expect(page.get_by_label(CODE)).to_have_accessible_description(
        "Der Code besteht aus sechs Ziffern, zum Beispiel 123456."
    )
    check_accessibility(page)


def test_wrong_password_shows_the_german_error(page, live_server):
    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.ASSKOMM))
    submit_login(page, live_server, user.email, "not the password")

    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    summary = page.locator("#fehler")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("E-Mail-Adresse oder Passwort ist nicht richtig.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(user.email)
    expect(page.get_by_label("Passwort", exact=True)).to_have_value("")  # a password is never sent back
    check_accessibility(page)


def test_login_without_answers_names_the_missing_fields(page, live_server):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("main").get_by_role("button", name="Anmelden").click()
    summary = page.locator("#fehler")
    expect(summary.get_by_role("link", name="E-Mail-Adresse: Bitte geben Sie Ihre E-Mail-Adresse ein.")).to_be_visible()
    expect(summary.get_by_role("link", name="Passwort: Bitte geben Sie Ihr Passwort ein.")).to_be_visible()


def test_password_reset_request(page, live_server, mailoutbox):
    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.ZASTEX))
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="Passwort vergessen?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort vergessen")
    check_accessibility(page)
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_role("button", name="Link anfordern").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:password_reset_done")) + "$"))
    check_accessibility(page)
    assert [message.to for message in mailoutbox] == [[user.email]]


def test_outsider_gets_the_german_403_page(page, live_server, client, outsider):
    login_browser(page, live_server, client, outsider)
    response = page.goto(live_server.url + reverse("offers:manage"))

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Kein Zugriff")
    expect(page.get_by_text("Für diese Seite fehlt Ihnen die Berechtigung.")).to_be_visible()
    expect(page.get_by_role("link", name="Zur Startseite")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Angebote verwalten")
    ).to_have_count(0)
    check_accessibility(page)

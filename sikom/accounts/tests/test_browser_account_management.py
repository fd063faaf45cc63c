"""An operator manages accounts on a phone: finds a person, marks them as Leitung, resets their second factor;
and the same page works without JavaScript."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sikom.accounts.models import User
from sikom.browser_testing import DESKTOP, check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a {page.viewport_size} screen"


def test_operator_marks_a_supervisor_on_a_phone(phone_page, live_server, client, operator, pd_dresden):
    page = phone_page
    login_browser(page, live_server, client, operator)
    page.goto(live_server.url + reverse("portal:my_area"))
    page.get_by_role("link", name="Benutzerkonten").click()
    expect(page.get_by_role("heading", name="Benutzerkonten", exact=True)).to_be_visible()
    check_accessibility(page)
    _fits_the_screen(page)
    page.get_by_label("Name oder E-Mail-Adresse").fill(pd_dresden.email)
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("link", name=pd_dresden.full_name).click()
    check_accessibility(page)
    _fits_the_screen(page)
    page.get_by_label("Leitung").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Änderungen sind gespeichert.")).to_be_visible()
    assert User.objects.get(pk=pd_dresden.pk).is_supervisor
    page.get_by_role("button", name="Zweiten Faktor zurücksetzen").click()
    expect(page.get_by_text("Der zweite Faktor ist zurückgesetzt.")).to_be_visible()
    assert not TOTPDevice.objects.filter(user=pd_dresden).exists()
    check_accessibility(page)


def test_operator_creates_an_account_without_javascript(browser, live_server, client, operator):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="de-DE")
    page = context.new_page()
    try:
        login_browser(page, live_server, client, operator)
        page.goto(live_server.url + reverse("accounts:account_create"))
        page.get_by_label("E-Mail-Adresse").fill("kaputt")
        page.get_by_role("button", name="Konto anlegen").click()
        expect(page.get_by_role("alert").first).to_contain_text("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
        page.get_by_label("E-Mail-Adresse").fill("neue.leitung@example.org")
        page.get_by_label("Name", exact=True).fill("Neue Leitung")
        page.get_by_label("Organisation").select_option(label="Polizeidirektion Dresden")
        page.get_by_label("Leitung").check()
        page.get_by_role("button", name="Konto anlegen").click()
        expect(page.get_by_text("Das Konto ist angelegt.")).to_be_visible()
        created = User.objects.get(email="neue.leitung@example.org")
        assert created.is_supervisor and created.organisation.name == "Polizeidirektion Dresden"
    finally:
        context.close()

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_creates_an_account_and_sees_her_reports(page, live_server):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="Konto für Amts- und Mandatsträger:innen anlegen").click()
    check_accessibility(page)
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_text("Bitte geben Sie Ihren Namen ein.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Name").fill("Ortschaftsrätin Test")
    page.get_by_label("E-Mail-Adresse").fill("rat@example.org")
    page.get_by_label("Passwort", exact=True).fill("ein-langes-sicheres-Passwort-2026")
    page.get_by_label("Passwort wiederholen").fill("ein-langes-sicheres-Passwort-2026")
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen", exact=False).check()
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()
    check_accessibility(page)
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Meine Meldungen")).to_be_visible()
    check_accessibility(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Link ungültig")).to_be_visible()
    check_accessibility(page)


def test_rate_limit_page_is_accessible(page, live_server, settings):
    settings.RATE_LIMITS_PER_HOUR = settings.RATE_LIMITS_PER_HOUR | {"report_draft": 1}
    page.goto(live_server.url + reverse("intake:start"))
    page.get_by_role("button", name="Meldung beginnen").click()
    page.goto(live_server.url + reverse("intake:start"))
    page.get_by_role("button", name="Neue Meldung beginnen").click()
    expect(page.get_by_role("heading", name="Zu viele Anfragen")).to_be_visible()
    check_accessibility(page)

"""In a real browser: a municipality documents a council meeting with a decision; the public reads an announced
participation format."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.councils.models import CouncilDecision, FormatStatus
from sikom.councils.tests.conftest import PIRNA, make_council, make_format

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_municipality_documents_a_council_meeting_with_a_decision(page, live_server, client, municipality_user):
    make_council(PIRNA, chair="Oberbürgermeister")
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Präventionsräte").first.click()
    expect(page.get_by_role("heading", name="Kriminalpräventive Räte", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Pirna").click()
    check_accessibility(page)
    page.get_by_role("link", name="Sitzung eintragen").click()
    page.get_by_label(re.compile(r"^Datum")).fill("2024-05-06")
    page.get_by_label(re.compile(r"^Tagesordnung")).fill("1. Lagebild\n2. Stadtpark")
    page.get_by_label(re.compile(r"^Protokoll")).fill("Die Polizei stellt das Lagebild vor.")
    page.get_by_label(re.compile(r"^Beschluss")).fill("Beleuchtung im Stadtpark prüfen")
    page.get_by_label(re.compile(r"^Zu erledigen bis")).fill("2024-05-01")
    page.get_by_role("button", name="Sitzung speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("verantwortlich")
    check_accessibility(page)
    page.get_by_label(re.compile(r"^Verantwortlich")).fill("Bauamt")
    page.get_by_role("button", name="Sitzung speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("nicht vor der Sitzung")
    page.get_by_label(re.compile(r"^Zu erledigen bis")).fill("2024-06-30")
    page.get_by_role("button", name="Sitzung speichern").click()
    expect(page.get_by_role("heading", name="Sitzung am 06.05.2024", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Beleuchtung im Stadtpark prüfen")).to_be_visible()
    check_accessibility(page)
    assert CouncilDecision.objects.get().owner == "Bauamt"


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a {page.viewport_size} screen"


def test_the_public_reads_an_announced_format_on_a_phone(phone_page, live_server):
    page = phone_page
    fmt = make_format(PIRNA, status=FormatStatus.ANNOUNCED, date=timezone.localdate() + timedelta(days=9))
    page.goto(live_server.url + "/")
    page.goto(live_server.url + reverse("councils:public_list"))
    expect(page.get_by_role("heading", name="Bürgerbeteiligung: Termine")).to_be_visible()
    check_accessibility(page)
    _fits_the_screen(page)
    page.get_by_role("link", name=fmt.title).click()
    expect(page.get_by_text("keine Online-Anmeldung eingerichtet", exact=False)).to_be_visible()
    expect(page.get_by_text("Die Stadt lädt ein.")).to_be_visible()
    check_accessibility(page)
    _fits_the_screen(page)
    assert reverse("councils:public_detail", args=[fmt.pk]) in page.url


def test_meeting_and_format_pages_fit_a_phone(phone_page, live_server, client, municipality_user):
    page = phone_page
    council = make_council(PIRNA)
    fmt = make_format(PIRNA)
    login_browser(page, live_server, client, municipality_user)
    for url in [
        reverse("councils:list"),
        reverse("councils:meeting_create", args=[council.pk]),
        reverse("councils:format_detail", args=[fmt.pk]),
        reverse("councils:format_list"),
    ]:
        page.goto(live_server.url + url)
        check_accessibility(page)
        _fits_the_screen(page)

"""The programme pages in a real browser (desktop and a 390 px phone), checked with axe: choosing a day and a
figure by the form, reading the chart's numbers in the table, the public page without login."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.programme.tests.conftest import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records():
    record(date(2019, 3, 1), district="14612")
    record(date(2020, 5, 1), date(2021, 1, 1), district="14628")
    record(date(2022, 5, 1), district="")


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_team_chooses_day_and_figure(request, viewport, live_server, client, asskomm, records):
    page = request.getfixturevalue(viewport)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("programme:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmkennzahlen")
    check_accessibility(page)
    page.get_by_label("Stichtag", exact=True).fill("2020-12-31")
    page.get_by_label("Kennzahl für Verlauf und Karte").select_option(label="Laufende Prozesse (Test)")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("heading", name="Stand am 31.12.2020")).to_be_visible()
    expect(page.get_by_role("img", name="Laufende Prozesse (Test) im Verlauf")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"nach Landkreisen am 31\.12\.2020"))).to_be_visible()
    page.get_by_text("Die Zahlen je Quartal als Tabelle").click()
    table = page.get_by_role("table", name=re.compile("am Ende jedes Quartals"))
    expect(table.get_by_role("row", name="2. Quartal 2020 2")).to_be_visible()
    check_accessibility(page)
    districts = page.get_by_role("table", name=re.compile("nach Landkreis oder Kreisfreier Stadt"))
    expect(districts.get_by_role("row", name="Landkreis Sächsische Schweiz-Osterzgebirge 1")).to_be_visible()
    # The phone shows the chart and map within its width (the SVG scales down).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_public_page_without_login(request, viewport, live_server, records):
    page = request.getfixturevalue(viewport)
    page.goto(live_server.url + reverse("programme:public"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Das Programm in Zahlen")
    expect(page.get_by_text("Interne Zahl (Test)")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("nach Landkreisen"))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def test_bad_day_is_named_at_the_field(page, live_server):
    page.goto(live_server.url + reverse("programme:public") + "?stichtag=2018-01-01")
    expect(page.get_by_text("Die Allianz besteht seit dem 01.02.2019")).to_be_visible()
    check_accessibility(page)

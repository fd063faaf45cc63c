"""In a real browser with axe on every page: an ASSKomm member reads the Lagebild on a 390 px phone, finds a
suppressed cell shown as ».« in the cross table, downloads that table and finds it suppressed there too; the
public page with the KoMo comparison."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.situation import cube
from sikom.situation.tests.factories import statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suppressed_cell_is_suppressed_on_the_page_and_in_the_export(phone_page, live_server, client, asskomm):
    page = phone_page
    statistics(40, month=date(2024, 3, 1), district_key="14628", categories=["threat"])
    statistics(3, month=date(2024, 4, 1), district_key="14612", categories=["threat"])
    statistics(30, month=date(2024, 5, 1), district_key="14612", categories=["insult"])
    statistics(25, month=date(2024, 5, 1), district_key="14713", categories=["insult"])
    cube.refresh(full=True)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + "/lagebild/")
    expect(page.get_by_role("heading", name=re.compile("^Lagebild"))).to_be_visible()
    page.get_by_label("Von Jahr").fill("2024")
    page.get_by_label("Bis Jahr").fill("2024")
    page.get_by_label("Kreuztabelle: Zeilen").select_option(label="Landkreis / Kreisfreie Stadt")
    page.get_by_label("Kreuztabelle: Spalten").select_option(label="Vorfallart")
    page.get_by_role("button", name="Anzeigen").click()
    table = page.locator("#tabelle-kreuz")
    dresden = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("Dresden")))
    expect(dresden.locator("abbr[title='gesperrt']").first).to_have_text(".")
    cells = [text.strip() for text in dresden.get_by_role("cell").all_inner_texts()]
    assert "." in cells and "3" not in cells
    expect(page.get_by_role("img", name=re.compile("nach Landkreis"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page)

    section = page.locator("section", has=page.locator("#tabelle-kreuz"))
    with page.expect_download() as download:
        section.get_by_role("link", name=re.compile("CSV")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    exported = next(row for row in rows if "Dresden" in row[0])
    header = rows[0]
    assert exported[header.index("Bedrohung")] == "." and "3" not in exported

    page.goto(live_server.url + "/lagebild/zahlen/")
    expect(page.get_by_role("heading", name="Lagebild in Zahlen")).to_be_visible()
    expect(page.get_by_text("Unterschiedliche Methoden")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page)

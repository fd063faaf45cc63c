"""In a real browser with axe on every page: the ASSKomm team uploads a file with unusual headers, maps the columns,
sees the validation report for a wrong mapping, confirms the preview, and reads the municipality profile with its
chart and tables on a 390 px phone."""

import re

import pytest
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.indicators.models import IndicatorValue
from sikom.indicators.tests.factories import FREITAL, PIRNA, import_rows, make_indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_with_mapping_and_profile(phone_page, live_server, client, asskomm, tmp_path):
    page = phone_page
    indicator = make_indicator(name="Straftaten (Test)")
    import_rows(indicator, [(PIRNA, 2022, "", 100), (FREITAL, 2023, "", 50)], by=asskomm)
    file = tmp_path / "pks.csv"
    file.write_text(f"Schlüssel;Zeitraum;Anzahl Fälle\n{PIRNA};2023;120\n{FREITAL};2022;40\n", encoding="cp1252")
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + "/kennzahlen/")
    page.get_by_role("link", name="Daten einlesen").click()
    page.get_by_label(re.compile("^Kennzahl")).select_option(label="Straftaten (Test)")
    page.get_by_label(re.compile("^Datei")).set_input_files(str(file))
    page.get_by_role("button", name="Hochladen und prüfen").click()

    expect(page.get_by_role("heading", name="Spalten zuordnen")).to_be_visible()
    page.get_by_label(re.compile("^Spalte mit dem Gemeindeschlüssel")).select_option(label="A »Schlüssel«")
    page.get_by_label(re.compile("^Spalte mit dem Jahr")).select_option(label="C »Anzahl Fälle«")
    page.get_by_label(re.compile("^Spalte mit den Fällen")).select_option(label="B »Zeitraum«")
    page.get_by_role("button", name="Zuordnung prüfen").click()
    expect(page.get_by_text(re.compile("Prüfbericht: 2 Fehler"))).to_be_visible()
    expect(page.get_by_role("cell", name="»120« ist keine Jahreszahl.")).to_be_visible()
    assert not IndicatorValue.objects.filter(value=120).exists()

    page.get_by_label(re.compile("^Spalte mit dem Jahr")).select_option(label="B »Zeitraum«")
    page.get_by_label(re.compile("^Spalte mit den Fällen")).select_option(label="C »Anzahl Fälle«")
    page.get_by_role("button", name="Zuordnung prüfen").click()
    expect(page.get_by_role("heading", name="Vorschau: die Datei ist fehlerfrei")).to_be_visible()
    expect(page.get_by_text("Es werden keine vorhandenen Werte ersetzt.")).to_be_visible()
    page.get_by_role("button", name="Jetzt einlesen").click()
    expect(page.get_by_text("2 Werte sind eingelesen (0 ersetzt).")).to_be_visible()
    expect(page.get_by_role("cell", name="pks.csv")).to_be_visible()

    page.goto(live_server.url + "/kennzahlen/")
    page.get_by_label("Gemeinde", exact=True).select_option(value=PIRNA)
    page.get_by_role("button", name="Gemeindeprofil anzeigen").click()
    expect(page.get_by_role("heading", name="Kennzahlen Pirna")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Straftaten \\(Test\\) – Insgesamt"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="2023")).to_be_visible()
    expect(page.get_by_text(re.compile("Für 2022 liegen keine Einwohnerzahlen vor"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page)
    assert IndicatorValue.objects.count() == 4

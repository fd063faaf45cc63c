"""Paper returns in a real browser, keyboard only: a staff member types a questionnaire (a wrong value is shown at
its field), saves it and lands on an empty sheet with the focus in the first field; then imports a table, sees the
validation report, corrects the file and confirms. axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from sikom.browser_testing import login_browser
from sikom.surveys.models import Response, ResponseChannel
from sikom.surveys.tests.factories import running_analysis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_entry_of_a_paper_questionnaire_and_an_import_with_its_report(
    page, live_server, client, municipality_user
):
    analysis = running_analysis(by=municipality_user)
    login_browser(page, live_server, client, municipality_user)
    page.goto(f"{live_server.url}/sicherheitsanalysen/{analysis.pk}/papier/")
    expect(page.get_by_role("heading", name="Papierfragebögen erfassen")).to_be_visible()
    first = page.locator("#f-q-sicher_dunkel")
    expect(first).to_be_focused()

    # Keyboard only: a value, Tab to the matrix's first row, a value out of the scale, Enter.
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    expect(page.locator("#f-q-sicher_orte-tag_wohngegend")).to_be_focused()
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben. Der Bogen ist noch nicht gespeichert.")).to_be_visible()
    field = page.locator("#f-q-sicher_orte-tag_wohngegend")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-q-sicher_orte-tag_wohngegend-error")).to_contain_text("»7« ist hier kein gültiger Wert")
    assert not Response.objects.exists()

    page.get_by_role("link", name=re.compile("»7« ist hier kein gültiger Wert")).press("Enter")
    expect(field).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Der Bogen ist gespeichert (bisher 1 Papierbögen).")).to_be_visible()
    expect(page.locator("#f-q-sicher_dunkel")).to_be_focused()
    expect(page.locator("#f-q-sicher_dunkel")).to_have_value("")
    response = Response.objects.get()
    assert response.channel == ResponseChannel.PAPER
    assert response.answers == {"sicher_dunkel": "3", "sicher_orte": {"tag_wohngegend": "2"}}

    # A table with a wrong value: the report names row and column, nothing is imported.
    page.get_by_role("link", name="Viele Bögen auf einmal: als Tabelle importieren").click()
    page.get_by_label("Datei", exact=True).set_input_files(
        files=[{"name": "boegen.csv", "mimeType": "text/csv", "buffer": b"sicher_dunkel;haushalt\n1;2\n6;3\n"}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.get_by_text("Die Datei hat 1 Fehler. Es wurde nichts importiert.")).to_be_visible()
    report = page.get_by_role("table", name="Prüfbericht")
    expect(report.get_by_role("row", name=re.compile(r"3 sicher_dunkel \(A\)"))).to_be_visible()
    assert Response.objects.count() == 1

    page.get_by_label("Datei", exact=True).set_input_files(
        files=[{"name": "boegen.csv", "mimeType": "text/csv", "buffer": b"sicher_dunkel;haushalt\n1;2\n4;3\n"}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.get_by_role("heading", name="Import bestätigen")).to_be_visible()
    page.get_by_role("button", name="2 Antwortbögen importieren").click()
    expect(page.get_by_text("2 Antwortbögen sind importiert, in zufälliger Reihenfolge.")).to_be_visible()
    assert Response.objects.filter(channel=ResponseChannel.PAPER).count() == 3


def test_a_limesurvey_structure_is_checked_and_taken_over(page, live_server, client, asskomm):
    from pathlib import Path

    from sikom.surveys.tests.factories import make_analysis

    analysis = make_analysis(by=asskomm)
    login_browser(page, live_server, client, asskomm)
    page.goto(f"{live_server.url}/sicherheitsanalysen/{analysis.pk}/limesurvey/")
    lss = (Path(__file__).parent / "fixtures" / "limesurvey_survey_742315.lss").read_bytes()
    page.get_by_label("LimeSurvey-Umfragestruktur (.lss)").set_input_files(
        files=[{"name": "survey.lss", "mimeType": "application/xml", "buffer": lss}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.get_by_role("heading", name="Übernahme aus LimeSurvey bestätigen")).to_be_visible()
    expect(page.get_by_text("Typ R: Rangfolge")).to_be_visible()
    expect(page.get_by_text("2 Bedingungen (Filterführung) werden übernommen.")).to_be_visible()
    page.get_by_role("button", name="Fragebogen ersetzen").click()
    expect(page.get_by_text("Der Fragebogen ist aus LimeSurvey übernommen: 7 Fragen.")).to_be_visible()
    assert analysis.questionnaire.questions.count() == 7

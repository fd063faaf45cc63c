"""Municipal staff in a real browser: upload a register extract whose headers need a mapping, draw a stratified
sample, make the letters (background job, progress to 100 %) and open the field monitoring; axe-core checks every
page."""

import re

import pytest
from playwright.sync_api import expect

from sikom.browser_testing import login_browser
from sikom.surveys.models import RegisterPerson
from sikom.surveys.tests.factories import running_analysis
from sikom.surveys.tests.test_fieldwork_services import register_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_municipality_runs_the_fieldwork(page, live_server, client, municipality_user, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    analysis = running_analysis()
    csv_file = tmp_path / "melderegister.csv"
    csv_file.write_bytes(register_csv(24, header="Kennung;Name;Adresszeile 1;PLZ;Ort;Geburtsjahr;Geschlecht;Ortsteil"))
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/feldarbeit/")
    page.get_by_role("link", name="Registerauszug hochladen").click()

    page.get_by_label(re.compile("^Registerauszug")).set_input_files(str(csv_file))
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_role("heading", name=re.compile("Prüfbericht"))).to_be_visible()
    expect(page.get_by_role("cell", name="Die Spalte »Registernummer« fehlt.")).to_be_visible()
    page.get_by_label(re.compile("^Registerauszug")).set_input_files(str(csv_file))
    page.get_by_label("Spalte für »Registernummer«").fill("Kennung")
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_text("Der Registerauszug ist übernommen.")).to_be_visible()
    assert RegisterPerson.objects.count() == 24

    page.get_by_role("link", name="Stichprobe ziehen").click()
    page.get_by_label("Geschlecht", exact=True).check()
    page.get_by_label(re.compile("^Stichprobenumfang insgesamt")).fill("6")
    page.get_by_label(re.compile("^Startwert")).fill("12345")
    page.get_by_role("button", name="Schichten zeigen und aufteilen").click()
    expect(page.get_by_label(re.compile(r"^w \(12 Personen\)"))).to_have_value("3")
    page.get_by_role("button", name="Stichprobe ziehen").click()
    expect(page.get_by_text("Die Stichprobe ist gezogen")).to_be_visible()
    expect(page.get_by_role("rowheader", name="w")).to_be_visible()

    page.get_by_role("link", name="Briefe", exact=True).click()
    page.get_by_role("button", name="Anschreiben erstellen (PDF)").click()
    expect(page.get_by_text("Die Briefe werden erstellt.")).to_be_visible()
    expect(page.get_by_text("Fortschritt: 6 von 6 (100 %)")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Anschreiben-14628270-\d{4}\.pdf herunterladen"))).to_be_visible()

    page.get_by_role("link", name="Feldbeobachtung").click()
    expect(page.get_by_text("0 von 6 eingeladenen Personen")).to_be_visible()
    expect(page.get_by_role("heading", name="Rücklauf je Schicht")).to_be_visible()

"""The whole security analysis in one browser run, as issue 12's »Done when« asks (axe-core checks every page on
load, see `sikom.browser_testing`): a municipality's staff member creates the analysis, imports objective data (an
indicator CSV) and a register extract, draws the sample, makes and downloads the letters; a respondent answers with
the code printed in those letters on a 390 px phone (the rating matrix one row at a time); a paper batch is imported;
the report's PDF is made with its progress bar and downloaded.

Each step has a thorough test of its own (test_browser.py of the indicators, test_browser_fieldwork.py,
test_browser_survey.py, test_browser_paper.py, test_browser_report.py); this one takes the short way through each,
but through the pages, and checks that every step sees what the earlier ones left (the code comes out of the
letters' PDF, the report counts the online and the paper answers and shows the imported indicator)."""

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from sikom.browser_testing import PHONE, login_browser
from sikom.indicators.tests.factories import PIRNA, make_indicator, standard_csv
from sikom.surveys.models import Response, ResponseChannel, SafetyAnalysis
from sikom.surveys.tests.test_fieldwork_services import register_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
PAPER_BATCH = "sicher_dunkel;alter;geschlecht\n" + "".join(
    f"{1 + i % 4};{['16-29', '30-44', '45-64', '65-74'][i % 4]};{'w' if i % 2 else 'm'}\n" for i in range(12)
)


def _pdf_text(download) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(download.path().read_bytes()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_whole_chain_from_the_analysis_to_the_report(
    page, browser, live_server, client, municipality_user, settings, tmp_path
):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    today = timezone.localdate()
    make_indicator(name="Straftaten insgesamt (Kette)")  # defined by the ASSKomm team; the municipality imports
    login_browser(page, live_server, client, municipality_user)

    # 1. The municipality creates the analysis with the standard questionnaire.
    page.goto(live_server.url + "/sicherheitsanalysen/")
    page.get_by_role("link", name="Neue Sicherheitsanalyse").click()
    page.get_by_label("Titel").fill("Sicherheitsanalyse Pirna (Kette)")
    page.get_by_label("Feldphase von").fill(today.isoformat())
    page.get_by_label("Feldphase bis").fill((today + timezone.timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Die Sicherheitsanalyse ist angelegt.")).to_be_visible()
    analysis = SafetyAnalysis.objects.get(title="Sicherheitsanalyse Pirna (Kette)")
    assert analysis.municipality.ags == PIRNA and analysis.questionnaire.questions.exists()
    detail = page.url

    # 2. Objective data: police statistics for two years through the indicator import (standard columns).
    page.goto(live_server.url + "/kennzahlen/import/")
    page.get_by_label(re.compile("^Kennzahl")).select_option(label="Straftaten insgesamt (Kette)")
    page.get_by_label(re.compile("^Datei")).set_input_files(
        files=[
            {
                "name": "pks.csv",
                "mimeType": "text/csv",
                "buffer": standard_csv((PIRNA, today.year - 2, "", 1800), (PIRNA, today.year - 1, "", 1650)).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()
    expect(page.get_by_role("heading", name="Vorschau: die Datei ist fehlerfrei")).to_be_visible()
    page.get_by_role("button", name="Jetzt einlesen").click()
    expect(page.get_by_text("2 Werte sind eingelesen (0 ersetzt).")).to_be_visible()

    # 3. The register extract and a sample stratified by sex.
    page.goto(detail)
    page.get_by_role("link", name=re.compile("^Feldarbeit")).click()
    page.get_by_role("link", name="Registerauszug hochladen").click()
    page.get_by_label(re.compile("^Registerauszug")).set_input_files(
        files=[{"name": "melderegister.csv", "mimeType": "text/csv", "buffer": register_csv(24)}]
    )
    page.get_by_role("button", name="Prüfen und übernehmen").click()
    expect(page.get_by_text("Der Registerauszug ist übernommen.")).to_be_visible()
    page.get_by_role("link", name="Stichprobe ziehen").click()
    page.get_by_label("Geschlecht", exact=True).check()
    page.get_by_label(re.compile("^Stichprobenumfang insgesamt")).fill("6")
    page.get_by_label(re.compile("^Startwert")).fill("2026")
    page.get_by_role("button", name="Schichten zeigen und aufteilen").click()
    page.get_by_role("button", name="Stichprobe ziehen").click()
    expect(page.get_by_text("Die Stichprobe ist gezogen")).to_be_visible()

    # 4. The field period starts (the questionnaire is fixed), the letters are made as one PDF and downloaded.
    page.goto(detail)
    page.get_by_label("läuft").check()
    page.get_by_role("button", name="Stand ändern").click()
    expect(page.get_by_text("Der Stand ist geändert.")).to_be_visible()
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/feldarbeit/briefe/")
    page.get_by_role("button", name="Anschreiben erstellen (PDF)").click()
    expect(page.get_by_text("Die Briefe werden erstellt.")).to_be_visible()
    expect(page.get_by_text("Fortschritt: 6 von 6 (100 %)")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    with page.expect_download() as letters:
        page.get_by_role("link", name=re.compile(r"Anschreiben-14628270-\d{4}\.pdf herunterladen")).click()
    pages, text = _pdf_text(letters.value)
    codes = CODE.findall(text)
    assert pages == 6 and len(set(codes)) == 6, text[:500]
    assert "Demo Person" in text

    # 5. A respondent answers on a phone with the first letter's code; the matrix comes one row at a time.
    phone = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    phone.set_default_timeout(10_000)
    phone_errors: list[str] = []
    phone.on("console", lambda message: phone_errors.append(message.text) if message.type == "error" else None)
    phone.goto(live_server.url + "/umfrage/")
    phone.get_by_label("Ihr Zugangscode").fill(codes[0])
    phone.get_by_role("button", name="Zum Fragebogen").click()
    expect(phone.get_by_role("heading", name="Ihr Sicherheitsgefühl")).to_be_visible()
    phone.get_by_role("group", name=re.compile("nach Einbruch der Dunkelheit")).get_by_label("eher unsicher").check()
    phone.get_by_role("group", name="tagsüber allein in Ihrer Wohngegend?").get_by_label("sehr sicher").check()
    phone.get_by_role("group", name="nachts in Bussen und Bahnen?").get_by_label("sehr unsicher").check()
    rows = phone.locator("fieldset:has(legend:text('nachts in Bussen und Bahnen?'))")
    box, other = rows.bounding_box(), phone.get_by_role("group", name="tagsüber allein in Ihrer Wohngegend?")
    assert box["width"] <= 390 and other.bounding_box()["y"] + other.bounding_box()["height"] <= box["y"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    while not phone.get_by_role("heading", name="Angaben zu Ihrer Person").is_visible():
        phone.get_by_role("button", name="Weiter").click()
    phone.get_by_label("30 bis 44 Jahre").check()
    phone.get_by_role("group", name=re.compile("Geschlecht")).get_by_label("weiblich").check()
    phone.get_by_role("button", name=re.compile("abschicken", re.I)).click()
    expect(phone.get_by_role("heading", name=re.compile("Vielen Dank"))).to_be_visible()
    phone.context.close()
    assert not [e for e in phone_errors if "Content Security Policy" in e], phone_errors
    assert Response.objects.get(channel=ResponseChannel.ONLINE).answers["sicher_orte"] == {
        "tag_wohngegend": "1",
        "oepnv_nacht": "4",
    }

    # 6. A batch of paper questionnaires is imported as a table.
    page.goto(detail)
    expect(page.get_by_text("6 Zugangscodes, davon 1 abgeschickt.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Antwortbögen importieren")).click()
    page.get_by_label("Datei", exact=True).set_input_files(
        files=[{"name": "papier.csv", "mimeType": "text/csv", "buffer": PAPER_BATCH.encode()}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    page.get_by_role("button", name="12 Antwortbögen importieren").click()
    expect(page.get_by_text("12 Antwortbögen sind importiert, in zufälliger Reihenfolge.")).to_be_visible()

    # 7. The report: 13 answers, the imported indicator beside them; the PDF with its progress bar, downloaded.
    page.goto(detail)
    page.get_by_role("link", name="Bericht", exact=True).click()
    expect(page.get_by_text(re.compile("Ausgewertet wurden 13 Fragebögen"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("^Straftaten insgesamt \\(Kette\\)"))).to_be_visible()
    page.get_by_role("button", name="PDF erstellen").click(timeout=90_000)
    expect(page.get_by_text("Der Bericht wird erstellt.")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Fortschritt: 5 von 5 (100 %)")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    with page.expect_download(timeout=60_000) as report:
        page.get_by_role("link", name=re.compile(r"Bericht-14628270-\d{4}\.pdf herunterladen")).click()
    _, text = _pdf_text(report.value)
    flat = " ".join(text.split())
    assert "Ausgewertet wurden 13 Fragebögen" in flat
    assert "Straftaten insgesamt (Kette)" in flat and "Präventionspotenziale" in flat

"""The report in a real browser: municipal staff open the report (charts, tables, prevention potentials, the
comparison with the municipality's earlier wave), set up the weighting with a bad and then a good margin, start the
PDF, see the progress bar reach 100 % and download it; axe-core checks every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import login_browser
from sikom.surveys import services
from sikom.surveys.models import AnalysisState
from sikom.surveys.tests.factories import make_analysis, running_analysis
from sikom.surveys.tests.test_report_numbers import respondents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_open_the_report_and_download_the_pdf(page, live_server, client, municipality_user, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    earlier = make_analysis(year=timezone.localdate().year - 3, running=True, title="Frühere Welle")
    respondents(earlier, 40)
    services.change_status(analysis=earlier, to=AnalysisState.DONE, by=None)
    analysis = running_analysis()
    respondents(analysis, 40)
    login_browser(page, live_server, client, municipality_user)
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/")
    page.get_by_role("link", name="Bericht", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Bericht:"))).to_be_visible()
    expect(page.get_by_role("heading", name="Präventionspotenziale")).to_be_visible()
    expect(page.get_by_role("heading", name="Vergleich mit der früheren Befragung")).to_be_visible()
    expect(page.get_by_role("table", name="Kennzahlen beider Befragungen")).to_contain_text("Prozentpunkte")
    expect(page.get_by_role("img", name=re.compile("Wie sicher fühlen Sie sich"))).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Gewichtung einrichten").click()
    page.get_by_label("weiblich").fill("-3")
    page.get_by_label("männlich").fill("480")
    page.get_by_label("divers").fill("0")
    page.get_by_role("button", name="Gewichtung speichern").click()
    expect(page.get_by_text("Bitte geben Sie eine Zahl von mindestens 0 an.", exact=True)).to_be_visible()
    page.get_by_label("weiblich").fill("520")
    page.get_by_role("button", name="Gewichtung speichern").click()
    expect(page.get_by_text("Die Gewichtung ist gespeichert.")).to_be_visible()
    expect(page.get_by_text(re.compile("konvergiert nach"))).to_be_visible()

    page.get_by_role("link", name="Zum Bericht").click()
    # The test's task backend runs the job inside the request: rendering the PDF takes seconds on a loaded machine.
    page.get_by_role("button", name="PDF erstellen").click(timeout=90_000)
    expect(page.get_by_text("Der Bericht wird erstellt.")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Fortschritt: 5 von 5 (100 %)")).to_be_visible(timeout=30_000)
    link = page.get_by_role("link", name=re.compile(r"Bericht-14628270-\d{4}\.pdf herunterladen"))
    with page.expect_download(timeout=60_000) as download:  # decrypting the file takes a while on a loaded machine
        link.click()
    assert download.value.suggested_filename.startswith("Bericht-14628270-")

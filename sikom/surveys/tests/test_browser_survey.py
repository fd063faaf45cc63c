"""In a real browser, with axe-core on every page: a respondent answers the survey on a 390 px phone with an access
code (each matrix row a group of its own, answered one row at a time, partly by keyboard), looks at it in Ukrainian,
sees a message tied to its field, resumes in English and submits; a municipality's staff member edits the
questionnaire, walks the preview, moves a page, adds Arabic and previews it right to left."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import login_browser
from sikom.surveys import languages, services
from sikom.surveys.models import AnalysisState, Question, Response
from sikom.surveys.tests.factories import make_analysis, one_code
from sikom.surveys.tests.test_languages import translate_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_respondent_answers_on_a_phone_with_a_code(phone_page, live_server):
    page = phone_page
    today = timezone.localdate()
    analysis = make_analysis(field_start=today - timedelta(days=1), field_end=today + timedelta(days=30))
    # A complete Ukrainian version (marked test texts), so respondents are offered it (decision 0046).
    languages.add_language(analysis=analysis, code="uk", by=None)
    analysis.refresh_from_db()
    translate_all(analysis, "uk", "УКР")
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    code = one_code(analysis)

    page.goto(live_server.url + "/umfrage/")
    page.get_by_label("Ihr Zugangscode").fill("falsch")
    page.get_by_role("button", name="Zum Fragebogen").click()
    expect(page.get_by_text("Diesen Zugangscode kennen wir nicht.").first).to_be_visible()
    page.get_by_label("Ihr Zugangscode").fill(code.lower())
    page.get_by_role("button", name="Zum Fragebogen").click()

    expect(page.get_by_role("heading", name="Ihr Sicherheitsgefühl")).to_be_visible()
    _fits(page)
    # Ukrainian, named in itself; the questions in Ukrainian, the page's own words German; then back to German.
    page.get_by_role("button", name="Fragebogen in dieser Sprache: Українська").click()
    expect(page.get_by_role("heading", name="УКР Ihr Sicherheitsgefühl")).to_be_visible()
    expect(page.locator(".survey__content")).to_have_attribute("lang", "uk")
    _fits(page)
    page.get_by_role("button", name="Fragebogen in dieser Sprache: Deutsch").click()
    expect(page.get_by_role("heading", name="Ihr Sicherheitsgefühl")).to_be_visible()
    # Sending without the required answer: the summary links to the field, the field names its message.
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte beantworten Sie diese Frage.")
    group = page.get_by_role("group", name=re.compile("nach Einbruch der Dunkelheit"))
    expect(group).to_have_attribute("aria-describedby", re.compile("q-sicher_dunkel-error"))
    group.get_by_label("eher unsicher").check()
    # The matrix: one row at a time, each row a group with its own legend, each radio labelled by its column.
    page.get_by_role("group", name="tagsüber allein in Ihrer Wohngegend?").get_by_label("sehr sicher").check()
    night = page.get_by_role("group", name="nachts in Bussen und Bahnen?").get_by_label("sehr unsicher")
    night.focus()
    page.keyboard.press("Space")
    expect(night).to_be_checked()
    page.get_by_role("button", name="Weiter").click()

    expect(page.get_by_role("heading", name="Sorgen und Einschätzungen")).to_be_visible()
    page.get_by_role("group", name="Einbruch in Ihre Wohnung").first.get_by_label("ziemlich beunruhigt").check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("button", name="Weiter").click()  # caution and protection: nothing required
    expect(page.get_by_role("heading", name="Erfahrungen mit Kriminalität")).to_be_visible()
    page.get_by_label("Betrug, auch im Internet").check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("status")).to_contain_text("weitere Fragen")
    page.get_by_role("group", name="Haben Sie das der Polizei gemeldet?").get_by_label("nein").check()
    page.get_by_role("button", name="Speichern und später fortsetzen").click()
    expect(page.get_by_role("heading", name="Ihre Antworten sind gespeichert")).to_be_visible()

    # Resume with the code, switch to English.
    page.goto(live_server.url + "/umfrage/")
    page.get_by_label("Ihr Zugangscode").fill(code)
    page.get_by_role("button", name="Zum Fragebogen").click()
    expect(page.get_by_role("heading", name="Erfahrungen mit Kriminalität")).to_be_visible()
    page.get_by_role("button", name="Fragebogen in dieser Sprache: English").click()
    expect(page.get_by_role("heading", name="Experiences of crime")).to_be_visible()
    page.get_by_role("group", name=re.compile("Why did you not report")).get_by_label("too much effort").check()
    for _ in range(3):
        page.get_by_role("button", name=re.compile("^(Weiter|Next)$")).click()
    # Places of fear: »yes« opens the question; a click on the municipality's map sets the point.
    page.get_by_role("group", name=re.compile("^Are there places")).get_by_label("yes").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name=re.compile("^Map of the municipality")).click(position={"x": 160, "y": 160})
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    _fits(page)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    _fits(page)
    page.get_by_label("45 to 64 years").check()
    page.get_by_role("button", name=re.compile("abschicken|Submit", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("Thank you|Vielen Dank"))).to_be_visible()

    response = Response.objects.get()
    assert response.language == "en"
    assert response.answers["sicher_orte"] == {"tag_wohngegend": "1", "oepnv_nacht": "4"}
    assert response.answers["anzeige_nicht"] == ["aufwand"] and response.answers["alter"] == "45-64"
    assert set(response.answers["angstort"]) == {"lat", "lon"}


def test_staff_edit_the_questionnaire_and_walk_the_preview(page, live_server, municipality_user):
    analysis = make_analysis(by=municipality_user)
    login_browser(page, live_server, Client(), municipality_user)
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/")
    expect(page.get_by_role("heading", name="Sicherheitsanalyse (Test)")).to_be_visible()
    page.get_by_role("link", name="Fragebogen bearbeiten").click()
    page.get_by_role("link", name="Eigene Frage anlegen").click()
    page.get_by_label("Seite", exact=True).select_option(label="Ihr Sicherheitsgefühl")
    page.get_by_label("Fragetyp").select_option(label="Bewertungsmatrix")
    page.get_by_label("Variablenname").fill("park")
    page.get_by_label("Fragetext (Deutsch)").fill("Wie sicher fühlen Sie sich im Stadtpark?")
    page.get_by_label("Fragetext (Englisch)").fill("How safe do you feel in the town park?")
    page.get_by_label(re.compile("^Antwortmöglichkeiten")).fill("1 | sicher | safe\n2 | unsicher | unsafe")
    page.get_by_role("button", name="Frage speichern").click()
    expect(page.get_by_text("Bitte geben Sie mindestens eine Zeile an.").first).to_be_visible()
    page.get_by_label(re.compile("^Zeilen der Bewertungsmatrix")).fill(
        "tag | am Tag | by day\nnacht | nachts | at night"
    )
    page.get_by_role("button", name="Frage speichern").click()
    expect(page.get_by_text("Die Frage ist gespeichert.")).to_be_visible()
    assert Question.objects.get(code="park").rows.count() == 2

    page.get_by_role("link", name="Vorschau wie für Befragte").click()
    expect(page.get_by_text("Vorschau: So sehen Befragte diese Seite.")).to_be_visible()
    page.get_by_role("group", name=re.compile("nach Einbruch der Dunkelheit")).get_by_label("sehr sicher").check()
    page.get_by_role("group", name="nachts").get_by_label("unsicher", exact=True).check()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("heading", name="Sorgen und Einschätzungen")).to_be_visible()
    page.get_by_role("button", name="Zurück").click()
    expect(page.get_by_role("group", name="nachts").get_by_label("unsicher", exact=True)).to_be_checked()
    assert not Response.objects.exists()

    # Pages are reordered with a plain form per page (no JavaScript needed).
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/fragebogen/")
    page.get_by_role("button", name=re.compile("^Seite nach unten.*Vorsicht und Schutz$")).click()
    expect(page.get_by_role("heading", name="Seite 4: Vorsicht und Schutz")).to_be_visible()
    expect(page.get_by_role("heading", name="Seite 3: Erfahrungen mit Kriminalität")).to_be_visible()

    # A further language: added from the list, one text translated, the preview in Arabic runs right to left.
    page.get_by_role("link", name="Sprachen und Übersetzungen").click()
    page.get_by_label("Sprache", exact=True).select_option("ar")
    page.get_by_role("button", name="Sprache hinzufügen").click()
    expect(page.get_by_role("heading", name="Übersetzung: Arabisch")).to_be_visible()
    question = Question.objects.get(questionnaire=analysis.questionnaire, code="sicher_dunkel")
    page.locator(f"#id_text-{question.pk}").fill("ما مدى شعورك بالأمان بعد حلول الظلام؟")
    page.get_by_role("button", name="Übersetzung speichern").click()
    expect(page.get_by_text("Die Übersetzung ist gespeichert")).to_be_visible()
    page.goto(live_server.url + f"/sicherheitsanalysen/{analysis.pk}/vorschau/?neu=1")
    page.locator('button[name="language"][value="ar"]').click()
    expect(page.locator(".survey__content")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("group", name=re.compile("ما مدى شعورك"))).to_be_visible()
    expect(page.get_by_text("Vorschau einer unvollständigen Übersetzung")).to_be_visible()

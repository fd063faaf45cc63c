"""The paper and import pages: entry with a one-time token (reload-safe), the import with its report and the
confirmation, the LimeSurvey takeover, hostile input (never a 500, nothing changed) and CSRF."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.surveys import paper
from sikom.surveys.models import Question, Response, ResponseChannel
from sikom.surveys.tests.factories import make_analysis, running_analysis

pytestmark = pytest.mark.django_db
LSS = (Path(__file__).parent / "fixtures" / "limesurvey_survey_742315.lss").read_bytes()


@pytest.fixture
def staff(client, municipality_user):
    return testing.login(client, municipality_user)


@pytest.fixture
def analysis(asskomm):
    return running_analysis(by=asskomm)


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_the_entry_screen_shows_every_question_with_its_keys_and_focuses_the_first_field(staff, analysis):
    page = staff.get(reverse("surveys:paper_entry", args=[analysis.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count(" autofocus") == 1 and 'id="f-q-sicher_dunkel"' in html
    assert "1 = sehr sicher" in html and "Speichern und nächster Bogen" in html
    assert "Bisher erfasst: 0 Papierbögen" in html


def test_save_and_next_stores_one_response_and_a_reload_stores_nothing(staff, analysis):
    url = reverse("surveys:paper_entry", args=[analysis.pk])
    data = {"token": token_of(staff.get(url)), "q-sicher_dunkel": "2", "q-haushalt": "3"}
    first = staff.post(url, data, follow=True)
    assert "Der Bogen ist gespeichert (bisher 1 Papierbögen)." in first.content.decode()
    assert token_of(first) != data["token"]  # a fresh form for the next sheet
    again = staff.post(url, data, follow=True)
    assert "schon gespeichert" in again.content.decode()
    assert Response.objects.filter(channel=ResponseChannel.PAPER).count() == 1


def test_a_wrong_value_is_shown_at_its_field_and_nothing_is_stored(staff, analysis):
    url = reverse("surveys:paper_entry", args=[analysis.pk])
    token = token_of(staff.get(url))
    page = staff.post(url, {"token": token, "q-sicher_dunkel": "6", "q-haushalt": "3"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="f-q-sicher_dunkel-error"' in html and "»6« ist hier kein gültiger Wert" in html
    assert 'href="#f-q-sicher_dunkel"' in html  # the summary links to the field
    assert 'value="3"' in html and token_of(page) == token  # what was typed stays, the same form
    assert not Response.objects.exists()
    assert staff.post(url, {"token": token, "q-sicher_dunkel": "1"}).status_code == 302
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"q-sicher_dunkel": "1" * 5000},
        {"q-haushalt": "9" * 40},
        {"q-haushalt": "½"},
        {"q-opfer": "1,,,;; 2\x00"},
        {"q-angstort_lat": "NaN", "q-angstort_lon": "inf", "q-angstort_gibt": "1"},
        {"q-sicher_dunkel": ["1", "2"]},
        {"q-unbekannt": "1"},
        {"token": "x" * 5000},
    ],
)
def test_hostile_entry_input_never_breaks_the_page(staff, analysis, data):
    url = reverse("surveys:paper_entry", args=[analysis.pk])
    data = {"token": token_of(staff.get(url)), **data}
    response = staff.post(url, data)
    assert response.status_code in (200, 302)
    assert Response.objects.count() <= 1


def test_the_entry_form_needs_the_csrf_token(municipality_user, analysis):
    client = testing.login(Client(enforce_csrf_checks=True), municipality_user)
    url = reverse("surveys:paper_entry", args=[analysis.pk])
    assert client.post(url, {"q-sicher_dunkel": "1"}).status_code == 403
    assert not Response.objects.exists()


def test_a_planned_analysis_has_no_entry_form(staff, asskomm):
    planned = make_analysis(by=asskomm)
    url = reverse("surveys:paper_entry", args=[planned.pk])
    page = staff.get(url)
    assert (
        "solange die Sicherheitsanalyse läuft" in page.content.decode() and 'name="token"' not in page.content.decode()
    )
    assert staff.post(url, {"q-sicher_dunkel": "1"}).status_code == 302
    assert not Response.objects.exists()


# Import ----------------------------------------------------------------------------------------------------------


def upload(text: str, name: str = "boegen.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_a_file_with_errors_gets_a_report_and_nothing_is_kept(staff, analysis):
    url = reverse("surveys:import", args=[analysis.pk])
    page = staff.post(
        url, {"source": "sikom", "channel": "paper", "file": upload("sicher_dunkel;haushalt\n1;2\n5;x\n")}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Die Datei hat 2 Fehler. Es wurde nichts importiert." in html
    assert "sicher_dunkel (A)" in html and "haushalt (B)" in html and ">3<" in html
    assert paper.PENDING_SESSION_KEY not in staff.session
    assert not Response.objects.exists()


def test_a_clean_file_is_confirmed_and_imported_once(staff, analysis):
    url = reverse("surveys:import", args=[analysis.pk])
    text = "sicher_dunkel;haushalt;anmerkungen\n1;2;gut\n4;3;Straße zu dunkel\n"
    response = staff.post(url, {"source": "sikom", "channel": "import", "file": upload(text, encoding="cp1252")})
    assert response.status_code == 302 and response["Location"] == reverse("surveys:import_confirm", args=[analysis.pk])
    preview = staff.get(response["Location"])
    html = preview.content.decode()
    assert "2 Antwortbögen" in html and "Windows-1252" in html
    assert not Response.objects.exists()
    token = token_of(preview)
    done = staff.post(response["Location"], {"token": token, "importieren": "1"}, follow=True)
    assert "2 Antwortbögen sind importiert" in done.content.decode()
    assert Response.objects.filter(channel=ResponseChannel.IMPORT).count() == 2
    again = staff.post(response["Location"], {"token": token, "importieren": "1"}, follow=True)
    assert "kein geprüfter Import" in again.content.decode()
    assert Response.objects.count() == 2


def test_a_pending_import_can_be_cancelled(staff, analysis):
    url = reverse("surveys:import", args=[analysis.pk])
    staff.post(url, {"source": "sikom", "channel": "paper", "file": upload("sicher_dunkel\n1\n")})
    confirm = reverse("surveys:import_confirm", args=[analysis.pk])
    token = token_of(staff.get(confirm))
    staff.post(confirm, {"token": token, "abbrechen": "1"})
    assert paper.PENDING_SESSION_KEY not in staff.session
    assert staff.post(confirm, {"token": token, "importieren": "1"}).status_code == 302
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "sikom", "channel": "paper"}, "Bitte wählen Sie eine Datei aus."),
        ({"source": "sikom", "channel": "online", "file": upload("a\n1\n")}, "Diese Auswahl gibt es nicht"),
        ({"source": "sikom", "channel": "paper", "file": upload("a;b\n1;2\n", name="x.exe")}, "CSV-Datei"),
        ({"source": "limesurvey", "channel": "paper", "file": upload("a\n1\n", name="x.xlsx")}, "CSV-Datei (.csv)"),
        ({"source": "sikom", "channel": "paper", "file": upload("a;b\n1;2\n", encoding="utf-16")}, "UTF-16"),
    ],
)
def test_bad_uploads_get_a_message_at_the_field(staff, analysis, data, message):
    page = staff.post(reverse("surveys:import", args=[analysis.pk]), data)
    assert page.status_code == 200 and message in page.content.decode()
    assert not Response.objects.exists()


def test_the_template_downloads(staff, analysis):
    url = reverse("surveys:import_template", args=[analysis.pk])
    csv = staff.get(url + "?format=csv")
    header = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:2] == ["sicher_dunkel", "sicher_orte_tag_wohngegend"]
    assert staff.get(url + "?format=xlsx").status_code == 200
    codebook = staff.get(url + "?format=codebuch")
    assert "1 = sehr sicher" in b"".join(codebook.streaming_content).decode("utf-8-sig")
    assert staff.get(url + "?format=pdf").status_code == 404


# LimeSurvey structure ----------------------------------------------------------------------------------------------


def test_a_structure_is_checked_then_taken_over(staff, asskomm):
    planned = make_analysis(by=asskomm)
    url = reverse("surveys:structure", args=[planned.pk])
    response = staff.post(url, {"file": SimpleUploadedFile("survey.lss", LSS, content_type="application/xml")})
    assert response.status_code == 302
    preview = staff.get(response["Location"])
    html = preview.content.decode()
    assert "Rangfolge" in html and "q1" in html and "Fragebogen ersetzen" in html
    assert Question.objects.filter(questionnaire=planned.questionnaire, code="sicher_dunkel").exists()
    staff.post(response["Location"], {"token": token_of(preview), "uebernehmen": "1"})
    assert set(planned.questionnaire.questions.values_list("code", flat=True)) == {
        "q1",
        "q2",
        "q3",
        "q4",
        "q6",
        "q7",
        "q8",
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.lss", b'<!DOCTYPE a [<!ENTITY b "c">]><document/>', "Dokumenttyp"),
        ("x.lss", b"<document", "kein gültiges XML"),
        ("x.xml", LSS, ".lss"),
    ],
)
def test_a_bad_structure_file_gets_a_message_and_nothing_changes(staff, asskomm, name, data, message):
    planned = make_analysis(by=asskomm)
    before = planned.questionnaire.questions.count()
    page = staff.post(reverse("surveys:structure", args=[planned.pk]), {"file": SimpleUploadedFile(name, data)})
    assert page.status_code == 200 and message in page.content.decode()
    assert planned.questionnaire.questions.count() == before


def test_a_running_analysis_refuses_a_structure(staff, analysis):
    url = reverse("surveys:structure", args=[analysis.pk])
    page = staff.get(url)
    assert "festgelegt" in page.content.decode()
    assert staff.post(url, {"file": SimpleUploadedFile("survey.lss", LSS)}).status_code == 200
    assert analysis.questionnaire.questions.filter(code="sicher_dunkel").exists()

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from sikom import testing
from sikom.coaching import services
from sikom.coaching.models import STEP_TITLES, Coaching, StepDocument, StrategyMeasure
from sikom.coaching.tests.conftest import PDF_BYTES, xlsx_bytes
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db

QUERIES = 7


def html(response) -> str:
    return response.content.decode()


def test_asskomm_creates_a_coaching(client, asskomm):
    testing.login(client, asskomm)
    response = client.post(reverse("coaching:create"), {"municipality": "14628270", "begun": "01.02.2024"})
    coaching = Coaching.objects.get()
    assert response["Location"] == reverse("coaching:detail", args=[coaching.pk])
    assert coaching.municipality.ags == "14628270" and coaching.begun == date(2024, 2, 1) and coaching.coach == asskomm
    assert coaching.steps.count() == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"municipality": "99999999", "begun": "2024-02-01"},
            "Diese Auswahl gibt es nicht.",
        ),
        ({"municipality": "x' OR 1=1", "begun": "2024-02-01"}, "Diese Auswahl gibt es nicht."),
        ({"municipality": "14628270", "begun": "31.02.2024"}, "Bitte geben Sie ein gültiges Datum ein"),
        ({"municipality": "14628270", "begun": "2999-01-01"}, "Der Beginn darf nicht in der Zukunft liegen."),
        ({"municipality": "", "begun": ""}, "Bitte wählen Sie einen Eintrag aus."),
    ],
)
def test_bad_input_when_creating_is_refused_at_the_field(client, asskomm, data, message):
    testing.login(client, asskomm)
    response = client.post(reverse("coaching:create"), data)
    assert response.status_code == 400 and message in html(response)
    assert not Coaching.objects.exists()


def test_the_list_takes_a_fixed_number_of_queries(client, asskomm, django_assert_num_queries):
    for ags in ["14628270", "14626110", "14612000", "14713000", "14511000"]:
        coaching = testing.make_coaching(ags)
        services.save_measure(
            coaching=coaching,
            by=None,
            data={"title": "M", "owner": "O", "timing": "", "due": None, "status": "planned", "source": ""},
        )
    testing.login(client, asskomm)
    client.get(reverse("coaching:list"))
    # session, user and second factor; the count and the one page of coachings (municipality and district joined,
    # steps and measures counted in the same query); the districts of the filter
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("coaching:list"), {"status": "running"})
    assert "5 Coachingprozesse" in html(response)


def test_list_queries_do_not_grow_with_the_rows(client, asskomm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    testing.login(client, asskomm)
    testing.make_coaching("14628270")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("coaching:list"))
    for ags in ["14626110", "14612000", "14713000", "14511000", "14522180"]:
        testing.make_coaching(ags)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("coaching:list"))
    assert "6 Coachingprozesse" in html(response)
    assert len(six.captured_queries) == len(one.captured_queries)


def results(response) -> str:
    return html(response).split('id="liste"')[1]


def test_filters_and_search(client, asskomm, coaching, other_coaching):
    services.change_status(coaching=other_coaching, to="finished", by=asskomm, on=date(2024, 3, 1))
    testing.login(client, asskomm)
    assert "1 Coachingprozess<" in html(client.get(reverse("coaching:list"), {"status": "finished"}))
    page = results(client.get(reverse("coaching:list"), {"district": "14628"}))
    assert "Pirna" in page and "Görlitz" not in page
    page = results(client.get(reverse("coaching:list"), {"q": "görl"}))
    assert "Görlitz" in page and "Pirna" not in page
    # A forged filter is reported at its field and ignored.
    response = client.get(reverse("coaching:list"), {"district": "99999", "status": "kaputt"})
    assert response.status_code == 200 and "Diese Auswahl gibt es nicht" in html(response)
    assert "2 Coachingprozesse" in html(response)


def test_the_municipality_lists_only_its_own(client, municipality_user, coaching, other_coaching):
    testing.login(client, municipality_user)
    page = html(client.get(reverse("coaching:list")))
    assert "Pirna" in page and "Görlitz" not in page
    rows = b"".join(client.get(reverse("coaching:export"), {"format": "csv"}).streaming_content).decode()
    assert "Pirna" in rows and "Görlitz" not in rows


def test_exports_as_csv_and_xlsx(client, asskomm, coaching, other_coaching):
    testing.login(client, asskomm)
    response = client.get(reverse("coaching:export"), {"format": "csv", "district": "14628"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Gemeinde;Gemeindeschlüssel")
    assert "14628270" in text and "14626110" not in text
    response = client.get(reverse("coaching:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 3
    assert client.get(reverse("coaching:export"), {"format": "pdf"}).status_code == 404
    assert AuditEvent.objects.filter(action="coaching.exported").count() == 2


def step_post(client, coaching, number=1, **data):
    data = {"text": "", "status": "open", "version": "1"} | data
    return client.post(reverse("coaching:step", args=[coaching.pk, number]), data)


def test_the_municipality_records_a_step(client, municipality_user, coaching):
    testing.login(client, municipality_user)
    response = step_post(client, coaching, text="Hasskommentare nehmen zu.", status="done", started="2024-01-15")
    assert response["Location"] == reverse("coaching:step", args=[coaching.pk, 1])
    step = coaching.steps.get(number=1)
    assert (step.status, step.started, step.version) == ("done", date(2024, 1, 15), 2)
    page = html(client.get(reverse("coaching:step_history", args=[coaching.pk, 1])))
    assert "Hasskommentare nehmen zu." in page and "Fassung 2" in page and municipality_user.full_name in page


def test_a_step_marked_done_without_text_is_refused_at_the_field(client, municipality_user, coaching):
    testing.login(client, municipality_user)
    response = step_post(client, coaching, text="  ", status="done")
    assert response.status_code == 400
    assert "Ein Schritt ohne Text kann nicht erledigt sein." in html(response)
    assert 'href="#id_text"' in html(response)
    assert coaching.steps.get(number=1).version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "fertig"}, "Diese Auswahl gibt es nicht."),
        ({"status": "in_progress", "started": "gestern"}, "Bitte geben Sie ein gültiges Datum ein"),
        ({"status": "in_progress", "started": "2999-01-01"}, "Das Datum darf nicht in der Zukunft liegen."),
        ({"status": "in_progress", "finished": "2024-01-01"}, "Ein Erledigt-Datum gibt es nur für erledigte Schritte."),
        ({"text": "x" * 20_001}, "Bitte verwenden Sie höchstens 20000 Zeichen"),
        ({"version": "kaputt"}, "Das Formular ist unvollständig."),
    ],
)
def test_bad_step_input_is_refused(client, municipality_user, coaching, data, message):
    testing.login(client, municipality_user)
    response = step_post(client, coaching, **data)
    assert response.status_code == 400 and message in html(response)
    assert coaching.steps.get(number=1).version == 1


def test_a_stale_step_form_is_refused_and_shows_the_newer_text(client, municipality_user, asskomm, coaching):
    step = coaching.steps.get(number=1)
    services.update_step(
        step=step,
        by=asskomm,
        expected_version=1,
        text="Fassung des Teams",
        status="in_progress",
        started=None,
        finished=None,
    )
    testing.login(client, municipality_user)
    response = step_post(client, coaching, text="Meine Fassung", status="in_progress", version="1")
    page = html(response)
    assert response.status_code == 409
    assert "inzwischen von jemand anderem geändert" in page
    assert "Fassung des Teams" in page and "Meine Fassung" in page
    assert 'name="version" value="2"' in page
    step.refresh_from_db()
    assert step.text == "Fassung des Teams" and step.version == 2


def test_upload_and_download_a_document(client, municipality_user, coaching):
    testing.login(client, municipality_user)
    url = reverse("coaching:document_upload", args=[coaching.pk, 1])
    response = client.post(url, {"document": SimpleUploadedFile("Konzept.pdf", PDF_BYTES)})
    assert response["Location"] == reverse("coaching:step", args=[coaching.pk, 1])
    document = StepDocument.objects.get()
    response = client.get(reverse("coaching:document", args=[coaching.pk, document.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf" and "Konzept.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="coaching.document_downloaded", actor=municipality_user).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tabelle.xlsx", xlsx_bytes()), "hat ein Format, das wir nicht annehmen"),
        (SimpleUploadedFile("tarnung.pdf", b"MZ" + b"\x00" * 100), "hat ein Format, das wir nicht annehmen"),
        (None, "Bitte wählen Sie eine Datei aus."),
    ],
)
def test_a_wrong_document_is_refused_at_the_field(client, municipality_user, coaching, upload, message):
    testing.login(client, municipality_user)
    url = reverse("coaching:document_upload", args=[coaching.pk, 1])
    response = client.post(url, {"document": upload} if upload else {})
    assert response.status_code == 400 and message in html(response)
    assert not StepDocument.objects.exists()


def test_a_too_large_document_is_refused(client, municipality_user, coaching, settings):
    settings.COACHING_DOCUMENT_MAX_BYTES = 2048
    testing.login(client, municipality_user)
    url = reverse("coaching:document_upload", args=[coaching.pk, 1])
    response = client.post(url, {"document": SimpleUploadedFile("gross.pdf", PDF_BYTES + b"0" * 4096)})
    assert response.status_code == 400 and "ist größer als" in html(response)
    assert not StepDocument.objects.exists()


def test_forged_ids_of_another_municipality_find_nothing(client, municipality_user, asskomm, coaching, other_coaching):
    foreign_document = services.add_document(
        step=other_coaching.steps.get(number=1), by=asskomm, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    foreign_measure = services.save_measure(
        coaching=other_coaching,
        by=asskomm,
        data={"title": "M", "owner": "O", "timing": "", "due": None, "status": "planned", "source": ""},
    )
    testing.login(client, municipality_user)
    own, other = coaching.pk, other_coaching.pk
    for method, url in [
        ("get", reverse("coaching:detail", args=[other])),
        ("get", reverse("coaching:strategy_pdf", args=[other])),
        ("post", reverse("coaching:step", args=[other, 1])),
        # another coaching's document or measure under one's own coaching
        ("get", reverse("coaching:document", args=[own, foreign_document.pk])),
        ("get", reverse("coaching:measure_edit", args=[own, foreign_measure.pk])),
        ("post", reverse("coaching:measure_delete", args=[own, foreign_measure.pk])),
        ("get", reverse("coaching:step", args=[own, 8])),
        ("get", reverse("coaching:step", args=[own, 0])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert StrategyMeasure.objects.filter(pk=foreign_measure.pk).exists()


def test_measures_table(client, municipality_user, coaching):
    testing.login(client, municipality_user)
    url = reverse("coaching:measures", args=[coaching.pk])
    data = {
        "title": "Schulung",
        "owner": "Hauptamt",
        "timing": "2. Quartal 2025",
        "status": "planned",
        "source": "Bürgerforum",
    }
    assert client.post(url, data)["Location"] == url
    measure = StrategyMeasure.objects.get()
    assert (measure.title, measure.owner, measure.timing, measure.source) == (
        "Schulung",
        "Hauptamt",
        "2. Quartal 2025",
        "Bürgerforum",
    )
    edit = reverse("coaching:measure_edit", args=[coaching.pk, measure.pk])
    assert client.post(edit, data | {"status": "done"})["Location"] == url
    measure.refresh_from_db()
    assert measure.status == "done"
    client.post(reverse("coaching:measure_delete", args=[coaching.pk, measure.pk]))
    assert not StrategyMeasure.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "owner": "Hauptamt", "status": "planned"}, "Bitte füllen Sie dieses Feld aus."),
        ({"title": "X", "owner": "Hauptamt", "status": "erfunden"}, "Diese Auswahl gibt es nicht."),
        ({"title": "X", "owner": "Hauptamt", "status": "planned", "due": "32.13.2024"}, "gültiges Datum"),
        ({"title": "X" * 301, "owner": "Hauptamt", "status": "planned"}, "höchstens 300 Zeichen"),
    ],
)
def test_bad_measure_input_is_refused(client, municipality_user, coaching, data, message):
    testing.login(client, municipality_user)
    response = client.post(reverse("coaching:measures", args=[coaching.pk]), data)
    assert response.status_code == 400 and message in html(response)
    assert not StrategyMeasure.objects.exists()


def test_sharing_only_with_expert_network_or_police(client, municipality_user, coaching, expert_network, zastex):
    testing.login(client, municipality_user)
    url = reverse("coaching:shares", args=[coaching.pk])
    for forged in [zastex.organisation.pk, 999999, "kaputt"]:
        response = client.post(url, {"organisation": forged})
        assert response.status_code == 400 and "Diese Auswahl gibt es nicht." in html(response)
    assert not coaching.shares.exists()
    assert client.post(url, {"organisation": expert_network.organisation.pk})["Location"] == url
    assert list(coaching.shares.all()) == [expert_network.organisation]
    assert AuditEvent.objects.filter(action="coaching.shared", actor=municipality_user).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": "cancelled", "reason": ""}, "Bitte begründen Sie"),
        ({"to": "running"}, "Diese Auswahl gibt es nicht."),
        ({"to": "finished", "on": "2020-01-01"}, "Das Ende darf nicht vor dem Beginn liegen."),
    ],
)
def test_bad_status_input_is_refused(client, asskomm, coaching, data, message):
    testing.login(client, asskomm)
    response = client.post(reverse("coaching:status", args=[coaching.pk]), data)
    assert response.status_code == 400 and message in html(response)
    coaching.refresh_from_db()
    assert coaching.status == "running"


def test_strategy_page_and_pdf_share_one_template(client, municipality_user, asskomm, coaching):
    services.update_step(
        step=coaching.steps.get(number=1),
        by=asskomm,
        expected_version=1,
        text="Beleidigungen in Sitzungen.",
        status="done",
        started=date(2024, 1, 15),
        finished=date(2024, 2, 1),
    )
    services.save_measure(
        coaching=coaching,
        by=asskomm,
        data={
            "title": "Deeskalationsschulung",
            "owner": "Hauptamt",
            "timing": "2. Quartal 2025",
            "due": None,
            "status": "planned",
            "source": "",
        },
    )
    testing.login(client, municipality_user)
    page = html(client.get(reverse("coaching:strategy", args=[coaching.pk])))
    for title in STEP_TITLES.values():
        assert str(title) in page
    assert "Pirna" in page and "Deeskalationsschulung" in page and "Inhalt" in page
    response = client.get(reverse("coaching:strategy_pdf", args=[coaching.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    text = " ".join(pages)
    assert "Pirna" in pages[0] and "Kommunale Präventionsstrategie" in pages[0]  # the cover
    assert "Inhalt" in pages[1] and "1. Problembeschreibung ...." in pages[1]  # with its page number
    assert re.search(r"Maßnahmenübersicht \.+ \d", pages[1])
    for title in STEP_TITLES.values():
        assert str(title) in text
    assert "Beleidigungen in Sitzungen." in text
    assert "Deeskalationsschulung" in text and "Hauptamt" in text and "2. Quartal 2025" in text
    assert AuditEvent.objects.filter(action="coaching.strategy_exported", actor=municipality_user).exists()


def test_navigation_entry_for_asskomm_and_municipalities(client, asskomm, municipality_user, expert_network):
    for user, shown in [(asskomm, True), (municipality_user, True), (expert_network, False)]:
        client.logout()
        testing.login(client, user)
        page = html(client.get(reverse("coaching:list")))
        assert (f'href="{reverse("coaching:list")}"' in page.split("</nav>")[0]) is shown, user

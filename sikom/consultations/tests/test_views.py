import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sikom import testing
from sikom.accounts.models import Organisation
from sikom.consultations.models import Consultation, NextStep
from sikom.consultations.tests.factories import DRESDEN, PIRNA, make_consultation, overdue_step
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def post_data(steps: list[dict] | None = None, initial: int = 0, **changes) -> dict:
    data = {
        "gemeinde": PIRNA,
        "office_holder_note": "",
        "date": "2024-02-01",
        "offers": ["asskomm-beratung-praevention", "kommunale-praeventionsgremien"],
        "format": "on_site",
        "participants": "Bürgermeister, Ordnungsamt",
        "result": "Präventionsrat angeregt.",
        "version": "1",
    } | changes
    steps = steps or []
    data |= {
        "schritte-TOTAL_FORMS": str(len(steps)),
        "schritte-INITIAL_FORMS": str(initial),
        "schritte-MIN_NUM_FORMS": "0",
        "schritte-MAX_NUM_FORMS": "20",
    }
    for index, step in enumerate(steps):
        data |= {f"schritte-{index}-{key}": value for key, value in step.items()}
    return {key: value for key, value in data.items() if value is not None}


STEP = {"text": "Unterlagen senden", "owner": "ASSKomm-Team", "due_on": "2024-03-01"}


@pytest.fixture
def team(client, asskomm):
    return testing.login(client, asskomm)


def test_asskomm_records_a_consultation_with_a_next_step(team, asskomm):
    response = team.post(reverse("consultations:create"), post_data([STEP, {"text": "", "due_on": ""}]))
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("consultations:detail", args=[consultation.pk])
    assert consultation.municipality.ags == PIRNA and consultation.offers.count() == 2
    assert consultation.created_by == asskomm
    step = consultation.next_steps.get()
    assert (step.text, step.owner, step.due_on) == ("Unterlagen senden", "ASSKomm-Team", date(2024, 3, 1))
    html = team.get(response["Location"]).content.decode()
    assert "Unterlagen senden" in html and "Gründung kommunaler Präventionsgremien" in html


def test_a_step_can_name_an_organisation_as_owner(team):
    organisation = Organisation.objects.order_by("pk").first()
    step = STEP | {"owner": "", "owner_organisation": str(organisation.pk)}
    team.post(reverse("consultations:create"), post_data([step]))
    assert NextStep.objects.get().owner_organisation == organisation


def test_an_office_holder_without_municipality(team):
    team.post(reverse("consultations:create"), post_data(gemeinde="", office_holder_note="Kreisrätin"))
    consultation = Consultation.objects.get()
    assert consultation.municipality is None and consultation.office_holder_note == "Kreisrätin"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (post_data([STEP | {"due_on": "2024-01-31"}]), "due_on", "nicht vor der Beratung fällig"),
        (post_data(offers=["gibt-es-nicht"]), "offers", "Diese Auswahl gibt es nicht"),
        (post_data(offers=None), "offers", "mindestens ein Thema"),
        (post_data(gemeinde="99999999"), "gemeinde", "Diese Auswahl gibt es nicht"),
        (post_data(gemeinde=""), "office_holder_note", "Bitte wählen Sie eine Gemeinde"),
        (post_data(office_holder_note="Kreisrätin"), "office_holder_note", "keiner Gemeinde zugeordnet"),
        (post_data(date="31.02.2024"), "date", "gültiges Datum"),
        (post_data(date="1999-12-31"), "date", "ab dem 01.01.2000"),
        (post_data(date="9999-12-31"), "date", "ein Jahr im Voraus"),
        (post_data(date="x" * 20_000), "date", "gültiges Datum"),
        (post_data(format="fax"), "format", "Diese Auswahl gibt es nicht"),
        (post_data(result="x" * 10_001), "result", "höchstens 10000 Zeichen"),
        (post_data(participants=""), "participants", "Bitte füllen Sie dieses Feld aus"),
        (post_data([STEP | {"due_on": "2099-01-01"}]), "due_on", "innerhalb von zehn Jahren"),
        (post_data([STEP | {"owner": ""}]), "owner", "wer verantwortlich ist"),
        (
            post_data([STEP | {"owner": "", "owner_organisation": "999999999999"}]),
            "owner_organisation",
            "gibt es nicht",
        ),
        (post_data([STEP | {"text": "x" * 501}]), "text", "höchstens 500 Zeichen"),
        (post_data([STEP | {"id": "999999"}]), None, "Diesen nächsten Schritt gibt es bei dieser Beratung nicht"),
        (post_data([STEP] * 21), None, "höchstens 20 nächste Schritte"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(team, data, field, message):
    response = team.post(reverse("consultations:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if field is not None:
        assert "kern-form-input--error" in html or "kern-fieldset--error" in html or "--error" in html
    assert not Consultation.objects.exists() and not NextStep.objects.exists()


def test_a_missing_management_form_is_a_message_not_an_error(team):
    data = {key: value for key, value in post_data().items() if not key.startswith("schritte-")}
    response = team.post(reverse("consultations:create"), data)
    assert response.status_code == 200 and "konnten nicht gelesen werden" in response.content.decode()
    assert not Consultation.objects.exists()


def test_editing_changes_a_step_and_a_forged_step_id_is_refused(team, asskomm):
    consultation = make_consultation(by=asskomm, steps=[("Alt", date(2024, 3, 1), False)])
    other = make_consultation(by=asskomm, ags=DRESDEN, steps=[("Fremd", date(2024, 3, 1), False)])
    step, foreign = consultation.next_steps.get(), other.next_steps.get()
    url = reverse("consultations:edit", args=[consultation.pk])
    assert team.get(url).status_code == 200
    forged = post_data([STEP | {"id": str(foreign.pk), "text": "Gekapert"}], initial=1)
    assert "Diesen nächsten Schritt gibt es" in team.post(url, forged).content.decode()
    foreign.refresh_from_db()
    assert foreign.text == "Fremd"
    team.post(url, post_data([STEP | {"id": str(step.pk), "text": "Geändert", "done": "on"}], initial=1))
    step.refresh_from_db()
    assert step.text == "Geändert" and step.done


def test_a_stale_edit_is_not_saved(team, asskomm):
    consultation = make_consultation(by=asskomm)
    url = reverse("consultations:edit", args=[consultation.pk])
    team.post(url, post_data(result="Erste Fassung"))
    html = team.post(url, post_data(result="Zweite Fassung")).content.decode()
    assert "inzwischen von jemand anderem geändert" in html
    consultation.refresh_from_db()
    assert consultation.result == "Erste Fassung" and consultation.version == 2


def test_marking_a_step_done_returns_to_the_overview(team, asskomm):
    consultation = make_consultation(by=asskomm, steps=[overdue_step(timezone.localdate())])
    step = consultation.next_steps.get()
    overview = reverse("consultations:next_steps")
    response = team.post(reverse("consultations:step_done", args=[consultation.pk, step.pk]), {"next": overview})
    assert response["Location"] == overview
    step.refresh_from_db()
    assert step.done
    response = team.post(
        reverse("consultations:step_done", args=[consultation.pk, step.pk]), {"next": "https://example.org/"}
    )
    assert response["Location"] == reverse("consultations:detail", args=[consultation.pk])


def test_the_overview_marks_overdue_steps_in_words(team, asskomm):
    today = timezone.localdate()
    make_consultation(by=asskomm, day=today - timedelta(days=20), steps=[overdue_step(today)])
    make_consultation(by=asskomm, day=today, steps=[("Später", today + timedelta(days=9), False)])
    html = team.get(reverse("consultations:next_steps")).content.decode()
    assert "1 Schritt ist überfällig." in html
    assert html.count("kern-badge--danger") == 1 and ">überfällig<" in html
    assert html.index("Termin abstimmen") < html.index("Später")


def test_a_municipality_user_reads_its_consultations_without_edit_controls(client, municipality_user, asskomm):
    own = make_consultation(by=asskomm, steps=[overdue_step(timezone.localdate())])
    make_consultation(by=asskomm, ags=DRESDEN, result="Nur für Dresden.")
    testing.login(client, municipality_user)
    html = client.get(reverse("consultations:list")).content.decode()
    assert "Präventionsrat angeregt" not in html  # the list shows topics, not results
    assert reverse("consultations:detail", args=[own.pk]) in html and "Dresden" not in html
    assert "Beratung erfassen" not in html
    detail = client.get(reverse("consultations:detail", args=[own.pk])).content.decode()
    assert "Termin abstimmen" in detail and "Bearbeiten" not in detail and "Als erledigt markieren" not in detail
    read = AuditEvent.objects.get(action="consultations.viewed")  # it names the people advised
    assert read.actor_id == municipality_user.pk and read.object_id == str(own.pk)
    assert client.get(reverse("consultations:detail", args=[own.pk + 1000])).status_code == 404
    assert AuditEvent.objects.filter(action="consultations.viewed").count() == 1
    assert "Beratungen" in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(team, asskomm, django_assert_num_queries, rows):
    today = timezone.localdate()
    for index in range(rows):
        make_consultation(
            by=asskomm,
            ags=PIRNA if index % 2 else DRESDEN,
            offers=("asskomm-trainings", "asskomm-sicherheitsanalyse"),
            steps=[overdue_step(today)],
            day=today - timedelta(days=index + 5),
        )
    team.get(reverse("consultations:list"))  # warm up: session, translations
    # session, user and its organisation, device, ...; districts, municipalities, offers (filters); count, page, offers
    with django_assert_num_queries(11):
        response = team.get(reverse("consultations:list") + "?schritte=ueberfaellig&q=buergermeister")
    assert response.status_code == 200 and response.context["page"].paginator.count == rows


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_of_the_filtered_list_is_audited(team, asskomm):
    make_consultation(by=asskomm, participants="=HYPERLINK(1)")
    make_consultation(by=asskomm, ags=DRESDEN)
    make_consultation(by=asskomm, ags=None, note="Kreisrätin", offers=("sicherheitsleitfaden", "zastex"))
    response = team.get(reverse("consultations:export"), {"format": "csv", "kreis": "14628"})
    assert response["Content-Type"].startswith("text/csv") and ".csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["Nr.", "Datum", "Gemeinde"]
    assert len(rows) == 2 and rows[1][2] == "Pirna" and rows[1][8] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action="consultations.exported")
    assert event.actor == asskomm and event.data["rows"] == 1 and event.data["format"] == "csv"
    everything = _csv(team.get(reverse("consultations:export"), {"format": "csv"}))
    holder = next(row for row in everything if row[5] == "Kreisrätin")
    assert holder[2] == "" and holder[6] == (
        "Sicherheitsleitfaden für Amts- und Mandatsträger, "
        "ZASTEX – Zentrale Ansprechstelle für Opfer (rechts-)extremistischer Bedrohungen"
    )


def test_xlsx_export_has_dates_and_numbers(team, asskomm):
    make_consultation(by=asskomm, steps=[overdue_step(timezone.localdate())])
    response = team.get(reverse("consultations:export"), {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Nr." and rows[1][2] == "Pirna" and rows[1][1].date() == date(2024, 2, 1)
    assert rows[1][10:12] == (1, 1)


def test_an_unknown_export_format_is_not_found(team):
    assert team.get(reverse("consultations:export"), {"format": "pdf"}).status_code == 404


def test_the_municipality_users_export_holds_only_its_own(client, municipality_user, asskomm):
    make_consultation(by=asskomm)
    make_consultation(by=asskomm, ags=DRESDEN)
    testing.login(client, municipality_user)
    rows = _csv(client.get(reverse("consultations:export"), {"format": "csv", "gemeinde": DRESDEN}))
    assert [row[2] for row in rows[1:]] == ["Pirna"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"von": "2024-01-15", "bis": "2024-01-01"}, "Das Ende des Zeitraums liegt vor seinem Anfang."),
        ({"gemeinde": "99999999"}, "Diese Auswahl gibt es nicht"),
        ({"angebot": "x" * 5000}, "Diese Auswahl gibt es nicht"),
        ({"von": "kein-datum"}, "gültiges Datum"),
        ({"q": "x" * 101}, "höchstens 100 Zeichen"),
    ],
)
def test_bad_filters_are_shown_at_the_field_and_ignored(team, asskomm, query, message):
    make_consultation(by=asskomm)
    response = team.get(reverse("consultations:list"), query)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_the_navigation_entry_is_for_the_team_and_municipalities(client, asskomm, zastex):
    from sikom.core import navigation

    entry = navigation._entries["consultations:list"]
    assert entry.order == 120 and str(entry.label) == "Beratungen"
    testing.login(client, zastex)
    assert reverse("consultations:list") not in client.get(reverse("portal:home")).content.decode()
    testing.login(client, asskomm)
    assert reverse("consultations:list") in client.get(reverse("portal:home")).content.decode()

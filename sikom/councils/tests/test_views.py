"""The pages with real and bad input: every form answers bad input with a German message at the field and saves
nothing; lists and exports; query counts on the lists."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.councils.models import (
    CouncilMeeting,
    FormatStatus,
    ParticipationFormat,
    ParticipationMeasure,
    PreventionCouncil,
    SafetyAnalysisStatus,
)
from sikom.councils.tests.conftest import DRESDEN, PIRNA, make_council
from sikom.events.tests.factories import make_event, make_session
from sikom.geo.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommune(municipality_user):
    return testing.login(Client(), municipality_user)


@pytest.fixture
def team(asskomm):
    return testing.login(Client(), asskomm)


def _errors(response) -> dict:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def _municipality(ags):
    return Municipality.objects.get(ags=ags)


# Councils -----------------------------------------------------------------------------------------------------------


def test_municipality_creates_its_council_and_sees_it(kommune, expert_network):
    answer = kommune.post(
        reverse("councils:create"),
        {
            "municipality": _municipality(PIRNA).pk,
            "founded": "2021-03-01",
            "chair": "Oberbürgermeister",
            "member_institutions": "Polizeirevier Pirna\nGymnasium",
            "shared_with": [expert_network.organisation_id],
        },
    )
    council = PreventionCouncil.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("councils:detail", args=[council.pk])
    assert list(council.shared_with.all()) == [expert_network.organisation]
    page = kommune.get(answer["Location"])
    assert "Oberbürgermeister" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"founded": "2022-01-01", "dissolved": "2021-01-01"}, "dissolved", "vor seiner Gründung"),
        ({"founded": "31.02.2022"}, "founded", "gültiges Datum"),
        ({"founded": ""}, "founded", "Bitte füllen Sie dieses Feld aus."),
        ({"chair": ""}, "chair", "Bitte füllen Sie dieses Feld aus."),
        ({"chair": "x" * 201}, "chair", "höchstens 200 Zeichen"),
        ({"municipality": "999999999999999999999"}, "municipality", "Diese Auswahl gibt es nicht"),
        ({"shared_with": ["abc"]}, "shared_with", "Diese Auswahl gibt es nicht"),
        ({"founded": (timezone.localdate() + timedelta(days=3)).isoformat()}, "founded", "in der Zukunft"),
    ],
)
def test_bad_council_input_is_shown_at_the_field_and_nothing_saved(kommune, data, field, message):
    base = {"municipality": _municipality(PIRNA).pk, "founded": "2021-03-01", "chair": "Bürgermeister"}
    answer = kommune.post(reverse("councils:create"), {**base, **data})
    assert answer.status_code == 200
    assert any(message in error for error in _errors(answer)[field])
    assert not PreventionCouncil.objects.exists()


def test_municipality_cannot_create_a_council_for_another_municipality(kommune):
    answer = kommune.post(
        reverse("councils:create"),
        {"municipality": _municipality(DRESDEN).pk, "founded": "2021-03-01", "chair": "x"},
    )
    assert "Diese Auswahl gibt es nicht" in _errors(answer)["municipality"][0]
    assert not PreventionCouncil.objects.exists()


def test_a_second_council_is_refused_at_the_municipality_field(team):
    make_council(PIRNA)
    answer = team.post(
        reverse("councils:create"), {"municipality": _municipality(PIRNA).pk, "founded": "2021-03-01", "chair": "x"}
    )
    assert "schon einen Kriminalpräventiven Rat" in _errors(answer)["municipality"][0]
    assert PreventionCouncil.objects.count() == 1


def test_editing_with_an_old_version_is_refused(kommune):
    council = make_council(PIRNA)
    url = reverse("councils:edit", args=[council.pk])
    data = {"founded": "2021-03-01", "chair": "Neu", "version": council.version}
    assert kommune.post(url, data).status_code == 302
    answer = kommune.post(url, {**data, "chair": "Überschrieben"})
    assert "inzwischen von jemand anderem geändert" in answer.content.decode()
    council.refresh_from_db()
    assert council.chair == "Neu"


def test_council_list_filters_and_exports(team, django_assert_max_num_queries):
    make_council(PIRNA, founded=date(2021, 3, 1))
    make_council(DRESDEN, founded=date(2020, 1, 1))
    make_council("14713000", founded=date(2021, 5, 1))
    url = reverse("councils:list")
    with django_assert_max_num_queries(12):
        page = team.get(url)
    assert len(page.context["councils"]) == 3
    assert [c.municipality.ags for c in team.get(url, {"kreis": "14628"}).context["councils"]] == [PIRNA]
    assert len(team.get(url, {"gegruendet": "2021"}).context["councils"]) == 2
    bad = team.get(url, {"gegruendet": "zwanzig", "kreis": "99999"})
    assert bad.status_code == 200 and len(bad.context["councils"]) == 3
    csv = team.get(url, {"format": "csv", "kreis": "14628"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Pirna" in body and "Dresden" not in body
    assert team.get(url, {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")
    assert team.get(url, {"format": "pdf"}).status_code == 404


def test_council_list_queries_do_not_grow_with_rows(team, django_assert_num_queries):
    for ags in (PIRNA, DRESDEN):
        make_council(ags)
    url = reverse("councils:list")
    team.get(url)
    count = 7  # session, user, organisation, device, districts (filter), councils, member organisations
    with django_assert_num_queries(count):
        team.get(url)
    for ags in ("14713000", "14511000", "14628110"):
        make_council(ags)
    with django_assert_num_queries(count):
        team.get(url)


# Meetings -----------------------------------------------------------------------------------------------------------


def _meeting_post(**changes):
    data = {
        "date": "2024-05-06",
        "starts_at": "18:00",
        "ends_at": "20:00",
        "place": "Rathaus",
        "agenda": "1. Lagebild",
        "minutes": "Besprochen",
        "beschluss-TOTAL_FORMS": "1",
        "beschluss-INITIAL_FORMS": "0",
        "beschluss-0-text": "Beleuchtung prüfen",
        "beschluss-0-owner": "Bauamt",
        "beschluss-0-due_date": "2024-06-30",
    }
    return {**data, **changes}


def test_meeting_with_a_decision_is_documented(kommune):
    council = make_council(PIRNA)
    answer = kommune.post(reverse("councils:meeting_create", args=[council.pk]), _meeting_post())
    meeting = CouncilMeeting.objects.get()
    assert answer["Location"] == reverse("councils:meeting_detail", args=[meeting.pk])
    assert [(d.text, d.owner, d.due_date) for d in meeting.decisions.all()] == [
        ("Beleuchtung prüfen", "Bauamt", date(2024, 6, 30))
    ]


def test_another_decision_row_without_javascript(kommune):
    council = make_council(PIRNA)
    answer = kommune.post(reverse("councils:meeting_create", args=[council.pk]), _meeting_post(zeile="1"))
    assert answer.status_code == 200
    assert answer.context["decisions"].total_form_count() == 2
    assert 'value="Beleuchtung prüfen"' in answer.content.decode() or "Beleuchtung prüfen" in answer.content.decode()
    assert not CouncilMeeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "where", "field", "message"),
    [
        ({"ends_at": "17:00"}, "form", "ends_at", "Das Ende muss nach dem Beginn liegen."),
        ({"date": "gestern"}, "form", "date", "gültiges Datum"),
        ({"agenda": ""}, "form", "agenda", "Bitte füllen Sie dieses Feld aus."),
        ({"starts_at": "25:99"}, "form", "starts_at", "gültige Uhrzeit"),
        ({"beschluss-0-due_date": "2024-05-01"}, "row", "due_date", "nicht vor der Sitzung"),
        ({"beschluss-0-owner": ""}, "row", "owner", "verantwortlich"),
        ({"beschluss-0-text": "", "beschluss-0-owner": "Bauamt"}, "row", "text", "Bitte geben Sie den Beschluss an."),
    ],
)
def test_bad_meeting_input_is_shown_at_the_field_and_nothing_saved(kommune, changes, where, field, message):
    council = make_council(PIRNA)
    answer = kommune.post(reverse("councils:meeting_create", args=[council.pk]), _meeting_post(**changes))
    assert answer.status_code == 200
    errors = answer.context["form"].errors if where == "form" else answer.context["decisions"].forms[0].errors
    assert any(message in str(error) for error in errors[field])
    assert not CouncilMeeting.objects.exists()


def test_forged_management_form_answers_with_a_message(kommune):
    council = make_council(PIRNA)
    data = _meeting_post()
    del data["beschluss-TOTAL_FORMS"]
    answer = kommune.post(reverse("councils:meeting_create", args=[council.pk]), data)
    assert answer.status_code == 200
    assert "unvollständig angekommen" in answer.content.decode()
    assert not CouncilMeeting.objects.exists()


def test_a_forged_decision_id_of_another_meeting_is_refused(kommune, world):
    meeting = world["meeting_pirna"]
    foreign = world["meeting_dresden"].decisions.get()
    answer = kommune.post(
        reverse("councils:meeting_edit", args=[meeting.pk]),
        _meeting_post(
            version=meeting.version,
            **{"beschluss-INITIAL_FORMS": "1", "beschluss-0-id": str(foreign.pk), "beschluss-0-text": "Übernommen"},
        ),
    )
    assert answer.status_code == 200
    assert "gibt es in dieser Sitzung nicht" in str(answer.context["decisions"].forms[0].errors["text"])
    foreign.refresh_from_db()
    assert foreign.text == "Beleuchtung prüfen"


def test_forged_ids_of_another_municipality_answer_404(kommune, world):
    for name, key in [
        ("councils:detail", "dresden"),
        ("councils:edit", "dresden"),
        ("councils:meeting_create", "dresden"),
        ("councils:meeting_edit", "meeting_dresden"),
        ("councils:analysis_edit", "analysis_dresden"),
        ("councils:format_edit", "planned_dresden"),
        ("councils:format_results", "planned_dresden"),
        ("councils:format_status", "planned_dresden"),
    ]:
        url = reverse(name, args=[world[key].pk])
        answer = kommune.get(url) if name == "councils:detail" else kommune.post(url, {})
        assert answer.status_code == 404, name


# Safety analyses ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "done"}, "completed_on", "wann die Analyse abgeschlossen"),
        ({"status": "done", "completed_on": "2022-05-01"}, "completed_on", "im angegebenen Jahr"),
        ({"status": "planned", "completed_on": "2023-05-01"}, "completed_on", "nur bei einer abgeschlossenen"),
        ({"status": "fertig"}, "status", "Diese Auswahl gibt es nicht"),
        ({"year": "1800"}, "year", "ab 1990"),
        ({"municipality": str(10**6)}, "municipality", "Diese Auswahl gibt es nicht"),
    ],
)
def test_bad_analysis_input_is_shown_at_the_field_and_nothing_saved(kommune, data, field, message):
    base = {"municipality": _municipality(PIRNA).pk, "status": "planned", "year": "2023"}
    answer = kommune.post(reverse("councils:analysis_create"), {**base, **data})
    assert answer.status_code == 200
    assert any(message in error for error in _errors(answer)[field])
    assert not SafetyAnalysisStatus.objects.exists()


def test_analysis_list_and_export(team, world, django_assert_max_num_queries):
    url = reverse("councils:analysis_list")
    with django_assert_max_num_queries(12):
        page = team.get(url)
    assert len(page.context["analyses"]) == 2
    assert len(team.get(url, {"stand": "running"}).context["analyses"]) == 1
    body = b"".join(team.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Pirna" in body and "Dresden" in body


def test_municipality_records_its_analysis_status(kommune, world):
    analysis = world["analysis_pirna"]
    answer = kommune.post(
        reverse("councils:analysis_edit", args=[analysis.pk]),
        {"status": "done", "year": "2024", "completed_on": "2024-02-01", "version": analysis.version},
    )
    assert answer.status_code == 302
    analysis.refresh_from_db()
    assert (analysis.status, analysis.completed_on) == ("done", date(2024, 2, 1))


# Participation formats ----------------------------------------------------------------------------------------------


def _format_post(**changes):
    data = {
        "municipality": str(_municipality(PIRNA).pk),
        "kind": "neighbourhood_talk",
        "title": "Nachbarschaftsgespräch Stadtpark",
        "date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "starts_at": "17:00",
        "ends_at": "19:00",
        "place": "Gemeindezentrum",
        "invited_groups": "Anwohnerinnen und Anwohner",
        "agenda": "Interne Notiz zum Ablauf",
        "public_description": "Wir laden ein.",
    }
    return {**data, **changes}


def test_plan_announce_hold_and_document_a_format(kommune):
    answer = kommune.post(reverse("councils:format_create"), _format_post())
    fmt = ParticipationFormat.objects.get()
    assert answer["Location"] == reverse("councils:format_detail", args=[fmt.pk])
    status_url = reverse("councils:format_status", args=[fmt.pk])
    assert kommune.post(status_url, {"status": "announced"}).status_code == 302
    public = Client().get(reverse("councils:public_detail", args=[fmt.pk])).content.decode()
    assert "Wir laden ein." in public and "keine Online-Anmeldung eingerichtet" in public
    assert "Interne Notiz" not in public
    refused = kommune.post(status_url, {"status": "held"})
    assert "in der Zukunft" in str(refused.context["status_form"].errors["status"])
    ParticipationFormat.objects.filter(pk=fmt.pk).update(date=timezone.localdate() - timedelta(days=1))
    assert kommune.post(status_url, {"status": "held"}).status_code == 302
    assert Client().get(reverse("councils:public_detail", args=[fmt.pk])).status_code == 404
    results_url = reverse("councils:format_results", args=[fmt.pk])
    fmt.refresh_from_db()
    answer = kommune.post(
        results_url,
        {
            "results": "Mehr Licht gewünscht",
            "version": fmt.version,
            "massnahme-TOTAL_FORMS": "2",
            "massnahme-INITIAL_FORMS": "0",
            "massnahme-0-title": "Beleuchtung erneuern",
            "massnahme-0-owner": "Bauamt",
            "massnahme-0-due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "massnahme-1-title": "",
        },
    )
    assert answer.status_code == 302
    fmt.refresh_from_db()
    assert fmt.status == FormatStatus.DOCUMENTED
    assert list(ParticipationMeasure.objects.values_list("title", flat=True)) == ["Beleuchtung erneuern"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "16:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        ({"kind": "party"}, "kind", "Diese Auswahl gibt es nicht"),
        ({"title": ""}, "title", "Bitte füllen Sie dieses Feld aus."),
        ({"date": "2026-13-01"}, "date", "gültiges Datum"),
        ({"municipality": str(_municipality_pk := 0)}, "municipality", "Diese Auswahl gibt es nicht"),
    ],
)
def test_bad_format_input_is_shown_at_the_field_and_nothing_saved(kommune, changes, field, message):
    answer = kommune.post(reverse("councils:format_create"), _format_post(**changes))
    assert answer.status_code == 200
    assert any(message in error for error in _errors(answer)[field])
    assert not ParticipationFormat.objects.exists()


def test_forged_municipality_of_another_municipality_is_refused_for_formats(kommune):
    answer = kommune.post(reverse("councils:format_create"), _format_post(municipality=_municipality(DRESDEN).pk))
    assert "Diese Auswahl gibt es nicht" in _errors(answer)["municipality"][0]
    assert not ParticipationFormat.objects.exists()


def test_cancelling_needs_a_reason(kommune, world):
    fmt = world["announced_pirna"]
    answer = kommune.post(reverse("councils:format_status", args=[fmt.pk]), {"status": "cancelled", "reason": ""})
    assert "Grund der Absage" in str(answer.context["status_form"].errors["reason"])
    fmt.refresh_from_db()
    assert fmt.status == FormatStatus.ANNOUNCED
    forged = kommune.post(reverse("councils:format_status", args=[fmt.pk]), {"status": "gelöscht"})
    assert forged.status_code == 200
    assert "Diese Auswahl gibt es nicht" in str(forged.context["status_form"].errors["status"])


def test_bad_measure_input_is_shown_at_the_row_and_nothing_saved(kommune, world):
    fmt = world["held_pirna"]
    base = {
        "results": "Ergebnis",
        "version": fmt.version,
        "massnahme-TOTAL_FORMS": "1",
        "massnahme-INITIAL_FORMS": "0",
        "massnahme-0-title": "Beleuchtung",
        "massnahme-0-owner": "Bauamt",
    }
    url = reverse("councils:format_results", args=[fmt.pk])
    early = kommune.post(url, {**base, "massnahme-0-due_date": (fmt.date - timedelta(days=1)).isoformat()})
    assert "nicht vor dem Termin" in str(early.context["measures"].forms[0].errors["due_date"])
    no_owner = kommune.post(url, {**base, "massnahme-0-owner": ""})
    assert "verantwortlich" in str(no_owner.context["measures"].forms[0].errors["owner"])
    no_results = kommune.post(url, {**base, "results": ""})
    assert "results" in no_results.context["form"].errors
    fmt.refresh_from_db()
    assert fmt.status == FormatStatus.HELD and not ParticipationMeasure.objects.exists()


def test_format_list_export_and_query_count(team, world, django_assert_max_num_queries):
    url = reverse("councils:format_list")
    with django_assert_max_num_queries(12):
        page = team.get(url)
    assert len(page.context["formats"]) == 3
    assert len(team.get(url, {"stand": "announced"}).context["formats"]) == 1
    assert team.get(url, {"stand": "<script>"}).status_code == 200
    body = b"".join(team.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Sicherheitskonferenz Dresden" in body


def test_registration_runs_through_a_published_event(kommune):
    event = make_session().event
    hidden = make_session(make_event(title="Entwurf", is_published=False)).event
    page = kommune.get(reverse("councils:format_create")).content.decode()
    assert event.title in page and "Entwurf" not in page
    for forged in (str(hidden.pk), "999999", "abc"):
        refused = kommune.post(reverse("councils:format_create"), _format_post(registration_event=forged))
        assert "registration_event" in refused.context["form"].errors
    assert not ParticipationFormat.objects.exists()

    kommune.post(reverse("councils:format_create"), _format_post(registration_event=str(event.pk)))
    fmt = ParticipationFormat.objects.get()
    assert fmt.registration_event == event
    kommune.post(reverse("councils:format_status", args=[fmt.pk]), {"status": "announced"})
    public = Client().get(reverse("councils:public_detail", args=[fmt.pk])).content.decode()
    assert reverse("events:detail", args=[event.pk]) in public and "Zur Anmeldung" in public


def test_public_list_shows_only_announced_and_no_internal_fields(world, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(6):
        page = client.get(reverse("councils:public_list"))
    content = page.content.decode()
    assert [item.title for item in page.context["formats"]] == ["Bürgerversammlung Altstadt"]
    assert "Bürgerversammlung Altstadt" in content and "Sicherheitskonferenz Dresden" not in content
    assert (
        "Interner Ablauf"
        not in client.get(reverse("councils:public_detail", args=[world["announced_pirna"].pk])).content.decode()
    )


def test_navigation_entries(kommune, world):
    content = Client().get(reverse("councils:public_list")).content.decode()
    assert "Bürgerbeteiligung" in content and "Präventionsräte" not in content
    assert "Präventionsräte" in kommune.get(reverse("councils:public_list")).content.decode()


def test_a_meeting_without_decisions_leaves_the_empty_row_out(kommune):
    council = make_council(PIRNA)
    data = _meeting_post(**{"beschluss-0-text": "", "beschluss-0-owner": "", "beschluss-0-due_date": ""})
    assert kommune.post(reverse("councils:meeting_create", args=[council.pk]), data).status_code == 302
    assert not CouncilMeeting.objects.get().decisions.exists()


def test_a_decision_is_ticked_done_and_another_removed(kommune, world):
    meeting = world["meeting_pirna"]
    decision = meeting.decisions.get()
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    form = kommune.get(url).context["decisions"]
    assert form.total_form_count() == 1
    data = _meeting_post(
        version=meeting.version,
        **{
            "beschluss-TOTAL_FORMS": "2",
            "beschluss-INITIAL_FORMS": "1",
            "beschluss-0-id": str(decision.pk),
            "beschluss-0-text": decision.text,
            "beschluss-0-owner": decision.owner,
            "beschluss-0-due_date": decision.due_date.isoformat(),
            "beschluss-0-done": "on",
            "beschluss-1-text": "Neuer Beschluss",
            "beschluss-1-owner": "Ordnungsamt",
        },
    )
    assert kommune.post(url, data).status_code == 302
    assert list(meeting.decisions.values_list("text", "done")) == [(decision.text, True), ("Neuer Beschluss", False)]
    meeting.refresh_from_db()
    removal = _meeting_post(
        version=meeting.version,
        **{
            "beschluss-INITIAL_FORMS": "1",
            "beschluss-0-id": str(decision.pk),
            "beschluss-0-text": "",
            "beschluss-0-owner": "",
            "beschluss-0-delete": "on",
        },
    )
    assert kommune.post(url, removal).status_code == 302
    assert list(meeting.decisions.values_list("text", flat=True)) == ["Neuer Beschluss"]


def test_another_measure_row_without_javascript(kommune, world):
    fmt = world["held_pirna"]
    answer = kommune.post(
        reverse("councils:format_results", args=[fmt.pk]),
        {
            "results": "Zwischenstand",
            "zeile": "1",
            "massnahme-TOTAL_FORMS": "1",
            "massnahme-INITIAL_FORMS": "0",
            "massnahme-0-title": "Beleuchtung",
        },
    )
    assert answer.status_code == 200 and answer.context["measures"].total_form_count() == 2
    assert "Zwischenstand" in answer.content.decode()
    assert not ParticipationMeasure.objects.exists()

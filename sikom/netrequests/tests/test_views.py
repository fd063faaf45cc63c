"""The pages: filing a request, the coordination's work on it, what the municipality reads; bad input is refused at
the field with a German message and saves nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.cases.models import CaseShare, CaseStatus, Message
from sikom.netrequests.models import AngleReview, ExpertRequest, LegalAngle
from sikom.netrequests.tests.factories import make_request

pytestmark = pytest.mark.django_db


def _form(days: int = 5, **fields) -> dict:
    day = timezone.localdate() + timedelta(days=days)
    return {
        "kind": "assembly",
        "event_day": day.isoformat(),
        "event_time": "18:00",
        "place": "Marktplatz Pirna",
        "organiser": "",
        "expected_participants": "200",
        "known_facts": "Aufruf auf einem Flyer.",
        "sources": "https://example.org/flyer",
        "done_so_far": "",
        "needs": "Rechtliche Einschätzung.",
    } | fields


def test_a_municipality_files_a_request_and_reads_its_status(client, municipality_user):
    testing.login(client, municipality_user)
    response = client.post(reverse("netrequests:create"), _form())
    request = ExpertRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "netrequests:detail", args=[request.case.number]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Anlass in 5 Tagen" in page
    assert "Eingegangen" in page
    listing = client.get(reverse("netrequests:list")).content.decode()
    assert request.case.number in listing and "in 5 Tagen" in listing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_day": (timezone.localdate() - timedelta(days=1)).isoformat()}, "Der Termin muss in der Zukunft"),
        ({"event_day": "31.02.2026"}, "Bitte geben Sie ein gültiges Datum ein"),
        ({"event_time": "25:99"}, "Bitte geben Sie eine gültige Uhrzeit ein"),
        ({"kind": "sonnenwende"}, "Diese Auswahl gibt es nicht"),
        ({"expected_participants": "-3"}, "Bitte geben Sie eine Zahl ab 0 ein."),
        ({"expected_participants": "99999999999999999999"}, "Bitte geben Sie höchstens"),
        ({"expected_participants": "viele"}, "Bitte geben Sie eine ganze Zahl ein."),
        ({"place": "x" * 301}, "Bitte verwenden Sie höchstens 300 Zeichen"),
        ({"known_facts": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"event_day": "9999-12-31"}, "in den nächsten fünf Jahren"),
        ({"place": "a\x00b"}, "Nullzeichen"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(client, municipality_user, fields, message):
    testing.login(client, municipality_user)
    response = client.post(reverse("netrequests:create"), _form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExpertRequest.objects.exists()


def test_the_coordination_brings_in_experts_works_the_checklist_and_records_the_outcome(
    client, municipality_user, expert_network, pd_dresden
):
    request = make_request(by=municipality_user)
    number = request.case.number
    testing.login(client, expert_network)
    page = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert "Anlass in 5 Tagen" in page and "Versammlungsrecht" in page
    # A due date after the event is refused at the field.
    late = (timezone.localdate() + timedelta(days=9)).isoformat()
    response = client.post(
        reverse("netrequests:bring_in", args=[number]),
        {"organisation": pd_dresden.organisation_id, "question": "Erkenntnisse?", "due_on": late},
    )
    assert response.status_code == 400 and "zwischen heute und dem Tag des Anlasses" in response.content.decode()
    assert not CaseShare.objects.exists()
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        reverse("netrequests:bring_in", args=[number]),
        {"organisation": pd_dresden.organisation_id, "question": "Erkenntnisse?", "due_on": due},
    )
    assert response.status_code == 302
    assert CaseShare.objects.get().question == "Erkenntnisse?"

    angle = LegalAngle.objects.first()
    url = reverse("netrequests:review", args=[number, angle.pk])
    data = {"status": "relevant", "notes": "Auflagen", "references": "§ 15 VersG", "outcome": "Auflagen", "version": 0}
    assert client.post(url, data).status_code == 302
    # The same form again (version 0) would overwrite the saved check: refused, nothing changed.
    response = client.post(url, data | {"status": "not_relevant"})
    assert response.status_code == 400 and "inzwischen von jemand anderem geändert" in response.content.decode()
    assert AngleReview.objects.get().status == "relevant"
    checklist = client.get(reverse("netrequests:checklist", args=[number])).content.decode()
    assert "§ 15 VersG" in checklist and "Anlass in 5 Tagen" in checklist

    response = client.post(
        reverse("netrequests:outcome", args=[number]),
        {"outcome": "conditions", "notes": "Auflagen erteilt.", "course": "Friedlich.", "close": "on", "version": 1},
    )
    assert response.status_code == 302
    request.case.refresh_from_db()
    assert request.case.status == CaseStatus.CLOSED

    testing.login(client, municipality_user)
    page = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert "Auflagen erteilt" in page and "Friedlich." in page
    assert "§ 15 VersG" not in page  # the checklist is the offices' work, not shown to the municipality


def test_the_municipality_adds_information_and_never_reads_internal_notes(client, municipality_user, expert_network):
    request = make_request(by=municipality_user)
    number = request.case.number
    testing.login(client, expert_network)
    client.post(reverse("netrequests:message", args=[number]), {"body": "Nur intern", "internal": "true"})
    client.post(reverse("netrequests:message", args=[number]), {"body": "Wir melden uns.", "internal": "false"})
    testing.login(client, municipality_user)
    page = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert "Wir melden uns." in page and "Nur intern" not in page
    response = client.post(reverse("netrequests:information", args=[number]), {"body": ""})
    assert response.status_code == 400 and "Bitte schreiben Sie einen Text." in response.content.decode()
    response = client.post(reverse("netrequests:information", args=[number]), {"body": "Zweiter Aufruf gefunden."})
    assert response.status_code == 302
    assert Message.objects.filter(from_reporter=True, author=municipality_user).count() == 1
    testing.login(client, expert_network)
    assert "neu von der Kommune" in client.get(reverse("netrequests:list")).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"organisation": "999999999", "question": "?", "due_on": "2026-01-01"},
        {"organisation": "abc", "question": "?" * 5000, "due_on": "gestern"},
        {"organisation": "", "question": "", "due_on": ""},
    ],
)
def test_forged_experts_and_dates_are_refused(client, municipality_user, expert_network, data):
    request = make_request(by=municipality_user)
    testing.login(client, expert_network)
    response = client.post(reverse("netrequests:bring_in", args=[request.case.number]), data)
    assert response.status_code == 400
    assert not CaseShare.objects.exists()


def test_forged_checklist_values_are_refused(client, municipality_user, expert_network):
    request = make_request(by=municipality_user)
    testing.login(client, expert_network)
    angle = LegalAngle.objects.first()
    for data in (
        {"status": "erledigt", "version": "0"},
        {"status": "open", "version": "99999999999999"},
        {"status": "open", "version": "-1"},
        {"status": "open", "notes": "x" * 20_001},
    ):
        response = client.post(reverse("netrequests:review", args=[request.case.number, angle.pk]), data)
        assert response.status_code == 400, data
    assert client.post(reverse("netrequests:review", args=[request.case.number, 999999]), {}).status_code == 404
    assert not AngleReview.objects.exists()


def test_an_inactive_angle_not_yet_checked_cannot_be_posted(client, municipality_user, expert_network):
    request = make_request(by=municipality_user)
    angle = LegalAngle.objects.first()
    LegalAngle.objects.filter(pk=angle.pk).update(active=False)
    testing.login(client, expert_network)
    url = reverse("netrequests:review", args=[request.case.number, angle.pk])
    assert client.post(url, {"status": "open", "version": 0}).status_code == 404


def test_without_csrf_token_nothing_is_saved(municipality_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    testing.login(client, municipality_user)
    assert client.post(reverse("netrequests:create"), _form()).status_code == 403
    assert not ExpertRequest.objects.exists()


def test_the_register_keeps_entries_with_history_and_conference_minutes(client, expert_network, zastex):
    testing.login(client, expert_network)
    response = client.post(
        reverse("netrequests:entry_create"),
        {"kind": "property", "name": "Ehemaliger Gasthof", "place": "Ortsteil X", "description": "Kaufinteresse"},
    )
    assert response.status_code == 302
    entry_url = response["Location"]
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(entry_url + "vermerk/", {"on": future, "text": "Besichtigung"})
    assert response.status_code == 400 and "Bitte geben Sie ein Datum bis heute ein." in response.content.decode()
    today = timezone.localdate().isoformat()
    assert client.post(entry_url + "vermerk/", {"on": today, "text": "Besichtigung durch Interessenten"}).status_code
    assert "Besichtigung durch Interessenten" in client.get(entry_url).content.decode()
    response = client.post(
        reverse("netrequests:conference_create"),
        {"held_on": today, "participants": "PD Dresden, Landratsamt", "assessment": "angespannt"},
    )
    assert response.status_code == 302
    conference_url = response["Location"]
    # ZASTEX reads only after the coordination names it.
    testing.login(client, zastex)
    assert client.get(conference_url).status_code == 403
    testing.login(client, expert_network)
    client.post(reverse("netrequests:readers"), {"organisations": [zastex.organisation_id]})
    testing.login(client, zastex)
    assert "angespannt" in client.get(conference_url).content.decode()
    assert client.post(entry_url + "vermerk/", {"on": today, "text": "x"}).status_code == 403


def test_the_list_runs_a_constant_number_of_queries(
    client, municipality_user, expert_network, django_assert_max_num_queries
):
    testing.login(client, expert_network)
    for days in (3, 6, 9):
        make_request(by=municipality_user, days=days)
    with django_assert_max_num_queries(12):
        client.get(reverse("netrequests:list"))
    for days in (4, 7, 10, 12):
        make_request(by=municipality_user, days=days)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("netrequests:list"))
    assert response.content.decode().count("kern-table__row") == 8

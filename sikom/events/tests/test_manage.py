"""The ASSKomm staff pages: events, sessions, programme, registrations and waiting list; bad input on every form gives
a German message at the field and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.events.models import AgendaItem, Event, Session
from sikom.events.tests.factories import confirmed_public, make_event, make_session

pytestmark = pytest.mark.django_db

EVENT = {
    "title": "Argumentationstraining gegen Hassrede (Test)",
    "type": "argumentation",
    "summary": "Sicher antworten, wenn Sitzungen gestört werden.",
    "target_groups": ["officials", "municipal_staff"],
    "language": "de",
    "organiser": "Landespräventionsrat Sachsen",
    "contact_email": "asskomm@example.org",
    "is_published": "on",
}


def when(days: int, hour: int = 9) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


SESSION = {"venue": "Rathaus", "street": "Markt 1", "postcode_city": "01796 Pirna", "capacity": "12"}


@pytest.fixture
def staff(client, asskomm):
    return testing.login(client, asskomm)


def test_asskomm_creates_an_event_with_a_session_and_programme(staff):
    response = staff.post(reverse("events:create"), EVENT | {"district": "14628"})
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("events:session_create", args=[event.pk])
    assert sorted(event.target_groups) == ["municipal_staff", "officials"] and event.district.key == "14628"
    staff.post(
        reverse("events:session_create", args=[event.pk]), SESSION | {"starts_at": when(10), "ends_at": when(10, 16)}
    )
    session = Session.objects.get()
    assert session.capacity == 12
    staff.post(
        reverse("events:agenda", args=[event.pk]), {"starts_at": "09:30", "title": "Begrüßung", "speakers": "N. N."}
    )
    item = AgendaItem.objects.get()
    staff.post(reverse("events:agenda", args=[event.pk]), {"entfernen": str(item.pk)})
    assert not AgendaItem.objects.exists()
    assert {
        "events.event_created",
        "events.session_created",
        "events.agenda_item_added",
        "events.agenda_item_removed",
    } <= set(AuditEvent.objects.values_list("action", flat=True))


def test_event_edit_refuses_a_stale_version(staff):
    event = make_event()
    data = EVENT | {"version": "1"}
    staff.post(reverse("events:edit", args=[event.pk]), data | {"title": "Erste Änderung"})
    response = staff.post(reverse("events:edit", args=[event.pk]), data | {"title": "Zweite Änderung"})
    assert "von jemand anderem geändert" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Erste Änderung" and event.version == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"type": "party"}, "Diese Auswahl gibt es nicht"),
        ({"target_groups": []}, "mindestens eine Zielgruppe"),
        ({"target_groups": ["aliens"]}, "Diese Auswahl gibt es nicht"),
        ({"district": "99999"}, "Diese Auswahl gibt es nicht"),
        ({"contact_email": "", "contact_phone": ""}, "E-Mail-Adresse oder Telefonnummer"),
        ({"contact_email": "kein-at"}, "gültige E-Mail-Adresse"),
        ({"registration_opens_at": when(5), "registration_closes_at": when(3)}, "Anmeldeschluss muss nach"),
        ({"registration_opens_at": "morgen"}, "Datum und Uhrzeit"),
        ({"title": "x" * 201}, "höchstens 200 Zeichen"),
    ],
)
def test_event_form_bad_input(staff, change, message):
    response = staff.post(reverse("events:create"), EVENT | change)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": when(3, 12), "ends_at": when(3, 10)}, "Das Ende muss nach dem Beginn liegen."),
        ({"starts_at": when(3), "ends_at": when(3)}, "Das Ende muss nach dem Beginn liegen."),
        ({"online_url": "http://meet.example.org/x", "street": "", "postcode_city": ""}, "https://"),
        ({"online_url": "javascript:alert(1)"}, "vollständige Internetadresse"),
        ({"street": "", "postcode_city": ""}, "Adresse (Straße, PLZ und Ort) oder einen Online-Zugang"),
        ({"capacity": "0"}, "mindestens einen Platz"),
        ({"capacity": "-3"}, "mindestens einen Platz"),
        ({"capacity": "zehn"}, "ganze Zahl"),
        ({"starts_at": ""}, "Bitte füllen Sie dieses Feld aus."),
    ],
)
def test_session_form_bad_input(staff, change, message):
    event = make_event()
    data = SESSION | {"starts_at": when(3), "ends_at": when(3, 12)} | change
    response = staff.post(reverse("events:session_create", args=[event.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_capacity_below_confirmed_registrations_is_refused_at_the_field(staff):
    session = make_session(capacity=3)
    for n in range(3):
        confirmed_public(session, n)
    local = timezone.localtime
    data = SESSION | {
        "starts_at": f"{local(session.starts_at):%Y-%m-%dT%H:%M}",
        "ends_at": f"{local(session.ends_at):%Y-%m-%dT%H:%M}",
        "capacity": "2",
    }
    response = staff.post(reverse("events:session_edit", args=[session.pk]), data)
    assert "bereits 3 Plätze vergeben" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 3


def test_agenda_form_bad_input(staff):
    event = make_event()
    for data, message in [
        ({"starts_at": "25:99", "title": "X"}, "Uhrzeit"),
        ({"starts_at": "09:00", "title": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"entfernen": "999999"}, ""),
        ({"entfernen": "x" * 50}, ""),
    ]:
        response = staff.post(reverse("events:agenda", args=[event.pk]), data, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_staff_see_the_waiting_list_and_reorder_it(staff, asskomm):
    session = make_session(capacity=1)
    confirmed_public(session, 0)
    a = confirmed_public(session, 1)
    b = confirmed_public(session, 2)
    page = staff.get(reverse("events:session_registrations", args=[session.pk]))
    body = page.content.decode()
    assert body.index("Person 1") < body.index("Person 2")
    url = reverse("events:session_registrations", args=[session.pk])
    staff.post(url, {"registration": b.pk, "position": "1", "reason": "Kommune mit akuter Lage"})
    b.refresh_from_db()
    assert b.queue_position == 1
    # Bad input: no reason, a forged id, a position out of range, garbage.
    for data, message in [
        ({"registration": a.pk, "position": "1", "reason": ""}, "Begründung"),
        ({"registration": "999999", "position": "1", "reason": "x"}, "nicht (mehr) auf der Warteliste"),
        ({"registration": a.pk, "position": "9", "reason": "x"}, "zwischen 1 und 2"),
        ({"registration": "abc", "position": "eins", "reason": "x"}, "ganze Zahl"),
    ]:
        response = staff.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), data
    a.refresh_from_db()
    assert a.queue_position == 2


def test_registrations_download(staff):
    session = make_session()
    confirmed_public(session, 1)
    response = staff.get(reverse("events:session_registrations", args=[session.pk]) + "?format=csv")
    assert b"Person 1" in b"".join(response.streaming_content)
    assert staff.get(reverse("events:session_registrations", args=[session.pk]) + "?format=pdf").status_code == 404
    assert staff.get(reverse("events:session_registrations", args=[session.pk]) + "?format=xlsx").status_code == 200


def test_public_form_bad_input(client):
    session = make_session()
    url = reverse("events:register", args=[session.pk])
    good = {"name": "Erika", "email": "erika@example.org", "organisation": "Gemeinde"}
    for change, message in [
        ({"name": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"email": "keine"}, "gültige E-Mail-Adresse"),
        ({"organisation": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"companions": "\n".join(f"P{n}" for n in range(12))}, "höchstens 9 weitere"),
        ({"companions": "x" * 300}, "200 Zeichen"),
    ]:
        response = client.post(url, good | change)
        assert response.status_code == 200 and message in response.content.decode(), change
    assert not session.registrations.exists()


def test_registration_for_a_past_session_or_after_the_deadline_shows_why(client, official):
    past = make_session(days=-1)
    response = client.post(
        reverse("events:register", args=[past.pk]), {"name": "E", "email": "e@example.org", "organisation": "G"}
    )
    assert "bereits begonnen" in response.content.decode()
    closed = make_session(make_event(registration_closes_at=timezone.now() - timedelta(minutes=5)))
    testing.login(client, official)
    response = client.post(reverse("events:register", args=[closed.pk]), {"organisation": "G"})
    assert "Anmeldefrist ist abgelaufen" in response.content.decode()
    assert not past.registrations.exists() and not closed.registrations.exists()


def test_duplicate_registration_message_on_the_page(client, official):
    session = make_session()
    testing.login(client, official)
    client.post(reverse("events:register", args=[session.pk]), {"organisation": "G"})
    response = client.post(reverse("events:register", args=[session.pk]), {"organisation": "G"})
    assert "bereits eine Anmeldung" in response.content.decode()
    assert session.registrations.count() == 1


def test_forged_session_id_is_404(client):
    assert client.get(reverse("events:register", args=[987654])).status_code == 404
    assert client.post(reverse("events:register", args=[987654]), {"name": "x"}).status_code == 404


def test_reading_and_downloading_registrations_is_audited(staff, asskomm):
    session = make_session()
    confirmed_public(session, 1)
    staff.get(reverse("events:session_registrations", args=[session.pk]))
    staff.get(reverse("events:session_registrations", args=[session.pk]) + "?format=csv")
    actions = list(AuditEvent.objects.filter(actor=asskomm).values_list("action", flat=True))
    assert "events.registrations_viewed" in actions and "events.registrations_exported" in actions


def test_manage_list_query_count_is_constant(staff, django_assert_max_num_queries):
    for n in range(3):
        make_session(make_event(title=f"E{n}"))
    staff.get(reverse("events:manage"))
    with django_assert_max_num_queries(12) as captured:
        staff.get(reverse("events:manage"))
    baseline = len(captured.captured_queries)
    for n in range(10):
        event = make_event(title=f"F{n}")
        make_session(event)
        make_session(event, days=30)
    with django_assert_max_num_queries(baseline):
        staff.get(reverse("events:manage"))

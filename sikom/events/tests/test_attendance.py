"""Attendance: check-in on the phone page, undo, walk-ins under the session lock, the attendance list downloads,
and the certificates for persons marked present only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.events import services
from sikom.events.models import Attendance, Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import make_session, manage_token, member, past_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, asskomm):
    testing.login(client, asskomm)
    return client


def _today_session(**fields):
    return make_session(days=0, starts_at=timezone.now() - timedelta(minutes=30), **fields)


def test_check_in_and_undo_without_javascript(staff, asskomm):
    session = _today_session(capacity=5)
    registration = past_confirmed(1, session=session, seats=2)
    first, second = registration.persons.all()
    url = reverse("events:check_in", args=[session.pk])
    page = staff.get(url).content.decode()
    assert "Person 1.0" in page and "Anwesend" in page
    response = staff.post(url, {"person": first.pk, "action": "present"})
    assert response.status_code == 302
    assert Attendance.objects.filter(person=first).exists()
    assert not Attendance.objects.filter(person=second).exists()
    staff.post(url, {"person": first.pk, "action": "present"})  # twice: still one row
    assert Attendance.objects.filter(session=session).count() == 1
    staff.post(url, {"person": first.pk, "action": "undo"})
    assert not Attendance.objects.filter(session=session).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"events.checked_in", "events.check_in_undone"} <= actions


def test_check_in_with_htmx_returns_only_the_row(staff):
    session = _today_session()
    person = past_confirmed(1, session=session).persons.get()
    response = staff.post(
        reverse("events:check_in", args=[session.pk]),
        {"person": person.pk, "action": "present"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="person-{person.pk}"' in body and "<html" not in body
    assert "anwesend" in body and "Rückgängig" in body


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999999999999", ""])
def test_forged_person_ids_change_nothing(staff, value):
    session = _today_session()
    other = past_confirmed(2, session=_today_session()).persons.get()
    url = reverse("events:check_in", args=[session.pk])
    for person in [value, str(other.pk)]:
        response = staff.post(url, {"person": person, "action": "present"}, follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "gibt es hier nicht" in body or "nicht (mehr) bestätigt angemeldet" in body
    assert not Attendance.objects.exists()


def test_waiting_or_cancelled_persons_cannot_be_checked_in(staff):
    session = _today_session()
    registration = past_confirmed(1, session=session)
    Registration.objects.filter(pk=registration.pk).update(status=R.CANCELLED)
    response = staff.post(
        reverse("events:check_in", args=[session.pk]),
        {"person": registration.persons.get().pk, "action": "present"},
        follow=True,
    )
    assert "nicht (mehr) bestätigt angemeldet" in response.content.decode()
    assert not Attendance.objects.exists()


def test_check_in_not_before_the_day_before(staff):
    session = make_session(days=10)
    person = past_confirmed(1, session=session).persons.get()
    response = staff.post(
        reverse("events:check_in", args=[session.pk]), {"person": person.pk, "action": "present"}, follow=True
    )
    assert "erst ab einem Tag vor Beginn" in response.content.decode()
    assert not Attendance.objects.exists()


def test_walk_in_registers_confirms_and_marks_present(staff):
    session = _today_session(capacity=2)
    past_confirmed(1, session=session)
    response = staff.post(
        reverse("events:walk_in", args=[session.pk]),
        {"name": "Karl Spontan", "organisation": "Stadt Pirna", "role": "", "email": "karl@example.org"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(name="Karl Spontan")
    assert registration.status == R.CONFIRMED and registration.user is None
    assert Attendance.objects.filter(person__registration=registration).count() == 1
    assert mail.outbox and mail.outbox[-1].to == ["karl@example.org"]
    assert AuditEvent.objects.filter(action="events.walk_in").exists()


def test_walk_in_beyond_capacity_is_refused(staff):
    session = _today_session(capacity=1)
    past_confirmed(1, session=session)
    response = staff.post(
        reverse("events:walk_in", args=[session.pk]), {"name": "Zu Spät", "organisation": "Stadt Pirna"}
    )
    assert response.status_code == 200
    assert "Der Termin ist voll (1 von 1 Plätzen vergeben)" in response.content.decode()
    assert Registration.objects.count() == 1 and not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "organisation": "X"}, "Bitte füllen Sie dieses Feld aus."),
        ({"name": "A", "organisation": "X", "email": "kein-mail"}, "gültige E-Mail-Adresse"),
        ({"name": "A" * 201, "organisation": "X"}, "höchstens 200 Zeichen"),
    ],
)
def test_walk_in_bad_input(staff, data, message):
    session = _today_session()
    response = staff.post(reverse("events:walk_in", args=[session.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Registration.objects.exists()


def test_walk_in_duplicate_email_refused(staff):
    session = _today_session()
    past_confirmed(1, session=session)
    response = staff.post(
        reverse("events:walk_in", args=[session.pk]),
        {"name": "Doppelt", "organisation": "X", "email": "person1@example.org"},
    )
    assert "bereits eine Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1


def test_walk_in_after_the_session_is_refused(staff):
    session = make_session(days=-2)
    response = staff.post(reverse("events:walk_in", args=[session.pk]), {"name": "A", "organisation": "X"})
    assert "vorbei" in response.content.decode()
    assert not Registration.objects.exists()


def test_attendance_list_downloads(staff):
    session = _today_session()
    registration = past_confirmed(1, session=session, seats=2)
    Attendance.objects.create(session=session, person=registration.persons.first())
    url = reverse("events:attendance_list", args=[session.pk])
    pdf = staff.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = b"".join(staff.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "Person 1.0" in csv and "ja" in csv and "nein" in csv
    xlsx = staff.get(url + "?format=xlsx")
    assert xlsx.status_code == 200
    assert staff.get(url + "?format=doc").status_code == 404


def test_certificate_only_for_persons_marked_present(client):
    registration = past_confirmed(1, seats=3)
    first, second, third = registration.persons.all()
    Attendance.objects.create(session=registration.session, person=first)
    Attendance.objects.create(session=registration.session, person=third)
    token = manage_token(registration)
    page = client.get(reverse("events:registration", args=[token])).content.decode()
    assert "Bescheinigung für Person 1.0" in page and "Bescheinigung für Person 1.2" in page
    assert "Person 1.1 (PDF)" not in page
    for person in (first, third):
        response = client.get(reverse("events:certificate", args=[token, person.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("events:certificate", args=[token, second.pk])).status_code == 404
    other = past_confirmed(2)
    Attendance.objects.create(session=other.session, person=other.persons.get())
    assert client.get(reverse("events:certificate", args=[token, other.persons.get().pk])).status_code == 404
    assert client.get(reverse("events:certificate", args=["erfunden", first.pk])).status_code == 400


def test_certificate_text_states_event_date_duration_organiser(client):
    from io import BytesIO

    from pypdf import PdfReader

    registration = past_confirmed(1)
    Attendance.objects.create(session=registration.session, person=registration.persons.get())
    token = manage_token(registration)
    pdf = client.get(reverse("events:certificate", args=[token, registration.persons.get().pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    session = registration.session
    assert "Teilnahmebescheinigung" in text and "Person 1.0" in text
    assert session.event.title in text and "Landespräventionsrat Sachsen" in text
    assert timezone.localtime(session.starts_at).strftime("%d.%m.%Y") in text and "3 Stunden" in text


def test_certificate_from_my_registrations(client):
    user = member(1)
    session = make_session(days=-3)
    registration = past_confirmed(5, session=session)
    Registration.objects.filter(pk=registration.pk).update(user=user)
    person = registration.persons.get()
    testing.login(client, user)
    page = client.get(reverse("events:mine")).content.decode()
    assert "Bescheinigung für" not in page
    assert client.get(reverse("events:mine_certificate", args=[registration.pk, person.pk])).status_code == 404
    Attendance.objects.create(session=session, person=person)
    assert "Bescheinigung für Person 5.0" in client.get(reverse("events:mine")).content.decode()
    response = client.get(reverse("events:mine_certificate", args=[registration.pk, person.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    testing.login(client, member(2))
    assert client.get(reverse("events:mine_certificate", args=[registration.pk, person.pk])).status_code == 404


def test_manage_link_of_confirmation_lasts_until_retention(settings):
    from sikom.events.models import LinkToken

    user = member(3)
    session = make_session(capacity=2)
    services.register_member(session_id=session.pk, user=user, data={"organisation": "G"})
    token = LinkToken.objects.get(purpose=LinkToken.Purpose.MANAGE)
    assert token.expires_at > session.ends_at + timedelta(days=300)


def test_check_in_page_query_count_is_constant(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = _today_session(capacity=50)
    past_confirmed(1, session=session, seats=2)
    url = reverse("events:check_in", args=[session.pk])
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n in range(2, 12):
        registration = past_confirmed(n, session=session, seats=2)
        Attendance.objects.create(session=session, person=registration.persons.first())
    with CaptureQueriesContext(connection) as many:
        body = staff.get(url).content.decode()
    assert len(many) == len(few)
    assert "10 von 22 angemeldeten Personen anwesend." in body

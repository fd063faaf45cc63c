"""Demo data, the programme figures and the housekeeping job of the events app."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom.core import figures, housekeeping
from sikom.events import demo, services
from sikom.events.models import Attendance, Event, Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import confirmed_public, make_event, make_session

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_marked(client):
    assert demo.load()
    assert demo.load() == []
    assert all(event.title.endswith("(Demo)") for event in Event.objects.all())
    training = Event.objects.get(type="deescalation")
    full = training.sessions.order_by("starts_at").first()
    assert services.seats_held(full) == full.capacity
    assert full.registrations.filter(status=R.WAITING).count() == 3
    conference = Event.objects.get(type="conference")
    assert conference.agenda.count() >= 5
    body = client.get(reverse("events:detail", args=[conference.pk])).content.decode()
    assert "Programm" in body and "Begrüßung" in body
    assert all(r.email.endswith("@demo.sikom.invalid") for r in Registration.objects.all())


def test_trainings_and_participants_figures_count_past_sessions():
    registered = {figure.key: figure for figure in figures.registered()}
    assert registered["trainings"].order == 60 and str(registered["trainings"].label) == "Schulungen"
    assert registered["participants"].order == 61 and str(registered["participants"].label) == "Teilnehmende"
    pirna = make_event(district_id=None)
    future = make_session(pirna, capacity=5)
    confirmed_public(future, 1)
    conference = make_session(make_event(type="conference"), days=-5)
    past = make_session(make_event(), days=-10)
    past_rows_before = list(registered["trainings"].rows())
    assert len(past_rows_before) == 1  # only the training that took place, not the conference nor the future one
    row = past_rows_before[0]
    assert row["start"] == timezone.localdate(past.starts_at) and row["end"] is None
    # Two confirmed persons (one group of two) of a past training, one cancelled: 2 participants.
    Registration.objects.create(
        session=past, status=R.CONFIRMED, name="A", email="a@example.org", organisation="G", seats=2
    )
    reg = Registration.objects.last()
    reg.persons.create(name="A", position=0)
    reg.persons.create(name="B", position=1)
    cancelled = Registration.objects.create(
        session=conference, status=R.CANCELLED, name="C", email="c@example.org", organisation="G"
    )
    cancelled.persons.create(name="C")
    # Participants are persons marked present: none yet, then one of the group.
    assert len(list(registered["participants"].rows())) == 0
    Attendance.objects.create(session=past, person=reg.persons.get(name="B"))
    rows = list(registered["participants"].rows())
    assert len(rows) == 1 and rows[0]["start"] == timezone.localdate(past.starts_at)


def test_housekeeping_runs_the_expiry():
    session = make_session(capacity=1)
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    third = confirmed_public(session, 3)
    services.cancel(registration=first)
    Registration.objects.filter(pk=second.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    result = housekeeping.run_jobs()
    assert result["event_offers_expired"] == 1
    third.refresh_from_db()
    assert third.status == R.OFFERED


def test_demo_follow_up_attendance_certificate_feedback_publications(client, asskomm):
    from django.contrib.auth import get_user_model

    from sikom import testing
    from sikom.events.models import FeedbackAnswer, NewsItem, Publication

    login = get_user_model().objects.create_user("kommune@demo.sikom.invalid", "x" * 20, full_name="Demo Kommune")
    assert demo.load()
    assert demo.load() == []
    past = Event.objects.get(title="Argumentationstraining gegen Hassrede (Demo)")
    assert Attendance.objects.filter(session__event=past).count() == 10
    assert FeedbackAnswer.objects.filter(event=past).count() >= 5
    flyer = Publication.objects.get(type="flyer")
    assert "Zentraler Broschürenversand" in flyer.order_info and "publikationen@sachsen.de" in flyer.order_info
    assert not flyer.file_name  # referenced, not reproduced
    assert all(p.title.endswith("(Demo)") for p in Publication.objects.exclude(pk=flyer.pk))
    assert all(n.title.endswith("(Demo)") for n in NewsItem.objects.all())
    registration = Registration.objects.get(user=login)
    testing.login(client, login)
    person = registration.persons.get()
    response = client.get(reverse("events:mine_certificate", args=[registration.pk, person.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    testing.login(client, asskomm)
    body = client.get(reverse("events:feedback_results", args=[past.pk])).content.decode()
    assert "<svg" in body
    body = client.get(reverse("events:detail", args=[past.pk])).content.decode()
    assert "Folien: Angebote der Landesstrategie (Demo)" in body

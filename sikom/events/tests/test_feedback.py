"""Feedback after a session: invitations by e-mail to persons marked present, single-use links, answers stored
without any link to the registration, and the aggregate (count only below five answers)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.core import housekeeping
from sikom.events import services
from sikom.events.models import Attendance, FeedbackAnswer, FeedbackToken, Person
from sikom.events.tests.factories import make_session, past_confirmed

pytestmark = pytest.mark.django_db

ANSWER = {"overall": "5", "usefulness": "4", "organisation": "3", "takeaway": "Ruhig bleiben.", "improve": ""}


def _links(message) -> list[str]:
    return re.findall(r"/veranstaltungen/rueckmeldung/([^/\s]+)/", message.body)


def _present_group(seats=2, present=2):
    registration = past_confirmed(1, seats=seats, days=-1)
    for person in list(registration.persons.all())[:present]:
        Attendance.objects.create(session=registration.session, person=person)
    return registration


def test_invitation_one_link_per_present_person_once():
    registration = _present_group(seats=3, present=2)
    result = housekeeping.run_jobs()
    assert result["event_feedback_invitations"] == 1
    message = mail.outbox[-1]
    assert message.to == ["person1@example.org"]
    assert len(_links(message)) == 2
    assert "/veranstaltungen/anmeldung/" in message.body  # the certificate link
    assert FeedbackToken.objects.count() == 2
    assert Person.objects.filter(registration=registration, feedback_invited=True).count() == 2
    housekeeping.run_jobs()
    assert len(mail.outbox) == 1 and FeedbackToken.objects.count() == 2


def test_no_invitation_before_the_end_or_without_attendance():
    upcoming = make_session(days=3)
    registration = past_confirmed(1, session=upcoming)
    Attendance.objects.create(session=upcoming, person=registration.persons.get())
    past_confirmed(2, days=-1)  # nobody marked present
    services.invite_feedback()
    assert not mail.outbox and not FeedbackToken.objects.exists()


def test_answer_is_stored_anonymously_and_the_link_works_once(client):
    _present_group(seats=1, present=1)
    services.invite_feedback()
    (token,) = _links(mail.outbox[-1])
    url = reverse("events:feedback", args=[token])
    assert "Was nehmen Sie mit?" in client.get(url).content.decode()
    response = client.post(url, ANSWER)
    assert response.status_code == 200 and "Vielen Dank" in response.content.decode()
    answer = FeedbackAnswer.objects.get()
    assert (answer.overall, answer.usefulness, answer.organisation) == (5, 4, 3)
    assert answer.submitted_on == timezone.localdate()
    # No field of the answer points to a registration, person or token; the token knows no person.
    names = {field.name for field in FeedbackAnswer._meta.get_fields()}
    assert names == {"id", "event", "submitted_on", "overall", "usefulness", "organisation", "takeaway", "improve"}
    assert {field.name for field in FeedbackToken._meta.get_fields()} == {
        "id",
        "session",
        "token_hash",
        "expires_at",
        "used",
    }
    assert FeedbackToken.objects.get().used
    again = client.post(url, ANSWER)
    assert again.status_code == 400 and "bereits eine Rückmeldung abgegeben" in again.content.decode()
    assert FeedbackAnswer.objects.count() == 1


@pytest.mark.parametrize(
    "data,message",
    [
        (ANSWER | {"overall": ""}, "Bitte wählen Sie eine Bewertung von 1 bis 5."),
        (ANSWER | {"usefulness": "6"}, "Bitte wählen Sie eine Bewertung von 1 bis 5."),
        (ANSWER | {"organisation": "x"}, "Bitte wählen Sie eine Bewertung von 1 bis 5."),
        (ANSWER | {"improve": "x" * 2001}, "höchstens 2000 Zeichen"),
    ],
)
def test_feedback_bad_input(client, data, message):
    session = make_session(days=-1)
    raw, _pk = services.issue_feedback_token(session=session)
    response = client.post(reverse("events:feedback", args=[raw]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not FeedbackAnswer.objects.exists() and not FeedbackToken.objects.get().used


def test_expired_and_unknown_links(client):
    session = make_session(days=-1)
    raw, pk = services.issue_feedback_token(session=session)
    FeedbackToken.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(reverse("events:feedback", args=[raw]), ANSWER)
    assert response.status_code == 400 and "abgelaufen" in response.content.decode()
    assert client.get(reverse("events:feedback", args=["erfunden"])).status_code == 400
    assert not FeedbackAnswer.objects.exists()


def test_aggregate_shows_count_only_below_five_then_charts(client, asskomm):
    session = make_session(days=-1)
    event = session.event
    testing.login(client, asskomm)
    url = reverse("events:feedback_results", args=[event.pk])
    for n in range(4):
        services.submit_feedback(
            raw_token=services.issue_feedback_token(session=session)[0],
            data={"overall": 5 - n % 2, "usefulness": 4, "organisation": 3, "takeaway": f"Punkt {n}", "improve": ""},
        )
    body = client.get(url).content.decode()
    assert "4 Rückmeldungen liegen vor" in body and "erst ab fünf" in body
    assert "<svg" not in body and "Punkt 0" not in body
    services.submit_feedback(
        raw_token=services.issue_feedback_token(session=session)[0],
        data={"overall": 2, "usefulness": 4, "organisation": 3, "takeaway": "", "improve": "Mehr Pausen"},
    )
    body = client.get(url).content.decode()
    assert "5 Rückmeldungen liegen vor" in body
    assert body.count("<svg") == 3 and "<title" in body and "<desc" in body
    assert "Punkt 3" in body and "Mehr Pausen" in body
    assert "Mittelwert: 4,0" in body or "Mittelwert: 4.0" in body

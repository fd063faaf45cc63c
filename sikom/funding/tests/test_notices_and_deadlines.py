"""E-mail notices (queued with the change, reference number and link only) and overdue questions (marked in words,
the staff may continue without the answer, with a reason)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.funding import services
from sikom.funding.models import Status, StatusChange
from sikom.funding.tests.factories import TODAY, make_application, make_call, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return make_call()


def _reviewed(call, *, applicant, staff):
    application = make_application(call, by=applicant)
    application = services.start_review(application=application, by=staff)
    scorer = reviewer()
    services.save_review(
        application=application, by=scorer, scores={c.pk: 4 for c in call.criteria.all()}, recommendation=""
    )
    return application


def _only_to(user):
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    return mail.outbox[0]


def _no_money_or_names(message, application):
    body = message.subject + message.body
    assert application.number in body
    assert reverse("funding:application_detail", args=[application.pk]) in body
    assert "€" not in body and "9.000" not in body and "9000" not in body
    assert application.title not in body and application.applicant not in body


def test_the_applicant_is_told_of_a_question_with_its_deadline(call, asskomm, municipality_user):
    application = _reviewed(call, applicant=municipality_user, staff=asskomm)
    mail.outbox.clear()
    services.ask_query(application=application, by=asskomm, text="Bitte Ziele schärfen", deadline=date(2026, 12, 1))
    message = _only_to(municipality_user)
    assert "01.12.2026" in message.body and "Rückfrage" in message.subject
    _no_money_or_names(message, application)
    assert "Ziele schärfen" not in message.body


def test_the_applicant_is_told_of_decision_payment_and_closed_proof(call, asskomm, municipality_user):
    application = _reviewed(call, applicant=municipality_user, staff=asskomm)
    mail.outbox.clear()
    services.decide(application=application, by=asskomm, outcome="partly_approved", amount=Decimal("8000.00"))
    message = _only_to(municipality_user)
    assert "entschieden" in message.body
    _no_money_or_names(message, application)
    mail.outbox.clear()
    payment = services.request_payment(
        application=application, by=municipality_user, year=call.year, amount=Decimal("6000.00"), expenditure="Honorare"
    )
    assert mail.outbox == []  # the request itself is the applicant's own step
    services.pay(payment=payment, by=asskomm)
    assert "Auszahlung" in _only_to(municipality_user).body
    mail.outbox.clear()
    line = application.cost_lines.get()
    services.file_proof(
        application=application,
        by=municipality_user,
        evaluation="Ausgewertet",
        conclusions="Weiter so",
        actuals={line.pk: (Decimal("6000.00"), "weniger Honorare")},
    )
    services.close_proof(application=application, by=asskomm, final_amount=Decimal("4800.00"))
    message = _only_to(municipality_user)
    assert "Verwendungsnachweis" in message.body
    _no_money_or_names(message, application)


def test_a_refused_decision_sends_nothing(call, asskomm, municipality_user):
    application = _reviewed(call, applicant=municipality_user, staff=asskomm)
    mail.outbox.clear()
    with pytest.raises(services.Refused):
        services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("1.00"))
    assert mail.outbox == []


def test_reviewers_are_told_when_assigned_once(call, asskomm, municipality_user):
    application = make_application(call, by=municipality_user)
    person = reviewer()
    mail.outbox.clear()
    services.assign_reviewer(application=application, reviewer=person, by=asskomm)
    message = _only_to(person)
    assert "Bewertung" in message.body
    _no_money_or_names(message, application)
    services.assign_reviewer(application=application, reviewer=person, by=asskomm)
    assert len(mail.outbox) == 1


def test_no_applicant_no_notice(call, asskomm):
    application = make_application(call, by=None)
    application = services.start_review(application=application, by=asskomm)
    mail.outbox.clear()
    services.ask_query(application=application, by=asskomm, text="Frage", deadline=date(2026, 12, 1))
    assert mail.outbox == []


# Question deadlines


def _asked(call, *, applicant, staff, deadline):
    application = make_application(call, by=applicant)
    application = services.start_review(application=application, by=staff)
    services.ask_query(application=application, by=staff, text="Bitte Ziele schärfen", deadline=deadline)
    application.refresh_from_db()
    return application


def test_staff_continue_without_the_answer_only_after_the_deadline_and_with_a_reason(call, asskomm, municipality_user):
    deadline = TODAY + timedelta(days=7)
    application = _asked(call, applicant=municipality_user, staff=asskomm, deadline=deadline)
    with pytest.raises(services.Refused, match="Frist"):
        services.resume_review(application=application, by=asskomm, reason="keine Antwort", today=deadline)
    with pytest.raises(services.Refused, match="begründen"):
        services.resume_review(application=application, by=asskomm, reason="  ", today=deadline + timedelta(days=1))
    application.refresh_from_db()
    assert application.status == Status.QUERIES
    services.resume_review(
        application=application, by=asskomm, reason="Keine Antwort bis zur Frist", today=deadline + timedelta(days=1)
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    change = StatusChange.objects.filter(application=application).last()
    assert (change.status, change.reason, change.by) == (Status.IN_REVIEW, "Keine Antwort bis zur Frist", asskomm)
    assert AuditEvent.objects.filter(action="funding.review_resumed", object_id=str(application.pk)).exists()
    assert services.open_query(application) is None
    with pytest.raises(services.Refused):
        services.resume_review(application=application, by=asskomm, reason="nochmal", today=deadline + timedelta(1))


def test_overdue_is_shown_in_words_to_staff_and_applicant(client, call, asskomm, municipality_user, monkeypatch):
    application = _asked(call, applicant=municipality_user, staff=asskomm, deadline=TODAY + timedelta(days=3))
    detail = reverse("funding:application_detail", args=[application.pk])
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    testing.login(client, asskomm)
    page = client.get(detail).content.decode()
    assert "Antwort bis" in page and "überfällig" not in page and "Ohne Antwort weiterprüfen" not in page
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY + timedelta(days=4))
    listing = client.get(reverse("funding:applications")).content.decode()
    assert "überfällig" in listing
    page = client.get(detail).content.decode()
    assert "überfällig" in page and "Ohne Antwort weiterprüfen" in page
    client.logout()
    testing.login(client, municipality_user)
    page = client.get(detail).content.decode()
    assert "überfällig" in page and "Antwort bis" in page and "Ohne Antwort weiterprüfen" not in page
    answer_page = client.get(reverse("funding:answer", args=[application.pk])).content.decode()
    assert "überfällig" in answer_page
    # The applicant cannot take the staff's step.
    assert client.post(reverse("funding:resume", args=[application.pk]), {"resume-reason": "x"}).status_code in (
        403,
        404,
    )
    client.logout()
    testing.login(client, asskomm)
    response = client.post(reverse("funding:resume", args=[application.pk]), {"resume-reason": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.QUERIES
    response = client.post(reverse("funding:resume", args=[application.pk]), {"resume-reason": "Frist verstrichen"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    page = client.get(detail).content.decode()
    assert "ohne Antwort fortgesetzt" in page and "überfällig" not in page


def test_the_review_list_keeps_a_constant_query_count(
    client, call, asskomm, municipality_user, django_assert_max_num_queries
):
    for _n in range(3):
        _asked(call, applicant=municipality_user, staff=asskomm, deadline=TODAY + timedelta(days=1))
    testing.login(client, asskomm)
    client.get(reverse("funding:applications"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("funding:applications"))
    count = len(few.captured_queries)
    for _n in range(5):
        _asked(call, applicant=municipality_user, staff=asskomm, deadline=TODAY + timedelta(days=1))
    with django_assert_max_num_queries(count):
        client.get(reverse("funding:applications"))


def test_resuming_refuses_hostile_input(client, call, asskomm, municipality_user, monkeypatch):
    application = _asked(call, applicant=municipality_user, staff=asskomm, deadline=TODAY)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY + timedelta(days=1))
    testing.login(client, asskomm)
    url = reverse("funding:resume", args=[application.pk])
    assert client.post(reverse("funding:resume", args=[999999999]), {"resume-reason": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    for reason in ("x" * 5000, "   "):
        response = client.post(url, {"resume-reason": reason}, follow=True)
        assert "Bitte begründen Sie" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.QUERIES
    strict = client.__class__(enforce_csrf_checks=True)
    testing.login(strict, asskomm)
    assert strict.post(url, {"resume-reason": "Frist verstrichen"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.QUERIES

"""Registration, waiting list and cancellation as services: seats are never oversold, groups move together,
offers expire to the next in line, links are single-use."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sikom.core.models import AuditEvent
from sikom.events import services
from sikom.events.models import LinkToken, Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import confirmed_public, link_from_mail, make_event, make_session, member, person

pytestmark = pytest.mark.django_db


def statuses(session):
    return list(session.registrations.order_by("pk").values_list("status", flat=True))


def test_public_registration_holds_no_seat_until_the_link_is_confirmed():
    session = make_session(capacity=1)
    registration = services.register_public(session_id=session.pk, data=person(1))
    assert registration.status == R.PENDING
    assert services.seats_held(session) == 0
    assert "bestätigen" in mail.outbox[-1].subject
    token = link_from_mail("confirm")
    # Only the hash is stored.
    assert not LinkToken.objects.filter(token_hash=token).exists()
    assert LinkToken.objects.filter(token_hash=services.token_hash(token)).exists()
    confirmed = services.confirm_email(raw_token=token)
    assert confirmed.status == R.CONFIRMED
    assert services.seats_held(session) == 1
    assert mail.outbox[-1].subject.startswith("Anmeldung bestätigt")


def test_confirmation_link_is_single_use():
    session = make_session()
    services.register_public(session_id=session.pk, data=person(1))
    token = link_from_mail("confirm")
    services.confirm_email(raw_token=token)
    with pytest.raises(services.LinkInvalid, match="bereits verwendet"):
        services.confirm_email(raw_token=token)


def test_expired_confirmation_link_is_refused_and_holds_nothing(settings):
    session = make_session()
    registration = services.register_public(session_id=session.pk, data=person(1))
    token = link_from_mail("confirm")
    Registration.objects.filter(pk=registration.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    LinkToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.LinkInvalid, match="abgelaufen"):
        services.confirm_email(raw_token=token)
    assert services.expire_overdue()["event_registrations_unconfirmed_expired"] == 1
    assert Registration.objects.get(pk=registration.pk).status == R.EXPIRED


def test_confirmation_window_comes_from_the_setting(settings):
    settings.EVENT_CONFIRMATION_HOURS = 3
    session = make_session()
    registration = services.register_public(session_id=session.pk, data=person(1))
    assert abs((registration.deadline - timezone.now()) - timedelta(hours=3)) < timedelta(minutes=1)


def test_unknown_link_is_refused():
    with pytest.raises(services.LinkInvalid, match="ungültig"):
        services.confirm_email(raw_token="nicht-echt")


def test_member_registers_in_one_step_then_waits_when_full():
    session = make_session(capacity=1)
    first = services.register_member(session_id=session.pk, user=member(1), data={"organisation": "Stadt Pirna"})
    second = services.register_member(session_id=session.pk, user=member(2), data={"organisation": "Stadt Pirna"})
    assert (first.status, second.status) == (R.CONFIRMED, R.WAITING)
    assert second.queue_position == 1
    assert mail.outbox[-1].subject.startswith("Warteliste")


def test_duplicate_email_for_the_same_session_is_refused():
    session = make_session()
    services.register_public(session_id=session.pk, data=person(1))
    with pytest.raises(services.Refused, match="bereits eine Anmeldung"):
        services.register_public(session_id=session.pk, data=person(1, email="PERSON1@example.org"))
    assert session.registrations.count() == 1
    # Another session of the same event is fine.
    other = make_session(session.event, days=20)
    services.register_public(session_id=other.pk, data=person(1))


def test_a_cancelled_person_may_register_again():
    session = make_session()
    registration = confirmed_public(session, 1)
    services.cancel(registration=registration)
    services.register_public(session_id=session.pk, data=person(1))


def test_group_is_confirmed_or_waits_as_a_whole():
    session = make_session(capacity=3)
    confirmed_public(session, 1)
    group = services.register_member(
        session_id=session.pk, user=member(1), data={"organisation": "Gemeinde X"}, companions=["Rat A", "Rat B"]
    )
    assert group.status == R.WAITING and group.seats == 3  # 1 + 3 > 3
    assert list(group.persons.values_list("name", flat=True)) == ["Mitglied 1", "Rat A", "Rat B"]
    assert services.seats_held(session) == 1


def test_cancellation_offers_the_seat_to_the_first_group_that_fits():
    session = make_session(capacity=2)
    a = confirmed_public(session, 1)
    confirmed_public(session, 2)
    group = services.register_member(
        session_id=session.pk, user=member(1), data={"organisation": "G"}, companions=["B", "C"]
    )
    single = confirmed_public(session, 3)
    assert (group.status, single.status) == (R.WAITING, R.WAITING)
    services.cancel(registration=a)
    group.refresh_from_db()
    single.refresh_from_db()
    # The group of three does not fit one seat: the next in line who fits gets the offer, the group keeps its place.
    assert (group.status, single.status) == (R.WAITING, R.OFFERED)
    assert group.queue_position == 1
    assert services.seats_held(session) == 2


def test_group_is_promoted_only_when_the_whole_group_fits():
    session = make_session(capacity=3)
    regs = [confirmed_public(session, n) for n in range(3)]
    group = services.register_member(
        session_id=session.pk, user=member(1), data={"organisation": "G"}, companions=["B"]
    )
    services.cancel(registration=regs[0])
    group.refresh_from_db()
    assert group.status == R.WAITING
    services.cancel(registration=regs[1])
    group.refresh_from_db()
    assert group.status == R.OFFERED
    assert services.seats_held(session) == 3


def test_accepting_an_offer_confirms_and_the_link_is_single_use():
    session = make_session(capacity=1)
    first = confirmed_public(session, 1)
    waiting = confirmed_public(session, 2)
    services.cancel(registration=first)
    offer_mail = next(m for m in mail.outbox if m.to == [waiting.email] and "frei geworden" in m.subject)
    token = link_from_mail("offer", offer_mail)
    assert services.accept_offer(raw_token=token).status == R.CONFIRMED
    with pytest.raises(services.LinkInvalid, match="bereits verwendet"):
        services.accept_offer(raw_token=token)


def test_offer_expires_to_the_next_in_line_by_housekeeping(settings):
    settings.EVENT_OFFER_HOURS = 48
    session = make_session(capacity=1)
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    third = confirmed_public(session, 3)
    services.cancel(registration=first)
    second.refresh_from_db()
    assert second.status == R.OFFERED
    assert abs((second.deadline - timezone.now()) - timedelta(hours=48)) < timedelta(minutes=1)
    assert services.expire_overdue() == {"event_registrations_unconfirmed_expired": 0, "event_offers_expired": 0}
    result = services.expire_overdue(now=timezone.now() + timedelta(hours=49))
    assert result["event_offers_expired"] == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (R.EXPIRED, R.OFFERED)
    assert services.seats_held(session) == 1


def test_expired_offer_link_passes_the_seat_on_and_says_so():
    session = make_session(capacity=1)
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    third = confirmed_public(session, 3)
    services.cancel(registration=first)
    token = link_from_mail("offer", next(m for m in mail.outbox if m.to == [second.email] and "frei" in m.subject))
    Registration.objects.filter(pk=second.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    LinkToken.objects.filter(registration=second, purpose="offer").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.LinkInvalid, match="abgelaufen"):
        services.accept_offer(raw_token=token)
    third.refresh_from_db()
    assert third.status == R.OFFERED
    assert Registration.objects.get(pk=second.pk).status == R.EXPIRED


def test_offer_never_outlasts_the_session_start():
    session = make_session(
        capacity=1, days=0, starts_at=timezone.now() + timedelta(hours=5), ends_at=timezone.now() + timedelta(hours=7)
    )
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    services.cancel(registration=first)
    second.refresh_from_db()
    assert second.deadline == session.starts_at


def test_cancel_twice_is_refused():
    session = make_session()
    registration = confirmed_public(session, 1)
    services.cancel(registration=registration)
    with pytest.raises(services.Refused, match="bereits storniert"):
        services.cancel(registration=registration)


def test_registration_refused_for_past_session_closed_window_and_unpublished():
    past = make_session(days=-1)
    with pytest.raises(services.Refused, match="begonnen"):
        services.register_public(session_id=past.pk, data=person(1))
    closed = make_session(make_event(registration_closes_at=timezone.now() - timedelta(hours=1)))
    with pytest.raises(services.Refused, match="Anmeldefrist"):
        services.register_public(session_id=closed.pk, data=person(1))
    early = make_session(make_event(registration_opens_at=timezone.now() + timedelta(days=1)))
    with pytest.raises(services.Refused, match="noch nicht geöffnet"):
        services.register_public(session_id=early.pk, data=person(1))
    draft = make_session(make_event(is_published=False))
    with pytest.raises(services.Refused):
        services.register_public(session_id=draft.pk, data=person(1))
    assert Registration.objects.count() == 0


def test_capacity_cannot_drop_below_seats_held_and_more_capacity_offers_seats(asskomm):
    session = make_session(capacity=2)
    confirmed_public(session, 1)
    confirmed_public(session, 2)
    waiting = confirmed_public(session, 3)
    data = {name: getattr(session, name) for name in services.SESSION_FIELDS}
    with pytest.raises(services.Refused, match="bereits 2 Plätze"):
        services.update_session(session=session, by=asskomm, data=data | {"capacity": 1})
    session.refresh_from_db()
    assert session.capacity == 2
    services.update_session(session=session, by=asskomm, data=data | {"capacity": 3})
    waiting.refresh_from_db()
    assert waiting.status == R.OFFERED


def test_staff_reorder_the_waiting_list_with_a_reason(asskomm):
    session = make_session(capacity=1)
    confirmed_public(session, 0)
    a, b, c = (confirmed_public(session, n) for n in (1, 2, 3))
    with pytest.raises(services.Refused, match="Begründung"):
        services.reorder_waiting_list(session=session, registration_id=c.pk, position=1, reason=" ", by=asskomm)
    with pytest.raises(services.Refused, match="zwischen 1 und 3"):
        services.reorder_waiting_list(session=session, registration_id=c.pk, position=7, reason="x", by=asskomm)
    services.reorder_waiting_list(
        session=session, registration_id=c.pk, position=1, reason="Referentin der Kommune", by=asskomm
    )
    order = list(session.registrations.filter(status=R.WAITING).order_by("queue_position").values_list("pk", flat=True))
    assert order == [c.pk, a.pk, b.pk]
    entry = AuditEvent.objects.get(action="events.waiting_list_reordered")
    assert entry.data["reason"] == "Referentin der Kommune" and entry.actor == asskomm
    assert c.history.last().note.endswith("Referentin der Kommune")


def test_manage_link_cancels_and_frees_the_seat():
    session = make_session(capacity=1)
    services.register_public(session_id=session.pk, data=person(1))
    services.confirm_email(raw_token=link_from_mail("confirm"))
    registration = services.registration_for_link(link_from_mail("manage"))
    services.cancel(registration=registration)
    assert services.seats_held(session) == 0


def test_a_failed_send_is_tried_again_later_and_the_registration_stays(monkeypatch):
    from sikom.events import tasks

    session = make_session()
    retried = []
    monkeypatch.setattr(tasks, "_retry_later", lambda *args: retried.append(args) or True)

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    registration = services.register_public(session_id=session.pk, data=person(1))
    assert Registration.objects.get(pk=registration.pk).status == R.PENDING
    assert retried == [(registration.pk, "confirm_email", 1)]


def test_retry_enqueues_with_a_delay_on_a_deferring_backend(monkeypatch):
    from sikom.events import tasks

    class Deferring:
        supports_defer = True

    enqueued = []

    class Using:
        def enqueue(self, *args):
            enqueued.append(args)

    class Task:
        def get_backend(self):
            return Deferring()

        def using(self, run_after):
            assert run_after > timezone.now() + timedelta(minutes=1)
            return Using()

    monkeypatch.setattr(tasks, "send_registration_mail", Task())
    assert tasks._retry_later(5, "confirmed", 1) is True
    assert enqueued == [(5, "confirmed", 2)]
    assert tasks._retry_later(5, "confirmed", tasks.SEND_ATTEMPTS) is False


def test_an_unconfirmed_registration_past_its_deadline_does_not_block_a_new_one():
    session = make_session()
    first = services.register_public(session_id=session.pk, data=person(1))
    Registration.objects.filter(pk=first.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    services.register_public(session_id=session.pk, data=person(1))
    assert session.registrations.count() == 2

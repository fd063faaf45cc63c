from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sikom.alliance import services
from sikom.alliance.models import Membership, MembershipEvent, MembershipStatus
from sikom.alliance.tests.conftest import PIRNA, member, municipality
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_request_confirm_and_leave_write_history_and_audit(municipality_user, asskomm):
    membership = services.request_membership(municipality=municipality(PIRNA), by=municipality_user, note="Bitte")
    assert membership.status == MembershipStatus.REQUESTED
    services.confirm_membership(membership=membership, by=asskomm, joined_on=date(2020, 5, 1), founding=False)
    services.mark_left(membership=membership, by=asskomm, left_on=date(2022, 6, 30), reason="Ratsbeschluss")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert (membership.joined_on, membership.left_on, membership.confirmed_by) == (
        date(2020, 5, 1),
        date(2022, 6, 30),
        asskomm,
    )
    assert list(membership.events.values_list("action", flat=True)) == ["requested", "confirmed", "left"]
    assert membership.events.first().reason == "Bitte"
    assert set(
        AuditEvent.objects.filter(action__startswith="alliance.membership").values_list("action", flat=True)
    ) == {
        "alliance.membership_requested",
        "alliance.membership_confirmed",
        "alliance.membership_left",
    }


def test_history_rows_are_append_only():
    event = member(PIRNA).events.first()
    event.reason = "geändert"
    with pytest.raises(ValueError):
        event.save()


def test_joining_twice_is_refused_with_a_message(municipality_user):
    services.request_membership(municipality=municipality(PIRNA), by=municipality_user)
    with pytest.raises(services.AllianceRefused) as refused:
        services.request_membership(municipality=municipality(PIRNA), by=municipality_user)
    assert "bereits ein Antrag" in refused.value.message and refused.value.field == "confirm"
    Membership.objects.filter(municipality__ags=PIRNA).update(
        status=MembershipStatus.ACTIVE, joined_on=date(2020, 1, 1)
    )
    with pytest.raises(services.AllianceRefused, match="bereits Mitglied"):
        services.request_membership(municipality=municipality(PIRNA), by=municipality_user)
    assert Membership.objects.filter(municipality__ags=PIRNA).count() == 1


def test_the_database_allows_one_open_membership_per_municipality():
    member(PIRNA)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(municipality=municipality(PIRNA), requested_at=timezone.now())


def test_rejoining_after_leaving_is_allowed_but_not_before_the_leaving_day(asskomm):
    first = member(PIRNA, joined_on=date(2019, 2, 1))
    services.mark_left(membership=first, by=asskomm, left_on=date(2021, 3, 31), reason="Austritt")
    second = services.request_membership(municipality=municipality(PIRNA), by=None)
    with pytest.raises(services.AllianceRefused, match=r"erst am 31\.03\.2021") as refused:
        services.confirm_membership(membership=second, by=asskomm, joined_on=date(2021, 3, 1))
    assert refused.value.field == "joined_on"
    services.confirm_membership(membership=second, by=asskomm, joined_on=date(2023, 1, 1))
    assert Membership.objects.filter(municipality__ags=PIRNA).count() == 2


def test_declined_request_needs_a_reason_and_closes(asskomm):
    membership = services.request_membership(municipality=municipality(PIRNA), by=None)
    with pytest.raises(services.AllianceRefused) as refused:
        services.decline_membership(membership=membership, by=asskomm, reason="  ")
    assert refused.value.field == "reason"
    services.decline_membership(membership=membership, by=asskomm, reason="Keine Gemeinde des Programms")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DECLINED and membership.closing_reason
    # A declined request is closed: the municipality may ask again, the old request cannot be confirmed.
    with pytest.raises(services.AllianceRefused, match="kann nicht"):
        services.confirm_membership(membership=membership, by=asskomm, joined_on=date(2020, 1, 1))
    services.request_membership(municipality=municipality(PIRNA), by=None)


@pytest.mark.parametrize(
    ("joined_on", "message"),
    [
        (timezone.localdate() + timedelta(days=1), "Zukunft"),
        (date(2018, 12, 31), "Februar 2019"),
    ],
)
def test_joining_day_is_checked(asskomm, joined_on, message):
    membership = services.request_membership(municipality=municipality(PIRNA), by=None)
    with pytest.raises(services.AllianceRefused, match=message):
        services.confirm_membership(membership=membership, by=asskomm, joined_on=joined_on)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REQUESTED and membership.joined_on is None
    assert membership.events.count() == 1


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        (timezone.localdate() + timedelta(days=1), "Zukunft"),
        (date(2019, 12, 31), "nicht vor dem Beitritt am 01.01.2020"),
    ],
)
def test_leaving_day_is_checked(asskomm, left_on, message):
    membership = member(PIRNA, joined_on=date(2020, 1, 1))
    with pytest.raises(services.AllianceRefused, match=message) as refused:
        services.mark_left(membership=membership, by=asskomm, left_on=left_on, reason="Austritt")
    assert refused.value.field == "left_on"
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and membership.left_on is None


def test_a_request_cannot_be_marked_left(asskomm):
    membership = services.request_membership(municipality=municipality(PIRNA), by=None)
    with pytest.raises(services.AllianceRefused, match="»beantragt« kann nicht auf »ausgetreten«"):
        services.mark_left(membership=membership, by=asskomm, left_on=date(2022, 1, 1), reason="x")
    assert MembershipEvent.objects.filter(action="left").count() == 0


def test_opt_in_date_is_set_and_cleared(municipality_user):
    contact = services.save_contact(
        by=municipality_user,
        municipality=municipality(PIRNA),
        data={"name": "A", "function": "B", "email": "a@example.invalid", "phone": "", "opted_in_directory": True},
    )
    assert contact.opted_in_at is not None
    first = contact.opted_in_at
    contact = services.save_contact(by=municipality_user, contact=contact, data={"name": "A2"})
    assert contact.opted_in_at == first
    contact = services.save_contact(by=municipality_user, contact=contact, data={"opted_in_directory": False})
    assert contact.opted_in_at is None
    assert AuditEvent.objects.filter(action="alliance.contact_updated").count() == 2
    assert "a@example.invalid" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_meeting_needs_a_participant(asskomm):
    with pytest.raises(services.AllianceRefused) as refused:
        services.save_exchange_meeting(
            by=asskomm,
            data={"held_on": date(2024, 1, 1), "topic": "x", "format": "exchange_meeting", "record": ""},
            municipalities=[],
        )
    assert refused.value.field == "municipalities"


def test_contact_details_are_stored_encrypted():
    """The database holds the e-mail address and the telephone number only as ciphertext."""
    from django.db import connection

    contact = services.save_contact(
        municipality=municipality(PIRNA),
        by=None,
        data={
            "name": "Erika Beispiel",
            "function": "Präventionsbeauftragte",
            "email": "erika.beispiel@example.org",
            "phone": "+49 3501 000000",
            "opted_in_directory": False,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, phone FROM alliance_contactperson WHERE id = %s", [contact.pk])
        email, phone = cursor.fetchone()
    assert email.startswith("enc1:") and "erika" not in email
    assert phone.startswith("enc1:") and "3501" not in phone
    contact.refresh_from_db()
    assert (contact.email, contact.phone) == ("erika.beispiel@example.org", "+49 3501 000000")


def test_an_exchange_meeting_is_deleted_with_an_audit_entry():
    from sikom.alliance.models import ExchangeMeeting

    meeting = services.save_exchange_meeting(
        by=None,
        data={"topic": "Austausch Hassrede", "format": "exchange_meeting", "held_on": date(2026, 3, 1), "record": ""},
        municipalities=[municipality(PIRNA)],
    )
    services.delete_exchange_meeting(meeting=meeting, by=None)
    assert not ExchangeMeeting.objects.exists()
    assert AuditEvent.objects.get(action="alliance.meeting_deleted").data == {"municipalities": [PIRNA]}

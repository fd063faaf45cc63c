from datetime import date

import pytest

from sikom.alliance import demo, selectors
from sikom.alliance.models import ContactPerson, ExchangeMeeting, Membership, MembershipStatus

pytestmark = pytest.mark.django_db


def test_demo_loader_gives_the_programmes_counts_and_is_idempotent():
    lines = demo.load()
    assert lines and "57 Mitgliedschaften" in lines[0]  # 56 members and the one that left
    assert selectors.members_on(date(2019, 2, 28)).count() == 8
    assert selectors.members_on(date(2023, 11, 14)).count() == 54
    assert selectors.members_on(date(2024, 2, 27)).count() == 56
    assert Membership.objects.filter(founding=True).count() == 8
    assert Membership.objects.filter(status=MembershipStatus.LEFT).count() == 1
    # Demo people are marked as such and reachable only at reserved addresses.
    for contact in ContactPerson.objects.all():
        assert contact.name.startswith("Demo-Ansprechperson") and contact.email.endswith(".invalid")
    assert 2 <= ExchangeMeeting.objects.count() <= 3
    assert all(meeting.topic.startswith("[Demo]") for meeting in ExchangeMeeting.objects.all())
    counts = (Membership.objects.count(), ContactPerson.objects.count(), ExchangeMeeting.objects.count())
    assert demo.load() == []
    assert (Membership.objects.count(), ContactPerson.objects.count(), ExchangeMeeting.objects.count()) == counts


def test_schedule_and_records_agree():
    demo.load()
    for day in (date(2019, 2, 1), date(2021, 7, 1), date(2022, 6, 30), date(2023, 11, 14), date(2024, 2, 27)):
        assert sorted(m.ags for m in demo.members_on(day)) == sorted(
            selectors.members_on(day).values_list("municipality__ags", flat=True)
        )

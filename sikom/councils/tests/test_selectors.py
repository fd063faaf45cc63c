import pytest

from sikom.councils import selectors
from sikom.councils.models import FormatStatus
from sikom.councils.tests.conftest import verified

pytestmark = pytest.mark.django_db


def test_municipality_sees_and_keeps_only_its_own(world, municipality_user):
    verified(municipality_user)
    assert list(selectors.councils_visible_to(municipality_user)) == [world["pirna"]]
    assert list(selectors.councils_editable_by(municipality_user)) == [world["pirna"]]
    assert list(selectors.meetings_visible_to(municipality_user)) == [world["meeting_pirna"]]
    assert list(selectors.analyses_visible_to(municipality_user)) == [world["analysis_pirna"]]
    assert set(selectors.formats_visible_to(municipality_user)) == {world["announced_pirna"], world["held_pirna"]}
    assert [m.ags for m in selectors.municipalities_editable_by(municipality_user)] == ["14628270"]


def test_asskomm_reads_and_keeps_all(world, asskomm):
    verified(asskomm)
    assert selectors.councils_visible_to(asskomm).count() == 2
    assert selectors.councils_editable_by(asskomm).count() == 2
    assert selectors.analyses_visible_to(asskomm).count() == 2
    assert selectors.formats_visible_to(asskomm).count() == 3
    assert selectors.municipalities_editable_by(asskomm).count() > 400


def test_police_and_expert_network_see_only_councils_shared_with_them(world, pd_dresden, expert_network):
    verified(pd_dresden), verified(expert_network)
    assert list(selectors.councils_visible_to(pd_dresden)) == [world["dresden"]]
    assert list(selectors.meetings_visible_to(pd_dresden)) == [world["meeting_dresden"]]
    assert not selectors.councils_editable_by(pd_dresden).exists()
    assert not selectors.councils_visible_to(expert_network).exists()
    world["pirna"].shared_with.add(expert_network.organisation)
    assert list(selectors.councils_visible_to(expert_network)) == [world["pirna"]]
    assert not selectors.analyses_visible_to(expert_network).exists()
    assert not selectors.formats_visible_to(expert_network).exists()


def test_others_see_nothing(world, zastex, zmi, operator, outsider, official):
    for user in [verified(u) for u in (zastex, zmi, operator)] + [outsider, official]:
        assert not selectors.councils_visible_to(user).exists()
        assert not selectors.meetings_visible_to(user).exists()
        assert not selectors.decisions_visible_to(user).exists()
        assert not selectors.analyses_visible_to(user).exists()
        assert not selectors.formats_visible_to(user).exists()
        assert not selectors.measures_visible_to(user).exists()


def test_unverified_staff_see_nothing(world, municipality_user, asskomm):
    from django.contrib.auth.models import AnonymousUser

    for user in [verified(municipality_user, False), verified(asskomm, False), AnonymousUser()]:
        assert not selectors.councils_visible_to(user).exists()


def test_the_public_sees_only_announced_formats(world):
    assert list(selectors.public_formats()) == [world["announced_pirna"]]
    assert world["announced_pirna"].status == FormatStatus.ANNOUNCED


def test_the_public_list_shows_only_coming_dates(world):
    from datetime import timedelta

    from django.utils import timezone

    fmt = world["announced_pirna"]
    assert list(selectors.upcoming_public_formats()) == [fmt]
    type(fmt).objects.filter(pk=fmt.pk).update(date=timezone.localdate() - timedelta(days=1))
    assert not selectors.upcoming_public_formats().exists()
    assert list(selectors.public_formats()) == [fmt]

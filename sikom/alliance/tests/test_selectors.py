from datetime import date

import pytest

from sikom.alliance import selectors, services
from sikom.alliance.tests.conftest import FREITAL, LEIPZIG, PIRNA, member, municipality, verified
from sikom.core import figures

pytestmark = pytest.mark.django_db


def test_asskomm_sees_everything(world, asskomm):
    verified(asskomm)
    assert selectors.memberships_visible_to(asskomm).count() == 3
    assert selectors.contacts_visible_to(asskomm).count() == 3
    assert selectors.exchange_meetings_visible_to(asskomm).count() == 2
    assert selectors.can_see_directory(asskomm)


def test_municipality_sees_its_own_records_only(world, municipality_user):
    verified(municipality_user)
    assert list(selectors.memberships_visible_to(municipality_user)) == [world["pirna"]]
    assert list(selectors.contacts_visible_to(municipality_user)) == [world["pirna_contact"]]
    assert list(selectors.exchange_meetings_visible_to(municipality_user)) == [world["with_pirna"]]


@pytest.mark.parametrize(
    "persona", ["expert_network", "pd_dresden", "zastex", "zmi", "operator", "outsider", "official"]
)
def test_other_roles_see_nothing(world, request, persona):
    user = verified(request.getfixturevalue(persona))
    assert not selectors.memberships_visible_to(user).exists()
    assert not selectors.contacts_visible_to(user).exists()
    assert not selectors.exchange_meetings_visible_to(user).exists()
    assert not selectors.directory_visible_to(user).exists()
    assert not selectors.can_use_alliance(user)


def test_directory_lists_active_members_with_opted_in_contacts_only(world, municipality_user):
    verified(municipality_user)
    members = list(selectors.directory_visible_to(municipality_user))
    assert [m.municipality.ags for m in members] == [LEIPZIG, PIRNA]  # not Freital (only requested)
    leipzig = members[0].municipality
    assert [c.name for c in leipzig.directory_contacts] == ["Test Ansprechperson"]


def test_directory_is_closed_to_a_municipality_that_is_not_an_active_member(world, municipality_user, asskomm):
    verified(municipality_user)
    services.mark_left(membership=world["pirna"], by=asskomm, left_on=date(2023, 1, 1), reason="Austritt")
    assert not selectors.can_see_directory(municipality_user)
    assert not selectors.directory_visible_to(municipality_user).exists()


def test_members_on_counts_spans(asskomm):
    first = member(PIRNA, joined_on=date(2020, 1, 1))
    services.mark_left(membership=first, by=asskomm, left_on=date(2021, 1, 1), reason="Austritt")
    member(LEIPZIG, joined_on=date(2020, 6, 1))
    services.request_membership(municipality=municipality(FREITAL), by=None)
    assert selectors.members_on(date(2019, 12, 31)).count() == 0
    assert selectors.members_on(date(2020, 1, 1)).count() == 1
    assert selectors.members_on(date(2020, 12, 31)).count() == 2
    assert selectors.members_on(date(2021, 1, 1)).count() == 1  # left on that day: no longer counted
    assert selectors.is_member(municipality(PIRNA), date(2020, 7, 1))
    assert not selectors.is_member(municipality(PIRNA), date(2021, 7, 1))
    assert not selectors.is_member(municipality(FREITAL), date(2025, 1, 1))


def test_members_figure_is_registered_with_spans(asskomm):
    first = member(PIRNA, joined_on=date(2020, 1, 1))
    services.mark_left(membership=first, by=asskomm, left_on=date(2021, 1, 1), reason="Austritt")
    services.request_membership(municipality=municipality(FREITAL), by=None)
    figure = next(f for f in figures.registered() if f.key == "members")
    assert (figure.order, str(figure.label), figure.public) == (10, "Mitgliedskommunen", True)
    assert list(figure.rows()) == [{"start": date(2020, 1, 1), "end": date(2021, 1, 1), "district": "14628"}]

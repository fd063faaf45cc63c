from datetime import date, timedelta

import pytest
from django.utils import timezone

from sikom import testing
from sikom.consultations import selectors
from sikom.consultations.selectors import Filters
from sikom.consultations.tests.factories import DRESDEN, make_consultation, overdue_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(asskomm):
    today = timezone.localdate()
    return {
        "pirna": make_consultation(by=asskomm, steps=[overdue_step(today)], day=today - timedelta(days=10)),
        "dresden": make_consultation(
            by=asskomm,
            ags=DRESDEN,
            offers=("asskomm-sicherheitsanalyse",),
            result="Bürgerbefragung geplant.",
            steps=[("Später", today + timedelta(days=30), False)],
            day=today - timedelta(days=5),
        ),
        "holder": make_consultation(by=asskomm, ags=None, note="Kreisrätin", offers=("sicherheitsleitfaden",)),
    }


def test_asskomm_sees_every_consultation(asskomm, records):
    assert set(selectors.consultations_visible_to(asskomm)) == set(records.values())
    assert selectors.can_manage_consultations(asskomm)


def test_a_municipality_user_reads_only_its_own(municipality_user, records):
    assert list(selectors.consultations_visible_to(municipality_user)) == [records["pirna"]]
    assert list(selectors.next_steps_visible_to(municipality_user)) == list(records["pirna"].next_steps.all())
    assert not selectors.can_manage_consultations(municipality_user)
    assert not selectors.consultations_manageable_by(municipality_user).exists()
    assert not selectors.next_steps_manageable_by(municipality_user).exists()


@pytest.mark.parametrize(
    "persona", ["official", "zastex", "zmi", "pd_dresden", "expert_network", "operator", "outsider"]
)
def test_nobody_else_sees_any(request, persona, records):
    user = request.getfixturevalue(persona)
    assert not selectors.consultations_visible_to(user).exists()
    assert not selectors.next_steps_visible_to(user).exists()
    assert not selectors.can_read_consultations(user)


def test_an_unverified_asskomm_member_sees_nothing(asskomm, records):
    asskomm.is_verified = lambda: False
    assert not selectors.consultations_visible_to(asskomm).exists()


def test_a_forged_id_of_another_municipality_is_not_found(municipality_user, records):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.consultation_detail(municipality_user, records["dresden"].pk)
    assert selectors.consultation_detail(municipality_user, records["pirna"].pk) == records["pirna"]


def test_a_municipality_filter_cannot_widen_the_municipality_users_view(municipality_user, records):
    listing = selectors.consultation_listing(municipality_user, Filters(municipality=DRESDEN))
    assert not listing.exists()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), {"pirna", "dresden", "holder"}),
        (Filters(text="buergerbefragung"), {"dresden"}),
        (Filters(text="Sicherheitsleitfaden"), {"holder"}),
        (Filters(district="14628"), {"pirna"}),
        (Filters(municipality=DRESDEN), {"dresden"}),
        (Filters(offer="asskomm-sicherheitsanalyse"), {"dresden"}),
        (Filters(format="phone"), set()),
        (Filters(steps="open"), {"pirna", "dresden"}),
        (Filters(steps="overdue"), {"pirna"}),
        (Filters(start=date(2024, 1, 1), end=date(2024, 2, 1)), {"holder"}),
    ],
)
def test_listing_filters(asskomm, records, filters, expected):
    names = {name for name, record in records.items() if record in selectors.consultation_listing(asskomm, filters)}
    assert names == expected


def test_listing_counts_open_and_overdue_steps(asskomm, records):
    rows = {row.pk: row for row in selectors.consultation_listing(asskomm)}
    assert (rows[records["pirna"].pk].open_steps, rows[records["pirna"].pk].overdue_steps) == (1, 1)
    assert (rows[records["dresden"].pk].open_steps, rows[records["dresden"].pk].overdue_steps) == (1, 0)


def test_open_steps_overview_puts_overdue_first(asskomm, municipality_user, records):
    steps = list(selectors.open_next_steps(asskomm))
    assert [step.is_overdue for step in steps] == [True, False]
    assert [step.consultation for step in selectors.open_next_steps(municipality_user)] == [records["pirna"]]
    assert not selectors.open_next_steps(testing.make_user()).exists()

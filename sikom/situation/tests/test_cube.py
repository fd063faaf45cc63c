"""The pre-aggregated counts: live cases and kept statistics together, never a case twice, every dimension and
pair, refreshed for the months touched."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sikom.casefile.retention import apply_retention
from sikom.cases import services
from sikom.cases.models import Case, CaseStatistic, CaseStatus
from sikom.situation import cube
from sikom.situation.models import IncidentCount, RefreshState
from sikom.situation.tests.factories import live_case, statistics

pytestmark = pytest.mark.django_db
MARCH = date(2024, 3, 1)


def count(month=MARCH, **where) -> int:
    return sum(IncidentCount.objects.filter(month=month, **where).values_list("count", flat=True))


def test_live_cases_and_statistics_are_counted_together():
    statistics(3)
    live_case(categories=["threat", "insult"], motives=["none"], channel="email")
    cube.refresh(full=True)
    assert count(dim_a="total") == 4
    assert count(dim_a="category", dim_b="", value_a="threat") == 4
    assert count(dim_a="category", dim_b="", value_a="insult") == 1
    assert count(dim_a="channel", dim_b="", value_a="email") == 1
    assert count(dim_a="district", value_a="14628", dim_b="category", value_b="threat") == 4
    # An incident with two categories counts once under each; the pair table sums mentions.
    assert count(dim_a="category", dim_b="motive") == 5


def test_a_retained_case_is_counted_once_before_and_after_retention(pd_dresden, settings):
    case = live_case(categories=["threat"])
    services.change_status(case=case, to=CaseStatus.CLOSED, by=pd_dresden, reason="erledigt")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=settings.CASE_RETENTION_DAYS + 1))
    cube.refresh(full=True)
    before = list(IncidentCount.objects.order_by("month", "dim_a", "value_a", "dim_b", "value_b").values_list())
    assert count(dim_a="total") == 1
    assert apply_retention() == 1
    assert not Case.objects.exists() and CaseStatistic.objects.count() == 1
    # The statistic keeps what the situation report counts, including the complaint wish.
    assert CaseStatistic.objects.get().complaint_wish == "undecided"
    assert cube.refresh() == 1  # the month of the new statistic
    after = list(IncidentCount.objects.order_by("month", "dim_a", "value_a", "dim_b", "value_b").values_list())
    strip = [row[1:] for row in before]  # without the ids
    assert [row[1:] for row in after] == strip
    assert count(dim_a="total") == 1


def test_the_refresh_rebuilds_only_the_months_touched():
    statistics(2)
    cube.refresh()
    assert count(dim_a="total") == 2
    CaseStatistic.objects.update(created_at=timezone.now() - timedelta(hours=1))
    statistics(1, month=date(2023, 1, 1))
    assert cube.refresh() == 1
    assert count(date(2023, 1, 1), dim_a="total") == 1 and count(dim_a="total") == 2
    assert cube.refresh() == 1  # within the margin the last month is looked at again (idempotent)
    RefreshState.objects.update(watermark=timezone.now() + timedelta(hours=1))
    assert cube.refresh() == 0


def test_a_changed_risk_level_moves_the_case(pd_dresden):
    case = live_case()
    cube.refresh()
    services.set_risk_level(case=case, level=4, by=pd_dresden, provisional=False, next_review_on=None)
    cube.refresh()
    assert count(dim_a="risk", dim_b="", value_a="4") == 1
    assert count(dim_a="risk", dim_b="") == 1


def test_only_months_and_districts_are_kept():
    statistics(1)
    live_case(municipality_ags="14628270")
    cube.refresh()
    assert set(IncidentCount.objects.values_list("month", flat=True)) == {MARCH}
    assert set(IncidentCount.objects.filter(dim_a="district").values_list("value_a", flat=True)) == {"14628"}
    field_names = {field.name for field in IncidentCount._meta.get_fields()}
    assert field_names == {"id", "month", "dim_a", "value_a", "dim_b", "value_b", "count"}


def test_the_command_rebuilds_everything():
    statistics(2)
    call_command("refresh_situation", "--full", verbosity=0)
    assert count(dim_a="total") == 2

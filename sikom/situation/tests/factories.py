"""Incidents for the situation report's tests: statistics kept after retention (fast, in bulk) and live cases."""

from datetime import date, datetime

from django.utils import timezone

from sikom import testing
from sikom.cases.models import CaseStatistic
from sikom.reports.models import Report


def statistics(number: int, *, month: date = date(2024, 3, 1), **fields) -> list[CaseStatistic]:
    defaults = {
        "district_key": "14628",
        "affected_role": "mayor",
        "categories": ["threat"],
        "motives": ["right_wing"],
        "place": "home",
        "channel": "letter",
        "risk_level": 2,
        "lead_type": "zastex",
        "complaint_wish": "yes",
    }
    return CaseStatistic.objects.bulk_create(
        [CaseStatistic(reported_month=month, **(defaults | fields)) for _ in range(number)]
    )


def live_case(*, month: date = date(2024, 3, 1), **fields):
    case = testing.make_case(**fields)
    at = timezone.make_aware(datetime(month.year, month.month, 15, 12))
    Report.objects.filter(case=case).update(submitted_at=at)
    return case

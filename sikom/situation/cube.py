"""The pre-aggregated counts of the situation report (docs/decisions/0041): incidents per month, by every
dimension and every pair of dimensions, from live cases and the statistics kept after retention.

A case and its statistic are never both counted: retention writes the statistic and deletes the case in one
transaction (`casefile.retention.apply_retention`). The refresh rebuilds a month from scratch, so it is idempotent;
the housekeeping job rebuilds the months touched since the last run (a case created or changed, a statistic
written), `manage.py refresh_situation --full` all of them."""

from collections import Counter
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from sikom.cases.models import Case, CaseStatistic
from sikom.reports.models import Report, ReportCategory
from sikom.situation.dimensions import DIMENSIONS, NO_MOTIVE_GIVEN, ORDER, TOTAL, UNKNOWN, form_of
from sikom.situation.models import IncidentCount, RefreshState

# Changes committed a little after they were made are still seen by the next run.
MARGIN = timedelta(minutes=5)

# (district, role, channel, risk, lead, complaint, form, categories, motives): one incident's countable facts.
Fact = tuple[str, str, str, str, str, str, str, tuple[str, ...], tuple[str, ...]]


def _fact(*, district, role, channel, place, risk, lead, complaint, categories, motives) -> Fact:
    categories = tuple(sorted(set(categories or ())))
    motives = tuple(sorted(set(motives or ()))) or (NO_MOTIVE_GIVEN,)
    return (
        district or UNKNOWN,
        role or UNKNOWN,
        channel or UNKNOWN,
        str(risk) if risk else UNKNOWN,
        lead or UNKNOWN,
        complaint or UNKNOWN,
        form_of(categories=categories, place=place, channel=channel),
        categories,
        motives,
    )


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime(month.year, month.month, 1), tz),
        timezone.make_aware(datetime(following.year, following.month, 1), tz),
    )


def facts_of_month(month: date) -> Counter:
    """Every incident reported in the month, live or kept as a statistic, as facts with their number."""
    facts: Counter = Counter()
    start, end = _month_bounds(month)
    reports = Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    categories: dict[int, list[str]] = {}
    for report_id, code in ReportCategory.objects.filter(report__in=reports).values_list("report_id", "code"):
        categories.setdefault(report_id, []).append(code)
    rows = reports.values_list(
        "pk",
        "municipality__district__key",
        "affected_role",
        "channel",
        "place",
        "case__risk_level",
        "case__lead__type",
        "complaint_wish",
        "motives",
    )
    for pk, district, role, channel, place, risk, lead, complaint, motives in rows:
        facts[
            _fact(
                district=district,
                role=role,
                channel=channel,
                place=place,
                risk=risk,
                lead=lead,
                complaint=complaint,
                categories=categories.get(pk, ()),
                motives=motives,
            )
        ] += 1
    statistics = CaseStatistic.objects.filter(reported_month=month).values_list(
        "district_key",
        "affected_role",
        "channel",
        "place",
        "risk_level",
        "lead_type",
        "complaint_wish",
        "categories",
        "motives",
    )
    for district, role, channel, place, risk, lead, complaint, cats, motives in statistics.iterator(chunk_size=5000):
        facts[
            _fact(
                district=district,
                role=role,
                channel=channel,
                place=place,
                risk=risk,
                lead=lead,
                complaint=complaint,
                categories=cats,
                motives=motives,
            )
        ] += 1
    return facts


_SINGLE = [d.code for d in DIMENSIONS if not d.multiple]  # in the order of the Fact tuple's first seven


def cells_of(facts: Counter) -> Counter:
    """The counts of one month: (dim_a, value_a, dim_b, value_b) → incidents (mentions for several values)."""
    cells: Counter = Counter()
    for fact, number in facts.items():
        cells[(TOTAL, "", "", "")] += number
        values = [(ORDER[code], code, value) for code, value in zip(_SINGLE, fact[:7], strict=True)]
        values += [(ORDER["category"], "category", value) for value in fact[7]]
        values += [(ORDER["motive"], "motive", value) for value in fact[8]]
        values.sort()
        for index, (order_a, dim_a, value_a) in enumerate(values):
            cells[(dim_a, value_a, "", "")] += number
            for order_b, dim_b, value_b in values[index + 1 :]:
                if order_b != order_a:
                    cells[(dim_a, value_a, dim_b, value_b)] += number
    return cells


def rebuild_month(month: date) -> int:
    """Replace the month's counts with counts made afresh; returns the month's incidents."""
    with transaction.atomic():
        cells = cells_of(facts_of_month(month))
        IncidentCount.objects.filter(month=month).delete()
        IncidentCount.objects.bulk_create(
            [
                IncidentCount(month=month, dim_a=a, value_a=va, dim_b=b, value_b=vb, count=number)
                for (a, va, b, vb), number in cells.items()
            ],
            batch_size=2000,
        )
    return cells.get((TOTAL, "", "", ""), 0)


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def all_months() -> list[date]:
    """Every month from the first incident (live or kept) to the last, and the months counted so far."""
    bounds = [
        *Report.objects.aggregate(first=Min("submitted_at"), last=Max("submitted_at")).values(),
        *CaseStatistic.objects.aggregate(first=Min("reported_month"), last=Max("reported_month")).values(),
    ]
    days = [timezone.localdate(b) if isinstance(b, datetime) else b for b in bounds if b is not None]
    months = set(_months_between(min(days), max(days))) if days else set()
    return sorted(months | set(IncidentCount.objects.dates("month", "month")))


def changed_months(since: datetime) -> set[date]:
    """Months with a case created or changed, or a statistic written, at or after ``since``."""
    live = Report.objects.filter(case__in=Case.objects.filter(updated_at__gte=since)).dates("submitted_at", "month")
    kept = CaseStatistic.objects.filter(created_at__gte=since).values_list("reported_month", flat=True).distinct()
    return set(live) | {month.replace(day=1) for month in kept}


def refresh(*, full: bool = False) -> int:
    """Bring the counts up to date; returns how many months were rebuilt."""
    started = timezone.now()
    state = RefreshState.objects.first() or RefreshState.objects.create()
    full = full or state.watermark is None
    months = all_months() if full else sorted(changed_months(state.watermark - MARGIN))
    for month in months:
        rebuild_month(month)
    RefreshState.objects.filter(pk=state.pk).update(refreshed_at=timezone.now(), watermark=started)
    return len(months)


def refreshed_at() -> datetime | None:
    return RefreshState.objects.values_list("refreshed_at", flat=True).first()

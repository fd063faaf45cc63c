"""Reads and visibility of the indicators, and the municipality profile other apps (the security analysis report)
build on: `municipality_profile(municipality, years=…)`.

Who sees what (decision 0028): the ASSKomm team reads, defines and imports everything; members of a municipality
read every municipality's figures (they compare) and import for their own municipality only; everyone else sees
none of the pages (the figures are published statistics, but the pages are staff pages)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from sikom.accounts.selectors import is_asskomm, municipality_of
from sikom.geo.models import Municipality
from sikom.indicators import population
from sikom.indicators.models import ImportBatch, Indicator, IndicatorValue, PendingImport, Unit

PER = Decimal(100_000)
STABLE_PERCENT = 5  # a change from the first to the last year within ±5 % counts as »gleichbleibend«


def can_read(user) -> bool:
    return is_asskomm(user) or municipality_of(user) is not None


def can_manage_indicators(user) -> bool:
    return is_asskomm(user)


def can_import(user) -> bool:
    return can_read(user)


def import_scope(user) -> Municipality | None:
    """The one municipality a municipal member imports for; None for the ASSKomm team (every municipality)."""
    return None if is_asskomm(user) else municipality_of(user)


def indicators_visible_to(user) -> QuerySet[Indicator]:
    if not can_read(user):
        return Indicator.objects.none()
    return Indicator.objects.all()


def get_indicator_for(user, pk) -> Indicator:
    return get_object_or_404(indicators_visible_to(user), pk=pk)


def get_pending_for(user, pk) -> PendingImport:
    """A waiting upload is its uploader's alone."""
    if not can_import(user):
        return get_object_or_404(PendingImport.objects.none(), pk=pk)
    return get_object_or_404(PendingImport.objects.select_related("indicator"), pk=pk, by=user)


def indicator_list() -> list[dict]:
    """Every indicator with its number of values, municipalities and years (one query)."""
    rows = Indicator.objects.annotate(
        value_count=Count("values"),
        municipality_count=Count("values__municipality", distinct=True),
        year_count=Count("values__year", distinct=True),
    ).order_by("kind", "name")
    return list(rows)


def batches_of(indicator: Indicator) -> QuerySet[ImportBatch]:
    return indicator.batches.select_related("by")


def municipalities_with_data() -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=IndicatorValue.objects.values("municipality_id")).only(
        "pk", "ags", "name"
    )


# The profile ---------------------------------------------------------------------------------------------------


def rate(value: Decimal, inhabitants: int) -> Decimal | None:
    """Per 100,000 inhabitants, one decimal."""
    if not inhabitants:
        return None
    return (Decimal(value) * PER / inhabitants).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    if new is None or old is None or old == 0:
        return None
    return ((Decimal(new) - Decimal(old)) * 100 / Decimal(old)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    """The district's or Saxony's figure: the sum of the values of the municipalities with data (counts) or their
    population-weighted mean (other values), the rate from their populations, and how many have data."""

    value: Decimal
    rate: Decimal | None
    with_data: int
    municipalities: int
    inhabitants: int


@dataclass(frozen=True)
class YearRow:
    year: int
    value: Decimal
    rate: Decimal | None
    change: Decimal | None  # from the previous year, in the indicator's unit
    change_percent: Decimal | None  # of the rate where there is one, else of the value
    inhabitants: int
    population_year: int
    district: Comparison | None
    saxony: Comparison | None


@dataclass(frozen=True)
class Trend:
    first_year: int
    last_year: int
    percent: Decimal | None
    direction: str  # "up", "down", "stable"

    @property
    def label(self) -> str:
        return {"up": _("steigend"), "down": _("fallend"), "stable": _("gleichbleibend")}[self.direction]


@dataclass
class Series:
    category: str
    rows: list[YearRow] = field(default_factory=list)
    trend: Trend | None = None

    @property
    def label(self) -> str:
        return self.category or _("Insgesamt")


@dataclass
class IndicatorProfile:
    indicator: Indicator
    series: list[Series]
    population_note: str

    @property
    def per_capita(self) -> bool:
        return self.indicator.per_capita

    @property
    def sums(self) -> bool:
        """Counts are summed over the district and Saxony; other values are averaged, weighted by population."""
        return self.indicator.unit == Unit.COUNT


def _trend(rows: list[YearRow], per_capita: bool) -> Trend | None:
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    percent = _percent(last.rate, first.rate) if per_capita else _percent(last.value, first.value)
    if percent is None:
        delta = (last.rate if per_capita else last.value) - (first.rate if per_capita else first.value)
        direction = "stable" if delta == 0 else ("up" if delta > 0 else "down")
    else:
        direction = "stable" if abs(percent) <= STABLE_PERCENT else ("up" if percent > 0 else "down")
    return Trend(first.year, last.year, percent, direction)


def _comparison(groups: list[dict], municipalities: int, indicator: Indicator) -> Comparison | None:
    if not groups:
        return None
    total = sum(Decimal(group["total"]) for group in groups)
    weighted = sum(Decimal(group["weighted"]) for group in groups)
    inhabitants = sum(group["inhabitants"] for group in groups)
    with_data = sum(group["with_data"] for group in groups)
    if indicator.unit == Unit.COUNT:
        value = total
    else:
        value = (weighted / inhabitants).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if inhabitants else total
    return Comparison(
        value=value,
        rate=rate(total, inhabitants) if indicator.per_capita else None,
        with_data=with_data,
        municipalities=municipalities,
        inhabitants=inhabitants,
    )


def municipality_profile(
    municipality: Municipality, *, years=None, indicators: QuerySet[Indicator] | None = None
) -> list[IndicatorProfile]:
    """Per indicator with values for the municipality (in `years` if given): per category a row per year with the
    value, the rate per 100,000 (indicators with `per_capita`), the change from the previous year, the district's
    and Saxony's figures; the trend from the first to the last year; the note on the population used.
    Four queries whatever the number of indicators and years. Visibility is the caller's: pass
    `indicators_visible_to(user)` as `indicators` when a person asks."""
    values = IndicatorValue.objects.filter(municipality=municipality)
    if indicators is not None:
        values = values.filter(indicator__in=indicators)
    if years is not None:
        values = values.filter(year__in=list(years))
    own = list(
        values.values_list("indicator_id", "category", "year", "value").order_by("indicator_id", "category", "year")
    )
    if not own:
        return []
    indicator_ids = sorted({row[0] for row in own})
    year_set = sorted({row[2] for row in own})
    district_id = municipality.district_id
    # One grouped query: per indicator, category, year and district the sum, the population-weighted sum, the
    # inhabitants and the number of municipalities with data.
    grouped = (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids, year__in=year_set)
        .values("indicator_id", "category", "year", "municipality__district_id")
        .annotate(
            total=Sum("value"),
            weighted=Sum(F("value") * F("municipality__population"), output_field=DecimalField()),
            inhabitants=Sum("municipality__population"),
            with_data=Count("id"),
        )
        .order_by()
    )
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for group in grouped:
        by_key[(group["indicator_id"], group["category"], group["year"])].append(group)
    counts = dict(
        Municipality.objects.values("district_id").annotate(n=Count("id")).order_by().values_list("district_id", "n")
    )
    in_district, in_saxony = counts.get(district_id, 0), sum(counts.values())
    indicators_by_id = Indicator.objects.in_bulk(indicator_ids)
    inhabitants = municipality.population
    profiles: dict[int, IndicatorProfile] = {}
    for indicator_id, category, year, value in own:
        indicator = indicators_by_id[indicator_id]
        profile = profiles.setdefault(
            indicator_id, IndicatorProfile(indicator=indicator, series=[], population_note="")
        )
        if not profile.series or profile.series[-1].category != category:
            profile.series.append(Series(category=category))
        series = profile.series[-1]
        groups = by_key[(indicator_id, category, year)]
        own_rate = rate(value, inhabitants) if indicator.per_capita else None
        previous = series.rows[-1] if series.rows and series.rows[-1].year == year - 1 else None
        series.rows.append(
            YearRow(
                year=year,
                value=value,
                rate=own_rate,
                change=None if previous is None else value - previous.value,
                change_percent=None
                if previous is None
                else (_percent(own_rate, previous.rate) if indicator.per_capita else _percent(value, previous.value)),
                inhabitants=inhabitants,
                population_year=population.year_for(year),
                district=_comparison(
                    [g for g in groups if g["municipality__district_id"] == district_id], in_district, indicator
                ),
                saxony=_comparison(groups, in_saxony, indicator),
            )
        )
    for profile in profiles.values():
        for series in profile.series:
            series.trend = _trend(series.rows, profile.indicator.per_capita)
        shown_years = sorted({row.year for series in profile.series for row in series.rows})
        profile.population_note = population.note(shown_years)
    return sorted(profiles.values(), key=lambda profile: (profile.indicator.kind, profile.indicator.name))

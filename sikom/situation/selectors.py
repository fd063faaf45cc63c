"""Reads of the situation report: who may see which version, and every table as it may be shown — counted from the
pre-aggregated counts (`models.IncidentCount`, one query per table) and put through `disclosure.protect` here, in
the one place every page, chart and export takes its numbers from."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Min, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sikom.accounts.models import OrganisationType
from sikom.accounts.selectors import is_member_of, is_verified_staff
from sikom.cases.models import CASE_HANDLING_TYPES
from sikom.geo.models import District
from sikom.situation import dimensions as d
from sikom.situation import disclosure
from sikom.situation.models import IncidentCount, KomoShare

# The programme's offices that read the staff version: ASSKomm, ZASTEX and the LKA's units.
READING_TYPES = (
    OrganisationType.ASSKOMM,
    OrganisationType.ZASTEX,
    OrganisationType.ZMI,
    OrganisationType.LKA_PROTECTION,
)


def can_read(user) -> bool:
    """The staff version: ASSKomm, ZASTEX and the LKA, and supervisors of the agencies that work on cases."""
    if is_member_of(user, *READING_TYPES):
        return True
    return bool(is_verified_staff(user) and user.is_supervisor and is_member_of(user, *CASE_HANDLING_TYPES))


def threshold_for(*, public: bool) -> int:
    return disclosure.PUBLIC_THRESHOLD if public else disclosure.STAFF_THRESHOLD


# Periods


def period_of(month: date, granularity: str) -> tuple[int, int]:
    """(year, number of the month / quarter / half-year; 1 for a year)."""
    if granularity == d.Granularity.MONTH:
        return month.year, month.month
    if granularity == d.Granularity.QUARTER:
        return month.year, (month.month - 1) // 3 + 1
    if granularity == d.Granularity.HALF_YEAR:
        return month.year, (month.month - 1) // 6 + 1
    return month.year, 1


def period_label(period: tuple[int, int], granularity: str) -> str:
    year, number = period
    if granularity == d.Granularity.MONTH:
        return f"{number:02d}/{year}"
    if granularity == d.Granularity.QUARTER:
        return _("%(number)s. Quartal %(year)s") % {"number": number, "year": year}
    if granularity == d.Granularity.HALF_YEAR:
        return _("%(number)s. Halbjahr %(year)s") % {"number": number, "year": year}
    return str(year)


def periods(first_year: int, last_year: int, granularity: str) -> list[tuple[int, int]]:
    per_year = {d.Granularity.MONTH: 12, d.Granularity.QUARTER: 4, d.Granularity.HALF_YEAR: 2}.get(granularity, 1)
    return [(year, number) for year in range(first_year, last_year + 1) for number in range(1, per_year + 1)]


def year_range() -> tuple[int, int] | None:
    """The first and last year with counted incidents."""
    bounds = IncidentCount.objects.filter(dim_a=d.TOTAL).aggregate(first=Min("month"), last=Max("month"))
    if bounds["first"] is None:
        return None
    return bounds["first"].year, bounds["last"].year


# Tables


@dataclass
class Row:
    label: str
    cells: list[str]
    total: str = ""
    values: list[int | None] = field(default_factory=list)  # shown counts (None: suppressed), for charts
    key: str = ""


@dataclass
class Table:
    """A table as it may be shown: every number already through disclosure control (»."« where suppressed)."""

    slug: str
    title: str
    row_heading: str
    column_labels: list[str]
    rows: list[Row]
    totals: list[str]
    total: str
    with_row_totals: bool
    threshold: int
    mentions: bool  # totals are sums of mentions (an incident with several values counts in each)
    protected: disclosure.ProtectedTable

    @property
    def has_suppressed(self) -> bool:
        return bool(self.protected.suppressed)

    def export(self) -> tuple[list[str], list[list]]:
        """Header and rows for `core.exports.table_download`: the same numbers as the page, ».« included."""
        header = [self.row_heading, *self.column_labels]
        if self.with_row_totals:
            header.append(_("Insgesamt"))
        rows = [[row.label, *row.cells, *([row.total] if self.with_row_totals else [])] for row in self.rows]
        rows.append([_("Insgesamt"), *self.totals, *([self.total] if self.with_row_totals else [])])
        return header, rows


def _format(value: int | None) -> str:
    return disclosure.SUPPRESSED if value is None else number_format(value, force_grouping=True)


def _build(
    *,
    slug: str,
    title: str,
    row_heading: str,
    rows: list[tuple[str, str]],
    columns: list[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    threshold: int,
    mentions: bool,
) -> Table:
    """``rows``/``columns``: (key, label); ``counts``: (row key, column key) → incidents. A single column without a
    label is a list with its total only."""
    with_row_totals = len(columns) > 1
    matrix = [[counts.get((row, column), 0) for column, _label in columns] for row, _label in rows]
    protected = disclosure.protect(matrix, threshold=threshold, with_row_totals=with_row_totals)
    shaped = []
    for index, (key, label) in enumerate(rows):
        values = [protected.cell(index, column) for column in range(len(columns))]
        shaped.append(
            Row(
                label=label,
                key=key,
                values=values,
                cells=[_format(value) for value in values],
                total=_format(protected.row_total(index)) if with_row_totals else "",
            )
        )
    return Table(
        slug=slug,
        title=title,
        row_heading=row_heading,
        column_labels=[label for _key, label in columns],
        rows=shaped,
        totals=[_format(protected.column_total(column)) for column in range(len(columns))],
        total=_format(protected.total),
        with_row_totals=with_row_totals,
        threshold=threshold,
        mentions=mentions,
        protected=protected,
    )


def district_names() -> list[tuple[str, str]]:
    return [(district.key, district.display_name) for district in District.objects.only("key", "short_name", "kind")]


def _values(code: str, districts: list[tuple[str, str]], seen: set[str]) -> list[tuple[str, str]]:
    """The dimension's values in their order; a stored code no longer in the vocabulary is shown as it is."""
    values = d.values_of(code, districts)
    known = {key for key, _label in values}
    return values + [(key, key) for key in sorted(seen - known)]


def _month_range(first_year: int, last_year: int) -> tuple[date, date]:
    return date(first_year, 1, 1), date(last_year, 12, 1)


COUNT = _("Anzahl")


def time_table(*, first_year: int, last_year: int, granularity: str, public: bool = False) -> Table:
    """Incidents per period."""
    start, end = _month_range(first_year, last_year)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rows = IncidentCount.objects.filter(dim_a=d.TOTAL, dim_b="", month__gte=start, month__lte=end)
    for month, number in rows.values_list("month", "count"):
        counts[(str(period_of(month, granularity)), "n")] += number
    return _build(
        slug="zeit",
        title=_("Vorfälle je %(period)s") % {"period": dict(d.Granularity.CHOICES)[granularity]},
        row_heading=str(d.PERIOD_LABEL),
        rows=[(str(p), period_label(p, granularity)) for p in periods(first_year, last_year, granularity)],
        columns=[("n", COUNT)],
        counts=counts,
        threshold=threshold_for(public=public),
        mentions=False,
    )


def dimension_table(
    code: str, *, first_year: int, last_year: int, public: bool = False, districts=None, slug: str = ""
) -> Table:
    """Incidents by the values of one dimension."""
    start, end = _month_range(first_year, last_year)
    query = IncidentCount.objects.filter(dim_a=code, dim_b="", month__gte=start, month__lte=end)
    counts = {(value, "n"): number for value, number in query.values_list("value_a").annotate(n=Sum("count"))}
    dimension = d.BY_CODE[code]
    return _build(
        slug=slug or code,
        title=_("Vorfälle nach %(dimension)s") % {"dimension": dimension.label},
        row_heading=str(dimension.label),
        rows=_values(code, districts if districts is not None else district_names(), {v for v, _n in counts}),
        columns=[("n", COUNT)],
        counts=counts,
        threshold=threshold_for(public=public),
        mentions=dimension.multiple,
    )


def cross_table(
    rows_code: str,
    columns_code: str,
    *,
    first_year: int,
    last_year: int,
    granularity: str = d.Granularity.YEAR,
    public: bool = False,
    districts=None,
    slug: str = "kreuz",
) -> Table:
    """Incidents by two dimensions (either may be the period); sums count mentions where a dimension has several
    values per incident."""
    if rows_code == columns_code:
        raise ValueError("a cross table needs two different dimensions")
    districts = districts if districts is not None else district_names()
    start, end = _month_range(first_year, last_year)
    counts: dict[tuple[str, str], int] = defaultdict(int)

    def axis(code: str, seen: set[str]) -> list[tuple[str, str]]:
        if code == d.PERIOD:
            return [(str(p), period_label(p, granularity)) for p in periods(first_year, last_year, granularity)]
        return _values(code, districts, seen)

    if d.PERIOD in (rows_code, columns_code):
        other = columns_code if rows_code == d.PERIOD else rows_code
        query = IncidentCount.objects.filter(dim_a=other, dim_b="", month__gte=start, month__lte=end)
        for month, value, number in query.values_list("month", "value_a", "count"):
            period = str(period_of(month, granularity))
            counts[(period, value) if rows_code == d.PERIOD else (value, period)] += number
    else:
        swap = d.ORDER[rows_code] > d.ORDER[columns_code]
        first, second = (columns_code, rows_code) if swap else (rows_code, columns_code)
        query = IncidentCount.objects.filter(dim_a=first, dim_b=second, month__gte=start, month__lte=end)
        for value_a, value_b, number in query.values_list("value_a", "value_b").annotate(n=Sum("count")):
            counts[(value_b, value_a) if swap else (value_a, value_b)] += number
    row_values = axis(rows_code, {key for key, _c in counts})
    column_values = axis(columns_code, {key for _r, key in counts})
    multiple = any(code != d.PERIOD and d.BY_CODE[code].multiple for code in (rows_code, columns_code))
    return _build(
        slug=slug,
        title=_("Vorfälle nach %(rows)s und %(columns)s")
        % {"rows": label_of(rows_code), "columns": label_of(columns_code)},
        row_heading=label_of(rows_code),
        rows=row_values,
        columns=column_values,
        counts=counts,
        threshold=threshold_for(public=public),
        mentions=multiple,
    )


def label_of(code: str) -> str:
    return str(d.PERIOD_LABEL) if code == d.PERIOD else str(d.BY_CODE[code].label)


# The public comparison with the KoMo survey


@dataclass
class KomoRow:
    label: str
    count: str
    share: str  # our share in percent, or ».«
    komo_share: str
    komo_year: int | None
    komo_source: str


def komo_comparison(*, year: int) -> tuple[list[KomoRow], Table]:
    """Our shares of the three groups in ``year`` beside the KoMo values of the nearest earlier (or same) year."""
    table = dimension_table("form", first_year=year, last_year=year, public=True, districts=[], slug="komo")
    komo_year = KomoShare.objects.filter(year__lte=year).aggregate(year=Max("year"))["year"]
    if komo_year is None:
        komo_year = KomoShare.objects.aggregate(year=Min("year"))["year"]
    komo = {share.group: share for share in KomoShare.objects.filter(year=komo_year)} if komo_year else {}
    total = table.protected.total
    rows = []
    for index, row in enumerate(table.rows):
        count = table.protected.cell(index, 0)
        share = "." if count is None or not total else number_format(100 * count / total, 1)
        stored = komo.get(row.key)
        rows.append(
            KomoRow(
                label=row.label,
                count=row.cells[0],
                share=share,
                komo_share=number_format(stored.percent, 1) if stored else "–",
                komo_year=stored.year if stored else None,
                komo_source=stored.source if stored else "",
            )
        )
    return rows, table

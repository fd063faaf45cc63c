"""Reads of the situation report: who may see which version, and every table as it may be shown — counted from the
pre-aggregated counts (`models.IncidentCount`, one query per table) and put through `disclosure.protect` here, in
the one place every page, chart and export takes its numbers from."""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Case, F, Max, Min, Q, Sum, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sikom.accounts.models import OrganisationType
from sikom.accounts.selectors import is_member_of, is_verified_staff
from sikom.cases.models import CASE_HANDLING_TYPES
from sikom.geo.models import District
from sikom.situation import dimensions as d
from sikom.situation import disclosure
from sikom.situation.models import IncidentCount, KomoGroup, KomoShare

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
    column_keys: list[str]
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

    def shown_by_key(self) -> dict[str, bool]:
        """For a list: whether each value's count is shown."""
        return {row.key: row.values[0] is not None for row in self.rows}

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
    row_totals: "Table | None" = None,
    column_totals: "Table | None" = None,
    grand_total: "Table | None" = None,
    extra_fixed: dict[tuple[int, int], bool] | None = None,
) -> Table:
    """``rows``/``columns``: (key, label); ``counts``: (row key, column key) → incidents. A single column is a list
    with its total only. ``row_totals``/``column_totals``/``grand_total``: lists published with the same numbers as
    this table's totals — their shown or suppressed state is kept here (`disclosure.protect`'s ``fixed``)."""
    with_row_totals = len(columns) > 1
    matrix = [[counts.get((row, column), 0) for column, _label in columns] for row, _label in rows]
    fixed: dict[tuple[int, int], bool] = {}
    total_column = len(columns) if with_row_totals else 0
    if row_totals is not None:
        shown = row_totals.shown_by_key()
        for index, (key, _label) in enumerate(rows):
            if key in shown:
                fixed[(index, total_column)] = shown[key]
    if column_totals is not None:
        shown = column_totals.shown_by_key()
        for index, (key, _label) in enumerate(columns):
            if key in shown:
                fixed[(len(rows), index)] = shown[key]
    if grand_total is not None:
        fixed[(len(rows), total_column)] = grand_total.protected.total is not None
    fixed |= extra_fixed or {}
    protected = disclosure.protect(matrix, threshold=threshold, with_row_totals=with_row_totals, fixed=fixed)
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
        column_keys=[key for key, _label in columns],
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


def label_of(code: str) -> str:
    return str(d.PERIOD_LABEL) if code == d.PERIOD else str(d.BY_CODE[code].label)


def _single_valued(code: str) -> bool:
    return code == d.PERIOD or not d.BY_CODE[code].multiple


COUNT = _("Anzahl")


class Lagebild:
    """The tables of one range of years, from one query (`_load`). Lists are protected first (the period list
    before all: its total is every list's total); a cross table keeps their states for its totals, so that no two
    outputs of the same range contradict each other (decision 0042)."""

    def __init__(
        self,
        *,
        first_year: int,
        last_year: int,
        granularity: str,
        public: bool = False,
        districts=None,
        pair: tuple[str, str] | None = None,
        monthly: set[str] = frozenset(),
    ):
        """``pair``: the two characteristics of the cross table to be shown; ``monthly``: characteristics whose
        counts are needed by period (for a cross table with the period). Both are read in the one query."""
        self.first_year, self.last_year, self.granularity = first_year, last_year, granularity
        self.pair = None
        if pair and d.PERIOD in pair:
            monthly = set(monthly) | (set(pair) - {d.PERIOD})
        elif pair and pair[0] != pair[1]:
            self.pair = tuple(sorted(pair, key=d.ORDER.__getitem__))
        self.monthly = {d.TOTAL, *monthly}
        self.threshold = threshold_for(public=public)
        self.districts = districts
        self.start, self.end = date(first_year, 1, 1), date(last_year, 12, 1)
        self._read = False
        self._totals: dict[tuple[str, str], int] = defaultdict(int)
        self._by_month: dict[tuple[str, str, date], int] = defaultdict(int)
        self._pairs: dict[tuple[str, str], int] = defaultdict(int)
        self._lists: dict[str, Table] = {}

    def _load(self) -> None:
        """The one query: every characteristic's counts over the range (by month for ``monthly``) and the pair's,
        summed by the database so that a page reads a few hundred rows, whatever the number of incidents."""
        if self._read:
            return
        self._read = True
        wanted = Q(dim_a__in=[d.TOTAL, *d.BY_CODE], dim_b="")
        if self.pair:
            wanted |= Q(dim_a=self.pair[0], dim_b=self.pair[1])
        by_month = Case(
            When(dim_a__in=sorted(self.monthly), dim_b="", then=F("month")),
            default=Value(None),
            output_field=models.DateField(),
        )
        rows = (
            IncidentCount.objects.filter(wanted, month__gte=self.start, month__lte=self.end)
            .values("dim_a", "value_a", "dim_b", "value_b")
            .annotate(at=by_month, n=Sum("count"))
            .order_by()
            .values_list("dim_a", "value_a", "dim_b", "value_b", "at", "n")
        )
        for code, value, other, other_value, month, number in rows:
            if other:
                self._pairs[(value, other_value)] += number
                continue
            self._totals[(code, value)] += number
            if month is not None:
                self._by_month[(code, value, month)] += number

    def monthly_counts(self, code: str) -> dict[tuple[str, date], int]:
        """(value, month) → incidents of a characteristic read by month (the period list: code »total«)."""
        if code not in self.monthly:
            raise ValueError(f"{code} was not read by month")
        self._load()
        return {(value, month): n for (dim, value, month), n in self._by_month.items() if dim == code}

    def _district_names(self) -> list[tuple[str, str]]:
        if self.districts is None:
            self.districts = district_names()
        return self.districts

    def _axis(self, code: str, seen: set[str]) -> list[tuple[str, str]]:
        if code == d.PERIOD:
            return [
                (str(p), period_label(p, self.granularity))
                for p in periods(self.first_year, self.last_year, self.granularity)
            ]
        districts = self._district_names() if code == "district" else []
        values = d.values_of(code, districts)
        known = {key for key, _label in values}
        # A stored code no longer in the vocabulary is shown as it is (codes only: never free text).
        return values + [(key, key) for key in sorted(seen - known)]

    def _by(self, code: str) -> dict[tuple[str, str], int]:
        """(value, "n") → incidents (mentions) of the range, for a list; the period: by period."""
        self._load()
        if code != d.PERIOD:
            return {(value, "n"): n for (dim, value), n in self._totals.items() if dim == code}
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for (_value, month), number in self.monthly_counts(d.TOTAL).items():
            counts[(str(period_of(month, self.granularity)), "n")] += number
        return counts

    def list_of(self, code: str, *, slug: str = "") -> Table:
        """Incidents by the values of one characteristic (or by period)."""
        if code not in self._lists:
            counts = self._by(code)
            period = code == d.PERIOD
            if period:
                title = _("Vorfälle je %(period)s") % {"period": dict(d.Granularity.CHOICES)[self.granularity]}
            else:
                title = _("Vorfälle nach %(dimension)s") % {"dimension": label_of(code)}
            self._lists[code] = _build(
                slug=slug or code,
                title=title,
                row_heading=label_of(code),
                rows=self._axis(code, {key for key, _n in counts}),
                columns=[("n", COUNT)],
                counts=counts,
                threshold=self.threshold,
                mentions=not _single_valued(code),
                # Every list of a single-valued characteristic ends with the number of incidents.
                grand_total=None if period or not _single_valued(code) else self.list_of(d.PERIOD),
            )
        table = self._lists[code]
        if slug and table.slug != slug:
            table = dataclasses.replace(table, slug=slug)
        return table

    def cross(self, rows_code: str, columns_code: str, *, slug: str = "kreuz") -> Table:
        """Incidents by two characteristics (either may be the period); sums count mentions where a
        characteristic has several values per incident."""
        if rows_code == columns_code:
            raise ValueError("a cross table needs two different dimensions")
        counts: dict[tuple[str, str], int] = defaultdict(int)
        if d.PERIOD in (rows_code, columns_code):
            other = columns_code if rows_code == d.PERIOD else rows_code
            for (value, month), number in self.monthly_counts(other).items():
                period = str(period_of(month, self.granularity))
                counts[(period, value) if rows_code == d.PERIOD else (value, period)] += number
        else:
            swap = d.ORDER[rows_code] > d.ORDER[columns_code]
            first, second = (columns_code, rows_code) if swap else (rows_code, columns_code)
            if self.pair == (first, second):
                self._load()
                pairs = self._pairs.items()
            else:
                query = IncidentCount.objects.filter(
                    dim_a=first, dim_b=second, month__gte=self.start, month__lte=self.end
                )
                pairs = (((a, b), n) for a, b, n in query.values_list("value_a", "value_b").annotate(n=Sum("count")))
            for (value_a, value_b), number in pairs:
                counts[(value_b, value_a) if swap else (value_a, value_b)] += number
        rows_single, columns_single = _single_valued(rows_code), _single_valued(columns_code)
        # Row totals are the rows' list when each incident has one column value; likewise the columns.
        row_totals = self.list_of(rows_code) if columns_single else None
        column_totals = self.list_of(columns_code) if rows_single else None
        grand = None
        if rows_single and columns_single:
            grand = self.list_of(d.PERIOD)
        elif rows_single or columns_single:
            grand = self.list_of(columns_code if rows_single else rows_code)
        return _build(
            slug=slug,
            title=_("Vorfälle nach %(rows)s und %(columns)s")
            % {"rows": label_of(rows_code), "columns": label_of(columns_code)},
            row_heading=label_of(rows_code),
            rows=self._axis(rows_code, {key for key, _c in counts}),
            columns=self._axis(columns_code, {key for _r, key in counts}),
            counts=counts,
            threshold=self.threshold,
            mentions=not (rows_single and columns_single),
            row_totals=row_totals,
            column_totals=column_totals,
            grand_total=grand,
        )


# The public comparison with the KoMo survey


@dataclass
class KomoRow:
    label: str
    count: str
    share: str  # our share in percent, or ».«
    komo_share: str
    komo_year: int | None
    komo_source: str


def komo_comparison(lagebild: Lagebild, *, year: int, categories: Table) -> tuple[list[KomoRow], Table]:
    """Our shares of the three groups in ``year`` beside the KoMo values of the nearest earlier (or same) year.

    ``lagebild`` counts by year; ``categories`` is its category × year table: the physical group is the
    »physical attack« category, so that cell and the year's total keep the state they have there."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for (value, month), number in lagebild.monthly_counts("form").items():
        if month.year == year:
            counts[(value, "n")] += number
    rows = lagebild._axis("form", {key for key, _n in counts})
    year_key = str((year, 1))
    fixed: dict[tuple[int, int], bool] = {}
    years = lagebild.list_of(d.PERIOD).shown_by_key()
    if year_key in years:
        fixed[(len(rows), 0)] = years[year_key]
    physical = next((i for i, (key, _l) in enumerate(rows) if key == KomoGroup.PHYSICAL), None)
    category_row = next((row for row in categories.rows if row.key == "physical_attack"), None)
    if physical is not None and category_row is not None and year_key in categories.column_keys:
        fixed[(physical, 0)] = category_row.values[categories.column_keys.index(year_key)] is not None
    table = _build(
        slug="komo",
        title=_("Vorfälle %(year)s nach Art (wie KoMo)") % {"year": year},
        row_heading=_("Art des Vorfalls"),
        rows=rows,
        columns=[("n", COUNT)],
        counts=counts,
        threshold=lagebild.threshold,
        mentions=False,
        extra_fixed=fixed,
    )
    komo_year = KomoShare.objects.filter(year__lte=year).aggregate(year=Max("year"))["year"]
    if komo_year is None:
        komo_year = KomoShare.objects.aggregate(year=Min("year"))["year"]
    komo = {share.group: share for share in KomoShare.objects.filter(year=komo_year)} if komo_year else {}
    total = table.protected.total
    result = []
    for index, row in enumerate(table.rows):
        count = table.protected.cell(index, 0)
        share = "." if count is None or total is None else ("–" if not total else number_format(100 * count / total, 1))
        stored = komo.get(row.key)
        result.append(
            KomoRow(
                label=row.label,
                count=row.cells[0],
                share=share,
                komo_share=number_format(stored.percent, 1) if stored else "–",
                komo_year=stored.year if stored else None,
                komo_source=stored.source if stored else "",
            )
        )
    return result, table

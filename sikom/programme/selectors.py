"""The programme's figures, computed from the records: the one module that counts them.

Every figure comes from the registry in `core.figures` (the apps register their records' spans there); nothing here
knows an app. A record counts on a day D when `start <= D` and (`end` is empty or `D < end`).

One query per figure, whatever the volume: the database puts each record into the first checkpoint (quarter end or
the chosen day) its start reaches and the first its end reaches, and groups by those two checkpoints and the
district (a few hundred groups at most instead of one row per record); Python then adds the starts and subtracts
the ends in checkpoint order. So a stock (members: joined … left) and a running total (consultations: no end)
follow one rule, and the count at every quarter end, at the chosen day and per district come out of the same query.
A figure wanted on one day only (the totals beside the chosen figure) is one plain `COUNT`. Nothing is cached: a record added a second ago is counted on the next page view.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Expression, F, ForeignObject, IntegerField, QuerySet, Value
from django.db.models.expressions import Col
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, IsNull, LessThan, LessThanOrEqual
from django.db.models.sql.datastructures import Join
from django.utils.translation import gettext

from sikom.core.figures import Figure, registered
from sikom.geo.maps import district_shapes

PROGRAMME_START = date(2019, 2, 1)  # the alliance was founded in February 2019 (seed 003)
NO_DISTRICT = None


def figures(*, public_only: bool = False) -> list[Figure]:
    return [figure for figure in registered() if figure.public or not public_only]


def figure_by_key(key: str, *, public_only: bool = False) -> Figure | None:
    return next((figure for figure in figures(public_only=public_only) if figure.key == key), None)


def quarter_end(day: date) -> date:
    """The last day of the quarter that contains ``day``."""
    month = (day.month - 1) // 3 * 3 + 3
    following = date(day.year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def checkpoints(day: date, *, since: date = PROGRAMME_START) -> list[date]:
    """The quarter ends from ``since`` up to (not including) ``day``, then ``day`` itself."""
    days = []
    current = quarter_end(since)
    while current < day:
        days.append(current)
        current = quarter_end(current + timedelta(days=1))
    days.append(day)
    return days


@dataclass(frozen=True)
class Counts:
    """One figure at each checkpoint (ascending; the last is the chosen day), per district key (None: no district)."""

    figure: Figure
    days: tuple[date, ...]
    by_district: dict[str | None, list[int]]

    @property
    def day(self) -> date:
        return self.days[-1]

    def total(self, index: int = -1) -> int:
        return sum(values[index] for values in self.by_district.values())

    def series(self) -> list[tuple[date, int]]:
        return [(day, self.total(index)) for index, day in enumerate(self.days)]

    def districts(self, index: int = -1) -> dict[str | None, int]:
        return {key: values[index] for key, values in self.by_district.items()}


def _district_key(value, known: frozenset[str]) -> str | None:
    key = None if value is None else str(value)
    return key if key in known else NO_DISTRICT


class CheckpointIndex(Expression):
    """The index of the first checkpoint a date reaches (date <= checkpoint), ``len(days)`` for none or no date.

    Written as a binary search in nested CASEs: five or six comparisons per row for 31 quarters instead of up to 31
    in a flat CASE. One expression of its own rather than nested `Case`/`When` objects: Django hashes nested
    expressions again at every level, which cost more than the query itself at 14,400 rows. ``date`` says how the
    date is compared (`_DateSql`): a date column with the days, a time column with the first moment after each day.
    """

    output_field = IntegerField()

    def __init__(self, date: "_DateSql", days: tuple[date, ...]):
        super().__init__()
        self.expression = date.expression
        self.date = date
        self.days = tuple(days)

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        values = [self.date.adapted(day, connection) for day in self.days]
        operator = self.date.operator

        def search(low: int, high: int) -> tuple[str, list]:
            if low == high:
                return str(low), []
            middle = (low + high) // 2
            left, left_params = search(low, middle)
            right, right_params = search(middle + 1, high)
            return (
                f"CASE WHEN {sql} {operator} %s THEN {left} ELSE {right} END",
                [*params, values[middle], *left_params, *right_params],
            )

        inner, inner_params = search(0, len(self.days))
        return f"CASE WHEN {sql} IS NULL THEN {len(self.days)} ELSE {inner} END", [*params, *inner_params]


@dataclass(frozen=True)
class _DateSql:
    """How the database compares one date of a figure's rows with a day.

    A date column (or an empty date) as it is: ``column <= day``. A date cut from a time in a zone (`TruncDate` of a
    column, as the events' sessions give it) as the time column against the first moment of the next day in that
    zone: ``column < next midnight``, the same answer without converting every row (on SQLite a Python function per
    row) and open to an index. Anything else is not compared in the database (``expression`` None).
    """

    expression: object | None
    next_midnight: Callable[[date], datetime] | None = None

    @property
    def operator(self) -> str:
        return "<=" if self.next_midnight is None else "<"

    def adapted(self, day: date, connection):
        if self.next_midnight is None:
            return connection.ops.adapt_datefield_value(day)
        return connection.ops.adapt_datetimefield_value(self.next_midnight(day))

    def reached_by(self, day: date):
        """The date is on or before ``day``."""
        if self.next_midnight is None:
            return LessThanOrEqual(self.expression, day)
        return LessThan(self.expression, self.next_midnight(day))

    def after(self, day: date):
        """The date is after ``day``."""
        if self.next_midnight is None:
            return GreaterThan(self.expression, day)
        return GreaterThanOrEqual(self.expression, self.next_midnight(day))


def _next_midnight(zone_name: str | None) -> Callable[[date], datetime]:
    zone = ZoneInfo(zone_name) if zone_name else None

    def next_midnight(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)

    return next_midnight


def _date_sql(rows: QuerySet, name: str) -> _DateSql:
    annotation = rows.query.annotations.get(name)
    if isinstance(annotation, Col) or (isinstance(annotation, Value) and annotation.value is None):
        return _DateSql(annotation)
    if isinstance(annotation, TruncDate) and isinstance(annotation.get_source_expressions()[0], Col):
        return _DateSql(annotation.get_source_expressions()[0], _next_midnight(annotation.get_tzname()))
    return _DateSql(None)


def _is_column(rows: QuerySet, name: str) -> bool:
    annotation = rows.query.annotations.get(name)
    return isinstance(annotation, Col) or (isinstance(annotation, Value) and annotation.value is None)


def _grouped_in_database(rows: QuerySet, days: list[date]) -> Iterable[tuple[int, int, object, int]]:
    """Grouped by checkpoint indexes when start and end are columns (or dates of a time column, `_DateSql`); any
    other computed date would be computed again at every level of the search, so such rows are grouped by their dates
    instead and the indexes found in Python."""
    last = len(days)
    start, end = _date_sql(rows, "start"), _date_sql(rows, "end")
    if start.expression is None or end.expression is None:
        for row in rows.order_by().values("start", "end", "district").annotate(records=Count("*")):
            end_day = row["end"]
            start_bucket = bisect_left(days, row["start"])
            yield (
                start_bucket,
                (last if end_day is None else bisect_left(days, end_day)),
                row["district"],
                row["records"],
            )
        return
    grouped = (
        rows.annotate(start_bucket=CheckpointIndex(start, days), end_bucket=CheckpointIndex(end, days))
        .order_by()
        .values("start_bucket", "end_bucket", "district")
        .annotate(records=Count("*"))
    )
    for row in grouped:
        yield row["start_bucket"], row["end_bucket"], row["district"], row["records"]


def _grouped_in_python(rows: Iterable[dict], days: list[date]) -> Iterable[tuple[int, int, object, int]]:
    last = len(days)
    for row in rows:
        end = row.get("end")
        yield bisect_left(days, row["start"]), (last if end is None else bisect_left(days, end)), row.get("district"), 1


def counts(figure: Figure, day: date, *, since: date = PROGRAMME_START, known_districts: Iterable[str] = ()) -> Counts:
    """The figure at every quarter end since ``since`` and on ``day``, per district: one query."""
    days = checkpoints(day, since=since)
    known = frozenset(known_districts)
    rows = figure.rows()
    grouped = _grouped_in_database(rows, days) if isinstance(rows, QuerySet) else _grouped_in_python(rows, days)
    # Per district: changes at each checkpoint (+ where records start counting, − where they stop), then summed up.
    changes: dict[str | None, list[int]] = {key: [0] * (len(days) + 1) for key in known}
    for start_bucket, end_bucket, district, records in grouped:
        if end_bucket <= start_bucket:
            continue  # ended before (or at) the first checkpoint it started by: it counts on none of them
        deltas = changes.setdefault(_district_key(district, known), [0] * (len(days) + 1))
        deltas[start_bucket] += records
        deltas[end_bucket] -= records
    by_district = {}
    for key, deltas in changes.items():
        running, values = 0, []
        for delta in deltas[:-1]:
            running += delta
            values.append(running)
        by_district[key] = values
    return Counts(figure=figure, days=tuple(days), by_district=by_district)


def total_on(figure: Figure, day: date) -> int:
    """The figure on ``day`` alone: one count (no grouping, no district), the cheapest query there is for it."""
    rows = figure.rows()
    if not isinstance(rows, QuerySet):
        return counts(figure, day, since=day).total()
    rows = _without_annotation(rows, "district")
    start, end = _date_sql(rows, "start"), _date_sql(rows, "end")
    started = start.reached_by(day) if start.expression is not None else LessThanOrEqual(F("start"), day)
    if isinstance(end.expression, Value):  # no end: counts for good
        return rows.filter(started).order_by().count()
    if end.expression is None:
        return rows.filter(started, IsNull(F("end"), True) | GreaterThan(F("end"), day)).order_by().count()
    return rows.filter(started, IsNull(end.expression, True) | end.after(day)).order_by().count()


def _without_annotation(rows: QuerySet, name: str) -> QuerySet:
    """The rows without the annotation ``name`` and without the joins only it needed: a count on one day needs no
    district, and on SQLite the two joins to a consultation's district cost fifty times the count itself.

    Only joins along foreign keys (forward, to one row) are left out, so the number of rows stays the same; an
    annotation over any other join is kept as it is. A join a filter or another annotation uses stays too (Django
    counts the references to each join and leaves out only those no longer referenced).
    """
    rows = rows.all()
    query = rows.query
    annotation = query.annotations.get(name)
    if annotation is None:
        return rows
    chains = []
    for column in (expression for expression in annotation.flatten() if isinstance(expression, Col)):
        chain, alias = [], column.alias
        while alias != query.base_table:
            join = query.alias_map.get(alias)
            if not (isinstance(join, Join) and isinstance(join.join_field, ForeignObject)) or join.filtered_relation:
                return rows
            chain.append(alias)
            alias = join.parent_alias
        chains.append(chain)
    del query.annotations[name]
    query.set_annotation_mask([key for key in query.annotation_select if key != name])
    for chain in chains:
        for alias in chain:
            query.unref_alias(alias)
    return rows


def totals_on(day: date, *, public_only: bool = False) -> list[tuple[Figure, int]]:
    """Each registered figure's value on ``day``: one query per figure."""
    return [(figure, total_on(figure, day)) for figure in figures(public_only=public_only)]


def by_quarter(figure: Figure, *, since: date = PROGRAMME_START, until: date) -> list[tuple[date, int]]:
    """The figure at each quarter end from ``since`` on, and on ``until`` (the chosen day)."""
    return counts(figure, until, since=since).series()


@dataclass(frozen=True)
class DistrictValue:
    key: str | None
    name: str
    value: int


def district_names() -> dict[str, str]:
    """The 13 districts by key, as people name them (reference data; cached for the process with the map)."""
    return {shape.key: shape.name for shape in district_shapes().shapes}


def district_values(result: Counts, index: int = -1) -> list[DistrictValue]:
    """Every district (also those with nothing to count) in the order of their keys (the official order), then the
    records without one."""
    names = district_names()
    values = result.districts(index)
    rows = [DistrictValue(key=key, name=name, value=values.get(key, 0)) for key, name in sorted(names.items())]
    if values.get(NO_DISTRICT):
        rows.append(DistrictValue(key=None, name=gettext("ohne Landkreis"), value=values[NO_DISTRICT]))
    return rows


def by_district(figure: Figure, day: date) -> list[DistrictValue]:
    """The figure on ``day`` in each district: one query."""
    return district_values(counts(figure, day, since=day, known_districts=district_names()))


@dataclass(frozen=True)
class Overview:
    """What the programme page shows: every figure on the day, and the chosen one over time and by district."""

    day: date
    totals: list[tuple[Figure, int]]
    chosen: Counts | None
    districts: list[DistrictValue]


def overview(day: date, chosen_key: str | None, *, public_only: bool = False, over_time: bool = True) -> Overview:
    """One query per figure (the chosen one's total comes from its quarter and district query; without
    ``over_time`` that query counts on the day only)."""
    names = district_names()
    chosen = None
    totals = []
    for figure in figures(public_only=public_only):
        if figure.key == chosen_key:
            chosen = counts(figure, day, since=PROGRAMME_START if over_time else day, known_districts=names)
            totals.append((figure, chosen.total()))
        else:
            totals.append((figure, total_on(figure, day)))
    return Overview(
        day=day, totals=totals, chosen=chosen, districts=district_values(chosen) if chosen is not None else []
    )

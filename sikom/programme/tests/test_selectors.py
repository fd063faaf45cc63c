"""The one counting rule (start <= D < end), quarter ends, districts, and the same answer from the database and from
plain Python rows."""

import random
from datetime import date, timedelta

import pytest
from django.db.models import DateField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from sikom.cases.models import CaseStatistic
from sikom.core import figures
from sikom.programme import selectors
from sikom.programme.tests.conftest import RUNNING, STOCK, record

pytestmark = pytest.mark.django_db


def figure(key):
    return selectors.figure_by_key(key)


def total(key, day):
    return {f.key: value for f, value in selectors.totals_on(day)}[key]


def test_quarter_ends_up_to_the_chosen_day():
    assert selectors.checkpoints(date(2019, 8, 15)) == [date(2019, 3, 31), date(2019, 6, 30), date(2019, 8, 15)]
    # A quarter end as the chosen day is not counted twice.
    assert selectors.checkpoints(date(2019, 6, 30)) == [date(2019, 3, 31), date(2019, 6, 30)]
    # The first quarter of the programme ends on 31 March 2019 (it began in February).
    assert selectors.checkpoints(date(2019, 3, 31)) == [date(2019, 3, 31)]
    assert selectors.checkpoints(date(2019, 2, 1)) == [date(2019, 2, 1)]
    assert selectors.quarter_end(date(2024, 12, 1)) == date(2024, 12, 31)
    assert selectors.quarter_end(date(2024, 2, 29)) == date(2024, 3, 31)
    assert len(selectors.checkpoints(date(2026, 11, 30))) == 31 + 1


def test_a_stock_counts_from_its_start_to_the_day_before_its_end():
    record(date(2020, 1, 10), date(2020, 3, 31))
    assert total(STOCK, date(2020, 1, 9)) == 0
    assert total(STOCK, date(2020, 1, 10)) == 1
    assert total(STOCK, date(2020, 3, 30)) == 1
    assert total(STOCK, date(2020, 3, 31)) == 0  # ended on the quarter end: not counted at it
    assert selectors.by_quarter(figure(STOCK), until=date(2020, 6, 30)) == [
        (date(2019, 3, 31), 0),
        (date(2019, 6, 30), 0),
        (date(2019, 9, 30), 0),
        (date(2019, 12, 31), 0),
        (date(2020, 3, 31), 0),
        (date(2020, 6, 30), 0),
    ]


def test_a_running_total_keeps_counting():
    record(date(2019, 3, 31), date(2019, 5, 1))  # the running total ignores the end
    record(date(2019, 4, 1))
    assert selectors.by_quarter(figure(RUNNING), until=date(2019, 8, 1)) == [
        (date(2019, 3, 31), 1),
        (date(2019, 6, 30), 2),
        (date(2019, 8, 1), 2),
    ]
    assert total(RUNNING, date(2026, 1, 1)) == 2
    assert total(STOCK, date(2026, 1, 1)) == 1


def test_a_record_ending_before_it_starts_counts_nowhere():
    record(date(2021, 5, 1), date(2021, 4, 1))
    record(date(2021, 5, 1), date(2021, 5, 1))
    assert [value for _day, value in selectors.by_quarter(figure(STOCK), until=date(2021, 12, 31))] == [0] * 12


def test_records_starting_before_the_programme_are_counted_from_the_first_quarter():
    record(date(2018, 6, 1))
    assert selectors.by_quarter(figure(RUNNING), until=date(2019, 3, 31)) == [(date(2019, 3, 31), 1)]


def test_by_district_lists_all_thirteen_and_records_without_a_district():
    record(date(2020, 1, 1), district="14612")
    record(date(2020, 1, 1), district="14612")
    record(date(2020, 1, 1), district="14628")
    record(date(2020, 1, 1), district="")  # no municipality
    record(date(2020, 1, 1), district="99999")  # not a Saxon district: counted, but not on the map
    rows = selectors.by_district(figure(RUNNING), date(2020, 6, 1))
    assert len(rows) == 14
    values = {row.key: row.value for row in rows}
    assert values["14612"] == 2 and values["14628"] == 1 and values["14511"] == 0
    assert values[None] == 2
    assert rows[-1].name == "ohne Landkreis"
    assert [row.key for row in rows[:13]] == sorted(row.key for row in rows[:13])
    assert sum(values.values()) == total(RUNNING, date(2020, 6, 1)) == 5


def test_without_records_without_a_district_there_is_no_such_row():
    record(date(2020, 1, 1))
    assert [row.key for row in selectors.by_district(figure(RUNNING), date(2020, 6, 1))][-1] == "14730"


def test_the_chosen_day_is_the_last_value_and_the_total():
    record(date(2022, 2, 1), date(2022, 2, 20))
    counts = selectors.counts(figure(STOCK), date(2022, 2, 10))
    assert counts.day == date(2022, 2, 10)
    assert counts.series()[-1] == (date(2022, 2, 10), 1)
    assert counts.series()[-2] == (date(2021, 12, 31), 0)
    assert counts.total() == 1


def test_public_only_leaves_out_internal_figures():
    keys = [f.key for f, _value in selectors.totals_on(date(2024, 1, 1), public_only=True)]
    assert keys == [RUNNING, STOCK]
    assert selectors.figure_by_key("test_intern", public_only=True) is None
    assert selectors.figure_by_key("test_intern") is not None


def test_database_and_python_rows_agree_with_counting_by_hand():
    rng = random.Random(7)
    spans = []
    for _number in range(300):
        start = date(2018, 10, 1) + timedelta(days=rng.randrange(2400))
        end = start + timedelta(days=rng.randrange(-30, 900)) if rng.random() < 0.6 else None
        district = rng.choice(["14612", "14628", "14511", ""])
        record(start, end, district=district)
        spans.append({"start": start, "end": end, "district": district or None})
    in_python = figures.Figure(key="test_python", label=_("Python"), order=9, rows=lambda: list(spans))
    # Computed dates (not plain columns) are grouped by date and indexed in Python.
    computed = figures.Figure(
        key="test_computed",
        label=_("Berechnet"),
        order=10,
        rows=lambda: CaseStatistic.objects.values(
            start=Coalesce(F("reported_month"), F("closed_month")),
            end=Coalesce(F("closed_month"), Value(None, output_field=DateField())),
            district=NullIf(F("district_key"), Value("")),
        ),
    )
    figures.register(in_python)
    # The three ways of counting are really taken.
    assert selectors._is_column(figure(STOCK).rows(), "start") and selectors._is_column(figure(RUNNING).rows(), "end")
    assert not selectors._is_column(computed.rows(), "start")
    try:
        known = ["14612", "14628", "14511"]
        for day in (date(2019, 2, 1), date(2020, 6, 30), date(2021, 7, 15), date(2025, 1, 1)):
            database = selectors.counts(figure(STOCK), day, known_districts=known)
            python = selectors.counts(in_python, day, known_districts=known)
            assert database.by_district == python.by_district
            assert selectors.counts(computed, day, known_districts=known).by_district == database.by_district
            assert selectors.total_on(computed, day) == database.total()
            for index, point in enumerate(database.days):
                by_hand = sum(1 for s in spans if s["start"] <= point and (s["end"] is None or point < s["end"]))
                assert database.total(index) == by_hand, point
    finally:
        figures.unregister("test_python")

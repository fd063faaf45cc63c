"""Figures of the tests' own: the programme app counts whatever is registered, so its tests register figures over a
model that exists on every branch (`cases.CaseStatistic`: a month, an optional closing month, a district key) and
take the registry back to what it was afterwards."""

from datetime import date

import pytest
from django.db.models import DateField, F, Value
from django.db.models.functions import NullIf
from django.utils.translation import gettext_lazy as _

from sikom.cases.models import CaseStatistic
from sikom.core import figures

RUNNING = "test_laufend"
STOCK = "test_bestand"
INTERNAL = "test_intern"


def _rows(*, with_end: bool):
    return CaseStatistic.objects.values(
        start=F("reported_month"),
        end=F("closed_month") if with_end else Value(None, output_field=DateField()),
        district=NullIf(F("district_key"), Value("")),
    )


TEST_FIGURES = [
    figures.Figure(key=RUNNING, label=_("Beratungen (Test)"), order=1, rows=lambda: _rows(with_end=False)),
    figures.Figure(key=STOCK, label=_("Laufende Prozesse (Test)"), order=2, rows=lambda: _rows(with_end=True)),
    figures.Figure(
        key=INTERNAL, label=_("Interne Zahl (Test)"), order=3, rows=lambda: _rows(with_end=True), public=False
    ),
]


@pytest.fixture(autouse=True)
def test_figures():
    """Only the test figures are registered while a test of this app runs."""
    before = figures.registered()
    for figure in before:
        figures.unregister(figure.key)
    for figure in TEST_FIGURES:
        figures.register(figure)
    yield TEST_FIGURES
    for figure in TEST_FIGURES:
        figures.unregister(figure.key)
    for figure in before:
        figures.register(figure)


def record(start: date, end: date | None = None, district: str = "14628", **fields) -> CaseStatistic:
    return CaseStatistic.objects.create(
        reported_month=start,
        closed_month=end,
        district_key=district,
        affected_role=fields.pop("affected_role", "mayor"),
        place=fields.pop("place", "office"),
        channel=fields.pop("channel", "email"),
        **fields,
    )

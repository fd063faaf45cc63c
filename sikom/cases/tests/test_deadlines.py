from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sikom.cases import deadlines
from sikom.cases.models import RiskLevel

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args):
    return datetime(*args, tzinfo=BERLIN)


def test_acute_is_due_in_two_hours_even_on_a_holiday():
    assert deadlines.first_contact_due(at(2026, 12, 25, 22, 0), RiskLevel.ACUTE) == at(2026, 12, 26, 0, 0)


@pytest.mark.parametrize(
    ("received", "level", "due"),
    [
        (at(2026, 11, 20, 10, 0), RiskLevel.HIGH, at(2026, 11, 23, 10, 0)),  # Friday → Monday
        (at(2026, 11, 17, 9, 30), RiskLevel.HIGH, at(2026, 11, 19, 9, 30)),  # Buß- und Bettag 18.11. is skipped
        (at(2026, 11, 16, 12, 0), RiskLevel.MEDIUM, at(2026, 11, 20, 12, 0)),  # Mon + 3 working days, Wed is a holiday
        (
            at(2026, 12, 23, 8, 0),
            RiskLevel.LOW,
            at(2026, 12, 31, 8, 0),
        ),  # 25th, 26th and the weekend skipped; 24th and 31st are working days
        (at(2026, 10, 30, 16, 0), RiskLevel.HIGH, at(2026, 11, 2, 16, 0)),  # Reformationstag is a Saturday
        (at(2026, 11, 21, 11, 0), RiskLevel.HIGH, at(2026, 11, 23, 11, 0)),  # received on Saturday
    ],
)
def test_working_days_skip_weekends_and_saxon_holidays(received, level, due):
    assert deadlines.first_contact_due(received, level) == due


def test_saxony_observes_buss_und_bettag():
    from datetime import date

    assert not deadlines.is_working_day(date(2026, 11, 18))
    assert deadlines.is_working_day(date(2026, 11, 19))

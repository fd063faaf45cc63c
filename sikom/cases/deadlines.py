"""When the first contact with the reporter is due, by risk level, counted in Saxony's working days.

Acute: 2 hours. High: 1 working day. Medium: 3 working days. Low: 5 working days. Working days are Monday to Friday
except Saxony's public holidays (the maintained `holidays` library, subdivision SN, which includes Buß- und Bettag).
A deadline counted in working days ends at the same time of day on the last working day; a case received on a
weekend or holiday starts counting from the next working day.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from sikom.cases.models import RiskLevel

ACUTE_HOURS = 2
WORKING_DAYS = {RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 3, RiskLevel.LOW: 5}


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv="SN", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))


def first_contact_due(received_at: datetime, level: int) -> datetime:
    if level == RiskLevel.ACUTE:
        return received_at + timedelta(hours=ACUTE_HOURS)
    return add_working_days(received_at, WORKING_DAYS[RiskLevel(level)])

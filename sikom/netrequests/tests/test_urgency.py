"""The urgency badge (days until the event) is one tag in core, shown by the requests' list and the case file's
inbox alike."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.core.urgency import urgency


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=18))


@pytest.mark.parametrize(
    ("days", "text", "level"),
    [
        (-2, "vor 2 Tagen", "info"),
        (0, "heute", "danger"),
        (1, "morgen", "danger"),
        (3, "in 3 Tagen", "danger"),
        (4, "in 4 Tagen", "warning"),
        (10, "in 10 Tagen", "warning"),
        (11, "in 11 Tagen", "info"),
    ],
)
def test_levels_follow_the_days_left(days, text, level):
    today = date(2026, 6, 1)
    result = urgency(_at(date.fromordinal(today.toordinal() + days)), today)
    assert (result.days, result.text, result.level) == (days, text, level)


def test_the_tag_renders_the_badge_and_nothing_without_a_date():
    at = timezone.now() + timezone.timedelta(days=5)
    html = Template("{% load sikom_urgency %}{% urgency_badge at %}").render(Context({"at": at}))
    assert "kern-badge--warning" in html and "Anlass in 5 Tagen" in html
    assert Template("{% load sikom_urgency %}{% urgency_badge None %}").render(Context()).strip() == ""


@pytest.mark.django_db
def test_the_case_file_inbox_shows_the_badge_for_a_request(client, filed, expert_network):
    testing.login(client, expert_network)
    page = client.get(reverse("casefile:inbox")).content.decode()
    assert filed.case.number in page and "Anlass in 5 Tagen" in page and "kern-badge--warning" in page

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from sikom.accounts.models import User
from sikom.programme import selectors as programme_selectors

pytestmark = pytest.mark.django_db


def test_demo_logins_need_the_demo_setting_not_debug(settings):
    settings.DEBUG = True
    settings.SIKOM_DEMO = False
    with pytest.raises(CommandError, match="SIKOM_DEMO=true"):
        call_command("load_demo_data")
    assert not User.objects.filter(email__endswith="@demo.sikom.invalid").exists()


def test_the_demo_runs_without_debug(settings, capsys):
    settings.DEBUG = False
    settings.SIKOM_DEMO = True
    call_command("load_demo_data")
    assert User.objects.filter(email="zastex@demo.sikom.invalid").exists()
    assert "zastex@demo.sikom.invalid" in capsys.readouterr().out


def test_the_demo_reproduces_the_programmes_documented_state(settings):
    """Seed 003 (27 Feb 2024): 56 members, 144 consultations, 50 coaching processes, 41 councils, 26 safety analyses;
    eight founding members in February 2019; seed 001 (14 Nov 2023): 54 members. Counted from the demo's records by
    the programme's selectors, and loading again changes nothing."""
    settings.SIKOM_DEMO = True
    call_command("load_demo_data")
    call_command("load_demo_data")

    def totals(day):
        return {figure.key: value for figure, value in programme_selectors.totals_on(day)}

    on_conference_day = totals(date(2024, 2, 27))
    assert {key: on_conference_day[key] for key in ("members", "consultations", "coachings", "councils")} == {
        "members": 56,
        "consultations": 144,
        "coachings": 50,
        "councils": 41,
    }
    assert on_conference_day["safety_analyses"] == 26
    assert totals(date(2023, 11, 14))["members"] == 54
    assert totals(date(2019, 2, 28))["members"] == 8

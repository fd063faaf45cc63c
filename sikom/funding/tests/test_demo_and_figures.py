from datetime import date

import pytest

from sikom.core import figures
from sikom.funding import demo, selectors, services
from sikom.funding.models import Call, Status
from sikom.funding.tests.factories import make_call, reviewed, reviewer

pytestmark = pytest.mark.django_db


def test_demo_calls_say_they_are_demo_values():
    lines = demo.load(today=date(2026, 11, 30))
    assert lines and "Demo" in lines[0]
    calls = list(Call.objects.all())
    assert len(calls) == 2 and all(call.is_demo and call.is_published for call in calls)
    main = Call.objects.get(year=2027, opens_on=date(2026, 8, 31))
    assert main.closes_on == date(2026, 10, 15)
    assert (main.max_funding_rate, main.min_own_share, main.consultation_required) == (90, 10, True)
    assert not main.categories.get(name="Investitionen").eligible
    assert "Demo" in main.rules_source and "abzugleichen" in main.rules_source
    assert main.applications.filter(status=Status.SUBMITTED).count() == 3
    # Loading again adds nothing.
    assert demo.load(today=date(2026, 11, 30)) == []


def test_demo_practice_call_is_open_for_applications():
    demo.load(today=date(2026, 11, 30))
    practice = Call.objects.exclude(opens_on=date(2026, 8, 31)).get()
    assert practice.window_open(date(2026, 11, 30))


def test_the_loader_is_registered_for_make_run():
    from sikom.portal.management.commands.load_demo_data import DEMO_LOADERS

    assert ("funding", demo.load) in DEMO_LOADERS


def test_funded_projects_are_a_programme_figure(asskomm):
    figure = next(f for f in figures.registered() if f.key == "funded_projects")
    call = make_call()
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    assert list(figure.rows()) == []
    services.decide(application=application, by=asskomm, outcome="approved", amount=application.requested)
    (row,) = list(figure.rows())
    assert row["district"] == "14628" and row["end"] is None
    assert list(selectors.funded_projects()) == [application]

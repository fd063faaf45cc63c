import io
from datetime import date

import pytest
from django.core.management import call_command

from sikom.accounts.models import User
from sikom.alliance.demo import member_schedule
from sikom.coaching import demo, selectors
from sikom.coaching.models import Coaching, CoachingStatus, StepStatus
from sikom.core import figures

pytestmark = pytest.mark.django_db


def test_demo_has_fifty_coachings_of_members_begun_after_joining():
    lines = demo.load()
    assert lines and "50" in lines[0]
    coachings = list(Coaching.objects.select_related("municipality"))
    assert len(coachings) == 50
    members = {m.ags: m for m in member_schedule()}
    for coaching in coachings:
        member = members[coaching.municipality.ags]
        assert member.joined <= coaching.begun <= date(2024, 2, 27)
        assert member.left is None or coaching.begun < member.left
    statuses = {c.status for c in coachings}
    assert statuses == {CoachingStatus.RUNNING, CoachingStatus.FINISHED, CoachingStatus.CANCELLED}
    assert demo.load() == [] and Coaching.objects.count() == 50  # idempotent


def test_the_figures_count_fifty_by_the_conference():
    demo.load()
    total = next(f for f in figures.registered() if f.key == "coachings")
    day = date(2024, 2, 27)
    assert sum(1 for row in total.rows() if row["start"] <= day and (row["end"] is None or day < row["end"])) == 50


def test_pirna_demo_municipality_sees_its_running_coaching(settings):
    settings.SIKOM_DEMO = True
    call_command("load_demo_data", stdout=io.StringIO())
    user = User.objects.get(email="kommune@demo.sikom.invalid")
    user.is_verified = lambda: True  # as after the second factor
    coaching = selectors.coachings_visible_to(user).get()
    assert coaching.status == CoachingStatus.RUNNING and coaching.municipality.ags == "14628270"
    filled = coaching.steps.exclude(text="")
    assert filled.count() >= 3 and all(step.text.startswith("[Demo]") for step in filled)
    assert filled.filter(status=StepStatus.DONE).exists()
    assert coaching.measures.count() >= 3 and all(m.title.startswith("[Demo]") for m in coaching.measures.all())

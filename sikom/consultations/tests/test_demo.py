from datetime import date

import pytest
from django.db.models import Q
from django.utils import timezone

from sikom.alliance.demo import member_schedule
from sikom.consultations import demo
from sikom.consultations.models import Consultation, NextStep

pytestmark = pytest.mark.django_db


def test_demo_has_144_consultations_up_to_the_conference_and_is_idempotent():
    lines = demo.load()
    assert lines and "144" in lines[0]
    reported = Consultation.objects.filter(date__lte=date(2024, 2, 27))
    assert reported.count() == 144
    assert reported.filter(date__lt=date(2019, 2, 1)).count() == 0
    assert reported.filter(municipality__isnull=True).count() == demo.OFFICE_HOLDER_COUNT
    later = Consultation.objects.filter(date__gt=date(2024, 2, 27))
    assert 3 <= later.count() <= 10 and later.filter(date__year=2026).exists()
    assert demo.load() == []
    assert Consultation.objects.count() == 144 + later.count()


def test_each_demo_consultation_comes_after_its_municipality_joined():
    demo.load()
    schedule = {member.ags: member for member in member_schedule()}
    for ags, day in Consultation.objects.filter(municipality__isnull=False).values_list("municipality__ags", "date"):
        member = schedule[ags]
        assert member.joined <= day and (member.left is None or day < member.left), (ags, day)


def test_demo_texts_are_marked_and_topics_come_from_the_catalogue():
    demo.load()
    assert not Consultation.objects.exclude(participants__startswith="[Demo]").exists()
    assert not Consultation.objects.exclude(result__startswith="[Demo]").exists()
    assert not Consultation.objects.filter(offers__isnull=True).exists()
    assert not NextStep.objects.exclude(text__startswith="[Demo]").exists()


def test_demo_shows_open_and_overdue_steps_on_the_overview():
    demo.load()
    today = timezone.localdate()
    open_steps = NextStep.objects.filter(done=False)
    assert open_steps.filter(due_on__lt=today).exists()
    assert open_steps.filter(due_on__gte=today).exists() or today > date(2027, 3, 31)
    assert NextStep.objects.filter(Q(done=True)).exists()

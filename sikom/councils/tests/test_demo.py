from datetime import date

import pytest

from sikom.alliance.demo import member_schedule
from sikom.councils import demo, selectors
from sikom.councils.figures import analysis_rows, council_rows
from sikom.councils.models import AnalysisStatus, FormatStatus, PreventionCouncil, SafetyAnalysisStatus

pytestmark = pytest.mark.django_db

DAY = date(2024, 2, 27)


def _count_on(rows, day):
    return sum(1 for row in rows if row["start"] <= day and (row["end"] is None or day < row["end"]))


def test_demo_gives_the_programmes_counts_and_is_idempotent():
    assert demo.load()
    assert demo.load() == []
    assert _count_on(council_rows(), DAY) == 41
    assert PreventionCouncil.objects.count() == 41
    assert _count_on(analysis_rows(), DAY) == 26
    open_ones = SafetyAnalysisStatus.objects.exclude(status=AnalysisStatus.DONE)
    assert 1 <= open_ones.count() <= 5


def test_demo_councils_belong_to_members_founded_after_joining_and_name_no_person():
    demo.load()
    joined = {member.ags: member.joined for member in member_schedule()}
    for council in PreventionCouncil.objects.select_related("municipality"):
        assert joined[council.municipality.ags] <= council.founded <= DAY
        assert council.chair.endswith("(Demo)")


def test_pirna_has_meetings_and_an_announced_format():
    demo.load()
    pirna = PreventionCouncil.objects.get(municipality__ags="14628270")
    meetings = list(pirna.meetings.all())
    assert len(meetings) == 2
    assert all(meeting.agenda and meeting.minutes and meeting.decisions.exists() for meeting in meetings)
    announced = selectors.public_formats().get()
    assert announced.municipality == pirna.municipality and announced.status == FormatStatus.ANNOUNCED
    assert len(selectors.participation_measures_of(pirna.municipality)) == 2

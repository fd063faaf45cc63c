import pytest

from sikom.cases.models import CaseKind, CaseStatus
from sikom.netrequests import demo
from sikom.netrequests.models import ExpertRequest, FactCorrection, RegisterEntry, SituationConference

pytestmark = pytest.mark.django_db


def test_demo_requests_are_marked_routed_by_district_and_idempotent():
    lines = demo.load()
    assert lines and "4" in lines[0]
    requests = ExpertRequest.objects.select_related("case__lead", "municipality")
    assert requests.count() == 4
    assert not requests.exclude(place__startswith="[Demo]").exists()
    assert all(r.case.kind == CaseKind.EXPERT_REQUEST for r in requests)
    assert all(r.case.lead.district_id == r.municipality.district_id for r in requests)
    assert requests.filter(case__status=CaseStatus.CLOSED, outcome="talks_with_owner").count() == 1
    assert RegisterEntry.objects.count() == 2 and SituationConference.objects.count() == 1
    assert [row["field"] for row in FactCorrection.objects.get().changes] == [
        "event_at",
        "place",
        "expected_participants",
    ]
    assert demo.load() == []
    assert ExpertRequest.objects.count() == 4

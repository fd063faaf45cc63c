from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sikom import testing
from sikom.casefile.retention import apply_retention
from sikom.cases import services
from sikom.cases.models import Case, CaseStatistic, CaseStatus
from sikom.core.models import AuditEvent
from sikom.reports.models import Evidence, Report

pytestmark = pytest.mark.django_db


def closed_case(by, *, days_ago: int, **kwargs):
    case = testing.make_case(**kwargs)
    services.change_status(case=case, to=CaseStatus.CLOSED, by=by, reason="erledigt")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return case


def test_closed_cases_past_the_period_are_deleted_keeping_statistics(pd_dresden, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    old = closed_case(pd_dresden, days_ago=800, categories=["threat", "insult"], motives=["right_wing"])
    path = tmp_path / "incoming" / ("b" * 32 + ".skf")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    Evidence.objects.create(
        report=old.report,
        storage_name="incoming/" + "b" * 32 + ".skf",
        original_name="a",
        content_type="image/png",
        size=1,
        sha256="1" * 64,
    )
    recent = closed_case(pd_dresden, days_ago=30)
    open_case = testing.make_case()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert apply_retention() == 1
    assert not Case.objects.filter(pk=old.pk).exists() and not Report.objects.filter(case_id=old.pk).exists()
    assert not path.exists()
    assert Case.objects.filter(pk__in=[recent.pk, open_case.pk]).count() == 2
    statistic = CaseStatistic.objects.get()
    assert statistic.district_key == "14628" and statistic.categories == ["insult", "threat"]
    assert statistic.motives == ["right_wing"] and statistic.reported_month.day == 1
    assert AuditEvent.objects.filter(action="case.deleted_by_retention").exists()


def test_a_case_with_a_running_measure_is_never_deleted(pd_dresden):
    from sikom.measures.models import CaseMeasure, MeasureStatus

    case = closed_case(pd_dresden, days_ago=2000)
    CaseMeasure.objects.create(
        case=case,
        kind=CaseMeasure._meta.get_field("kind").choices[0][0],
        responsible=pd_dresden.organisation,
        status=MeasureStatus.ACTIVE,
        starts_on=timezone.localdate(),
    )
    assert apply_retention() == 0
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_period_is_configuration(pd_dresden, settings):
    settings.CASE_RETENTION_DAYS = 10
    closed_case(pd_dresden, days_ago=11)
    call_command("apply_retention", "--dry-run")
    assert apply_retention() == 1

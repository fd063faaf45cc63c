"""Retention: closed cases are deleted after `CASE_RETENTION_DAYS` (default two years), keeping only pseudonymised
statistics. A case with a running protective measure is never deleted, whatever its status."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sikom.cases.models import Case, CaseKind, CaseStatistic, CaseStatus
from sikom.core import audit
from sikom.geo.selectors import without_boundaries
from sikom.reports import evidence as evidence_files


def due_for_deletion():
    from sikom.measures.selectors import cases_with_running_measures

    cutoff = timezone.now() - timedelta(days=settings.CASE_RETENTION_DAYS)
    running = cases_with_running_measures().values("pk")
    # Incident reports only: the other kinds keep their own retention (an Expertennetzwerk request: netrequests).
    return Case.objects.filter(kind=CaseKind.REPORT, status=CaseStatus.CLOSED, closed_at__lt=cutoff).exclude(
        pk__in=running
    )


def _statistic(case: Case) -> CaseStatistic:
    report = case.report
    return CaseStatistic(
        reported_month=timezone.localdate(report.submitted_at).replace(day=1),
        closed_month=timezone.localdate(case.closed_at).replace(day=1) if case.closed_at else None,
        district_key=report.municipality.district.key,
        affected_role=report.affected_role,
        categories=report.categories,
        motives=report.motives,
        place=report.place,
        channel=report.channel,
        risk_level=case.risk_level,
        lead_type=case.lead.type if case.lead_id else "",
        complaint_wish=report.complaint_wish,
    )


def apply_retention(*, limit: int = 500) -> int:
    """Delete up to `limit` cases past their retention period; returns how many were deleted."""
    deleted = 0
    for case_id in list(due_for_deletion().values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            locked = due_for_deletion().select_for_update(of=("self",)).filter(pk=case_id)
            case = without_boundaries(
                locked.select_related("report__municipality__district", "lead"),
                "report__municipality",
                "report__municipality__district",
            ).first()
            if case is None:  # reopened or given a running measure meanwhile
                continue
            _statistic(case).save()
            files = list(case.report.evidence.values_list("storage_name", flat=True))
            number = case.number
            case.delete()
            audit.log("case.deleted_by_retention", data={"number": number})
            transaction.on_commit(lambda files=files: [evidence_files.delete_evidence_file(name) for name in files])
        deleted += 1
    return deleted

"""Demo content for local trials (`make run`): cases created the way a submission creates them, marked »[Demo]«."""

from django.db import transaction
from django.utils import timezone

from sikom.cases.models import Case
from sikom.cases.services import next_case_number, route_new_case
from sikom.geo.models import Municipality
from sikom.reports.models import Report, ReportCategory


def record_case(
    *,
    categories=("threat",),
    place="home",
    motives=("none",),
    municipality_ags: str = "14628270",
    description: str = "Drohung vor dem Haus.",
    route: bool = True,
    **report_fields,
) -> Case:
    """A submitted report with its case, routed by the rules like a real submission (no form, no files; the receipt
    hash is a marker that no code matches, so demo cases cannot be opened with a receipt code)."""
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(number=next_case_number(year=timezone.localdate(now).year))
    report = Report.objects.create(
        case=case,
        receipt_hash="scrypt$test",
        submitted_at=now,
        affected_role=report_fields.pop("affected_role", "mayor"),
        municipality=Municipality.objects.get(ags=municipality_ags),
        occurred_on=timezone.localdate(now),
        place=place,
        channel=report_fields.pop("channel", "in_person"),
        repetition="once",
        perpetrator=report_fields.pop("perpetrator", "unknown"),
        motives=list(motives),
        description=description,
        complaint_wish="undecided",
        privacy_consent_at=now,
        **report_fields,
    )
    ReportCategory.objects.bulk_create([ReportCategory(report=report, code=code) for code in categories])
    if route:
        case = route_new_case(case=case)
    return case

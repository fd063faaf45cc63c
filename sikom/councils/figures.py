"""The programme figures this app keeps (registered in `apps.py`): councils (start = founded, end = dissolved) and
completed safety analyses (start = day completed, a running total)."""

from django.db.models import DateField, F, QuerySet, Value

from sikom.councils.models import AnalysisStatus, PreventionCouncil, SafetyAnalysisStatus


def council_rows() -> QuerySet:
    return PreventionCouncil.objects.order_by().values(
        start=F("founded"), end=F("dissolved"), district=F("municipality__district__key")
    )


def analysis_rows() -> QuerySet:
    return (
        SafetyAnalysisStatus.objects.filter(status=AnalysisStatus.DONE)
        .order_by()
        .values(
            start=F("completed_on"),
            end=Value(None, output_field=DateField()),
            district=F("municipality__district__key"),
        )
    )

"""Reads for the reporter's side. A reporter sees a case only through the receipt code (remembered in the session)
or through the account the report was made with; anything else answers 404."""

from django.db.models import QuerySet
from django.http import Http404

from sikom.cases.models import Case
from sikom.intake import steps
from sikom.intake.receipt_pdf import ReceiptData, ReceiptEvidence
from sikom.reports.models import Report
from sikom.reports.selectors import report_sections, sections

FOLLOWUP_SESSION_KEY = "followup_cases"


def cases_visible_to_reporter(request) -> QuerySet[Case]:
    allowed = Case.objects.filter(pk__in=request.session.get(FOLLOWUP_SESSION_KEY, []))
    if request.user.is_authenticated:
        allowed = allowed | Case.objects.filter(report__reporter_account=request.user)
    return allowed.select_related("report").distinct()


def case_for_reporter(request, **lookup) -> Case:
    """The reporter's case by `pk=` or `number=`; 404 for any other."""
    case = cases_visible_to_reporter(request).filter(**lookup).first()
    if case is None:
        raise Http404
    return case


def reports_of_account(user) -> QuerySet[Report]:
    return Report.objects.filter(reporter_account=user).select_related("case").order_by("-submitted_at")


def draft_summary(draft) -> list:
    answers = {}
    for name in ("person", "incident", "online", "contact"):
        form = steps.bound_form(name, draft.answers.get(name, {}))
        form.is_valid()
        answers[name] = form
    online = [f.cleaned_data for f in answers["online"].filled_forms()]
    person = getattr(answers["person"], "cleaned_data", {})
    return sections(
        person=person,
        incident=getattr(answers["incident"], "cleaned_data", {}),
        online=online,
        contact=getattr(answers["contact"], "cleaned_data", {}),
        municipality_name=person.get("municipality", ""),
    )


def receipt_data(report: Report) -> ReceiptData:
    chosen = set(report.receipt_sections)
    return ReceiptData(
        case_number=report.case.number,
        submitted_at=report.submitted_at,
        sections=[(heading, rows) for code, heading, rows in report_sections(report) if code in chosen],
        evidence=[
            ReceiptEvidence(name=item.original_name, size=item.size, sha256=item.sha256, uploaded_at=item.uploaded_at)
            for item in report.evidence.all()
        ],
    )

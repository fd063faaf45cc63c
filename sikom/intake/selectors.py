"""Reads for the reporter's side. A reporter sees a case only through the receipt code (remembered in the session)
or through the account the report was made with; anything else answers 404."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sikom.cases.models import Case, CaseEvent, CaseStatus
from sikom.cases.selectors import is_case_number
from sikom.intake import steps
from sikom.intake.receipt_pdf import ReceiptData, ReceiptEvidence
from sikom.reports.models import Report, ReportDraft
from sikom.reports.selectors import report_sections, sections

FOLLOWUP_SESSION_KEY = "followup_cases"


def draft_by_id(draft_id) -> ReportDraft | None:
    """The draft whose id the reporter's session holds (submitted ones too: they keep the code until noted); None
    for an id that is gone or malformed."""
    try:
        return ReportDraft.objects.get(pk=draft_id)
    except (ReportDraft.DoesNotExist, ValidationError):
        return None


def cases_visible_to_reporter(request) -> QuerySet[Case]:
    allowed = Case.objects.filter(pk__in=request.session.get(FOLLOWUP_SESSION_KEY, []))
    if request.user.is_authenticated:
        allowed = allowed | Case.objects.filter(report__reporter_account=request.user)
    return allowed.select_related("report").distinct()


def case_for_reporter(request, **lookup) -> Case:
    """The reporter's case by `pk=` or `number=`; 404 for any other."""
    if "number" in lookup and not is_case_number(lookup["number"]):
        raise Http404
    case = cases_visible_to_reporter(request).filter(**lookup).first()
    if case is None:
        raise Http404
    return case


def reports_of_account(user) -> QuerySet[Report]:
    """The account's reports, each with ``has_measures`` for the progress shown beside it."""
    return (
        Report.objects.filter(reporter_account=user)
        .select_related("case")
        .annotate(has_measures=Exists(_measure_events(OuterRef("case_id"))))
        .order_by("-submitted_at")
    )


def _measure_events(case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MEASURE_PLANNED)


@dataclass(frozen=True)
class ProgressStep:
    label: str
    text: str
    state: str  # "done", "current" or "open"


def reporter_progress(case: Case, *, has_measures: bool | None = None) -> list[ProgressStep]:
    """What the reporter may know about the handling of the case, in plain words: received, worked on, protective
    measures under way, closed.

    Derived from the case's status, its first contact, whether the level was set by a danger analysis (no longer
    provisional) and whether measures were planned — never the level itself, notes, the measures' content or which
    agencies work on the case. The status »Weitergeleitet« reads as »In Bearbeitung«: a referral is internal.
    """
    if has_measures is None:
        has_measures = _measure_events(case).exists()
    has_measures = has_measures or case.status == CaseStatus.MEASURES_ACTIVE
    closed = case.status == CaseStatus.CLOSED
    contacted_or_assessed = case.first_contact_at is not None or not case.risk_level_is_provisional
    reviewed = contacted_or_assessed or case.status in (
        CaseStatus.IN_PROGRESS,
        CaseStatus.MEASURES_ACTIVE,
        CaseStatus.CLOSED,
    )
    started = reviewed or has_measures or case.status != CaseStatus.RECEIVED
    if reviewed:
        working = _("Die zuständige Stelle hat Ihre Meldung geprüft.")
    elif started:
        working = _("Die zuständige Stelle prüft Ihre Meldung.")
    else:
        working = _("Als Nächstes prüft die zuständige Stelle Ihre Meldung.")
    steps = [
        (True, _("Eingegangen"), _("Ihre Meldung ist eingegangen.")),
        (started, _("In Bearbeitung"), working),
    ]
    if has_measures:
        under_way = _("Schutzmaßnahmen wurden umgesetzt.") if closed else _("Schutzmaßnahmen werden umgesetzt.")
        steps.append((True, _("Schutzmaßnahmen"), under_way))
    elif not closed:
        steps.append(
            (False, _("Schutzmaßnahmen"), _("Falls nötig, vereinbart die zuständige Stelle mit Ihnen Schutzmaßnahmen."))
        )
    steps.append((closed, _("Abgeschlossen"), _("Die Bearbeitung ist abgeschlossen.") if closed else ""))
    current = max(index for index, (reached, _label, _text) in enumerate(steps) if reached)
    return [
        ProgressStep(label=label, text=text, state="current" if index == current else "done" if reached else "open")
        for index, (reached, label, text) in enumerate(steps)
    ]


def reporter_stage(case: Case, *, has_measures: bool | None = None) -> str:
    """The label of the step the case has reached, for lists (»Stand«)."""
    return next(step.label for step in reporter_progress(case, has_measures=has_measures) if step.state == "current")


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

"""What the case page shows, composed from the apps below: the facts, messages, history and shares from `cases` and
`reports`, the danger analyses and measures with what the person may do with them. Every part starts from a case
that `cases.selectors.get_case_for` has already found visible."""

from sikom.assessments.selectors import assessments_for, can_assess
from sikom.cases import selectors as cases
from sikom.cases.models import Case
from sikom.measures.selectors import can_manage_measures, measures_for
from sikom.reports.selectors import evidence_of, report_sections


def case_page(user, case: Case) -> dict:
    report = case.report
    return {
        "case": case,
        "report": report,
        "sections": report_sections(report),
        "evidence": evidence_of(report),
        "messages_on_case": cases.messages_on_case(case),
        "events": cases.events_of(case),
        "shares": cases.shares_of(case),
        "is_lead": cases.is_lead(user, case),
        # A list: the section shows the latest and counts them; the encrypted answers are not shown there.
        "assessments": list(assessments_for(case).defer("answers", "override_reason")),
        "can_assess": can_assess(user, case),
        "measures": measures_for(case),
        "can_manage_measures": can_manage_measures(user, case),
        "can_read_log": cases.can_read_log(user, case),
        "overdue": cases.is_overdue(case),
    }

"""Who sees which case — decided here and nowhere else — and the inbox queries."""

import re

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sikom.accounts.models import Organisation, User
from sikom.accounts.selectors import is_member_of
from sikom.cases.models import (
    CASE_HANDLING_TYPES,
    Case,
    CaseEvent,
    CaseKind,
    CaseShare,
    CaseStatus,
    InboxEntry,
    Message,
)
from sikom.geo.selectors import without_boundaries


def cases_of_organisation(organisation: Organisation | None) -> QuerySet[Case]:
    """The one access rule: an agency that works on cases has the cases it leads and the cases shared with it,
    nothing else (a share or lead row naming any other office opens nothing). Every other check
    (`cases_visible_to`, `can_see_case`, `is_on_case`) derives from it; the inbox rows are checked against it."""
    if organisation is None or organisation.type not in CASE_HANDLING_TYPES:
        return Case.objects.none()
    organisation_id = organisation.pk
    # A correlated EXISTS: the callers look up single cases or one inbox page, so it probes the share index a few
    # times instead of collecting all of an organisation's shares (lists are read from InboxEntry, decision 0014).
    shared = CaseShare.objects.filter(case_id=OuterRef("pk"), organisation_id=organisation_id)
    return Case.objects.filter(Q(lead_id=organisation_id) | Exists(shared))


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases of the user's organisation, for verified staff of the agencies that work on cases; nothing for
    anyone else. Invisible cases answer 404 everywhere (case page, evidence, exports), so ids cannot be probed."""
    if not handles_cases(user):
        return Case.objects.none()
    return cases_of_organisation(user.organisation)


def can_see_case(user, case: Case) -> bool:
    """`cases_visible_to` for one case: the check behind every single-case permission of a person."""
    return cases_visible_to(user).filter(pk=case.pk).exists()


def inbox_entries_of(user) -> QuerySet[InboxEntry]:
    """The inbox rows of the user's organisation: derived from the same lead and shares as `cases_visible_to`."""
    if not handles_cases(user):
        return InboxEntry.objects.none()
    return InboxEntry.objects.filter(organisation_id=user.organisation_id)


_CASE_NUMBER = re.compile(r"SK-\d{4}-\d{6,}")


def is_case_number(text: str) -> bool:
    """The form every case number has (`next_case_number`): anything else names no case and never reaches a query
    (PostgreSQL refuses a NUL in a string literal with an error instead of finding nothing)."""
    return _CASE_NUMBER.fullmatch(text) is not None


def get_case_for(user, number: str, kind: str = CaseKind.REPORT) -> Case:
    """A visible case of one kind by its number (each kind has its own pages; another kind's number is a 404)."""
    if not is_case_number(number):
        raise Http404
    cases = cases_visible_to(user).filter(kind=kind).select_related("lead", "report__municipality__district")
    case = (
        without_boundaries(cases, "report__municipality", "report__municipality__district")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


def is_lead(user, case: Case) -> bool:
    """The one lead check: the user belongs to the case's lead agency. Moves of the case, sharing and giving a measure
    to an agency not yet on the case are the lead's (services call this with the acting user)."""
    return user is not None and case.lead_id is not None and case.lead_id == user.organisation_id


def intake_recipients() -> QuerySet[User]:
    """Until a case has a lead (routing failed), the intake offices are told."""
    return User.objects.filter(is_active=True, organisation__type__in=settings.CASE_INTAKE_ORGANISATION_TYPES).exclude(
        email=""
    )


def case_recipients(case: Case) -> QuerySet[User]:
    """Members of the lead and the shared agencies: the people told about activity on the case."""
    if case.lead_id is None:
        return intake_recipients()
    organisations = [case.lead_id, *case.shares.values_list("organisation_id", flat=True)]
    return User.objects.filter(is_active=True, organisation_id__in=organisations).exclude(email="")


def messages_on_case(case: Case) -> QuerySet[Message]:
    """Every message and internal note, oldest first, with its author (case page and dossier)."""
    return case.messages.select_related("author").order_by("created_at", "pk")


def messages_for_reporter(case: Case) -> QuerySet[Message]:
    return messages_on_case(case).filter(internal=False)


def events_of(case: Case) -> QuerySet[CaseEvent]:
    """The case's history, oldest first, with who acted and for which agency."""
    return case.events.select_related("by", "organisation").order_by("at", "pk")


def shares_of(case: Case) -> QuerySet[CaseShare]:
    return case.shares.select_related("organisation")


def handles_cases(user) -> bool:
    """Members of the agencies that work on cases (not municipalities or the platform operators)."""
    return is_member_of(user, *CASE_HANDLING_TYPES)


def is_on_case(organisation: Organisation | None, case: Case) -> bool:
    """`cases_of_organisation` for one case: whether an agency (the acting user's, or one chosen for a measure) is
    on the case."""
    return cases_of_organisation(organisation).filter(pk=case.pk).exists()


def can_read_log(user, case: Case) -> bool:
    """Supervisors (»Leitung«) of an agency on the case read who did what with it."""
    return bool(user.is_supervisor) and can_see_case(user, case)


def is_overdue(case: Case) -> bool:
    return (
        case.first_contact_at is None
        and case.status != CaseStatus.CLOSED
        and case.first_contact_due_at is not None
        and case.first_contact_due_at < timezone.now()
    )

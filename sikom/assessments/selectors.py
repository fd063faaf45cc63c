"""Who may record a danger analysis, and the reads of a case's analyses.

Seeing the analyses follows seeing the case: every view first gets the case through
``sikom.cases.selectors.get_case_for`` (404 for cases the user may not see); the reads here take that case.
Recording one is for the offices that assess threats (ZASTEX, police directorates, LKA protection) when they lead
or share the case.
"""

from django.db.models import QuerySet
from django.http import Http404

from sikom.accounts.models import OrganisationType
from sikom.accounts.selectors import is_verified_staff
from sikom.assessments.models import ThreatAssessment
from sikom.cases.models import Case
from sikom.cases.selectors import is_on_case

ASSESSING_TYPES = (OrganisationType.ZASTEX, OrganisationType.POLICE_DIRECTORATE, OrganisationType.LKA_PROTECTION)


def organisation_may_assess(organisation, case: Case) -> bool:
    """The organisation assesses threats and leads or shares the case (the rule behind ``can_assess``)."""
    if organisation is None or organisation.type not in ASSESSING_TYPES:
        return False
    return is_on_case(organisation, case)


def can_assess(user, case: Case) -> bool:
    return is_verified_staff(user) and organisation_may_assess(user.organisation, case)


def assessments_for(case: Case) -> QuerySet[ThreatAssessment]:
    """All analyses of a case, newest first (for a case the caller already may see)."""
    return ThreatAssessment.objects.filter(case=case).select_related("assessed_by").order_by("-created_at", "-pk")


def get_assessment(case: Case, pk: int) -> ThreatAssessment:
    assessment = assessments_for(case).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment

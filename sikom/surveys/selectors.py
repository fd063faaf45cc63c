"""Reads of the safety analyses. Who may see and change what is decided here, once, and every view goes through it
(an analysis outside `analyses_visible_to` answers 404).

- The ASSKomm team sees and edits every analysis.
- A municipality's verified staff see and edit their own municipality's analyses. Editing is not limited to the team
  members: a small municipal office has to stand in for a colleague (the team says who is responsible).
- Nobody else sees them. Respondents never see an analysis; they reach the questionnaire with a code.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from sikom.accounts.models import OrganisationType, User
from sikom.accounts.selectors import is_asskomm, municipality_of
from sikom.geo.selectors import without_boundaries
from sikom.surveys.models import (
    Invitation,
    InvitationKind,
    InvitationStatus,
    Question,
    Response,
    SafetyAnalysis,
)


def keeps_analyses(user) -> bool:
    """ASSKomm and municipal staff reach the analysis pages at all (everyone else: 403)."""
    return is_asskomm(user) or municipality_of(user) is not None


def analyses_visible_to(user) -> QuerySet[SafetyAnalysis]:
    base = without_boundaries(SafetyAnalysis.objects.all(), "municipality")
    if is_asskomm(user):
        return base
    municipality = municipality_of(user)
    if municipality is None:
        return SafetyAnalysis.objects.none()
    return base.filter(municipality=municipality)


def get_analysis_for(user, pk) -> SafetyAnalysis:
    return get_object_or_404(analyses_visible_to(user), pk=pk)


def get_question_for(user, pk) -> Question:
    return get_object_or_404(
        Question.objects.select_related("questionnaire__analysis", "section").filter(
            questionnaire__analysis__in=analyses_visible_to(user)
        ),
        pk=pk,
    )


def analysis_list(user) -> QuerySet[SafetyAnalysis]:
    return analyses_visible_to(user).annotate(
        invited=Count("invitations", filter=Q(invitations__kind=InvitationKind.CODE), distinct=True),
        answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED), distinct=True),
    )


def team_candidates(analysis: SafetyAnalysis) -> QuerySet[User]:
    """Who may join the team: active members of the municipality's organisations and of the ASSKomm team."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(organisation__type=OrganisationType.ASSKOMM)
            | Q(organisation__type=OrganisationType.MUNICIPALITY, organisation__municipality=analysis.municipality)
        )
        .exclude(survey_teams__analysis=analysis)
        .order_by("full_name", "pk")
    )


def field_counts(analysis: SafetyAnalysis) -> dict:
    """Invitations by status and submissions by day (from the invitation side, never from the answers)."""
    by_status = dict(analysis.invitations.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_day = list(
        analysis.invitations.filter(status=InvitationStatus.SUBMITTED)
        .values_list("used_on")
        .annotate(n=Count("pk"))
        .order_by("used_on")
        .values_list("used_on", "n")
    )
    strata = list(
        analysis.invitations.filter(kind=InvitationKind.CODE)
        .values("stratum")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(status=InvitationStatus.SUBMITTED)),
        )
        .order_by("stratum")
    )
    responses = Response.objects.filter(questionnaire__analysis=analysis).count()
    return {"by_status": by_status, "by_day": by_day, "strata": strata, "responses": responses}


def invitation_by_hashes(hashes: list[str]) -> Invitation | None:
    return Invitation.objects.select_related("analysis").filter(code_hash__in=hashes).first()


def invitations_to_remind(analysis: SafetyAnalysis) -> QuerySet[Invitation]:
    """The code invitations not yet submitted (unused or started): who gets a reminder letter."""
    return analysis.invitations.filter(kind=InvitationKind.CODE).exclude(status=InvitationStatus.SUBMITTED)

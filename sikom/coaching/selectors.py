"""Reads of the coaching processes; who may see and change a coaching is decided here and nowhere else.

- ASSKomm (verified) sees and edits every coaching.
- A verified member of a municipality sees and edits its own municipality's coachings.
- The Expertennetzwerk and the police directorates see a coaching only when the municipality (or ASSKomm) shared it
  with their organisation, and only to read.
- Nobody else sees anything. Everything below (steps, documents, history, measures, the strategy and its PDF) is
  reached through ``coachings_visible_to`` / ``coachings_editable_by``.
"""

from django.db.models import Count, DateField, F, Q, QuerySet, Value

from sikom.accounts.models import Organisation, OrganisationType
from sikom.accounts.selectors import is_asskomm, is_member_of, municipality_of
from sikom.coaching.models import Coaching, StepDocument, StepRevision, StepStatus, StrategyMeasure, StrategyStep
from sikom.councils.models import ParticipationMeasure
from sikom.councils.selectors import participation_measures_of
from sikom.geo.selectors import without_boundaries

SHARE_TYPES = (OrganisationType.EXPERT_NETWORK, OrganisationType.POLICE_DIRECTORATE)


def _coachings() -> QuerySet[Coaching]:
    return without_boundaries(
        Coaching.objects.select_related("municipality__district"), "municipality", "municipality__district"
    )


def coachings_visible_to(user) -> QuerySet[Coaching]:
    if is_asskomm(user):
        return _coachings()
    municipality = municipality_of(user)
    if municipality is not None:
        return _coachings().filter(municipality=municipality)
    if is_member_of(user, *SHARE_TYPES):
        return _coachings().filter(
            pk__in=Coaching.shares.through.objects.filter(organisation_id=user.organisation_id).values("coaching_id")
        )
    return Coaching.objects.none()


def coachings_editable_by(user) -> QuerySet[Coaching]:
    if is_asskomm(user):
        return _coachings()
    municipality = municipality_of(user)
    if municipality is not None:
        return _coachings().filter(municipality=municipality)
    return Coaching.objects.none()


def can_create_coachings(user) -> bool:
    return is_asskomm(user)


def works_with_coachings(user) -> bool:
    """Who has the coaching pages in the navigation: ASSKomm and the municipalities."""
    return is_asskomm(user) or municipality_of(user) is not None


def can_open_list(user) -> bool:
    """The list also answers the organisations a coaching may be shared with (they see what was shared)."""
    return works_with_coachings(user) or is_member_of(user, *SHARE_TYPES)


def can_edit(user, coaching: Coaching) -> bool:
    return coachings_editable_by(user).filter(pk=coaching.pk).exists()


def coaching_listing(user, *, q: str = "", district=None, status: str = "") -> QuerySet[Coaching]:
    coachings = coachings_visible_to(user)
    if q:
        coachings = coachings.filter(Q(municipality__name__icontains=q) | Q(municipality__ags=q))
    if district is not None:
        coachings = coachings.filter(municipality__district=district)
    if status:
        coachings = coachings.filter(status=status)
    return coachings.annotate(
        steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE), distinct=True),
        measure_count=Count("measures", distinct=True),
    ).order_by("-begun", "municipality__name", "pk")


def steps_of(coaching: Coaching) -> QuerySet[StrategyStep]:
    return coaching.steps.order_by("number").annotate(document_count=Count("documents"))


def documents_of(step: StrategyStep) -> QuerySet[StepDocument]:
    return step.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")


def documents_visible_to(user) -> QuerySet[StepDocument]:
    return StepDocument.objects.filter(step__coaching__in=coachings_visible_to(user).values("pk"))


def revisions_of(step: StrategyStep) -> QuerySet[StepRevision]:
    return step.revisions.select_related("by")


def measures_of(coaching: Coaching) -> QuerySet[StrategyMeasure]:
    return coaching.measures.order_by(F("due").asc(nulls_last=True), "pk")


def shareable_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(type__in=SHARE_TYPES).order_by("type", "name")


def shares_of(coaching: Coaching) -> QuerySet[Organisation]:
    return coaching.shares.order_by("name")


def figure_rows_running():
    """Figure »Coachingprozesse laufend«: from the day begun until the day ended."""
    return Coaching.objects.values(start=F("begun"), end=F("finished"), district=F("municipality__district__key"))


def figure_rows_total():
    """Figure »Coachingprozesse gesamt«: every coaching from the day it began."""
    return Coaching.objects.values(
        start=F("begun"), end=Value(None, output_field=DateField()), district=F("municipality__district__key")
    )


def participation_measures_to_take_over(coaching: Coaching) -> QuerySet[ParticipationMeasure]:
    """Measures agreed at the municipality's held participation formats that this strategy has not taken over yet."""
    return participation_measures_of(coaching.municipality).exclude(
        pk__in=coaching.measures.filter(taken_from__isnull=False).values("taken_from")
    )

"""Who sees which Expertennetzwerk request, register entry and conference minutes — decided here and nowhere else.

A request is a case of kind »expert_request«: the coordination (lead) and the experts it brought in (shares) see it
through the case engine's one rule, `cases.selectors.cases_visible_to`, so an expert sees it only while the share
lasts. The municipality that filed it sees its own municipality's requests (status, messages that are not internal
notes, the outcome). Anything else answers 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from sikom.accounts.models import Organisation, OrganisationType
from sikom.accounts.selectors import is_member_of, municipality_of
from sikom.cases.models import CASE_HANDLING_TYPES, CaseKind, InboxEntry
from sikom.cases.selectors import cases_visible_to, handles_cases, inbox_entries_of, is_case_number
from sikom.netrequests.models import (
    AngleReview,
    ExpertRequest,
    LegalAngle,
    RegisterEntry,
    RegisterReader,
    SituationConference,
)


def can_file(user) -> bool:
    """Verified members of a municipality file requests for their municipality."""
    return municipality_of(user) is not None


def can_use_requests(user) -> bool:
    return can_file(user) or handles_cases(user)


def is_coordination(user) -> bool:
    """Verified members of an Expertennetzwerk coordination (the regional coordinators)."""
    return is_member_of(user, OrganisationType.EXPERT_NETWORK)


def requests_visible_to(user) -> QuerySet[ExpertRequest]:
    municipality = municipality_of(user)
    if municipality is not None:
        return ExpertRequest.objects.filter(municipality=municipality)
    if handles_cases(user):
        return ExpertRequest.objects.filter(case__in=cases_visible_to(user).filter(kind=CaseKind.EXPERT_REQUEST))
    return ExpertRequest.objects.none()


def get_request_for(user, number: str) -> ExpertRequest:
    if not is_case_number(number):
        raise Http404
    request = (
        requests_visible_to(user)
        .select_related("case__lead", "municipality__district")
        .defer("municipality__boundary", "municipality__district__boundary")
        .filter(case__number=number)
        .first()
    )
    if request is None:
        raise Http404
    return request


def is_municipality_side(user, request: ExpertRequest) -> bool:
    municipality = municipality_of(user)
    return municipality is not None and municipality.pk == request.municipality_id


def inbox(user, *, open_only: bool = True) -> list[ExpertRequest]:
    """The requests of the user's office, the nearest event first: read from the engine's inbox rows, loaded
    through the visibility rule again (two queries)."""
    entries = inbox_entries_of(user).filter(kind=CaseKind.EXPERT_REQUEST)
    if open_only:
        entries = entries.filter(is_open=True)
    ids = list(entries.order_by("event_at", "number").values_list("case_id", "is_lead")[:500])
    found = {
        request.case_id: request
        for request in requests_visible_to(user)
        .filter(case_id__in=[case_id for case_id, _ in ids])
        .select_related("case", "municipality")
        .defer("municipality__boundary")
    }
    listed = []
    for case_id, lead in ids:
        if case_id in found:
            found[case_id].is_lead_entry = lead
            listed.append(found[case_id])
    return listed


def requests_of_municipality(user, *, open_only: bool = True) -> list[ExpertRequest]:
    requests = requests_visible_to(user).select_related("case", "municipality").defer("municipality__boundary")
    if open_only:
        requests = requests.exclude(case__status="closed")
    return list(requests.order_by("event_at", "pk")[:500])


def open_inbox_count(user) -> int:
    return InboxEntry.objects.filter(
        organisation_id=user.organisation_id, kind=CaseKind.EXPERT_REQUEST, is_open=True
    ).count()


def checklist(request: ExpertRequest) -> list[tuple[LegalAngle, AngleReview | None]]:
    """Every active angle, and the inactive ones this request was already checked under, each with its review."""
    reviews = {review.angle_id: review for review in request.reviews.select_related("updated_by")}
    angles = LegalAngle.objects.filter(Q(active=True) | Q(pk__in=list(reviews)))
    return [(angle, reviews.get(angle.pk)) for angle in angles]


def expert_organisations(request: ExpertRequest) -> QuerySet[Organisation]:
    """Who the coordination can bring in: every agency that works on cases, except itself and those already in."""
    already = request.case.shares.values("organisation_id")
    return (
        Organisation.objects.filter(type__in=CASE_HANDLING_TYPES)
        .exclude(pk=request.case.lead_id)
        .exclude(pk__in=already)
        .order_by("name")
    )


# The register and the situation conferences.


def register_coordinations_of(user) -> QuerySet[Organisation]:
    """The coordinations whose register the user reads: the own one, and those that named the user's office."""
    if not handles_cases(user):
        return Organisation.objects.none()
    named = RegisterReader.objects.filter(organisation_id=user.organisation_id).values("coordination_id")
    return Organisation.objects.filter(type=OrganisationType.EXPERT_NETWORK).filter(
        Q(pk=user.organisation_id) | Q(pk__in=named)
    )


def can_read_register(user) -> bool:
    return register_coordinations_of(user).exists()


def can_keep_register(user) -> bool:
    return is_coordination(user)


def entries_visible_to(user) -> QuerySet[RegisterEntry]:
    return RegisterEntry.objects.filter(coordination__in=register_coordinations_of(user))


def conferences_visible_to(user) -> QuerySet[SituationConference]:
    return SituationConference.objects.filter(coordination__in=register_coordinations_of(user))


def readers_of(coordination: Organisation) -> QuerySet[RegisterReader]:
    return RegisterReader.objects.filter(coordination=coordination).select_related("organisation")


def reader_candidates(coordination: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(type__in=CASE_HANDLING_TYPES).exclude(pk=coordination.pk).order_by("name")

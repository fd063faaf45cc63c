"""Reads of protective measures; who may manage them and which agencies may carry them out is decided here.

Seeing a measure follows seeing its case (`sikom.cases.selectors.get_case_for`): whoever sees the case sees its
measures.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet, Value, When

from sikom.accounts.models import Organisation, OrganisationType
from sikom.cases.models import Case, CaseShare
from sikom.cases.routing import EXTREMIST_MOTIVES
from sikom.cases.selectors import can_see_case
from sikom.measures import catalogue
from sikom.measures.catalogue import RESPONSIBLE_TYPES, Recommendation, Responsible
from sikom.measures.models import CaseMeasure, CaseMeasureChange, MeasureStatus

# Running measures first, then planned ones, then the ended ones.
_STATUS_ORDER = models.Case(
    When(status=MeasureStatus.ACTIVE, then=Value(0)),
    When(status=MeasureStatus.PLANNED, then=Value(1)),
    default=Value(2),
    output_field=models.IntegerField(),
)

# The statewide agencies that can always be assigned a measure, in this order after the regional ones.
STATEWIDE_RESPONSIBLE_TYPES = [
    OrganisationType.LKA_PROTECTION,
    OrganisationType.ASSKOMM,
    OrganisationType.ZASTEX,
    OrganisationType.ZMI,
    OrganisationType.ZORA,
]


def measures_for(case: Case) -> QuerySet[CaseMeasure]:
    return (
        CaseMeasure.objects.filter(case_id=case.pk)
        .select_related("responsible")
        .annotate(status_order=_STATUS_ORDER)
        .order_by("status_order", "starts_on", "created_at", "pk")
    )


def cases_with_running_measures() -> QuerySet[Case]:
    """A running (active) measure keeps the case: the retention task excludes these (``.exclude(pk__in=…)``)."""
    return Case.objects.filter(measures__status=MeasureStatus.ACTIVE).distinct()


def can_manage_measures(user, case: Case) -> bool:
    """Verified staff of the lead or of a shared agency plan and update the case's measures."""
    return can_see_case(user, case)


def _report(case: Case):
    try:
        return case.report
    except ObjectDoesNotExist:
        return None


def has_extremist_motive(case: Case) -> bool:
    report = _report(case)
    return report is not None and bool(set(report.motives) & EXTREMIST_MOTIVES)


def _regional(case: Case) -> tuple[Organisation | None, Organisation | None]:
    """The police directorate of the case's municipality and the district's Expertennetzwerk coordination (the
    Landesdirektion's central one where a district has none)."""
    report = _report(case)
    if report is None:
        return None, None
    district = report.municipality.district
    police = Organisation.objects.filter(
        type=OrganisationType.POLICE_DIRECTORATE, police_directorate_id=district.police_directorate_id
    ).first()
    networks = Organisation.objects.filter(type=OrganisationType.EXPERT_NETWORK)
    expert_network = networks.filter(district_id=district.pk).first() or networks.filter(district__isnull=True).first()
    return police, expert_network


def responsible_choices(case: Case) -> list[Organisation]:
    """The agencies a measure on this case may be assigned to: the police directorate of the case's municipality, the
    district's Expertennetzwerk coordination, LKA protection, ASSKomm, ZASTEX, ZMI, ZORA, then the lead and the
    shared agencies (without repeats)."""
    police, expert_network = _regional(case)
    statewide = sorted(
        Organisation.objects.filter(type__in=STATEWIDE_RESPONSIBLE_TYPES),
        key=lambda organisation: (STATEWIDE_RESPONSIBLE_TYPES.index(organisation.type), organisation.name),
    )
    on_case = []
    if case.lead_id is not None:
        on_case.append(case.lead)
    on_case += [
        share.organisation for share in CaseShare.objects.filter(case_id=case.pk).select_related("organisation")
    ]
    choices: dict[int, Organisation] = {}
    for organisation in [police, expert_network, *statewide, *on_case]:
        if organisation is not None:
            choices.setdefault(organisation.pk, organisation)
    return list(choices.values())


def default_responsibles(case: Case, *, choices: list[Organisation] | None = None) -> dict[str, Organisation | None]:
    """For every measure in the catalogue, the agency it names, resolved for this case (None when there is none:
    a case without a lead, a municipality without a police directorate in the reference data)."""
    police, expert_network = _regional(case)
    candidates = choices if choices is not None else responsible_choices(case)
    by_type: dict[str, Organisation] = {}
    for organisation in candidates:
        by_type.setdefault(organisation.type, organisation)
    resolved = {
        Responsible.POLICE_DIRECTORATE: police,
        Responsible.EXPERT_NETWORK: expert_network,
        Responsible.LEAD: case.lead if case.lead_id is not None else None,
    }
    for responsible, organisation_type in RESPONSIBLE_TYPES.items():
        resolved.setdefault(responsible, by_type.get(organisation_type))
    return {code: resolved[entry.responsible] for code, entry in catalogue.CATALOGUE.items()}


def recommendations_for(case: Case) -> list[Recommendation]:
    """Measures recommended for the case's current risk level (and motive) that have not been planned yet."""
    planned = set(CaseMeasure.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    return [
        recommendation
        for recommendation in catalogue.recommendations(case.risk_level, extremist_motive=has_extremist_motive(case))
        if recommendation.kind not in planned
    ]


def history_of(measure: CaseMeasure) -> QuerySet[CaseMeasureChange]:
    return measure.changes.select_related("by")

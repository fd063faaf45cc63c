"""The Wegweiser: from a few answers to ranked offers, each with its reason, and the regional contacts.

The ranking is written rules, not a hidden score, so the page can say why each offer is shown:
- an offer is considered only if it is meant for the person asking (audience);
- each situation the person named and the offer helps with adds 10 points;
- in acute danger, offers that help in acute danger add 20 points and come first;
- offers that match no named situation are left out, except acute-danger offers when danger is acute.
Ties keep the catalogue order (title).
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, OrganisationType
from sikom.geo.models import District
from sikom.offers.models import Offer
from sikom.offers.vocabulary import Audience, RegionalContact, Situation

SITUATION_POINTS = 10
ACUTE_POINTS = 20

STATEWIDE_TYPES = [
    OrganisationType.ZASTEX,
    OrganisationType.ZMI,
    OrganisationType.ASSKOMM,
    OrganisationType.EXPERT_NETWORK,
    OrganisationType.ZORA,
]


@dataclass(frozen=True)
class Answers:
    audience: str
    situations: tuple[str, ...]
    acute: bool
    district: District | None = None


@dataclass
class Recommendation:
    offer: Offer
    score: int
    reasons: list[str] = field(default_factory=list)
    regional_office: Organisation | None = None
    # Shown beside a regional office that has not filled in its contact details yet.
    fallback_office: Organisation | None = None


@dataclass
class RegionalContacts:
    district: District | None
    police_directorate: Organisation | None
    expert_network: Organisation | None
    expert_network_central: Organisation | None
    statewide: list[Organisation]


def _quoted(labels: list[str]) -> str:
    quoted = [f"»{label}«" for label in labels]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(first)s und %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def recommend(offers: QuerySet[Offer], answers: Answers, contacts: RegionalContacts) -> list[Recommendation]:
    recommendations = []
    for offer in offers:
        if answers.audience not in offer.audiences:
            continue
        matched = [code for code in answers.situations if code in offer.situations]
        acute_match = answers.acute and offer.helps_in_acute_danger
        if not matched and not acute_match:
            continue
        reasons = []
        if acute_match:
            reasons.append(_("weil Sie akute Gefahr angegeben haben"))
        if matched:
            reasons.append(
                _("weil Sie %(situations)s angegeben haben")
                % {"situations": _quoted([Situation(code).label for code in matched])}
            )
        reasons.append(
            _("weil sich das Angebot an Sie als %(audience)s richtet") % {"audience": Audience(answers.audience).label}
        )
        recommendations.append(
            Recommendation(
                offer=offer,
                score=SITUATION_POINTS * len(matched) + (ACUTE_POINTS if acute_match else 0),
                reasons=reasons,
                regional_office=_regional_office(offer, contacts),
                fallback_office=_fallback_office(offer, contacts),
            )
        )
    recommendations.sort(key=lambda rec: -rec.score)
    return recommendations


def _regional_office(offer: Offer, contacts: RegionalContacts) -> Organisation | None:
    if offer.regional_contact == RegionalContact.POLICE_DIRECTORATE:
        return contacts.police_directorate
    if offer.regional_contact == RegionalContact.EXPERT_NETWORK:
        return contacts.expert_network or contacts.expert_network_central
    return None


def _fallback_office(offer: Offer, contacts: RegionalContacts) -> Organisation | None:
    regional = contacts.expert_network
    if offer.regional_contact == RegionalContact.EXPERT_NETWORK and regional is not None and not regional.has_contact:
        return contacts.expert_network_central
    return None


def regional_contacts(district: District | None) -> RegionalContacts:
    organisations = Organisation.objects.filter(type__in=[*STATEWIDE_TYPES, OrganisationType.POLICE_DIRECTORATE])
    police = expert_network = central = None
    statewide = []
    for organisation in organisations.order_by("name"):
        if organisation.type == OrganisationType.POLICE_DIRECTORATE:
            if district is not None and organisation.police_directorate_id == district.police_directorate_id:
                police = organisation
        elif organisation.type == OrganisationType.EXPERT_NETWORK:
            if organisation.district_id is None:
                central = organisation
                statewide.append(organisation)
            elif district is not None and organisation.district_id == district.pk:
                expert_network = organisation
        else:
            statewide.append(organisation)
    statewide.sort(key=lambda org: STATEWIDE_TYPES.index(org.type))
    return RegionalContacts(
        district=district,
        police_directorate=police,
        expert_network=expert_network,
        expert_network_central=central,
        statewide=statewide,
    )

"""Routing: the rules (data, editable by the operators) decide the lead agency and the shares of a new case.

Defaults follow the programme: online hate → ZMI; publication of personal data / »enemy lists« or an extremist
motive → ZASTEX; a threat or attack linked to the private sphere → the municipality's police directorate and
ZASTEX; anything else → ZASTEX, the central contact point for threatened office holders.
"""

from dataclasses import dataclass

from sikom.accounts.models import Organisation
from sikom.cases.models import TARGET_ORGANISATION_TYPES, RoutingRule, RoutingTarget
from sikom.reports.vocabulary import Category, Motive, Place

EXTREMIST_MOTIVES = {
    Motive.RIGHT_WING,
    Motive.LEFT_WING,
    Motive.RELIGIOUS,
    Motive.REICHSBUERGER,
    Motive.FOREIGN_IDEOLOGY,
}
PRIVATE_SPHERE_CATEGORIES = {Category.PRIVATE_SPHERE, Category.DATA_PUBLISHED}

DEFAULT_RULES = [
    {
        "name": "Bedrohung oder Angriff mit Bezug zur Privatsphäre → Polizeidirektion",
        "priority": 10,
        "categories": [Category.THREAT, Category.PHYSICAL_ATTACK, Category.COERCION, Category.PROPERTY_DAMAGE],
        "requires_private_sphere": True,
        "target": RoutingTarget.POLICE_DIRECTORATE,
        "lead": True,
    },
    {
        "name": "Bedrohung oder Angriff mit Bezug zur Privatsphäre → ZASTEX beteiligen",
        "priority": 11,
        "categories": [Category.THREAT, Category.PHYSICAL_ATTACK, Category.COERCION, Category.PROPERTY_DAMAGE],
        "requires_private_sphere": True,
        "target": RoutingTarget.ZASTEX,
        "lead": False,
    },
    {
        "name": "Veröffentlichung persönlicher Daten / »Feindesliste« → ZASTEX",
        "priority": 20,
        "categories": [Category.DATA_PUBLISHED],
        "target": RoutingTarget.ZASTEX,
        "lead": True,
    },
    {
        "name": "Extremistisches Motiv → ZASTEX",
        "priority": 30,
        "requires_extremist_motive": True,
        "target": RoutingTarget.ZASTEX,
        "lead": True,
    },
    {
        "name": "Hass im Netz → ZMI",
        "priority": 40,
        "categories": [Category.ONLINE_HATE],
        "target": RoutingTarget.ZMI,
        "lead": True,
    },
    {
        "name": "Hass im Netz bei anderer Federführung → ZMI beteiligen",
        "priority": 41,
        "categories": [Category.ONLINE_HATE],
        "target": RoutingTarget.ZMI,
        "lead": False,
    },
    {"name": "Alle übrigen Meldungen → ZASTEX", "priority": 1000, "target": RoutingTarget.ZASTEX, "lead": True},
]


@dataclass(frozen=True)
class Facts:
    categories: frozenset[str]
    motives: frozenset[str]
    place: str
    district_id: int | None
    police_directorate_id: int | None

    @classmethod
    def of(cls, report) -> "Facts":
        district = report.municipality.district
        return cls(
            categories=frozenset(report.categories),
            motives=frozenset(report.motives),
            place=report.place,
            district_id=district.pk,
            police_directorate_id=district.police_directorate_id,
        )

    @property
    def private_sphere(self) -> bool:
        return self.place == Place.HOME or bool(self.categories & PRIVATE_SPHERE_CATEGORIES)

    @property
    def extremist(self) -> bool:
        return bool(self.motives & EXTREMIST_MOTIVES)


def matches(rule: RoutingRule, facts: Facts) -> bool:
    if rule.categories and not facts.categories & set(rule.categories):
        return False
    if rule.requires_private_sphere and not facts.private_sphere:
        return False
    return not (rule.requires_extremist_motive and not facts.extremist)


def target_organisation(target: str, facts: Facts) -> Organisation | None:
    organisations = Organisation.objects.filter(type=TARGET_ORGANISATION_TYPES[target])
    if target == RoutingTarget.POLICE_DIRECTORATE:
        return organisations.filter(police_directorate_id=facts.police_directorate_id).first()
    if target == RoutingTarget.EXPERT_NETWORK:
        return (
            organisations.filter(district_id=facts.district_id).first()
            or organisations.filter(district__isnull=True).first()
        )
    return organisations.order_by("pk").first()


@dataclass
class Decision:
    lead: Organisation | None
    lead_rule: RoutingRule | None
    shares: list[tuple[Organisation, RoutingRule]]


def decide(facts: Facts) -> Decision:
    lead, lead_rule, shares = None, None, []
    for rule in RoutingRule.objects.filter(active=True).order_by("priority", "pk"):
        if not matches(rule, facts):
            continue
        organisation = target_organisation(rule.target, facts)
        if organisation is None:
            continue
        if rule.lead:
            if lead is None:  # later lead rules are fall-backs for cases no earlier rule decided
                lead, lead_rule = organisation, rule
        else:
            shares.append((organisation, rule))
    shares = [(org, rule) for org, rule in shares if org != lead]
    unique = {}
    for org, rule in shares:
        unique.setdefault(org.pk, (org, rule))
    return Decision(lead=lead, lead_rule=lead_rule, shares=list(unique.values()))


def ensure_default_rules() -> int:
    """Create the default rules when there are none at all (the operators may have edited or removed some)."""
    if RoutingRule.objects.exists():
        return 0
    RoutingRule.objects.bulk_create([RoutingRule(**rule) for rule in DEFAULT_RULES])
    return len(DEFAULT_RULES)


def provisional_level(facts: Facts) -> int:
    """Until a danger analysis exists: attacks and the private sphere are high, threats medium, the rest low."""
    from sikom.cases.models import RiskLevel

    if facts.categories & {Category.PHYSICAL_ATTACK} or facts.private_sphere:
        return RiskLevel.HIGH
    if facts.categories & {Category.THREAT, Category.COERCION}:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW

"""The catalogue of protective measures and the rules that recommend them.

The measures are those of the police measures package and the flanking offers in the seed documents (000–002): close
contact with the police, advice on behaviour in danger situations, agreed targeted police measures, local awareness,
situation-dependent patrols and — depending on the situation — person and property protection by the LKA; beside
them help with the address block, the criminal complaint, victim counselling, advice by ASSKomm and the
Expertennetzwerk.

Recommendation rules (shown on the measures page, cumulative: a higher risk level keeps everything of the lower ones):

- risk level 1 (low) and higher: contact with the police, advice on behaviour in danger situations, criminal
  complaint, victim counselling, advice by ASSKomm;
- level 2 (medium) and higher: also local awareness and help with the address block (§ 51 BMG);
- level 3 (high) and higher: also agreed targeted police measures and situation-dependent patrols;
- level 4 (acute): also person protection and property protection by the LKA.

Independent of the level, the Expertennetzwerk is recommended when the report names an extremist motive: it helps
municipalities against extremist assemblies, events and property use, and the report form has no category of its
own for those.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import OrganisationType


class MeasureKind(models.TextChoices):
    POLICE_CONTACT = "police_contact", _("Enger Kontakt zur Polizei")
    BEHAVIOUR_ADVICE = "behaviour_advice", _("Beratung zu Verhaltensweisen in Gefahrenlagen")
    TARGETED_POLICE_MEASURES = "targeted_police_measures", _("Absprache gezielter polizeilicher Maßnahmen")
    LOCAL_AWARENESS = "local_awareness", _("Sensibilisierung vor Ort")
    PATROLS = "patrols", _("Lageabhängige Streifen")
    PROPERTY_PROTECTION = "property_protection", _("Objektschutz durch das LKA")
    PERSON_PROTECTION = "person_protection", _("Personenschutz durch das LKA")
    ADDRESS_BLOCK = "address_block", _("Hilfe bei der Auskunftssperre nach § 51 BMG")
    CRIMINAL_COMPLAINT = "criminal_complaint", _("Strafanzeige")
    VICTIM_COUNSELLING = "victim_counselling", _("Opferberatung")
    ASSKOMM_ADVICE = "asskomm_advice", _("Beratung durch die Allianz Sichere Sächsische Kommunen (ASSKomm)")
    EXPERT_NETWORK = "expert_network", _("Einbindung des Expertennetzwerks")


class Responsible(models.TextChoices):
    """Who carries out a measure by default, resolved for the case by ``selectors.default_responsibles``."""

    POLICE_DIRECTORATE = "police_directorate", _("Polizeidirektion der Gemeinde")
    LKA_PROTECTION = "lka_protection", _("LKA Personen- und Objektschutz")
    ASSKOMM = "asskomm", _("ASSKomm / Landespräventionsrat")
    EXPERT_NETWORK = "expert_network", _("Expertennetzwerk des Landkreises")
    LEAD = "lead", _("Federführende Stelle des Falls")


# The organisation type each default resolves to (the lead is the case's own lead, whatever its type).
RESPONSIBLE_TYPES = {
    Responsible.POLICE_DIRECTORATE: OrganisationType.POLICE_DIRECTORATE,
    Responsible.LKA_PROTECTION: OrganisationType.LKA_PROTECTION,
    Responsible.ASSKOMM: OrganisationType.ASSKOMM,
    Responsible.EXPERT_NETWORK: OrganisationType.EXPERT_NETWORK,
}


@dataclass(frozen=True)
class Measure:
    kind: MeasureKind
    description: Promise
    responsible: Responsible

    @property
    def title(self) -> str:
        return self.kind.label


K = MeasureKind
CATALOGUE: dict[str, Measure] = {
    measure.kind.value: measure
    for measure in [
        Measure(
            K.POLICE_CONTACT,
            _(
                "Die Polizei hält engen Kontakt zur betroffenen Person, damit sie früh und ohne Hürden "
                "Unterstützung bekommt."
            ),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.BEHAVIOUR_ADVICE,
            _(
                "Die Polizei berät, wie man sich in Gefahrenlagen verhält und sich privat und in der Öffentlichkeit "
                "besser schützt. Dazu gehört der Sicherheitsleitfaden des Landeskriminalamts mit Schutz- und "
                "Verhaltenshinweisen."
            ),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.TARGETED_POLICE_MEASURES,
            _("Polizei und betroffene Person sprechen gezielte polizeiliche Maßnahmen miteinander ab."),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.LOCAL_AWARENESS,
            _("Die Polizei sensibilisiert vor Ort für die Lage der betroffenen Person."),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.PATROLS,
            _("Die Polizei ist je nach Lage im Umfeld der betroffenen Person mit Streifen präsent."),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.PROPERTY_PROTECTION,
            _(
                "Lageabhängiger Objektschutz durch das Landeskriminalamt (LKA): eine tiefergehende Maßnahme, die je "
                "nach Situation eingeleitet wird."
            ),
            Responsible.LKA_PROTECTION,
        ),
        Measure(
            K.PERSON_PROTECTION,
            _(
                "Lageabhängiger Personenschutz durch das Landeskriminalamt (LKA): eine tiefergehende Maßnahme, die "
                "je nach Situation eingeleitet wird."
            ),
            Responsible.LKA_PROTECTION,
        ),
        Measure(
            K.ADDRESS_BLOCK,
            _(
                "Wenn der betroffenen Person durch die Herausgabe ihrer Anschrift eine Gefahr droht, kann die "
                "Meldebehörde gebeten werden, die Auskunft über die Anschrift zu sperren (§ 51 Bundesmeldegesetz). "
                "Die zuständige Stelle hilft dabei."
            ),
            Responsible.LEAD,
        ),
        Measure(
            K.CRIMINAL_COMPLAINT,
            _(
                "Anzeige bei der Polizei, damit die Tat verfolgt und die Täter aus der Anonymität geholt werden "
                "können. Beleidigungen und Bedrohungen im Internet können auch über das Online-Meldeverfahren der "
                "ZMI angezeigt werden."
            ),
            Responsible.POLICE_DIRECTORATE,
        ),
        Measure(
            K.VICTIM_COUNSELLING,
            _("Die betroffene Person wird an eine Opferberatung vermittelt."),
            Responsible.LEAD,
        ),
        Measure(
            K.ASSKOMM_ADVICE,
            _(
                "Beratung der Betroffenen durch die Allianz Sichere Sächsische Kommunen beim Landespräventionsrat, "
                "zum Beispiel mit Deeskalations-, Kommunikations- und Argumentationstrainings."
            ),
            Responsible.ASSKOMM,
        ),
        Measure(
            K.EXPERT_NETWORK,
            _(
                "Das Expertennetzwerk der Landesdirektion Sachsen unterstützt Kommunen gegen rechtsextremistische "
                "Versammlungen, Veranstaltungen und Immobiliennutzungen und prüft den Sachverhalt unter allen "
                "rechtlichen Blickwinkeln. Ansprechpartner ist die regionale Koordination im Landkreis oder in der "
                "Kreisfreien Stadt."
            ),
            Responsible.EXPERT_NETWORK,
        ),
    ]
}


@dataclass(frozen=True)
class Rule:
    """A written recommendation rule: from ``min_level`` on, ``kinds`` are recommended. ``text`` is the rule as
    shown on the page, ``reason`` the short form shown beside each recommended measure."""

    min_level: int
    kinds: tuple[str, ...]
    text: Promise
    reason: Promise


LEVEL_RULES: list[Rule] = [
    Rule(
        1,
        (K.POLICE_CONTACT, K.BEHAVIOUR_ADVICE, K.CRIMINAL_COMPLAINT, K.VICTIM_COUNSELLING, K.ASSKOMM_ADVICE),
        _(
            "Ab Gefährdungsstufe 1 (niedrig): enger Kontakt zur Polizei, Beratung zu Verhaltensweisen in "
            "Gefahrenlagen, Strafanzeige, Opferberatung und Beratung durch ASSKomm."
        ),
        _("ab Gefährdungsstufe 1 (niedrig)"),
    ),
    Rule(
        2,
        (K.LOCAL_AWARENESS, K.ADDRESS_BLOCK),
        _("Ab Gefährdungsstufe 2 (mittel) zusätzlich: Sensibilisierung vor Ort und Hilfe bei der Auskunftssperre."),
        _("ab Gefährdungsstufe 2 (mittel)"),
    ),
    Rule(
        3,
        (K.TARGETED_POLICE_MEASURES, K.PATROLS),
        _(
            "Ab Gefährdungsstufe 3 (hoch) zusätzlich: Absprache gezielter polizeilicher Maßnahmen und lageabhängige "
            "Streifen."
        ),
        _("ab Gefährdungsstufe 3 (hoch)"),
    ),
    Rule(
        4,
        (K.PERSON_PROTECTION, K.PROPERTY_PROTECTION),
        _("Bei Gefährdungsstufe 4 (akut) zusätzlich: Personen- und Objektschutz durch das LKA."),
        _("Gefährdungsstufe 4 (akut)"),
    ),
]

EXTREMIST_RULE = Rule(
    1,
    (K.EXPERT_NETWORK,),
    _(
        "Unabhängig von der Gefährdungsstufe, wenn die Meldung ein extremistisches Motiv nennt: Einbindung des "
        "Expertennetzwerks (Unterstützung gegen extremistische Versammlungen, Veranstaltungen und "
        "Immobiliennutzungen)."
    ),
    _("extremistisches Motiv in der Meldung"),
)

RULES: list[Rule] = [*LEVEL_RULES, EXTREMIST_RULE]

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Recommendation:
    measure: Measure
    rule: Rule

    @property
    def kind(self) -> str:
        return self.measure.kind.value


def recommendations(level: int | None, *, extremist_motive: bool = False) -> list[Recommendation]:
    """The recommended measures in catalogue order, each with the rule that recommends it.

    Without a risk level (no danger analysis and no provisional level yet) only the motive rule applies.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"risk level must be one of {LEVELS}, not {level!r}")
    rule_of: dict[str, Rule] = {}
    for rule in LEVEL_RULES:
        if level is not None and level >= rule.min_level:
            for kind in rule.kinds:
                rule_of.setdefault(kind, rule)
    if extremist_motive:
        for kind in EXTREMIST_RULE.kinds:
            rule_of.setdefault(kind, EXTREMIST_RULE)
    return [Recommendation(measure, rule_of[code]) for code, measure in CATALOGUE.items() if code in rule_of]


def measure(kind: str) -> Measure:
    return CATALOGUE[kind]

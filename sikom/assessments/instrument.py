"""The instrument of the »erste Gefahrenanalyse« as data: a versioned, transparent checklist, no secret score.

Three groups of items, each answered »liegt vor« / »liegt nicht vor« / »unbekannt« with an evidence note:

- the eight proximal warning behaviours of Meloy et al. (2012): pathway, fixation, identification, novel
  aggression, energy burst, leakage, last resort, directly communicated threat;
- context factors of the case (who, what is known, how it developed);
- protective factors, recorded and shown but never lowering the suggested level (see ``rules.py``).

Source of the warning behaviours:
    Meloy, J. R., Hoffmann, J., Guldimann, A., & James, D. (2012). The role of warning behaviors in threat
    assessment: An exploration and suggested typology. Behavioral Sciences & the Law, 30(3), 256–279.

The German explanations are our plain-language summaries for analysts, not quotations. Codes are stored in every
assessment's answers, so they never change within a version; a changed item list is a new ``INSTRUMENT_VERSION``
(with rules to match), and stored assessments keep the version they were made with.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INSTRUMENT_VERSION = "2026-1"

NOTE_MAX = 2_000
SOURCE = (
    "Meloy, J. R., Hoffmann, J., Guldimann, A., & James, D. (2012). The role of warning behaviors in threat "
    "assessment: An exploration and suggested typology. Behavioral Sciences & the Law, 30(3), 256–279."
)


class Answer(models.TextChoices):
    PRESENT = "present", _("liegt vor")
    ABSENT = "absent", _("liegt nicht vor")
    UNKNOWN = "unknown", _("unbekannt")


@dataclass(frozen=True)
class Item:
    code: str
    label: Promise
    explanation: Promise
    group: str


@dataclass(frozen=True)
class Group:
    code: str
    title: Promise
    intro: Promise
    items: tuple[Item, ...]


WARNING = "warning_behaviours"
CONTEXT = "context_factors"
PROTECTIVE = "protective_factors"

WARNING_BEHAVIOURS = (
    Item(
        "pathway",
        _("Vorbereitungshandlungen (Pathway)"),
        _("Erkunden, Planen, Beschaffen, Annähern an die Person."),
        WARNING,
    ),
    Item(
        "fixation",
        _("Fixierung (Fixation)"),
        _(
            "Die Person beschäftigt sich immer stärker und verbissener mit dem Ziel oder einem Anliegen, "
            "etwa durch ständige Äußerungen, Beschwerden oder Nachrichten."
        ),
        WARNING,
    ),
    Item(
        "identification",
        _("Identifikation (Identification)"),
        _(
            "Identifikation mit früheren Tätern, Selbstbild in einer »Krieger«-Rolle oder auffälliges Waffen- "
            "oder Militärinteresse."
        ),
        WARNING,
    ),
    Item(
        "novel_aggression",
        _("Neue Aggression (Novel Aggression)"),
        _("Neue, erstmalige Gewalt, die nichts mit dem Ziel zu tun hat – als würde die Person sich selbst testen."),
        WARNING,
    ),
    Item(
        "energy_burst",
        _("Energieschub (Energy Burst)"),
        _("Zunahme von Häufigkeit oder Vielfalt der Aktivitäten in Bezug auf die Person, oft in kurzer Zeit."),
        WARNING,
    ),
    Item(
        "leakage",
        _("Ankündigung gegenüber Dritten (Leakage)"),
        _("Die Absicht, der Person zu schaden, wird gegenüber Dritten angekündigt oder angedeutet."),
        WARNING,
    ),
    Item(
        "last_resort",
        _("Letzter Ausweg (Last Resort)"),
        _("Zeichen, dass die Person keinen anderen Ausweg mehr sieht als Gewalt, etwa aus Verzweiflung."),
        WARNING,
    ),
    Item(
        "directly_communicated_threat",
        _("Direkt geäußerte Drohung (Directly Communicated Threat)"),
        _("Eine Drohung, die direkt an die betroffene Person gerichtet ist – mündlich, schriftlich oder online."),
        WARNING,
    ),
)

CONTEXT_FACTORS = (
    Item(
        "perpetrator_identified",
        _("Täter:in identifiziert"),
        _("Es ist bekannt, wer hinter der Bedrohung steht."),
        CONTEXT,
    ),
    Item(
        "earlier_violence",
        _("Frühere Gewalt"),
        _("Die Person ist schon früher durch Gewalt aufgefallen, gleich gegen wen."),
        CONTEXT,
    ),
    Item(
        "weapons_access_mentioned",
        _("Zugang zu Waffen erwähnt"),
        _("Es gibt Hinweise, dass die Person Waffen hat oder beschaffen kann, oder sie spricht selbst davon."),
        CONTEXT,
    ),
    Item(
        "extremist_ties",
        _("Verbindungen ins extremistische Milieu"),
        _("Hinweise auf Kontakte zu extremistischen Gruppen, Szenen oder Netzwerken."),
        CONTEXT,
    ),
    Item(
        "private_address_known",
        _("Kenntnis der Privatanschrift"),
        _("Die Person kennt die Wohnanschrift der oder des Betroffenen, nennt oder verbreitet sie."),
        CONTEXT,
    ),
    Item(
        "concrete_time_or_place",
        _("Konkreter Zeitpunkt oder Ort genannt"),
        _("Die Drohung nennt einen bestimmten Zeitpunkt oder einen bestimmten Ort."),
        CONTEXT,
    ),
    Item(
        "escalation_over_time",
        _("Steigerung über die Zeit"),
        _("Die Vorfälle werden mit der Zeit häufiger, schärfer oder persönlicher."),
        CONTEXT,
    ),
    Item(
        "campaign_several_senders",
        _("Kampagne mehrerer Absender"),
        _("Mehrere Personen oder Konten greifen die Person gleichzeitig oder abgestimmt an."),
        CONTEXT,
    ),
    Item(
        "relatives_targeted",
        _("Angehörige im Visier"),
        _("Die Bedrohung richtet sich auch gegen Partner:in, Kinder oder andere Angehörige."),
        CONTEXT,
    ),
    Item(
        "enemy_list",
        _("»Feindesliste«"),
        _("Die Person steht auf einer Liste, die politische Gegner:innen mit persönlichen Daten sammelt."),
        CONTEXT,
    ),
)

PROTECTIVE_FACTORS = (
    Item(
        "measures_in_place",
        _("Schutzmaßnahmen bestehen bereits"),
        _("Zum Beispiel polizeiliche Maßnahmen, technische Sicherung von Wohnung oder Büro."),
        PROTECTIVE,
    ),
    Item(
        "address_block",
        _("Auskunftssperre im Melderegister (§ 51 BMG)"),
        _("Die Meldebehörde gibt die Wohnanschrift der Person nicht an Dritte heraus."),
        PROTECTIVE,
    ),
    Item(
        "support_network",
        _("Unterstützendes Umfeld"),
        _("Familie, Kolleg:innen, Verwaltung oder Beratungsstellen stehen der Person zur Seite."),
        PROTECTIVE,
    ),
)

GROUPS = (
    Group(
        WARNING,
        _("Warnverhalten"),
        _("Die acht Formen von Warnverhalten nach Meloy und anderen (2012), die einer Tat vorausgehen können."),
        WARNING_BEHAVIOURS,
    ),
    Group(
        CONTEXT,
        _("Umstände"),
        _("Umstände des Falls, die eine Gefahr verstärken können."),
        CONTEXT_FACTORS,
    ),
    Group(
        PROTECTIVE,
        _("Schützende Faktoren"),
        _("Was die Person bereits schützt. Schützende Faktoren werden festgehalten, senken den Vorschlag aber nie."),
        PROTECTIVE_FACTORS,
    ),
)

ITEMS: dict[str, Item] = {item.code: item for group in GROUPS for item in group.items}
WARNING_CODES = tuple(item.code for item in WARNING_BEHAVIOURS)

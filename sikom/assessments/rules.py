"""So entsteht der Vorschlag der Gefährdungsstufe — how the suggested risk level comes about.

Deutsch
    Die Checkliste ergibt keinen verdeckten Punktwert. Der Vorschlag folgt aus sechs geschriebenen Regeln; es gilt
    die höchste Stufe, die eine zutreffende Regel nennt. Die Seite zeigt jede Regel, und jeder Vorschlag nennt die
    Regeln, die zugetroffen haben, mit den Punkten, die sie ausgelöst haben.

    R1  Mindestens ein Warnverhalten liegt vor ⇒ mindestens Stufe 3 (hoch).
    R2  Vorbereitungshandlungen, Energieschub oder Letzter Ausweg liegen vor ⇒ Stufe 4 (akut).
    R3  Eine direkt geäußerte Drohung liegt vor und ein konkreter Zeitpunkt oder Ort ist genannt ⇒ Stufe 4 (akut).
    R4  Einer dieser Umstände liegt vor: Kenntnis der Privatanschrift, »Feindesliste«, Angehörige im Visier,
        Steigerung über die Zeit, frühere Gewalt, Zugang zu Waffen erwähnt ⇒ mindestens Stufe 2 (mittel).
    R5  Zwei oder mehr der Umstände aus R4 liegen vor, oder Verbindungen ins extremistische Milieu zusammen mit
        Kenntnis der Privatanschrift ⇒ mindestens Stufe 3 (hoch).
    R6  Sonst ⇒ Stufe 1 (niedrig).

    Schützende Faktoren werden festgehalten und angezeigt, senken den Vorschlag aber nie: Ob ein Schutz wirkt, hängt
    vom Einzelfall ab, und ein zu niedriger Vorschlag wiegt schwerer als ein zu hoher. »Unbekannt« zählt wie »liegt
    nicht vor«, wird aber als offene Frage aufgeführt, die zu klären ist.

    Der Vorschlag ist ein Vorschlag: Die Analystin oder der Analyst bestätigt ihn oder weicht mit Begründung ab.

English
    The checklist has no hidden score. The suggestion follows from six written rules; the highest level named by a
    rule that applies wins. The page shows every rule, and every suggestion names the rules that applied and the
    items that made them apply. R1–R6 as above: any warning behaviour ⇒ at least high (3); pathway, energy burst
    or last resort ⇒ acute (4); a directly communicated threat with a concrete time or place ⇒ acute (4); any of
    six aggravating context factors ⇒ at least medium (2); two or more of them, or extremist ties together with
    knowledge of the private address ⇒ at least high (3); otherwise low (1).

    Protective factors are recorded and shown but never lower the suggestion: whether protection works depends on
    the case, and suggesting too low costs more than suggesting too high. »Unknown« counts as not present but is
    listed as an open question.

    The functions here are pure: answers in, ``Suggestion`` out, no database, no clock. ``answers`` maps item codes
    to ``{"value": "present" | "absent" | "unknown", "note": str}`` (a bare value string is accepted too); missing
    items count as unknown.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.assessments.instrument import ITEMS, PROTECTIVE_FACTORS, WARNING_CODES, Answer, Item
from sikom.cases.models import RiskLevel

LOW, MEDIUM, HIGH, ACUTE = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.ACUTE

ACUTE_WARNING_BEHAVIOURS = ("pathway", "energy_burst", "last_resort")
AGGRAVATING_FACTORS = (
    "private_address_known",
    "enemy_list",
    "relatives_targeted",
    "escalation_over_time",
    "earlier_violence",
    "weapons_access_mentioned",
)

PROTECTIVE_NOTE = gettext_lazy(
    "Schützende Faktoren werden festgehalten und angezeigt, senken den Vorschlag aber nie: Ob ein Schutz wirkt, "
    "hängt vom Einzelfall ab, und ein zu niedriger Vorschlag wiegt schwerer als ein zu hoher."
)
UNKNOWN_NOTE = gettext_lazy(
    "»Unbekannt« zählt wie »liegt nicht vor«, wird aber als offene Frage aufgeführt, die zu klären ist."
)
HIGHEST_WINS_NOTE = gettext_lazy(
    "Es gilt die höchste Stufe, die eine zutreffende Regel nennt. Der Vorschlag ist ein Vorschlag: Sie bestätigen "
    "ihn oder weichen mit Begründung ab."
)


def value_of(answers: Mapping, code: str) -> str:
    answer = answers.get(code)
    if isinstance(answer, Mapping):
        answer = answer.get("value")
    return answer if answer in Answer.values else Answer.UNKNOWN


def present(answers: Mapping, codes) -> list[str]:
    return [code for code in codes if value_of(answers, code) == Answer.PRESENT]


# The rules. Each returns the codes of the items that make it apply, or None when it does not apply.


def r1_any_warning_behaviour(answers: Mapping) -> list[str] | None:
    return present(answers, WARNING_CODES) or None


def r2_acute_warning_behaviour(answers: Mapping) -> list[str] | None:
    return present(answers, ACUTE_WARNING_BEHAVIOURS) or None


def r3_threat_with_time_or_place(answers: Mapping) -> list[str] | None:
    found = present(answers, ("directly_communicated_threat", "concrete_time_or_place"))
    return found if len(found) == 2 else None


def r4_one_aggravating_factor(answers: Mapping) -> list[str] | None:
    return present(answers, AGGRAVATING_FACTORS) or None


def r5_several_aggravating_factors(answers: Mapping) -> list[str] | None:
    found = present(answers, AGGRAVATING_FACTORS)
    if len(found) >= 2:
        return found
    extremist_at_home = present(answers, ("extremist_ties", "private_address_known"))
    return extremist_at_home if len(extremist_at_home) == 2 else None


def r6_otherwise(answers: Mapping) -> list[str] | None:
    return None if any(rule.check(answers) for rule in RULES if rule.code != "R6") else []


@dataclass(frozen=True)
class Rule:
    code: str
    level: int
    at_least: bool
    description: Promise
    check: Callable[[Mapping], list[str] | None]

    @property
    def level_label(self) -> str:
        label = RiskLevel(self.level).label
        if self.at_least:
            return _("mindestens Stufe %(level)s") % {"level": label}
        return _("Stufe %(level)s") % {"level": label}


RULES: tuple[Rule, ...] = (
    Rule(
        "R1",
        HIGH,
        True,
        gettext_lazy("Mindestens ein Warnverhalten liegt vor ⇒ mindestens Stufe 3 (hoch)."),
        r1_any_warning_behaviour,
    ),
    Rule(
        "R2",
        ACUTE,
        False,
        gettext_lazy("Vorbereitungshandlungen, Energieschub oder Letzter Ausweg liegen vor ⇒ Stufe 4 (akut)."),
        r2_acute_warning_behaviour,
    ),
    Rule(
        "R3",
        ACUTE,
        False,
        gettext_lazy(
            "Eine direkt geäußerte Drohung liegt vor und ein konkreter Zeitpunkt oder Ort ist genannt ⇒ Stufe 4 (akut)."
        ),
        r3_threat_with_time_or_place,
    ),
    Rule(
        "R4",
        MEDIUM,
        True,
        gettext_lazy(
            "Einer dieser Umstände liegt vor: Kenntnis der Privatanschrift, »Feindesliste«, Angehörige im Visier, "
            "Steigerung über die Zeit, frühere Gewalt, Zugang zu Waffen erwähnt ⇒ mindestens Stufe 2 (mittel)."
        ),
        r4_one_aggravating_factor,
    ),
    Rule(
        "R5",
        HIGH,
        True,
        gettext_lazy(
            "Zwei oder mehr der Umstände aus R4 liegen vor, oder Verbindungen ins extremistische Milieu zusammen mit "
            "Kenntnis der Privatanschrift ⇒ mindestens Stufe 3 (hoch)."
        ),
        r5_several_aggravating_factors,
    ),
    Rule("R6", LOW, False, gettext_lazy("Sonst ⇒ Stufe 1 (niedrig)."), r6_otherwise),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Suggestion:
    level: int
    reasons: list[str] = field(default_factory=list)
    rules_fired: list[str] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return RiskLevel(self.level).label


def _labels(codes: list[str]) -> str:
    return ", ".join(str(ITEMS[code].label) for code in codes)


def _reason(rule: Rule, codes: list[str]) -> str:
    if not codes:
        return _("%(code)s: Weder Warnverhalten noch einer der erschwerenden Umstände liegt vor ⇒ %(level)s.") % {
            "code": rule.code,
            "level": rule.level_label,
        }
    return _("%(code)s: %(items)s ⇒ %(level)s.") % {
        "code": rule.code,
        "items": _labels(codes),
        "level": rule.level_label,
    }


def suggest_level(answers: Mapping) -> Suggestion:
    """The highest level of the rules that apply, with one reason per applying rule (in rule order)."""
    level, reasons, fired = LOW, [], []
    for rule in RULES:
        codes = rule.check(answers)
        if codes is None:
            continue
        level = max(level, rule.level)
        reasons.append(_reason(rule, codes))
        fired.append(rule.code)
    return Suggestion(level=int(level), reasons=reasons, rules_fired=fired)


def open_questions(answers: Mapping) -> list[Item]:
    """Items answered »unknown« (or not at all): counted as not present, to be clarified."""
    return [item for code, item in ITEMS.items() if value_of(answers, code) == Answer.UNKNOWN]


def protective_factors_present(answers: Mapping) -> list[Item]:
    """Shown beside the suggestion; they never lower it."""
    return [item for item in PROTECTIVE_FACTORS if value_of(answers, item.code) == Answer.PRESENT]

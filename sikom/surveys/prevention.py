"""Prevention potentials: documented rules from a finding of the survey to suggested measures (decision 0034).

Each rule names the figure it looks at (a result key of the report, by the bank's item keys), the threshold and its
direction, and the measures it suggests. A rule fires when the point estimate passes the threshold; the finding then
names the figure, its estimate with the 95 % interval, the threshold, and whether the whole interval lies beyond it
(»statistisch deutlich«) or only the estimate (»Hinweis«). Suppressed figures (fewer than 10 answers) fire nothing.

THE THRESHOLDS ARE STARTING VALUES, NOT FACTS: they were set for the first version so that the report has something
to say, and are for the ASSKomm team to review with their experience of the first analyses (and change here).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

THRESHOLD_NOTE = gettext_lazy(
    "Die Schwellenwerte sind Startwerte, die das ASSKomm-Team anhand der ersten Analysen prüft – keine fachlich "
    "festgelegten Grenzwerte."
)


@dataclass(frozen=True)
class Rule:
    key: str
    finding: object  # lazy German text: what the figure means when it passes the threshold
    figures: tuple[str, ...]  # result keys; the rule looks at the largest (above) or smallest (below) of them
    direction: str  # "above" | "below"
    threshold: float  # per cent
    measures: tuple  # lazy German texts


RULES = (
    Rule(
        "transport_night",
        gettext_lazy("Viele fühlen sich nachts in Bussen, Bahnen oder an Haltestellen unsicher"),
        ("sicher_orte.oepnv_nacht", "sicher_orte.haltestelle_nacht"),
        "above",
        40.0,
        (
            gettext_lazy("Beleuchtung an Haltestellen und auf den Wegen dorthin prüfen und verbessern"),
            gettext_lazy("mit dem Verkehrsunternehmen Begleitpersonal, Notrufsäulen und Takt am Abend besprechen"),
        ),
    ),
    Rule(
        "dark_neighbourhood",
        gettext_lazy("Viele fühlen sich nach Einbruch der Dunkelheit in ihrer Wohngegend unsicher"),
        ("sicher_dunkel", "sicher_orte.nacht_zentrum"),
        "above",
        30.0,
        (
            gettext_lazy("Angsträume begehen (Ortsbegehung mit Bürgerinnen und Bürgern) und umgestalten"),
            gettext_lazy("Beleuchtung und Sichtachsen verbessern"),
            gettext_lazy("sichtbare Präsenz von Polizei und kommunalem Ordnungsdienst am Abend"),
        ),
    ),
    Rule(
        "disorder",
        gettext_lazy("Verschmutzung, Schmierereien oder Vandalismus werden als deutliches Problem gesehen"),
        ("probleme.muell", "probleme.graffiti", "probleme.vandalismus", "probleme.leerstand"),
        "above",
        30.0,
        (
            gettext_lazy("Reinigung und schnelle Beseitigung von Schäden (z. B. Mängelmelder)"),
            gettext_lazy("Streifen des kommunalen Ordnungsdienstes an den genannten Orten"),
        ),
    ),
    Rule(
        "public_nuisance",
        gettext_lazy("Pöbeleien oder Alkohol- und Drogenkonsum in der Öffentlichkeit werden als Problem gesehen"),
        ("probleme.gruppen", "probleme.alkohol"),
        "above",
        30.0,
        (
            gettext_lazy("aufsuchende Sozialarbeit und Angebote für Jugendliche"),
            gettext_lazy("abgestimmte Präsenz von Ordnungsdienst und Polizei"),
        ),
    ),
    Rule(
        "cohesion",
        gettext_lazy("Der Zusammenhalt in der Nachbarschaft wird eher gering eingeschätzt"),
        ("nachbarschaft.helfen", "nachbarschaft.vertrauen"),
        "below",
        50.0,
        (
            gettext_lazy("Nachbarschaftsformate: Nachbarschaftsfeste, Quartierstreffs, Nachbarschaftshilfe"),
            gettext_lazy("Sicherheitspartnerschaften oder Nachbarschaftsnetzwerke anregen"),
        ),
    ),
    Rule(
        "police_trust",
        gettext_lazy("Das Vertrauen in die Polizei ist eher gering"),
        ("vertrauen.vertrauen",),
        "below",
        60.0,
        (
            gettext_lazy("Kontaktformate mit der Polizei: Bürgersprechstunde, Bürgerpolizist, Präsenz bei Festen"),
            gettext_lazy("Ergebnisse gemeinsam mit der Polizei öffentlich vorstellen"),
        ),
    ),
    Rule(
        "unreported",
        gettext_lazy("Viele erlebte Straftaten werden nicht angezeigt"),
        ("reporting",),
        "below",
        50.0,
        (
            gettext_lazy("über Anzeigewege informieren (Onlinewache, Opferberatung, Ansprechpartner)"),
            gettext_lazy("Opferhilfe bekannt machen"),
        ),
    ),
    Rule(
        "burglary_worry",
        gettext_lazy("Viele sorgen sich vor einem Einbruch"),
        ("sorge.einbruch",),
        "above",
        40.0,
        (gettext_lazy("Beratung zum Einbruchschutz durch die polizeiliche Beratungsstelle anbieten"),),
    ),
)


@dataclass(frozen=True)
class Finding:
    rule: Rule
    figure: str  # the result key that triggered it
    label: str  # the figure's name as the report shows it
    measure: str
    estimate: float
    low: float
    high: float
    n: int
    clear: bool  # the whole interval lies beyond the threshold

    @property
    def text(self) -> str:
        values = {
            "label": self.label,
            "measure": self.measure,
            "estimate": f"{self.estimate:.0f}",
            "low": f"{self.low:.0f}",
            "high": f"{self.high:.0f}",
            "threshold": f"{self.rule.threshold:.0f}",
        }
        if self.rule.direction == "above":
            return (
                _(
                    "»%(label)s« – %(measure)s: %(estimate)s %% (95-%%-Intervall %(low)s–%(high)s %%), über der "
                    "Schwelle von %(threshold)s %%."
                )
                % values
            )
        return (
            _(
                "»%(label)s« – %(measure)s: %(estimate)s %% (95-%%-Intervall %(low)s–%(high)s %%), unter der "
                "Schwelle von %(threshold)s %%."
            )
            % values
        )


def evaluate(report, rules=RULES) -> list[Finding]:
    """The rules that fire on the report's figures, each with the figure that triggered it."""
    findings = []
    for rule in rules:
        candidates = []
        for key in rule.figures:
            row = report.row(key)
            if row is None or row.overall.suppressed or not row.is_share:
                continue
            candidates.append((key, row))
        if not candidates:
            continue
        pick = max if rule.direction == "above" else min
        key, row = pick(candidates, key=lambda pair: pair[1].overall.estimate)
        cell = row.overall
        fired = cell.estimate > rule.threshold if rule.direction == "above" else cell.estimate < rule.threshold
        if not fired:
            continue
        clear = cell.low > rule.threshold if rule.direction == "above" else cell.high < rule.threshold
        findings.append(Finding(rule, key, row.label, row.measure, cell.estimate, cell.low, cell.high, cell.n, clear))
    return findings

"""The report of a safety analysis (issue 12, »Report«; decision 0034): weighting, estimates, domain tables,
victimisation and reporting rates, places of fear, free texts, reference values and the data export.

Data flow: the anonymous `Response.answers` of the analysis become one column per reported figure (a 0/1 column for
a share, numbers for a mean, NaN where a person gave no answer or »weiß nicht«); the weighting variables (the
questions with a `weighting_role`) are raked to population margins — entered by staff (`WeightingSetup`) or summed
from the register's kept stratum counts — starting from the design weights N_h/n_h when the sample was stratified;
`stats.estimate_many` then gives every figure overall and by age group, sex and part of town in one pass, with
standard errors by linearisation, logit intervals for shares and cells of fewer than 10 respondents suppressed.

Respondents without a usable answer to a weighting variable (or whose stratum cannot be told from their answers) are
left out of the weighted estimates; the report says how many. When the weighting fails (a margin category nobody in
the sample has), the report falls back to the design weights and shows the statistics package's German message.

Nothing here writes; the views and the PDF job decide who may see it (`selectors.analyses_visible_to`).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from sikom.surveys import bank, report_items, stats
from sikom.surveys.models import (
    AGE_GROUPS,
    QuestionType,
    RegisterExtract,
    Response,
    SafetyAnalysis,
    StratumCount,
    WeightingRole,
    WeightingSetup,
    text_in,
)

SEPARATOR = " / "  # as fieldwork.SEPARATOR: the stratum labels of the register
DOMAIN_ROLES = (WeightingRole.AGE_GROUP, WeightingRole.SEX, WeightingRole.PART_OF_TOWN)
REGISTER_ROLES = (WeightingRole.AGE_GROUP, WeightingRole.SEX, WeightingRole.PART_OF_TOWN)
RAKE_MAXIT = 50
SUPPRESS_BELOW = stats.MIN_N


def _language() -> str:
    return (translation.get_language() or "de")[:2]


# Results -----------------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One estimate for the page: in per cent for shares, as is for means; all None when suppressed."""

    kind: str
    n: int
    suppressed: bool
    estimate: float | None
    se: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, value: stats.Estimate, kind: str) -> Cell:
        """``kind`` is the figure's (a share or a mean), not the package's guess from the values: a share column
        nobody answered would otherwise count as a mean."""
        scale = 100.0 if kind == "proportion" else 1.0
        if value.suppressed or value.mean.estimate is None:
            return cls(kind, value.n, True, None, None, None, None)
        low, high = value.mean.ci
        return cls(
            kind,
            value.n,
            False,
            value.mean.estimate * scale,
            value.mean.se * scale,
            low * scale,
            high * scale,
        )

    def complement(self) -> Cell:
        """The share of the other answers (100 − p): the same standard error, the interval mirrored."""
        if self.suppressed:
            return self
        return Cell(self.kind, self.n, False, 100 - self.estimate, self.se, 100 - self.high, 100 - self.low)


@dataclass
class Row:
    """One reported figure: a share (»eher oder sehr unsicher«), the share of an option, or a mean."""

    key: str
    label: str
    measure: str  # what the share counts, e.g. »eher oder sehr unsicher«; the unit for a mean
    overall: Cell
    domains: dict[str, list[tuple[str, Cell]]] = field(default_factory=dict)

    @property
    def is_share(self) -> bool:
        return self.overall.kind == "proportion"


@dataclass
class Block:
    code: str
    title: str
    type: str
    rows: list[Row]


@dataclass
class MarginInfo:
    role: str
    label: str
    source: str  # "entered" | "register"
    totals: dict[str, float]
    labels: dict[str, str]


@dataclass
class Weighting:
    n_responses: int
    n_used: int
    design_weights: bool  # N_h/n_h from the register's strata
    margins: list[MarginInfo]
    notes: list[str]
    error: str = ""
    converged: bool | None = None
    iterations: int | None = None
    deff: float = 1.0
    n_effective: float = 0.0
    weights: np.ndarray | None = None
    used: np.ndarray | None = None  # indices of the responses in the weighted analysis
    design: stats.Design | None = None

    @property
    def n_excluded(self) -> int:
        return self.n_responses - self.n_used

    @property
    def margin_of_error(self) -> float | None:
        """Half the width of a 95 % interval for a share of 50 %, in percentage points, from the effective n."""
        if self.n_effective < 2:
            return None
        return 100 * 1.96 * math.sqrt(0.25 / self.n_effective)


@dataclass
class Reference:
    key: str
    label: str
    value: float | None
    groups: dict
    source: str
    year: int | None
    caveat: str
    own: Cell | None
    own_groups: list[tuple[str, str, Cell]]


@dataclass
class Place:
    code: str
    label: str
    count: int

    @property
    def shown(self) -> str:
        return str(self.count) if self.count >= SUPPRESS_BELOW else ""


@dataclass
class Report:
    analysis: SafetyAnalysis
    weighting: Weighting
    blocks: list[Block]
    rows: dict[str, Row]
    domain_labels: list[tuple[str, str, list[str]]]  # role, label, categories (labels) in order
    headlines: list[Row]
    places: list[Place]
    points: list[tuple[float, float]]
    place_question: str
    references: list[Reference]
    texts: list[tuple[str, list[str]]] | None
    bank_codes: dict[str, str]

    def row(self, key: str) -> Row | None:
        """A figure by its bank key (»sicher_orte.oepnv_nacht«), whatever the question's code in this analysis."""
        return self.rows.get(resolve(key, self.bank_codes))


def resolve(key: str, bank_codes: dict[str, str]) -> str:
    head, dot, rest = key.partition(".")
    return bank_codes.get(head, head) + dot + rest


# Questions and answers ---------------------------------------------------------------------------------------------


def questions_of(analysis: SafetyAnalysis) -> list:
    return list(analysis.questionnaire.questions.select_related("section").prefetch_related("options", "rows").all())


def load_answers(analysis: SafetyAnalysis) -> list[dict]:
    return list(
        Response.objects.filter(questionnaire__analysis=analysis, completed=True)
        .order_by()
        .values_list("answers", flat=True)
    )


def _valid_codes(question) -> list[str]:
    return [option.code for option in question.options.all() if not option.is_missing]


def _label(texts) -> str:
    return text_in(texts, _language())


def share_of(question) -> tuple[tuple[str, ...], str] | None:
    """Which options form the reported share of a single choice or matrix question, and its name."""
    entry = bank.item(question.bank_key) if question.bank_key else None
    if entry is not None:
        if question.bank_key in report_items.ITEM_SHARES:
            codes, name = report_items.ITEM_SHARES[question.bank_key]
            return codes, str(name)
        if "scale" in entry and entry["scale"] in report_items.SHARES:
            codes, name = report_items.SHARES[entry["scale"]]
            return codes, str(name)
    if question.type == QuestionType.MATRIX:
        options = [option for option in question.options.all() if not option.is_missing]
        upper = options[len(options) - len(options) // 2 :] if len(options) > 1 else options
        return tuple(option.code for option in upper), _(" oder ").join(f"»{_label(o.label)}«" for o in upper)
    return None


def _share_column(answers: list, codes, valid) -> np.ndarray:
    valid, codes = set(valid), set(codes)
    return np.fromiter(
        (
            (1.0 if value in codes else 0.0) if isinstance(value, str) and value in valid else math.nan
            for value in answers
        ),
        dtype=float,
        count=len(answers),
    )


def _columns(questions, answers: list[dict]) -> tuple[dict[str, np.ndarray], list[tuple[str, list[tuple]]]]:
    """Every reported figure as a column, and the blocks: (question, [(key, label, measure)])."""
    columns: dict[str, np.ndarray] = {}
    layout: list = []
    for question in questions:
        code = question.code
        values = [a.get(code) for a in answers]
        entries = []
        if question.type == QuestionType.SINGLE:
            valid = _valid_codes(question)
            share = None if question.weighting_role else share_of(question)
            if share is not None:
                columns[code] = _share_column(values, share[0], valid)
                entries.append((code, _label(question.text), share[1]))
            else:
                for option in question.options.all():
                    if option.is_missing:
                        continue
                    key = f"{code}:{option.code}"
                    columns[key] = _share_column(values, (option.code,), valid)
                    entries.append((key, _label(option.label), _("Anteil")))
        elif question.type == QuestionType.MATRIX:
            valid = _valid_codes(question)
            share = share_of(question)
            for matrix_row in question.rows.all():
                key = f"{code}.{matrix_row.code}"
                cells = [v.get(matrix_row.code) if isinstance(v, dict) else None for v in values]
                columns[key] = _share_column(cells, share[0], valid)
                entries.append((key, _label(matrix_row.label), share[1]))
        elif question.type == QuestionType.MULTIPLE:
            answered = [isinstance(v, list) and bool(v) for v in values]
            if question.bank_key == report_items.VICTIM_ITEM:
                none = report_items.VICTIM_NONE
                columns["victimisation"] = np.array(
                    [
                        (1.0 if any(c != none for c in v) else 0.0) if ok else math.nan
                        for v, ok in zip(values, answered, strict=True)
                    ]
                )
                entries.append(("victimisation", _("Opfer mindestens einer Straftat"), _("Anteil")))
            for option in question.options.all():
                if option.is_missing or option.exclusive:
                    continue
                key = f"{code}:{option.code}"
                columns[key] = np.array(
                    [
                        (1.0 if option.code in v else 0.0) if ok else math.nan
                        for v, ok in zip(values, answered, strict=True)
                    ]
                )
                entries.append((key, _label(option.label), _("Anteil")))
        elif question.type == QuestionType.NUMBER:
            columns[code] = np.array(
                [float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan for v in values]
            )
            entries.append((code, _label(question.text), _("Mittelwert")))
        if question.bank_key == report_items.REPORTING_ITEM and question.type == QuestionType.SINGLE:
            columns["reporting"] = _share_column(values, report_items.REPORTED_CODES, _valid_codes(question))
            entries.insert(0, ("reporting", _("Anzeigequote: der Polizei ganz oder teilweise gemeldet"), _("Anteil")))
        if entries:
            layout.append((question, entries))
    return columns, layout


# Weighting ---------------------------------------------------------------------------------------------------------


def _option_for(question, value: str) -> str | None:
    """The option code a register value means: the code itself or an option's German label (case ignored)."""
    value = (value or "").strip()
    wanted = value.casefold()
    for option in question.options.all():
        if option.is_missing:
            continue
        if option.code == value or text_in(option.label, "de").strip().casefold() == wanted:
            return option.code
    return None


def register_margins(analysis: SafetyAnalysis, roles: dict) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Population margins summed over the register's kept stratum counts, for the weighting variables the strata
    carry and whose values match the question's options; notes on those that do not."""
    counts = list(StratumCount.objects.filter(analysis=analysis))
    margins: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    if not counts:
        return margins, notes
    for role in REGISTER_ROLES:
        question = roles.get(role.value)
        values = [getattr(count, role.value) for count in counts]
        if question is None or not all(values):
            continue
        totals: Counter = Counter()
        unmatched = set()
        for count, value in zip(counts, values, strict=True):
            code = _option_for(question, value)
            if code is None:
                unmatched.add(value)
            else:
                totals[code] += count.population
        if unmatched:
            notes.append(
                _(
                    "%(variable)s: Die Werte %(values)s aus dem Melderegister passen zu keiner Antwort der Frage "
                    "»%(code)s«; bitte die Randverteilung eintragen."
                )
                % {
                    "variable": role.label,
                    "values": ", ".join(f"»{v}«" for v in sorted(unmatched)),
                    "code": question.code,
                }
            )
            continue
        margins[role.value] = {code: float(n) for code, n in totals.items()}
    return margins, notes


def _strata(analysis: SafetyAnalysis, roles: dict, answers: list[dict]):
    """Stratum label and N_h of each respondent, from their answers to the strata variables; None if the sample was
    not stratified by variables the questionnaire asks (or they cannot be matched)."""
    extract = RegisterExtract.objects.filter(analysis=analysis).first()
    counts = {count.stratum: count for count in StratumCount.objects.filter(analysis=analysis, sample__gt=0)}
    if extract is None or not extract.strata_by or not counts:
        return None
    reverse: dict[str, dict[str, str]] = {}
    for variable in extract.strata_by:
        question = roles.get(variable)
        if question is None:
            return None
        mapping = {}
        for count in counts.values():
            value = getattr(count, variable)
            code = _option_for(question, value)
            if code is None:
                return None
            mapping[code] = value
        reverse[variable] = mapping
    labels, sizes = [], []
    for answer in answers:
        parts = []
        for variable in extract.strata_by:
            value = reverse[variable].get(answer.get(roles[variable].code))
            parts.append(value)
        label = SEPARATOR.join(parts) if all(parts) else None
        count = counts.get(label) if label else None
        labels.append(label if count else None)
        sizes.append(count.population if count else None)
    return labels, sizes


def weigh(analysis: SafetyAnalysis, questions, answers: list[dict]) -> Weighting:
    roles = {q.weighting_role: q for q in questions if q.weighting_role}
    setup = WeightingSetup.objects.filter(analysis=analysis).first()
    entered = (setup.margins if setup else {}) or {}
    from_register, notes = register_margins(analysis, roles)
    margins: dict[str, dict[str, float]] = {}
    infos: list[MarginInfo] = []
    for role in WeightingRole:
        if not role.value or role.value not in roles:
            continue
        question = roles[role.value]
        table, source = (entered.get(role.value), "entered") if entered.get(role.value) else (None, "")
        if table is None and role.value in from_register:
            table, source = from_register[role.value], "register"
        if table:
            margins[role.value] = table
            labels = {o.code: _label(o.label) for o in question.options.all()}
            infos.append(MarginInfo(role.value, str(role.label), source, table, labels))
    n = len(answers)
    use_strata = setup.use_design_weights if setup else True
    strata = _strata(analysis, roles, answers) if use_strata else None
    keep = np.ones(n, dtype=bool)
    data = {}
    for role, table in margins.items():
        code = roles[role].code
        values = [a.get(code) if a.get(code) in table else "" for a in answers]
        data[role] = values
        keep &= np.array([value != "" for value in values], dtype=bool)
    if strata is not None:
        keep &= np.array([label is not None for label in strata[0]], dtype=bool)
    used = np.flatnonzero(keep)
    result = Weighting(n_responses=n, n_used=len(used), design_weights=strata is not None, margins=infos, notes=notes)
    if len(used) < 2:
        result.used = np.arange(n)
        result.n_used = n
        result.margins, result.design_weights = [], False
        result.weights = np.ones(n)
        if margins or strata is not None:
            result.error = _(
                "Zu wenige Antworten mit Angaben zu den Gewichtungsmerkmalen; die Ergebnisse sind ungewichtet."
            )
        result.deff, result.n_effective = (1.0, float(n))
        if n >= 2:
            result.design = stats.make_design(n)
        return result
    try:
        if strata is not None:
            design = stats.make_design(strata=[strata[0][i] for i in used], fpc=[strata[1][i] for i in used])
        else:
            design = stats.make_design(len(used))
    except stats.SurveyStatsError as error:
        design = stats.make_design(len(used))
        result.design_weights = False
        result.error = str(error)
    if margins:
        try:
            raked = stats.rake(
                design, {role: [values[i] for i in used] for role, values in data.items()}, margins, maxit=RAKE_MAXIT
            )
        except stats.SurveyStatsError as error:
            result.error = str(error)
        else:
            design = raked
            record = raked.calibrations[-1]
            result.converged, result.iterations = record.converged, record.iterations
    result.design = design
    result.used = used
    result.weights = design.weights
    result.deff, result.n_effective = stats.kish(design.weights)
    return result


# The report --------------------------------------------------------------------------------------------------------


def _domain_order(role: str, question) -> list[str]:
    codes = _valid_codes(question)
    if role == WeightingRole.AGE_GROUP:
        codes.sort(key=lambda c: AGE_GROUPS.index(c) if c in AGE_GROUPS else len(AGE_GROUPS))
    return codes


def build(
    analysis: SafetyAnalysis,
    *,
    include_texts: bool = False,
    progress: Callable[[int], None] | None = None,
    answers: list[dict] | None = None,
) -> Report:
    """Everything the report shows. ``progress`` is called with 1 (data read), 2 (weighted), 3 (estimated)."""
    tick = progress or (lambda done: None)
    questions = questions_of(analysis)
    if answers is None:
        answers = load_answers(analysis)
    tick(1)
    weighting = weigh(analysis, questions, answers)
    tick(2)
    bank_codes = {q.bank_key: q.code for q in questions if q.bank_key}
    columns, layout = _columns(questions, answers)
    used = weighting.used
    roles = {q.weighting_role: q for q in questions if q.weighting_role}
    domain_labels, by = [], {}
    for role in DOMAIN_ROLES:
        question = roles.get(role.value)
        if question is None:
            continue
        order = _domain_order(role.value, question)
        labels = {o.code: _label(o.label) for o in question.options.all()}
        domain_labels.append((role.value, str(role.label), [labels[c] for c in order]))
        values = [answers[i].get(question.code) for i in used]
        by[role.value] = [v if v in labels and v in order else None for v in values]
    rows: dict[str, Row] = {}
    design = weighting.design
    if columns and len(used) >= 2 and design is not None:
        variables = {key: column[used] for key, column in columns.items()}
        results = stats.estimate_many(design, variables, by=by)
    else:
        results = {}
    tick(3)
    blocks = []
    for question, entries in layout:
        block_rows = []
        for key, label, measure in entries:
            result = results.get(key)
            kind = "mean" if question.type == QuestionType.NUMBER and key == question.code else "proportion"
            if result is None:
                overall = Cell(kind, 0, True, None, None, None, None)
                domains = {}
            else:
                overall = Cell.of(result["overall"], kind)
                domains = {}
                for role, role_label, _categories in domain_labels:
                    question_for_role = roles[role]
                    codes = _domain_order(role, question_for_role)
                    found = result["by"].get(role, {})
                    labels = {o.code: _label(o.label) for o in question_for_role.options.all()}
                    domains[role] = [
                        (labels[c], Cell.of(found[c], kind) if c in found else Cell(kind, 0, True, *[None] * 4))
                        for c in codes
                    ]
                    del role_label
            row = Row(key=key, label=label, measure=str(measure), overall=overall, domains=domains)
            rows[key] = row
            block_rows.append(row)
        blocks.append(Block(question.code, _label(question.text), question.type, block_rows))
    headlines = [row for key in report_items.HEADLINES if (row := rows.get(resolve(key, bank_codes)))]
    places, points, place_question = _places(questions, answers)
    return Report(
        analysis=analysis,
        weighting=weighting,
        blocks=blocks,
        rows=rows,
        domain_labels=domain_labels,
        headlines=headlines,
        places=places,
        points=points,
        place_question=place_question,
        references=_references(rows, bank_codes, roles),
        texts=free_texts(analysis, questions) if include_texts else None,
        bank_codes=bank_codes,
    )


def _places(questions, answers):
    for question in questions:
        if question.type != QuestionType.PLACE:
            continue
        counts: Counter = Counter()
        points = []
        for answer in answers:
            value = answer.get(question.code)
            if isinstance(value, str):
                counts[value] += 1
            elif isinstance(value, dict):
                try:
                    points.append((float(value["lat"]), float(value["lon"])))
                except (KeyError, TypeError, ValueError):
                    continue
        places = [
            Place(option.code, _label(option.label), counts.get(option.code, 0)) for option in question.options.all()
        ]
        places.sort(key=lambda place: -place.count)
        return places, points, _label(question.text)
    return [], [], ""


def _references(rows: dict[str, Row], bank_codes, roles) -> list[Reference]:
    sex = roles.get(WeightingRole.SEX.value)
    sex_labels = {o.code: _label(o.label) for o in sex.options.all()} if sex else {}
    out = []
    for entry in report_items.REFERENCES:
        row = rows.get(resolve(entry["key"], bank_codes))
        own = row.overall if row else None
        groups = []
        if row is not None:
            for code, value in entry["groups"].items():
                cells = dict(row.domains.get(WeightingRole.SEX.value, []))
                cell = cells.get(sex_labels.get(code, ""))
                if cell is not None:
                    groups.append((sex_labels.get(code, code), value, cell))
        if entry["measure"] == "safe":
            own = own.complement() if own else None
            groups = [(label, value, cell.complement()) for label, value, cell in groups]
        out.append(
            Reference(
                key=entry["key"],
                label=str(entry["label"]),
                value=entry["value"],
                groups=entry["groups"],
                source=str(entry["source"]),
                year=entry["year"],
                caveat=str(entry["caveat"]),
                own=own,
                own_groups=groups,
            )
        )
    return out


def free_texts(analysis: SafetyAnalysis, questions=None) -> list[tuple[str, list[str]]]:
    """The free-text answers by question, in random order (staff only; never in public exports)."""
    questions = questions if questions is not None else questions_of(analysis)
    texts_by_code: dict[str, list[str]] = {q.code: [] for q in questions if q.type == QuestionType.TEXT}
    for texts in Response.objects.filter(questionnaire__analysis=analysis).order_by().values_list("texts", flat=True):
        for code, text in (texts or {}).items():
            if code in texts_by_code and isinstance(text, str) and text.strip():
                texts_by_code[code].append(text.strip())
    rng = random.SystemRandom()
    out = []
    for question in questions:
        if texts_by_code.get(question.code):
            items = texts_by_code[question.code]
            rng.shuffle(items)
            out.append((_label(question.text), items))
    return out


# Codebook and data export ------------------------------------------------------------------------------------------


def export_columns(questions) -> list[tuple[str, object, str, str]]:
    """(column name, getter(answers) -> value, question text, values) for every exported variable."""
    out = []
    for question in questions:
        code, text = question.code, _label(question.text)
        values = "; ".join(f"{o.code} = {_label(o.label)}" for o in question.options.all())
        if question.type in (QuestionType.SINGLE,):
            out.append((code, lambda a, c=code: a.get(c, ""), text, values))
        elif question.type == QuestionType.MATRIX:
            for row in question.rows.all():
                out.append(
                    (
                        f"{code}_{row.code}",
                        lambda a, c=code, r=row.code: (a.get(c) or {}).get(r, "") if isinstance(a.get(c), dict) else "",
                        f"{text} – {_label(row.label)}",
                        values,
                    )
                )
        elif question.type == QuestionType.MULTIPLE:
            for option in question.options.all():
                out.append(
                    (
                        f"{code}_{option.code}",
                        lambda a, c=code, o=option.code: (
                            (1 if o in a[c] else 0) if isinstance(a.get(c), list) and a.get(c) else ""
                        ),
                        f"{text} – {_label(option.label)}",
                        _("1 = genannt; 0 = nicht genannt; leer = Frage nicht beantwortet"),
                    )
                )
        elif question.type == QuestionType.NUMBER:
            out.append((code, lambda a, c=code: a.get(c, ""), text, _("Zahl")))
        elif question.type == QuestionType.PLACE:
            out.append((code, lambda a, c=code: a.get(c) if isinstance(a.get(c), str) else "", text, values))
            out.append(
                (
                    f"{code}_lat",
                    lambda a, c=code: a[c].get("lat", "") if isinstance(a.get(c), dict) else "",
                    f"{text} – {_('Breitengrad')}",
                    _("Zahl"),
                )
            )
            out.append(
                (
                    f"{code}_lon",
                    lambda a, c=code: a[c].get("lon", "") if isinstance(a.get(c), dict) else "",
                    f"{text} – {_('Längengrad')}",
                    _("Zahl"),
                )
            )
    return out


def codebook(analysis: SafetyAnalysis) -> tuple[list[str], list[list]]:
    questions = questions_of(analysis)
    header = [_("Variable"), _("Frage"), _("Werte")]
    rows = [["gewicht", _("Gewicht nach Schichtung und Anpassung an die Randverteilungen"), _("Zahl")]]
    rows += [[name, text, values] for name, _getter, text, values in export_columns(questions)]
    rows += [
        [q.code, _label(q.text), _("Freitext (nur auf ausdrücklichen Wunsch exportiert)")]
        for q in questions
        if q.type == QuestionType.TEXT
    ]
    return header, rows


def data_rows(analysis: SafetyAnalysis, *, include_texts: bool) -> tuple[list[str], list[list]]:
    """One row per anonymous response in random order, with its weight (empty: left out of the weighted estimates);
    free texts only when asked for."""
    questions = questions_of(analysis)
    records = list(
        Response.objects.filter(questionnaire__analysis=analysis, completed=True)
        .order_by()
        .values_list("answers", "texts" if include_texts else "is_demo")
    )
    answers = [record[0] for record in records]
    weighting = weigh(analysis, questions, answers)
    weights: list = [""] * len(answers)
    for position, index in enumerate(weighting.used):
        weights[index] = round(float(weighting.weights[position]), 6)
    columns = export_columns(questions)
    text_codes = [q.code for q in questions if q.type == QuestionType.TEXT] if include_texts else []
    header = ["gewicht", *[name for name, *_rest in columns], *text_codes]
    order = list(range(len(records)))
    random.SystemRandom().shuffle(order)
    rows = []
    for index in order:
        answer = answers[index]
        row = [weights[index], *[getter(answer) for _name, getter, *_rest in columns]]
        if include_texts:
            texts = records[index][1] or {}
            row += [texts.get(code, "") for code in text_codes]
        rows.append(row)
    return header, rows

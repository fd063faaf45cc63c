"""The rules of a call applied to an application's plan: each violation names its rule and the field it concerns, so
the form shows it where the applicant can fix it. Pure functions on plain data (no database), used by the forms
(at the field) and by the submission service (which refuses whatever the form missed).

Two levels (decision 0036): a draft must be well-formed and keep the per-line rules (eligible category, year within
the period, staff cost cap); the whole plan (balance, funding rate, own share) and completeness (attachments,
consultation, declarations, description) are required for submission."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from sikom.funding.models import APPLICATION_STEPS, BECCARIA_STEPS, OwnFundKind
from sikom.funding.money import MAX_AMOUNT, TOO_LARGE, ZERO, format_money, percent_of


@dataclass(frozen=True)
class Line:
    category_id: int
    year: int
    amount: Decimal
    pay_grade: str = ""
    description: str = ""


@dataclass(frozen=True)
class Own:
    kind: str
    amount: Decimal
    hours: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class Plan:
    starts_on: date
    ends_on: date
    lines: tuple[Line, ...]
    own: tuple[Own, ...]
    third_party: tuple[Decimal, ...]
    requested: Decimal
    fixed_amount: bool = False

    @property
    def total_costs(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def own_total(self) -> Decimal:
        return sum((own.amount for own in self.own), ZERO)

    @property
    def third_party_total(self) -> Decimal:
        return sum(self.third_party, ZERO)

    def costs_by_year(self) -> dict[int, Decimal]:
        years: dict[int, Decimal] = {}
        for line in self.lines:
            years[line.year] = years.get(line.year, ZERO) + line.amount
        return years


@dataclass(frozen=True)
class Violation:
    # "starts_on", "requested", "line:<index>:category", "own:<index>:kind", "own", "attachment:<pk>", …
    field: str
    message: str


@dataclass
class CallRules:
    """The call's rules as plain data (built from the Call by ``call_rules``)."""

    period_start: date
    period_end: date
    max_funding_rate: Decimal
    min_own_share: Decimal
    fixed_amount_allowed: bool
    in_kind_hourly_rate: Decimal
    consultation_required: bool
    categories: dict[int, tuple[str, bool, bool]] = field(default_factory=dict)  # pk: (name, eligible, is_staff)
    staff_caps: dict[str, Decimal] = field(default_factory=dict)  # normalised pay grade: cap per year
    required_attachments: dict[int, str] = field(default_factory=dict)


def normal_grade(text: str) -> str:
    return "".join(text.split()).upper()


def call_rules(call) -> CallRules:
    return CallRules(
        period_start=call.period_start,
        period_end=call.period_end,
        max_funding_rate=call.max_funding_rate,
        min_own_share=call.min_own_share,
        fixed_amount_allowed=call.fixed_amount_allowed,
        in_kind_hourly_rate=call.in_kind_hourly_rate,
        consultation_required=call.consultation_required,
        categories={c.pk: (c.name, c.eligible, c.is_staff) for c in call.categories.all()},
        staff_caps={normal_grade(cap.pay_grade): cap.max_per_year for cap in call.staff_caps.all()},
        required_attachments={a.pk: a.name for a in call.required_attachments.all()},
    )


def _euro(amount: Decimal) -> str:
    return f"{format_money(amount)} €"


def _percent(value: Decimal) -> str:
    return format_money(value).replace(",00", "") + " %"


def draft_violations(rules: CallRules, plan: Plan) -> list[Violation]:
    """What even a draft must keep: the period within the call's, each cost line allowed."""
    found: list[Violation] = []
    if plan.starts_on < rules.period_start:
        found.append(
            Violation(
                "starts_on",
                _("Regel »Förderzeitraum«: Das Projekt darf frühestens am %(day)s beginnen.")
                % {"day": f"{rules.period_start:%d.%m.%Y}"},
            )
        )
    if plan.ends_on > rules.period_end:
        found.append(
            Violation(
                "ends_on",
                _("Regel »Förderzeitraum«: Das Projekt muss spätestens am %(day)s enden.")
                % {"day": f"{rules.period_end:%d.%m.%Y}"},
            )
        )
    if plan.ends_on < plan.starts_on:
        found.append(Violation("ends_on", _("Das Projektende liegt vor dem Projektbeginn.")))
    years = range(plan.starts_on.year, plan.ends_on.year + 1)
    staff_by_grade_year: dict[tuple[str, int], Decimal] = {}
    for index, line in enumerate(plan.lines):
        name, eligible, is_staff = rules.categories.get(line.category_id, ("?", False, False))
        if not eligible:
            found.append(
                Violation(
                    f"line:{index}:category",
                    _("Regel »Förderfähige Kosten«: Die Kostenart »%(name)s« ist in diesem Aufruf nicht förderfähig.")
                    % {"name": name},
                )
            )
        if line.year not in years:
            found.append(
                Violation(
                    f"line:{index}:year",
                    _("Regel »Förderzeitraum«: Das Jahr %(year)s liegt nicht im Projektzeitraum.")
                    % {"year": line.year},
                )
            )
        if is_staff and rules.staff_caps:
            grade = normal_grade(line.pay_grade)
            if grade not in rules.staff_caps:
                found.append(
                    Violation(
                        f"line:{index}:pay_grade",
                        _(
                            "Regel »Personalkosten«: Bitte geben Sie eine der Entgeltgruppen des Aufrufs an (%(grades)s)."
                        )
                        % {"grades": ", ".join(sorted(rules.staff_caps))},
                    )
                )
            else:
                key = (grade, line.year)
                staff_by_grade_year[key] = staff_by_grade_year.get(key, ZERO) + line.amount
                if staff_by_grade_year[key] > rules.staff_caps[grade]:
                    found.append(
                        Violation(
                            f"line:{index}:amount",
                            _(
                                "Regel »Personalkosten-Höchstbetrag«: Für %(grade)s sind je Jahr höchstens "
                                "%(cap)s förderfähig (im Jahr %(year)s jetzt %(sum)s)."
                            )
                            % {
                                "grade": grade,
                                "cap": _euro(rules.staff_caps[grade]),
                                "year": line.year,
                                "sum": _euro(staff_by_grade_year[key]),
                            },
                        )
                    )
    for index, own in enumerate(plan.own):
        if own.amount > MAX_AMOUNT:
            found.append(Violation(f"own:{index}:hours", str(TOO_LARGE)))
        if own.kind == OwnFundKind.STAFF_TIME and not rules.in_kind_hourly_rate:
            found.append(
                Violation(
                    f"own:{index}:kind",
                    _(
                        "Regel »Eigenleistungen«: Eigene Personalleistungen werden in diesem Aufruf nicht als Eigenanteil anerkannt."
                    ),
                )
            )
    if plan.fixed_amount and not rules.fixed_amount_allowed:
        found.append(
            Violation(
                "fixed_amount", _("Regel »Finanzierungsart«: Dieser Aufruf sieht keine Festbetragsfinanzierung vor.")
            )
        )
    return found


def plan_violations(rules: CallRules, plan: Plan) -> list[Violation]:
    """The whole plan as submission needs it: costs, balance to the cent, funding rate and own share."""
    found = draft_violations(rules, plan)
    costs = plan.total_costs
    if not plan.lines or not costs:
        found.append(Violation("lines", _("Bitte tragen Sie mindestens eine Kostenposition mit einem Betrag ein.")))
        return found
    if plan.requested <= 0:
        found.append(Violation("requested", _("Bitte geben Sie die beantragte Förderung an.")))
    financed = plan.own_total + plan.third_party_total + plan.requested
    if financed != costs:
        found.append(
            Violation(
                "requested",
                (
                    _(
                        "Regel »Ausgeglichener Finanzierungsplan«: Die Kosten (%(costs)s) müssen genau gedeckt sein "
                        "durch Eigenanteil (%(own)s), Drittmittel (%(third)s) und beantragte Förderung "
                        "(%(requested)s); es fehlen %(difference)s."
                    )
                    if financed < costs
                    else _(
                        "Regel »Ausgeglichener Finanzierungsplan«: Die Kosten (%(costs)s) müssen genau gedeckt sein "
                        "durch Eigenanteil (%(own)s), Drittmittel (%(third)s) und beantragte Förderung "
                        "(%(requested)s); es sind %(difference)s zu viel."
                    )
                )
                % {
                    "costs": _euro(costs),
                    "own": _euro(plan.own_total),
                    "third": _euro(plan.third_party_total),
                    "requested": _euro(plan.requested),
                    "difference": _euro(abs(costs - financed)),
                },
            )
        )
    if not plan.fixed_amount:
        rate = percent_of(plan.requested, costs)
        if rate > rules.max_funding_rate:
            found.append(
                Violation(
                    "requested",
                    _(
                        "Regel »Höchster Fördersatz«: Die beantragte Förderung beträgt %(rate)s der förderfähigen "
                        "Kosten; dieser Aufruf erlaubt höchstens %(limit)s (%(amount)s)."
                    )
                    % {
                        "rate": _percent(rate),
                        "limit": _percent(rules.max_funding_rate),
                        "amount": _euro((costs * rules.max_funding_rate / 100).quantize(Decimal("0.01"), "ROUND_DOWN")),
                    },
                )
            )
    own_share = percent_of(plan.own_total, costs)
    if own_share < rules.min_own_share:
        found.append(
            Violation(
                "own",
                _(
                    "Regel »Mindest-Eigenanteil«: Der Eigenanteil beträgt %(share)s der Kosten; nötig sind "
                    "mindestens %(minimum)s."
                )
                % {"share": _percent(own_share), "minimum": _percent(rules.min_own_share)},
            )
        )
    return found


@dataclass(frozen=True)
class Completeness:
    steps: dict[int, str]
    target_groups: str
    attachments: frozenset[int]  # pks of the required attachments uploaded
    has_consultation_record: bool
    consultation_date: date | None
    consultation_topic: str
    declarations: tuple[bool, ...]


def completeness_violations(rules: CallRules, state: Completeness) -> list[Violation]:
    found: list[Violation] = []
    for number in APPLICATION_STEPS:
        if not state.steps.get(number, "").strip():
            found.append(
                Violation(
                    f"step_{number}",
                    _("Bitte beschreiben Sie den Qualitätsschritt »%(step)s«.") % {"step": BECCARIA_STEPS[number]},
                )
            )
    if not state.target_groups.strip():
        found.append(Violation("target_groups", _("Bitte nennen Sie die Zielgruppen.")))
    for pk, name in rules.required_attachments.items():
        if pk not in state.attachments:
            found.append(
                Violation(
                    f"attachment:{pk}",
                    _("Regel »Pflichtanlagen«: Die Anlage »%(name)s« fehlt.") % {"name": name},
                )
            )
    if rules.consultation_required and not state.has_consultation_record:
        if state.consultation_date is None:
            found.append(
                Violation(
                    "consultation_date",
                    _(
                        "Regel »Vorherige Beratung«: Dieser Aufruf verlangt eine Beratung durch den "
                        "Landespräventionsrat vor dem Antrag. Bitte geben Sie Datum und Thema der Beratung an."
                    ),
                )
            )
        if not state.consultation_topic.strip():
            found.append(
                Violation(
                    "consultation_topic", _("Regel »Vorherige Beratung«: Bitte nennen Sie das Thema der Beratung.")
                )
            )
    if not all(state.declarations):
        found.append(Violation("declarations", _("Bitte bestätigen Sie die Erklärungen.")))
    return found

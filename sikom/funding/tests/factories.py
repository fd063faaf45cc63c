"""Calls and applications for the tests, built through the services like real ones."""

from datetime import date
from decimal import Decimal

from sikom import testing
from sikom.funding import services
from sikom.funding.models import Call, CallBudget, CostCategory, RequiredAttachment, ReviewCriterion, StaffCostCap
from sikom.funding.services import PlanInput
from sikom.geo.models import Municipality

TODAY = date(2026, 9, 15)
YEAR = 2027
PIRNA = "14628270"
DRESDEN = "14612000"


def make_call(*, budget: Decimal | dict = Decimal("100000.00"), attachments: int = 0, **fields) -> Call:
    values = {
        "title": "Förderaufruf Test",
        "year": YEAR,
        "opens_on": date(2026, 8, 31),
        "closes_on": date(2026, 10, 15),
        "period_start": date(YEAR, 1, 1),
        "period_end": date(YEAR, 12, 31),
        "max_funding_rate": Decimal("90"),
        "min_own_share": Decimal("10"),
        "consultation_required": True,
        "rules_source": "Testrichtlinie",
        "is_published": True,
    } | fields
    call = Call.objects.create(**values)
    budgets = budget if isinstance(budget, dict) else {call.year: budget}
    for year, amount in budgets.items():
        CallBudget.objects.create(call=call, year=year, amount=amount)
    CostCategory.objects.create(call=call, name="Honorare", eligible=True)
    CostCategory.objects.create(call=call, name="Personal", eligible=True, is_staff=True)
    CostCategory.objects.create(call=call, name="Investitionen", eligible=False)
    StaffCostCap.objects.create(call=call, pay_grade="E 9b", max_per_year=Decimal("50000.00"))
    for n in range(attachments):
        RequiredAttachment.objects.create(call=call, name=f"Anlage {n + 1}")
    ReviewCriterion.objects.create(call=call, name="Problembezug", weight=60, max_points=5)
    ReviewCriterion.objects.create(call=call, name="Umsetzbarkeit", weight=40, max_points=5)
    return call


def category(call: Call, name: str = "Honorare") -> CostCategory:
    return call.categories.get(name=name)


def plan(call: Call, *, costs: Decimal = Decimal("10000.00"), own: Decimal = Decimal("1000.00"), years=None):
    years = years or {call.year: costs}
    return PlanInput(
        lines=[
            {"category": category(call), "year": year, "description": "Honorare", "amount": amount}
            for year, amount in years.items()
        ],
        own=[{"kind": "money", "description": "Haushalt", "amount": own}],
        third_party=[],
    )


def fields(call: Call, **overrides) -> dict:
    return {
        "applicant": "Stadt Pirna",
        "title": "Sicher im Quartier",
        "starts_on": call.period_start,
        "ends_on": call.period_end,
        "target_groups": "Bewohner",
        **{f"step_{n}": f"Schritt {n}" for n in range(1, 6)},
        "requested": Decimal("9000.00"),
        "consultation_date": date(2026, 7, 1),
        "consultation_topic": "Förderberatung",
        "declaration_truthful": True,
        "declaration_not_started": True,
    } | overrides


def make_application(call: Call, *, by=None, ags: str = PIRNA, submit: bool = True, costs=None, requested=None, **kw):
    costs = costs or Decimal("10000.00")
    requested = requested if requested is not None else (costs * Decimal("0.9")).quantize(Decimal("0.01"))
    years = kw.pop("years", None)
    application = services.save_application(
        by=by,
        call=call,
        municipality=Municipality.objects.get(ags=ags),
        fields=fields(call, requested=requested, **kw),
        plan=plan(call, costs=costs, own=costs - requested, years=years),
    )
    if submit:
        application = services.submit(application=application, by=by, today=TODAY)
    return application


def reviewer(n: int = 0):
    from sikom.accounts.models import OrganisationType

    return testing.make_user(organisation=testing.organisation_of(OrganisationType.ASSKOMM))


def in_review(call: Call, *, by, **kw):
    application = make_application(call, by=None, **kw)
    return services.start_review(application=application, by=by)


def reviewed(call: Call, *, reviewer_user, staff, **kw):
    application = in_review(call, by=staff, **kw)
    criteria = {c.pk: 4 for c in call.criteria.all()}
    services.save_review(application=application, by=reviewer_user, scores=criteria, recommendation="")
    return application

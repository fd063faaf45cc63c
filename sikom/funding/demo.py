"""Demo funding calls (only in the demo set-up; every call marked as demo values).

The rules are those publicly known of the guideline »Kommunale Prävention« as the issue names them: a funding rate of
at most 90 %, at least 10 % own share, no investment costs, a prior consultation by the Landespräventionsrat,
applications between 31 August and 15 October for the following year, a project description along the Beccaria
quality steps. They are to be checked against the guideline in force; the call says so on its page. The budget:
the state provided 2.6 million euros for 2019 and 2020 at the alliance's start (seed 004); the demo call's budget
is that figure halved for one year, marked as a demo value, not a known budget. Staff caps, hourly rate, criteria
and small-project threshold are not public: left at 0 or named as placeholders for the operators to fill in.

A second call (»Übungsaufruf«) has its window open around the day the demo is loaded, so that a demo municipality
can try the application; it says so too.

Every later step is shown on two more demo applications of the demo municipality (Pirna, the »kommune« login), made
through the services so that the budget ledger, the history, the audit trail and the notices are real: one approved
in part with conditions, a paid payment request and a closed proof of use with a repayment claim for the unspent
amount; one rejected with reasons. Four eyes as in real life: the »expertennetzwerk« login is assigned and scores,
the »asskomm« login decides. Without these logins (the loader run on its own) the steps are left out.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from sikom.accounts.models import User
from sikom.funding import services
from sikom.funding.models import Application, Call, CallBudget, CostCategory, RequiredAttachment, ReviewCriterion
from sikom.funding.money import format_money
from sikom.funding.services import DEFAULT_LETTER, PlanInput
from sikom.geo.models import Municipality

MARK = "[Demo]"
SOURCE = (
    "[Demo-Werte] Richtlinie »Kommunale Prävention« des Freistaates Sachsen, nach öffentlich bekanntem Stand "
    "(Landesstrategie ASSKomm, Quelle: Webseite der Allianz Sichere Sächsische Kommunen; Pressemitteilung zum Auftakt "
    "der ASSKomm: 2,6 Mio. Euro für 2019 und 2020). Vor Verwendung mit der geltenden Fassung der Richtlinie "
    "abzugleichen; Fundstelle durch die Förderstelle einzutragen."
)
CATEGORIES = [
    ("Personalausgaben", True, True, ""),
    ("Honorare und Sachverständige", True, False, ""),
    ("Sachausgaben (Material, Druck, Miete)", True, False, ""),
    ("Öffentlichkeitsarbeit", True, False, ""),
    ("Investitionen", False, False, "nach der Richtlinie nicht förderfähig"),
]
ATTACHMENTS = [
    ("Projektskizze", "Projektbeschreibung mit Zeitplan (PDF)"),
    ("Beschluss oder Zustimmung der Gemeinde", "z. B. Beschluss des Gemeinderats (PDF)"),
]
CRITERIA = [
    ("Problembezug und Analyse (Beccaria-Schritte 1–2)", 30),
    ("Ziele, Zielgruppen und Maßnahmen (Schritte 3–4)", 30),
    ("Umsetzbarkeit und Evaluation (Schritte 5–6)", 25),
    ("Vernetzung und Nachhaltigkeit", 15),
]


def _call(*, title: str, year: int, opens: date, closes: date, budget: Decimal, summary: str) -> Call:
    call = Call.objects.create(
        title=title,
        year=year,
        summary=summary,
        opens_on=opens,
        closes_on=closes,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        max_funding_rate=Decimal("90"),
        min_own_share=Decimal("10"),
        consultation_required=True,
        fixed_amount_allowed=False,
        small_project_threshold=Decimal("0.00"),
        in_kind_hourly_rate=Decimal("0.00"),
        in_kind_rules="[Demo] Bewertungsregeln für Sach- und Eigenleistungen durch die Förderstelle einzutragen.",
        rules_source=SOURCE,
        is_demo=True,
        is_published=True,
        letter_template=DEFAULT_LETTER,
    )
    CallBudget.objects.create(call=call, year=year, amount=budget)
    for name, eligible, is_staff, note in CATEGORIES:
        CostCategory.objects.create(call=call, name=name, eligible=eligible, is_staff=is_staff, note=note)
    for name, description in ATTACHMENTS:
        RequiredAttachment.objects.create(call=call, name=name, description=description)
    for name, weight in CRITERIA:
        ReviewCriterion.objects.create(call=call, name=name, weight=weight, max_points=5)
    return call


PROJECTS = [
    ("14628270", "Sicher unterwegs im Quartier", Decimal("12000.00")),
    ("14612000", "Präventionsrat: Nachbarschaft stärken", Decimal("25000.00")),
    ("14522180", "Gewaltprävention an Schulen", Decimal("8000.00")),
]


def _submitted(call: Call, municipality: Municipality, title: str, costs: Decimal, *, by=None) -> Application:
    """A submitted demo application with a balanced plan (90 % requested, 10 % own money)."""
    other = call.categories.get(name=CATEGORIES[1][0])
    requested = (costs * Decimal("0.9")).quantize(Decimal("0.01"))
    application = services.save_application(
        by=by,
        call=call,
        municipality=municipality,
        fields={
            "applicant": municipality.display_name,
            "title": f"{MARK} {title}",
            "starts_on": call.period_start,
            "ends_on": call.period_end,
            "target_groups": "[Demo] Bewohnerinnen und Bewohner, Vereine, Schulen",
            **{f"step_{n}": f"[Demo] Beschreibung zu Schritt {n}." for n in range(1, 6)},
            "requested": requested,
            "consultation_date": call.opens_on - timedelta(days=30),
            "consultation_topic": "[Demo] Förderberatung durch das ASSKomm-Team",
            "declaration_truthful": True,
            "declaration_not_started": True,
        },
        plan=PlanInput(
            lines=[
                {"category": other, "year": call.year, "description": "[Demo] Honorare", "amount": costs},
            ],
            own=[{"kind": "money", "description": "[Demo] Haushaltsmittel", "amount": costs - requested}],
            third_party=[],
        ),
    )
    # The demo has no attachment files and the call's window may be closed: submitted directly (numbered as
    # services.submit does), the attachment rule shown as open on the page.
    application.number = f"KP-{call.year}-{call.next_number:04d}"
    call.next_number += 1
    call.save(update_fields=["next_number"])
    application.status = "submitted"
    application.submitted_at = timezone.now()
    application.save(update_fields=["number", "status", "submitted_at"])
    application.history.create(status="submitted", by=by)
    return application


def _demo_applications(call: Call, today: date) -> int:
    count = 0
    for ags, title, costs in PROJECTS:
        municipality = Municipality.objects.filter(ags=ags).first()
        if municipality is None:
            continue
        _submitted(call, municipality, title, costs)
        count += 1
    return count


# The demo logins of the portal's load_demo_data (DEMO_DOMAIN there; the portal imports this app, not the reverse).
DEMO_LOGIN = "{}@demo.sikom.invalid"
PARTLY = ("[Demo] Mobile Präventionsberatung im Stadtteil", Decimal("15000.00"))
REJECTED = ("[Demo] Sicherheitskonzept für das Stadtfest", Decimal("20000.00"))


def _login(local: str) -> User | None:
    return User.objects.filter(email=DEMO_LOGIN.format(local), is_active=True).first()


def _reviewed(call: Call, title: str, costs: Decimal, *, applicant, reviewer, decider) -> Application:
    application = _submitted(
        call, applicant.organisation.municipality, title.removeprefix(f"{MARK} "), costs, by=applicant
    )
    application = services.start_review(application=application, by=decider)
    services.assign_reviewer(application=application, reviewer=reviewer, by=decider)
    services.save_review(
        application=application,
        by=reviewer,
        scores={criterion.pk: 3 for criterion in call.criteria.all()},
        recommendation="[Demo] Empfehlung der Gutachterin",
    )
    return application


def _demo_decisions(call: Call, *, say_skipped: bool = True) -> list[str]:
    """A partial approval carried through payment and proof of use, and a rejection (skipped without the logins)."""
    if call.applications.filter(title__in=[PARTLY[0], REJECTED[0]]).exists():
        return []
    applicant, reviewer, decider = _login("kommune"), _login("expertennetzwerk"), _login("asskomm")
    if not (applicant and reviewer and decider and applicant.organisation and applicant.organisation.municipality):
        if not say_skipped:
            return []
        return ["Demo-Förderentscheidungen übersprungen: Demo-Logins (kommune, expertennetzwerk, asskomm) fehlen"]
    people = {"applicant": applicant, "reviewer": reviewer, "decider": decider}
    partly = _reviewed(call, *PARTLY, **people)
    partly = services.decide(
        application=partly,
        by=decider,
        outcome="partly_approved",
        amount=Decimal("10000.00"),
        conditions="[Demo] Auflage: Evaluation mit dem Landespräventionsrat abstimmen.",
        reasons="[Demo] Ein Teil der Honorare ist im Antrag nicht ausreichend begründet.",
    )
    payment = services.request_payment(
        application=partly,
        by=applicant,
        year=call.year,
        amount=Decimal("9000.00"),
        expenditure="[Demo] Honorare der Beraterinnen und Berater, erstes Halbjahr",
    )
    services.pay(payment=payment, by=decider)
    line = partly.cost_lines.get()
    proof = services.file_proof(
        application=partly,
        by=applicant,
        evaluation="[Demo] Bericht zur Evaluation (Beccaria-Schritt 6).",
        conclusions="[Demo] Schlussfolgerungen (Beccaria-Schritt 7).",
        actuals={line.pk: (Decimal("9000.00"), "[Demo] Weniger Beratungstermine als geplant.")},
    )
    final = services.proposed_final_amount(partly, proof)
    proof = services.close_proof(application=partly, by=decider, final_amount=final)
    rejected = _reviewed(call, *REJECTED, **people)
    services.decide(
        application=rejected,
        by=decider,
        outcome="rejected",
        reasons="[Demo] Der Bezug zur kommunalen Prävention ist nicht dargelegt (Beccaria-Schritte 1–2).",
    )
    return [
        f"Demo-Förderentscheidungen: 1 teilweise bewilligt (ausgezahlt, Verwendungsnachweis abgeschlossen, "
        f"Rückforderung {format_money(proof.repayment)} €), 1 abgelehnt"
    ]


def load(today: date | None = None) -> list[str]:
    main = Call.objects.filter(is_demo=True, title__startswith=f"{MARK} Förderaufruf").order_by("pk").first()
    if main is not None:
        return _demo_decisions(main, say_skipped=False)
    today = today or timezone.localdate()
    year = today.year + 1
    main = _call(
        title=f"{MARK} Förderaufruf Kommunale Prävention {year}",
        year=year,
        opens=date(today.year, 8, 31),
        closes=date(today.year, 10, 15),
        budget=Decimal("1300000.00"),
        summary=(
            "[Demo] Förderung von Projekten der kommunalen Prävention im folgenden Jahr. Alle Regeln sind Demo-Werte "
            "nach dem öffentlich bekannten Stand der Richtlinie und vor Verwendung mit der geltenden Fassung "
            "abzugleichen. Die Mittel (1,3 Mio. €) sind ein Demo-Wert: die Hälfte der 2,6 Mio. €, die der Freistaat "
            "für 2019 und 2020 bereitstellte."
        ),
    )
    _call(
        title=f"{MARK} Übungsaufruf Kommunale Prävention {year} (Antragsfrist für die Vorführung geöffnet)",
        year=year,
        opens=today - timedelta(days=7),
        closes=today + timedelta(days=60),
        budget=Decimal("100000.00"),
        summary="[Demo] Wie der Förderaufruf, aber mit offener Antragsfrist, damit Anträge ausprobiert werden können.",
    )
    submitted = _demo_applications(main, today)
    return [
        f"Demo-Förderaufrufe angelegt: 2 (Demo-Werte), {submitted} eingereichte Demo-Anträge",
        *_demo_decisions(main),
    ]

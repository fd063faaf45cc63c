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
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from sikom.funding import services
from sikom.funding.models import Call, CallBudget, CostCategory, RequiredAttachment, ReviewCriterion
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


def _demo_applications(call: Call, today: date) -> int:
    """Submitted demo applications with balanced plans (90 % requested, 10 % own money)."""
    other = call.categories.get(name=CATEGORIES[1][0])
    count = 0
    for ags, title, costs in PROJECTS:
        municipality = Municipality.objects.filter(ags=ags).first()
        if municipality is None:
            continue
        requested = (costs * Decimal("0.9")).quantize(Decimal("0.01"))
        application = services.save_application(
            by=None,
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
        # The demo has no attachment files: submitted directly, the attachment rule shown as open on the page.
        application.number = f"KP-{call.year}-{call.next_number:04d}"
        call.next_number += 1
        call.save(update_fields=["next_number"])
        application.status = "submitted"
        application.submitted_at = timezone.now()
        application.save(update_fields=["number", "status", "submitted_at"])
        application.history.create(status="submitted")
        count += 1
    return count


def load(today: date | None = None) -> list[str]:
    if Call.objects.filter(is_demo=True).exists():
        return []
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
    return [f"Demo-Förderaufrufe angelegt: 2 (Demo-Werte), {submitted} eingereichte Demo-Anträge"]

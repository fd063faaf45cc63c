"""Demo coaching processes (only in the demo set-up; texts marked »[Demo]«).

The programme counts 50 coaching processes up to the conference of 27 Feb 2024 (seed 003). Which municipalities were
coached is not published: the demo gives the members of the demo membership schedule (``alliance.demo``) one coaching
each, begun after they joined, some finished, one cancelled, the rest running. The Pirna demo municipality (login
kommune@demo.sikom.invalid) has a running coaching with several steps filled in and a measures table, so the
strategy and its PDF show something. Idempotent: nothing happens when coachings exist.
"""

from datetime import date, timedelta

from django.db import transaction

from sikom.accounts.models import User
from sikom.alliance.demo import member_schedule
from sikom.coaching import services
from sikom.coaching.models import Coaching, CoachingStatus, StepStatus, StrategyStep
from sikom.geo.models import Municipality

COUNTED_UNTIL = date(2024, 2, 27)
TOTAL = 50
PIRNA = "14628270"
PIRNA_BEGUN = date(2023, 2, 15)
DEMO_COACH = "asskomm@demo.sikom.invalid"

PIRNA_STEPS = {
    1: (
        StepStatus.DONE,
        date(2023, 3, 1),
        date(2023, 4, 20),
        "[Demo] Anfeindungen gegen Mitglieder des Stadtrats und Beschäftigte der Verwaltung haben zugenommen: "
        "beleidigende Zuschriften, Hasskommentare in sozialen Netzwerken, Störungen öffentlicher Sitzungen.",
    ),
    2: (
        StepStatus.DONE,
        date(2023, 4, 21),
        date(2023, 6, 30),
        "[Demo] Die Sicherheitsanalyse mit Bürgerbefragung zeigt: Konflikte um lokale Entscheidungen werden "
        "zunehmend persönlich ausgetragen; Betroffene kennen die Beratungs- und Meldestellen kaum.",
    ),
    3: (
        StepStatus.DONE,
        date(2023, 7, 1),
        date(2023, 9, 15),
        "[Demo] Ziel: Amts- und Mandatsträger:innen fühlen sich sicher und wissen, wohin sie sich wenden können.\n\n"
        "Zielgruppen: Stadtratsmitglieder, Ortschaftsräte, Beschäftigte mit Publikumsverkehr.",
    ),
    4: (
        StepStatus.IN_PROGRESS,
        date(2023, 9, 16),
        None,
        "[Demo] Schulungen zu Deeskalation und Kommunikation, ein Ablaufplan für Vorfälle in Sitzungen, "
        "Informationen zu ZASTEX und ZMI für alle Mandatsträger:innen.",
    ),
}
PIRNA_MEASURES = [
    ("[Demo] Deeskalationsschulung für Beschäftigte mit Publikumsverkehr", "[Demo] Hauptamt", "2. Quartal 2024"),
    ("[Demo] Ablaufplan für Störungen öffentlicher Sitzungen", "[Demo] Büro des Stadtrats", "1. Halbjahr 2024"),
    ("[Demo] Informationsblatt zu Beratungs- und Meldestellen", "[Demo] Ordnungsamt", "laufend"),
    ("[Demo] Jährliche Auswertung im Kriminalpräventiven Rat", "[Demo] Kriminalpräventiver Rat", "jährlich"),
]


def _plan() -> list[tuple[str, date]]:
    """(municipality key, day begun) for the 50 demo coachings: the members in the order of the schedule, Pirna
    first, each begun some weeks after joining and before 27 Feb 2024 (and before leaving)."""
    members = sorted(member_schedule(), key=lambda m: (m.ags != PIRNA, m.joined, m.ags))
    plan = []
    for index, member in enumerate(members):
        latest = min(COUNTED_UNTIL, (member.left - timedelta(days=1)) if member.left else COUNTED_UNTIL)
        begun = min(member.joined + timedelta(days=30 + (index * 47) % 500), latest)
        if member.ags == PIRNA:
            begun = PIRNA_BEGUN  # shortly before the steps filled in below
        if begun < member.joined:
            continue
        plan.append((member.ags, begun))
        if len(plan) == TOTAL:
            break
    return plan


def load() -> list[str]:
    if Coaching.objects.exists():
        return []
    coach = User.objects.filter(email=DEMO_COACH).first()
    municipalities = {m.ags: m for m in Municipality.objects.filter(ags__in=[a for a, _ in _plan()])}
    finished = cancelled = 0
    with transaction.atomic():
        for index, (ags, begun) in enumerate(_plan()):
            coaching = services.create_coaching(municipality=municipalities[ags], begun=begun, by=coach, coach=coach)
            if ags == PIRNA:
                _fill_pirna(coaching, coach)
                continue
            ends = begun + timedelta(days=270 + (index * 31) % 240)
            if index % 3 != 0 and ends <= COUNTED_UNTIL:
                if index == 7:
                    services.change_status(
                        coaching=coaching,
                        to=CoachingStatus.CANCELLED,
                        by=coach,
                        on=ends,
                        reason="[Demo] Die Gemeinde hat den Prozess nach einem Wechsel im Amt ausgesetzt.",
                    )
                    cancelled += 1
                else:
                    services.change_status(coaching=coaching, to=CoachingStatus.FINISHED, by=coach, on=ends)
                    finished += 1
    running = TOTAL - finished - cancelled
    return [
        f"Demo-Coachingprozesse angelegt: {TOTAL} ({running} laufend, {finished} abgeschlossen, "
        f"{cancelled} abgebrochen)"
    ]


def _fill_pirna(coaching: Coaching, coach: User | None) -> None:
    for number, (status, started, finished, text) in PIRNA_STEPS.items():
        step = StrategyStep.objects.get(coaching=coaching, number=number)
        services.update_step(
            step=step,
            by=coach,
            expected_version=step.version,
            text=text,
            status=status,
            started=started,
            finished=finished,
        )
    for title, owner, timing in PIRNA_MEASURES:
        services.save_measure(
            coaching=coaching,
            by=coach,
            data={"title": title, "owner": owner, "timing": timing, "due": None, "status": "planned", "source": ""},
        )

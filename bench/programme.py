"""Programme figures benchmark: `GET /programm/` (chart and map) and `GET /zahlen/` at 100 times the demo volume.

Run with `make bench` (after the documents) or on its own: `.venv/bin/python bench/programme.py`. SQLite by default
(a file in a temp dir); with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it creates a fresh
database `sikom_bench_programme_<pid>` there and drops it at the end. As `bench/inbox.py` does, `main()` prepares the
throw-away environment and runs this file again in a child process with `--measure`.

The child migrates, loads the reference data and builds the volume with the real models of every app behind a
figure, one filler per app that keeps each model's constraints (`generate()`; at scale 100): about 5,600 memberships
as a chain per municipality with at most one open (`alliance.Membership`), 14,400 consultations with one to three
offers each and a next step on every third (`consultations`), 5,000 coaching processes as chains with their seven
strategy steps each (`coaching`), one prevention council for each of the 418 municipalities with 4,100 meetings and
2,600 safety analyses, at most one not done per municipality (`councils`), 2,000 event sessions (trainings mostly)
with their registrations and persons (`events`). Dates are spread from February 2019 to today, municipalities
weighted by population.

Measured, as a verified member of the ASSKomm team through Django's test client: `/programm/` (default figure and
today), each figure chosen, an earlier day, and `/zahlen/` anonymously. Printed: p50/p95 against the target
(p95 < 150 ms), the number of SQL queries per page (the same for every page and volume: one per figure, plus session,
user, second factor and organisation). Exits non-zero on a miss. Tunables: BENCH_PROGRAMME_SCALE (default 100, times the demo volume),
BENCH_PROGRAMME_REQUESTS (default 50), BENCH_PROGRAMME_SEED (default 2019).
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from common import BenchError, measure_in_child, percentile, report

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150
WARM_UP = 3
START = date(2019, 2, 1)

# Driver: environment, database, child process


def main() -> int:
    return measure_in_child(__file__, name="programme", env_prefix="BENCH_PROGRAMME_", timeout=3600)


# Child: generation


class Context:
    def __init__(self, rng: random.Random):
        from sikom.accounts.models import Organisation, OrganisationType, User
        from sikom.geo.models import Municipality

        self.rng = rng
        self.today = date.today()
        self.municipalities = list(Municipality.objects.only("pk", "population", "district_id").order_by("pk"))
        self.weights = [m.population**0.75 for m in self.municipalities]
        asskomm = Organisation.objects.get(type=OrganisationType.ASSKOMM)
        # One member of the ASSKomm team as the author of the generated records.
        self.user, _created = User.objects.get_or_create(
            email="bench@asskomm.invalid", defaults={"full_name": "[Demo] Benchmark", "organisation": asskomm}
        )

    def day(self, since: date = START) -> date:
        return since + timedelta(days=self.rng.randrange(max(1, (self.today - since).days + 1)))

    def later(self, day: date, low: int, high: int) -> date | None:
        """A day ``low``..``high`` days after ``day``, or None when that is after today."""
        later = day + timedelta(days=self.rng.randint(low, high))
        return later if later <= self.today else None

    def municipality(self):
        return self.rng.choices(self.municipalities, weights=self.weights)[0]

    def shares(self, count: int) -> list[int]:
        """``count`` spread over the municipalities (shuffled): how many records of a chain each one gets."""
        size = len(self.municipalities)
        return [count // size + (index < count % size) for index in range(size)]

    def shuffled_municipalities(self) -> list:
        return self.rng.sample(self.municipalities, len(self.municipalities))


def _aware(day: date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _bulk(model, rows: list, **options) -> list:
    return model.objects.bulk_create(rows, batch_size=2000, **options)


def memberships(count: int, context: Context) -> str:
    """A chain of memberships per municipality (about 13 each at scale 100): each left again before the next
    request, the last one still active in two of three cases, so at most one is open (`one_open_membership`)."""
    from sikom.alliance.models import Membership, MembershipStatus

    rows = []
    for municipality, chain in zip(context.shuffled_municipalities(), context.shares(count), strict=True):
        if not chain:
            continue
        day = context.day() if chain == 1 else START + timedelta(days=context.rng.randrange(60))
        span = max(2, (context.today - day).days // chain)
        for link in range(chain):
            left = context.later(day, 1, span - 1) if link < chain - 1 or context.rng.random() < 0.33 else None
            rows.append(
                Membership(
                    municipality=municipality,
                    status=MembershipStatus.LEFT if left else MembershipStatus.ACTIVE,
                    founding=link == 0 and day < date(2019, 3, 1),
                    requested_at=_aware(day),
                    requested_by=context.user,
                    joined_on=day,
                    confirmed_by=context.user,
                    left_on=left,
                    closing_reason="[Demo] Benchmark" if left else "",
                )
            )
            if left is None or left + timedelta(days=1) > context.today:
                break
            day = left + timedelta(days=1)
    _bulk(Membership, rows)
    return f"alliance.Membership: {len(rows)} (one chain per municipality, at most one open)"


def consultations(count: int, context: Context) -> str:
    """Consultations on days since February 2019, municipalities weighted by population (4 % office holders without
    one), one to three offers each through the M2M's through model, a next step on every third."""
    from sikom.consultations.models import Consultation, Format, NextStep
    from sikom.offers.models import Offer

    offers = list(Offer.objects.values_list("pk", flat=True))
    if not offers:
        raise BenchError("no offers: load_reference_data did not load the catalogue")
    formats = list(Format.values)
    rows = []
    for _number in range(count):
        without = context.rng.random() < 0.04
        rows.append(
            Consultation(
                municipality=None if without else context.municipality(),
                office_holder_note="[Demo] Ortsvorsteherin ohne Gemeinde" if without else "",
                date=context.day(),
                format=context.rng.choice(formats),
                participants="[Demo] Bürgermeister, Hauptamtsleiterin",
                result="[Demo] Angebote vorgestellt, nächste Schritte vereinbart.",
                search_text="demo benchmark",
                created_by=context.user,
                updated_by=context.user,
            )
        )
    created = _bulk(Consultation, rows)
    if created[0].pk is None:  # a backend that does not return the keys (not SQLite >= 3.35, not PostgreSQL)
        created = list(Consultation.objects.order_by("pk"))
    through = Consultation.offers.through
    links = [
        through(consultation_id=consultation.pk, offer_id=offer)
        for consultation in created
        for offer in context.rng.sample(offers, context.rng.randint(1, min(3, len(offers))))
    ]
    _bulk(through, links)
    steps = [
        NextStep(
            consultation_id=consultation.pk,
            text="[Demo] Termin für eine Schulung abstimmen",
            owner="[Demo] Hauptamt",
            due_on=consultation.date + timedelta(days=30),
        )
        for consultation in created[::3]
    ]
    _bulk(NextStep, steps)
    return f"consultations.Consultation: {len(created)}, {len(links)} offer links, {len(steps)} next steps"


def coachings(count: int, context: Context) -> str:
    """A chain of coachings per municipality, each finished (or cancelled) before the next begins, the last one
    running in half the cases; seven Beccaria steps each (as `services.create_coaching` makes them), done in order
    with dates inside the coaching (`step_finished_after_started`, `one_step_per_number`)."""
    from sikom.coaching.models import STEP_NUMBERS, Coaching, CoachingStatus, StepStatus, StrategyStep

    rows = []
    for municipality, chain in zip(context.shuffled_municipalities(), context.shares(count), strict=True):
        if not chain:
            continue
        day = context.day() if chain == 1 else START + timedelta(days=context.rng.randrange(90))
        span = max(2, (context.today - day).days // chain)
        for link in range(chain):
            finished = context.later(day, 1, span - 1) if link < chain - 1 or context.rng.random() < 0.5 else None
            status = (
                CoachingStatus.RUNNING
                if finished is None
                else context.rng.choice([CoachingStatus.FINISHED, CoachingStatus.FINISHED, CoachingStatus.CANCELLED])
            )
            rows.append(
                Coaching(
                    municipality=municipality,
                    begun=day,
                    finished=finished,
                    status=status,
                    end_reason="[Demo] Benchmark" if status == CoachingStatus.CANCELLED else "",
                    coach=context.user,
                )
            )
            if finished is None or finished + timedelta(days=1) > context.today:
                break
            day = finished + timedelta(days=1)
    created = _bulk(Coaching, rows)
    if created[0].pk is None:
        created = list(Coaching.objects.order_by("pk"))
    steps = []
    for coaching in created:
        end = coaching.finished or context.today
        length = max(1, (end - coaching.begun).days)
        done = len(STEP_NUMBERS) if coaching.finished else context.rng.randrange(len(STEP_NUMBERS) + 1)
        for number in STEP_NUMBERS:
            started = coaching.begun + timedelta(days=length * (number - 1) // len(STEP_NUMBERS))
            finished = coaching.begun + timedelta(days=length * number // len(STEP_NUMBERS))
            if number <= done:
                status, dates = StepStatus.DONE, (started, finished)
            elif number == done + 1:
                status, dates = StepStatus.IN_PROGRESS, (started, None)
            else:
                status, dates = StepStatus.OPEN, (None, None)
            steps.append(
                StrategyStep(
                    coaching_id=coaching.pk,
                    number=number,
                    text="[Demo] Benchmark" if status != StepStatus.OPEN else "",
                    status=status,
                    started=dates[0],
                    finished=dates[1],
                )
            )
    _bulk(StrategyStep, steps)
    return f"coaching.Coaching: {len(created)} (one chain per municipality), {len(steps)} strategy steps"


def councils(meetings: int, analyses: int, context: Context) -> str:
    """One prevention council per municipality (OneToOne: every municipality gets one, founded spread since February
    2019, one in ten dissolved again), meetings between founding and dissolution, and per municipality a chain of safety
    analyses: done ones with a completion day, the last planned or running in a third of the cases (at most one open:
    `one_open_analysis_per_municipality`; `analysis_completed_exactly_when_done`)."""
    from sikom.councils.models import (
        AnalysisStatus,
        CouncilMeeting,
        PreventionCouncil,
        SafetyAnalysisStatus,
    )

    rows = []
    for municipality in context.municipalities:
        founded = context.day()
        dissolved = context.later(founded, 60, 1500) if context.rng.random() < 0.1 else None
        rows.append(
            PreventionCouncil(
                municipality=municipality,
                name="[Demo] Kriminalpräventiver Rat",
                founded=founded,
                dissolved=dissolved,
                chair="[Demo] Bürgermeisteramt",
            )
        )
    created = _bulk(PreventionCouncil, rows)
    if created[0].pk is None:
        created = list(PreventionCouncil.objects.order_by("pk"))
    weights = [context.weights[index] for index in range(len(created))]
    meeting_rows = []
    for council in context.rng.choices(created, weights=weights, k=meetings):
        last = council.dissolved or context.today
        meeting_rows.append(
            CouncilMeeting(
                council_id=council.pk,
                date=council.founded + timedelta(days=context.rng.randrange((last - council.founded).days + 1)),
                agenda="[Demo] Lagebild, Sicherheitsanalyse, Maßnahmen",
            )
        )
    _bulk(CouncilMeeting, meeting_rows)
    analysis_rows = []
    for municipality, chain in zip(context.shuffled_municipalities(), context.shares(analyses), strict=True):
        day = context.day() if chain == 1 else START + timedelta(days=context.rng.randrange(90))
        span = max(2, (context.today - day).days // max(chain, 1))
        for link in range(chain):
            completed = context.later(day, 1, span - 1) if link < chain - 1 or context.rng.random() < 0.67 else None
            status = (
                AnalysisStatus.DONE
                if completed
                else context.rng.choice([AnalysisStatus.PLANNED, AnalysisStatus.RUNNING])
            )
            analysis_rows.append(
                SafetyAnalysisStatus(
                    municipality=municipality,
                    status=status,
                    year=(completed or day).year,
                    completed_on=completed,
                    note="[Demo] Benchmark",
                )
            )
            if completed is None or completed + timedelta(days=1) > context.today:
                break
            day = completed + timedelta(days=1)
    _bulk(SafetyAnalysisStatus, analysis_rows)
    done = sum(row.status == AnalysisStatus.DONE for row in analysis_rows)
    return (
        f"councils: {len(created)} councils (one per municipality), {len(meeting_rows)} meetings, "
        f"{len(analysis_rows)} safety analyses ({done} done)"
    )


def events(sessions: int, context: Context) -> str:
    """Events (trainings mostly, some conferences) with sessions since February 2019, past and a few coming, two to
    six registrations per session (most confirmed, some cancelled or waiting), one to three persons each; most
    persons of confirmed registrations at past sessions were marked present (the `participants` figure)."""
    from django.utils import timezone

    from sikom.events.models import Attendance, Event, EventType, Person, Registration, RegistrationStatus, Session
    from sikom.geo.models import District

    districts = list(District.objects.order_by("pk"))
    types = [EventType.DEESCALATION, EventType.COMMUNICATION, EventType.ARGUMENTATION, EventType.CONFERENCE]
    event_rows = [
        Event(
            title=f"[Demo] Schulung {number}",
            type=context.rng.choice(types),
            summary="[Demo] Benchmark",
            organiser="[Demo] ASSKomm",
            district=context.rng.choice([*districts, None]),
            is_published=True,
        )
        for number in range(max(1, sessions // 5))
    ]
    created = _bulk(Event, event_rows)
    if created[0].pk is None:
        created = list(Event.objects.order_by("pk"))
    session_rows = []
    for _number in range(sessions):
        day = (
            context.day() if context.rng.random() < 0.95 else context.today + timedelta(days=context.rng.randint(1, 90))
        )
        session_rows.append(
            Session(
                event_id=context.rng.choice(created).pk,
                starts_at=_aware(day, 9),
                ends_at=_aware(day, 16),
                venue="[Demo] Rathaus",
                capacity=20,
            )
        )
    session_rows = _bulk(Session, session_rows)
    if session_rows[0].pk is None:
        session_rows = list(Session.objects.order_by("pk"))
    statuses = [RegistrationStatus.CONFIRMED] * 8 + [RegistrationStatus.CANCELLED, RegistrationStatus.WAITING]
    registrations = []
    for session in session_rows:
        for number in range(context.rng.randint(2, 6)):
            registrations.append(
                Registration(
                    session_id=session.pk,
                    user=None,
                    status=context.rng.choice(statuses),
                    name=f"[Demo] Teilnehmende {number}",
                    email=f"teilnehmende{number}@demo.sikom.invalid",
                    organisation="[Demo] Gemeinde",
                    seats=context.rng.choice([1, 1, 1, 2, 3]),
                )
            )
    registrations = _bulk(Registration, registrations)
    if registrations[0].pk is None:
        registrations = list(Registration.objects.order_by("pk"))
    persons = [
        Person(registration_id=registration.pk, name=f"[Demo] Person {position + 1}", position=position)
        for registration in registrations
        for position in range(registration.seats)
    ]
    persons = _bulk(Person, persons)
    if persons and persons[0].pk is None:
        persons = list(Person.objects.order_by("pk"))
    now = timezone.now()
    ended = {session.pk for session in session_rows if session.ends_at <= now}
    attended = {
        registration.pk: registration.session_id
        for registration in registrations
        if registration.status == RegistrationStatus.CONFIRMED and registration.session_id in ended
    }
    attendances = _bulk(
        Attendance,
        [
            Attendance(session_id=attended[person.registration_id], person_id=person.pk)
            for person in persons
            if person.registration_id in attended and context.rng.random() < 0.85
        ],
    )
    return (
        f"events: {len(created)} events, {len(session_rows)} sessions, {len(registrations)} registrations, "
        f"{len(persons)} persons, {len(attendances)} marked present"
    )


# Demo volume (issue 10) at scale 1; the councils are one per municipality whatever the scale.
VOLUMES = {
    "memberships": 56,
    "consultations": 144,
    "coachings": 50,
    "council_meetings": 41,
    "safety_analyses": 26,
    "sessions": 20,
}


def generate(scale: int, seed: int) -> list[str]:
    """The volume with the real models of every app behind a figure; returns what was made, one line each."""
    from django.db import transaction

    context = Context(random.Random(seed))
    volume = {name: count * scale for name, count in VOLUMES.items()}
    steps = [
        lambda: memberships(volume["memberships"], context),
        lambda: consultations(volume["consultations"], context),
        lambda: coachings(volume["coachings"], context),
        lambda: councils(volume["council_meetings"], volume["safety_analyses"], context),
        lambda: events(volume["sessions"], context),
    ]
    lines = []
    for step in steps:
        started = time.perf_counter()
        with transaction.atomic():
            line = step()
        lines.append(f"{line} in {time.perf_counter() - started:.1f} s")
    return lines


def analyse() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# Child: measurement


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure_page(client, label: str, url: str, repeat: int) -> tuple[bool, int]:
    from django.db import connection

    for _number in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    samples, cpu = [], []
    for _number in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    ok = report(label, samples, TARGET_P95_MS)
    # On a shared machine the wall time includes waiting for a CPU; the CPU time of this process (SQLite runs in it)
    # shows the page's own cost.
    print(
        f"{'':<6}{len(queries)} queries, {len(response.content) // 1024} KiB; CPU of this process "
        f"p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms; load {load_average()}"
    )
    return ok, len(queries)


def measure() -> int:
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sikom.accounts.models import Organisation, OrganisationType
    from sikom.core import figures
    from sikom.testing import login, make_user

    warnings.filterwarnings("ignore", message="No directory at")
    scale = int(os.environ.get("BENCH_PROGRAMME_SCALE", "100"))
    repeat = int(os.environ.get("BENCH_PROGRAMME_REQUESTS", "50"))
    seed = int(os.environ.get("BENCH_PROGRAMME_SEED", "2019"))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"programme figures at {scale}x the demo volume: in-process test client, {label}")
    for line in generate(scale, seed):
        print(f"  {line}")
    analyse()
    registered = figures.registered()
    print(f"figures: {', '.join(f.key for f in registered)}; set-up {time.perf_counter() - started:.1f} s")
    team = login(Client(), make_user(organisation=Organisation.objects.get(type=OrganisationType.ASSKOMM)))
    pages = [
        ("/programm/ (today, first figure)", team, "/programm/"),
        *((f"/programm/?kennzahl={f.key}", team, f"/programm/?kennzahl={f.key}") for f in registered[1:]),
        ("/programm/?stichtag=2021-06-30", team, "/programm/?stichtag=2021-06-30"),
        ("/zahlen/ (anonymous)", Client(), "/zahlen/"),
    ]
    results, counts = [], set()
    for page_label, client, url in pages:
        try:
            ok, queries = measure_page(client, page_label, url, repeat)
        except Exception as error:
            print(f"{page_label:<44} FAILED: {type(error).__name__}: {error}")
            results.append(False)
            continue
        results.append(ok)
        if client is team:
            counts.add(queries)
    if len(counts) > 1:
        print(f"the team's pages ran different numbers of queries: {sorted(counts)}")
        results.append(False)
    print(f"programme benchmark took {time.perf_counter() - started:.0f} s in all")
    return 0 if all(results) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        try:
            sys.exit(measure())
        except BenchError as error:
            print(f"programme benchmark failed: {error}")
            sys.exit(1)
    sys.exit(main())

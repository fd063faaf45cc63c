"""Programme figures benchmark: `GET /programm/` (chart and map) and `GET /zahlen/` at 100 times the demo volume.

Run with `make bench` (after the documents) or on its own: `.venv/bin/python bench/programme.py`. SQLite by default
(a file in a temp dir); with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it creates a fresh
database `sikom_bench_programme_<pid>` there and drops it at the end. As `bench/inbox.py` does, `main()` prepares the
throw-away environment and runs this file again in a child process with `--measure`.

The child migrates, loads the reference data and builds the volume with the real models of the apps behind the
figures (`django.apps.apps.get_model`): members (`alliance.Membership`), 14,400 consultations
(`consultations.Consultation`), coaching processes with 5,000 strategy steps (`coaching.Coaching`,
`coaching.StrategyStep`), prevention councils with 4,100 meetings (`councils.PreventionCouncil`,
`councils.CouncilMeeting`). A model that does not exist (its app not merged yet) is skipped with a line saying so. The
rows are filled generically from the model's fields (dates spread from February 2019 to today, municipalities weighted
by population, foreign keys to rows generated before); when a model needs more than that, `generate()` says which and
why, and the model gets its own filler in `FILLERS`.

When no figure is registered at all (the figure apps not merged), the page would be measured empty; then the script
registers stand-in figures over `cases.CaseStatistic` (an existing table: a start month, an end month, a district
key) with the same volumes and says so, so the cost of the counting, the chart and the map is measured today. The
stand-ins are never used when any real figure is registered.

Measured, as a verified member of the ASSKomm team through Django's test client: `/programm/` (default figure and
today), each figure chosen, an earlier day, and `/zahlen/` anonymously. Printed: p50/p95 against the target
(p95 < 150 ms), the number of SQL queries per page (the same for every page and volume: one per figure, plus session
and user). Exits non-zero on a miss. Tunables: BENCH_PROGRAMME_SCALE (default 100, times the demo volume),
BENCH_PROGRAMME_REQUESTS (default 50), BENCH_PROGRAMME_SEED (default 2019).
"""

import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from common import BenchError, child_env, percentile, report, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150
WARM_UP = 3
START = date(2019, 2, 1)

# Demo volume (issue 10) times the scale: (app, model, count at scale 1, parent model for a foreign key).
VOLUMES = [
    ("alliance", "Membership", 56, None),
    ("consultations", "Consultation", 144, None),
    ("coaching", "Coaching", 20, None),
    ("coaching", "StrategyStep", 50, ("coaching", "Coaching")),
    ("councils", "PreventionCouncil", 20, None),
    ("councils", "CouncilMeeting", 41, ("councils", "PreventionCouncil")),
]
# Models whose rows need more than the generic filler (constraints between fields): (app, model) -> filler. The
# fillers name the fields of those apps' models; they are looked up only when the model exists.
FILLERS: dict = {}


def filler(app_label: str, model_name: str):
    def register(function):
        FILLERS[(app_label, model_name)] = function
        return function

    return register


# Driver: environment, database, child process


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sikom-programme-"))
    admin_url = os.environ.get("BENCH_DATABASE_URL", "")
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            if admin_url:
                database_url = cleanup.enter_context(throwaway_database(admin_url, "sikom_bench_programme"))
            else:
                database_url = f"sqlite:///{workdir}/programme.sqlite3"
            print()
            sys.stdout.flush()
            child = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--measure"],
                cwd=ROOT,
                env=child_env(workdir, database_url, "BENCH_PROGRAMME_"),
                timeout=3600,
            )
            return child.returncode
        except (BenchError, subprocess.SubprocessError) as error:
            print(f"programme benchmark failed: {error}")
            return 1


# Child: generation


class Context:
    def __init__(self, rng: random.Random):
        from sikom.accounts.models import Organisation, OrganisationType
        from sikom.geo.models import Municipality

        self.rng = rng
        self.today = date.today()
        self.municipalities = list(Municipality.objects.only("pk", "population", "district_id"))
        self.weights = [m.population**0.75 for m in self.municipalities]
        self.asskomm = Organisation.objects.filter(type=OrganisationType.ASSKOMM).first()
        self.generated: dict[tuple[str, str], list[int]] = {}
        self._user = None

    def user(self):
        """One member of the ASSKomm team as the author of every generated record."""
        if self._user is None:
            from sikom.accounts.models import User

            self._user, _created = User.objects.get_or_create(
                email="bench@asskomm.invalid", defaults={"full_name": "[Demo] Benchmark", "organisation": self.asskomm}
            )
        return self._user

    def day(self) -> date:
        return START + timedelta(days=self.rng.randrange((self.today - START).days + 1))

    def municipality(self):
        return self.rng.choices(self.municipalities, weights=self.weights)[0]


def _value(field, context: Context):
    """A plausible value for a required field, or raise BenchError naming the field."""
    from django.db import models
    from django.utils import timezone

    rng = context.rng
    if field.choices:
        return rng.choice([value for value, _label in field.flatchoices])
    if isinstance(field, models.ForeignKey):
        target = field.related_model._meta
        key = (target.app_label, target.object_name)
        if key == ("geo", "Municipality"):
            return context.municipality()
        if key == ("geo", "District"):
            return context.municipality().district
        if key == ("accounts", "Organisation") and context.asskomm is not None:
            return context.asskomm
        if key == ("accounts", "User"):
            return context.user()
        if context.generated.get(key):
            return field.related_model(pk=rng.choice(context.generated[key]))
        raise BenchError(f"{field} points to {target.label}, which the benchmark does not generate")
    if isinstance(field, models.DateTimeField):
        day = context.day()
        return timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    if isinstance(field, models.DateField):
        return context.day()
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return 1
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.CharField, models.TextField)):
        return "[Demo] Benchmark"[: field.max_length or 100]
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    raise BenchError(f"{field} ({type(field).__name__}) has no generic value")


def _generic(model, count: int, context: Context) -> None:
    from django.db import models

    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not isinstance(field, models.AutoField)
        and not field.has_default()
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]
    rows = []
    for _number in range(count):
        values = {}
        for field in fields:
            if field.null or (field.blank and not isinstance(field, models.ForeignKey)):
                # Optional: dates that end a span are left open on most rows (a running process), set on some.
                if isinstance(field, models.DateField) and context.rng.random() < 0.3:
                    values[field.name] = context.day()
                continue
            values[field.name] = _value(field, context)
        rows.append(model(**values))
    model.objects.bulk_create(rows, batch_size=2000)


def _aware(day: date):
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _later(context: Context, day: date, low: int, high: int) -> date | None:
    """A day ``low``..``high`` days after ``day``, or None when that is after today."""
    later = day + timedelta(days=context.rng.randint(low, high))
    return later if later <= context.today else None


@filler("alliance", "Membership")
def _memberships(model, count: int, context: Context) -> None:
    """At most one open membership per municipality: each municipality gets a chain of memberships, all but the
    last left again; the last is still active in two of three cases."""
    municipalities = context.rng.sample(context.municipalities, len(context.municipalities))
    per_municipality = [
        count // len(municipalities) + (index < count % len(municipalities)) for index in range(len(municipalities))
    ]
    rows = []
    for municipality, chain in zip(municipalities, per_municipality, strict=True):
        day = context.day() if chain == 1 else START + timedelta(days=context.rng.randrange(60))
        span = max(2, (context.today - day).days // max(chain, 1))
        for link in range(chain):
            joined = min(day, context.today)
            left = _later(context, joined, 1, span - 1) if link < chain - 1 or context.rng.random() < 0.33 else None
            rows.append(
                model(
                    municipality=municipality,
                    status="left" if left else "active",
                    requested_at=_aware(joined),
                    joined_on=joined,
                    left_on=left,
                )
            )
            if left is None:
                break
            day = left + timedelta(days=1)
    model.objects.bulk_create(rows, batch_size=2000)


@filler("coaching", "Coaching")
def _coachings(model, count: int, context: Context) -> None:
    rows = []
    for _number in range(count):
        begun = context.day()
        finished = _later(context, begun, 30, 900) if context.rng.random() < 0.6 else None
        status = "running" if finished is None else context.rng.choice(["finished", "finished", "cancelled"])
        rows.append(model(municipality=context.municipality(), begun=begun, finished=finished, status=status))
    model.objects.bulk_create(rows, batch_size=2000)


@filler("coaching", "StrategyStep")
def _steps(model, count: int, context: Context) -> None:
    """Steps 1, 2, … of the coachings in turn (at most the seven Beccaria steps each), started after the coaching
    began and finished after they started."""
    from django.apps import apps

    coachings = list(apps.get_model("coaching", "Coaching").objects.values_list("pk", "begun"))
    rows, number = [], 0
    while len(rows) < count and number < 7:
        number += 1
        for pk, begun in coachings[: count - len(rows)]:
            started = _later(context, begun, 0, 120)
            finished = _later(context, started, 1, 200) if started and context.rng.random() < 0.6 else None
            status = "done" if finished else "in_progress" if started else "open"
            rows.append(model(coaching_id=pk, number=number, status=status, started=started, finished=finished))
    model.objects.bulk_create(rows, batch_size=2000)


def generate(scale: int, seed: int) -> list[str]:
    """The volume with the real models; returns what was made (and skipped), one line each."""
    from django.apps import apps
    from django.db import transaction

    context = Context(random.Random(seed))
    lines = []
    for app_label, model_name, per_scale, _parent in VOLUMES:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            lines.append(f"{app_label}.{model_name}: no such model (app not merged yet) - skipped")
            continue
        count = per_scale * scale
        started = time.perf_counter()
        try:
            with transaction.atomic():
                FILLERS.get((app_label, model_name), _generic)(model, count, context)
        except Exception as error:  # a model the generic filler cannot fill: say which, measure the rest
            lines.append(f"{app_label}.{model_name}: NOT generated ({type(error).__name__}: {error}); add a filler")
            continue
        context.generated[(app_label, model_name)] = list(model.objects.values_list("pk", flat=True))
        lines.append(f"{app_label}.{model_name}: {count} rows in {time.perf_counter() - started:.1f} s")
    return lines


def stand_in_figures(scale: int, seed: int) -> list[str]:
    """Only when no figure is registered: figures over cases.CaseStatistic with the issue's volumes."""
    from django.db.models import DateField, F, Value
    from django.db.models.functions import NullIf

    from sikom.cases.models import CaseStatistic
    from sikom.core import figures
    from sikom.geo.models import District

    context = Context(random.Random(seed))
    district_keys = dict(District.objects.values_list("pk", "key"))
    shapes = [
        ("stand_in_consultations", "Beratungen (Platzhalter)", 144, False),
        ("stand_in_steps", "Coachingschritte (Platzhalter)", 50, True),
        ("stand_in_meetings", "Ratssitzungen (Platzhalter)", 41, False),
        ("stand_in_members", "Mitglieder (Platzhalter)", 56, True),
    ]
    lines = []
    for index, (key, label, per_scale, stock) in enumerate(shapes):
        rows = []
        for _number in range(per_scale * scale):
            start = context.day()
            end = (
                start + timedelta(days=context.rng.randrange(30, 900)) if stock and context.rng.random() < 0.5 else None
            )
            rows.append(
                CaseStatistic(
                    reported_month=start,
                    closed_month=end,
                    district_key=district_keys[context.municipality().district_id],
                    affected_role=key,
                    place="office",
                    channel="email",
                )
            )
        CaseStatistic.objects.bulk_create(rows, batch_size=2000)

        def rows_of(key=key, stock=stock):
            return CaseStatistic.objects.filter(affected_role=key).values(
                start=F("reported_month"),
                end=F("closed_month") if stock else Value(None, output_field=DateField()),
                district=NullIf(F("district_key"), Value("")),
            )

        figures.register(figures.Figure(key=key, label=label, order=index, rows=rows_of))
        lines.append(f"stand-in figure {key}: {len(rows)} rows in cases.CaseStatistic")
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
    if not figures.registered():
        print("  no figure registered (the figure apps are not merged): stand-in figures over cases.CaseStatistic")
        for line in stand_in_figures(scale, seed):
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

"""Situation report benchmark: the Lagebild over 1,000,000 pseudonymised incidents (live cases plus statistics kept
after retention) — every table, chart and export, staff and public, p95 < 300 ms with a constant number of queries.

Run with `make bench` (after the survey report) or on its own: `.venv/bin/python bench/situation.py`. SQLite by
default (a file in a temp dir); with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` a fresh
database `sikom_bench_situation_<pid>` there, dropped at the end. As `bench/programme.py` does, `main()` prepares the
throw-away environment and runs this file again in a child process with `--measure`.

The child migrates, loads the reference data and builds the volume with the real models, in bulk: BENCH_SITUATION_LIVE
(default 50,000) live cases with their reports and categories, and statistics (`cases.CaseStatistic`) up to
BENCH_SITUATION_INCIDENTS (default 1,000,000) in all, reported from January 2016 to today; districts weighted by
population, the other characteristics skewed as reports are (threats and insults common, physical attacks rare; a
few lead agency types rare), so that small cells — and with them primary and secondary suppression — occur. It then
builds the pre-aggregated counts (`manage.py refresh_situation --full`, timed) and measures, through Django's test
client as a verified ASSKomm member: the default page, month/quarter/half-year/year over ten years, every
characteristic, cross tables (two characteristics; the period with one), each table's CSV and XLSX export, and the
public page with its exports anonymously. Printed: p50/p95 against the target, queries per page (the staff pages
must all run the same number), the load. Tunables: BENCH_SITUATION_INCIDENTS, BENCH_SITUATION_LIVE,
BENCH_SITUATION_REQUESTS (default 30), BENCH_SITUATION_SEED (default 2016).
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
TARGET_P95_MS = 300
WARM_UP = 2
START = date(2016, 1, 1)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sikom-situation-"))
    admin_url = os.environ.get("BENCH_DATABASE_URL", "")
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            if admin_url:
                database_url = cleanup.enter_context(throwaway_database(admin_url, "sikom_bench_situation"))
            else:
                database_url = f"sqlite:///{workdir}/situation.sqlite3"
            print()
            sys.stdout.flush()
            child = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--measure"],
                cwd=ROOT,
                env=child_env(workdir, database_url, "BENCH_SITUATION_"),
                timeout=7200,
            )
            return child.returncode
        except (BenchError, subprocess.SubprocessError) as error:
            print(f"situation benchmark failed: {error}")
            return 1


# Child: generation

# Skewed as reports are; the weights are the benchmark's own, not a statement about real frequencies.
CATEGORIES = {
    "insult": 30,
    "threat": 25,
    "online_hate": 20,
    "coercion": 5,
    "property_damage": 6,
    "physical_attack": 2,
    "private_sphere": 5,
    "data_published": 3,
    "other": 4,
}
MOTIVES = {"right_wing": 30, "left_wing": 8, "religious": 2, "reichsbuerger": 6, "foreign_ideology": 1, "none": 40}
ROLES = {
    "mayor": 30,
    "lord_mayor": 3,
    "district_administrator": 2,
    "deputy": 5,
    "council_member": 35,
    "candidate": 10,
    "municipal_employee": 10,
    "relative": 5,
}
CHANNELS = {"in_person": 20, "letter": 10, "email": 20, "phone": 8, "social_network": 30, "messenger": 8, "other": 4}
PLACES = {"office": 20, "session": 10, "home": 15, "street": 15, "online": 40}
LEADS = {"zastex": 50, "police_directorate": 35, "zmi": 5, "expert_network": 4, "lka_protection": 1, "zora": 2, "": 3}
RISKS = {1: 40, 2: 35, 3: 15, 4: 3, None: 7}
COMPLAINTS = {"yes": 40, "no": 30, "undecided": 30}


class Draw:
    def __init__(self, rng: random.Random, districts: list[tuple[str, int]]):
        self.rng = rng
        self.tables = {}
        for name, weights in {
            "category": CATEGORIES,
            "motive": MOTIVES,
            "role": ROLES,
            "channel": CHANNELS,
            "place": PLACES,
            "lead": LEADS,
            "risk": RISKS,
            "complaint": COMPLAINTS,
        }.items():
            self.tables[name] = (list(weights), list(weights.values()))
        self.tables["district"] = ([key for key, _p in districts], [population for _k, population in districts])
        self.days = (date.today() - START).days

    def one(self, name: str):
        values, weights = self.tables[name]
        return self.rng.choices(values, weights=weights)[0]

    def some(self, name: str, most: int) -> list:
        return sorted({self.one(name) for _ in range(self.rng.randint(1, most))})

    def month(self) -> date:
        # Rising over time, as the seeds describe: later days are drawn more often.
        day = START + timedelta(days=int(self.days * self.rng.random() ** 0.7))
        return day.replace(day=1)


def generate_statistics(count: int, draw: Draw) -> None:
    from sikom.cases.models import CaseStatistic

    batch = []
    for _number in range(count):
        month = draw.month()
        batch.append(
            CaseStatistic(
                reported_month=month,
                closed_month=month,
                district_key=draw.one("district"),
                affected_role=draw.one("role"),
                categories=draw.some("category", 2),
                motives=[m for m in draw.some("motive", 2) if m != "none"] or ["none"],
                place=draw.one("place"),
                channel=draw.one("channel"),
                risk_level=draw.one("risk"),
                lead_type=draw.one("lead"),
                complaint_wish=draw.one("complaint"),
            )
        )
        if len(batch) == 10_000:
            CaseStatistic.objects.bulk_create(batch)
            batch = []
    CaseStatistic.objects.bulk_create(batch)


def generate_live(count: int, draw: Draw) -> None:
    from django.utils import timezone

    from sikom.accounts.models import Organisation
    from sikom.cases.models import Case
    from sikom.geo.models import Municipality
    from sikom.reports.models import Report, ReportCategory

    leads = {}
    for organisation in Organisation.objects.exclude(type="municipality").order_by("pk"):
        leads.setdefault(organisation.type, organisation)
    municipality = {}
    for pk, key in Municipality.objects.values_list("pk", "district__key").order_by("pk"):
        municipality.setdefault(key, pk)
    now = timezone.now()
    done = 0
    while done < count:
        size = min(5000, count - done)
        cases, facts = [], []
        for index in range(size):
            month = draw.month()
            lead = leads.get(draw.one("lead"))
            cases.append(
                Case(
                    number=f"B-{done + index:08d}",
                    status="in_progress",
                    lead=lead,
                    risk_level=draw.one("risk"),
                )
            )
            facts.append(month)
        cases = Case.objects.bulk_create(cases)
        reports = []
        for case, month in zip(cases, facts, strict=True):
            submitted = timezone.make_aware(datetime(month.year, month.month, draw.rng.randint(1, 28), 12))
            reports.append(
                Report(
                    case=case,
                    receipt_hash="bench",
                    submitted_at=submitted,
                    affected_role=draw.one("role"),
                    municipality_id=municipality[draw.one("district")],
                    occurred_on=submitted.date(),
                    place=draw.one("place"),
                    channel=draw.one("channel"),
                    repetition="once",
                    perpetrator="unknown",
                    motives=draw.some("motive", 2),
                    complaint_wish=draw.one("complaint"),
                    privacy_consent_at=now,
                )
            )
        reports = Report.objects.bulk_create(reports)
        ReportCategory.objects.bulk_create(
            [ReportCategory(report=report, code=code) for report in reports for code in draw.some("category", 2)]
        )
        done += size


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

    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    for _number in range(WARM_UP):
        fetch()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fetch()
    samples, cpu = [], []
    for _number in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fetch()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    ok = report(label, samples, TARGET_P95_MS)
    print(
        f"{'':<6}{len(queries)} queries; CPU of this process p50 {statistics.median(cpu):.1f} ms, "
        f"p95 {percentile(cpu, 0.95):.1f} ms; load {load_average()}"
    )
    return ok, len(queries)


def pages(first: int, last: int) -> list[tuple[str, bool, str]]:
    """(label, staff?, url) of every page and export measured."""
    years = f"von={first}&bis={last}"
    staff = [("/lagebild/ (default)", "/lagebild/")]
    for zeit in ("month", "quarter", "half", "year"):
        staff.append((f"/lagebild/ {zeit}, {first}-{last}", f"/lagebild/?{years}&zeit={zeit}"))
    for merkmal in ("district", "category", "role", "channel", "motive", "risk", "lead", "complaint", "form"):
        staff.append((f"/lagebild/ merkmal={merkmal}", f"/lagebild/?{years}&zeit=year&merkmal={merkmal}"))
    for rows, columns in [("district", "category"), ("lead", "motive"), ("role", "channel"), ("period", "district"),
                          ("risk", "period"), ("complaint", "form")]:  # fmt: skip
        staff.append(
            (f"/lagebild/ cross {rows} x {columns} (months)",
             f"/lagebild/?{years}&zeit=month&zeilen={rows}&spalten={columns}")
        )  # fmt: skip
    exports = []
    for table in ("zeit", "kreis", "merkmal", "kreuz"):
        for fmt in ("csv", "xlsx"):
            exports.append(
                (f"/lagebild/ export {table}.{fmt}",
                 f"/lagebild/?{years}&zeit=month&zeilen=period&spalten=district&tabelle={table}&format={fmt}")
            )  # fmt: skip
    public = [("/lagebild/zahlen/ (anonymous)", "/lagebild/zahlen/")]
    for table in ("kreise", "vorfallarten", "komo"):
        for fmt in ("csv", "xlsx"):
            public.append(
                (f"/lagebild/zahlen/ export {table}.{fmt}", f"/lagebild/zahlen/?tabelle={table}&format={fmt}")
            )
    return (
        [(label, True, url) for label, url in staff]
        + [(label, True, url) for label, url in exports]
        + [(label, False, url) for label, url in public]
    )


def measure() -> int:
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from sikom.accounts.models import Organisation, OrganisationType
    from sikom.cases.models import Case, CaseStatistic
    from sikom.geo.models import District, Municipality
    from sikom.situation import cube
    from sikom.situation.models import IncidentCount
    from sikom.testing import login, make_user

    warnings.filterwarnings("ignore", message="No directory at")
    incidents = int(os.environ.get("BENCH_SITUATION_INCIDENTS", "1000000"))
    live = min(int(os.environ.get("BENCH_SITUATION_LIVE", "50000")), incidents)
    repeat = int(os.environ.get("BENCH_SITUATION_REQUESTS", "30"))
    seed = int(os.environ.get("BENCH_SITUATION_SEED", "2016"))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"situation report over {incidents:,} incidents ({live:,} live cases): in-process test client, {label}")
    population = {}
    for key, people in Municipality.objects.values_list("district__key", "population"):
        population[key] = population.get(key, 0) + (people or 0)
    districts = [(key, population.get(key, 1)) for key in District.objects.values_list("key", flat=True)]
    draw = Draw(random.Random(seed), districts)
    step = time.perf_counter()
    with transaction.atomic():
        generate_live(live, draw)
    print(f"  {Case.objects.count():,} live cases with reports in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    with transaction.atomic():
        generate_statistics(incidents - live, draw)
    print(f"  {CaseStatistic.objects.count():,} statistics in {time.perf_counter() - step:.1f} s")
    # As in a database that has run for a while: nothing was written since the last refresh.
    earlier = timezone.now() - timedelta(days=1)
    Case.objects.update(updated_at=earlier)
    CaseStatistic.objects.update(created_at=earlier)
    analyse()
    step = time.perf_counter()
    months = cube.refresh(full=True)
    print(
        f"  full refresh: {months} months, {IncidentCount.objects.count():,} count rows "
        f"in {time.perf_counter() - step:.1f} s"
    )
    # One case changed: the housekeeping run rebuilds its month only.
    case = Case.objects.order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(risk_level=4, updated_at=timezone.now())
    step = time.perf_counter()
    months = cube.refresh()
    print(f"  incremental refresh after one change: {months} month(s) in {(time.perf_counter() - step) * 1000:.0f} ms")
    analyse()
    total = sum(IncidentCount.objects.filter(dim_a="total").values_list("count", flat=True))
    if total != incidents:
        raise BenchError(f"the counts hold {total} incidents, not {incidents}")
    print(f"set-up {time.perf_counter() - started:.1f} s; every incident counted once ({total:,})")
    team = login(Client(), make_user(organisation=Organisation.objects.get(type=OrganisationType.ASSKOMM)))
    anonymous = Client()
    last = date.today().year
    results, counts = [], set()
    for page_label, staff, url in pages(last - 9, last):
        try:
            ok, queries = measure_page(team if staff else anonymous, page_label, url, repeat)
        except Exception as error:
            print(f"{page_label:<44} FAILED: {type(error).__name__}: {error}")
            results.append(False)
            continue
        results.append(ok)
        if staff and "format=" not in url:
            counts.add(queries)
    if len(counts) > 1:
        print(f"the staff pages ran different numbers of queries: {sorted(counts)}")
        results.append(False)
    print(f"situation benchmark took {time.perf_counter() - started:.0f} s in all")
    return 0 if all(results) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        try:
            sys.exit(measure())
        except BenchError as error:
            print(f"situation benchmark failed: {error}")
            sys.exit(1)
    sys.exit(main())

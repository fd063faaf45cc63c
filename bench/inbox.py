"""Inbox benchmark: `GET /faelle/` and the case page over 200,000 cases, in-process with Django's test client.

Run with `make bench` (after bench/run.py and bench/intake.py) or on its own: `.venv/bin/python bench/inbox.py`.
SQLite by default (a file in a temp dir); with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it
connects there with psql only to create a fresh database `sikom_bench_inbox_<pid>`, runs against it and drops it at
the end (PostgreSQL 13 or newer). The temp dir is always removed.

`main()` prepares the throw-away environment (fresh keys, DEBUG=false, its own database) and runs this file again in
a child process with `--measure`, so the figures come from a process whose Django knows only that database. The
child migrates, loads the reference data, generates the cases with `bulk_create` and then measures, as a logged-in,
2FA-verified member of »Polizeidirektion Dresden«, ZASTEX and ZMI, the inbox with its default view, each filter, the
sort variants, page 50 and the case page of a visible case. Printed: p50/p95 against the target (p95 < 150 ms), the
number of SQL queries per page and the slowest query (EXPLAINed when p95 misses). Exits non-zero on a miss.

Tunables (environment): BENCH_INBOX_CASES (default 200000), BENCH_INBOX_REQUESTS (timed requests per page and
member, default 50), BENCH_INBOX_SEED (default 2026).
"""

import contextlib
import logging
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from common import BenchError, measure_in_child, report

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150
WARM_UP = 3
BATCH = 5000  # cases per generation round (one transaction each)
MEMBERS = [("police_directorate", "Polizeidirektion Dresden"), ("zastex", "ZASTEX"), ("zmi", "ZMI")]


# Driver: environment, database, child process


def main() -> int:
    return measure_in_child(__file__, name="inbox", env_prefix="BENCH_INBOX_", timeout=3 * 3600)


# Child: generation


@contextlib.contextmanager
def explicit_timestamps(*models):
    """bulk_create runs pre_save, which would stamp auto_now(_add) fields with now; the generator sets them itself."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


CATEGORY_WEIGHTS = {
    "insult": 20,
    "threat": 22,
    "coercion": 4,
    "property_damage": 8,
    "physical_attack": 3,
    "online_hate": 25,
    "private_sphere": 8,
    "data_published": 4,
    "other": 6,
}
PLACE_WEIGHTS = {"office": 25, "session": 12, "home": 20, "street": 18, "online": 25}
EXTREMIST = ["right_wing", "right_wing", "right_wing", "reichsbuerger", "left_wing", "religious", "foreign_ideology"]
OPEN_RECENT = {"received": 45, "in_review": 35, "in_progress": 20}
OPEN_OLDER = {"received": 3, "in_review": 22, "in_progress": 40, "measures_active": 18, "referred": 7, "reopened": 10}
CHANNELS = {"in_person": 20, "letter": 10, "email": 15, "phone": 8, "social_network": 35, "messenger": 8, "other": 4}
MANUAL_SHARE = 0.06  # of the cases the rules share with neither ZASTEX nor ZMI
ROLES = {
    "mayor": 25,
    "lord_mayor": 3,
    "district_administrator": 2,
    "deputy": 5,
    "council_member": 35,
    "candidate": 8,
    "municipal_employee": 17,
    "relative": 5,
}


def generate(total: int, seed: int) -> dict:
    """Cases, reports, categories and shares with `bulk_create`; explicit keys, one transaction per round; the inbox
    rows by `refresh_inbox_entries`."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from sikom.accounts.models import Organisation, OrganisationType
    from sikom.cases import deadlines, routing
    from sikom.cases.models import Case, CaseNumberSequence, CaseShare, RiskLevel
    from sikom.cases.services import refresh_inbox_entries
    from sikom.geo.models import Municipality
    from sikom.reports.models import Report, ReportCategory

    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now().replace(microsecond=0)
    # The encrypted fields get plain text and encrypt it per row (a fresh nonce each, as in the app): encrypt_text
    # costs about 2 µs here. Passing one ready token as Value(token, output_field=TextField()) skips that, but the
    # insert compiler then compiles one expression per row, and 30,000 cases took 8.7-8.9 s instead of 8.5-8.6 s.
    description = "Drohung vor dem Haus, mehrfach, zuletzt am Abend."
    contact = {
        "contact_name": "Erika Musterfrau",
        "contact_email": "erika.musterfrau@example.org",
        "contact_phone": "+49 351 0000000",
    }

    municipalities = list(Municipality.objects.select_related("district").only("pk", "population", "district"))
    # Weighted by population**0.75: the cities get most cases, and every one of the 418 municipalities gets some.
    municipality_weights = [m.population**0.75 for m in municipalities]
    organisations = {
        kind: Organisation.objects.filter(type=kind).order_by("pk").first()
        for kind in (OrganisationType.ZASTEX, OrganisationType.ZMI, OrganisationType.ZORA, OrganisationType.ASSKOMM)
    }
    # One per district, and the Landesdirektion's own (no district) as the fall-back routing also uses.
    expert_networks = {o.district_id: o for o in Organisation.objects.filter(type=OrganisationType.EXPERT_NETWORK)}
    zastex, zmi = organisations[OrganisationType.ZASTEX], organisations[OrganisationType.ZMI]

    @cache
    def decision(categories: frozenset, private: bool, extremist: bool, district_id: int, directorate_id: int):
        # Routing depends only on these facts, so the real rules (routing.decide) run once per combination.
        facts = routing.Facts(
            categories=categories,
            motives=frozenset({"right_wing" if extremist else "none"}),
            place="home" if private else "office",
            district_id=district_id,
            police_directorate_id=directorate_id,
        )
        decided = routing.decide(facts)
        if decided.lead is None:
            raise BenchError(f"routing found no lead for {facts}")
        return decided.lead.pk, tuple(o.pk for o, _ in decided.shares), routing.provisional_level(facts)

    # Creation times over three years, in order, so case numbers rise with time as they do in the app.
    span = timedelta(days=3 * 365).total_seconds()
    created = sorted(now - timedelta(seconds=rng.uniform(3600, span)) for _ in range(total))
    per_year: Counter = Counter()
    stats: Counter = Counter()
    category_pk = share_pk = 0
    with explicit_timestamps(Case, CaseShare, Report):
        for start in range(0, total, BATCH):
            cases, reports, categories, shares = [], [], [], []
            for pk in range(start + 1, min(start + BATCH, total) + 1):
                created_at = created[pk - 1]
                year = timezone.localtime(created_at).year
                per_year[year] += 1
                municipality = rng.choices(municipalities, weights=municipality_weights)[0]
                district = municipality.district
                codes = {pick(rng, CATEGORY_WEIGHTS)}
                if rng.random() < 0.3:
                    codes.add(pick(rng, CATEGORY_WEIGHTS))
                place = "online" if "online_hate" in codes and rng.random() < 0.8 else pick(rng, PLACE_WEIGHTS)
                extremist = rng.random() < 0.35
                motives = [rng.choice(EXTREMIST)] if extremist else ["none"]
                private = place == "home" or bool(codes & routing.PRIVATE_SPHERE_CATEGORIES)
                lead_id, share_ids, level = decision(
                    frozenset(codes), private, extremist, district.pk, district.police_directorate_id
                )
                share_ids = list(share_ids)
                if not {zastex.pk, zmi.pk} & set(share_ids) and rng.random() < MANUAL_SHARE:
                    # A member shares the case by hand with a central office.
                    share_ids.append(zmi.pk if lead_id == zastex.pk else zastex.pk)
                due = deadlines.first_contact_due(created_at, level)
                age = now - created_at
                open_share = 0.8 if age < timedelta(days=90) else 0.2 if age < timedelta(days=365) else 0.05
                if rng.random() < open_share:
                    status = pick(rng, OPEN_RECENT if age < timedelta(days=7) else OPEN_OLDER)
                else:
                    status = "closed"
                contacted = status not in ("received", "in_review") or (status == "in_review" and rng.random() < 0.7)
                first_contact_at = (
                    min(now, created_at + (due - created_at) * rng.uniform(0.1, 1.3)) if contacted else None
                )
                closed_at = min(now, created_at + timedelta(days=rng.uniform(5, 120))) if status == "closed" else None
                provisional = status in ("received", "in_review") or rng.random() < 0.3
                risk = level
                if not provisional:  # a danger analysis set the level
                    risk = RiskLevel.ACUTE if rng.random() < 0.04 else max(1, min(3, level + rng.choice((-1, 0, 0, 1))))
                # Referrals: the lead passes to the district's Expertennetzwerk, ZORA or ASSKomm; the previous keeps a share.
                roll = rng.random()
                if status == "referred" or roll < 0.05:
                    target = (
                        expert_networks.get(district.pk, expert_networks[None])
                        if roll < 0.03 or status == "referred"
                        else organisations[OrganisationType.ZORA if roll < 0.045 else OrganisationType.ASSKOMM]
                    )
                    if target.pk != lead_id:
                        share_ids = [o for o in share_ids if o != target.pk]
                        share_ids.append(lead_id)
                        lead_id = target.pk
                activity = created_at + timedelta(days=rng.uniform(0, 20)) if rng.random() < 0.05 else None
                cases.append(
                    Case(
                        pk=pk,
                        number=f"SK-{year}-{per_year[year]:06d}",
                        status=status,
                        lead_id=lead_id,
                        risk_level=risk,
                        risk_level_is_provisional=provisional,
                        first_contact_due_at=due,
                        first_contact_at=first_contact_at,
                        closed_at=closed_at,
                        created_at=created_at,
                        updated_at=closed_at or first_contact_at or created_at,
                        reporter_activity_at=min(activity, now) if activity and status != "closed" else None,
                    )
                )
                anonymous = rng.random() < 0.6
                reports.append(
                    Report(
                        pk=pk,
                        case_id=pk,
                        receipt_hash="scrypt$bench",
                        submitted_at=created_at,
                        affected_role=pick(rng, ROLES),
                        municipality_id=municipality.pk,
                        relatives_affected=rng.random() < 0.2,
                        occurred_on=timezone.localdate(created_at) - timedelta(days=rng.randrange(0, 10)),
                        place=place,
                        channel="social_network" if place == "online" else pick(rng, CHANNELS),
                        repetition="repeated" if rng.random() < 0.3 else "once",
                        perpetrator=rng.choice(("known", "unknown", "unknown", "group")),
                        motives=motives,
                        description=description,
                        anonymous=anonymous,
                        contact_preference="" if anonymous else "email",
                        complaint_wish=rng.choice(("yes", "no", "undecided")),
                        privacy_consent_at=created_at,
                        receipt_sections=[],
                        **({} if anonymous else contact),
                    )
                )
                for code in sorted(codes):
                    category_pk += 1
                    categories.append(ReportCategory(pk=category_pk, report_id=pk, code=code))
                for organisation_id in share_ids:
                    share_pk += 1
                    shares.append(
                        CaseShare(pk=share_pk, case_id=pk, organisation_id=organisation_id, created_at=created_at)
                    )
                stats["closed" if status == "closed" else "open"] += 1
                stats["central share"] += bool({zastex.pk, zmi.pk} & set(share_ids))
            with transaction.atomic():
                Case.objects.bulk_create(cases)
                Report.objects.bulk_create(reports)
                ReportCategory.objects.bulk_create(categories)
                CaseShare.objects.bulk_create(shares)
                # The inbox rows, by the service every write in the app calls.
                refresh_inbox_entries(case_ids=[case.pk for case in cases])
    CaseNumberSequence.objects.bulk_create([CaseNumberSequence(year=y, last=n) for y, n in sorted(per_year.items())])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Case, Report, ReportCategory, CaseShare]):
            cursor.execute(statement)
    seconds = time.perf_counter() - started
    print(
        f"generated {total} cases in {seconds:.1f} s ({total / seconds:.0f}/s): {category_pk} category rows, "
        f"{share_pk} shares; open {stats['open'] / total:.1%}, shared with ZASTEX or ZMI "
        f"{stats['central share'] / total:.1%}"
    )
    return {"seconds": seconds}


def analyse() -> float:
    """PostgreSQL: VACUUM ANALYZE, the state autovacuum reaches after a bulk load. SQLite: nothing (see the docs)."""
    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def describe_data() -> None:
    from django.db.models import Count, Q

    from sikom.accounts.models import Organisation
    from sikom.cases.models import Case, InboxEntry

    print(f"inbox rows {InboxEntry.objects.count()}")
    print("lead distribution:", end=" ")
    rows = Organisation.objects.annotate(n=Count("lead_cases")).filter(n__gt=0).order_by("-n").values_list("name", "n")
    print(", ".join(f"{name[:28]} {n}" for name, n in rows[:12]), "…" if len(rows) > 12 else "")
    overdue = Case.objects.filter(
        ~Q(status="closed"), first_contact_at__isnull=True, first_contact_due_at__lt=datetime.now(UTC)
    ).count()
    print(
        f"open {Case.objects.exclude(status='closed').count()}, overdue {overdue}, "
        f"acute {Case.objects.filter(risk_level=4).count()}, statuses "
        + ", ".join(f"{s} {n}" for s, n in Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    )


# Child: measurement


def capture(client, url: str) -> tuple[list[dict], object]:
    """One request with every query recorded (both connections: `audit` writes outside the transaction)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with contextlib.ExitStack() as stack:
        contexts = [stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections]
        response = client.get(url)
    return [query for context in contexts for query in context.captured_queries], response


def explain(sql: str) -> str:
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{row[0]:>4} {row[1]:>4}  {row[-1]}" for row in rows)


def rerun(queries: list[dict]) -> list[tuple[float, str]]:
    """Each SELECT of a page run again alone, with all its rows fetched (best of 3, ms).

    The times CaptureQueriesContext records cover `execute` only; SQLite hands out the first row of a grouped
    or unsorted scan long before the scan ends, so they are no guide to the slowest query there.
    """
    from django.db import connection

    timed = []
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)  # the SQL as executed, parameters already quoted in by the backend
                cursor.fetchall()
            best = min(best, (time.perf_counter() - start) * 1000)
        timed.append((best, sql))
    return timed


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure_page(client, label: str, url: str, repeat: int) -> bool:
    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
    queries, response = capture(client, url)
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    total = re.search(r'id="liste">\s*([\d.]+) F', response.content.decode())
    timed = rerun(queries)
    slowest_ms, slowest = max(timed)
    sql = " ".join(slowest.split())
    ok = report(label, samples, TARGET_P95_MS)
    print(
        f"{'':<6}{len(queries)} queries{f', {total.group(1)} cases listed' if total else ''}; CPU of this process "
        f"p50 {statistics.median(cpu):.1f} ms; SELECTs alone {sum(t for t, _ in timed):.1f} ms, slowest "
        f"{slowest_ms:.1f} ms: {sql[:140]}{'…' if len(sql) > 140 else ''}"
    )
    if not ok:
        print(f"{'':<6}EXPLAIN of the slowest query:")
        print("\n".join(f"{'':<8}{line}" for line in explain(slowest).splitlines()))
    return ok


def member_pages(client, display: str) -> list[tuple[str, str]]:
    """The pages of one member; the case number (and the part of it searched for) comes from the member's listing."""
    listing = client.get("/faelle/?sort=due")  # the default listing, spelled out
    if listing.status_code != 200:
        raise BenchError(f"/faelle/?sort=due answered {listing.status_code}")
    numbers = re.findall(r'href="/faelle/(SK-\d{4}-\d{6})/"', listing.content.decode())
    if not numbers:
        raise BenchError(f"{display} sees no open case")
    number = numbers[0]
    part = number[3:-2]  # »2026-0123«: a hundred numbers of one year
    return [
        ("/faelle/ (default: open, by due date)", "/faelle/"),
        ("/faelle/?status= (all, incl. closed)", "/faelle/?status="),
        ("?status=in_review", "/faelle/?status=in_review"),
        ("?risk=4", "/faelle/?risk=4"),
        ("?due=overdue", "/faelle/?due=overdue"),
        ("?district=14612 (Dresden)", "/faelle/?district=14612"),
        ("?category=threat", "/faelle/?category=threat"),
        ("?relation=shared", "/faelle/?relation=shared"),
        (f"?q={part}", f"/faelle/?q={part}"),
        ("?sort=newest", "/faelle/?sort=newest"),
        ("?sort=risk", "/faelle/?sort=risk"),
        ("?seite=50 (default listing)", "/faelle/?seite=50"),
        (f"case page /faelle/{number}/", f"/faelle/{number}/"),
    ]


def measure() -> int:
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sikom.accounts.models import Organisation
    from sikom.testing import login, make_user

    warnings.filterwarnings("ignore", message="No directory at")
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a failing page is reported in one line below
    total = int(os.environ.get("BENCH_INBOX_CASES", "200000"))
    repeat = int(os.environ.get("BENCH_INBOX_REQUESTS", "50"))
    seed = int(os.environ.get("BENCH_INBOX_SEED", "2026"))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"inbox over {total} cases: in-process test client, {label}; Python {sys.version.split()[0]}")
    print(f"set-up (migrate, reference data) {time.perf_counter() - started:.1f} s")
    generate(total, seed)
    print(f"analyse {analyse():.1f} s")
    describe_data()
    print(f"load average before measuring: {load_average()} ({os.cpu_count()} CPUs)")
    results = []
    for kind, name in MEMBERS:
        organisation = Organisation.objects.filter(type=kind, name__startswith=name).get()
        client = login(Client(), make_user(organisation=organisation))
        display = organisation.name.split(" – ")[0]
        print(f"\n{display}: leads {organisation.lead_cases.count()}, shared on {organisation.shared_cases.count()}")
        try:
            pages = member_pages(client, display)
        except BenchError as error:
            print(f"inbox benchmark failed: {error}")
            results.append(False)
            continue
        for page_label, url in pages:
            try:
                results.append(measure_page(client, page_label, url, repeat))
            except Exception as error:  # e.g. TemplateDoesNotExist while other apps are being finished
                print(f"{page_label:<44} FAILED: {type(error).__name__}: {error}")
                results.append(False)
    print(f"\nload average after measuring: {load_average()}")
    print(f"inbox benchmark took {time.perf_counter() - started:.0f} s in all")
    return 0 if all(results) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        try:
            sys.exit(measure())
        except BenchError as error:
            print(f"inbox benchmark failed: {error}")
            sys.exit(1)
    sys.exit(main())

"""Funding benchmark: the review list and the budget overview of a call with 20,000 applications, in-process with
Django's test client as a logged-in, 2FA-verified member of the ASSKomm team (the funding staff).

Run with `make bench` or on its own: `.venv/bin/python bench/funding.py`. SQLite by default (a file in a temp dir);
with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it creates a fresh database
`sikom_bench_funding_<pid>` on that server and drops it at the end. `main()` runs this file again in a child process
with `--measure` (fresh keys, DEBUG=false, its own database).

The child migrates, loads the reference data and generates, with `bulk_create`, one call and BENCH_FUNDING_SMALL
(default 1,000) applications, then up to BENCH_FUNDING_LARGE (default 20,000): every application with two cost
lines and an own-funds line, each third decided (approved with its per-year commitment), every second reviewed by
two reviewers, a payment on every tenth approval. Pages measured (BENCH_FUNDING_REPEAT requests each, default 30):
the review list of the call ranked by score (`/foerderung/antraege/?aufruf=…&reihenfolge=punkte`, first page of 50),
the list filtered by »in review«, and the budget overview (`/foerderung/aufrufe/…/haushalt/`).

Targets (exit non-zero on a miss): p95 under 150 ms for each page at the large size, and the same number of
queries at both sizes (constant query counts).
"""

import logging
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from common import BenchError, measure_in_child, report

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000
TARGET_P95_MS = 150


def main() -> int:
    return measure_in_child(__file__, name="funding", env_prefix="BENCH_FUNDING_", timeout=3600)


def make_call():
    from sikom.funding.models import Call, CallBudget, CostCategory, ReviewCriterion

    call = Call.objects.create(
        title="[Bench] Förderaufruf",
        year=2027,
        opens_on=date(2026, 8, 31),
        closes_on=date(2026, 10, 15),
        period_start=date(2027, 1, 1),
        period_end=date(2028, 12, 31),
        max_funding_rate=Decimal("90"),
        min_own_share=Decimal("10"),
        consultation_required=True,
        rules_source="[Bench]",
        is_published=True,
    )
    for year in (2027, 2028):
        CallBudget.objects.create(call=call, year=year, amount=Decimal("500000000.00"))
    CostCategory.objects.create(call=call, name="Honorare", eligible=True)
    for name, weight in (("Problembezug", 60), ("Umsetzbarkeit", 40)):
        ReviewCriterion.objects.create(call=call, name=name, weight=weight, max_points=5)
    return call


def generate(call, upto: int, rng: random.Random, reviewers) -> None:
    from django.db import transaction
    from django.utils import timezone

    from sikom.funding.models import (
        Application,
        Commitment,
        CostLine,
        OwnFund,
        Payment,
        Review,
        StatusChange,
    )
    from sikom.geo.models import Municipality

    municipalities = list(Municipality.objects.only("pk"))
    category = call.categories.get()
    existing = Application.objects.filter(call=call).count()
    now = timezone.now()
    while existing < upto:
        size = min(BATCH, upto - existing)
        with transaction.atomic():
            applications = []
            for index in range(existing, existing + size):
                costs = Decimal(rng.randrange(2000, 60000))
                requested = (costs * Decimal("0.9")).quantize(Decimal("0.01"))
                decided = index % 3 == 0
                applications.append(
                    Application(
                        call=call,
                        municipality=rng.choice(municipalities),
                        number=f"KP-2027-{index + 1:05d}",
                        status="approved" if decided else "in_review",
                        applicant="[Bench] Gemeinde",
                        title=f"[Bench] Projekt {index + 1}",
                        starts_on=date(2027, 1, 1),
                        ends_on=date(2028, 12, 31),
                        target_groups="Bewohnerinnen und Bewohner",
                        step_1="Problem " * 40,
                        step_2="Ursachen " * 40,
                        step_3="Ziele " * 40,
                        step_4="Maßnahmen " * 40,
                        step_5="Konzept " * 40,
                        requested=requested,
                        granted=requested if decided else None,
                        decided_at=now if decided else None,
                        submitted_at=now,
                    )
                )
            Application.objects.bulk_create(applications, batch_size=1000)
            lines, own, history, reviews, commitments, payments, scored = [], [], [], [], [], [], []
            for application in applications:
                half = (application.requested / Decimal("0.9") / 2).quantize(Decimal("0.01"))
                lines += [
                    CostLine(
                        application=application, category=category, year=2027, description="Honorare", amount=half
                    ),
                    CostLine(
                        application=application, category=category, year=2028, description="Honorare", amount=half
                    ),
                ]
                own.append(OwnFund(application=application, kind="money", description="Haushalt",
                                   amount=half * 2 - application.requested))  # fmt: skip
                history.append(StatusChange(application=application, status="submitted"))
                if int(application.number[-5:]) % 2 == 0:
                    totals = []
                    for reviewer in reviewers:
                        points = {"1": rng.randint(0, 5), "2": rng.randint(0, 5)}
                        totals.append(Decimal(60 * points["1"] + 40 * points["2"]))
                        reviews.append(Review(application=application, reviewer=reviewer, scores=points,
                                              total=totals[-1]))  # fmt: skip
                    # What the review service keeps on the application.
                    scored.append(application)
                    application.review_count = len(totals)
                    application.score = (sum(totals) / len(totals)).quantize(Decimal("0.01"))
                if application.status == "approved":
                    share = (application.requested / 2).quantize(Decimal("0.01"))
                    for year, amount in ((2027, share), (2028, application.requested - share)):
                        commitments.append(Commitment(call=call, application=application, year=year, kind="commit",
                                                      amount=amount))  # fmt: skip
                    if int(application.number[-5:]) % 10 == 1:
                        payments.append(Payment(application=application, year=2027, amount=share, expenditure="x",
                                                status="paid"))  # fmt: skip
            CostLine.objects.bulk_create(lines, batch_size=2000)
            OwnFund.objects.bulk_create(own, batch_size=2000)
            StatusChange.objects.bulk_create(history, batch_size=2000)
            Review.objects.bulk_create(reviews, batch_size=2000)
            Application.objects.bulk_update(scored, ["review_count", "score"], batch_size=1000)
            Commitment.objects.bulk_create(commitments, batch_size=2000)
            Payment.objects.bulk_create(payments, batch_size=2000)
        existing += size


def timed(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection

    client.get(url)  # warm up templates, translations, imports
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: the request's end closes the connection (CONN_MAX_AGE 0), its log with it.
    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
    return samples, len(queries)


def measure() -> int:
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sikom.accounts.models import Organisation, OrganisationType
    from sikom.testing import login, make_user

    warnings.filterwarnings("ignore", message="No directory at")
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    small = int(os.environ.get("BENCH_FUNDING_SMALL", "1000"))
    large = int(os.environ.get("BENCH_FUNDING_LARGE", "20000"))
    repeat = int(os.environ.get("BENCH_FUNDING_REPEAT", "30"))
    rng = random.Random(int(os.environ.get("BENCH_FUNDING_SEED", "2026")))
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"funding ({small} and {large} applications): in-process test client, {label}; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")  # fmt: skip
    asskomm = Organisation.objects.get(type=OrganisationType.ASSKOMM)
    client = login(Client(), make_user(organisation=asskomm))
    reviewers = [make_user(organisation=asskomm), make_user(organisation=asskomm)]
    call = make_call()
    pages = {
        "review list, ranked by score": f"/foerderung/antraege/?aufruf={call.pk}&reihenfolge=punkte",
        "review list, in review": f"/foerderung/antraege/?aufruf={call.pk}&stand=in_review",
        "budget overview": f"/foerderung/aufrufe/{call.pk}/haushalt/",
    }
    counts: dict[tuple[str, int], int] = {}
    ok = True
    for total in (small, large):
        started = time.perf_counter()
        generate(call, total, rng, reviewers)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"generated up to {total} applications in {time.perf_counter() - started:.1f} s")
        for name, url in pages.items():
            samples, queries = timed(client, url, repeat)
            counts[(name, total)] = queries
            if total == large:
                ok &= report(f"funding {name} ({total}, {label})", samples, TARGET_P95_MS)
            else:
                print(f"  {name} at {total}: p95 {sorted(samples)[int(0.95 * (len(samples) - 1))]:.1f} ms, "
                      f"{queries} queries")  # fmt: skip
    for name in pages:
        same = counts[(name, small)] == counts[(name, large)]
        ok &= same
        print(f"  {name}: {counts[(name, small)]} queries at {small}, {counts[(name, large)]} at {large} "
              f"{'ok' if same else 'MISSED (grows)'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        try:
            sys.exit(measure())
        except BenchError as error:
            print(f"funding benchmark failed: {error}")
            sys.exit(1)
    sys.exit(main())

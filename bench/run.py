"""sikom benchmarks: run with `make bench`. Prints figures and their ratio to the target; exits non-zero on a miss.

Each benchmark sets up its own throw-away database (an SQLite file in a temp dir by default; with BENCH_DATABASE_URL
a fresh PostgreSQL database created on that server and dropped at the end), never the caller's DATABASE_URL, and
removes its temp dir at the end; it loads the reference data and measures in-process with Django's test client, so the figures show
the application's own cost without network or server overhead. At the end, bench/intake.py measures report intake
over real HTTP on gunicorn (2 workers), with its own server and database, bench/inbox.py the inbox over 200,000
cases, bench/documents.py the PDF documents (the dossier and 10,000 serial letters), bench/programme.py the
programme figures page at 100 times the demo volume, bench/consultations_export.py the CSV/XLSX export of
100,000 consultations (time and peak memory against 10,000), bench/events_registration.py the event registration
rush and the event list over HTTP on gunicorn, bench/survey_stats.py the survey statistics (raking and 30
estimates on 100,000 responses, against R's survey package when R is installed), bench/survey_letters.py 10,000
survey letters as one PDF, bench/survey_report.py the survey report for 5,000 responses (HTML and PDF) and
bench/funding.py the funding review list and budget overview with 20,000 applications and
bench/situation.py the situation report over 1,000,000 incidents.
"""

import contextlib
import itertools
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import consultations_export  # noqa: E402 -- bench/consultations_export.py, found through the path set above
import documents  # noqa: E402 -- bench/documents.py, found through the path set above
import events_registration  # noqa: E402 -- bench/events_registration.py, found through the path set above
import funding  # noqa: E402 -- bench/funding.py, found through the path set above
import inbox  # noqa: E402 -- bench/inbox.py, found through the path set above
import intake  # noqa: E402 -- bench/intake.py, found through the path set above
import programme  # noqa: E402 -- bench/programme.py, found through the path set above
import situation  # noqa: E402 -- bench/situation.py, found through the path set above
import survey_letters  # noqa: E402 -- bench/survey_letters.py, found through the path set above
import survey_report  # noqa: E402 -- bench/survey_report.py, found through the path set above
import survey_stats  # noqa: E402 -- bench/survey_stats.py, found through the path set above
from common import report, throwaway_database  # noqa: E402 -- bench/common.py, found through the path set above


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    with contextlib.ExitStack() as cleanup:
        workdir = tempfile.mkdtemp(prefix="sikom-bench-")
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        admin_url = os.environ.get("BENCH_DATABASE_URL", "")
        if admin_url:
            os.environ["DATABASE_URL"] = cleanup.enter_context(throwaway_database(admin_url, "sikom_bench_run"))
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "sikom.settings"
        import django

        django.setup()
        from django.db import connections

        cleanup.callback(connections.close_all)  # before the database is dropped
        return in_process()


def in_process() -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    warnings.filterwarnings("ignore", message="No directory at")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from sikom.geo.selectors import search_municipalities

    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    queries = ["Pirna", "Pirma", "Goerlitz", "Dresdn", "Bautz", "Annaberg", "Chemniz", "Großenhain", "Zwikau", "Plauen"]
    cycle = itertools.cycle(queries)
    client = Client()
    result_url = "/wegweiser/ergebnis/?fuer=official&anliegen=threat&anliegen=online_hate&akut=ja&kreis=14628"
    client.get("/")  # warm up templates and translations
    results = [
        report("municipality search (typo-tolerant, 418)", timed(lambda: search_municipalities(next(cycle)), 500), 10),
        report("GET /angebote/ (catalogue, 19 offers)", timed(lambda: client.get("/angebote/"), 100), 100),
        report(
            "GET /angebote/?q=beratung&situation=threat",
            timed(lambda: client.get("/angebote/?q=beratung&situation=threat"), 100),
            100,
        ),
        report("GET /wegweiser/ergebnis/ (ranked + contacts)", timed(lambda: client.get(result_url), 100), 100),
        report(
            "POST /wegweiser/ort/ (municipality → district)",
            timed(
                lambda: client.post(
                    "/wegweiser/ort/", {"fuer": "official", "anliegen": "threat", "akut": "nein", "gemeinde": "Pirma"}
                ),
                100,
            ),
            100,
        ),
    ]
    # Intake over real HTTP on gunicorn (bench/intake.py): its own server, database and temp dir.
    intake_status = intake.main()
    # The inbox over 200,000 cases (bench/inbox.py): its own child process, database and temp dir.
    inbox_status = inbox.main()
    # The PDF documents (bench/documents.py): child processes with their own database and temp dir.
    documents_status = documents.main()
    # The programme figures at 100x the demo volume (bench/programme.py): its own child process and database.
    programme_status = programme.main()
    # The consultation export over 10,000 and 100,000 rows (bench/consultations_export.py): its own child process.
    export_status = consultations_export.main()
    # Event registration rush and the event list over HTTP (bench/events_registration.py): own server and database.
    events_status = events_registration.main()
    # Raking and 30 estimates on 100,000 survey responses, sikom against R (bench/survey_stats.py): no database.
    survey_status = survey_stats.main()
    # 10,000 survey letters as one PDF (bench/survey_letters.py): time and peak memory, in child processes.
    letters_status = survey_letters.main()
    # The survey report for 5,000 responses, HTML page and PDF (bench/survey_report.py): its own child and database.
    report_status = survey_report.main()
    # The funding review list and budget overview with 20,000 applications (bench/funding.py): its own child process.
    funding_status = funding.main()
    # The Lagebild over 1,000,000 incidents (bench/situation.py): its own child process and database.
    situation_status = situation.main()
    statuses = (
        intake_status,
        inbox_status,
        documents_status,
        programme_status,
        export_status,
        events_status,
        survey_status,
        letters_status,
        report_status,
        funding_status,
        situation_status,
    )
    return 0 if all(results) and not any(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())

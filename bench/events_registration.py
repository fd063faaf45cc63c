"""Events benchmark over real HTTP on gunicorn: registration throughput under a rush, and the public event list.

1. Registration: 2,000 logged-in members (sessions made directly in the database: no password hashing in the set-up)
   register for one session with 200 seats, 20 concurrent clients, each attempt a GET of the form (CSRF cookie) and
   the measured POST. Afterwards exactly 200 must be confirmed and 1,800 on the waiting list with positions 1…1,800
   (the session lock of decision 0024 under load); target p95 of the POST < 300 ms.
2. The public event list (`/veranstaltungen/`, paginated) with 5,000 upcoming published events: 200 GETs by 4
   clients, target p95 < 100 ms. (Its constant query count is asserted in events/tests/test_public.py.)

SQLite by default; PostgreSQL with `--postgres` or when DATABASE_URL / BENCH_DATABASE_URL names a PostgreSQL server:
a throw-away database `sikom_bench_events_<pid>` is created there with psql and dropped at the end. gunicorn runs
with `BENCH_EVENTS_WORKERS` sync workers (default 4). Run: `.venv/bin/python bench/events_registration.py [--postgres]`
(or `make bench`, which runs it after the other benchmarks). Exits non-zero on a miss.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import BenchError, report, throwaway_database  # noqa: E402
from intake import (  # noqa: E402
    HOST,
    VENV_BIN,
    Session,
    free_port,
    manage,
    server_env,
    stop_and_check_log,
    wait_until_healthy,
)

SEATS = 200
ATTEMPTS = 2000
CLIENTS = 20
LIST_EVENTS = 5000
LIST_REQUESTS = 200
TARGET_REGISTER_P95_MS = 300
TARGET_LIST_P95_MS = 100


def seed(out: str) -> None:
    """In the server's environment: the session with 200 seats, 2,000 members with logged-in sessions, and 5,000
    upcoming published events for the list. Writes the session id and the session cookies as JSON to `out`."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from sikom.accounts.models import User

    UNUSABLE = UNUSABLE_PASSWORD_PREFIX + "bench"  # no login by password: the sessions below are made directly
    from sikom.events.models import Event, EventTargetGroup, Session

    start = timezone.now() + timedelta(days=30)
    with transaction.atomic():
        event = Event.objects.create(
            title="Benchmark-Training", type="deescalation", summary="Benchmark", organiser="Bench", is_published=True
        )
        session = Session.objects.create(
            event=event,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=SEATS,
            street="Markt 1",
            postcode_city="01796 Pirna",
        )
        users = User.objects.bulk_create(
            [User(email=f"bench{n}@example.org", full_name=f"Bench {n}", password=UNUSABLE) for n in range(ATTEMPTS)]
        )
        cookies = []
        for user in User.objects.filter(email__startswith="bench").order_by("pk"):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            cookies.append(store.session_key)
        assert len(users) == ATTEMPTS
        events = Event.objects.bulk_create(
            [
                Event(
                    title=f"Veranstaltung {n:05d}",
                    type="lecture",
                    summary="Liste",
                    organiser="Bench",
                    is_published=True,
                )
                for n in range(LIST_EVENTS)
            ]
        )
        Session.objects.bulk_create(
            [
                Session(
                    event=e,
                    starts_at=start + timedelta(hours=n % 500),
                    ends_at=start + timedelta(hours=n % 500 + 2),
                    capacity=30,
                    street="Markt 1",
                    postcode_city="01067 Dresden",
                )
                for n, e in enumerate(events)
            ]
        )
        EventTargetGroup.objects.bulk_create([EventTargetGroup(event=e, code="officials") for e in events])
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics for the bulk-inserted rows now, as autovacuum would gather them within a minute; without
        # them PostgreSQL plans the list for a handful of sessions and hashes all 5,000.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    Path(out).write_text(json.dumps({"session": session.pk, "cookies": cookies}))


def outcome(out: str, session_id: int) -> None:
    import django

    django.setup()
    from sikom.events.models import Registration

    registrations = Registration.objects.filter(session_id=session_id)
    waiting = sorted(registrations.filter(status="waiting").values_list("queue_position", flat=True))
    Path(out).write_text(
        json.dumps(
            {
                "confirmed": registrations.filter(status="confirmed").count(),
                "waiting": len(waiting),
                "positions_ok": waiting == list(range(1, len(waiting) + 1)),
                "total": registrations.count(),
            }
        )
    )


def _child(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "python"), __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode:
        raise BenchError(f"{args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def register_rush(port: int, session_id: int, cookies: list[str]) -> tuple[list[float], int]:
    path = f"/veranstaltungen/termine/{session_id}/anmelden/"
    queue = list(cookies)
    lock = threading.Lock()
    samples: list[float] = []
    failures = []

    def client_loop() -> None:
        while True:
            with lock:
                if not queue:
                    return
                cookie = queue.pop()
            browser = Session(port)
            browser.cookies["sessionid"] = cookie
            form = browser.get(path)
            answer = browser.post(path, {"organisation": "Gemeinde Bench", "role": "", "accessibility_needs": ""})
            with lock:
                settled = (
                    "Ihre Anmeldung ist bestätigt" in answer.text or "Sie stehen auf der Warteliste" in answer.text
                )
                if form.status != 200 or answer.status != 200 or not settled:
                    failures.append((form.status, answer.status))
                samples.append(answer.elapsed_ms)

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        f"{len(samples)} registration attempts by {CLIENTS} clients in {elapsed:.1f} s "
        f"({len(samples) / elapsed:.0f}/s), {len(failures)} failed requests"
    )
    return samples, len(failures)


def list_requests(port: int) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()
    remaining = [LIST_REQUESTS]

    def client_loop() -> None:
        browser = Session(port)
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            answer = browser.get("/veranstaltungen/")
            if answer.status != 200 or "Seite 1 von 251" not in answer.text:
                raise BenchError(f"event list answered {answer.status}")
            with lock:
                samples.append(answer.elapsed_ms)

    threads = [threading.Thread(target=client_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def main() -> int:
    postgres = "--postgres" in sys.argv
    admin_url = os.environ.get("BENCH_DATABASE_URL", "")
    database_url = os.environ.get("DATABASE_URL", "")
    if not admin_url and database_url.startswith("postgres"):
        admin_url = database_url
    if postgres and not admin_url:
        admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    workers = os.environ.get("BENCH_EVENTS_WORKERS", "4")
    workdir = Path(tempfile.mkdtemp(prefix="sikom-events-"))
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            if admin_url:
                url, label = cleanup.enter_context(throwaway_database(admin_url, "sikom_bench_events")), "PostgreSQL"
            else:
                url, label = f"sqlite:///{workdir}/events.sqlite3", "SQLite"
            env = server_env(workdir, url)
            env["EVENT_REGISTRATIONS_PER_HOUR"] = "1000000"
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            seeded = workdir / "seed.json"
            _child(env, "--seed", str(seeded))
            data = json.loads(seeded.read_text())
            port = free_port()
            log = workdir / "gunicorn.log"
            command = [str(VENV_BIN / "gunicorn"), "sikom.wsgi", "--workers", workers, "--timeout", "120"]
            command += ["--bind", f"{HOST}:{port}", "--no-control-socket"]
            with open(log, "ab") as log_file:
                server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
            cleanup.callback(stop_and_check_log, server, log)
            wait_until_healthy(server, port, log)
            print()
            print(f"events over HTTP: gunicorn, {workers} sync workers, {label}, {os.cpu_count()} CPUs")
            for _ in range(20):  # warm-up: every worker compiles its templates
                Session(port).get("/veranstaltungen/")
            samples, failures = register_rush(port, data["session"], data["cookies"])
            result = workdir / "outcome.json"
            _child(env, "--outcome", str(result), str(data["session"]))
            counts = json.loads(result.read_text())
            exact = (
                counts["confirmed"] == SEATS
                and counts["waiting"] == ATTEMPTS - SEATS
                and counts["positions_ok"]
                and not failures
            )
            print(
                f"confirmed {counts['confirmed']} (expected {SEATS}), waiting {counts['waiting']} "
                f"(positions 1…n: {counts['positions_ok']}), total {counts['total']}  {'ok' if exact else 'MISSED'}"
            )
            register_ok = report(
                f"POST registration ({CLIENTS} clients, {SEATS} seats)", samples, TARGET_REGISTER_P95_MS
            )
            list_ok = report(
                f"GET /veranstaltungen/ ({LIST_EVENTS} events, 4 clients)", list_requests(port), TARGET_LIST_P95_MS
            )
            return 0 if exact and register_ok and list_ok else 1
        except BenchError as error:
            print(f"events benchmark failed: {error}")
            return 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--seed":
        seed(sys.argv[2])
    elif len(sys.argv) > 3 and sys.argv[1] == "--outcome":
        outcome(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())

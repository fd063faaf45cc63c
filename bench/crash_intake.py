"""Crash test of report intake: kill -9 the server during intake, again and again, and check what survived.

Run with `make crash-test` or `.venv/bin/python bench/crash_intake.py`. SQLite by default; with
`BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it creates a throw-away database on that server
(see bench/common.py) and drops it at the end. Everything else lives in a temp dir that is removed at the end.

Each round starts gunicorn (2 sync workers, the options of bench/intake.py), lets CRASH_CLIENTS clients walk the
report form over HTTP with two evidence files each (random bytes behind a PNG signature, their SHA-256 noted on the
client side), and kills the server's whole process group with SIGKILL: at a random moment; or after a client sent
its submit (after 0.5–1.1 times the median time the submits so far took, so kills fall in and around the submit);
or as soon as a submit has committed (the script polls the database for a new report every millisecond, so the
server dies while the answer is on its way); or 0–100 ms after a client asked for the confirmation page. The server is restarted and
every interrupted client recovers like a person with the same browser (same session cookie): a client cut off
during the submit reloads it (the browser re-sends the POST) and expects a case number and receipt code; one cut
off at the confirmation reloads that page. Clients cut off earlier give up, leaving their draft behind.

At the end it checks, on the database and the evidence directory:
- every acknowledged report (its client saw number and code) exists, its code opens it, its evidence rows carry the
  client's SHA-256 and the stored files decrypt to exactly those bytes;
- there is no other case (no second case from a resubmit), case numbers have no duplicates and no gaps;
- every case has exactly one notice task row, every »report.submitted« audit entry names an existing case;
- after housekeeping (drafts and files aged past their limits first), no draft is left and the evidence directory
  holds exactly the files of the evidence rows (no orphans, nothing missing).
Exits non-zero if any check fails. Tunables: CRASH_KILLS (default 50), CRASH_CLIENTS (default 2), CRASH_SEED.
"""

import contextlib
import hashlib
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import intake
from common import BenchError
from intake import (
    CASE_NUMBER,
    CONTACT_ANONYMOUS,
    INCIDENT,
    ONLINE_EMPTY,
    PERSON,
    PNG_SIGNATURE,
    Session,
    free_port,
    prepared_environment,
    start_gunicorn,
)

CODE = re.compile(r'id="zugangscode">([\d ]+)<')
STEP = "/melden/schritt/{}/".format
CONFIRMATION = "/melden/bestaetigung/"
SUBMIT = "/melden/absenden/"
PHASES_BEFORE_SUBMIT = ("form", "start", "person", "incident", "online", "upload", "evidence_next", "contact")


class Interrupted(Exception):
    """The server went away during a request."""


class Walker:
    """One reporter with one browser: walks the form, remembers the phase it was in and what it was shown."""

    submit_ms: list[float] = []  # how long the answered submits took, shared by all walkers

    def __init__(self, port: int, number: int, rng: random.Random, signals: dict[str, threading.Event]) -> None:
        self.session = Session(port)
        self.phase = ""
        self.signals = signals
        self.files = [
            (f"beweis-{number}-{i}.png", PNG_SIGNATURE + rng.randbytes(rng.randrange(20_000, 400_000))) for i in (1, 2)
        ]
        self.hashes = sorted(hashlib.sha256(content).hexdigest() for _name, content in self.files)
        self.number = ""
        self.code = ""

    def _send(self, phase: str, method: str, path: str, data: dict | None = None, files=None) -> intake.Response:
        self.phase = phase
        if phase in self.signals:
            self.signals[phase].set()
        try:
            if files is not None:
                return self.session.post_files(path, data or {}, files)
            return self.session.post(path, data or {}) if method == "POST" else self.session.get(path)
        except (OSError, http.client.HTTPException) as error:
            raise Interrupted(phase) from error

    def _expect(self, response: intake.Response, status: int, location: str | None = None) -> intake.Response:
        return intake._expect(response, self.phase, status, location)

    def walk(self) -> None:
        self._expect(self._send("form", "GET", "/melden/"), 200)
        self._expect(self._send("start", "POST", "/melden/"), 302, STEP("person"))
        self._expect(self._send("person", "POST", STEP("person"), PERSON), 302, STEP("vorfall"))
        incident = INCIDENT | {"occurred_on": (date.today() - timedelta(days=1)).isoformat()}
        self._expect(self._send("incident", "POST", STEP("vorfall"), incident), 302, STEP("online"))
        self._expect(self._send("online", "POST", STEP("online"), ONLINE_EMPTY), 302, STEP("beweismittel"))
        files = [("dateien", name, content) for name, content in self.files]
        upload = self._send("upload", "POST", STEP("beweismittel"), {"aktion": "hochladen"}, files)
        self._expect(upload, 302, STEP("beweismittel"))
        following = self._send("evidence_next", "POST", STEP("beweismittel"), {"aktion": "weiter"})
        self._expect(following, 302, STEP("kontakt"))
        self._expect(self._send("contact", "POST", STEP("kontakt"), CONTACT_ANONYMOUS), 302, STEP("pruefen"))
        self.submit()
        self.confirmation()
        self.noted()

    def submit(self) -> None:
        response = self._send("submit", "POST", SUBMIT, {"receipt_sections": ["incident"]})
        self._expect(response, 302, CONFIRMATION)
        self.submit_ms.append(response.elapsed_ms)

    def confirmation(self) -> None:
        page = self._expect(self._send("confirmation", "GET", CONFIRMATION), 200).text
        number, code = CASE_NUMBER.search(page), CODE.search(page)
        if number is None or code is None:
            raise BenchError(f"the confirmation page shows no number or code: {page[:300]}")
        shown = (number.group(1), code.group(1).replace(" ", ""))
        if self.number and shown != (self.number, self.code):
            raise BenchError(f"confirmation showed {shown}, earlier {(self.number, self.code)}")
        self.number, self.code = shown

    def noted(self) -> None:
        self._expect(self._send("noted", "POST", CONFIRMATION), 302, CONFIRMATION)

    def submitted_already(self) -> bool:
        """Whether the interrupted submit had committed: the review step then leads to the confirmation."""
        response = self._send("check", "GET", STEP("pruefen"))
        return response.status == 302 and response.location == CONFIRMATION

    def opens_with_code(self, port: int) -> bool:
        """A fresh browser can open the case with the number and code shown."""
        other = Session(port)
        other.get("/melden/status/")
        response = other.post("/melden/status/", {"number": self.number, "code": self.code})
        return response.status == 302 and response.location == f"/melden/status/{self.number}/"


class Figures:
    def __init__(self) -> None:
        self.kills = Counter()
        self.interrupted = Counter()
        self.committed_before_kill = 0
        self.recovered = 0
        self.completed = 0
        self.acknowledged: list[Walker] = []
        self.abandoned = 0


class CommitWatcher:
    """Counts the committed reports through a connection of its own, to kill the server right after a commit."""

    def __init__(self, database_url: str) -> None:
        if database_url.startswith("sqlite:///"):
            import sqlite3

            self.connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        else:
            import psycopg

            self.connection = psycopg.connect(database_url, autocommit=True)

    def reports(self) -> int:
        return self.connection.execute("SELECT count(*) FROM reports_report").fetchone()[0]

    def wait_for_more_than(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.reports() > count:
                return True
            time.sleep(0.001)
        return False

    def close(self) -> None:
        self.connection.close()


def run_round(
    port: int, figures: Figures, rng: random.Random, clients: int, counter: list[int], server, watcher: CommitWatcher
) -> list:
    """Clients walk until the server is killed; returns the walkers cut off during the kill."""
    target = rng.choice(["random", "submit", "after_commit", "confirmation"])
    reports_before = watcher.reports()
    signals = {"submit": threading.Event(), "confirmation": threading.Event()}
    signals["after_commit"] = signals["submit"]
    interrupted: list[Walker] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            with lock:
                counter[0] += 1
                walker = Walker(port, counter[0], rng, signals)
            try:
                walker.walk()
            except Interrupted:
                with lock:
                    interrupted.append(walker)
                return
            except BaseException as error:  # reported after the round
                failures.append(error)
                return
            with lock:
                figures.completed += 1
                figures.acknowledged.append(walker)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    if target == "random":
        time.sleep(rng.uniform(0.1, 4.0))
    else:
        signals[target].wait(timeout=60)
        if target == "after_commit":
            watcher.wait_for_more_than(reports_before, timeout=30)
        elif target == "submit":
            typical = statistics.median(Walker.submit_ms[-20:]) / 1000 if Walker.submit_ms else 0.2
            time.sleep(typical * rng.uniform(0.5, 1.1))
        else:
            time.sleep(rng.uniform(0, 0.1))
    stop.set()
    os.killpg(server.pid, signal.SIGKILL)  # the master and its workers, at once: nothing gets to clean up
    server.wait(timeout=30)
    figures.kills[target] += 1
    for thread in threads:
        thread.join(timeout=180)
    if failures:
        raise BenchError(f"a walk failed before the kill: {failures[0]}") from failures[0]
    return interrupted


def recover(walker: Walker, port: int, figures: Figures) -> None:  # the restarted server listens on the same port
    """What the person does after the error page, with the same browser (session cookie)."""
    phase = walker.phase
    figures.interrupted[phase] += 1
    if phase in PHASES_BEFORE_SUBMIT:
        figures.abandoned += 1  # they give up; housekeeping removes the draft and its files
        return
    if phase == "submit":
        figures.committed_before_kill += walker.submitted_already()
        walker.submit()  # the reload re-sends the POST
    if phase in ("submit", "confirmation"):
        walker.confirmation()
    if not walker.opens_with_code(port):
        raise BenchError(f"{walker.number}: the code shown after recovery does not open the case")
    walker.noted()
    figures.recovered += 1
    figures.acknowledged.append(walker)


def verify(env: dict[str, str], figures: Figures) -> list[str]:
    """The checks on database and files, in this process with the server's settings; returns the failures."""
    os.environ.clear()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sikom.settings"
    import django

    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from sikom.cases.models import Case, CaseNumberSequence
    from sikom.cases.tasks import notify_case_recipients
    from sikom.core.models import AuditEvent
    from sikom.intake import services
    from sikom.reports import evidence
    from sikom.reports.models import Evidence, Report, ReportDraft

    problems = []
    cases = {case.number: case.pk for case in Case.objects.all()}
    acknowledged = {walker.number: walker for walker in figures.acknowledged}
    if len(acknowledged) != len(figures.acknowledged):
        problems.append("two reporters were shown the same case number")
    if set(cases) != set(acknowledged):
        problems.append(
            f"cases nobody was told of: {sorted(set(cases) - set(acknowledged))}; "
            f"acknowledged but missing: {sorted(set(acknowledged) - set(cases))}"
        )
    counters = sorted(int(number.rsplit("-", 1)[1]) for number in cases)
    last = sum(sequence.last for sequence in CaseNumberSequence.objects.all())
    if counters != list(range(1, len(counters) + 1)) or last != len(counters):
        problems.append(f"case numbers have gaps or duplicates: {len(counters)} cases, counter at {last}")
    for number, walker in acknowledged.items():
        report = Report.objects.filter(case__number=number).first()
        if report is None:
            continue
        if not services.verify_receipt(walker.code, report.receipt_hash):
            problems.append(f"{number}: the code shown does not match the stored hash")
        items = list(report.evidence.all())
        if sorted(item.sha256 for item in items) != walker.hashes:
            problems.append(f"{number}: evidence hashes differ from the uploaded files")
        for item in items:
            digest = hashlib.sha256()
            for chunk in evidence.open_evidence(item.storage_name):
                digest.update(chunk)
            if digest.hexdigest() != item.sha256:
                problems.append(f"{number}: {item.storage_name} does not decrypt to the uploaded bytes")
    notices = Counter(
        row.args_kwargs["args"][0] for row in DBTaskResult.objects.filter(task_path=notify_case_recipients.module_path)
    )
    for number, pk in cases.items():
        if notices[pk] != 1:
            problems.append(f"{number}: {notices[pk]} notice task rows")
    named = set(AuditEvent.objects.filter(action="report.submitted").values_list("object_id", flat=True))
    if named != {str(pk) for pk in cases.values()}:
        problems.append(f"»report.submitted« entries name {len(named)} cases, {len(cases)} exist")

    # Housekeeping as it would run a day later: drafts past 24 hours, files past the orphan age.
    drafts_before = ReportDraft.objects.count()
    ReportDraft.objects.update(updated_at=timezone.now() - services.DRAFT_LIFETIME - timedelta(minutes=1))
    root = Path(env["EVIDENCE_ROOT"])
    old = time.time() - services.ORPHAN_AGE.total_seconds() - 60
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    swept = services.housekeeping()
    on_disk = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    known = set(Evidence.objects.values_list("storage_name", flat=True))
    if on_disk != known:
        problems.append(f"after housekeeping: {len(on_disk - known)} orphan files, {len(known - on_disk)} missing")
    if ReportDraft.objects.exists():
        problems.append(f"{ReportDraft.objects.count()} drafts survived housekeeping")
    print(
        f"housekeeping: {drafts_before} drafts left by abandoned walks deleted ({swept['drafts']} rows with their "
        f"evidence rows), {swept['orphan_files']} orphan files (crashed uploads) deleted; {len(known)} evidence "
        f"files of {len(cases)} cases remain"
    )
    return problems


def main() -> int:
    kills = int(os.environ.get("CRASH_KILLS", "50"))
    clients = int(os.environ.get("CRASH_CLIENTS", "2"))
    seed = int(os.environ.get("CRASH_SEED", str(random.SystemRandom().randrange(2**32))))
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix="sikom-crash-"))
    figures = Figures()
    started = time.monotonic()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            env, label = prepared_environment(cleanup, workdir, "sikom_crash")
            port, log = free_port(), workdir / "gunicorn.log"
            print(f"crash test: {kills} kills, {clients} clients, {label}, gunicorn 2 sync workers, seed {seed}")
            counter = [0]
            watcher = CommitWatcher(env["DATABASE_URL"])
            cleanup.callback(watcher.close)
            server = start_gunicorn("sikom.wsgi", env, port, log)
            cleanup.callback(lambda: intake.stop(server))
            for _round in range(kills):
                interrupted = run_round(port, figures, rng, clients, counter, server, watcher)
                server = start_gunicorn("sikom.wsgi", env, port, log)  # the restart; it serves the next round too
                for walker in interrupted:
                    recover(walker, port, figures)
            intake.stop(server)
            print(
                f"{sum(figures.kills.values())} kills ({dict(figures.kills)}) in {time.monotonic() - started:.0f} s; "
                f"{figures.completed} walks completed without interruption, interrupted by phase: "
                f"{dict(sorted(figures.interrupted.items()))}"
            )
            print(
                f"interrupted submits: {figures.interrupted['submit']} ({figures.committed_before_kill} had committed "
                f"before the kill); recovered by reload with the same session: {figures.recovered}; gave up before "
                f"submitting: {figures.abandoned}; acknowledged reports: {len(figures.acknowledged)}"
            )
            problems = verify(env, figures)
        except BenchError as error:
            print(f"crash test failed: {error}")
            return 1
    for problem in problems:
        print(f"FAILED: {problem}")
    print("crash test: all checks passed" if not problems else f"crash test: {len(problems)} check(s) failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

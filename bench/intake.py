"""Intake benchmark: reports with evidence over real HTTP, on gunicorn with two sync workers, beside a bare Django
upload endpoint (bench/bare_upload.py) on a second gunicorn with the same options, for the ratio of the two.

Run with `make bench` (after bench/run.py) or on its own: `.venv/bin/python bench/intake.py`. SQLite by default;
with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it connects there with psql only to create a
fresh database `sikom_bench_<pid>` on that server, runs against it and drops it at the end (PostgreSQL 13 or newer).

It sets up a throw-away environment (temp dir, keys, evidence root, database), starts gunicorn on a free port of
127.0.0.1 and walks the report form like a browser without JavaScript, with a stdlib HTTP client that streams
multipart bodies. Printed: the bare endpoint's uploads per second (the same three 2 MB files per request, stored
plainly), sikom's reports per second and their ratio (target ≥ 0.5), p50/p95 per request type (target p95 < 500 ms),
and the memory growth of a worker while it receives a single 20 MB file (target < 30 MB; MB = 2**20 bytes). Exits
non-zero on a miss.

Tunables (environment): BENCH_INTAKE_REPORTS (default 30), BENCH_INTAKE_CLIENTS (default 4, concurrent clients).
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

from common import BenchError, child_env, report, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The payloads the tests post: one walk for tests and benchmark.
from sikom.intake.tests.flows import CONTACT_ANONYMOUS, INCIDENT, ONLINE_EMPTY, PERSON  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"

TARGET_P95_MS = 500
TARGET_RATIO_TO_BARE = 0.5
TARGET_GROWTH_MB = 30
MB = 1024 * 1024
SMALL_FILE_BYTES = 2 * MB
LARGE_FILE_BYTES = 20 * MB  # exactly the app's MAX_FILE_BYTES, the largest file it accepts
CHUNK = 64 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # the evidence sniffer decides by these 8 bytes

REQUEST_TYPES = [
    ("form", "GET /melden/ (form page, CSRF cookie)"),
    ("start", "POST /melden/ (start draft)"),
    ("person", "POST step person"),
    ("incident", "POST step vorfall"),
    ("online", "POST step online (empty)"),
    ("upload", "POST beweismittel upload 3×2 MB"),
    ("evidence_next", "POST beweismittel aktion=weiter"),
    ("contact", "POST step kontakt (anonymous)"),
    ("submit", "POST /melden/absenden/"),
    ("confirmation", "GET /melden/bestaetigung/"),
    ("noted", "POST /melden/bestaetigung/ (code noted)"),
]
CASE_NUMBER = re.compile(r'id="fallnummer">\s*(SK-\d{4}-\d{6})\s*<')


# HTTP client (stdlib only)


def png_content(size: int) -> Iterator[bytes]:
    """A "PNG" of ``size`` bytes: the signature, then fresh random bytes, produced chunk by chunk."""
    yield PNG_SIGNATURE
    left = size - len(PNG_SIGNATURE)
    while left > 0:
        step = min(CHUNK, left)
        yield os.urandom(step)
        left -= step


class Multipart:
    """A multipart/form-data body with a known length, streamed part by part: a file given by its size is generated
    chunk by chunk (never held whole), one given as bytes is sent as it is."""

    def __init__(self, fields: dict, files: list[tuple[str, str, int | bytes]]) -> None:
        self.boundary = "----sikombench" + secrets.token_hex(16)
        self._pieces: list[bytes | tuple[int]] = []
        for name, value in _pairs(fields):
            self._pieces.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for field, filename, content in files:
            self._pieces.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                "Content-Type: image/png\r\n\r\n".encode()
            )
            self._pieces.append(content if isinstance(content, bytes) else (content,))
            self._pieces.append(b"\r\n")
        self._pieces.append(f"--{self.boundary}--\r\n".encode())
        self.length = sum(piece[0] if isinstance(piece, tuple) else len(piece) for piece in self._pieces)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"

    def __iter__(self) -> Iterator[bytes]:
        for piece in self._pieces:
            if isinstance(piece, tuple):
                yield from png_content(piece[0])
            else:
                yield piece


def _pairs(data: dict) -> list[tuple[str, str]]:
    return [(key, item) for key, value in data.items() for item in (value if isinstance(value, list) else [value])]


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, elapsed_ms: float) -> None:
        self.status, self.headers, self.body, self.elapsed_ms = status, headers, body, elapsed_ms

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Session:
    """One browser: cookies (csrftoken, sessionid), CSRF token on every POST, Origin and Referer like a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.referer = self.origin + "/"

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Response:
        headers = {"Host": f"{HOST}:{self.port}", "Accept": "text/html", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers.update({"Origin": self.origin, "Referer": self.referer})
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            start = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
            elapsed_ms = (time.perf_counter() - start) * 1000
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if method == "GET" and answer.status == 200:
            self.referer = self.origin + path
        return Response(answer.status, answer.headers, content, elapsed_ms)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        body = urllib.parse.urlencode(_pairs({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}))
        return self.request("POST", path, body.encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def post_files(self, path: str, data: dict, files: list[tuple[str, str, int | bytes]]) -> Response:
        body = Multipart({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}, files)
        headers = {"Content-Type": body.content_type, "Content-Length": str(body.length)}
        return self.request("POST", path, iter(body), headers)


# The report walk, as sikom/intake/tests/flows.py does it


def _expect(response: Response, what: str, status: int, location: str | None = None) -> Response:
    if response.status != status or (location is not None and response.location != location):
        snippet = re.sub(r"\s+", " ", response.text)[:300]
        raise BenchError(
            f"{what}: expected {status} {location or ''}, got {response.status} {response.location} – {snippet}"
        )
    return response


def walk(port: int, files: list[tuple[str, str, int]], before_upload=None, after_upload=None) -> dict[str, float]:
    """One report from start to confirmation; returns the time of each request (ms) by request type."""
    times: dict[str, float] = {}
    client = Session(port)
    step = "/melden/schritt/{}/".format

    def timed(kind: str, response: Response) -> Response:
        times[kind] = response.elapsed_ms
        return response

    _expect(timed("form", client.get("/melden/")), "GET /melden/", 200)
    if "csrftoken" not in client.cookies:
        raise BenchError("GET /melden/ set no csrftoken cookie")
    _expect(timed("start", client.post("/melden/", {})), "POST /melden/", 302, step("person"))
    _expect(timed("person", client.post(step("person"), PERSON)), "person", 302, step("vorfall"))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    incident = INCIDENT | {"occurred_on": yesterday}
    _expect(timed("incident", client.post(step("vorfall"), incident)), "vorfall", 302, step("online"))
    _expect(timed("online", client.post(step("online"), ONLINE_EMPTY)), "online", 302, step("beweismittel"))
    if before_upload:
        before_upload()
    upload = client.post_files(step("beweismittel"), {"aktion": "hochladen"}, files)
    if after_upload:
        after_upload()
    _expect(timed("upload", upload), "upload", 302, step("beweismittel"))
    # Check (not timed) that every file was stored: a request whose files the parser never saw redirects too.
    page = _expect(client.get(step("beweismittel")), "evidence page", 200).text
    caption = f"{len(files)} Datei hochgeladen" if len(files) == 1 else f"{len(files)} Dateien hochgeladen"
    if caption not in page or not all(name in page for _field, name, _size in files):
        raise BenchError(f"the evidence page does not list the {len(files)} uploaded file(s)")
    next_ = client.post(step("beweismittel"), {"aktion": "weiter"})
    _expect(timed("evidence_next", next_), "beweismittel weiter", 302, step("kontakt"))
    _expect(timed("contact", client.post(step("kontakt"), CONTACT_ANONYMOUS)), "kontakt", 302, step("pruefen"))
    submit = client.post("/melden/absenden/", {"receipt_sections": ["incident"]})
    _expect(timed("submit", submit), "submit", 302, "/melden/bestaetigung/")
    confirmation = _expect(timed("confirmation", client.get("/melden/bestaetigung/")), "confirmation", 200)
    if not CASE_NUMBER.search(confirmation.text):
        raise BenchError("the confirmation page shows no case number")
    noted = client.post("/melden/bestaetigung/", {})
    _expect(timed("noted", noted), "code noted", 302, "/melden/bestaetigung/")
    return times


def three_small_files(number: int) -> list[tuple[str, str, int]]:
    return [("dateien", f"foto-{number}-{i}.png", SMALL_FILE_BYTES) for i in range(1, 4)]


# Throughput


def bare_upload(port: int, files: list[tuple[str, str, int]]) -> dict[str, float]:
    """The same files in one request to the bare endpoint, which stores them plainly; returns its time (ms)."""
    response = Session(port).post_files("/upload/", {}, files)
    _expect(response, "bare upload", 200)
    if response.text != str(len(files)):
        raise BenchError(f"the bare endpoint stored {response.text} of {len(files)} files")
    return {"bare_upload": response.elapsed_ms}


def run_walks(port: int, numbers: list[int], clients: int, work=None) -> tuple[dict[str, list[float]], float]:
    """Walk one report per number with ``clients`` concurrent clients (``work(port, files)`` instead of the report
    walk, e.g. ``bare_upload``); the request times by type and the wall time."""
    work = work or walk
    queue = iter(numbers)
    samples: dict[str, list[float]] = defaultdict(list)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client_loop() -> None:
        while not errors:
            with lock:
                number = next(queue, None)
            if number is None:
                return
            try:
                times = work(port, three_small_files(number))
            except BaseException as error:  # reported after the threads are joined
                with lock:
                    errors.append(error)
                return
            with lock:
                for kind, elapsed in times.items():
                    samples[kind].append(elapsed)

    threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - start
    if errors:
        raise BenchError(f"report walk failed: {errors[0]}") from errors[0]
    if any(thread.is_alive() for thread in threads):
        raise BenchError("report walks did not finish within 10 minutes")
    return samples, wall


class CpuMeter:
    """CPU time (user + system) of the server's workers and of this process (the clients), in ms per report: unlike
    the wall time it hardly depends on other load on the machine."""

    def __init__(self, master: int) -> None:
        self.master = master

    def _now(self) -> tuple[float, float]:
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        server = sum(cpu_ticks(pid) for pid in worker_pids(self.master)) * tick_ms
        own = os.times()
        return server, (own.user + own.system) * 1000

    def __enter__(self) -> "CpuMeter":
        self.start = self._now()
        return self

    def __exit__(self, *exc) -> None:
        end = self._now()
        self.server_ms, self.client_ms = end[0] - self.start[0], end[1] - self.start[1]

    def line(self, count: int, what: str) -> str:
        return (
            f"CPU per {what}: server {self.server_ms / count:.0f} ms, clients {self.client_ms / count:.0f} ms "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )


def bare_throughput(port: int, master: int, reports: int, clients: int) -> float:
    with CpuMeter(master) as cpu:
        samples, wall = run_walks(port, list(range(reports)), clients, bare_upload)
    rate = reports / wall
    print(
        f"bare Django upload endpoint: {reports} requests (3×2 MB PNG each, stored plainly) by {clients} concurrent "
        f"clients in {wall:.1f} s = {rate:.2f} uploads/s ({rate * 3 * 2:.1f} MB/s)"
    )
    print(cpu.line(reports, "upload"))
    report("POST bare upload 3×2 MB (for comparison)", samples["bare_upload"], TARGET_P95_MS)
    return rate


def throughput(port: int, master: int, reports: int, clients: int) -> tuple[bool, float]:
    with CpuMeter(master) as cpu:
        samples, wall = run_walks(port, list(range(reports)), clients)
    rate = reports / wall
    print(
        f"intake throughput: {reports} reports (3×2 MB PNG each) by {clients} concurrent clients in {wall:.1f} s "
        f"= {rate:.2f} reports/s ({rate * 3 * 2:.1f} MB/s of evidence)"
    )
    print(cpu.line(reports, "report"))
    ok = [report(label, samples[kind], TARGET_P95_MS) for kind, label in REQUEST_TYPES]
    everything = [value for kind, _ in REQUEST_TYPES for value in samples[kind]]
    report("all requests of a report walk", everything, TARGET_P95_MS)
    return all(ok), rate


# Memory of the workers


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {field} for process {pid}")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False when not permitted."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """Fallback when clear_refs is not writable: polls VmRSS every 2 ms and keeps the maximum."""

    def __init__(self, pids: list[int]) -> None:
        self.peak = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.peak:
                with contextlib.suppress(OSError, BenchError):
                    self.peak[pid] = max(self.peak[pid], status_kb(pid, "VmRSS"))
            time.sleep(0.002)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server side of a loopback connection, from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == server_port and int(fields[2].split(":")[1], 16) == client_port:
            return fields[9]
    return None


def _open_files(pid: int) -> set[str]:
    targets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed meanwhile
            targets.add(os.readlink(fd))
    return targets


@contextlib.contextmanager
def worker_held(port: int, pids: list[int]) -> Iterator[int | None]:
    """Keep one sync worker busy with an unfinished request (headers never end), so the other serves the walk.

    Yields the pid of the held worker (None if it could not be told within 5 s); closing the connection frees it.
    """
    blocker = socket.create_connection((HOST, port), timeout=10)
    try:
        blocker.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode())
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            inode = _socket_inode(port, blocker.getsockname()[1])
            if inode is not None and inode != "0":
                held = [pid for pid in pids if f"socket:[{inode}]" in _open_files(pid)]
                if held:
                    yield held[0]
                    return
            time.sleep(0.01)
        yield None
    finally:
        blocker.close()


def memory(port: int, master: int) -> bool:
    """Upload one 20 MB file per walk until each worker took two (at most 12 walks); the largest growth counts.

    Which sync worker accepts a connection is up to the kernel, and one of them tends to win every time; so every
    second walk runs while the other worker is held busy by an unfinished request (see ``worker_held``).
    """
    growth_by_worker: dict[int, list[float]] = defaultdict(list)
    peak_by_worker: dict[int, float] = {}
    retained_by_worker: dict[int, list[float]] = defaultdict(list)
    method = "VmHWM after clear_refs"
    upload_ms: list[float] = []
    for attempt in range(12):
        pids = worker_pids(master)
        if len(pids) != 2:
            raise BenchError(f"expected 2 gunicorn workers, found {pids}")
        state: dict = {}

        def before(pids=pids, state=state) -> None:
            state["rss"] = {pid: status_kb(pid, "VmRSS") for pid in pids}
            state["cpu"] = {pid: cpu_ticks(pid) for pid in pids}
            state["reset"] = all(reset_peak(pid) for pid in pids)
            if not state["reset"]:
                state["sampler"] = RssSampler(pids)
                state["sampler"].start()

        def after(pids=pids, state=state) -> None:
            if state["reset"]:
                state["peak"] = {pid: status_kb(pid, "VmHWM") for pid in pids}
            else:
                state["sampler"].stop()
                state["peak"] = state["sampler"].peak
            state["cpu_after"] = {pid: cpu_ticks(pid) for pid in pids}
            state["rss_after"] = {pid: status_kb(pid, "VmRSS") for pid in pids}

        with contextlib.ExitStack() as stack:
            held = stack.enter_context(worker_held(port, pids)) if attempt % 2 else None
            times = walk(port, [("dateien", f"gross-{attempt}.png", LARGE_FILE_BYTES)], before, after)
        upload_ms.append(times["upload"])
        if not state["reset"]:
            method = "VmRSS sampled every 2 ms (clear_refs not permitted)"
        # The worker that served the upload is the one that used the CPU for it.
        pid = max(pids, key=lambda p: state["cpu_after"][p] - state["cpu"][p])
        if held is not None and pid == held:
            raise BenchError(f"worker {pid} was held busy, yet it seems to have served the upload")
        growth_by_worker[pid].append((state["peak"][pid] - state["rss"][pid]) / 1024)
        retained_by_worker[pid].append((state["rss_after"][pid] - state["rss"][pid]) / 1024)
        peak_by_worker[pid] = max(peak_by_worker.get(pid, 0), state["peak"][pid] / 1024)
        if len(growth_by_worker) == 2 and min(len(values) for values in growth_by_worker.values()) >= 2:
            break
    for pid in sorted(growth_by_worker):
        growths = growth_by_worker[pid]
        print(
            f"worker {pid}: {len(growths)} uploads of 20 MB, peak RSS {peak_by_worker[pid]:.1f} MB, growth during "
            f"the upload {', '.join(f'{g:.2f}' for g in growths)} MB, retained afterwards "
            f"{', '.join(f'{r:.2f}' for r in retained_by_worker[pid])} MB"
        )
    if len(growth_by_worker) < 2:
        print("note: all 20 MB uploads went to one worker; the other was not measured")
    print(f"a 20 MB upload took {statistics.median(upload_ms):.0f} ms (median of {len(upload_ms)}, one at a time)")
    worst = max(value for values in growth_by_worker.values() for value in values)
    ok = worst < TARGET_GROWTH_MB
    print(
        f"memory growth during a 20 MB upload: {worst:.2f} MB (target < {TARGET_GROWTH_MB} MB)  "
        f"ratio={worst / TARGET_GROWTH_MB:4.2f}  {'ok' if ok else 'MISSED'}  [{method}]"
    )
    return ok


# Environment and server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(workdir: Path, database_url: str) -> dict[str, str]:
    """The measured server's environment (`common.child_env`) without the public forms' rate limits."""
    env = child_env(workdir, database_url, "BENCH_INTAKE_")
    env["ALLOWED_HOSTS"] = HOST
    for name in (
        "REPORT_DRAFTS_PER_HOUR",
        "REPORT_UPLOADS_PER_HOUR",
        "REPORT_SUBMITS_PER_HOUR",
        "REPORT_MESSAGES_PER_HOUR",
    ):
        env[name] = "100000"
    return env


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def wait_until_healthy(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/healthz", headers={"Host": f"{HOST}:{port}"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-4000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def prepared_environment(cleanup: contextlib.ExitStack, workdir: Path, prefix: str) -> tuple[dict[str, str], str]:
    """The server environment over a migrated database with reference data: a throw-away PostgreSQL database when
    BENCH_DATABASE_URL is set (dropped by ``cleanup``), else an SQLite file in ``workdir``; and the database's name."""
    admin_url = os.environ.get("BENCH_DATABASE_URL", "")
    if admin_url:
        database_url, label = cleanup.enter_context(throwaway_database(admin_url, prefix)), "PostgreSQL"
    else:
        database_url, label = f"sqlite:///{workdir}/{prefix}.sqlite3", "SQLite"
    env = server_env(workdir, database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_reference_data", "--verbosity", "0")
    return env, label


def start_gunicorn(app: str, env: dict[str, str], port: int, log: Path, *extra: str) -> subprocess.Popen:
    """gunicorn with the options every server of the benchmarks uses (2 sync workers), answering /healthz."""
    command = [str(VENV_BIN / "gunicorn"), app, "--workers", "2", "--timeout", "120", *extra]
    command += ["--bind", f"{HOST}:{port}", "--no-control-socket"]  # no control socket in $HOME
    with open(log, "ab") as log_file:  # appended: the crash test restarts the server on the same log
        # A session of its own: the crash test kills the master and its workers at once through their group.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    wait_until_healthy(server, port, log)
    return server


def stop_and_check_log(server: subprocess.Popen, log: Path) -> None:
    stop(server)
    errors = [line for line in log.read_text().splitlines() if "[ERROR]" in line or "Traceback" in line]
    if errors:
        print(f"gunicorn ({log.name}) logged {len(errors)} error(s), first: {errors[0]}")


def main() -> int:
    reports = int(os.environ.get("BENCH_INTAKE_REPORTS", "30"))
    clients = int(os.environ.get("BENCH_INTAKE_CLIENTS", "4"))
    workdir = Path(tempfile.mkdtemp(prefix="sikom-intake-"))
    # Clean-up in reverse order of entry: servers stopped, the database (if any) dropped, then the temp dir removed.
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            env, label = prepared_environment(cleanup, workdir, "sikom_bench")
            port, bare_port = free_port(), free_port()
            log = workdir / "gunicorn.log"
            server = start_gunicorn("sikom.wsgi", env, port, log)
            cleanup.callback(stop_and_check_log, server, log)
            (workdir / "bare").mkdir()
            bare_env = {**env, "BENCH_BARE_UPLOAD_ROOT": str(workdir / "bare"), "BENCH_BARE_HOST": HOST}
            bare_log = workdir / "gunicorn-bare.log"
            bare = start_gunicorn("bare_upload:application", bare_env, bare_port, bare_log, "--pythonpath", "bench")
            cleanup.callback(stop_and_check_log, bare, bare_log)
            print()
            print(f"intake over HTTP: gunicorn, 2 sync workers, {label}, 127.0.0.1:{port} (bare endpoint :{bare_port})")
            # Warm-up, not measured: every worker imports and compiles its templates on its first requests.
            run_walks(port, [-1, -2], 2)
            run_walks(bare_port, [-1, -2], 2, bare_upload)
            bare_rate = bare_throughput(bare_port, bare.pid, reports, clients)
            times_ok, rate = throughput(port, server.pid, reports, clients)
            ratio = rate / bare_rate
            ratio_ok = ratio >= TARGET_RATIO_TO_BARE
            print(
                f"intake throughput / bare upload throughput = {ratio:.2f} (target ≥ {TARGET_RATIO_TO_BARE:g})  "
                f"{'ok' if ratio_ok else 'MISSED'}"
            )
            memory_ok = memory(port, server.pid)
            return 0 if times_ok and ratio_ok and memory_ok else 1
        except BenchError as error:
            print(f"intake benchmark failed: {error}")
            return 1


if __name__ == "__main__":
    sys.exit(main())

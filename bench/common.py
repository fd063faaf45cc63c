"""Pieces the benchmark scripts share."""

import base64
import contextlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path


class BenchError(Exception):
    pass


def psql(admin_url: str, sql: str, *, timeout: int = 120) -> None:
    command = ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as error:
        detail = (getattr(error, "stderr", None) or b"").decode(errors="replace").strip()
        raise BenchError(f"psql {sql!r} failed: {detail or error}") from error


@contextlib.contextmanager
def throwaway_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database ``<prefix>_<pid>`` on the server of ``admin_url``, created with psql; yields its URL.

    Dropped on exit (WITH (FORCE): PostgreSQL 13 or newer); a failed drop is printed, not raised.
    """
    name = f"{prefix}_{os.getpid()}"
    psql(admin_url, f"CREATE DATABASE {name}")
    try:  # from here on it is ours to drop
        yield urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        try:
            psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except BenchError as error:
            print(f"could not drop database {name}: {error}")


def child_env(workdir: Path, database_url: str, prefix: str) -> dict[str, str]:
    """The environment of a measured child process: fresh keys, DEBUG off, its own database and evidence root; of
    the caller's variables only PATH, HOME, locale, TMPDIR and those starting with ``prefix`` (its tunables)."""
    # A clean environment: nothing from the caller (make bench exports TASKS_BACKEND=immediate, run.py sets
    # DATABASE_URL and DJANGO_SETTINGS_MODULE) may leak into the measured process.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    env.update({name: os.environ[name] for name in os.environ if name.startswith(prefix)})
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DEBUG": "false",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "EVIDENCE_ROOT": str(workdir / "evidence"),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "sikom.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, samples_ms: list[float], target_p95_ms: float) -> bool:
    """Print one result line (p50, p95, the target and their ratio); True if p95 meets the target."""
    p50, p95 = statistics.median(samples_ms), percentile(samples_ms, 0.95)
    ratio = p95 / target_p95_ms
    verdict = "ok" if ratio <= 1 else "MISSED"
    print(
        f"{name:<44} n={len(samples_ms):>4}  p50={p50:7.2f} ms  p95={p95:7.2f} ms  target p95<{target_p95_ms:g} ms  ratio={ratio:4.2f}  {verdict}"
    )
    return ratio <= 1


def measure_in_child(script: str, *, name: str, env_prefix: str, timeout: int) -> int:
    """The driver of a benchmark that measures in a child process: a temporary folder and a throw-away database
    (PostgreSQL ``sikom_bench_<name>`` when BENCH_DATABASE_URL names a server, else SQLite in the folder), then
    ``script --measure`` in a clean environment (`child_env` with the script's tunables ``env_prefix``*); both go
    afterwards. Returns the child's exit status."""
    workdir = Path(tempfile.mkdtemp(prefix=f"sikom-{name}-"))
    admin_url = os.environ.get("BENCH_DATABASE_URL", "")
    # Clean-up in reverse order of entry: the database (if any) is dropped first, then the folder removed.
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            if admin_url:
                database_url = cleanup.enter_context(throwaway_database(admin_url, f"sikom_bench_{name}"))
            else:
                database_url = f"sqlite:///{workdir}/{name}.sqlite3"
            print()
            sys.stdout.flush()
            child = subprocess.run(
                [sys.executable, str(Path(script).resolve()), "--measure"],
                cwd=Path(__file__).resolve().parent.parent,
                env=child_env(workdir, database_url, env_prefix),
                timeout=timeout,
            )
            return child.returncode
        except (BenchError, subprocess.SubprocessError) as error:
            print(f"{name} benchmark failed: {error}")
            return 1

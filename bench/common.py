"""Pieces the benchmark scripts share."""

import subprocess


class BenchError(Exception):
    pass


def psql(admin_url: str, sql: str, *, timeout: int = 120) -> None:
    command = ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as error:
        detail = (getattr(error, "stderr", None) or b"").decode(errors="replace").strip()
        raise BenchError(f"psql {sql!r} failed: {detail or error}") from error

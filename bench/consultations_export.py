"""Export benchmark: the CSV and XLSX download of the consultation list (`/beratungen/export/`) over 10,000 and then
100,000 consultations, in-process with Django's test client as a logged-in, 2FA-verified member of the ASSKomm team.

Run with `make bench` (after the document benchmark) or on its own: `.venv/bin/python bench/consultations_export.py`.
SQLite by default (a file in a temp dir); with `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres` it
creates a fresh database `sikom_bench_export_<pid>` on that server and drops it at the end. The temp dir is always
removed. `main()` runs this file again in a child process with `--measure` (fresh keys, DEBUG=false, its own database).

The child migrates, loads the reference data and generates consultations with `bulk_create` (municipalities of the
reference data, one to three offers of the catalogue each, a next step on every third, texts of realistic length),
first BENCH_EXPORT_SMALL (default 10,000), measures, then adds up to BENCH_EXPORT_LARGE (default 100,000) and measures
again. Each download reads the whole streamed body chunk by chunk, as a server hands it to the client, and checks the
row count (CSV: lines; XLSX: the sheet's dimension). Figures per format and size: wall time, peak memory of the
process while the request ran (VmHWM reset through /proc/self/clear_refs right before, growth over VmRSS before it)
and, in a second run of the same download, the peak of Python allocations (tracemalloc).

Targets (exit non-zero on a miss): the large export's Python peak and memory growth at most 2× the small one's (a
list held in memory would grow about 10×; growth below 5 MB counts as 5 MB, the allocator's noise) and the growth
under 100 MB; the large CSV under 60 s and the XLSX under 180 s.
"""

import logging
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from common import BenchError, measure_in_child

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000
MEMORY_RATIO_TARGET = 2.0
MEMORY_LIMIT_MB = 100
RSS_FLOOR_MB = 5
TIME_TARGETS_S = {"csv": 60, "xlsx": 180}


def main() -> int:
    return measure_in_child(__file__, name="export", env_prefix="BENCH_EXPORT_", timeout=3 * 3600)


# Child: generation

PARTICIPANTS = [
    "Bürgermeister:in, Ordnungsamt, ASSKomm-Team",
    "Präventionsbeauftragte:r der Stadt, Hauptamt, ASSKomm-Team",
    "Oberbürgermeister:in, Fachbereich Sicherheit, ASSKomm-Team, Bürgerpolizist:in",
]
RESULT = (
    "Fragen zur kommunalen Prävention geklärt; Ablauf einer Sicherheitsanalyse mit Bürgerbefragung besprochen, "
    "Stichprobe und Zeitplan skizziert; Zusammensetzung eines kriminalpräventiven Rates erörtert. "
)


def generate(upto: int, rng: random.Random) -> None:
    """Add consultations until `upto` exist (bulk_create in batches of BATCH, one transaction each)."""
    from django.db import transaction

    from sikom.consultations.models import Consultation, Format, NextStep
    from sikom.consultations.services import search_text
    from sikom.geo.models import Municipality
    from sikom.offers.models import Offer

    municipalities = list(Municipality.objects.only("pk"))
    offers = list(Offer.objects.only("pk", "title"))
    formats = list(Format.values)
    through = Consultation.offers.through
    existing = Consultation.objects.count()
    first = date(2019, 2, 1)
    while existing < upto:
        size = min(BATCH, upto - existing)
        with transaction.atomic():
            consultations, topics = [], []
            for _ in range(size):
                chosen = rng.sample(offers, k=rng.choice([1, 1, 2, 3]))
                municipality = rng.choice(municipalities) if rng.random() > 0.04 else None
                consultation = Consultation(
                    municipality=municipality,
                    office_holder_note="" if municipality else "Kreisrätin",
                    date=first + timedelta(days=rng.randrange(0, 2800)),
                    format=rng.choice(formats),
                    participants=rng.choice(PARTICIPANTS),
                    result=RESULT * rng.randint(1, 3),
                )
                consultation.search_text = search_text(consultation, chosen)
                consultations.append(consultation)
                topics.append(chosen)
            Consultation.objects.bulk_create(consultations, batch_size=1000)
            through.objects.bulk_create(
                [
                    through(consultation_id=consultation.pk, offer_id=offer.pk)
                    for consultation, chosen in zip(consultations, topics, strict=True)
                    for offer in chosen
                ],
                batch_size=2000,
            )
            NextStep.objects.bulk_create(
                [
                    NextStep(
                        consultation=consultation,
                        text="Unterlagen zur Sicherheitsanalyse zusenden",
                        owner="ASSKomm-Team",
                        due_on=consultation.date + timedelta(days=30),
                    )
                    for consultation in consultations[::3]
                ],
                batch_size=2000,
            )
        existing += size


# Child: measurement


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def download(client, fmt: str, target=None) -> int:
    """Read the whole body chunk by chunk, as a server hands it on; XLSX bodies go to `target` (a file) for the row
    check, so the benchmark itself holds no body in memory. Returns the body's size."""
    response = client.get(f"/beratungen/export/?format={fmt}")
    if response.status_code != 200:
        raise BenchError(f"export {fmt} answered {response.status_code}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    response.close()
    return size


def row_count(client, fmt: str, body_file) -> int:
    if fmt == "xlsx":
        from openpyxl import load_workbook

        body_file.seek(0)
        sheet = load_workbook(body_file, read_only=True).active
        # A write-only workbook records no dimension: count the rows.
        return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    response = client.get("/beratungen/export/?format=csv")
    return sum(chunk.count(b"\r\n") for chunk in response.streaming_content) - 1


def measure_export(client, fmt: str, expected: int) -> dict:
    import gc

    gc.collect()
    with tempfile.TemporaryFile() as body_file:
        before_kb = _status_kb("VmRSS")
        resettable = _reset_peak()
        start = time.perf_counter()
        size = download(client, fmt, body_file if fmt == "xlsx" else None)
        seconds = time.perf_counter() - start
        growth_mb = (_status_kb("VmHWM") - before_kb) / 1024 if resettable else float("nan")
        rows = row_count(client, fmt, body_file)
    if rows != expected:
        raise BenchError(f"{fmt} export has {rows} rows, expected {expected}")
    gc.collect()
    tracemalloc.start()
    download(client, fmt)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "size_mb": size / 2**20, "growth_mb": growth_mb, "traced_mb": traced_peak / 2**20}


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


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
    small = int(os.environ.get("BENCH_EXPORT_SMALL", "10000"))
    large = int(os.environ.get("BENCH_EXPORT_LARGE", "100000"))
    rng = random.Random(int(os.environ.get("BENCH_EXPORT_SEED", "2026")))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"consultation export ({small} and {large} rows): in-process test client, {label}; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")  # fmt: skip
    client = login(Client(), make_user(organisation=Organisation.objects.get(type=OrganisationType.ASSKOMM)))
    results: dict[tuple[str, int], dict] = {}
    for total in (small, large):
        generated = time.perf_counter()
        generate(total, rng)
        print(f"generated up to {total} consultations in {time.perf_counter() - generated:.1f} s; "
              f"load average {load_average()}")  # fmt: skip
        download(client, "csv") if total == small else None  # warm up templates, translations, imports
        for fmt in ("csv", "xlsx"):
            results[(fmt, total)] = figures = measure_export(client, fmt, total)
            print(
                f"  {fmt.upper():<4} {total:>7} rows: {figures['seconds']:7.2f} s, {figures['size_mb']:6.1f} MB "
                f"body, memory growth {figures['growth_mb']:6.1f} MB (VmHWM), Python peak "
                f"{figures['traced_mb']:6.1f} MB (tracemalloc)"
            )
    ok = True
    print()
    for fmt in ("csv", "xlsx"):
        small_figures, large_figures = results[(fmt, small)], results[(fmt, large)]
        # The Python peak is exact; the growth of the process's peak RSS also depends on what earlier requests left
        # for the allocator to reuse (0.1 MB after a CSV export, 3.6 MB after another XLSX one), so it is compared
        # against a floor of RSS_FLOOR_MB: noise on a tiny baseline must not fake a large ratio.
        ratio = max(large_figures["traced_mb"], 1) / max(small_figures["traced_mb"], 1)
        rss_ratio = max(large_figures["growth_mb"], RSS_FLOOR_MB) / max(small_figures["growth_mb"], RSS_FLOOR_MB)
        time_ratio = large_figures["seconds"] / TIME_TARGETS_S[fmt]
        verdicts = [
            ratio <= MEMORY_RATIO_TARGET,
            rss_ratio <= MEMORY_RATIO_TARGET or rss_ratio != rss_ratio,
            large_figures["growth_mb"] <= MEMORY_LIMIT_MB or large_figures["growth_mb"] != large_figures["growth_mb"],
            time_ratio <= 1,
        ]
        ok = ok and all(verdicts)
        print(
            f"{fmt.upper():<4} {large // 1000}k vs {small // 1000}k rows: Python peak ×{ratio:.2f}, memory growth "
            f"×{rss_ratio:.2f} (target ≤ ×{MEMORY_RATIO_TARGET:.0f}, growth ≤ {MEMORY_LIMIT_MB} MB); time "
            f"{large_figures['seconds']:.1f} s / target {TIME_TARGETS_S[fmt]} s = {time_ratio:.2f}  "
            f"{'ok' if all(verdicts) else 'MISSED'}"
        )
    print(f"export benchmark took {time.perf_counter() - started:.0f} s in all")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        try:
            sys.exit(measure())
        except BenchError as error:
            print(f"export benchmark failed: {error}")
            sys.exit(1)
    sys.exit(main())

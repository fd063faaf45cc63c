"""Survey report benchmark: the report of a safety analysis with 5,000 responses to the standard questionnaire
(generated like the demo answers, weighted to margins from the register's stratum counts with design weights N_h/n_h
and entered margins for the years of residence), as the HTML page (GET through the test client, computed on the fly)
and as the PDF (the job's handler, `report_document.make_pdf`, computing and rendering with WeasyPrint; measured
twice: the first run also starts WeasyPrint's engine, once per worker thread, the second is the target's figure).

Target (issue 12): each under 15 s. `BENCH_SURVEY_REPORT_RESPONSES` changes the count. Runs in a child process with
its own SQLite database in a temp dir (or a fresh PostgreSQL database with BENCH_DATABASE_URL). Run alone:
`python bench/survey_report.py` (with the test environment of `make bench`).
"""

import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import measure_in_child  # noqa: E402 -- bench/common.py

TARGET_S = 15.0


def main() -> int:
    return measure_in_child(__file__, name="survey_report", env_prefix="BENCH_SURVEY_REPORT_", timeout=1800)


def generate(count: int):
    from django.utils import timezone

    from sikom.accounts.models import Organisation, OrganisationType
    from sikom.geo.models import Municipality
    from sikom.surveys import demo, report_document, services
    from sikom.surveys.models import AGE_GROUPS, RegisterExtract, Response, StratumCount
    from sikom.testing import make_user

    owner = make_user(organisation=Organisation.objects.get(type=OrganisationType.ASSKOMM))
    analysis = services.create_analysis(
        municipality=Municipality.objects.get(ags="14628270"),
        title="Sicherheitsanalyse (Benchmark)",
        year=timezone.localdate().year,
        by=owner,
        standard=True,
    )
    # A register stratified by sex and age group: 40,000 persons, a sample of 8,000 (rates differ by stratum).
    RegisterExtract.objects.create(
        analysis=analysis, file_name="bench.csv", variables=["age_group", "sex"], strata_by=["age_group", "sex"]
    )
    rng = random.Random(2034)
    population = {}
    for age in AGE_GROUPS:
        for sex in ("w", "m"):
            population[(age, sex)] = rng.randint(2500, 5500)
    for (age, sex), size in population.items():
        StratumCount.objects.create(
            analysis=analysis, stratum=f"{age} / {sex}", age_group=age, sex=sex, population=size, sample=size // 5
        )
    rows = []
    for _ in range(count):
        answers, texts = demo.demo_answers(rng)
        answers["geschlecht"] = rng.choice(["w", "m"])
        rows.append(Response(questionnaire=analysis.questionnaire, answers=answers, texts=texts or None))
    Response.objects.bulk_create(rows, batch_size=1000)
    total = sum(population.values())
    residence = {"0-2": round(total * 0.08), "2-5": round(total * 0.12), "6-10": round(total * 0.15)}
    residence["10+"] = total - sum(residence.values())
    report_document.save_weighting(
        analysis=analysis, margins={"residence": residence}, use_design_weights=True, by=owner
    )
    return analysis, owner


def measure() -> int:
    import django

    django.setup()
    import warnings

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sikom.core.models import Job
    from sikom.surveys import report_document
    from sikom.testing import login

    warnings.filterwarnings("ignore", message="No directory at")
    count = int(os.environ.get("BENCH_SURVEY_REPORT_RESPONSES", "5000"))
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    analysis, owner = generate(count)
    client = login(Client(), owner)
    url = f"/sicherheitsanalysen/{analysis.pk}/bericht/"
    began = time.perf_counter()
    response = client.get(url)
    html_s = time.perf_counter() - began
    ok = response.status_code == 200 and b"konvergiert nach" in response.content
    job = Job.objects.create(
        owner=owner, kind=report_document.REPORT_KIND, label="Bench", params={"analysis": analysis.pk}
    )
    timings = []
    for _run in range(2):  # the first run also starts WeasyPrint (fonts, stylesheets: once per worker thread)
        out = io.BytesIO()
        began = time.perf_counter()
        report_document.make_pdf(job, out, lambda done: None)
        timings.append(time.perf_counter() - began)
    cold_s, pdf_s = timings
    ok &= out.getvalue().startswith(b"%PDF")
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"survey report: {count} responses, HTML page {html_s:.1f} s ({len(response.content) / 1024:.0f} KB)  "
        f"target <{TARGET_S:.0f} s  ratio={html_s / TARGET_S:4.2f}  [{label}]"
    )
    print(
        f"survey report: {count} responses, PDF {pdf_s:.1f} s, first in the process {cold_s:.1f} s "
        f"({len(out.getvalue()) / 1024:.0f} KB)  "
        f"target <{TARGET_S:.0f} s  ratio={pdf_s / TARGET_S:4.2f}"
    )
    ok &= html_s < TARGET_S and pdf_s < TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.exit(measure())
    sys.exit(main())

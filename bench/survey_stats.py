"""Survey statistics benchmark: raking plus 30 estimates with linearised standard errors on 100,000 responses,
sikom.surveys.stats against R's survey package on the same data.

Run with `make bench` (after the event registration) or on its own: `.venv/bin/python bench/survey_stats.py`. No
database and no Django: the statistics package is plain numpy/scipy. The data are generated with a fixed seed
(BENCH_SURVEY_SEED, default 2026): 100,000 respondents (BENCH_SURVEY_N) with design weights between 1 and 4, three
weighting variables (age in 6 groups, sex, 13 districts) and 30 yes/no answers; margins for a population of 615,000.

Measured: `rake()` to the three margins (R's defaults: at most 10 passes, epsilon one person) and the weighted mean
and total of all 30 answers with linearised standard errors through the raking (`estimate_many`), BENCH_SURVEY_REPEAT
times (default 5). When `Rscript` with the survey package is installed, the same in R (`rake()`, then `svymean()` and
`svytotal()` of the 30 answers in one call each), BENCH_SURVEY_R_REPEAT times (default 2), timed inside R (reading the
CSV is not counted), and the largest relative difference between the standard errors of the two. Printed: p50/p95 of
sikom against the target (at least 10 times faster than R's median; without R: p95 under 2 s) and the ratio. Exits
non-zero on a miss or when the results disagree by more than 1e-8.
"""

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import report  # noqa: E402 -- bench/common.py, found through the path set above

from sikom.surveys import stats  # noqa: E402 -- the repository root is on the path set above

AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
DISTRICTS = [f"D{number:02d}" for number in range(1, 14)]
QUESTIONS = [f"q{number:02d}" for number in range(1, 31)]
TARGET_RATIO = 10
TARGET_WITHOUT_R_MS = 2000

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
m <- jsonlite::fromJSON(args[2])
repeats <- as.integer(args[3])
pop <- lapply(names(m), function(v) {
  df <- data.frame(factor(names(m[[v]]), levels = names(m[[v]])), unname(unlist(m[[v]])))
  names(df) <- c(v, "Freq")
  df
})
for (v in names(m)) d[[v]] <- factor(d[[v]], levels = names(m[[v]]))
f <- as.formula(paste("~", paste(grep("^q", names(d), value = TRUE), collapse = "+")))
times <- numeric(0)
for (i in seq_len(repeats)) {
  start <- proc.time()[["elapsed"]]
  des <- rake(svydesign(ids = ~1, weights = ~dw, data = d), lapply(names(m), function(v) as.formula(paste("~", v))), pop)
  mean <- svymean(f, des)
  total <- svytotal(f, des)
  times <- c(times, (proc.time()[["elapsed"]] - start) * 1000)
}
cat(jsonlite::toJSON(list(times = times, mean = unname(coef(mean)), mean_se = unname(SE(mean)),
                          total_se = unname(SE(total))), digits = NA))
"""


def generate(n: int, seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    data = {
        "age": np.asarray(AGES)[rng.integers(0, len(AGES), n)],
        "sex": np.asarray(["w", "m"])[rng.integers(0, 2, n)],
        "district": np.asarray(DISTRICTS)[rng.integers(0, len(DISTRICTS), n)],
        "dw": np.round(rng.uniform(1, 4, n), 2),
    }
    for index, name in enumerate(QUESTIONS):
        data[name] = (rng.random(n) < 0.05 + 0.02 * index).astype(float)
    margins = {
        "age": {age: 100000.0 + 1000 * index for index, age in enumerate(AGES)},
        "sex": {"w": 312000.0, "m": 303000.0},
        "district": {district: 615000 / len(DISTRICTS) for district in DISTRICTS},
    }
    return data, margins


def run_sikom(data: dict, margins: dict):
    design = stats.rake(stats.make_design(weights=data["dw"]), data, margins)
    return design, stats.estimate_many(design, {name: data[name] for name in QUESTIONS})


def r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(
        ["Rscript", "-e", "quit(status = !(requireNamespace('survey', quietly = TRUE) && "
         "requireNamespace('jsonlite', quietly = TRUE)))"],
        capture_output=True,
    )  # fmt: skip
    return check.returncode == 0


def run_r(data: dict, margins: dict, repeats: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="sikom-survey-bench-"))
    try:
        names = list(data)
        with (workdir / "responses.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            columns = [data[name].tolist() for name in names]
            writer.writerows(zip(*columns, strict=True))
        (workdir / "margins.json").write_text(json.dumps(margins))
        (workdir / "bench.R").write_text(R_SCRIPT)
        done = subprocess.run(
            ["Rscript", str(workdir / "bench.R"), str(workdir / "responses.csv"), str(workdir / "margins.json"),
             str(repeats)],
            capture_output=True, text=True, check=True, timeout=3600,
        )  # fmt: skip
        return json.loads(done.stdout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    n = int(os.environ.get("BENCH_SURVEY_N", "100000"))
    seed = int(os.environ.get("BENCH_SURVEY_SEED", "2026"))
    repeat = int(os.environ.get("BENCH_SURVEY_REPEAT", "5"))
    r_repeat = int(os.environ.get("BENCH_SURVEY_R_REPEAT", "2"))
    print()
    print(f"survey statistics: {n:,} responses, raking on 3 margins, {len(QUESTIONS)} means and totals with SE")
    data, margins = generate(n, seed)
    run_sikom(data, margins)  # warm-up: imports, first allocation
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        _, cells = run_sikom(data, margins)
        samples.append((time.perf_counter() - start) * 1000)
    sikom_p50 = statistics.median(samples)
    if not r_available():
        print("  R with survey and jsonlite not installed: sikom alone against a fixed target")
        return 0 if report("rake + 30 estimates (sikom)", samples, TARGET_WITHOUT_R_MS) else 1
    result = run_r(data, margins, r_repeat)
    r_p50 = statistics.median(result["times"])
    ok = report("rake + 30 estimates (sikom; target: R/10)", samples, r_p50 / TARGET_RATIO)
    print(f"  R survey: p50 {r_p50:8.0f} ms over {len(result['times'])} runs; sikom {r_p50 / sikom_p50:.1f} x faster")
    ours = [cells[name]["overall"] for name in QUESTIONS]
    worst = max(
        max(abs(a.mean.se - b) / b for a, b in zip(ours, result["mean_se"], strict=True)),
        max(abs(a.total.se - b) / b for a, b in zip(ours, result["total_se"], strict=True)),
        max(abs(a.mean.estimate - b) / b for a, b in zip(ours, result["mean"], strict=True)),
    )
    agree = worst < 1e-8
    print(f"  largest relative difference to R (means, SEs): {worst:.1e} {'ok' if agree else 'DISAGREES'}")
    return 0 if ok and agree else 1


if __name__ == "__main__":
    sys.exit(main())

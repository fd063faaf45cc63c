"""Command line: ``python -m sikom.surveys.stats --data responses.csv --margins margins.json --estimate VAR ...``

Reads the responses (CSV with a header row; ``,`` or ``;`` as separator), builds the design, calibrates to the
margins (``{"variable": {"category": population_total, ...}, ...}``; raking unless ``--method`` says otherwise),
and prints JSON: for every ``--estimate`` variable the weighted mean (a proportion for a 0/1 variable) and total
with standard error, 95 % interval and n, overall and for every domain of every ``--by`` column. A variable that is
not numeric is estimated as one proportion per category (``VAR=category``). Cells with fewer than ``--min-n``
respondents (10) are suppressed: ``"suppressed": true`` and the estimates ``null``. Errors: a German message on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

from .calibration import METHODS, calibrate, kish, rake, trim_weights
from .design import LONELY_PSU, make_design
from .errors import SurveyStatsError
from .estimates import MIN_N, as_values, estimate_many
from .replicates import jk1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sikom.surveys.stats",
        description="Gewichtete Schätzungen mit Standardfehlern für die Bürgerbefragung (wie R survey).",
    )
    p.add_argument("--data", required=True, type=Path, help="CSV-Datei mit den Antworten (Kopfzeile)")
    p.add_argument("--margins", type=Path, help="JSON mit den Randverteilungen der Grundgesamtheit")
    p.add_argument("--estimate", action="append", required=True, metavar="VARIABLE", help="zu schätzende Spalte")
    p.add_argument("--by", action="append", default=[], metavar="COLUMN", help="Teilgruppen nach dieser Spalte")
    p.add_argument("--design-weight", metavar="COLUMN", help="Spalte mit Designgewichten")
    p.add_argument("--strata", metavar="COLUMN", help="Spalte mit der Schicht")
    p.add_argument("--fpc", metavar="COLUMN", help="Spalte mit der Populationsgröße der Schicht (N_h)")
    p.add_argument("--replicates", choices=["jk1"], help="Varianz aus JK1-Replikaten statt Linearisierung")
    p.add_argument(
        "--replicate-groups",
        type=int,
        metavar="G",
        help="JK1 mit G Zufallsgruppen statt n Replikaten (Vorgabe ab 2.000 Befragten: 100)",
    )
    p.add_argument("--method", choices=METHODS, default="raking", help="Gewichtung: raking (rake), linear, logit")
    p.add_argument("--bounds", nargs=2, type=float, metavar=("LOW", "HIGH"), help="Grenzen für g (calibrate)")
    p.add_argument("--trim", nargs=2, type=float, metavar=("LOW", "HIGH"), help="Gewichte kürzen, dann neu raken")
    p.add_argument("--maxit", type=int, help="höchstens so viele Iterationen (raking 10, sonst 50)")
    p.add_argument("--epsilon", type=float, help="Toleranz (raking 1 Person, sonst 1e-7 relativ)")
    p.add_argument("--lonely-psu", choices=LONELY_PSU, default="adjust", help="Schicht mit nur einer Person")
    p.add_argument("--min-n", type=int, default=MIN_N, help="Zellen mit weniger Befragten unterdrücken (10)")
    p.add_argument("--weights-out", type=Path, metavar="FILE", help="die Gewichte als CSV schreiben (row,weight)")
    p.add_argument("--seed", type=int, default=2026, help="Zufallsstart für --replicate-groups")
    return p


def read_csv(path: Path) -> dict[str, list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SurveyStatsError(f"Die Datei {path} lässt sich nicht lesen: {error}") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(text.splitlines(), dialect))
    if len(rows) < 2:
        raise SurveyStatsError(f"Die Datei {path} hat keine Antworten (nur eine Kopfzeile oder nichts).")
    header = [name.strip() for name in rows[0]]
    columns: dict[str, list[str]] = {name: [] for name in header}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise SurveyStatsError(f"Zeile {number} der Datei {path} hat {len(row)} statt {len(header)} Felder.")
        for name, cell in zip(header, row, strict=True):
            columns[name].append(cell.strip())
    return columns


def column(data: dict, name: str | None, what: str) -> list[str] | None:
    if name is None:
        return None
    if name not in data:
        raise SurveyStatsError(f"Die Spalte »{name}« ({what}) fehlt in den Daten.")
    return data[name]


MISSING = {"", "NA", "N/A", "NaN", "nan"}  # no answer (R and spreadsheet exports write NA)


def variables(data: dict, names: list[str]) -> dict:
    out = {}
    for name in names:
        values = ["" if value in MISSING else value for value in column(data, name, "Schätzvariable")]
        try:
            out[name] = as_values([value.replace(",", ".") for value in values])
        except ValueError:
            answered = sorted({value for value in values if value})
            for category in answered:
                out[f"{name}={category}"] = np.asarray(
                    [math.nan if not value else float(value == category) for value in values]
                )
    return out


def run(arguments: argparse.Namespace) -> dict:
    data = read_csv(arguments.data)
    weights = column(data, arguments.design_weight, "Designgewicht")
    design = make_design(
        len(next(iter(data.values()))),
        weights=[w.replace(",", ".") for w in weights] if weights is not None else None,
        strata=column(data, arguments.strata, "Schicht"),
        fpc=column(data, arguments.fpc, "Populationsgröße"),
        lonely_psu=arguments.lonely_psu,
    )
    if arguments.replicates == "jk1":
        groups = None
        count = arguments.replicate_groups or (100 if design.n > 2000 else None)
        if count:
            rng = np.random.default_rng(arguments.seed)
            groups = rng.permutation(design.n) % count
        design = jk1(design, groups)
    if arguments.margins is not None:
        try:
            margins = json.loads(arguments.margins.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SurveyStatsError(
                f"Die Randverteilungen in {arguments.margins} sind kein gültiges JSON: {error}"
            ) from None
        if not isinstance(margins, dict) or not all(isinstance(table, dict) for table in margins.values()):
            raise SurveyStatsError('Randverteilungen: erwartet {"Variable": {"Kategorie": Anzahl, …}, …}.')
        design = weight(design, data, margins, arguments)
        if arguments.trim is not None:
            design = trim_weights(design, lower=arguments.trim[0], upper=arguments.trim[1])
            design = weight(design, data, margins, arguments)
    deff, effective = kish(design.weights)
    cells = estimate_many(
        design,
        variables(data, arguments.estimate),
        by={name: column(data, name, "Teilgruppe") for name in arguments.by},
        min_n=arguments.min_n,
    )
    if arguments.weights_out is not None:
        with arguments.weights_out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "weight"])
            writer.writerows((row, repr(float(w))) for row, w in enumerate(design.weights, start=1))
    return {
        "n": design.n,
        "min_n": arguments.min_n,
        "variance": "jk1" if design.replicates is not None else "linearisation",
        "calibration": [
            {"method": c.method, "converged": c.converged, "iterations": c.iterations} for c in design.calibrations
        ],
        "weights": {
            "sum": float(design.weights.sum()),
            "min": float(design.weights.min()),
            "max": float(design.weights.max()),
            "kish_deff": deff,
            "effective_n": effective,
        },
        "estimates": {
            name: {
                "overall": entry["overall"].as_dict(),
                "by": {
                    by: {category: cell.as_dict() for category, cell in domains.items()}
                    for by, domains in entry["by"].items()
                },
            }
            for name, entry in cells.items()
        },
    }


def weight(design, data, margins, arguments):
    if arguments.method == "raking" and arguments.bounds is None:
        options = {"maxit": arguments.maxit or 10, "epsilon": 1.0 if arguments.epsilon is None else arguments.epsilon}
        return rake(design, data, margins, **options)
    bounds = tuple(arguments.bounds) if arguments.bounds is not None else (-math.inf, math.inf)
    return calibrate(
        design,
        data,
        margins,
        method=arguments.method,
        bounds=bounds,
        maxit=arguments.maxit or 50,
        epsilon=1e-7 if arguments.epsilon is None else arguments.epsilon,
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        result = run(arguments)
    except SurveyStatsError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0

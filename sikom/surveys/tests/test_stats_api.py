"""The statistics package's contract beyond the R fixtures: errors with German messages, suppression of small
cells, the command line, and that it stays free of Django."""

import ast
import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sikom.surveys import stats
from sikom.surveys.stats import cli

PACKAGE = Path(stats.__file__).parent
MARGINS = {"sex": {"w": 520, "m": 480}, "age": {"jung": 300, "mittel": 400, "alt": 300}}


def sample(n=200, seed=7):
    rng = np.random.default_rng(seed)
    return {
        "sex": rng.choice(["w", "m"], n).tolist(),
        "age": rng.choice(["jung", "mittel", "alt"], n).tolist(),
        "district": rng.choice(["A", "B", "C"], n, p=[0.47, 0.48, 0.05]).tolist(),
        "threatened": (rng.random(n) < 0.3).astype(float).tolist(),
    }


def test_raking_meets_the_margins_and_reports_convergence():
    data = sample()
    design = stats.rake(stats.make_design(200), data, MARGINS, maxit=50, epsilon=1e-9)
    assert design.calibrations[-1].converged
    for name, table in MARGINS.items():
        for category, total in table.items():
            mask = np.asarray(data[name]) == category
            assert math.isclose(design.weights[mask].sum(), total, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (lambda d, m: m["age"].update({"sehr alt": 10}), stats.MarginsError, "keine befragte Person"),
        (lambda d, m: m["age"].pop("alt"), stats.MarginsError, "nicht in den Randverteilungen"),
        (lambda d, m: d["sex"].__setitem__(3, ""), stats.MissingValueError, "Zeile 4 keinen Wert"),
        (lambda d, m: d["sex"].__setitem__(5, None), stats.MissingValueError, "Zeile 6 keinen Wert"),
        (lambda d, m: m["sex"].update({"w": -1}), stats.MarginsError, "mindestens 0"),
        (lambda d, m: m["sex"].update({"w": 900}), stats.MarginsError, "verschiedene Gesamtzahlen"),
        (lambda d, m: m.update({"bildung": {"hoch": 1000}}), stats.MarginsError, "fehlt in den Daten"),
    ],
)
def test_bad_margins_and_data_raise_a_specific_error_in_german(change, error, words):
    data, margins = sample(), json.loads(json.dumps(MARGINS))
    change(data, margins)
    with pytest.raises(error, match=words):
        stats.rake(stats.make_design(200), data, margins)
    with pytest.raises(error, match=words):
        stats.calibrate(stats.make_design(200), data, margins)


def test_bad_designs_raise_in_german():
    with pytest.raises(stats.DesignError, match="größer als 0"):
        stats.make_design(weights=[1.0, 0.0, 2.0])
    with pytest.raises(stats.DesignError, match="kleiner als die Zahl"):
        stats.make_design(strata=["a", "a", "b"], fpc=[1, 1, 5])
    with pytest.raises(stats.DesignError, match="innerhalb einer Schicht"):
        stats.make_design(strata=["a", "a", "b"], fpc=[10, 11, 5])
    with pytest.raises(stats.DesignError, match="nur eine befragte Person"):
        design = stats.make_design(strata=["a", "a", "b"], lonely_psu="fail")
        stats.estimate(design, [1, 2, 3], min_n=0)
    with pytest.raises(stats.DesignError, match="ohne Schichtung"):
        stats.jk1(stats.make_design(strata=["a", "a", "b", "b"]))
    with pytest.raises(stats.CalibrationError, match="endliche Grenzen"):
        stats.calibrate(stats.make_design(200), sample(), MARGINS, method="logit")


def test_fpc_without_weights_gives_population_over_sample_size():
    design = stats.make_design(strata=["a", "a", "b", "b", "b"], fpc=[10, 10, 30, 30, 30])
    assert design.weights.tolist() == [5, 5, 10, 10, 10]


def test_cells_under_ten_respondents_are_suppressed():
    data = sample()
    design = stats.rake(stats.make_design(200), data, MARGINS)
    cells = stats.estimate_many(design, {"threatened": data["threatened"]}, by={"district": data["district"]})
    small = cells["threatened"]["by"]["district"]["C"]
    assert 0 < small.n < 10
    assert small.suppressed
    assert small.as_dict()["mean"] == {"estimate": None, "se": None, "ci": None}
    assert small.as_dict()["total"]["estimate"] is None
    large = cells["threatened"]["by"]["district"]["A"]
    assert not large.suppressed and large.mean.estimate is not None
    empty = stats.estimate(design, data["threatened"], domain=np.zeros(200, dtype=bool))
    assert empty.n == 0 and empty.suppressed
    district = np.asarray(data["district"])
    difference = stats.compare_domains(design, data["threatened"], district == "A", district == "C")
    assert difference.suppressed and difference.estimate is None


def test_missing_answers_are_left_out_of_the_cell():
    data = sample()
    answers = list(data["threatened"])
    answers[:20] = [None] * 20
    design = stats.make_design(200)
    result = stats.estimate(design, answers)
    assert result.n == 180
    assert math.isclose(result.mean.estimate, np.mean(data["threatened"][20:]))


def test_trimming_keeps_the_sum_and_the_bounds():
    data = sample()
    design = stats.rake(stats.make_design(200), data, MARGINS)
    low, high = np.quantile(design.weights, [0.1, 0.9])
    trimmed = stats.trim_weights(design, lower=low, upper=high)
    assert math.isclose(trimmed.weights.sum(), design.weights.sum())
    assert trimmed.weights.min() >= low - 1e-12
    reraked = stats.rake(trimmed, data, MARGINS)
    assert len(reraked.steps) == 2


def test_kish_of_equal_weights_is_one():
    assert stats.kish(np.full(50, 3.0)) == pytest.approx((1.0, 50.0))


def test_wave_difference_is_suppressed_with_a_small_wave():
    big = stats.estimate(stats.make_design(40), [1.0, 0.0] * 20)
    small = stats.estimate(stats.make_design(8), [1.0, 0.0] * 4)
    assert stats.compare_waves(big, small).suppressed
    difference = stats.compare_waves(big, big)
    assert difference.estimate == 0 and difference.p_value == 1.0


def write_responses(path, data, weights=None):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        names = list(data) + (["dw"] if weights is not None else [])
        writer.writerow(names)
        for i in range(len(data["sex"])):
            row = [data[name][i] for name in data]
            if weights is not None:
                row.append(str(weights[i]).replace(".", ","))
            writer.writerow(row)


def test_command_line_prints_json_and_writes_weights(tmp_path, capsys):
    data = sample()
    write_responses(tmp_path / "responses.csv", data, weights=[1.5] * 200)
    (tmp_path / "margins.json").write_text(json.dumps(MARGINS))
    arguments = [
        "--data", str(tmp_path / "responses.csv"), "--margins", str(tmp_path / "margins.json"),
        "--estimate", "threatened", "--estimate", "age", "--by", "district", "--design-weight", "dw",
        "--weights-out", str(tmp_path / "weights.csv"), "--trim", "3", "7",
    ]  # fmt: skip
    assert cli.main(arguments) == 0
    result = json.loads(capsys.readouterr().out)
    design = stats.rake(stats.make_design(weights=[1.5] * 200), data, MARGINS)
    design = stats.rake(stats.trim_weights(design, lower=3, upper=7), data, MARGINS)
    expected = stats.estimate(design, data["threatened"])
    overall = result["estimates"]["threatened"]["overall"]
    assert overall["mean"]["estimate"] == pytest.approx(expected.mean.estimate, rel=1e-12)
    assert overall["mean"]["se"] == pytest.approx(expected.mean.se, rel=1e-12)
    assert overall["kind"] == "proportion" and overall["n"] == 200
    assert result["estimates"]["threatened"]["by"]["district"]["C"]["suppressed"] is True
    assert set(result["estimates"]) == {"threatened", "age=alt", "age=jung", "age=mittel"}
    assert [c["method"] for c in result["calibration"]] == ["raking", "raking"]
    with (tmp_path / "weights.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    assert float(rows[0]["weight"]) == pytest.approx(design.weights[0], rel=1e-12)


def test_command_line_with_strata_fpc_and_jk1(tmp_path, capsys):
    data = sample(120, seed=3)
    write_responses(tmp_path / "r.csv", data)
    (tmp_path / "m.json").write_text(json.dumps({"sex": MARGINS["sex"]}))
    base = ["--data", str(tmp_path / "r.csv"), "--margins", str(tmp_path / "m.json"), "--estimate", "threatened"]
    assert cli.main([*base, "--replicates", "jk1", "--replicate-groups", "20", "--method", "linear"]) == 0
    assert json.loads(capsys.readouterr().out)["variance"] == "jk1"
    assert cli.main([*base, "--strata", "district", "--method", "logit", "--bounds", "0.5", "20"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["calibration"][0]["method"] == "logit"


def test_command_line_reads_na_as_no_answer_and_text_as_categories(tmp_path, capsys):
    (tmp_path / "r.csv").write_text(
        "trust,mood\n" + "".join(f"{i % 5},{'gut' if i % 3 else 'NA'}\n" for i in range(30))
    )
    (tmp_path / "r.csv").write_text((tmp_path / "r.csv").read_text().replace("0,gut", "NA,gut"))
    assert cli.main(["--data", str(tmp_path / "r.csv"), "--estimate", "trust", "--estimate", "mood"]) == 0
    result = json.loads(capsys.readouterr().out)["estimates"]
    assert result["trust"]["overall"]["kind"] == "mean"
    assert result["trust"]["overall"]["n"] < 30
    assert result["mood=gut"]["overall"]["n"] == 20
    assert result["mood=gut"]["overall"]["mean"]["estimate"] == 1.0


def test_command_line_errors_are_german_with_status_2(tmp_path, capsys):
    data = sample()
    write_responses(tmp_path / "r.csv", data)
    (tmp_path / "m.json").write_text(json.dumps({"sex": {"w": 500}}))
    status = cli.main(["--data", str(tmp_path / "r.csv"), "--margins", str(tmp_path / "m.json"), "--estimate", "x"])
    assert status == 2
    assert "Fehler: Die Kategorie »m« der Gewichtungsvariable »sex«" in capsys.readouterr().err


def test_module_runs_as_a_program(tmp_path):
    write_responses(tmp_path / "r.csv", sample(30))
    done = subprocess.run(
        [sys.executable, "-m", "sikom.surveys.stats", "--data", str(tmp_path / "r.csv"), "--estimate", "threatened"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["n"] == 30


def test_package_imports_neither_django_nor_other_apps():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("django", "sikom")), f"{path.name} imports {name}"

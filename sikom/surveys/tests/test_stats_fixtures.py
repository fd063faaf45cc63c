"""sikom.surveys.stats against R's survey package: the fixtures written by r/make_fixtures.R (R 4.2, survey 4.1).

Every case rebuilds the design from the fixture's data, applies the same calibration steps and compares the weights,
means, totals, standard errors, intervals, domain estimates and domain contrasts with R's to 1e-8 relative (1e-10
absolute for values near zero). Pure numpy: no R needed to run these tests.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sikom.surveys import stats

FIXTURES = Path(__file__).parent / "r" / "fixtures"
RELATIVE, ABSOLUTE = 1e-8, 1e-10


def close(actual, expected, what):
    if expected is None:
        assert actual is None or (isinstance(actual, float) and math.isnan(actual)), what
        return
    assert actual is not None, what
    assert math.isclose(actual, expected, rel_tol=RELATIVE, abs_tol=ABSOLUTE), f"{what}: {actual!r} != {expected!r}"


def load(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def build(case):
    data = case["data"]
    spec = case["design"]
    design = stats.make_design(
        len(data["dw"]),
        weights=data[spec["weights"]] if spec.get("weights") else None,
        strata=data[spec["strata"]] if spec.get("strata") else None,
        fpc=data[spec["fpc"]] if spec.get("fpc") else None,
        lonely_psu=case.get("lonely_psu") or "fail",
    )
    if case.get("replicates") == "jk1":
        design = stats.jk1(design)
    for step in case["steps"]:
        if step["op"] == "rake":
            design = stats.rake(design, data, step["margins"], maxit=step["maxit"], epsilon=step["epsilon"])
        elif step["op"] == "calibrate":
            lower, upper = step["bounds"]  # JSON has no infinity: R writes null
            bounds = (-math.inf if lower is None else lower, math.inf if upper is None else upper)
            design = stats.calibrate(
                design,
                data,
                step["margins"],
                method=step["method"],
                bounds=bounds,
                maxit=step["maxit"],
                epsilon=step["epsilon"],
            )
        elif step["op"] == "trim":
            design = stats.trim_weights(design, lower=step["lower"], upper=step["upper"])
    return design


def check_case(case):
    design = build(case)
    expected = case["expected"]
    np.testing.assert_allclose(design.weights, expected["weights"], rtol=RELATIVE, atol=ABSOLUTE)
    deff, n_eff = stats.kish(design.weights)
    close(deff, expected["kish"]["deff"], "Kish deff")
    close(n_eff, expected["kish"]["n_eff"], "Kish n_eff")
    data = case["data"]
    for record in expected["estimates"]:
        domain = None
        where = record["variable"]
        if record["domain"] is not None:
            column, category = record["domain"]["column"], record["domain"]["category"]
            domain = np.asarray(data[column]) == category
            where = f"{where} in {column}={category}"
        result = stats.estimate(design, data[record["variable"]], domain=domain, min_n=0)
        assert result.n == record["n"], where
        close(result.mean.estimate, record["mean"], f"{where}: mean")
        close(result.mean.se, record["mean_se"], f"{where}: SE of the mean")
        close(result.total.estimate, record["total"], f"{where}: total")
        close(result.total.se, record["total_se"], f"{where}: SE of the total")
        close(result.total.ci[0], record["total_ci"][0], f"{where}: total CI low")
        close(result.total.ci[1], record["total_ci"][1], f"{where}: total CI high")
        if "prop_ci" in record:
            assert result.kind == "proportion", where
            close(result.mean.ci[0], record["prop_ci"][0], f"{where}: logit CI low")
            close(result.mean.ci[1], record["prop_ci"][1], f"{where}: logit CI high")
        else:
            close(result.mean.ci[0], record["mean_ci"][0], f"{where}: mean CI low")
            close(result.mean.ci[1], record["mean_ci"][1], f"{where}: mean CI high")
    for record in expected["contrasts"]:
        column = np.asarray(data[record["column"]])
        difference = stats.compare_domains(
            design, data[record["variable"]], column == record["a"], column == record["b"], min_n=0
        )
        where = f"{record['variable']}: {record['a']} - {record['b']}"
        close(difference.estimate, record["estimate"], f"{where}: difference")
        close(difference.se, record["se"], f"{where}: SE of the difference")
    return design


def cases(name):
    return [pytest.param(case, id=case["name"]) for case in load(name)]


@pytest.mark.parametrize("case", cases("raking"))
def test_raking_matches_r(case):
    design = check_case(case)
    record = design.calibrations[-1] if design.calibrations else None
    if case["name"] == "raking stopped by maxit":
        assert record.converged is False
    elif record is not None:
        assert record.converged is True


@pytest.mark.parametrize("case", cases("strata"))
def test_strata_and_fpc_match_r(case):
    check_case(case)


@pytest.mark.parametrize("case", cases("calibration"))
def test_calibration_and_trimming_match_r(case):
    check_case(case)


@pytest.mark.parametrize("case", cases("jk1"))
def test_jk1_replicates_match_r(case):
    check_case(case)


@pytest.mark.parametrize("case", cases("edge"))
def test_edge_cases_match_r(case):
    check_case(case)


def test_waves_difference_matches_r():
    fixture = load("waves")
    designs = [check_case(case) for case in fixture["waves"]]
    for record in fixture["differences"]:
        name = record["variable"]
        a, b = (
            stats.estimate(design, case["data"][name]) for design, case in zip(designs, fixture["waves"], strict=True)
        )
        difference = stats.compare_waves(b, a)
        close(difference.estimate, record["estimate"], f"{name}: wave difference")
        close(difference.se, record["se"], f"{name}: SE of the wave difference")

"""Calibration of design weights to population margins, trimming, and Kish's design effect.

``rake`` follows R's ``survey::rake()`` (iterative proportional fitting, post-stratifying on one margin after the
other; convergence when no cell of the cross-table of all weighting variables moves by ``epsilon`` or more in a
pass), ``calibrate`` follows ``survey::calibrate()`` (unbounded linear: the closed form of ``regcalibrate``;
bounded linear, raking and logit: the Newton iteration of ``grake`` with its pre-scaling and step halving), and
``trim_weights`` follows ``survey::trimWeights()``. Each returns a new design that carries what the variance needs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np

from .design import Calibration, Design, RakingStep, RegressionStep, indicator
from .errors import CalibrationError, MarginsError, MissingValueError

Margins = Mapping[str, Mapping[str, float]]
METHODS = ("linear", "raking", "logit")


@dataclasses.dataclass(frozen=True)
class Margin:
    """One weighting variable: respondents' category codes, the categories (in the margins' order, categories with
    population 0 and no respondents left out) and their population totals."""

    name: str
    codes: np.ndarray
    categories: list
    totals: np.ndarray


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() == ""


def _labels(values: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Labels as stripped strings (vectorised for string arrays) and where they are missing."""
    array = np.asarray(values)
    if array.dtype.kind in "US":
        labels = np.char.strip(array.astype(str))
        return labels, labels == ""
    texts = ["" if is_missing(value) else str(value).strip() for value in values]
    labels = np.asarray(texts, dtype=str) if texts else np.asarray([], dtype=str)
    return labels, labels == ""


def prepare_margins(data: Mapping[str, Sequence], margins: Margins, n: int) -> list[Margin]:
    """Check the margins against the data and code the weighting variables; raises :class:`MarginsError` or
    :class:`MissingValueError` with a German message naming the variable and category."""
    if not margins:
        raise MarginsError("Es sind keine Randverteilungen angegeben.")
    prepared, sums = [], {}
    for name, table in margins.items():
        if name not in data:
            raise MarginsError(f"Die Gewichtungsvariable »{name}« fehlt in den Daten.")
        if not table:
            raise MarginsError(f"Die Randverteilung von »{name}« ist leer.")
        totals = {}
        for category, total in table.items():
            try:
                value = float(total)
            except (TypeError, ValueError):
                raise MarginsError(f"Der Populationswert von »{name}« = »{category}« ist keine Zahl.") from None
            if not math.isfinite(value) or value < 0:
                raise MarginsError(
                    f"Der Populationswert von »{name}« = »{category}« muss eine Zahl von mindestens 0 sein."
                )
            totals[str(category).strip()] = value
        sums[name] = sum(totals.values())
        values = data[name]
        if len(values) != n:
            raise MarginsError(f"Die Gewichtungsvariable »{name}« hat nicht für jede befragte Person einen Wert.")
        labels, missing = _labels(values)
        if missing.any():
            row = int(np.flatnonzero(missing)[0]) + 1
            raise MissingValueError(
                f"Die Gewichtungsvariable »{name}« hat in Zeile {row} keinen Wert; jede befragte Person braucht "
                "einen Wert in jeder Gewichtungsvariable."
            )
        found, inverse = np.unique(labels, return_inverse=True)
        present = set(found.tolist())
        unknown = sorted(present - set(totals))
        if unknown:
            raise MarginsError(
                f"Die Kategorie »{unknown[0]}« der Gewichtungsvariable »{name}« kommt in den Daten vor, aber nicht "
                "in den Randverteilungen."
            )
        for category, total in totals.items():
            if category not in present and total > 0:
                raise MarginsError(
                    f"Für die Kategorie »{category}« der Gewichtungsvariable »{name}« gibt es einen Populationswert, "
                    "aber keine befragte Person; Kategorien zusammenlegen."
                )
            if category in present and total == 0:
                raise MarginsError(
                    f"Die Kategorie »{category}« der Gewichtungsvariable »{name}« hat den Populationswert 0, kommt "
                    "aber in den Daten vor."
                )
        categories = [category for category in totals if category in present]
        position = {category: index for index, category in enumerate(categories)}
        codes = np.asarray([position[label] for label in found.tolist()], dtype=np.intp)[inverse.ravel()]
        prepared.append(Margin(name, codes, categories, np.asarray([totals[c] for c in categories])))
    reference = next(iter(sums.values()))
    for name, total in sums.items():
        if not math.isclose(total, reference, rel_tol=1e-6, abs_tol=1e-6):
            first = next(iter(sums))
            raise MarginsError(
                f"Die Randverteilungen ergeben verschiedene Gesamtzahlen: »{first}« {reference:g}, »{name}« {total:g}."
            )
    if reference <= 0:
        raise MarginsError("Die Randverteilungen ergeben eine Gesamtzahl von 0.")
    return prepared


def rake(
    design: Design,
    data: Mapping[str, Sequence],
    margins: Margins,
    *,
    maxit: int = 10,
    epsilon: float = 1.0,
) -> Design:
    """Rake the weights to the margins (R: ``rake(design, list(~a, ~b), list(pop_a, pop_b), control = list(maxit,
    epsilon))``, the same defaults). ``epsilon`` below 1 is a share of the sum of the weights, else an absolute
    number of persons: raking stops when no cell of the cross-table of the weighting variables changes by that much in
    one pass. Replicate weights, if any, are raked with the same number of passes. ``converged`` in the design's last
    calibration record says whether it stopped by ``epsilon`` (``False``: after ``maxit`` passes)."""
    prepared = prepare_margins(data, margins, design.n)
    weights = design.weights.copy()
    replicates = design.replicates.weights.copy() if design.replicates is not None else None
    limit = epsilon * weights.sum() if epsilon < 1 else epsilon
    matrices = [indicator(margin.codes, len(margin.categories)) for margin in prepared]
    counts = [np.bincount(margin.codes, minlength=len(margin.categories)).astype(float) for margin in prepared]
    cell = np.zeros(design.n, dtype=np.int64)
    for margin in prepared:
        cell = cell * len(margin.categories) + margin.codes
    _, cell = np.unique(cell, return_inverse=True)
    old = np.bincount(cell, weights=weights)
    iterations, converged, adjusted = 0, False, ()
    while iterations < maxit:
        adjusted = []
        for margin, matrix in zip(prepared, matrices, strict=True):
            sample = np.bincount(margin.codes, weights=weights, minlength=len(margin.categories))
            weights = weights * (margin.totals / sample)[margin.codes]
            if replicates is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    replicates = replicates * (margin.totals[:, None] / (matrix.T @ replicates))[margin.codes]
            adjusted.append(weights)
        new = np.bincount(cell, weights=weights)
        if np.abs(old - new).max() < limit:
            converged = True
            break
        old = new
        iterations += 1
    steps = design.steps
    if adjusted:
        steps = (*steps, RakingStep(tuple(matrices), tuple(counts), tuple(adjusted)))
    record = Calibration("raking", converged, iterations + 1 if converged else iterations, limit, maxit)
    return design.replace(
        weights=weights,
        steps=steps,
        replicates=_with_weights(design, replicates),
        calibrations=(*design.calibrations, record),
    )


def _with_weights(design: Design, replicate_weights):
    if design.replicates is None:
        return None
    return dataclasses.replace(design.replicates, weights=replicate_weights)


def model_matrix(prepared: list[Margin]) -> tuple[np.ndarray, np.ndarray]:
    """R's ``model.matrix(~a + b + ...)`` with treatment contrasts (intercept, then one column for every category but
    the first of each variable) and the matching population totals (``margins2totals``)."""
    n = len(prepared[0].codes)
    columns, totals = [np.ones(n)], [prepared[0].totals.sum()]
    for margin in prepared:
        for index in range(1, len(margin.categories)):
            columns.append((margin.codes == index).astype(float))
            totals.append(margin.totals[index])
    return np.column_stack(columns), np.asarray(totals)


def _calfun(method: str, lower: float, upper: float):
    """F(u) - 1 and its derivative as R's cal.linear, cal.raking and cal.logit."""
    if method == "linear":

        def fm1(u):
            return np.minimum(np.maximum(u + 1, lower), upper) - 1

        def df(u):
            return ((u < upper - 1) & (u > lower - 1)).astype(float)

    elif method == "raking":

        def fm1(u):
            return np.minimum(np.maximum(np.exp(u), lower), upper) - 1

        def df(u):
            return np.where((u < upper - 1) & (u > lower - 1), np.exp(u), 0.0)

    else:
        if not (math.isfinite(lower) and math.isfinite(upper)):
            raise CalibrationError("Die Logit-Kalibrierung braucht endliche Grenzen (untere < 1 < obere).")
        a = (upper - lower) / ((upper - 1) * (1 - lower))

        def fm1(u):
            e = np.exp(a * u)
            return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1

        def df(u):
            e = np.exp(a * u)
            d = upper - 1 + (1 - lower) * e
            return (
                upper * (1 - lower) * e * a / d
                - ((lower * (upper - 1) + upper * (1 - lower) * e) * ((1 - lower) * e * a)) / d**2
            )

    return fm1, df


def _grake(mm, ww, method, lower, upper, population, epsilon, maxit):
    """R's ``grake``: Newton steps on the calibration equations; returns (g, converged, iterations)."""
    fm1, df = _calfun(method, lower, upper)
    sample_total = mm.T @ ww
    eta = np.zeros(mm.shape[1])
    xeta = mm @ eta
    with np.errstate(over="ignore", invalid="ignore"):
        g = 1 + fm1(xeta)
        deriv = df(xeta)
    iterations = 1
    scales = population / sample_total
    scale = None
    if scales.min() > 20:  # R: pre-scaling for people starting with no weights
        scale = scales.mean()
        ww = ww * scale
        sample_total = sample_total * scale
    converged = False
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            tmat = (mm * (ww * deriv)[:, None]).T @ mm
            misfit = population - sample_total - mm.T @ (ww * fm1(xeta))
            deta = np.linalg.pinv(tmat, rcond=256 * np.finfo(float).eps) @ misfit
            eta = eta + deta
            xeta = mm @ eta
            g = 1 + fm1(xeta)
            deriv = df(xeta)
            while iterations < maxit and not (np.isfinite(g).all() and np.isfinite(deriv).all()):
                iterations += 1
                deta = deta / 2
                eta = eta - deta
                xeta = mm @ eta
                g = 1 + fm1(xeta)
                deriv = df(xeta)
            misfit = population - sample_total - mm.T @ (ww * fm1(xeta))
            if (np.abs(misfit) / (1 + np.abs(population)) < epsilon).all():
                converged = True
                break
            iterations += 1
            if iterations > maxit:
                break
    if scale is not None:
        g = g * scale
    return g, converged, iterations


def calibrate(
    design: Design,
    data: Mapping[str, Sequence],
    margins: Margins,
    *,
    method: str = "linear",
    bounds: tuple[float, float] = (-math.inf, math.inf),
    maxit: int = 50,
    epsilon: float = 1e-7,
) -> Design:
    """Calibrate the weights to the margins (R: ``calibrate(design, list(~a, ~b), list(pop_a, pop_b), calfun =,
    bounds =, maxit =, epsilon =)``, the same defaults). ``method``: ``"linear"`` (GREG; without bounds in closed
    form), ``"raking"`` or ``"logit"`` (bounded; ``bounds`` are limits for the factor g by which each weight is
    multiplied, e.g. ``(0.3, 3)``). The iteration stops when every calibration equation is met to ``epsilon``
    relative to 1 + its total; ``converged`` is in the design's last calibration record (R stops with an error instead
    unless ``force = TRUE``; the weights here are those of the last iteration)."""
    if method not in METHODS:
        raise CalibrationError(f"Unbekanntes Kalibrierungsverfahren »{method}«: linear, raking oder logit.")
    lower, upper = (float(bound) for bound in bounds)
    if not lower < 1 < upper:
        raise CalibrationError("Die Grenzen der Kalibrierung müssen die 1 einschließen (untere < 1 < obere).")
    prepared = prepare_margins(data, margins, design.n)
    mm, population = model_matrix(prepared)
    ww = design.weights
    whalf = np.sqrt(ww)
    if method == "linear" and math.isinf(lower) and math.isinf(upper):
        tmat = (mm * ww[:, None]).T @ mm
        g = 1 + mm @ np.linalg.solve(tmat, population - mm.T @ ww)
        converged, iterations = True, 1
        replicate_g = _replicate_linear(design, mm, population)
    else:
        g, converged, iterations = _grake(mm, ww, method, lower, upper, population, epsilon, maxit)
        replicate_g = None
        if design.replicates is not None:
            replicate_g = np.column_stack(
                [
                    _grake(mm, column, method, lower, upper, population, epsilon, maxit)[0]
                    for column in design.replicates.weights.T
                ]
            )
    step = RegressionStep(basis=_orthonormal_basis(mm * whalf[:, None]), w=g * whalf)
    record = Calibration(method, converged, iterations, epsilon, maxit)
    replicates = None
    if design.replicates is not None:
        replicates = dataclasses.replace(design.replicates, weights=design.replicates.weights * replicate_g)
    return design.replace(
        weights=ww * g,
        steps=(*design.steps, step),
        replicates=replicates,
        calibrations=(*design.calibrations, record),
    )


def _replicate_linear(design: Design, mm: np.ndarray, population: np.ndarray):
    if design.replicates is None:
        return None
    factors = []
    for column in design.replicates.weights.T:
        tmat = (mm * column[:, None]).T @ mm
        factors.append(1 + mm @ np.linalg.lstsq(tmat, population - mm.T @ column, rcond=None)[0])
    return np.column_stack(factors)


def _orthonormal_basis(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the column space (R: the Q of ``qr()``, rank-deficient columns dropped)."""
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    return u[:, s > s[0] * 1e-7]


def trim_weights(design: Design, *, lower: float = -math.inf, upper: float = math.inf) -> Design:
    """Cut weights to ``[lower, upper]`` and share what was cut off equally among the weights inside (R:
    ``trimWeights(design, lower =, upper =)``, not strict). The variance keeps the earlier calibration steps, as in R;
    rake again afterwards (R: ``rake(trimWeights(...), ...)``) to meet the margins again."""
    if design.replicates is not None:
        raise CalibrationError("Gewichte mit Replikatgewichten zu kürzen wird nicht unterstützt.")
    if lower > upper:
        raise CalibrationError("Beim Kürzen muss die untere Grenze unter der oberen liegen.")
    weights = design.weights
    outside = (weights < lower) | (weights > upper)
    if not outside.any():
        return design
    if outside.all():
        raise CalibrationError("Alle Gewichte liegen außerhalb der Grenzen; so lässt sich nicht kürzen.")
    trimmed = np.clip(weights, lower, upper)
    trimmed[~outside] += (weights - trimmed).sum() / (~outside).sum()
    return design.replace(weights=trimmed)


def kish(weights: np.ndarray) -> tuple[float, float]:
    """Kish's design effect of unequal weights, n * sum(w^2) / sum(w)^2, and the effective sample size n / deff."""
    weights = np.asarray(weights, dtype=float)
    weights = weights[weights != 0]
    square_of_sum = weights.sum() ** 2
    deff = len(weights) * (weights**2).sum() / square_of_sum
    return float(deff), float(square_of_sum / (weights**2).sum())

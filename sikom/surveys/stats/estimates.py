"""Weighted means, proportions and totals with standard errors and 95 % intervals, for the whole sample and for
domains, and tests of differences.

R calls followed (survey 4.1): ``svymean`` and ``svytotal`` (variance by linearisation, or from the replicates of a
replicate design), ``confint`` (Wald interval with the normal quantile) for means and totals, ``svyciprop(method =
"logit")`` for proportions (a Wald interval on the logit scale with the t quantile on ``degf(design)`` degrees of
freedom, mapped back), ``svyby`` for domains (the estimate on the full design with the weights outside the domain set
to zero), ``svyby(..., covmat = TRUE)`` then ``svycontrast`` for the difference between two domains, and for two survey
waves (independent samples) the difference with the sum of the two variances. Missing answers (NaN) are left out as
``na.rm = TRUE`` does (a domain of those who answered). Cells with fewer than ``min_n`` (10) respondents are
suppressed: estimate, standard error and interval are ``None`` and ``suppressed`` is true.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats as distributions

from .design import Design

MIN_N = 10
LEVEL = 0.95
CHUNK = 64  # columns (variable x cell) computed together


@dataclasses.dataclass(frozen=True)
class Value:
    """A point estimate with standard error and confidence interval (all ``None`` when suppressed)."""

    estimate: float | None
    se: float | None
    ci: tuple[float | None, float | None] | None

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "se": self.se, "ci": list(self.ci) if self.ci is not None else None}


SUPPRESSED = Value(None, None, None)


@dataclasses.dataclass(frozen=True)
class Estimate:
    """Mean (a proportion for a 0/1 variable: ``kind == "proportion"``) and total of one variable in one cell.
    ``n``: respondents in the cell with an answer; ``population``: the weighted number of them."""

    kind: str
    n: int
    suppressed: bool
    mean: Value
    total: Value
    population: float | None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "n": self.n,
            "suppressed": self.suppressed,
            "population": self.population,
            "mean": self.mean.as_dict(),
            "total": self.total.as_dict(),
        }


@dataclasses.dataclass(frozen=True)
class Difference:
    """A difference of two means (proportions) with standard error, interval, z statistic and two-sided p-value."""

    estimate: float | None
    se: float | None
    ci: tuple[float, float] | None
    z: float | None
    p_value: float | None
    n: tuple[int, int]
    suppressed: bool

    def as_dict(self) -> dict:
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci": list(self.ci) if self.ci is not None else None,
            "z": self.z,
            "p_value": self.p_value,
            "n": list(self.n),
            "suppressed": self.suppressed,
        }


def as_values(values: Sequence) -> np.ndarray:
    """A float column from numbers, numeric strings or missing values (``None``, ``""``, NaN become NaN)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return values.astype(float)
    try:
        return np.asarray(values, dtype=float)  # numbers and None (-> NaN)
    except (TypeError, ValueError):
        pass
    out = np.empty(len(values))
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            out[index] = math.nan
        else:
            out[index] = float(value)
    return out


def is_proportion(values: np.ndarray) -> bool:
    answered = values[~np.isnan(values)]
    return bool(answered.size) and bool(np.isin(answered, (0.0, 1.0)).all())


@dataclasses.dataclass(frozen=True)
class _Cells:
    """Raw results for k cells (columns): counts, estimates, variances, degrees of freedom."""

    n: np.ndarray
    population: np.ndarray
    mean: np.ndarray
    total: np.ndarray
    var_mean: np.ndarray
    var_total: np.ndarray
    df: np.ndarray
    var_logit: np.ndarray | None = None


def _cells(design: Design, y: np.ndarray, masks: np.ndarray, with_df: np.ndarray, known: dict | None = None) -> _Cells:
    """All cells at once: column j of ``y`` (n x k, NaN = no answer) restricted to column j of ``masks``."""
    valid = masks & ~np.isnan(y)
    values = np.where(valid, y, 0.0)
    weights = design.weights[:, None] * valid
    population = weights.sum(axis=0)
    total = (weights * values).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean = total / population
        var_logit = None
        if design.replicates is None:
            influence_mean = (values - np.nan_to_num(mean)) * weights / np.where(population > 0, population, 1)
            variances = design.linearised_variance(np.hstack([influence_mean, values * weights]))
            var_mean, var_total = np.split(variances, 2)
        else:
            replicate_weights = design.replicates.weights
            replicate_totals = replicate_weights.T @ (values * valid)
            replicate_population = replicate_weights.T @ valid.astype(float)
            replicate_means = replicate_totals / replicate_population
            var_mean = design.replicate_variance(replicate_means)
            var_total = design.replicate_variance(replicate_totals)
            # R's svyciprop fits svyglm in every replicate: the variance of the replicates' logits
            if with_df.any():
                var_logit = np.full(y.shape[1], np.nan)
                columns = np.flatnonzero(with_df)
                var_logit[columns] = _replicate_logit_variances(
                    design,
                    values[:, columns],
                    masks[:, columns],
                    valid[:, columns],
                    replicate_totals[:, columns],
                    replicate_population[:, columns],
                )
    known = {} if known is None else known
    df = np.full(y.shape[1], math.inf)
    for j in np.flatnonzero(with_df):
        key = masks[:, j].tobytes()
        if key not in known:
            known[key] = design.degrees_of_freedom(masks[:, j])
        df[j] = known[key]
    return _Cells(valid.sum(axis=0), population, mean, total, var_mean, var_total, df, var_logit)


def _irls_logit(s0: np.ndarray, s1: np.ndarray, coefficient: np.ndarray, old: np.ndarray) -> np.ndarray:
    """R's ``glm.fit`` (IRLS) for an intercept-only quasibinomial GLM of 0/1 answers, for many fits at once: ``s0``
    the sums of the weights, ``s1`` those of the weighted answers, ``coefficient`` the starting logits, ``old`` the
    deviance there. With a constant fitted value each step needs only these sums. Stops a fit when its deviance
    changes by less than 1e-8 relative, after at most 25 steps: the logits R's ``svyciprop`` uses, equal to the logit
    of the weighted mean only up to that tolerance."""
    done = np.zeros(np.shape(s0), dtype=bool)
    for _ in range(25):
        mu = 1 / (1 + np.exp(-coefficient))
        coefficient = np.where(done, coefficient, coefficient + (s1 - mu * s0) / (mu * (1 - mu) * s0))
        mu = 1 / (1 + np.exp(-coefficient))
        dev = 2 * (s1 * -np.log(mu) + (s0 - s1) * -np.log(1 - mu))
        done = done | (np.abs(dev - old) / (np.abs(dev) + 0.1) < 1e-8)
        old = dev
        if done.all():
            break
    return coefficient


def _full_sample_logit(y: np.ndarray, weights: np.ndarray, mean_weight: float) -> float:
    """The full-sample fit of ``svyglm``: prior weights w / mean(w) (the mean over the domain, those without an
    answer included, as R takes it before dropping them), R's first step from mustart = (w y + 0.5) / (w + 1) (a
    value per respondent), then IRLS on the sums."""
    w = weights / mean_weight
    mu = (w * y + 0.5) / (w + 1)
    eta = np.log(mu / (1 - mu))
    variance = mu * (1 - mu)
    old = 2 * (w * (np.where(y > 0, -np.log(mu), 0.0) + np.where(y < 1, -np.log(1 - mu), 0.0))).sum()
    first = (w * variance * (eta + (y - mu) / variance)).sum() / (w * variance).sum()
    s0, s1 = w.sum(), (w * y).sum()
    mu1 = 1 / (1 + np.exp(-first))
    dev = 2 * (s1 * -np.log(mu1) + (s0 - s1) * -np.log(1 - mu1))
    if abs(dev - old) / (abs(dev) + 0.1) < 1e-8:
        return float(first)
    return float(_irls_logit(np.asarray(s0), np.asarray(s1), np.asarray(first), np.asarray(dev)))


def _replicate_logit_variances(
    design: Design, y: np.ndarray, masks: np.ndarray, valid: np.ndarray, totals: np.ndarray, population: np.ndarray
) -> np.ndarray:
    """R's ``svyciprop`` on a replicate design, for the columns of ``y``: the replicate variance of the replicates'
    fitted logits (each replicate's IRLS starting from the full-sample fit). ``totals`` and ``population`` are the
    replicates' weighted sums of answers and of respondents (R x k)."""
    k = y.shape[1]
    start = np.full(k, np.nan)
    for j in range(k):
        rows = valid[:, j] & (design.weights > 0)
        answers = y[rows, j]
        if answers.size and 0 < answers.sum() < answers.size:
            mean_weight = design.weights[masks[:, j] & (design.weights > 0)].mean()
            start[j] = _full_sample_logit(answers, design.weights[rows], mean_weight)
    # R: each replicate's fit has prior weights summing to 1 over those who answered
    s0, s1 = np.ones_like(population), totals / population
    mu = 1 / (1 + np.exp(-start))
    old = 2 * (s1 * -np.log(mu) + (s0 - s1) * -np.log(1 - mu))
    betas = _irls_logit(s0, s1, np.broadcast_to(start, s0.shape), old)
    variances = design.replicate_variance(betas)
    return np.where(np.isnan(start), 0.0, variances)


def _wald(estimate: float, se: float, level: float) -> tuple[float, float]:
    q = distributions.norm.ppf(1 - (1 - level) / 2)
    return (float(estimate - q * se), float(estimate + q * se))


def logit_interval(
    p: float, se: float, df: float, level: float = LEVEL, *, se_logit: float | None = None
) -> tuple[float | None, float | None]:
    """R's ``svyciprop(method = "logit")``: the Wald interval for logit(p) with standard error se / (p (1 - p)) (with
    replicate weights: ``se_logit``, from the replicates' logits) and the t quantile on ``df`` degrees of freedom,
    mapped back. For p = 0 or 1 the interval is (p, p); without degrees of freedom (df <= 0) there is none (R:
    NaN)."""
    if df <= 0:
        return (None, None)
    if p <= 0 or p >= 1:
        return (p, p)
    q = (
        distributions.t.ppf(1 - (1 - level) / 2, df)
        if math.isfinite(df)
        else distributions.norm.ppf(1 - (1 - level) / 2)
    )
    eta = math.log(p / (1 - p))
    half = q * (se / (p * (1 - p)) if se_logit is None else se_logit)
    return (_expit(eta - half), _expit(eta + half))


def _expit(x: float) -> float:
    return math.exp(x) / (1 + math.exp(x)) if x < 0 else 1 / (1 + math.exp(-x))


def _estimate(cells: _Cells, j: int, kind: str, min_n: int, level: float) -> Estimate:
    n = int(cells.n[j])
    if n < min_n:
        return Estimate(kind, n, True, SUPPRESSED, SUPPRESSED, None)
    mean, total = float(cells.mean[j]), float(cells.total[j])
    se_mean, se_total = math.sqrt(max(cells.var_mean[j], 0.0)), math.sqrt(max(cells.var_total[j], 0.0))
    if kind == "proportion":
        se_logit = None if cells.var_logit is None else math.sqrt(max(cells.var_logit[j], 0.0))
        ci = logit_interval(mean, se_mean, cells.df[j], level, se_logit=se_logit)
    else:
        ci = _wald(mean, se_mean, level)
    return Estimate(
        kind,
        n,
        False,
        Value(mean, se_mean, ci),
        Value(total, se_total, _wald(total, se_total, level)),
        float(cells.population[j]),
    )


def estimate(
    design: Design,
    values: Sequence,
    *,
    domain: Sequence[bool] | None = None,
    min_n: int = MIN_N,
    level: float = LEVEL,
) -> Estimate:
    """Weighted mean (or proportion) and total of ``values`` (NaN/None: no answer), in ``domain`` if given."""
    y = as_values(values)
    mask = np.ones(design.n, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    kind = "proportion" if is_proportion(y) else "mean"
    cells = _cells(design, y[:, None], mask[:, None], np.array([kind == "proportion"]))
    return _estimate(cells, 0, kind, min_n, level)


def estimate_many(
    design: Design,
    variables: Mapping[str, Sequence],
    *,
    by: Mapping[str, Sequence] | None = None,
    min_n: int = MIN_N,
    level: float = LEVEL,
) -> dict:
    """Every variable overall and in every domain of every ``by`` column, in one pass over the data (the variances of
    all cells in one matrix). Returns ``{variable: {"overall": Estimate, "by": {column: {category: Estimate}}}}``;
    categories sorted, respondents without a value in a ``by`` column belong to none of its domains."""
    columns, masks, keys, kinds = [], [], [], []
    everyone = np.ones(design.n, dtype=bool)
    domains = []
    for column, labels in (by or {}).items():
        text = np.asarray(["" if label is None else str(label).strip() for label in labels], dtype=object)
        for category in sorted(set(text.tolist()) - {""}):
            domains.append((column, category, text == category))
    for name, values in variables.items():
        y = as_values(values)
        kind = "proportion" if is_proportion(y) else "mean"
        kinds.append(kind)
        for column, category, mask in [(None, None, everyone), *domains]:
            columns.append(y)
            masks.append(mask)
            keys.append((name, column, category, kind))
    result: dict = {}
    known: dict = {}  # degrees of freedom by domain, shared by the chunks
    for first in range(0, len(keys), CHUNK):  # chunks of columns: n x CHUNK arrays, not n x (variables x domains)
        chunk = range(first, min(first + CHUNK, len(keys)))
        cells = _cells(
            design,
            np.column_stack([columns[j] for j in chunk]),
            np.column_stack([masks[j] for j in chunk]),
            np.array([keys[j][3] == "proportion" for j in chunk]),
            known,
        )
        for position, j in enumerate(chunk):
            name, column, category, kind = keys[j]
            entry = result.setdefault(name, {"overall": None, "by": {}})
            value = _estimate(cells, position, kind, min_n, level)
            if column is None:
                entry["overall"] = value
            else:
                entry["by"].setdefault(column, {})[category] = value
    return result


def _difference(estimate_value: float, se: float, n: tuple[int, int], level: float) -> Difference:
    z = estimate_value / se if se > 0 else None
    p_value = float(2 * distributions.norm.sf(abs(z))) if z is not None else None
    return Difference(estimate_value, se, _wald(estimate_value, se, level), z, p_value, n, False)


def compare_domains(
    design: Design,
    values: Sequence,
    domain_a: Sequence[bool],
    domain_b: Sequence[bool],
    *,
    min_n: int = MIN_N,
    level: float = LEVEL,
) -> Difference:
    """Mean (proportion) in ``domain_a`` minus that in ``domain_b`` on the same design, with the covariance of the two
    (R: ``svycontrast(svyby(~y, ~domain, design, svymean, covmat = TRUE), c(1, -1))``); z = difference / se and the
    two-sided normal p-value."""
    y = as_values(values)
    a, b = np.asarray(domain_a, dtype=bool), np.asarray(domain_b, dtype=bool)
    cells = _cells(design, np.column_stack([y, y]), np.column_stack([a, b]), np.array([False, False]))
    n = (int(cells.n[0]), int(cells.n[1]))
    if min(n) < min_n:
        return Difference(None, None, None, None, None, n, True)
    difference = float(cells.mean[0] - cells.mean[1])
    valid = np.column_stack([a, b]) & ~np.isnan(y)[:, None]
    values_ = np.where(valid, y[:, None], 0.0)
    weights = design.weights[:, None] * valid
    if design.replicates is None:
        influence = (values_ - cells.mean) * weights / cells.population
        variance = design.linearised_variance(influence[:, 0] - influence[:, 1])[0]
    else:
        replicate = design.replicates.weights
        means = (replicate.T @ (values_ * valid)) / (replicate.T @ valid.astype(float))
        variance = design.replicate_variance((means[:, 0] - means[:, 1])[:, None])[0]
    return _difference(difference, math.sqrt(max(variance, 0.0)), n, level)


def compare_waves(a: Estimate, b: Estimate, *, level: float = LEVEL) -> Difference:
    """Mean (proportion) of wave ``a`` minus that of wave ``b``, two independent samples: the variance of the
    difference is the sum of the two variances (R: ``svycontrast`` on the two estimates with a block-diagonal
    covariance). Suppressed if either estimate is."""
    if a.suppressed or b.suppressed:
        return Difference(None, None, None, None, None, (a.n, b.n), True)
    se = math.sqrt(a.mean.se**2 + b.mean.se**2)
    return _difference(a.mean.estimate - b.mean.estimate, se, (a.n, b.n), level)

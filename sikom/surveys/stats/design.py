"""The sampling design: weights, strata, population sizes, and how calibration enters the variance.

A respondent is a primary sampling unit of its own (R: ``svydesign(ids = ~1, ...)``). Variances by linearisation
follow R's ``survey::svyrecvar`` (survey 4.1): the influence values are first projected through every calibration
step in the order the steps were made (raking: ten rounds of back-fitting over the margins; linear and logit
calibration: the residual of a weighted least-squares fit on the calibration model), then summed within strata with
the finite-population correction ``(N_h - n_h) / N_h`` and the factor ``n_h / (n_h - 1)``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .errors import DesignError

LONELY_PSU = ("adjust", "remove", "fail")


def indicator(codes: np.ndarray, categories: int) -> sparse.csr_matrix:
    """The n x K 0/1 matrix of ``codes`` (integers 0..K-1): group sums of a matrix M are ``indicator.T @ M``."""
    n = len(codes)
    return sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, categories))


def codes_of(values: Sequence, order: Sequence | None = None) -> tuple[np.ndarray, list]:
    """Integer codes for labels, in ``order`` if given (else sorted); returns (codes, categories)."""
    labels = np.asarray([str(value) for value in values], dtype=object)
    if order is None:
        categories, codes = np.unique(labels.astype(str), return_inverse=True)
        return codes.astype(np.intp), list(categories)
    position = {str(category): index for index, category in enumerate(order)}
    codes = np.fromiter((position.get(label, -1) for label in labels), dtype=np.intp, count=len(labels))
    return codes, [str(category) for category in order]


@dataclasses.dataclass(frozen=True)
class RakingStep:
    """What ``rake()`` leaves for the variance (R: a ``raking`` object in ``design$postStrata``): per margin the
    indicator matrix, the category counts and the weights right after that margin's adjustment in the last pass."""

    indicators: tuple
    counts: tuple
    weights: tuple

    def project(self, x: np.ndarray) -> np.ndarray:
        """R: ``for(iterations in 1:10) for(margin in psvar) x <- x - psw * apply(x / psw, 2, ave, margin)``.

        Computed in the space of the margins' categories: every round subtracts ``psw * (indicator @ means)``, so the
        result is x - B c with B the indicator columns times psw (n x K, K the categories of all margins); the ten
        rounds update c (K x k) with small dense products, and the n x k data are read once per margin and written
        once at the end, not 60 times."""
        basis = sparse.hstack(
            [matrix.multiply(psw[:, None]) for matrix, psw in zip(self.indicators, self.weights, strict=True)]
        ).tocsr()
        reads = [
            matrix.multiply((1 / psw)[:, None]).T.tocsr()
            for matrix, psw in zip(self.indicators, self.weights, strict=True)
        ]
        sums = [read @ x for read in reads]
        crossed = [(read @ basis).toarray() for read in reads]
        offsets = np.cumsum([0, *(len(counts) for counts in self.counts)])
        c = np.zeros((offsets[-1], x.shape[1]))
        for _ in range(10):
            for index, counts in enumerate(self.counts):
                means = (sums[index] - crossed[index] @ c) / counts[:, None]
                c[offsets[index] : offsets[index + 1]] += means
        return x - basis @ c


@dataclasses.dataclass(frozen=True)
class RegressionStep:
    """What ``calibrate()`` leaves for the variance (R: a ``greg_calibration``): an orthonormal basis of the
    columns of the calibration model times the square root of the weights before calibration, and those root weights
    times g."""

    basis: np.ndarray
    w: np.ndarray

    def project(self, x: np.ndarray) -> np.ndarray:
        # R: x <- qr.resid(qr, x / w) * w
        scaled = x / self.w[:, None]
        return (scaled - self.basis @ (self.basis.T @ scaled)) * self.w[:, None]


@dataclasses.dataclass(frozen=True)
class Replicates:
    """Replicate weights (n x R, the weights to use for each replicate), their scale and per-replicate scales."""

    weights: np.ndarray
    scale: float
    rscales: np.ndarray
    kind: str = "jk1"


@dataclasses.dataclass(frozen=True)
class Calibration:
    """How the current weights came about: the method, whether it converged, the iterations it took."""

    method: str
    converged: bool
    iterations: int
    epsilon: float
    maxit: int


@dataclasses.dataclass(frozen=True)
class Design:
    """A survey design. Build it with :func:`make_design`; :func:`~sikom.surveys.stats.rake`,
    :func:`~sikom.surveys.stats.calibrate`, :func:`~sikom.surveys.stats.trim_weights` and
    :func:`~sikom.surveys.stats.jk1` return new designs, the old one is left as it was."""

    weights: np.ndarray
    strata: np.ndarray
    stratum_n: np.ndarray
    stratum_popsize: np.ndarray | None
    has_strata: bool
    lonely_psu: str = "adjust"
    steps: tuple = ()
    replicates: Replicates | None = None
    calibrations: tuple = ()

    @property
    def n(self) -> int:
        return len(self.weights)

    def replace(self, **changes) -> Design:
        return dataclasses.replace(self, **changes)

    def _stratum_indicator(self) -> sparse.csr_matrix:
        return indicator(self.strata, len(self.stratum_n))

    def linearised_variance(self, x: np.ndarray) -> np.ndarray:
        """Variances (the diagonal of R's ``svyrecvar``) of the totals of the columns of ``x`` (n x k influence
        values, already multiplied by the weights)."""
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        for step in self.steps:
            x = step.project(x)
        counts = self.stratum_n.astype(float)
        if self.stratum_popsize is None:
            f = np.ones_like(counts)
        else:
            f = (self.stratum_popsize - counts) / self.stratum_popsize
        matrix = self._stratum_indicator()
        means = (matrix.T @ x) / counts[:, None]
        lonely = counts == 1
        if lonely.any():
            if self.lonely_psu == "fail":
                raise DesignError(
                    "Eine Schicht enthält nur eine befragte Person; ohne eine zweite lässt sich ihre Varianz nicht "
                    "schätzen. Schichten zusammenlegen oder lonely_psu='adjust' wählen."
                )
            if self.lonely_psu == "adjust":
                means[lonely] = 0.0  # R: no centring for a lonely PSU under "adjust"
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(counts > 1, f * counts / (counts - 1), f)
        scale[f < 1e-7] = 0.0  # a stratum sampled completely contributes nothing
        if self.lonely_psu == "remove":
            scale[lonely] = 0.0
        if len(counts) == 1:  # one stratum: no indicator products
            centred = x - means[0]
            return scale[0] * np.einsum("ij,ij->j", centred, centred)
        centred = x - matrix @ means
        return np.einsum("ij,ij,i->j", centred, centred, scale[self.strata])

    def replicate_variance(self, thetas: np.ndarray) -> np.ndarray:
        """Variances from replicate estimates ``thetas`` (R x k) as R's ``svrVar`` (mse = FALSE): around the
        mean of the replicates; replicates with a missing result are dropped."""
        reps = self.replicates
        ok = np.isfinite(thetas)
        used = ok & (reps.rscales > 0)[:, None]
        filled = np.where(ok, thetas, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = (filled * used).sum(axis=0) / used.sum(axis=0)
        deviations = np.where(ok, filled - centre, 0.0)
        return (deviations**2 * reps.rscales[:, None]).sum(axis=0) * reps.scale

    def degrees_of_freedom(self, mask: np.ndarray) -> float:
        """R's ``degf()`` of the design restricted to ``mask`` (respondents with weight): PSUs minus strata; for
        replicate designs the rank of the replicate weights minus one."""
        if self.replicates is not None:
            rows = self.replicates.weights[mask & (self.weights != 0)]
            if rows.size == 0:
                return 0.0
            if rows.size > 2_000_000:  # too large for the column loop: the rank of the R x R Gram matrix
                eigenvalues = np.linalg.eigvalsh(rows.T @ rows)
                return float((eigenvalues > eigenvalues.max() * 1e-10).sum() - 1)
            return float(qr_rank(rows) - 1)
        inset = mask & (self.weights != 0)
        return float(inset.sum() - np.count_nonzero(np.bincount(self.strata[inset], minlength=len(self.stratum_n))))


def qr_rank(matrix: np.ndarray, tol: float = 1e-5) -> int:
    """The rank R's ``qr(matrix, tol = 1e-5)$rank`` reports (LINPACK ``dqrdc2``: Householder QR with limited
    pivoting; a column counts as dependent, and is moved to the end, once its norm orthogonal to the columns before
    it has fallen below ``tol`` times its original norm). R's ``degf()`` of a replicate design is this rank minus 1;
    raked replicate weights are nearly dependent, so a plain SVD rank would differ."""
    x = np.array(matrix, dtype=float)
    n, p = x.shape
    norms = np.linalg.norm(x, axis=0)
    original = np.where(norms == 0, 1.0, norms)
    k = p
    for col in range(min(n, p)):
        while col < k and norms[col] < original[col] * tol:  # move the negligible column to the end
            x[:, col:] = np.roll(x[:, col:], -1, axis=1)
            norms[col:] = np.roll(norms[col:], -1)
            original[col:] = np.roll(original[col:], -1)
            k -= 1
        if col == n - 1:
            break
        head = np.linalg.norm(x[col:, col])
        if head == 0:
            continue
        if x[col, col] != 0:
            head = math.copysign(head, x[col, col])
        x[col:, col] *= 1.0 / head
        x[col, col] += 1.0
        rest = x[col:, col + 1 :]
        t = -(x[col:, col] @ rest) / x[col, col]
        rest += np.outer(x[col:, col], t)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.maximum(1.0 - (np.abs(rest[0]) / norms[col + 1 :]) ** 2, 0.0)
        recompute = shrink < 1e-6
        updated = np.where(recompute, np.linalg.norm(rest[1:], axis=0), norms[col + 1 :] * np.sqrt(shrink))
        norms[col + 1 :] = np.where(norms[col + 1 :] == 0, 0.0, updated)
    return min(k, n)


def make_design(
    n: int | None = None,
    *,
    weights: Sequence[float] | None = None,
    strata: Sequence | None = None,
    fpc: Sequence[float] | None = None,
    lonely_psu: str = "adjust",
) -> Design:
    """A design of ``n`` respondents (as R's ``svydesign(ids = ~1, weights =, strata =, fpc =)``).

    ``weights``: design weights (positive); ``strata``: one label per respondent; ``fpc``: one population size per
    respondent, the size N_h of its stratum (of the whole population without strata). Without ``weights`` the design
    weights are N_h / n_h with ``fpc`` and 1 without. ``lonely_psu`` says what a stratum of one respondent adds to
    the variance: ``"adjust"`` (default; its deviation from zero, R's ``survey.lonely.psu = "adjust"``),
    ``"remove"`` (nothing) or ``"fail"`` (a :class:`DesignError`).
    """
    if lonely_psu not in LONELY_PSU:
        raise DesignError(f"Unbekannte Behandlung einzelner Befragter in einer Schicht: {lonely_psu!r}.")
    lengths = {len(column) for column in (weights, strata, fpc) if column is not None}
    if n is not None:
        lengths.add(n)
    if len(lengths) != 1:
        raise DesignError("Gewichte, Schichten und Populationsgrößen müssen für gleich viele Befragte angegeben sein.")
    n = lengths.pop()
    if n < 2:
        raise DesignError("Für eine Schätzung mit Standardfehler braucht es mindestens zwei Befragte.")
    if strata is not None:
        if any(value is None or str(value).strip() == "" for value in strata):
            raise DesignError("Die Schichtvariable hat fehlende Werte; jede befragte Person braucht eine Schicht.")
        codes, _ = codes_of(strata)
    else:
        codes = np.zeros(n, dtype=np.intp)
    stratum_n = np.bincount(codes)
    popsize = None
    if fpc is not None:
        population = _numbers(fpc, "Populationsgröße (fpc)")
        if (population < 1).any():
            raise DesignError("Die Populationsgröße (fpc) muss mindestens 1 sein.")
        popsize = np.zeros(len(stratum_n))
        popsize[codes] = population
        if not np.array_equal(popsize[codes], population):
            raise DesignError("Die Populationsgröße (fpc) muss innerhalb einer Schicht überall gleich sein.")
        if (popsize < stratum_n).any():
            raise DesignError("Die Populationsgröße (fpc) ist kleiner als die Zahl der Befragten in ihrer Schicht.")
    if weights is not None:
        design_weights = _numbers(weights, "Designgewicht")
        if (design_weights <= 0).any():
            raise DesignError("Designgewichte müssen größer als 0 sein.")
    elif popsize is not None:
        design_weights = (popsize / stratum_n)[codes]
    else:
        design_weights = np.ones(n)
    return Design(
        weights=design_weights,
        strata=codes,
        stratum_n=stratum_n,
        stratum_popsize=popsize,
        has_strata=strata is not None,
        lonely_psu=lonely_psu,
    )


def _numbers(values: Sequence[float], what: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DesignError(f"{what}: nicht jeder Wert ist eine Zahl.") from None
    if not np.isfinite(array).all():
        raise DesignError(f"{what}: fehlende oder unendliche Werte.")
    return array

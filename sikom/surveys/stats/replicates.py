"""Delete-one (JK1) jackknife replicate weights, as R's ``as.svrepdesign(design, type = "JK1")``.

Make the replicates before calibrating: ``rake`` and ``calibrate`` then calibrate every replicate as well (R:
``rake(as.svrepdesign(svydesign(...), type = "JK1"), ...)``), so the variance includes the calibration.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .design import Design, Replicates, codes_of
from .errors import DesignError

MAX_REPLICATES = 5000  # n x R weights: 5,000 respondents as their own replicates are 200 MB already


def jk1(design: Design, groups: Sequence | None = None) -> Design:
    """The design with JK1 replicate weights: replicate r leaves out group r (by default each respondent is a group
    of its own, n replicates) and multiplies the other weights by G / (G - 1); the variance is (G - 1) / G times the
    sum of squared deviations from the mean of the replicates, times (N - n) / N with a population size. With many
    respondents, pass ``groups`` (e.g. 50 random groups, the delete-a-group jackknife; R: the same replicate weights
    given to ``svrepdesign(type = "JK1")``). Stratified designs are refused, as R does."""
    if design.has_strata:
        raise DesignError("Das JK1-Verfahren gilt nur für Stichproben ohne Schichtung.")
    if design.calibrations:
        raise DesignError(
            "Replikatgewichte zuerst bilden, dann gewichten: sonst fehlt die Gewichtung in den Replikaten."
        )
    if groups is None:
        if design.n > MAX_REPLICATES:
            raise DesignError(
                f"Mit {design.n} Befragten wären es {design.n} Replikate: bitte Gruppen angeben (z. B. 100 Zufallsgruppen)."
            )
        codes = np.arange(design.n)
    else:
        if len(groups) != design.n:
            raise DesignError("Für jede befragte Person braucht es eine Gruppe für die Replikate.")
        codes, _ = codes_of(groups)
    count = int(codes.max()) + 1
    if count > MAX_REPLICATES:
        raise DesignError(f"Höchstens {MAX_REPLICATES} Gruppen für Replikatgewichte.")
    if count < 2:
        raise DesignError("Für Replikatgewichte braucht es mindestens zwei Gruppen.")
    factor = np.full((design.n, count), count / (count - 1))
    factor[np.arange(design.n), codes] = 0.0
    f = 1.0
    if design.stratum_popsize is not None:
        population = design.stratum_popsize[0]
        f = (population - design.n) / population
    replicates = Replicates(
        weights=design.weights[:, None] * factor,
        scale=f * (count - 1) / count,
        rscales=np.ones(count),
    )
    return design.replace(replicates=replicates)

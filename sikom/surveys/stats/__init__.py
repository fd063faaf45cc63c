"""Survey statistics for the security analysis with citizen survey (issue 12), on numpy and scipy, without Django.

Matches R's ``survey`` package (4.1) to 1e-8: the R script ``sikom/surveys/tests/r/make_fixtures.R`` writes the
fixtures the tests compare against. Typical use::

    from sikom.surveys import stats

    design = stats.make_design(weights=design_weights, strata=districts, fpc=district_sizes)  # all optional
    design = stats.rake(design, {"age": ages, "sex": sexes}, {"age": {"18-34": 310.0, ...}, "sex": {...}})
    design.calibrations[-1].converged                      # raking converged?
    result = stats.estimate(design, answers)               # Estimate: .mean / .total -> .estimate .se .ci; .n
    cells = stats.estimate_many(design, {"q1": q1, "q2": q2}, by={"district": districts})
    cells["q1"]["by"]["district"]["Pirna"].as_dict()       # JSON-ready; suppressed cells (n < 10) are null
    stats.compare_domains(design, q1, districts_a, districts_b)   # Difference: estimate, se, ci, z, p_value
    stats.compare_waves(estimate_2025, estimate_2026)             # independent samples
    stats.kish(design.weights)                             # (design effect, effective sample size)

Calibration: :func:`rake` (R ``rake()``), :func:`calibrate` with ``method="linear" | "raking" | "logit"`` and
``bounds`` (R ``calibrate()``), :func:`trim_weights` then :func:`rake` again (R ``trimWeights()`` then ``rake()``).
Variance: by linearisation through the calibration steps (R ``svyrecvar``), or with :func:`jk1` replicate weights
made *before* calibrating (each replicate is then raked too). Errors are :class:`SurveyStatsError` subclasses with
German messages. Command line: ``python -m sikom.surveys.stats --help``.
"""

from .calibration import calibrate, kish, rake, trim_weights
from .design import Design, make_design
from .errors import CalibrationError, DesignError, MarginsError, MissingValueError, SurveyStatsError
from .estimates import (
    MIN_N,
    Difference,
    Estimate,
    Value,
    compare_domains,
    compare_waves,
    estimate,
    estimate_many,
    logit_interval,
)
from .replicates import jk1

__all__ = [
    "MIN_N",
    "CalibrationError",
    "Design",
    "DesignError",
    "Difference",
    "Estimate",
    "MarginsError",
    "MissingValueError",
    "SurveyStatsError",
    "Value",
    "calibrate",
    "compare_domains",
    "compare_waves",
    "estimate",
    "estimate_many",
    "jk1",
    "kish",
    "logit_interval",
    "make_design",
    "rake",
    "trim_weights",
]

"""The exceptions of the statistics package: each carries a German message for the user (``str(error)``)."""


class SurveyStatsError(ValueError):
    """Base class: the input cannot be analysed as given. The message is German and names what to fix."""


class DesignError(SurveyStatsError):
    """The sampling design is inconsistent: weights, strata or population sizes (fpc)."""


class MarginsError(SurveyStatsError):
    """The population margins do not fit: negative or missing totals, totals that disagree between variables, a
    margin category without respondents, a category in the data without a margin."""


class MissingValueError(SurveyStatsError):
    """A weighting variable has a missing value: every respondent needs a category in every weighting variable."""


class CalibrationError(SurveyStatsError):
    """Calibration is impossible with these settings (bad bounds, an unknown method, replicate weights not supported)."""

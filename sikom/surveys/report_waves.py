"""The report's comparison with the municipality's earlier wave: when an earlier security analysis of the same
municipality is done, its headline figures stand beside this one's, with the difference and its 95 % interval.

The two waves are independent samples, so the difference's variance is the sum of the two (`stats.compare_waves`,
as R's ``svycontrast`` on the two estimates with a block-diagonal covariance). Each wave keeps its own weighting. A
figure is compared only when both waves have it (the same item of the standard bank, whatever its code) and neither
cell is suppressed (fewer than 10 answers); the report says that questions or weighting may differ between waves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from sikom.geo.selectors import without_boundaries
from sikom.surveys import report, report_items, stats
from sikom.surveys.models import AnalysisState, SafetyAnalysis


@dataclass
class Change:
    label: str
    measure: str
    earlier: report.Cell
    current: report.Cell
    difference: float | None  # percentage points for a share, the mean's unit otherwise; None when suppressed
    low: float | None
    high: float | None
    p_value: float | None

    @property
    def is_share(self) -> bool:
        return self.current.kind == "proportion"

    @property
    def clear(self) -> bool:
        """The whole 95 % interval of the difference is on one side of zero."""
        return self.low is not None and (self.low > 0 or self.high < 0)


@dataclass
class WaveComparison:
    earlier: SafetyAnalysis
    changes: list[Change]


def earlier_wave(analysis: SafetyAnalysis, visible=None) -> SafetyAnalysis | None:
    """The latest done analysis of the same municipality before this one (an earlier year, or the same year and
    created before). ``visible``: the queryset the reader may see (None in the PDF job, whose starter was checked)."""
    candidates = visible if visible is not None else without_boundaries(SafetyAnalysis.objects.all(), "municipality")
    return (
        # Demo figures and real ones are never compared.
        candidates.filter(municipality_id=analysis.municipality_id, status=AnalysisState.DONE, is_demo=analysis.is_demo)
        .exclude(pk=analysis.pk)
        .filter(Q(year__lt=analysis.year) | Q(year=analysis.year, created_at__lt=analysis.created_at))
        .select_related("municipality")
        .order_by("-year", "-created_at", "-pk")
        .first()
    )


def _as_estimate(cell: report.Cell) -> stats.Estimate:
    """The report's cell (per cent for a share) back as the statistics package's estimate (a proportion)."""
    if cell.suppressed:
        return stats.Estimate(
            cell.kind, cell.n, True, stats.Value(None, None, None), stats.Value(None, None, None), None
        )
    scale = 100.0 if cell.kind == "proportion" else 1.0
    mean = stats.Value(cell.estimate / scale, cell.se / scale, (cell.low / scale, cell.high / scale))
    return stats.Estimate(cell.kind, cell.n, False, mean, stats.Value(None, None, None), None)


def compare(current: report.Report, earlier: report.Report) -> list[Change]:
    changes = []
    for key in report_items.HEADLINES:
        now, before = current.row(key), earlier.row(key)
        if now is None or before is None or now.overall.kind != before.overall.kind:
            continue
        difference = stats.compare_waves(_as_estimate(now.overall), _as_estimate(before.overall))
        scale = 100.0 if now.overall.kind == "proportion" else 1.0
        if difference.suppressed or difference.estimate is None:
            values = (None, None, None, None)
        else:
            values = (
                difference.estimate * scale,
                difference.ci[0] * scale,
                difference.ci[1] * scale,
                difference.p_value,
            )
        changes.append(Change(now.label, now.measure, before.overall, now.overall, *values))
    return changes


def comparison(analysis: SafetyAnalysis, current: report.Report, visible=None) -> WaveComparison | None:
    """The comparison with the earlier wave, or None when there is none (or it shares no headline figure)."""
    earlier = earlier_wave(analysis, visible)
    if earlier is None:
        return None
    changes = compare(current, report.build(earlier))
    return WaveComparison(earlier, changes) if changes else None

"""The report as a document: the context the page and the PDF share (one template, `surveys/report/_body.html`),
the PDF as a background job (`core.jobs`, kind »surveys.report«), and the one write of the report, the weighting
set-up (`save_weighting`)."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core import audit, jobs
from sikom.core.documents import render_pdf
from sikom.core.models import Job
from sikom.geo.selectors import without_boundaries
from sikom.indicators.selectors import indicators_visible_to, municipality_profile
from sikom.surveys import fieldwork, prevention, report, report_charts, report_waves, selectors
from sikom.surveys.models import Response, SafetyAnalysis, WeightingSetup

REPORT_KIND = "surveys.report"
INLINE_MAX = 20000  # the page computes on the fly up to this many responses; above, only the PDF job
PDF_STEPS = 5


def response_count(analysis: SafetyAnalysis) -> int:
    return Response.objects.filter(questionnaire__analysis=analysis, completed=True).count()


def objective_rows(analysis: SafetyAnalysis, user) -> list[dict]:
    """The municipality's indicators (latest year of each series) with the district's and Saxony's figures.
    ``user`` None: in the PDF job, whose starter was checked by the view (who reaches an analysis reads indicators:
    both are ASSKomm and municipal staff)."""
    indicators = indicators_visible_to(user) if user is not None else None
    profiles = municipality_profile(analysis.municipality, indicators=indicators)
    rows = []
    for profile in profiles:
        for series in profile.series:
            if not series.rows:
                continue
            last = series.rows[-1]
            rows.append(
                {
                    "name": profile.indicator.name,
                    "category": series.label,
                    "year": last.year,
                    "value": last.value,
                    "rate": last.rate,
                    "district": last.district.rate if last.district and profile.per_capita else None,
                    "saxony": last.saxony.rate if last.saxony and profile.per_capita else None,
                    "trend": series.trend.label if series.trend else "",
                    "per_capita": profile.per_capita,
                }
            )
    return rows


def context(analysis: SafetyAnalysis, user, *, include_texts: bool, progress=None, document: bool = False) -> dict:
    built = report.build(analysis, include_texts=include_texts, progress=progress)
    charts = []
    for block in built.blocks:
        shown = list(block.rows)
        if shown:
            charts.append(
                (block, report_charts.bars(shown, id=f"{'pdf-' if document else ''}{block.code}", title=block.title))
            )
    if progress:
        progress(4)
    monitoring = fieldwork.monitoring(analysis)
    return {
        "analysis": analysis,
        "report": built,
        "weighting": built.weighting,
        "charts": charts,
        "findings": prevention.evaluate(built),
        "threshold_note": prevention.THRESHOLD_NOTE,
        "rules": prevention.RULES,
        "monitoring": monitoring,
        "place_map": report_charts.places_map(analysis.municipality, built.points, id="places") if built.points else "",
        "objective": objective_rows(analysis, user),
        "waves": report_waves.comparison(
            analysis, built, selectors.analyses_visible_to(user) if user is not None else None
        ),
        "victimisation": built.row("victimisation"),
        "reporting": built.row("reporting"),
        "district_name": analysis.municipality.district.name if analysis.municipality.district_id else "",
        "include_texts": include_texts,
        "document": document,
        "sources": report.bank.SOURCES,
    }


# The PDF job --------------------------------------------------------------------------------------------------------


def start_pdf(*, analysis: SafetyAnalysis, by, include_texts: bool) -> Job:
    job = jobs.start(
        kind=REPORT_KIND,
        owner=by,
        label=_("Bericht: %(title)s") % {"title": analysis.title},
        params={"analysis": analysis.pk, "texts": bool(include_texts)},
        total=PDF_STEPS,
    )
    audit.log("surveys.report_started", actor=by, obj=analysis, data={"job": job.pk, "texts": bool(include_texts)})
    return job


def make_pdf(job: Job, out: BinaryIO, progress) -> tuple[str, str]:
    """The job handler: compute the report and render the PDF from the page's template. Access was decided when
    the job was started (`report_views.pdf_start`); the result is its owner's alone (`core.jobs`)."""
    analysis = (
        without_boundaries(SafetyAnalysis.objects.select_related("municipality"), "municipality")
        .filter(pk=job.params.get("analysis"))
        .first()
    )
    if analysis is None:
        raise jobs.JobRefused(_("Die Sicherheitsanalyse gibt es nicht mehr."))
    data = context(analysis, None, include_texts=bool(job.params.get("texts")), progress=progress, document=True)
    now = timezone.now()
    pdf = render_pdf(
        "surveys/report/document.html",
        {**data, "generated_at": now},
        label=_("Bericht %(title)s") % {"title": analysis.title},
        created_at=now,
    )
    progress(PDF_STEPS)
    out.write(pdf)
    return f"Bericht-{analysis.municipality.ags}-{analysis.year}.pdf", "application/pdf"


def report_jobs(analysis: SafetyAnalysis, user) -> list[Job]:
    return list(
        jobs.jobs_visible_to(user).filter(kind=REPORT_KIND, params__analysis=analysis.pk).order_by("-created_at")[:5]
    )


# The weighting set-up (the one write) -------------------------------------------------------------------------------


def save_weighting(*, analysis: SafetyAnalysis, margins: dict, use_design_weights: bool, by) -> WeightingSetup:
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        setup, _created = WeightingSetup.objects.get_or_create(analysis=current)
        setup.margins = margins
        setup.use_design_weights = use_design_weights
        setup.updated_by = by
        setup.save()
        audit.log(
            "surveys.weighting_saved",
            actor=by,
            obj=current,
            data={"variables": sorted(margins), "design_weights": use_design_weights},
        )
    return setup

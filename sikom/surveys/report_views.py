"""Pages of the report (/sicherheitsanalysen/<pk>/bericht/…): the report page, the weighting set-up, the PDF job
with its progress bar and download, the data export and the codebook. Thin: the analysis comes from `selectors`
(outside it: 404), the computation from `report`, the write from `report_document.save_weighting`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.core import audit
from sikom.core.exports import export_format, table_download
from sikom.surveys import report, report_document, selectors
from sikom.surveys.job_views import JobPages
from sikom.surveys.models import WeightingSetup
from sikom.surveys.report_forms import PdfForm, WeightingForm

staff = staff_required(selectors.keeps_analyses)
REPORT_JOBS = JobPages(
    kind=report_document.REPORT_KIND,
    poll="surveys:report_job",
    download="surveys:report_download",
    page="surveys:report",
    anchor="#pdf",
    downloaded="surveys.report_downloaded",
)


@staff
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    count = report_document.response_count(analysis)
    data = {"analysis": analysis, "count": count, "too_large": count > report_document.INLINE_MAX}
    if not data["too_large"]:
        data.update(report_document.context(analysis, request.user, include_texts=True))
    data["jobs"] = [
        (job, REPORT_JOBS.urls(analysis, job)) for job in report_document.report_jobs(analysis, request.user)
    ]
    data["pdf_form"] = PdfForm()
    return render(request, "surveys/report/page.html", data)


@staff
@require_http_methods(["GET", "POST"])
def weighting(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    questions = report.questions_of(analysis)
    roles = {q.weighting_role: q for q in questions if q.weighting_role}
    setup = WeightingSetup.objects.filter(analysis=analysis).first()
    register, notes = report.register_margins(analysis, roles)
    form = WeightingForm(
        request.POST or None,
        roles=roles,
        initial_margins=setup.margins if setup else {},
        register=register,
        initial={"use_design_weights": setup.use_design_weights if setup else True},
    )
    if request.method == "POST" and form.is_valid():
        report_document.save_weighting(
            analysis=analysis,
            margins=form.cleaned_data["margins"],
            use_design_weights=form.cleaned_data["use_design_weights"],
            by=request.user,
        )
        messages.success(request, _("Die Gewichtung ist gespeichert."))
        return redirect("surveys:report_weighting", pk=analysis.pk)
    answers = report.load_answers(analysis)
    result = report.weigh(analysis, questions, answers)
    return render(
        request,
        "surveys/report/weighting.html",
        {"analysis": analysis, "form": form, "weighting": result, "notes": notes, "has_roles": bool(roles)},
    )


@staff
@require_POST
def pdf_start(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    form = PdfForm(request.POST)
    include_texts = form.is_valid() and form.cleaned_data["include_texts"]
    report_document.start_pdf(analysis=analysis, by=request.user, include_texts=include_texts)
    messages.success(request, _("Der Bericht wird erstellt."))
    return redirect(reverse("surveys:report", args=[analysis.pk]) + "#pdf")


@staff
@require_GET
def pdf_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    return REPORT_JOBS.progress(request, pk, job_pk)


@staff
@require_GET
def pdf_download(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    return REPORT_JOBS.result(request, pk, job_pk)


@staff
@require_GET
def data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per anonymous response in random order with its weight; free texts only with ?freitexte=1."""
    analysis = selectors.get_analysis_for(request.user, pk)
    fmt = export_format(request)
    if not fmt:
        raise Http404
    include_texts = request.GET.get("freitexte") == "1"
    header, rows = report.data_rows(analysis, include_texts=include_texts)
    audit.log(
        "surveys.report_data_exported",
        actor=request.user,
        obj=analysis,
        data={"format": fmt, "texts": include_texts, "rows": len(rows)},
    )
    stem = f"Daten-{analysis.municipality.ags}-{analysis.year}" + ("-mit-Freitexten" if include_texts else "")
    return table_download(fmt, stem, header, rows)


@staff
@require_GET
def codebook(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = selectors.get_analysis_for(request.user, pk)
    fmt = export_format(request)
    if not fmt:
        raise Http404
    header, rows = report.codebook(analysis)
    audit.log("surveys.report_codebook_exported", actor=request.user, obj=analysis, data={"format": fmt})
    return table_download(fmt, f"Codebuch-{analysis.municipality.ags}-{analysis.year}", header, rows)

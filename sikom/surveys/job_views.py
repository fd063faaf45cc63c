"""The pages of an analysis' long jobs (letters, report PDF), the same for every kind: the job of this analysis and
kind for its owner only (404 otherwise), the progress partial htmx polls, and the audited download."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from sikom.core import audit, jobs
from sikom.surveys import selectors


@dataclass(frozen=True)
class JobPages:
    kind: str  # the job kind registered with core.jobs
    poll: str  # URL names of the progress partial and the download, both with (analysis, job)
    download: str
    page: str  # the page that shows the bar (with `anchor`)
    anchor: str
    downloaded: str  # the audit action on the analysis

    def urls(self, analysis, job) -> dict:
        return {
            "poll_url": reverse(self.poll, args=[analysis.pk, job.pk]),
            "download_url": reverse(self.download, args=[analysis.pk, job.pk]),
            "refresh_url": self.page_url(analysis),
        }

    def page_url(self, analysis) -> str:
        return reverse(self.page, args=[analysis.pk]) + self.anchor

    def job_for(self, request: HttpRequest, pk: int, job_pk: int):
        analysis = selectors.get_analysis_for(request.user, pk)
        job = jobs.get_job_for(request.user, job_pk)
        if job.kind != self.kind or job.params.get("analysis") != analysis.pk:
            raise Http404
        return analysis, job

    def progress(self, request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
        """The progress partial (htmx polls it); without htmx the page with the bar."""
        analysis, job = self.job_for(request, pk, job_pk)
        if request.headers.get("HX-Request") != "true":
            return redirect(self.page_url(analysis))
        return render(request, "core/partials/job.html", {"job": job, **self.urls(analysis, job)})

    def result(self, request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
        analysis, job = self.job_for(request, pk, job_pk)
        if not jobs.has_result(job):
            raise Http404
        audit.log(self.downloaded, actor=request.user, obj=analysis, data={"job": job.pk})
        return jobs.download_response(job, actor=request.user)

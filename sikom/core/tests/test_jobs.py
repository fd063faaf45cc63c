"""core.jobs: a job runs its handler, stores the result encrypted, reports failures in German, and housekeeping
deletes results after their retention period; core.pdfstream writes a valid PDF."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone
from pypdf import PdfReader

from sikom import testing
from sikom.core import jobs
from sikom.core.models import Job
from sikom.core.pdfstream import Canvas, PdfStream

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path)
    return tmp_path


def _echo(job, out, progress):
    for index in range(job.total):
        out.write(b"line %d\n" % index)
        progress(index + 1)
    return "echo.txt", "text/plain"


def _refuse(job, out, progress):
    raise jobs.JobRefused("Nichts zu tun.")


def _crash(job, out, progress):
    out.write(b"half")
    raise RuntimeError("boom")


jobs.register("test.echo", _echo)
jobs.register("test.refuse", _refuse)
jobs.register("test.crash", _crash)


def test_job_runs_and_stores_the_result_encrypted(storage_root):
    owner = testing.make_user()
    job = jobs.start(kind="test.echo", owner=owner, label="Echo", params={}, total=3)
    assert job.status == Job.Status.DONE and job.done == 3 and job.percent == 100
    assert b"".join(jobs.open_result(job)) == b"line 0\nline 1\nline 2\n"
    stored = (storage_root / job.result_name).read_bytes()
    assert b"line 0" not in stored and stored.startswith(b"SKF2")
    assert job.expires_at > timezone.now()
    other = testing.make_user()
    assert not jobs.jobs_visible_to(other).exists() and jobs.jobs_visible_to(owner).get() == job


def test_refusal_and_crash_are_reported_without_a_file(storage_root):
    owner = testing.make_user()
    refused = jobs.start(kind="test.refuse", owner=owner, label="R", params={}, total=1)
    assert refused.status == Job.Status.FAILED and refused.error == "Nichts zu tun."
    crashed = jobs.start(kind="test.crash", owner=owner, label="C", params={}, total=1)
    assert crashed.status == Job.Status.FAILED and "fehlgeschlagen" in crashed.error
    assert not jobs.has_result(crashed) and not list(storage_root.rglob("*.skj"))


def test_housekeeping_deletes_expired_results_and_old_rows(storage_root):
    owner = testing.make_user()
    job = jobs.start(kind="test.echo", owner=owner, label="Echo", params={}, total=1)
    keep = jobs.start(kind="test.echo", owner=owner, label="Echo", params={}, total=1)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert jobs.purge() == {"job_files": 1, "jobs": 0, "jobs_stale": 0}
    job.refresh_from_db()
    assert job.result_name == "" and not jobs.has_result(job)
    assert storages["evidence"].exists(keep.result_name)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=60))
    assert jobs.purge()["jobs"] == 1


def test_pdfstream_writes_a_readable_pdf():
    out = io.BytesIO()
    stream = PdfStream(out)
    canvas = Canvas()
    canvas.text(20, 20, "Grüße (Demo) \\ ok")
    canvas.modules(20, 30, [[1, 0, 1], [0, 1, 0], [1, 1, 1]], size_mm=10)
    stream.add_page(canvas.content(), forms={})
    stream.close(title="Test")
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert len(reader.pages) == 1 and "Grüße (Demo) \\ ok" in reader.pages[0].extract_text()
    assert not Canvas.fits("Łukasz") and Canvas.fits("Jürgen Groß")


def test_a_job_whose_worker_went_away_fails_and_a_running_job_is_polled(storage_root, client):
    from django.template.loader import render_to_string

    owner = testing.make_user()
    job = Job.objects.create(owner=owner, kind="test.echo", label="L", status=Job.Status.RUNNING, total=10, done=4)
    html = render_to_string("core/partials/job.html", {"job": job, "poll_url": "/p/", "refresh_url": "/r/"})
    assert 'hx-get="/p/"' in html and 'value="40"' in html and 'href="/r/"' in html
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=7))
    assert jobs.purge()["jobs_stale"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error
    html = render_to_string("core/partials/job.html", {"job": job, "poll_url": "/p/", "refresh_url": "/r/"})
    assert "hx-get" not in html and job.error in html

"""The report's comparison with the municipality's earlier wave: which analysis counts as the earlier wave, the
difference of two independent samples (variance the sum of the two), suppression, and the table in page and PDF."""

import io
import math

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sikom import testing
from sikom.core import jobs
from sikom.core.models import Job
from sikom.surveys import report, report_waves, services
from sikom.surveys.models import AnalysisState, Response
from sikom.surveys.tests.factories import dresden, make_analysis, running_analysis
from sikom.surveys.tests.test_report_numbers import respondents

pytestmark = pytest.mark.django_db


def _done(year: int, *, n: int = 0, by=None, municipality=None):
    analysis = make_analysis(by=by, year=year, running=True, municipality=municipality, title=f"Welle {year}")
    respondents(analysis, n)
    services.change_status(analysis=analysis, to=AnalysisState.DONE, by=by)
    analysis.refresh_from_db()
    return analysis


def test_the_earlier_wave_is_the_latest_done_analysis_of_the_municipality_before_this_one(asskomm):
    year = timezone.localdate().year
    oldest = _done(year - 6, by=asskomm)
    older = _done(year - 3, by=asskomm)
    _done(year - 1, by=asskomm, municipality=dresden())  # another municipality
    cancelled = make_analysis(by=asskomm, year=year - 2)
    services.change_status(analysis=cancelled, to=AnalysisState.CANCELLED, by=asskomm, reason="Test")
    current = running_analysis(by=asskomm)
    assert report_waves.earlier_wave(current) == older
    older.__class__.objects.filter(pk=older.pk).update(is_demo=True)  # demo figures are not compared with real ones
    assert report_waves.earlier_wave(current) == oldest
    older.__class__.objects.filter(pk=older.pk).update(is_demo=False)
    assert report_waves.earlier_wave(older) == oldest
    assert report_waves.earlier_wave(oldest) is None
    # A reader who may not see the earlier analysis gets no comparison.
    assert report_waves.earlier_wave(current, visible=current.__class__.objects.none()) is None


def test_the_difference_of_two_waves_adds_their_variances(asskomm):
    year = timezone.localdate().year
    earlier = _done(year - 3, n=60, by=asskomm)
    current = running_analysis(by=asskomm)
    respondents(current, 60)
    for response in list(Response.objects.filter(questionnaire__analysis=current))[:20]:
        response.answers["sicher_dunkel"] = "4"
        response.save(update_fields=["answers"])
    now, before = report.build(current), report.build(earlier)
    result = report_waves.comparison(current, now)
    assert result.earlier == earlier
    change = next(c for c in result.changes if c.label == now.row("sicher_dunkel").label)
    a, b = now.row("sicher_dunkel").overall, before.row("sicher_dunkel").overall
    assert change.current == a and change.earlier == b
    assert change.difference == pytest.approx(a.estimate - b.estimate, rel=1e-12)
    se = math.sqrt(a.se**2 + b.se**2)
    assert change.low == pytest.approx(change.difference - 1.959963984540054 * se, rel=1e-9)
    assert change.high == pytest.approx(change.difference + 1.959963984540054 * se, rel=1e-9)
    assert change.difference > 0 and change.is_share
    assert change.clear == (change.low > 0)
    # A headline with fewer than 10 answers in either wave is shown without a difference.
    suppressed = [c for c in result.changes if c.current.suppressed or c.earlier.suppressed]
    assert suppressed and all(c.difference is None and not c.clear for c in suppressed)


def test_no_earlier_wave_no_section(asskomm, municipality_user, client):
    current = running_analysis(by=asskomm)
    respondents(current, 20)
    testing.login(client, municipality_user)
    html = client.get(reverse("surveys:report", args=[current.pk])).content.decode()
    assert "Vergleich mit der früheren Befragung" not in html


def test_page_and_pdf_show_both_waves_side_by_side(asskomm, municipality_user, client, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    year = timezone.localdate().year
    _done(year - 3, n=40, by=asskomm)
    current = running_analysis(by=asskomm)
    respondents(current, 40)
    testing.login(client, municipality_user)
    html = client.get(reverse("surveys:report", args=[current.pk])).content.decode()
    assert "Vergleich mit der früheren Befragung" in html
    assert f"»Welle {year - 3}« ({year - 3})" in html
    assert f"Früher ({year - 3})" in html and f"Jetzt ({year})" in html
    assert "0,0 Prozentpunkte" in html  # the same answers in both waves

    client.post(reverse("surveys:report_pdf", args=[current.pk]))
    job = Job.objects.get(kind="surveys.report")
    assert job.status == Job.Status.DONE, job.error
    reader = PdfReader(io.BytesIO(b"".join(jobs.open_result(job))))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Vergleich mit der früheren Befragung" in text
    assert f"Früher ({year - 3})" in text and "Prozentpunkte" in text

"""The report pages: the page with charts and tables, the weighting form (every kind of bad input: a German message
at the field, nothing saved), the PDF job and its download (audited), the exports, hostile input (never a 500)."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent, Job
from sikom.surveys.models import WeightingSetup
from sikom.surveys.report_forms import field_name
from sikom.surveys.tests.factories import running_analysis
from sikom.surveys.tests.test_report_numbers import respondents

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(asskomm):
    analysis = running_analysis(by=asskomm)
    respondents(analysis, 40)
    return analysis


@pytest.fixture
def staff_client(client, municipality_user):
    testing.login(client, municipality_user)
    return client


def test_report_page_shows_charts_tables_and_texts(staff_client, analysis):
    response = staff_client.get(reverse("surveys:report", args=[analysis.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<desc" in html
    assert "eher oder sehr unsicher" in html
    assert "Präventionspotenziale" in html and "Startwerte" in html
    assert "SKiD 2020" in html and "noch nicht eingetragen" in html
    assert "Text 1" in html  # free texts for staff on the page


def valid_post(analysis):
    data = {"use_design_weights": "on"}
    for code, n in {"16-29": 300, "30-44": 250, "45-64": 250, "65-74": 100, "75+": 100}.items():
        data[field_name("age_group", code)] = str(n)
    for code, n in {"w": 520, "m": 480, "d": 0}.items():
        data[field_name("sex", code)] = str(n)
    return data


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({field_name("sex", "w"): "-5"}, field_name("sex", "w"), "mindestens 0"),
        ({field_name("sex", "w"): ""}, field_name("sex", "w"), "für jede Kategorie"),
        ({field_name("sex", "w"): "zwölf"}, field_name("sex", "w"), "ganze Zahl"),
        ({field_name("sex", "w"): "99999999999"}, field_name("sex", "w"), "zu groß"),
        ({field_name("sex", "w"): "600"}, field_name("sex", "w"), "weicht von der Summe"),
        (
            {field_name("sex", "w"): "0", field_name("sex", "m"): "0"},
            field_name("sex", "w"),
            "ist 0",
        ),
    ],
)
def test_bad_margins_are_refused_at_the_field(staff_client, analysis, change, field, message):
    url = reverse("surveys:report_weighting", args=[analysis.pk])
    response = staff_client.post(url, {**valid_post(analysis), **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not WeightingSetup.objects.filter(analysis=analysis).exists()


def test_margins_are_saved_and_used(staff_client, analysis):
    url = reverse("surveys:report_weighting", args=[analysis.pk])
    response = staff_client.post(url, valid_post(analysis))
    assert response.status_code == 302
    setup = WeightingSetup.objects.get(analysis=analysis)
    assert setup.margins["sex"] == {"w": 520.0, "m": 480.0, "d": 0.0}
    assert AuditEvent.objects.filter(action="surveys.weighting_saved").exists()
    page = staff_client.get(url)
    assert "konvergiert nach" in page.content.decode()


def test_pdf_job_runs_and_the_download_is_audited(staff_client, analysis):
    response = staff_client.post(reverse("surveys:report_pdf", args=[analysis.pk]))
    assert response.status_code == 302
    job = Job.objects.get(kind="surveys.report")
    assert job.status == Job.Status.DONE, job.error
    partial = staff_client.get(
        reverse("surveys:report_job", args=[analysis.pk, job.pk]), headers={"HX-Request": "true"}
    )
    assert "herunterladen" in partial.content.decode()
    download = staff_client.get(reverse("surveys:report_download", args=[analysis.pk, job.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="surveys.report_downloaded").exists()


def test_exports(staff_client, analysis):
    for fmt in ("csv", "xlsx"):
        assert (
            staff_client.get(reverse("surveys:report_data", args=[analysis.pk]) + f"?format={fmt}").status_code == 200
        )
        assert (
            staff_client.get(reverse("surveys:report_codebook", args=[analysis.pk]) + f"?format={fmt}").status_code
            == 200
        )
    csv = b"".join(
        staff_client.get(reverse("surveys:report_data", args=[analysis.pk]) + "?format=csv").streaming_content
    )
    assert b"Text 1" not in csv
    with_texts = staff_client.get(reverse("surveys:report_data", args=[analysis.pk]) + "?format=csv&freitexte=1")
    assert b"Text 1" in b"".join(with_texts.streaming_content)
    assert AuditEvent.objects.filter(action="surveys.report_data_exported", data__texts=True).exists()


@pytest.mark.parametrize(
    "suffix",
    ["?format=pdf", "?format=", "?format=csv%00", "?format=<script>"],
)
def test_hostile_export_formats_are_404(staff_client, analysis, suffix):
    assert staff_client.get(reverse("surveys:report_data", args=[analysis.pk]) + suffix).status_code == 404
    assert staff_client.get(reverse("surveys:report_codebook", args=[analysis.pk]) + suffix).status_code == 404


def test_foreign_or_unknown_jobs_are_404(staff_client, analysis, municipality_user):
    letters = Job.objects.create(
        owner=municipality_user, kind="surveys.letters", label="x", params={"analysis": analysis.pk}
    )
    for job_pk in (letters.pk, 999999):
        assert staff_client.get(reverse("surveys:report_job", args=[analysis.pk, job_pk])).status_code == 404
        assert staff_client.get(reverse("surveys:report_download", args=[analysis.pk, job_pk])).status_code == 404


def test_hostile_weighting_posts_never_500(staff_client, analysis):
    url = reverse("surveys:report_weighting", args=[analysis.pk])
    for data in (
        {field_name("sex", "w"): "1" * 5000},
        {field_name("sex", "w"): "\x00"},
        {field_name("nope", "x"): "5", "use_design_weights": "maybe"},
        {field_name("age_group", "16-29"): "1e9"},
    ):
        response = staff_client.post(url, data)
        assert response.status_code in (200, 302)
    assert (
        staff_client.post(reverse("surveys:report_pdf", args=[analysis.pk]), {"include_texts": "\x00" * 10}).status_code
        == 302
    )


def test_entered_margins_must_agree_with_the_register(staff_client, analysis):
    from sikom.surveys.models import StratumCount

    StratumCount.objects.create(analysis=analysis, stratum="w", sex="w", population=600, sample=50)
    StratumCount.objects.create(analysis=analysis, stratum="m", sex="m", population=400, sample=50)
    data = {field_name("age_group", code): "100" for code in ("16-29", "30-44", "45-64", "65-74", "75+")}
    response = staff_client.post(reverse("surveys:report_weighting", args=[analysis.pk]), data)
    errors = response.context["form"].errors
    assert "Melderegister" in " ".join(errors[field_name("age_group", "16-29")])
    assert not WeightingSetup.objects.filter(analysis=analysis).exists()
    page = staff_client.get(reverse("surveys:report_weighting", args=[analysis.pk])).content.decode()
    assert "aus dem Melderegister: 600" in page

"""Every URL of the report for every persona and anonymous: ASSKomm everywhere, the municipality's staff for their
own municipality (another municipality's analysis answers 404), everyone else 403 or the login. A job belongs to its
owner: someone else's job answers 404 even on a visible analysis."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import Job
from sikom.surveys.models import WeightingSetup
from sikom.surveys.tests.factories import dresden, make_analysis, running_analysis

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"
KEEPERS = ("asskomm", "municipality_user")


@pytest.fixture
def world(asskomm):
    own = running_analysis(by=asskomm)  # Pirna, the municipality user's municipality
    other = make_analysis(dresden(), by=asskomm, title="Dresden (Test)")
    jobs = {
        key: Job.objects.create(owner=asskomm, kind="surveys.report", label="x", params={"analysis": analysis.pk})
        for key, analysis in (("own", own), ("other", other))
    }
    return {"own": own, "other": other, "jobs": jobs}


def expectations(world, persona):
    refused = LOGIN if persona == "anonymous" else 403
    keeper = persona in KEEPERS
    rows = []
    for key in ("own", "other"):
        pk = world[key].pk
        visible = keeper and (key == "own" or persona == "asskomm")
        seen = 200 if visible else (404 if keeper else refused)
        job = world["jobs"][key].pk
        # The job rows belong to asskomm: the municipality user gets 404 even on the own analysis.
        job_seen = (302 if persona == "asskomm" else 404) if keeper else refused
        file_seen = 404 if keeper else refused  # the job has no result file
        rows += [
            ("get", reverse("surveys:report", args=[pk]), seen),
            ("get", reverse("surveys:report_weighting", args=[pk]), seen),
            ("post", reverse("surveys:report_weighting", args=[pk]), seen),  # empty: the form again
            ("get", reverse("surveys:report_pdf", args=[pk]), 405 if keeper else refused),
            ("get", reverse("surveys:report_job", args=[pk, job]), job_seen),
            ("get", reverse("surveys:report_download", args=[pk, job]), file_seen),
            ("get", reverse("surveys:report_data", args=[pk]) + "?format=csv", seen),
            ("get", reverse("surveys:report_data", args=[pk]) + "?format=xlsx&freitexte=1", seen),
            ("get", reverse("surveys:report_codebook", args=[pk]) + "?format=xlsx", seen),
        ]
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_report_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # The PDF start (a POST) only for those who see the analysis; nobody else started a job.
    response = client.post(reverse("surveys:report_pdf", args=[world["own"].pk]))
    if persona in KEEPERS:
        assert response.status_code == 302
        assert Job.objects.filter(kind="surveys.report").count() == 3
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert Job.objects.filter(kind="surveys.report").count() == 2
    if persona != "anonymous":  # nor on the other municipality's analysis
        before = Job.objects.count()
        client.post(reverse("surveys:report_pdf", args=[world["other"].pk]))
        assert Job.objects.count() == before + (1 if persona == "asskomm" else 0)
    # The empty weighting POSTs saved nothing.
    assert not WeightingSetup.objects.exists()

"""Every URL of the paper returns and imports for every persona and anonymous: ASSKomm everywhere, the municipality's
staff for their own municipality (another municipality's analysis answers 404), everyone else 403 or the login."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.surveys.models import Response
from sikom.surveys.tests.factories import dresden, make_analysis, running_analysis

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"


@pytest.fixture
def world(asskomm):
    return {
        "own": running_analysis(by=asskomm),  # Pirna, the municipality user's municipality
        "other": make_analysis(dresden(), by=asskomm, title="Dresden (Test)"),
    }


def expectations(world, persona):
    anonymous = persona == "anonymous"
    refused = LOGIN if anonymous else 403
    own = 200 if persona in ("asskomm", "municipality_user") else refused
    other = 200 if persona == "asskomm" else (404 if persona == "municipality_user" else refused)
    # A POST without a file or token: the form again with its message (200), or back to the form (302).
    own_back = 302 if persona in ("asskomm", "municipality_user") else refused
    other_back = 302 if persona == "asskomm" else (404 if persona == "municipality_user" else refused)
    rows = []
    for key, seen, back in (("own", own, own_back), ("other", other, other_back)):
        pk = world[key].pk
        rows += [
            ("get", reverse("surveys:paper_entry", args=[pk]), seen),
            ("post", reverse("surveys:paper_entry", args=[pk]), seen if key == "own" else back),
            ("get", reverse("surveys:import", args=[pk]), seen),
            ("post", reverse("surveys:import", args=[pk]), seen),
            ("get", reverse("surveys:import_template", args=[pk]) + "?format=csv", seen),
            ("get", reverse("surveys:import_template", args=[pk]) + "?format=codebuch", seen),
            ("get", reverse("surveys:import_confirm", args=[pk]), back),
            ("post", reverse("surveys:import_confirm", args=[pk]), back),
            ("get", reverse("surveys:structure", args=[pk]), seen),
            ("post", reverse("surveys:structure", args=[pk]), seen),
            ("get", reverse("surveys:structure_confirm", args=[pk]), back),
            ("post", reverse("surveys:structure_confirm", args=[pk]), back),
        ]
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_paper_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    questions = {key: analysis.questionnaire.questions.count() for key, analysis in world.items()}
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # Nothing anyone did here stored an answer or changed a questionnaire.
    assert not Response.objects.exists()
    assert questions == {key: analysis.questionnaire.questions.count() for key, analysis in world.items()}

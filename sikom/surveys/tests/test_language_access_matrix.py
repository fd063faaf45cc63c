"""Every URL of the questionnaire's languages (decision 0046) for every persona and anonymous: ASSKomm everywhere,
the municipality's staff for their own municipality (another municipality's analysis answers 404), everyone else
403 or the login; nothing anyone without access posts changes a language. Then the hostile values walk."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_NAME, FIELD_VALUES, PATH_VALUES
from sikom.surveys import languages
from sikom.surveys.models import Question, SafetyAnalysis
from sikom.surveys.tests.factories import dresden, make_analysis

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"


@pytest.fixture
def world(asskomm):
    own = languages.add_language(analysis=make_analysis(by=asskomm), code="uk", by=asskomm)
    other = languages.add_language(
        analysis=make_analysis(dresden(), by=asskomm, title="Dresden (Test)"), code="uk", by=asskomm
    )
    return {"own": own, "other": other}


def expectations(world, persona):
    refused = LOGIN if persona == "anonymous" else 403
    own = 200 if persona in ("asskomm", "municipality_user") else refused
    other = 200 if persona == "asskomm" else (404 if persona == "municipality_user" else refused)
    rows = []
    for key, seen in (("own", own), ("other", other)):
        pk = world[key].pk
        post_only = 405 if seen in (200, 404) else seen  # the method is checked before the object
        rows += [
            ("get", reverse("surveys:languages", args=[pk]), seen),
            ("get", reverse("surveys:translate", args=[pk, "uk"]), seen),
            ("get", reverse("surveys:language_remove", args=[pk, "uk"]), post_only),
            # A language the questionnaire does not have: 404 for those who may see the analysis.
            ("get", reverse("surveys:translate", args=[pk, "pl"]), 404 if seen == 200 else seen),
        ]
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_language_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    if persona not in ("asskomm", "municipality_user"):
        own = world["own"]
        client.post(reverse("surveys:languages", args=[own.pk]), {"language": "pl"})
        client.post(reverse("surveys:language_remove", args=[own.pk, "uk"]))
        question = own.questionnaire.questions.first()
        client.post(reverse("surveys:translate", args=[own.pk, "uk"]), {f"text-{question.pk}": "x"})
        assert SafetyAnalysis.objects.get(pk=own.pk).languages == ["de", "en", "uk"]
        assert "uk" not in Question.objects.get(pk=question.pk).text


def test_no_language_url_answers_500_to_hostile_values(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="ar", by=asskomm)
    client = testing.login(Client(raise_request_exception=False), asskomm)
    failures = []
    urls = [
        reverse("surveys:languages", args=[analysis.pk]),
        reverse("surveys:translate", args=[analysis.pk, "ar"]),
    ]
    for value in PATH_VALUES:
        for bad in (
            f"/sicherheitsanalysen/{analysis.pk}/fragebogen/sprachen/{value}/",
            f"/sicherheitsanalysen/{value}/fragebogen/sprachen/ar/",
            f"/sicherheitsanalysen/{analysis.pk}/fragebogen/sprachen/{value}/entfernen/",
        ):
            for method in (client.get, client.post):
                if method(bad).status_code >= 500:
                    failures.append(f"{method.__name__} {bad[:80]}")
    for url in urls:
        names = sorted(set(FIELD_NAME.findall(client.get(url).content.decode())) - {"csrfmiddlewaretoken"})
        for value in FIELD_VALUES:
            body = "&".join(f"{quote(name)}={value}" for name in names)
            answer = client.post(url, body, content_type="application/x-www-form-urlencoded")
            if answer.status_code >= 500:
                failures.append(f"{url} {value[:20]!r} -> {answer.status_code}")
    assert not failures, "\n".join(failures[:30])
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages[:3] == ["de", "en", "ar"]

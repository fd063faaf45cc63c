"""Every URL of the situation report for every persona: the staff version only for ASSKomm, ZASTEX, the LKA and
supervisors (second factor passed); anonymous to the login, everyone else 403; the public version for all."""

import pytest
from django.urls import get_resolver, resolve, reverse

from sikom import testing
from sikom.situation import cube
from sikom.situation.tests.factories import statistics

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"
READERS = {"asskomm", "zastex", "zmi", "pd_dresden_supervisor"}


@pytest.fixture
def world():
    statistics(20)
    cube.refresh(full=True)


def expectations(persona):
    reader = 200 if persona in READERS else (LOGIN if persona == "anonymous" else 403)
    report, public = reverse("situation:report"), reverse("situation:public")
    return [
        ("get", report, reader),
        ("get", report + "?tabelle=kreuz&format=csv", reader),
        ("get", report + "?tabelle=zeit&format=xlsx", reader),
        ("post", report, 405 if reader == 200 else reader),
        ("get", public, 200),
        ("get", public + "?tabelle=komo&format=csv", 200),
        ("post", public, 405),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_situation_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)


def test_staff_without_the_second_factor_do_not_read_it(client, asskomm):
    testing.login(client, asskomm, verified=False)
    assert client.get(reverse("situation:report")).status_code == 302


def test_a_supervisor_of_a_municipality_does_not_read_it(client):
    user = testing.make_user(organisation=testing.municipality_organisation(), is_supervisor=True)
    testing.login(client, user)
    assert client.get(reverse("situation:report")).status_code == 403


def test_lka_protection_reads_it(client):
    from sikom.accounts.models import OrganisationType

    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.LKA_PROTECTION))
    testing.login(client, user)
    assert client.get(reverse("situation:report")).status_code == 200


def test_every_situation_url_is_in_the_matrix():
    patterns = {pattern.name for pattern in get_resolver().namespace_dict["situation"][1].url_patterns}
    tested = {resolve(url.split("?")[0]).url_name for _method, url, _expected in expectations("asskomm")}
    assert patterns == tested, patterns ^ tested

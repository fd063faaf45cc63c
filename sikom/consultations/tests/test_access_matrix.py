"""Every URL of the app for every persona and anonymous: who gets the page, who is refused, who gets 404."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.consultations.tests.factories import DRESDEN, make_consultation
from sikom.consultations.urls import urlpatterns

pytestmark = pytest.mark.django_db

PERSONAS = ["official", "municipality_user", "asskomm", "zastex", "zmi", "pd_dresden", "expert_network", "operator"]
PERSONAS += ["outsider"]
READERS = {"asskomm", "municipality_user"}


@pytest.fixture
def world(asskomm):
    own = make_consultation(by=asskomm, steps=[("Offen", date(2024, 3, 1), False)])
    other = make_consultation(by=asskomm, ags=DRESDEN, steps=[("Fremd", date(2024, 3, 1), False)])
    return {"own": own, "other": other}


def _urls(world) -> list[tuple[str, str, str, str]]:
    """(name, method, url, which record) for every pattern of the app."""
    own, other = world["own"], world["other"]
    own_step, other_step = own.next_steps.get(), other.next_steps.get()
    return [
        ("list", "get", reverse("consultations:list"), ""),
        ("export", "get", reverse("consultations:export") + "?format=csv", ""),
        ("export", "get", reverse("consultations:export") + "?format=xlsx", ""),
        ("next_steps", "get", reverse("consultations:next_steps"), ""),
        ("create", "get", reverse("consultations:create"), ""),
        ("detail", "get", reverse("consultations:detail", args=[own.pk]), "own"),
        ("detail", "get", reverse("consultations:detail", args=[other.pk]), "other"),
        ("edit", "get", reverse("consultations:edit", args=[own.pk]), "own"),
        ("edit", "get", reverse("consultations:edit", args=[other.pk]), "other"),
        ("step_done", "post", reverse("consultations:step_done", args=[own.pk, own_step.pk]), "own"),
        ("step_done", "post", reverse("consultations:step_done", args=[other.pk, other_step.pk]), "other"),
        ("step_done", "post", reverse("consultations:step_done", args=[own.pk, other_step.pk]), "mixed"),
    ]


def expected(persona: str | None, name: str, record: str) -> int:
    if persona is None:
        return 302
    if persona not in READERS:
        return 403
    if persona == "municipality_user":
        if name in {"create", "edit", "step_done"}:
            return 403
        return 404 if record == "other" else 200
    if name == "step_done":
        return 404 if record == "mixed" else 302
    return 200


def test_the_matrix_names_every_url_pattern(world):
    assert {name for name, *_ in _urls(world)} == {pattern.name for pattern in urlpatterns}


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_access_matrix(request, world, persona):
    client = Client()
    if persona is not None:
        testing.login(client, request.getfixturevalue(persona))
    for name, method, url, record in _urls(world):
        response = getattr(client, method)(url)
        want = expected(persona, name, record)
        assert response.status_code == want, f"{persona} {method} {url}: {response.status_code}, expected {want}"
        if want == 302 and persona is None:
            assert response["Location"].startswith(reverse("accounts:login"))


def test_an_asskomm_member_without_second_factor_is_asked_for_it(client, asskomm):
    testing.login(client, asskomm, verified=False)
    response = client.get(reverse("consultations:list"))
    assert response.status_code == 302 and reverse("accounts:two_factor_verify") in response["Location"]

"""Every URL of the self-check for every persona and anonymous: the check and its PDFs for everyone, saved checks
only for their owner (anyone else: 404), the guide's admin pages only for the operators."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.selfcheck import selectors, services
from sikom.selfcheck.models import SavedCheck
from sikom.selfcheck.state import State

pytestmark = pytest.mark.django_db

LOGIN = "login"
ADMIN_LOGIN = "admin-login"


@pytest.fixture
def world(official):
    version = selectors.current_version()
    state = State(version=version.number, answers={"auskunftssperre": "nein"}, ags="14628270")
    mine = services.save_check(user=official, state=state)
    stranger = services.save_check(user=testing.make_user(full_name="Jemand anderes"), state=state)
    return {"mine": mine, "stranger": stranger, "version": version}


def expectations(world, persona):
    anonymous = persona == "anonymous"
    owner = persona == "official"
    operator = persona == "operator"
    logged_in = LOGIN if anonymous else 200
    return [
        ("get", reverse("selfcheck:start"), 200),
        ("post", reverse("selfcheck:check"), 200),
        ("get", reverse("selfcheck:check"), 302),
        ("post", reverse("selfcheck:plan_pdf"), 400),
        ("post", reverse("selfcheck:letter_pdf"), 400),
        ("post", reverse("selfcheck:save"), LOGIN if anonymous else 400),
        ("get", reverse("selfcheck:saved_list"), logged_in),
        (
            "get",
            reverse("selfcheck:saved_detail", args=[world["mine"].pk]),
            LOGIN if anonymous else (200 if owner else 404),
        ),
        ("get", reverse("selfcheck:saved_detail", args=[world["stranger"].pk]), LOGIN if anonymous else 404),
        ("post", reverse("selfcheck:saved_delete", args=[world["stranger"].pk]), LOGIN if anonymous else 404),
        ("get", reverse("admin:selfcheck_guideversion_changelist"), 200 if operator else ADMIN_LOGIN),
        ("get", reverse("admin:selfcheck_question_changelist"), 200 if operator else ADMIN_LOGIN),
        ("get", reverse("admin:selfcheck_advice_changelist"), 200 if operator else ADMIN_LOGIN),
    ]


@pytest.mark.parametrize("persona", testing.PERSONAS)
def test_selfcheck_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302, (persona, url)
            assert response["Location"].startswith(reverse("accounts:login")), (persona, url)
        elif expected == ADMIN_LOGIN:
            assert response.status_code == 302, (persona, url, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (persona, url)
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # Nobody deleted someone else's check.
    assert SavedCheck.objects.count() == 2


def test_navigation_entry_for_everyone(client):
    body = client.get("/").content.decode()
    assert 'href="/selbstcheck/"' in body

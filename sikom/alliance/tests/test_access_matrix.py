"""Every URL of the alliance, for every persona and anonymous visitors: the expected answer.

ASSKomm sees and edits everything; a municipality user its own municipality's records (another municipality's ids
answer 404); the directory is open to ASSKomm and active members; everyone else — Expertennetzwerk, police, the LKA
offices, operators, officials without an organisation — gets 403, anonymous visitors the login.
"""

import pytest
from django.urls import get_resolver, resolve, reverse

from sikom import testing

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS


def _cases(world):
    """(label, method, url, {persona: status}); personas not named answer 403 (anonymous: login)."""
    pirna, leipzig, requested = world["pirna"].pk, world["leipzig"].pk, world["requested"].pk
    own_contact, other_contact = world["pirna_contact"].pk, world["leipzig_contact"].pk
    with_pirna, without_pirna = world["with_pirna"].pk, world["without_pirna"].pk
    both = {"asskomm": 200, "municipality_user": 200}
    return [
        ("index", "get", reverse("alliance:index"), {"asskomm": 302, "municipality_user": 302}),
        ("memberships", "get", reverse("alliance:memberships"), {"asskomm": 200}),
        ("memberships csv", "get", reverse("alliance:memberships") + "?format=csv", {"asskomm": 200}),
        ("memberships xlsx", "get", reverse("alliance:memberships") + "?format=xlsx", {"asskomm": 200}),
        ("memberships bad format", "get", reverse("alliance:memberships") + "?format=pdf", {"asskomm": 404}),
        ("membership create", "get", reverse("alliance:membership_create"), {"asskomm": 200}),
        ("membership create by POST", "post", reverse("alliance:membership_create"), {"asskomm": 400}),
        ("own membership", "get", reverse("alliance:membership", args=[pirna]), both),
        (
            "other membership",
            "get",
            reverse("alliance:membership", args=[leipzig]),
            {"asskomm": 200, "municipality_user": 404},
        ),
        (
            "no membership",
            "get",
            reverse("alliance:membership", args=[999999]),
            {"asskomm": 404, "municipality_user": 404},
        ),
        ("confirm", "post", reverse("alliance:confirm", args=[requested]), {"asskomm": 400}),
        ("decline", "post", reverse("alliance:decline", args=[requested]), {"asskomm": 400}),
        ("leave", "post", reverse("alliance:leave", args=[leipzig]), {"asskomm": 400}),
        ("confirm by GET", "get", reverse("alliance:confirm", args=[requested]), {"asskomm": 405}),
        ("contact create own", "get", reverse("alliance:contact_create", args=[pirna]), both),
        (
            "contact create other",
            "get",
            reverse("alliance:contact_create", args=[leipzig]),
            {"asskomm": 200, "municipality_user": 404},
        ),
        ("my membership", "get", reverse("alliance:my_membership"), {"municipality_user": 200}),
        ("request", "post", reverse("alliance:request"), {"municipality_user": 400}),
        ("contact edit own", "get", reverse("alliance:contact_edit", args=[own_contact]), both),
        (
            "contact edit other",
            "get",
            reverse("alliance:contact_edit", args=[other_contact]),
            {"asskomm": 200, "municipality_user": 404},
        ),
        (
            "contact edit other by POST",
            "post",
            reverse("alliance:contact_edit", args=[other_contact]),
            {"asskomm": 400, "municipality_user": 404},
        ),
        ("directory", "get", reverse("alliance:directory"), both),
        ("directory csv", "get", reverse("alliance:directory") + "?format=csv", both),
        ("meetings", "get", reverse("alliance:meetings"), both),
        ("meetings xlsx", "get", reverse("alliance:meetings") + "?format=xlsx", both),
        ("meeting create", "get", reverse("alliance:meeting_create"), {"asskomm": 200}),
        ("meeting with own", "get", reverse("alliance:meeting", args=[with_pirna]), both),
        (
            "meeting without own",
            "get",
            reverse("alliance:meeting", args=[without_pirna]),
            {"asskomm": 200, "municipality_user": 404},
        ),
        ("meeting edit", "get", reverse("alliance:meeting_edit", args=[with_pirna]), {"asskomm": 200}),
        ("meeting delete by GET", "get", reverse("alliance:meeting_delete", args=[with_pirna]), {"asskomm": 405}),
        # Last: deleting changes what later requests would see.
        (
            "meeting delete",
            "post",
            reverse("alliance:meeting_delete", args=[without_pirna]),
            {"asskomm": 302},
        ),
        (
            "contact delete other",
            "post",
            reverse("alliance:contact_delete", args=[other_contact]),
            {"asskomm": 302, "municipality_user": 404},
        ),
        (
            "contact delete own",
            "post",
            reverse("alliance:contact_delete", args=[own_contact]),
            {"asskomm": 302, "municipality_user": 302},
        ),
    ]


def test_every_alliance_url_is_in_the_matrix(world):
    """A new URL of the app fails here until it has its row in the matrix."""
    patterns = {pattern.name for pattern in get_resolver().namespace_dict["alliance"][1].url_patterns}
    cases = _cases(world)
    assert len({label for label, *_ in cases}) == len(cases)
    tested = {resolve(url.split("?")[0]).url_name for _label, _method, url, _expected in cases}
    assert patterns == tested, patterns ^ tested


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, request, persona):
    if persona != "anonymous":
        testing.login(client, request.getfixturevalue(persona))
    failures = []
    for label, method, url, expected in _cases(world):
        response = getattr(client, method)(url)
        if persona == "anonymous":
            want = 302
            ok = response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        else:
            want = expected.get(persona, 403)
            ok = response.status_code == want
        if not ok:
            failures.append(f"{label}: {method.upper()} {url} -> {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


def test_staff_without_the_second_factor_in_this_session_are_sent_to_verify(client, municipality_user):
    testing.login(client, municipality_user, verified=False)
    for url in [reverse("alliance:index"), reverse("alliance:my_membership"), reverse("alliance:directory")]:
        assert client.get(url)["Location"].startswith(reverse("accounts:two_factor_verify")), url

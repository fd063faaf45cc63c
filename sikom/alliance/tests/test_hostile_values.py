"""The alliance's URLs with hostile path, query and form values, as the ASSKomm team and a municipality user (the
project-wide walk in core reaches them only anonymously, where the login answers first): no answer is a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver

from sikom import testing
from sikom.core.tests.test_hostile_values import (
    FIELD_VALUES,
    PATH_VALUES,
    _field_names,
    _fill,
    _parameters,
    _patterns,
    _request,
)

pytestmark = pytest.mark.django_db


def test_no_alliance_url_answers_500_to_hostile_values(world, asskomm, municipality_user):
    personas = {
        "asskomm": testing.login(Client(raise_request_exception=False), asskomm),
        "municipality": testing.login(Client(raise_request_exception=False), municipality_user),
    }
    real_by_route = {
        "alliance:membership": world["pirna"].pk,
        "alliance:contact_create": world["pirna"].pk,
        "alliance:confirm": world["requested"].pk,
        "alliance:decline": world["requested"].pk,
        "alliance:leave": world["leipzig"].pk,
        "alliance:contact_edit": world["pirna_contact"].pk,
        "alliance:contact_delete": world["pirna_contact"].pk,
        "alliance:meeting": world["with_pirna"].pk,
        "alliance:meeting_edit": world["with_pirna"].pk,
        "alliance:meeting_delete": world["with_pirna"].pk,
    }
    routes = [(route, name) for route, name in _patterns(get_resolver().url_patterns) if name.startswith("alliance:")]
    assert len(routes) == 18
    failures, requests = [], 0
    for route, name in routes:
        url = _fill(route, {"pk": str(real_by_route.get(name, 1))})
        for persona, client in personas.items():

            def check(method, target, body="", csrf=True, client=client, persona=persona):
                nonlocal requests
                requests += 1
                response = _request(client, method, target, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(
                        f"{persona} {method.upper()} {target[:100]} {body[:60]!r} -> {response.status_code}"
                    )

            for value in PATH_VALUES if _parameters(route) else []:
                check("get", _fill(route, value))
                check("post", _fill(route, value))
            names = sorted(_field_names(client, url) | {"format"})
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check("get", url, body)
                check("post", url, body)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("post", url, arrays)
            check("post", url, arrays, csrf=False)
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 500, requests

"""The situation report's URLs with hostile query values, as ASSKomm and a supervisor (the project-wide walk in core
reaches the staff page only anonymously, where the login answers first) and anonymously (the public page): no
answer is a 500, and the counts stay as they were."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_VALUES, _field_names, _fill, _patterns, _request
from sikom.situation import cube
from sikom.situation.models import IncidentCount
from sikom.situation.tests.factories import statistics

pytestmark = pytest.mark.django_db
FIELDS = {"von", "bis", "zeit", "merkmal", "zeilen", "spalten", "tabelle", "format", "jahr"}
EXTRA = ["tabelle=kreuz&format=csv", "tabelle=komo&format=xlsx", "format=csv&tabelle=%ff", "jahr=-1", "jahr=2024"]


def test_no_situation_url_answers_500_to_hostile_values(asskomm, pd_dresden_supervisor):
    statistics(20)
    statistics(3, district_key="14612")
    cube.refresh(full=True)
    before = list(IncidentCount.objects.order_by("pk").values_list())
    clients = {
        "asskomm": testing.login(Client(raise_request_exception=False), asskomm),
        "supervisor": testing.login(Client(raise_request_exception=False), pd_dresden_supervisor),
        "anonymous": Client(raise_request_exception=False),
    }
    routes = [(route, name) for route, name in _patterns(get_resolver().url_patterns) if name.startswith("situation:")]
    assert len(routes) == 2
    failures, requests = [], 0
    for route, _name in routes:
        url = _fill(route, {})
        for persona, client in clients.items():

            def check(method, body="", csrf=True, client=client, persona=persona, url=url):
                nonlocal requests
                requests += 1
                response = _request(client, method, url, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(f"{persona} {method.upper()} {url} {body[:60]!r} -> {response.status_code}")

            names = sorted(_field_names(client, url) | FIELDS)
            for index, value in enumerate(FIELD_VALUES):
                for field in names if index < 4 else ():  # one at a time, so each reaches the code reading it
                    check("get", f"{quote(field)}={value}")
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check("get", body)
                check("post", body)
            for extra in EXTRA:
                check("get", extra)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("get", arrays)
            check("post", arrays, csrf=False)
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 300, requests
    assert list(IncidentCount.objects.order_by("pk").values_list()) == before

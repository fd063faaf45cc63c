"""The indicators' URLs with hostile path, query and form values, as the ASSKomm team and a municipality user (the
project-wide walk in core reaches them only anonymously, where the login answers first): no answer is a 500, and
nothing is imported or defined."""

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
from sikom.indicators import services, tables
from sikom.indicators.models import Indicator, IndicatorValue
from sikom.indicators.tests.factories import PIRNA, csv_upload, import_rows, make_indicator

pytestmark = pytest.mark.django_db


def test_no_indicators_url_answers_500_to_hostile_values(asskomm, municipality_user):
    indicator = make_indicator()
    import_rows(indicator, [(PIRNA, 2023, "", 5)], by=asskomm)
    held = {}
    for user in (asskomm, municipality_user):
        table = tables.read_upload(csv_upload("Spalte A;Spalte B;Spalte C\n14628270;2022;1\n"))
        held[user.pk] = services.hold_upload(indicator=indicator, by=user, file_name="x.csv", table=table).pk
    personas = {
        user: testing.login(Client(raise_request_exception=False), user) for user in (asskomm, municipality_user)
    }
    routes = [(route, name) for route, name in _patterns(get_resolver().url_patterns) if name.startswith("indicators:")]
    assert len(routes) == 7
    failures, requests = [], 0
    for route, name in routes:
        for user, client in personas.items():
            real = {"pk": str(held[user.pk] if name == "indicators:pending" else indicator.pk), "ags": PIRNA}
            url = _fill(route, real)

            def check(method, target, body="", csrf=True, client=client, user=user):
                nonlocal requests
                requests += 1
                response = _request(client, method, target, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(f"{user} {method.upper()} {target[:100]} {body[:60]!r} -> {response.status_code}")

            for value in PATH_VALUES if _parameters(route) else []:
                check("get", _fill(route, value))
                check("post", _fill(route, value))
            names = sorted(_field_names(client, url) | {"format", "action", "gemeinde", "kennzahl", "von", "bis"})
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names if field != "action")
                check("get", url, body)
                for action in ("map", "confirm"):
                    check("post", url, f"{body}&action={action}")
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("post", url, arrays)
            check("post", url, arrays, csrf=False)
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 300, requests
    # Nothing hostile was imported or defined.
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [5]
    assert Indicator.objects.count() == 1

"""Every page of the app, reached with real objects by the people whose code runs there (the coordination, an
expert brought in, the municipality), requested with hostile path, query and form values, with and without CSRF
token: no answer is a 500, and nothing changes state wrongly (the requests' rows stay as they were)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_VALUES, PATH_VALUES, _field_names, _patterns, _request
from sikom.netrequests import services
from sikom.netrequests.models import ExpertRequest, LegalAngle
from sikom.netrequests.tests.factories import make_request, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality_user, expert_network, pd_dresden):
    request = make_request(by=municipality_user)
    services.bring_in_expert(
        request=request,
        organisation=pd_dresden.organisation,
        by=expert_network,
        question="?",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    entry = services.create_entry(by=expert_network, kind="property", name="Objekt", place="Ort", description="")
    conference = services.record_conference(
        by=expert_network,
        held_on=timezone.localdate(),
        participants="PD",
        assessment="ruhig",
        priorities="",
        agreed_steps="",
    )
    source = services.add_source_file(request=request, by=municipality_user, upload=png_upload())
    real = {
        "file_id": str(source.pk),
        "number": request.case.number,
        "angle_id": str(LegalAngle.objects.first().pk),
        "organisation_id": str(pd_dresden.organisation_id),
        "entry_id": str(entry.pk),
        "conference_id": str(conference.pk),
    }
    personas = {
        name: testing.login(Client(raise_request_exception=False), user)
        for name, user in (
            ("coordination", expert_network),
            ("expert", pd_dresden),
            ("municipality", municipality_user),
        )
    }
    return {"real": real, "personas": personas}


def _fill(route: str, values) -> str:
    import re

    def value(match):
        return values if isinstance(values, str) else values[match.group("name")]

    return "/" + re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", value, route)


def test_no_page_of_the_app_answers_500_to_hostile_values(world):
    routes = [
        (route, name) for route, name in _patterns(get_resolver().url_patterns) if name.startswith("netrequests:")
    ]
    failures, count = [], 0
    # end_expert ends the share the expert needs: walked last.
    routes.sort(key=lambda pair: pair[1] == "netrequests:end_expert")
    for route, _name in routes:
        url = _fill(route, world["real"])
        for persona, client in world["personas"].items():
            checks = [("get", _fill(route, value), "") for value in PATH_VALUES if "<" in route]
            checks += [("post", _fill(route, value), "") for value in PATH_VALUES if "<" in route]
            fields = sorted(_field_names(client, url))
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in fields)
                checks += [("get", url, body), ("post", url, body)]
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in fields)
            checks.append(("post", url, arrays))
            for method, target, body in checks:
                count += 1
                response = _request(client, method, target, body)
                if response.status_code >= 500:
                    failures.append(f"{persona} {method} {target[:100]} {body[:60]!r} -> {response.status_code}")
            count += 1
            if _request(client, "post", url, arrays, csrf=False).status_code != 403:
                failures.append(f"{persona} POST {url} without CSRF token was not refused")
    assert not failures, "\n".join(failures[:30])
    assert count > 500
    assert ExpertRequest.objects.count() == 1


def test_the_walk_reaches_the_pages(world):
    number = world["real"]["number"]
    for persona in ("coordination", "expert", "municipality"):
        assert world["personas"][persona].get(reverse("netrequests:detail", args=[number])).status_code == 200
    assert world["personas"]["coordination"].get(reverse("netrequests:checklist", args=[number])).status_code == 200

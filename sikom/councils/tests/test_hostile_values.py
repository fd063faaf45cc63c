"""The project-wide walk (`core/tests/test_hostile_values.py`) reaches this app's staff pages only as an anonymous
reporter (a login redirect); here the same hostile values go to every page of the app with real objects, as the
ASSKomm team: no answer is a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_VALUES, PATH_VALUES, _field_names, _request
from sikom.councils.tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db


def test_no_page_of_the_app_answers_500_to_hostile_values(world, asskomm):
    # The ASSKomm team reaches every page and action of the app (it reads and edits all municipalities' records);
    # the municipality's pages run the same code, so walking them again would only double the time.
    personas = {"asskomm": testing.login(Client(raise_request_exception=False), asskomm)}
    failures, requests = [], 0
    for name, key, _expected in MATRIX:
        url = reverse(name, args=[world[key].pk]) if key else reverse(name)
        for persona, client in personas.items():

            def check(method, target, body="", csrf=True, persona=persona, client=client):
                nonlocal requests
                requests += 1
                response = _request(client, method, target, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(
                        f"{persona} {method.upper()} {target[:100]} {body[:80]!r} -> {response.status_code}"
                    )

            if key:
                for value in PATH_VALUES:
                    broken = url.replace(f"/{world[key].pk}/", f"/{value}/")
                    check("get", broken)
                    check("post", broken)
            names = sorted(_field_names(client, url) | {"format", "stand", "kreis", "gegruendet", "status", "reason"})
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check("get", url, body)
                check("post", url, body)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("post", url, arrays)
            check("post", url, arrays, csrf=False)
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 500

"""The coaching URLs with hostile path, query and form values, as the people who reach their code (ASSKomm, the
municipality, the Expertennetzwerk reading a shared coaching): no answer is a 500. The project-wide walk
(``core/tests/test_hostile_values.py``) reaches these pages only as an anonymous visitor."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver

from sikom import testing
from sikom.coaching import services
from sikom.coaching.tests.conftest import PDF_BYTES
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


@pytest.fixture
def world(coaching, asskomm, municipality_user, expert_network):
    document = services.add_document(
        step=coaching.steps.get(number=1), by=asskomm, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    measure = services.save_measure(
        coaching=coaching,
        by=asskomm,
        data={"title": "M", "owner": "O", "timing": "", "due": None, "status": "planned", "source": ""},
    )
    services.share(coaching=coaching, organisation=expert_network.organisation, by=asskomm)
    real = {
        "pk": str(coaching.pk),
        "number": "1",
        "document_id": str(document.pk),
        "measure_id": str(measure.pk),
        "organisation_id": str(expert_network.organisation_id),
    }
    personas = {
        name: testing.login(Client(raise_request_exception=False), user)
        for name, user in [("asskomm", asskomm), ("municipality", municipality_user), ("expert", expert_network)]
    }
    return {"real": real, "personas": personas}


# Removing the share or the measure, or ending the coaching, would close pages the walk still has to visit.
LAST = {"coaching:share_remove", "coaching:measure_delete", "coaching:status"}


def test_no_coaching_url_answers_500_to_hostile_values(world):
    routes = [(route, name) for route, name in _patterns(get_resolver().url_patterns) if name.startswith("coaching:")]
    routes.sort(key=lambda item: item[1] in LAST)
    assert len(routes) == 17
    failures, requests = [], 0
    for route, name in routes:
        url = _fill(route, world["real"])
        for persona, client in world["personas"].items():

            def check(method, target, body="", csrf=True, client=client, persona=persona):
                nonlocal requests
                requests += 1
                response = _request(client, method, target, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(f"{persona} {method} {target[:100]} {body[:60]!r} -> {response.status_code}")

            for value in PATH_VALUES if _parameters(route) else []:
                check("get", _fill(route, value))
                check("post", _fill(route, value))
            if name == "coaching:strategy_pdf":
                continue  # reads no parameter; each request renders a PDF (slow), the path values above suffice
            names = sorted(_field_names(client, url) | {"format", "document", "version", "organisation"})
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check("get", url, body)
                check("post", url, body)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("post", url, arrays)
            check("post", url, arrays, csrf=False)
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 1000, requests

"""The project-wide walk (core/tests/test_hostile_values.py) reaches this app's pages only as anonymous visitors;
here the same hostile values go to every page of the app as the ASSKomm team and as a municipality user."""

from datetime import date
from urllib.parse import quote

import pytest
from django.test import Client

from sikom import testing
from sikom.consultations.models import Consultation, NextStep
from sikom.consultations.tests.factories import make_consultation
from sikom.consultations.urls import urlpatterns
from sikom.core.tests.test_hostile_values import FIELD_VALUES, PATH_VALUES, _field_names, _fill, _parameters, _request

pytestmark = pytest.mark.django_db


def test_no_page_of_the_app_answers_500_to_hostile_values(asskomm, municipality_user):
    consultation = make_consultation(by=asskomm, steps=[("Offen", date(2024, 3, 1), False)])
    step = consultation.next_steps.get()
    real = {"pk": str(consultation.pk), "step": str(step.pk)}
    personas = {
        "asskomm": testing.login(Client(raise_request_exception=False), asskomm),
        "municipality_user": testing.login(Client(raise_request_exception=False), municipality_user),
    }
    failures, requests = [], 0
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        url = _fill(route, real)
        for name, client in personas.items():

            def check(method, target, body="", csrf=True, name=name, client=client):
                nonlocal requests
                requests += 1
                response = _request(client, method, target, body, csrf=csrf)
                if response.status_code >= 500:
                    failures.append(f"{name} {method} {target[:100]} {body[:60]!r} -> {response.status_code}")

            for value in PATH_VALUES if _parameters(route) else []:
                check("get", _fill(route, value))
                check("post", _fill(route, value))
            names = sorted(_field_names(client, url) | {"format", "schritte-0-id", "schritte-0-due_on"})
            for value in FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check("get", url, body)
                check("post", url, body)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check("post", url, arrays)
            check("post", url, arrays, csrf=False)
    assert not failures, "\n".join(failures[:30])
    assert requests > 200
    # Nothing the walk sent was saved as a new record.
    assert Consultation.objects.count() == 1 and NextStep.objects.count() == 1

"""The core walk (`core/tests/test_hostile_values.py`) reaches the team's pages only as a reporter, who is sent to the
login; here its hostile values go to every parameter of every page of this app as the ASSKomm team."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_VALUES

pytestmark = pytest.mark.django_db

URLS = [
    reverse("programme:dashboard"),
    reverse("programme:public"),
    *(reverse("programme:export", args=[table]) for table in ("stichtag", "quartale", "landkreise")),
    *(reverse("programme:public_export", args=[table]) for table in ("stichtag", "quartale", "landkreise")),
]
NAMES = ["stichtag", "kennzahl", "format"]


@pytest.mark.parametrize("url", URLS)
def test_no_hostile_value_answers_500(asskomm, url):
    client = testing.login(Client(raise_request_exception=False), asskomm)
    for value in [*FIELD_VALUES, "2024-01-01", "xlsx", "test_bestand"]:
        for names in ([name] for name in NAMES):
            query = "&".join(f"{name}={value}" for name in names)
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, query[:80], response.status_code)
        both = "&".join(f"{quote(name)}=a&{quote(name)}=%3Cb%3E" for name in NAMES)
        assert client.get(f"{url}?{both}").status_code < 500, url
    for value in ["x" * 3000, "a%00b", "%ff%fe", "-1"]:
        for name in ("programme:export", "programme:public_export"):
            assert client.get(reverse(name, args=["x"]).replace("/x/", f"/{value}/")).status_code < 500

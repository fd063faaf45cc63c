"""Every URL of the indicators app for every persona and anonymous: reading for the ASSKomm team and municipal
members, defining indicators for ASSKomm only, a waiting upload for its uploader only; anonymous to the login,
everyone else 403 (decision 0028)."""

import pytest
from django.urls import get_resolver, resolve, reverse

from sikom import testing
from sikom.indicators import services, tables
from sikom.indicators.models import Indicator, IndicatorValue, PendingImport
from sikom.indicators.tests.factories import PIRNA, csv_upload, import_rows, make_indicator, standard_csv

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"


@pytest.fixture
def world(asskomm):
    indicator = make_indicator()
    import_rows(indicator, [(PIRNA, 2023, "", 5)], by=asskomm)
    table = tables.read_upload(csv_upload(standard_csv((PIRNA, 2022, "", 1))))
    pending = services.hold_upload(indicator=indicator, by=asskomm, file_name="x.csv", table=table)
    return {"indicator": indicator, "pending": pending}


def expectations(world, persona):
    anonymous = persona == "anonymous"
    denied = LOGIN if anonymous else 403
    reader = 200 if persona in ("asskomm", "municipality_user") else denied
    manager = 200 if persona == "asskomm" else denied
    # A waiting upload belongs to its uploader (the ASSKomm fixture user; the persona is a colleague): others 404.
    pending = 404 if persona in ("asskomm", "municipality_user") else denied
    indicator, held = world["indicator"], world["pending"]
    return [
        ("get", reverse("indicators:list"), reader),
        ("get", reverse("indicators:list") + "?format=csv", reader),
        ("get", reverse("indicators:create"), manager),
        ("post", reverse("indicators:create"), manager),
        ("get", reverse("indicators:detail", args=[indicator.pk]), reader),
        ("get", reverse("indicators:detail", args=[indicator.pk]) + "?format=xlsx", reader),
        ("get", reverse("indicators:detail", args=[999999]), 404 if reader == 200 else denied),
        ("get", reverse("indicators:edit", args=[indicator.pk]), manager),
        ("post", reverse("indicators:edit", args=[indicator.pk]), manager),
        ("get", reverse("indicators:upload"), reader),
        ("post", reverse("indicators:upload"), reader),
        ("get", reverse("indicators:pending", args=[held.pk]), pending),
        ("post", reverse("indicators:pending", args=[held.pk]), pending),
        ("get", reverse("indicators:profile", args=[PIRNA]), reader),
        ("get", reverse("indicators:profile", args=[PIRNA]) + "?format=csv", reader),
        ("get", reverse("indicators:profile", args=["00000000"]), 404 if reader == 200 else denied),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_indicator_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if persona == "asskomm":
        user = testing.make_user(organisation=user.organisation)  # a colleague: the upload is not theirs
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), (
                persona,
                url,
            )
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # Nothing anyone did here changed the values, the indicator or the waiting upload.
    assert IndicatorValue.objects.count() == 1 and Indicator.objects.count() == 1
    assert PendingImport.objects.filter(pk=world["pending"].pk).exists()


def test_the_uploader_reaches_the_waiting_upload(client, asskomm, world):
    testing.login(client, asskomm)
    assert client.get(reverse("indicators:pending", args=[world["pending"].pk])).status_code == 200


def test_unverified_staff_are_sent_to_the_second_factor(client, municipality_user):
    testing.login(client, municipality_user, verified=False)
    response = client.get(reverse("indicators:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_navigation_entry(client, asskomm, municipality_user, zastex):
    for user, shown in ((asskomm, True), (municipality_user, True), (zastex, False)):
        testing.login(client, user)
        header = client.get(reverse("portal:home")).content.decode().split("<main")[0]
        assert (reverse("indicators:list") in header) is shown


def test_every_indicators_url_is_in_the_matrix(world):
    """A new URL of the app fails here until it has its rows in the matrix."""
    patterns = {pattern.name for pattern in get_resolver().namespace_dict["indicators"][1].url_patterns}
    tested = {resolve(url.split("?")[0]).url_name for _method, url, _expected in expectations(world, "asskomm")}
    assert patterns == tested, patterns ^ tested

"""The ASSKomm page and the public page: figures from the records, the chosen day and figure, bad input, a constant
number of queries, well-formed accessible SVG."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.cases.models import CaseStatistic
from sikom.core import figures
from sikom.programme.tests.conftest import INTERNAL, RUNNING, STOCK, record

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
DASHBOARD = reverse("programme:dashboard")
PUBLIC = reverse("programme:public")


@pytest.fixture
def team(client, asskomm):
    return testing.login(client, asskomm)


def totals(response) -> dict[str, int]:
    return {figure.key: value for figure, value in response.context["overview"].totals}


def svgs(response) -> dict[str, ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", response.content.decode(), re.S)
    elements = [ET.fromstring(svg) for svg in found]  # noqa: S314 - our own page's markup
    return {element.get("id"): element for element in elements}


def test_figures_come_from_the_records_on_every_view(team):
    record(date(2020, 1, 1))
    assert totals(team.get(DASHBOARD))[RUNNING] == 1
    # A record added (by whichever app keeps it) is counted on the next view: nothing is cached.
    record(timezone.localdate())
    response = team.get(DASHBOARD)
    assert totals(response)[RUNNING] == 2
    assert response.context["day"] == timezone.localdate()


def test_the_chosen_day_and_figure(team):
    record(date(2020, 1, 1), date(2021, 1, 1), district="14612")
    record(date(2021, 6, 1), district="14612")
    response = team.get(DASHBOARD, {"stichtag": "2020-12-31", "kennzahl": STOCK})
    assert totals(response) == {RUNNING: 1, STOCK: 1, INTERNAL: 1}
    assert response.context["chosen_key"] == STOCK
    content = response.content.decode()
    assert "Stand am 31.12.2020" in content
    assert "Laufende Prozesse (Test) im Verlauf" in content
    assert "4. Quartal 2019" in content
    # German input works too.
    response = team.get(DASHBOARD, {"stichtag": "01.07.2021", "kennzahl": STOCK})
    assert totals(response) == {RUNNING: 2, STOCK: 1, INTERNAL: 1}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("gestern", "Bitte geben Sie ein Datum ein"),
        ("2024-02-30", "Bitte geben Sie ein Datum ein"),
        ("x" * 5000, "Bitte geben Sie ein Datum ein"),
        ("2018-12-31", "Die Allianz besteht seit dem 01.02.2019"),
        ("1900-01-01", "Die Allianz besteht seit dem 01.02.2019"),
        ("9999-12-31", "Der Stichtag darf nicht in der Zukunft liegen."),
    ],
)
@pytest.mark.parametrize("url", [DASHBOARD, PUBLIC])
def test_a_bad_day_is_named_at_the_field_and_today_is_shown(team, url, value, message):
    response = team.get(url, {"stichtag": value})
    assert response.status_code == 200
    assert message in response.context["form"].errors["stichtag"][0]
    assert 'aria-invalid="true"' in response.content.decode() or "kern-form-input--error" in response.content.decode()
    assert response.context["day"] == timezone.localdate()


def test_tomorrow_is_the_future(team):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = team.get(DASHBOARD, {"stichtag": tomorrow.isoformat()})
    assert "stichtag" in response.context["form"].errors


@pytest.mark.parametrize("value", ["gibt-es-nicht", "<script>", INTERNAL + "x"])
def test_an_unknown_figure_is_named_at_the_field_and_the_first_is_shown(team, value):
    response = team.get(DASHBOARD, {"kennzahl": value})
    assert response.status_code == 200
    assert "Diese Kennzahl gibt es nicht" in response.context["form"].errors["kennzahl"][0]
    assert response.context["chosen_key"] == RUNNING


def test_the_public_page_shows_public_figures_only(client):
    record(date(2020, 1, 1), district="14626")
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert set(totals(response)) == {RUNNING, STOCK}
    content = response.content.decode()
    assert "Interne Zahl" not in content
    assert "/programm/export/" not in content
    assert "karte-grafik" in svgs(response)
    # An internal figure cannot be chosen there.
    response = client.get(PUBLIC, {"kennzahl": INTERNAL})
    assert "kennzahl" in response.context["form"].errors
    assert response.context["chosen_key"] == RUNNING


def test_without_registered_figures_the_pages_say_so(team, test_figures):
    for figure in test_figures:
        figures.unregister(figure.key)
    for url in (DASHBOARD, PUBLIC):
        response = team.get(url)
        assert response.status_code == 200
        assert "Es sind noch keine Kennzahlen erfasst." in response.content.decode()
        assert response.context["overview"].chosen is None


def test_chart_and_map_are_well_formed_accessible_svg(team):
    record(date(2020, 1, 1), district="14612")
    record(date(2023, 1, 1), district="14628")
    response = team.get(DASHBOARD, {"stichtag": "2024-06-30"})
    found = svgs(response)
    for element_id in ("verlauf-grafik", "karte-grafik"):
        svg = found[element_id]
        assert svg.get("role") == "img"
        ids = {child.get("id") for child in svg}
        assert svg.get("aria-labelledby") == f"{element_id}-title" and svg.get("aria-labelledby") in ids
        assert svg.get("aria-describedby") == f"{element_id}-desc" and svg.get("aria-describedby") in ids
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        assert "style" not in ET.tostring(svg, encoding="unicode")  # the CSP allows no inline style
    paths = found["karte-grafik"].findall(f".//{SVG}path")
    assert len(paths) == 13
    titles = [path.find(f"{SVG}title").text for path in paths]
    assert "Kreisfreie Stadt Dresden: 1" in titles
    assert "Landkreis Sächsische Schweiz-Osterzgebirge: 1" in titles
    assert "Landkreis Görlitz: 0" in titles
    assert all(path.get("d").startswith("M") for path in paths)
    # The legend separates 0 from the counted districts; the two counted ones share the darkest class.
    fills = {path.get("data-kreis"): path.get("fill") for path in paths}
    assert fills["14612"] == fills["14628"] != fills["14626"]
    bars = found["verlauf-grafik"].findall(f".//{SVG}rect")
    assert len(bars) == 22  # 2019 Q1 … 2024 Q2; the chosen day is the last quarter end, not drawn twice
    assert bars[-1].find(f"{SVG}title").text == "30.06.2024: 2"
    assert "1. Quartal 2023: 2" in [bar.find(f"{SVG}title").text for bar in bars]
    # The numbers are in tables too.
    content = response.content.decode()
    assert content.count('<th class="kern-table__cell" scope="row">') == 13 + 22


def test_the_map_is_small(team):
    response = team.get(DASHBOARD)
    map_svg = re.search(r'<svg[^>]*id="karte-grafik".*?</svg>', response.content.decode(), re.S).group()
    assert len(map_svg) < 60_000


def _bulk(count: int) -> None:
    start = date(2019, 2, 1)
    keys = ["14511", "14612", "14628", "14713", "", "14730"]
    CaseStatistic.objects.bulk_create(
        CaseStatistic(
            reported_month=start + timedelta(days=number % 2500),
            closed_month=start + timedelta(days=number % 2500 + 200) if number % 3 else None,
            district_key=keys[number % len(keys)],
            affected_role="mayor",
            place="office",
            channel="email",
        )
        for number in range(count)
    )


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [DASHBOARD, PUBLIC])
def test_the_number_of_queries_does_not_grow_with_the_records(team, url, django_assert_num_queries):
    team.get(url)  # the district shapes are computed once per process
    record(date(2020, 1, 1))
    few = _queries(team, url, kennzahl=STOCK)
    _bulk(3000)
    assert _queries(team, url, kennzahl=STOCK) == few
    assert _queries(team, url, kennzahl=STOCK, stichtag="2019-05-01") == few
    # Session, user, second factor and organisation (the navigation asks for the role), then one per figure shown.
    with django_assert_num_queries(4 + (2 if url == PUBLIC else 3)):
        team.get(url)


def test_the_public_page_costs_one_query_per_public_figure(client, django_assert_num_queries):
    client.get(PUBLIC)
    _bulk(1000)
    with django_assert_num_queries(2):
        assert client.get(PUBLIC, {"kennzahl": STOCK, "stichtag": "2024-01-01"}).status_code == 200

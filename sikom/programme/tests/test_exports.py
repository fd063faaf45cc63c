"""The three tables as CSV and XLSX: totals on the day, by quarter, by district."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sikom import testing
from sikom.programme.tests.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(client, asskomm):
    record(date(2019, 3, 1), district="14612")
    record(date(2020, 5, 1), date(2021, 1, 1), district="14628")
    record(date(2020, 5, 1), district="")
    return testing.login(client, asskomm)


def export(client, table, fmt="csv", **params):
    return client.get(reverse("programme:export", args=[table]), {"format": fmt, **params})


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def test_totals_on_the_day(team):
    response = export(team, "stichtag", stichtag="2020-12-31")
    assert response["Content-Disposition"] == 'attachment; filename="programm-stichtag-2020-12-31.csv"'
    assert csv_rows(response) == [
        ["Kennzahl", "Schlüssel", "Stichtag", "Wert"],
        ["Beratungen (Test)", "test_laufend", "2020-12-31", "3"],
        ["Laufende Prozesse (Test)", "test_bestand", "2020-12-31", "3"],
        ["Interne Zahl (Test)", "test_intern", "2020-12-31", "3"],
    ]
    rows = xlsx_rows(export(team, "stichtag", "xlsx", stichtag="2021-01-01"))
    assert rows[0] == ("Kennzahl", "Schlüssel", "Stichtag", "Wert")
    assert rows[2][1:] == ("test_bestand", rows[2][2], 2)
    assert rows[2][2].date() == date(2021, 1, 1)


def test_by_quarter(team):
    rows = csv_rows(export(team, "quartale", stichtag="2021-02-15"))
    assert rows[0] == ["Stand am", "Beratungen (Test)", "Laufende Prozesse (Test)", "Interne Zahl (Test)"]
    assert rows[1] == ["2019-03-31", "1", "1", "1"]
    assert rows[6] == ["2020-06-30", "3", "3", "3"]
    assert rows[-1] == ["2021-02-15", "3", "2", "2"]
    assert len(rows) == 1 + 8 + 1
    xlsx = xlsx_rows(export(team, "quartale", "xlsx", stichtag="2021-02-15"))
    assert [row[1:] for row in xlsx[1:]] == [tuple(int(v) for v in row[1:]) for row in rows[1:]]


def test_by_district(team):
    rows = csv_rows(export(team, "landkreise", stichtag="2021-02-15"))
    assert rows[0] == [
        "Kreisschlüssel",
        "Landkreis / Kreisfreie Stadt",
        "Beratungen (Test)",
        "Laufende Prozesse (Test)",
        "Interne Zahl (Test)",
    ]
    assert len(rows) == 1 + 13 + 1
    by_key = {row[0]: row[1:] for row in rows[1:]}
    assert by_key["14612"] == ["Kreisfreie Stadt Dresden", "1", "1", "1"]
    assert by_key["14628"] == ["Landkreis Sächsische Schweiz-Osterzgebirge", "1", "0", "0"]
    assert by_key[""] == ["ohne Landkreis", "1", "1", "1"]
    assert by_key["14511"][1:] == ["0", "0", "0"]
    xlsx = xlsx_rows(export(team, "landkreise", "xlsx", stichtag="2021-02-15"))
    assert len(xlsx) == len(rows)
    assert ("14612", "Kreisfreie Stadt Dresden", 1, 1, 1) in xlsx


def test_without_a_day_the_export_is_of_today(team):
    from django.utils import timezone

    response = export(team, "stichtag")
    assert timezone.localdate().isoformat() in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("table", "params", "status"),
    [
        ("gibt-es-nicht", {}, 404),
        ("stichtag", {"format": "pdf"}, 404),
        ("stichtag", {"format": ""}, 404),
        ("stichtag", {"stichtag": "kein-datum"}, 400),
        ("quartale", {"stichtag": "2018-01-01"}, 400),
        ("landkreise", {"stichtag": "2999-01-01"}, 400),
    ],
)
def test_bad_input_is_refused(team, table, params, status):
    response = team.get(reverse("programme:export", args=[table]), {"format": "csv", **params})
    assert response.status_code == status


def test_public_exports_hold_the_public_figures_only(client):
    record(date(2020, 5, 1), district="14612")
    url = reverse("programme:public_export", args=["landkreise"])
    response = client.get(url, {"format": "csv", "stichtag": "2021-01-01"})
    assert response["Content-Disposition"] == 'attachment; filename="zahlen-landkreise-2021-01-01.csv"'
    rows = csv_rows(response)
    assert rows[0][2:] == ["Beratungen (Test)", "Laufende Prozesse (Test)"]
    assert ["14612", "Kreisfreie Stadt Dresden", "1", "1"] in rows
    for table in ("stichtag", "quartale"):
        text = b"".join(client.get(reverse("programme:public_export", args=[table])).streaming_content).decode()
        assert "Interne Zahl" not in text and "test_intern" not in text
    assert client.get(url, {"format": "xlsx", "stichtag": "1999-01-01"}).status_code == 400

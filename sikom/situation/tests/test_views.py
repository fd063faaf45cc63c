"""The staff and public pages of the situation report and their exports: the numbers after disclosure control,
every output the same, bad choices answered with a message (never a 500), constant query counts."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.situation import cube
from sikom.situation.tests.factories import statistics

pytestmark = pytest.mark.django_db
URL = "/lagebild/"
PUBLIC = "/lagebild/zahlen/"
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def data():
    """2024: Landkreis Sächsische Schweiz-Osterzgebirge 40 threats, Dresden 3 threats (suppressed) and 30 insults."""
    statistics(40, month=date(2024, 3, 1), district_key="14628", categories=["threat"])
    statistics(3, month=date(2024, 4, 1), district_key="14612", categories=["threat"])
    statistics(30, month=date(2024, 5, 1), district_key="14612", categories=["insult"], channel="social_network")
    cube.refresh(full=True)


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_staff_page_shows_a_suppressed_cell_as_suppressed(client, asskomm, data):
    testing.login(client, asskomm)
    response = client.get(URL, {"von": 2024, "bis": 2024, "zeilen": "district", "spalten": "category"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-gesperrt="true">.</abbr>' in html
    table = response.context["tables"]["kreuz"]
    dresden = next(row for row in table.rows if row.key == "14612")
    threat = table.column_labels.index("Bedrohung")
    assert dresden.cells[threat] == "."
    # The 3 can not be recomputed: its row or column total is hidden or another cell with it.
    assert table.protected.suppressed - table.protected.primary
    assert "<svg" in html and "data-kreis" in html


def test_the_export_carries_the_same_suppression(client, asskomm, data):
    testing.login(client, asskomm)
    query = {"von": 2024, "bis": 2024, "zeilen": "district", "spalten": "category", "tabelle": "kreuz"}
    page = client.get(URL, query).context["tables"]["kreuz"]
    rows = read_csv(client.get(URL, query | {"format": "csv"}))
    page_row = next(row for row in page.rows if row.key == "14612")
    dresden = next(row for row in rows if row[0] == page_row.label)
    assert dresden[1 : 1 + len(page_row.cells)] == page_row.cells and "." in dresden
    assert "3" not in dresden
    response = client.get(URL, query | {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    xlsx_row = next(row for row in values if row[0] == dresden[0])
    assert xlsx_row[1 : 1 + len(page_row.cells)] == page_row.cells


@pytest.mark.parametrize("table", ["zeit", "kreis", "merkmal", "kreuz"])
def test_every_table_exports(client, asskomm, data, table):
    testing.login(client, asskomm)
    response = client.get(URL, {"tabelle": table, "format": "csv", "von": 2024, "bis": 2024})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "query",
    [
        {"von": "abc"},
        {"von": "99999999999999999999"},
        {"von": "1800", "bis": "2024"},
        {"von": "2025", "bis": "2020"},
        {"zeit": "woche"},
        {"merkmal": "gemeinde"},
        {"zeilen": "district", "spalten": "district"},
        {"zeilen": "period", "spalten": "period"},
        {"zeilen": "<script>", "spalten": "' OR 1=1"},
        {"merkmal": "x" * 20000},
        {"von": "2024\x00"},
    ],
)
def test_hostile_choices_get_a_message_and_the_defaults(client, asskomm, data, query):
    testing.login(client, asskomm)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"format": "csv"}, {"format": "csv", "tabelle": "gemeinden"}])
def test_unknown_exports_are_no_page(client, asskomm, data, query):
    testing.login(client, asskomm)
    assert client.get(URL, query).status_code == 404


def test_periods_can_be_months_quarters_half_years_and_years(client, asskomm, data):
    testing.login(client, asskomm)
    for zeit, label in [
        ("month", "01/2024"),
        ("quarter", "1. Quartal 2024"),
        ("half", "1. Halbjahr 2024"),
        ("year", "2024"),
    ]:
        table = client.get(URL, {"von": 2024, "bis": 2024, "zeit": zeit}).context["tables"]["zeit"]
        assert table.rows[0].label == label


def test_the_period_crossed_with_a_characteristic(client, asskomm, data):
    testing.login(client, asskomm)
    table = client.get(URL, {"von": 2024, "bis": 2024, "zeit": "year", "zeilen": "period", "spalten": "channel"})
    table = table.context["tables"]["kreuz"]
    assert [row.label for row in table.rows] == ["2024"] and table.total == "73"


def test_the_staff_page_takes_a_constant_number_of_queries(
    client, asskomm, data, django_assert_max_num_queries, django_assert_num_queries
):
    testing.login(client, asskomm)
    client.get(URL)  # warm caches (the districts' shapes)
    with django_assert_max_num_queries(14) as first:
        client.get(URL, {"von": 2024, "bis": 2024, "zeit": "month"})
    statistics(50, month=date(2023, 3, 1), district_key="14713")
    cube.refresh(full=True)
    for query in [
        {"von": 2020, "bis": 2025, "zeit": "month", "zeilen": "period", "spalten": "motive"},
        {"von": 2023, "bis": 2024, "zeit": "quarter", "zeilen": "lead", "spalten": "district", "merkmal": "risk"},
    ]:
        with django_assert_num_queries(len(first.captured_queries)):
            client.get(URL, query)


def test_the_public_page_uses_the_higher_threshold(client, data, settings):
    statistics(12, month=date(LAST_YEAR, 2, 1), district_key="14612", categories=["threat"])
    statistics(7, month=date(LAST_YEAR, 2, 1), district_key="14628", categories=["physical_attack"])
    statistics(40, month=date(LAST_YEAR, 2, 1), district_key="14713", categories=["insult"], place="online")
    cube.refresh(full=True)
    response = client.get(PUBLIC)
    assert response.status_code == 200
    districts = response.context["tables"]["kreise"]
    year = districts.column_labels.index(str(LAST_YEAR))
    row = {r.key: r for r in districts.rows}
    assert row["14628"].cells[year] == "."  # 7 < 10 (5 would do for staff)
    assert districts.protected.primary == {(districts.rows.index(row["14628"]), year)}
    assert districts.total == "132"
    komo = {r.label: r for r in response.context["komo_rows"]}
    assert komo["Körperlich"].count == "."
    html = response.content.decode()
    assert "Unterschiedliche Methoden" in html and "72" in html


def test_the_public_page_shows_no_running_year_and_no_months(client, data):
    statistics(30, month=timezone.localdate().replace(day=1))
    cube.refresh(full=True)
    response = client.get(PUBLIC)
    labels = response.context["tables"]["kreise"].column_labels
    assert str(timezone.localdate().year) not in labels and all(len(label) == 4 for label in labels)


def test_the_public_komo_year_is_checked(client, data):
    response = client.get(PUBLIC, {"jahr": "abc"})
    assert response.status_code == 200 and "Bitte wählen Sie ein Jahr" in response.content.decode()


@pytest.mark.parametrize("table", ["kreise", "vorfallarten", "komo"])
def test_the_public_tables_export(client, data, table):
    response = client.get(PUBLIC, {"tabelle": table, "format": "xlsx"})
    assert response.status_code == 200


def test_the_public_page_without_data(client):
    assert client.get(PUBLIC).status_code == 200
    assert client.get(PUBLIC, {"format": "csv", "tabelle": "kreise"}).status_code == 404


def test_the_staff_page_without_data(client, asskomm):
    testing.login(client, asskomm)
    assert client.get(URL).status_code == 200
    assert reverse("situation:report") == URL


def test_the_tables_of_a_page_agree_on_the_totals_they_share(client, asskomm):
    """The district list hides Dresden's 3 and one more district to protect it; the district × channel table hides
    the same row totals, or the two together would give the 3 away."""
    statistics(3, district_key="14612", channel="letter")
    statistics(50, district_key="14713", channel="letter")
    statistics(10, district_key="14713", channel="email")
    statistics(60, district_key="14628", channel="email")
    cube.refresh(full=True)
    testing.login(client, asskomm)
    tables = client.get(URL, {"von": 2024, "bis": 2024, "zeilen": "district", "spalten": "channel"}).context["tables"]
    listed = {row.key: row.cells[0] for row in tables["kreis"].rows}
    crossed = {row.key: row.total for row in tables["kreuz"].rows}
    assert listed == crossed and listed["14612"] == "."
    assert list(listed.values()).count(".") == 2
    assert tables["kreis"].total == tables["kreuz"].total == tables["zeit"].total == "123"
    channels = {row.key: row.cells[0] for row in client.get(URL, {"von": 2024, "bis": 2024, "merkmal": "channel"})
                .context["tables"]["merkmal"].rows}  # fmt: skip
    assert [channels[key] for key in tables["kreuz"].column_keys] == tables["kreuz"].totals

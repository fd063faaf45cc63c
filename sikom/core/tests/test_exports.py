"""The one table download: CSV and XLSX, streamed, formulas defused."""

import io
from datetime import date

import pytest
from django.http import Http404
from openpyxl import load_workbook

from sikom.core.exports import export_format, table_download


def _rows(n):
    for i in range(n):
        yield (i, f"Zeile {i}", date(2024, 2, 27))


def test_csv_streams_rows_with_bom_and_semicolons():
    response = table_download("csv", "liste", ["Nr", "Titel", "Datum"], _rows(3))
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffNr;Titel;Datum\r\n0;Zeile 0;2024-02-27")
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'


def test_xlsx_keeps_types_and_defuses_formulas():
    response = table_download("xlsx", "liste", ["Nr", "Titel", "Datum"], [(1, "=HYPERLINK(1)", date(2024, 2, 27))])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == ["Nr", "Titel", "Datum"]
    number, title, day = (cell.value for cell in sheet[2])
    assert number == 1
    assert title == "'=HYPERLINK(1)"
    assert day.date() == date(2024, 2, 27)
    assert 'filename="liste.xlsx"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "default", "expected"),
    [
        ({}, "", ""),
        ({"format": ""}, "", ""),
        ({"format": "csv"}, "", "csv"),
        ({"format": "xlsx"}, "", "xlsx"),
        ({}, "csv", "csv"),
        ({"format": "xlsx"}, "csv", "xlsx"),
    ],
)
def test_export_format_reads_the_asked_download(rf, query, default, expected):
    assert export_format(rf.get("/", query), default=default) == expected


@pytest.mark.parametrize(
    ("query", "default"), [({"format": "pdf"}, ""), ({"format": ""}, "csv"), ({"format": "CSV"}, "")]
)
def test_export_format_answers_any_other_value_with_404(rf, query, default):
    with pytest.raises(Http404):
        export_format(rf.get("/", query), default=default)

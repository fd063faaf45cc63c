"""Test data for the indicators app: indicators, uploads as a browser sends them, values through the real import."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from sikom.geo.models import Municipality
from sikom.indicators import services, tables
from sikom.indicators.models import Indicator, IndicatorKind, Unit

_numbers = itertools.count(1)
PIRNA, FREITAL, DRESDEN = "14628270", "14628110", "14612000"


def make_indicator(**fields) -> Indicator:
    fields.setdefault("name", f"Straftaten Test {next(_numbers)}")
    fields.setdefault("kind", IndicatorKind.CRIME)
    fields.setdefault("unit", Unit.COUNT)
    fields.setdefault("source", "Testquelle")
    fields.setdefault("per_capita", True)
    return Indicator.objects.create(**fields)


def csv_upload(text: str, *, name: str = "daten.csv", encoding: str = "utf-8", content_type: str = "text/csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type=content_type)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, *, name: str = "daten.xlsx"):
    return SimpleUploadedFile(
        name, xlsx_bytes(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def standard_csv(*rows) -> str:
    lines = ["Gemeindeschlüssel;Jahr;Kategorie;Fälle"] + [";".join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def import_rows(indicator: Indicator, rows, *, by, scope=None, file_name: str = "daten.csv"):
    """Rows (ags, year, category, value) through the real steps: read, hold, confirm."""
    table = tables.read_upload(csv_upload(standard_csv(*rows), name=file_name))
    pending = services.hold_upload(indicator=indicator, by=by, file_name=file_name, table=table)
    return services.confirm_import(pending_id=pending.pk, by=by, scope=scope)


def population(ags: str) -> int:
    return Municipality.objects.get(ags=ags).population

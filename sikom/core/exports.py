"""Table exports: one CSV format and one XLSX format for every list a person can download.

Both stream: rows are read from the iterable as they are written (pass `queryset.iterator()` or a generator), so an
export of 100,000 rows never holds them all in memory. XLSX is written by openpyxl's write-only workbook into a
temporary file that is then streamed and removed."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORMATS = ("csv", "xlsx")


def export_format(request: HttpRequest, *, default: str = "") -> str:
    """The download `?format=csv|xlsx` asks for: "csv" or "xlsx"; `default` when no format is given ("" = the page
    itself, not a download); any other value is no page (404)."""
    fmt = request.GET.get("format", default)
    if fmt in FORMATS or fmt == default == "":
        return fmt
    raise Http404


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """csv.writer writes into this and gets the line back, so each row can be yielded as it is made."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([str(title) for title in header])
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A download as German spreadsheet programs open it: UTF-8 with byte order mark, semicolons, every text cell
    that could be read as a formula defused. Small lists; `table_download` streams."""
    response = HttpResponse("".join(_csv_lines(header, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        # Spreadsheets know no time zones: local time as the people reading it know it.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (date, int, float)) and not isinstance(value, bool):
        return value
    # Text (also lazy translations and booleans written out) is stored as a string, never as a formula.
    return _cell(value)


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "Export"):
    """An XLSX workbook written row by row into a temporary file (deleted when closed), positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold_header = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        bold_header.append(cell)
    sheet.append(bold_header)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    # Handed to the response, which closes (and so deletes) it after the last byte.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target


def table_download(fmt: str, filename_stem: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """The one download of a table: `fmt` is "csv" or "xlsx" (anything else is the caller's 404)."""
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(header, rows),
            as_attachment=True,
            filename=f"{filename_stem}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}")
    response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}.csv"'
    return response

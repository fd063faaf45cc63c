"""Reading an uploaded table (CSV or XLSX) into a header and rows of text cells, with German messages for every file
that cannot be read. Nothing is written anywhere: the upload stays Django's temporary file, removed with the request.

CSV: UTF-8 (with or without BOM), else Windows-1252, else Latin-1; the delimiter `;` or `,` is taken from the header
line. XLSX: openpyxl in read-only mode, first sheet, at most `MAX_ROWS` rows read (a bomb of empty rows stops there).
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELL = 300
# A workbook is a ZIP: its unpacked size is checked before openpyxl reads it (a small file may unpack to gigabytes).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
CSV_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/octet-stream", ""}
XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "application/zip",
    "",
}


class TableRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def read_upload(upload: UploadedFile) -> Table:
    """The table in the upload; TableRejected with a German message for a file that is too large, empty, of another
    type than its name says, undecodable or without data rows."""
    name = (upload.name or "").lower()
    if upload.size is None or upload.size > MAX_BYTES:
        raise TableRejected(
            _("Die Datei ist größer als %(mb)d MB. Bitte teilen Sie sie auf.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not data.strip():
        raise TableRejected(_("Die Datei ist leer."))
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC) or content_type not in XLSX_TYPES:
            raise TableRejected(_("Die Datei heißt ».xlsx«, ist aber keine Excel-Arbeitsmappe (XLSX)."))
        table = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        if data.startswith(XLSX_MAGIC) or content_type not in CSV_TYPES:
            raise TableRejected(_("Die Datei heißt ».csv«, ist aber keine Textdatei mit Trennzeichen."))
        table = _read_csv(data)
    else:
        raise TableRejected(_("Bitte laden Sie eine CSV-Datei (.csv) oder eine Excel-Arbeitsmappe (.xlsx) hoch."))
    return _checked(table)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise TableRejected(
            _("Die Datei ist in UTF-16 oder als Binärdatei gespeichert. Bitte speichern Sie sie als »CSV UTF-8«.")
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableRejected(_("Die Zeichenkodierung der Datei ist unbekannt."))  # pragma: no cover - latin-1 decodes all


def _read_csv(data: bytes) -> Table:
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
    except csv.Error as error:
        raise TableRejected(
            _("Die CSV-Datei ist fehlerhaft (Zeile %(row)d): Anführungszeichen oder Zeilenenden passen nicht.")
            % {"row": reader.line_num}
        ) from error
    return _split(rows)


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TableRejected(_("Die Excel-Arbeitsmappe lässt sich nicht lesen. Ist sie beschädigt?")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableRejected(_("Die Excel-Arbeitsmappe ist entpackt zu groß. Bitte teilen Sie sie auf."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise TableRejected(_("Die Excel-Arbeitsmappe lässt sich nicht lesen. Ist sie beschädigt?")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            rows.append([_xlsx_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise TableRejected(_("Die Excel-Arbeitsmappe lässt sich nicht lesen. Ist sie beschädigt?")) from error
    finally:
        workbook.close()
    return _split(rows)


def _too_many_rows():
    raise TableRejected(_("Die Datei hat mehr als %(rows)d Zeilen. Bitte teilen Sie sie auf.") % {"rows": MAX_ROWS})


def _split(rows: list[list[str]]) -> Table:
    # Trailing empty rows and columns (spreadsheets keep formatted but empty cells) do not count.
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise TableRejected(_("Die Datei ist leer."))
    width = max(max((i + 1 for i, cell in enumerate(row) if cell), default=0) for row in rows)
    header = list(rows[0][:width])
    header += [""] * (width - len(header))
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    return Table(header=header, rows=body)


def _checked(table: Table) -> Table:
    if len(table.header) > MAX_COLUMNS:
        raise TableRejected(_("Die Datei hat mehr als %(columns)d Spalten.") % {"columns": MAX_COLUMNS})
    if not table.rows:
        raise TableRejected(_("Die Datei enthält nur eine Kopfzeile und keine Daten."))
    if len(table.rows) > MAX_ROWS:
        _too_many_rows()
    if any(len(cell) > MAX_CELL for row in [table.header, *table.rows] for cell in row):
        raise TableRejected(_("Eine Zelle ist länger als %(chars)d Zeichen.") % {"chars": MAX_CELL})
    # The database cannot store NUL characters (PostgreSQL refuses them in text and JSON).
    if any("\x00" in cell for row in [table.header, *table.rows] for cell in row):
        raise TableRejected(_("Die Datei enthält Steuerzeichen (NUL) und ist wohl keine Tabelle."))
    return table

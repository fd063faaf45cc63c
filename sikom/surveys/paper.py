"""Paper returns and table imports of answers (decision 0033).

Three ways in, one set of checks (`logic.check_value`, `logic.check_text`, the skip logic in `logic.shown`):

- *Data entry* of a paper questionnaire by staff: one screen per questionnaire, every answer typed as a short key
  (`entry_keys`), read by `read_sheet`, stored by `services.record_response` (random id, no time, channel PAPER).
  A one-time form token (`issue_form_token`, `save_sheet`) makes a reload or a double click store nothing twice.
- *Import* of a table (CSV or XLSX) in the layout of `template_columns`: `read_table` decodes the file (UTF-8 with
  or without BOM, Windows-1252; `;` or `,`), `check_rows` turns every row into answers and lists every problem with
  its row and column. Nothing is stored until the report is clean; then `import_rows` stores all rows or none, in
  random order, as anonymous responses (channel IMPORT or PAPER).
- LimeSurvey response exports (`sikom.surveys.limesurvey`) map their columns onto the same `Column`s.

Answers to questions that the skip logic hides (a follow-up answered on paper although its filter question says it
does not apply) are dropped, as online, and the staff member is told which ones.

Template layout (one header row, one row per questionnaire): single choice, number, free text and place of fear →
one column named by the question code holding the option code, the integer or the text; matrix → one column per
row, `code_row`, holding the option code; multiple choice → one column per option, `code_option`, holding 1 (chosen)
or 0/empty; a place of fear given as a point → `code_lat` and `code_lon` (decimal degrees).
"""

import csv
import io
import json
import random
import re
import secrets
import zipfile
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.core import audit, crypto, throttle
from sikom.surveys import logic, services
from sikom.surveys.models import (
    AnalysisState,
    Questionnaire,
    QuestionType,
    Response,
    ResponseChannel,
    SafetyAnalysis,
)

# Paper returns are entered and imported while the analysis runs (also after the field period's last day: letters
# arrive late); before, the questionnaire may still change, afterwards the analysis is closed.
ENTRY_OPEN = frozenset({AnalysisState.RUNNING})
ENTRY_CLOSED = gettext_lazy(
    "Antwortbögen können nur erfasst oder importiert werden, solange die Sicherheitsanalyse läuft."
)
IMPORT_CHANNELS = (ResponseChannel.IMPORT, ResponseChannel.PAPER)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 2000
MAX_CELL = logic.TEXT_LIMIT
# An XLSX is a ZIP: its parts may unpack to at most this much (a »ZIP bomb« stops here).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_LISTED_PROBLEMS = 200
XLSX_MAGIC = b"PK\x03\x04"

FORM_TOKEN_SALT = "sikom.surveys.paper-form"  # noqa: S105 -- a signing salt, not a secret
FORM_TOKEN_MAX_AGE = 12 * 60 * 60
# The ledger of used one-time tokens: the shared database counters of core.throttle (scope, keyed hash of the
# token). The first use counts 1; a second use (reload, double click, another worker) sees 2 and stores nothing.
TOKEN_SCOPE = "survey_paper_token"  # noqa: S105 -- a counter scope, not a secret
TOKEN_WINDOW = 24 * 60 * 60

PENDING_SESSION_KEY = "surveys_pending_import"


class TableRejected(Exception):
    """The file cannot be read as a table: a German message for the upload field."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def check_open(analysis: SafetyAnalysis) -> None:
    if analysis.status not in ENTRY_OPEN:
        raise services.Refused(ENTRY_CLOSED)


# Keys for typing answers ------------------------------------------------------------------------------------------


def entry_keys(question: logic.QuestionSpec) -> list[tuple[str, logic.OptionSpec]]:
    """What a staff member types for each option: the code itself when every code is a number (»1« … »4«, »9«),
    otherwise the option's position (1, 2, 3 …), which is printed beside the answer on the screen."""
    numeric = all(option.code.isdigit() for option in question.options)
    return [(option.code if numeric else str(i + 1), option) for i, option in enumerate(question.options)]


def resolve_key(question: logic.QuestionSpec, typed: str) -> str | None:
    """The option code for a typed key, or None. Besides the key, the option code itself is understood (ignoring
    upper and lower case) where it cannot be mistaken for a position."""
    typed = typed.strip()
    for key, option in entry_keys(question):
        if typed == key:
            return option.code
    if not typed.isdigit():
        matches = [o.code for o in question.options if o.code.lower() == typed.lower()]
        if len(matches) == 1:
            return matches[0]
    return None


def keys_text(question: logic.QuestionSpec) -> str:
    keys = [key for key, _option in entry_keys(question)]
    return ", ".join(keys)


def _unknown_key(value: str, question: logic.QuestionSpec) -> str:
    return _("»%(value)s« ist hier kein gültiger Wert. Erlaubt: %(keys)s.") % {
        "value": value[:20],
        "keys": keys_text(question),
    }


# Reading one paper questionnaire from the entry form ---------------------------------------------------------------

_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_INTEGRAL = re.compile(r"^([+-]?\d{1,9})(?:[.,]0+)?$")
_DECIMAL = re.compile(r"^[+-]?\d{1,3}(?:[.,]\d{1,10})?$")
_SEPARATORS = re.compile(r"[\s,;]+")


def _number_message() -> str:
    return _("Bitte geben Sie eine ganze Zahl ein.")


@dataclass
class Sheet:
    answers: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field name → German message
    raw: dict = field(default_factory=dict)  # field name → what was typed, shown again
    dropped: list = field(default_factory=list)  # codes of answered questions the skip logic hides


def _one(data, name: str) -> str:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
    # A forged form may send a field twice: the last value counts, as in every Django form.
    return str(values[-1] if values else "")[: MAX_CELL + 1]


def read_sheet(spec: logic.Spec, data) -> Sheet:
    """One paper questionnaire from POST data: each field read with the question's keys, every problem as a German
    message at its field; answers to questions hidden by the skip logic are dropped (listed in `dropped`)."""
    sheet = Sheet()
    for q in spec.questions:
        name = logic.field_name(q)
        if q.type == QuestionType.SINGLE:
            value = _one(data, name).strip()
            sheet.raw[name] = value
            if value:
                code = resolve_key(q, value)
                if code is None:
                    sheet.errors[name] = _unknown_key(value, q)
                else:
                    sheet.answers[q.code] = code
        elif q.type == QuestionType.MULTIPLE:
            value = _one(data, name).strip()
            sheet.raw[name] = value
            if value:
                codes, wrong = [], []
                for part in _SEPARATORS.split(value):
                    if not part:
                        continue
                    code = resolve_key(q, part)
                    (wrong if code is None else codes).append(part if code is None else code)
                if wrong:
                    sheet.errors[name] = _unknown_key(wrong[0], q)
                else:
                    ordered = [o.code for o in q.options if o.code in codes]
                    problem = logic.check_value(spec, q, ordered)
                    if problem:
                        sheet.errors[name] = problem
                    else:
                        sheet.answers[q.code] = ordered
        elif q.type == QuestionType.MATRIX:
            chosen = {}
            for row in q.rows:
                row_name = logic.field_name(q, row.code)
                value = _one(data, row_name).strip()
                sheet.raw[row_name] = value
                if value:
                    code = resolve_key(q, value)
                    if code is None:
                        sheet.errors[row_name] = _unknown_key(value, q)
                    else:
                        chosen[row.code] = code
            if chosen:
                sheet.answers[q.code] = chosen
        elif q.type == QuestionType.NUMBER:
            value = _one(data, name).strip()
            sheet.raw[name] = value[:20]
            if value:
                if not _INTEGER.match(value):
                    sheet.errors[name] = _number_message()
                else:
                    problem = logic.check_value(spec, q, int(value))
                    if problem:
                        sheet.errors[name] = problem
                    else:
                        sheet.answers[q.code] = int(value)
        elif q.type == QuestionType.TEXT:
            value = logic._clean_text(_one(data, name))
            sheet.raw[name] = value[:MAX_CELL]
            if value:
                problem = logic.check_text(q, value)
                if problem:
                    sheet.errors[name] = problem
                else:
                    sheet.texts[q.code] = value
        elif q.type == QuestionType.PLACE:
            _read_place(spec, q, data, sheet)
    visible = logic.shown(spec, sheet.answers)
    sheet.dropped = [q.code for q in spec.questions if q.code not in visible and _given(q, sheet)]
    sheet.answers, sheet.texts = logic.prune(spec, sheet.answers, sheet.texts)
    return sheet


def _given(q: logic.QuestionSpec, sheet: Sheet) -> bool:
    return q.code in sheet.answers or q.code in sheet.texts


def _read_place(spec: logic.Spec, q: logic.QuestionSpec, data, sheet: Sheet) -> None:
    name, lat_name, lon_name = logic.field_name(q), logic.field_name(q, "lat"), logic.field_name(q, "lon")
    value = _one(data, name).strip()
    lat = _one(data, lat_name).strip() if q.allow_point else ""
    lon = _one(data, lon_name).strip() if q.allow_point else ""
    sheet.raw.update({name: value, lat_name: lat[:20], lon_name: lon[:20]})
    if value and (lat or lon):
        sheet.errors[name] = _("Bitte geben Sie entweder einen Ort aus der Liste oder einen Punkt an.")
    elif value:
        code = resolve_key(q, value) if q.options else None
        if code is None:
            sheet.errors[name] = _unknown_key(value, q)
        else:
            sheet.answers[q.code] = code
    elif lat or lon:
        point, problem = parse_point(spec, q, lat, lon)
        if problem:
            sheet.errors[lat_name] = problem
        else:
            sheet.answers[q.code] = point


def parse_point(spec: logic.Spec, q: logic.QuestionSpec, lat: str, lon: str) -> tuple[dict | None, str | None]:
    if not _DECIMAL.match(lat) or not _DECIMAL.match(lon):
        return None, _(
            "Bitte geben Sie Breiten- und Längengrad als Dezimalzahlen an, zum Beispiel 50,9628 und 13,9410."
        )
    point = {"lat": float(lat.replace(",", ".")), "lon": float(lon.replace(",", "."))}
    problem = logic.check_value(spec, q, point)
    return (None, problem) if problem else (point, None)


# One-time form tokens ------------------------------------------------------------------------------------------


class AlreadySaved(services.Refused):
    pass


def issue_form_token(analysis: SafetyAnalysis, user) -> str:
    """A signed token for one blank entry form: bound to the analysis and the staff member, valid for 12 hours, and
    usable once (`save_sheet`)."""
    return signing.dumps({"a": analysis.pk, "u": user.pk, "n": secrets.token_urlsafe(16)}, salt=FORM_TOKEN_SALT)


def _token_nonce(token: str, analysis: SafetyAnalysis, user) -> str:
    try:
        payload = signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise services.Refused(
            _("Das Formular ist abgelaufen oder ungültig. Bitte geben Sie den Bogen noch einmal ein.")
        ) from error
    if not isinstance(payload, dict) or payload.get("a") != analysis.pk or payload.get("u") != user.pk:
        raise services.Refused(_("Das Formular gehört zu einer anderen Sicherheitsanalyse oder Person."))
    return str(payload.get("n", ""))


def _use_once(nonce: str) -> None:
    if throttle.hit(TOKEN_SCOPE, throttle.hashed_key(nonce), TOKEN_WINDOW) > 1:
        raise AlreadySaved(_("Dieser Bogen ist schon gespeichert. Er wurde nicht noch einmal gespeichert."))


def save_sheet(*, analysis: SafetyAnalysis, sheet: Sheet, token: str, by, language: str = "de") -> Response:
    """Store one entered paper questionnaire, once per form token, through `services.record_response` (random id,
    no time, channel PAPER); the token is used up only when the response is stored."""
    nonce = _token_nonce(token, analysis, by)
    if sheet.errors:
        raise services.Refused(_("Bitte korrigieren Sie die markierten Angaben."))
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        check_open(current)
        _use_once(nonce)
        return services.record_response(
            questionnaire=current.questionnaire,
            answers=sheet.answers,
            texts=sheet.texts,
            channel=ResponseChannel.PAPER,
            language=language if language in current.languages else "de",
            by=by,
        )


def paper_count(questionnaire: Questionnaire) -> dict[str, int]:
    """The running count shown on the entry screen: for the analysis, never per staff member."""
    responses = Response.objects.filter(questionnaire=questionnaire)
    return {
        "paper": responses.filter(channel=ResponseChannel.PAPER).count(),
        "all": responses.count(),
    }


# Reading a table file ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    encoding: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise TableRejected(
            _("Die Datei ist in UTF-16 oder als Binärdatei gespeichert. Bitte speichern Sie sie als »CSV UTF-8«.")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as error:
            raise TableRejected(_("Die Datei ist als UTF-8 markiert, enthält aber ungültige Zeichen.")) from error
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise TableRejected(
            _("Die Zeichenkodierung der Datei ist unbekannt. Bitte speichern Sie sie als »CSV UTF-8«.")
        ) from error


def read_table(upload, *, allow_xlsx: bool = True) -> Table:
    """The table in an uploaded file (Django's temporary upload, removed with the request; nothing else is written)."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise TableRejected(
            _("Die Datei ist größer als %(mb)d MB. Bitte teilen Sie sie auf.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TableRejected(
            _("Die Datei ist größer als %(mb)d MB. Bitte teilen Sie sie auf.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise TableRejected(_("Die Datei ist leer."))
    if name.endswith(".xlsx") and allow_xlsx:
        if not data.startswith(XLSX_MAGIC):
            raise TableRejected(_("Die Datei heißt ».xlsx«, ist aber keine Excel-Arbeitsmappe."))
        return _split(_read_xlsx(data), "XLSX")
    if name.endswith((".csv", ".txt")):
        if data.startswith(XLSX_MAGIC):
            raise TableRejected(_("Die Datei heißt ».csv«, ist aber eine Excel-Arbeitsmappe oder ein ZIP-Archiv."))
        text, encoding = decode(data)
        return _split(_read_csv(text), encoding)
    if allow_xlsx:
        raise TableRejected(_("Bitte laden Sie eine CSV-Datei (.csv) oder eine Excel-Arbeitsmappe (.xlsx) hoch."))
    raise TableRejected(_("Bitte laden Sie eine CSV-Datei (.csv) hoch."))


def _read_csv(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                _too_many_columns()
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
    except csv.Error as error:
        raise TableRejected(
            _("Die CSV-Datei ist fehlerhaft (Zeile %(row)d): Anführungszeichen oder Zeilenenden passen nicht.")
            % {"row": reader.line_num}
        ) from error
    return rows


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = _("Die Excel-Arbeitsmappe lässt sich nicht lesen. Ist sie beschädigt?")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise TableRejected(_("Die Excel-Arbeitsmappe ist entpackt zu groß. Bitte teilen Sie sie auf."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TableRejected:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file; each means »unreadable«
        raise TableRejected(unreadable) from error
    rows: list[list[str]] = []
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                _too_many_columns()
            rows.append([_xlsx_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
    except TableRejected:
        raise
    except Exception as error:
        raise TableRejected(unreadable) from error
    finally:
        workbook.close()
    return rows


def _too_many_rows():
    raise TableRejected(_("Die Datei hat mehr als %(rows)d Zeilen. Bitte teilen Sie sie auf.") % {"rows": MAX_ROWS})


def _too_many_columns():
    raise TableRejected(_("Die Datei hat mehr als %(columns)d Spalten.") % {"columns": MAX_COLUMNS})


def _split(rows: list[list[str]], encoding: str) -> Table:
    # Spreadsheets keep formatted but empty rows and columns at the end: they do not count.
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise TableRejected(_("Die Datei hat keine Kopfzeile mit Spaltennamen."))
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    if not body:
        raise TableRejected(_("Die Datei enthält nur die Kopfzeile und keine Antwortbögen."))
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row[width:]):
            raise TableRejected(_("Zeile %(row)d hat mehr Werte als die Kopfzeile Spalten.") % {"row": number})
    return Table(header=header, rows=body, encoding=encoding)


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# The template's columns and reading a row --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    question: str  # question code
    part: str = ""  # matrix row code, multiple choice option code, "lat"/"lon" of a place


def template_columns(spec: logic.Spec) -> dict[str, Column]:
    """The import template's header (in questionnaire order) and what each column holds."""
    columns: dict[str, Column] = {}
    for q in spec.questions:
        if q.type == QuestionType.MATRIX:
            for row in q.rows:
                columns[f"{q.code}_{row.code}"] = Column(q.code, row.code)
        elif q.type == QuestionType.MULTIPLE:
            for option in q.options:
                columns[f"{q.code}_{option.code}"] = Column(q.code, option.code)
        else:
            columns[q.code] = Column(q.code)
            if q.type == QuestionType.PLACE and q.allow_point:
                columns[f"{q.code}_lat"] = Column(q.code, "lat")
                columns[f"{q.code}_lon"] = Column(q.code, "lon")
    return columns


@dataclass
class Problem:
    row: int | None  # the row as a spreadsheet shows it (header = 1), None for the whole file
    column: str
    message: str


CHOSEN = {"1", "x", "y", "ja"}
NOT_CHOSEN = {"", "0", "n", "nein"}


@dataclass
class RowReader:
    """Reads table rows into answers with the questionnaire's checks; problems are collected with row and column."""

    spec: logic.Spec
    columns: list[tuple[int, str, Column]]  # (index in the row, header, column)
    problems: list[Problem] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # question code → rows with an answer that was dropped

    def _problem(self, number: int, header: str, index: int, message: str) -> None:
        self.problems.append(Problem(number, f"{header} ({column_letter(index)})", str(message)))

    def _code(self, q: logic.QuestionSpec, value: str) -> str | None:
        if value in q.option_codes:
            return value
        matches = [code for code in q.option_codes if code.lower() == value.lower()]
        return matches[0] if len(matches) == 1 else None

    def read(self, number: int, cells: list[str]) -> tuple[dict, dict] | None:
        """The answers and texts of one row (None for an empty row). Problems are added to `problems`."""
        answers: dict = {}
        texts: dict = {}
        chosen: dict[str, list[str]] = {}
        points: dict[str, dict[str, str]] = {}
        where: dict[str, tuple[str, int]] = {}
        before = len(self.problems)
        empty = True
        for index, header, column in self.columns:
            raw = cells[index] if index < len(cells) else ""
            value = raw.strip()
            if len(raw) > MAX_CELL:
                self._problem(number, header, index, _("Der Wert ist länger als %(n)d Zeichen.") % {"n": MAX_CELL})
                continue
            q = self.spec.by_code[column.question]
            where.setdefault(q.code, (header, index))
            if q.type == QuestionType.MULTIPLE:
                if value.lower() in CHOSEN:
                    chosen.setdefault(q.code, []).append(column.part)
                    empty = False
                elif value.lower() not in NOT_CHOSEN:
                    self._problem(number, header, index, _("Bitte 1 (gewählt) oder 0 (nicht gewählt) eintragen."))
                continue
            if not value or value.upper() == "N/A":
                continue
            empty = False
            if q.type == QuestionType.MATRIX:
                code = self._code(q, value)
                if code is None:
                    self._problem(number, header, index, _unknown_value(value, q))
                else:
                    answers.setdefault(q.code, {})[column.part] = code
            elif q.type == QuestionType.NUMBER:
                match = _INTEGRAL.match(value)
                if not match:
                    self._problem(number, header, index, _number_message())
                else:
                    number_value = int(match.group(1))
                    problem = logic.check_value(self.spec, q, number_value)
                    if problem:
                        self._problem(number, header, index, problem)
                    else:
                        answers[q.code] = number_value
            elif q.type == QuestionType.TEXT:
                text = logic._clean_text(raw)
                problem = logic.check_text(q, text)
                if problem:
                    self._problem(number, header, index, problem)
                elif text:
                    texts[q.code] = text
            elif q.type == QuestionType.PLACE and column.part in ("lat", "lon"):
                points.setdefault(q.code, {})[column.part] = value
            else:  # single choice, named place
                code = self._code(q, value)
                if code is None:
                    self._problem(number, header, index, _unknown_value(value, q))
                else:
                    answers[q.code] = code
        for code, options in chosen.items():
            q = self.spec.by_code[code]
            ordered = [o for o in q.option_codes if o in options]
            problem = logic.check_value(self.spec, q, ordered)
            if problem:
                self._problem(number, *where[code], problem)
            else:
                answers[code] = ordered
        for code, point in points.items():
            q = self.spec.by_code[code]
            if code in answers:
                self._problem(
                    number, *where[code], _("Bitte entweder einen Ort aus der Liste oder einen Punkt angeben.")
                )
                continue
            value, problem = parse_point(self.spec, q, point.get("lat", ""), point.get("lon", ""))
            if problem:
                self._problem(number, *where[code], problem)
            else:
                answers[code] = value
        if empty and len(self.problems) == before:
            return None
        visible = logic.shown(self.spec, answers)
        for code in list(answers) + list(texts):
            if code not in visible:
                self.dropped[code] = self.dropped.get(code, 0) + 1
        return logic.prune(self.spec, answers, texts)


def _unknown_value(value: str, q: logic.QuestionSpec) -> str:
    return _("»%(value)s« ist kein Wert dieser Frage. Erlaubt: %(codes)s.") % {
        "value": value[:20],
        "codes": ", ".join(q.option_codes),
    }


# Checking a whole import -------------------------------------------------------------------------------------------


@dataclass
class ImportCheck:
    rows: list[dict] = field(default_factory=list)  # {"answers", "texts", "language", "completed"}
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is left out or was noticed, for the preview
    dropped_columns: list[str] = field(default_factory=list)  # columns not imported (LimeSurvey: who, when)
    empty_rows: int = 0
    skipped_incomplete: int = 0
    encoding: str = ""

    @property
    def clean(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def listed_errors(self) -> list[Problem]:
        return self.errors[:MAX_LISTED_PROBLEMS]

    @property
    def more_errors(self) -> int:
        return max(0, len(self.errors) - MAX_LISTED_PROBLEMS)


def dropped_notes(spec: logic.Spec, dropped: dict[str, int]) -> list[str]:
    return [
        _(
            "Frage »%(code)s«: in %(count)d Bögen beantwortet, obwohl sie nach der Filterfrage zu überspringen war. "
            "Diese Antworten werden nicht übernommen."
        )
        % {"code": code, "count": count}
        for code, count in dropped.items()
    ]


def check_template_table(spec: logic.Spec, table: Table) -> ImportCheck:
    """Every row of a table in the template's layout: unknown or doubled columns are errors; missing columns are
    noted and read as unanswered."""
    check = ImportCheck(encoding=table.encoding)
    expected = template_columns(spec)
    seen: set[str] = set()
    columns: list[tuple[int, str, Column]] = []
    for index, header in enumerate(table.header):
        label = f"{header or '–'} ({column_letter(index)})"
        if not header:
            check.errors.append(Problem(1, label, _("Die Spalte hat keinen Namen.")))
        elif header in seen:
            check.errors.append(Problem(1, label, _("Diese Spalte kommt doppelt vor.")))
        elif header not in expected:
            check.errors.append(
                Problem(
                    1, label, _("Diese Spalte gehört zu keiner Frage des Fragebogens. Bitte nutzen Sie die Vorlage.")
                )
            )
        else:
            columns.append((index, header, expected[header]))
        seen.add(header)
    if not columns:
        check.errors.insert(
            0, Problem(None, "", _("Keine Spalte passt zu diesem Fragebogen. Bitte nutzen Sie die Vorlage."))
        )
        return check
    missing = [name for name in expected if name not in seen]
    if missing:
        check.notes.append(
            _("Diese Spalten fehlen und gelten als nicht beantwortet: %(names)s.") % {"names": ", ".join(missing[:30])}
            + (" …" if len(missing) > 30 else "")
        )
    reader = RowReader(spec, columns)
    for number, cells in enumerate(table.rows, start=2):
        result = reader.read(number, cells)
        if result is None:
            check.empty_rows += 1
            continue
        answers, texts = result
        check.rows.append(
            {
                "answers": answers,
                "texts": texts,
                "language": "de",
                "completed": not logic.check_answers(spec, answers, texts, complete=True),
            }
        )
    check.errors.extend(reader.problems)
    check.notes.extend(dropped_notes(spec, reader.dropped))
    if not check.rows and not check.errors:
        check.errors.append(Problem(None, "", _("Die Datei enthält keinen ausgefüllten Antwortbogen.")))
    return check


# Storing an import, all rows or none -------------------------------------------------------------------------------


def import_rows(
    *, analysis: SafetyAnalysis, rows: list[dict], channel: str, by, token: str, source: str = "table"
) -> int:
    """Store every checked row as an anonymous response, in random order, in one transaction: all or none. The
    rows are checked again against the questionnaire (a forged or stale pending import stores nothing); the
    pending import's token is used once."""
    if channel not in IMPORT_CHANNELS:
        raise services.Refused(_("Bitte wählen Sie, wie die Bögen erhoben wurden."), "channel")
    if not rows:
        raise services.Refused(_("Die Datei enthält keinen ausgefüllten Antwortbogen."))
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        check_open(current)
        questionnaire = current.questionnaire
        spec = logic.load_spec(questionnaire)
        objects = []
        for number, row in enumerate(rows, start=1):
            answers, texts = row.get("answers"), row.get("texts")
            errors = logic.check_answers(spec, answers, texts, complete=False)
            if errors:
                raise services.Refused(
                    _("Bogen %(n)d passt nicht mehr zum Fragebogen. Es wurde nichts importiert.") % {"n": number}
                )
            answers, texts = logic.prune(spec, answers, texts)
            language = row.get("language") if row.get("language") in current.languages else "de"
            objects.append(
                Response(
                    questionnaire=questionnaire,
                    language=language,
                    channel=channel,
                    answers=answers,
                    texts=texts or None,
                    completed=bool(row.get("completed"))
                    and not logic.check_answers(spec, answers, texts, complete=True),
                )
            )
        _use_once(token)
        # Neither the file's order (a LimeSurvey export is in submission order) nor the ids tell anything.
        random.SystemRandom().shuffle(objects)
        Response.objects.bulk_create(objects, batch_size=500)
        audit.log(
            "surveys.responses_imported",
            actor=by,
            obj=current,
            data={"count": len(objects), "channel": channel, "source": source},
        )
    return len(objects)


# The pending import between the check and the confirmation ---------------------------------------------------------


def keep_pending(session, *, analysis: SafetyAnalysis, check: ImportCheck, channel: str, source: str) -> str:
    """Keep a clean, checked import in the staff member's session until it is confirmed — encrypted (free texts
    may name people), never as a file. A new check replaces an older pending import."""
    token = secrets.token_urlsafe(18)
    payload = {
        "rows": check.rows,
        "notes": check.notes,
        "dropped_columns": check.dropped_columns,
        "empty_rows": check.empty_rows,
        "skipped_incomplete": check.skipped_incomplete,
        "encoding": check.encoding,
        "channel": channel,
        "source": source,
    }
    session[PENDING_SESSION_KEY] = {
        "token": token,
        "analysis": analysis.pk,
        "blob": crypto.encrypt_text(json.dumps(payload, ensure_ascii=False)),
    }
    return token


def pending(session, analysis: SafetyAnalysis, token: str) -> dict | None:
    entry = session.get(PENDING_SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("analysis") != analysis.pk:
        return None
    if not token or not secrets.compare_digest(str(entry.get("token", "")), str(token)):
        return None
    try:
        payload = json.loads(crypto.decrypt_text(entry["blob"]))
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
    return payload if isinstance(payload, dict) else None


def drop_pending(session) -> None:
    session.pop(PENDING_SESSION_KEY, None)

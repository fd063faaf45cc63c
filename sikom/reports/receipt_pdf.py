"""The PDF receipt a reporter downloads after submitting an incident report.

It confirms that the report arrived (case number, time, what the reporter chose to include) and lists the uploaded
evidence with SHA-256 checksums, so the reporter can later show that the files were not altered. The receipt code is
deliberately not part of the input: the PDF gets printed, forwarded and left in download folders, and the code alone
opens the case.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, translation
from django.utils.timezone import is_naive, localtime
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

# The receipt is a record for people in Saxony; it must not depend on whichever time zone a request activated.
RECEIPT_TIME_ZONE = ZoneInfo("Europe/Berlin")

FONT_FAMILY = "NotoSans"
# A core font needs no embedding and hex digits are ASCII, so the checksums stay exact and compact.
MONO_FAMILY = "Courier"

# Total page count placeholder. fpdf2 replaces the alias wherever it occurs in any text, so the default "{nb}" would
# turn a reporter's literal "{nb}" into a number. A private-use character never survives `_clean`, so this cannot.
PAGE_TOTAL_ALIAS = "\ue000"

MARGIN = 20.0  # mm
FOOTER_HEIGHT = 12.0  # mm reserved at the bottom for the page footer
LINE = 5.0  # mm line height for body text
MUTED = (90, 90, 90)
RULE = (200, 200, 200)
HEADER_FILL = (235, 235, 235)
LABEL_WIDTH = 55.0  # mm
LONG_VALUE_LINES = 15  # values longer than this many lines go below their label, at full width
EVIDENCE_START_HEIGHT = 50.0  # mm: heading, explanation, column headings and a first row with a wrapped name
EVIDENCE_COLUMNS = (10.0, 0.0, 22.0, 42.0)  # Nr., Dateiname (takes the rest), Größe, Hochgeladen

# Line breaks users can produce besides "\n"; fpdf2 would otherwise draw them as glyphs or ignore them.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"})
# Invisible modifiers of a preceding character (emoji variation selectors and skin tones): once the emoji itself is
# replaced by "?", these would only add more question marks.
_DROPPED_MODIFIERS = frozenset([*range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400)])


@dataclass(frozen=True)
class ReceiptEvidence:
    name: str
    size: int  # bytes
    sha256: str  # 64 hex digits
    uploaded_at: datetime  # aware

    def __post_init__(self) -> None:
        _require_aware(self.uploaded_at, "uploaded_at")


@dataclass(frozen=True)
class ReceiptData:
    case_number: str  # e.g. "SK-2026-000123"
    submitted_at: datetime  # aware
    # (heading, [(label, value)]): only what the reporter chose to include in the receipt.
    sections: list[tuple[str, list[tuple[str, str]]]]
    evidence: list[ReceiptEvidence]

    def __post_init__(self) -> None:
        _require_aware(self.submitted_at, "submitted_at")


def _require_aware(value: datetime, name: str) -> None:
    # Fail where the data is built rather than halfway through rendering a download.
    if is_naive(value):
        raise ValueError(f"{name} must be timezone-aware")


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """The receipt as PDF bytes, in the active language. Any text content renders; unknown glyphs become '?'."""
    pdf = _ReceiptPDF(data.case_number)
    pdf.render(data)
    return bytes(pdf.output())


def format_datetime(value: datetime) -> str:
    """German style "21.11.2026, 14:05 Uhr" in Berlin time; the wording follows the active language."""
    local = localtime(value, RECEIPT_TIME_ZONE)
    return _("%(date)s, %(time)s Uhr") % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}


def format_size(size: int) -> str:
    """German style file size ("1,9 MB", "512 KB"); binary units, as file managers show them."""
    size = max(0, int(size))
    if size < 1024:
        return _("%(size)s Byte") % {"size": size}
    kilobytes = round(size / 1024)
    if kilobytes < 1024:
        return _("%(size)s KB") % {"size": kilobytes}
    for unit, factor in (("MB", 1024**2), ("GB", 1024**3)):
        value = round(size / factor, 1)
        if value < 1024 or unit == "GB":
            # number_format gives the decimal comma in German and the point in English.
            return f"{formats.number_format(value, decimal_pos=1)} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _font_dir() -> Path:
    return Path(settings.BASE_DIR) / "node_modules/@kern-ux/native/dist/fonts/noto-sans"


def _font_paths() -> dict[str, Path]:
    # fpdf2 reads WOFF 1 itself (fontTools decompresses it with zlib), so no converted TTF copy is written to disk.
    return {"": _font_dir() / "NotoSans-Regular.woff", "B": _font_dir() / "NotoSans-Bold.woff"}


@functools.cache
def _covered_code_points() -> frozenset[int]:
    """Code points both font styles can draw; read once per process, the fonts only change with a deployment."""
    covered: frozenset[int] | None = None
    for path in _font_paths().values():
        points = frozenset(TTFont(path, lazy=True).getBestCmap())
        covered = points if covered is None else covered & points
    return covered or frozenset()


def _clean(text: str) -> str:
    """Text the Noto Sans fonts can draw: missing glyphs become '?', invisible control and format characters go.

    fpdf2 would otherwise log a warning and draw an empty box, or pass bidi overrides and control characters into
    the PDF. Composing first keeps Sorbian letters typed with combining accents ("s" + caron) as one "š".
    """
    covered = _covered_code_points()
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", "    ")
    out: list[str] = []
    for char in text:
        point = ord(char)
        category = unicodedata.category(char)
        if char == "\n":
            out.append(char)
        elif category in ("Cc", "Cf") or point in _DROPPED_MODIFIERS:
            continue
        elif category in ("Co", "Cs", "Cn") or point not in covered:
            # A combining mark without a glyph would add a '?' after an otherwise readable letter.
            if not category.startswith("M"):
                out.append("?")
        else:
            out.append(char)
    return "".join(out)


def _clean_mono(text: str) -> str:
    # Courier is a core font limited to Latin-1; a checksum is printable ASCII, anything else is shown as '?'.
    return "".join(char if " " <= char <= "~" else "?" for char in str(text))


class _ReceiptPDF(FPDF):
    def __init__(self, case_number: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        # Single line: it also goes into the footer cell and the metadata title, where a line break has no place.
        self.case_number = " ".join(_clean(case_number).split())
        for style, path in _font_paths().items():
            self.add_font(FONT_FAMILY, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_HEIGHT / 2)
        self.alias_nb_pages(PAGE_TOTAL_ALIAS)
        # Metadata identifies the document, never the reporter: no author, and a creator naming only the platform.
        self.set_title(_("Eingangsbestätigung %(case_number)s") % {"case_number": self.case_number})
        self.set_creator("sikom")
        self.set_lang(translation.get_language() or settings.LANGUAGE_CODE)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.cell(0, 6, _("Eingangsbestätigung %(case_number)s") % {"case_number": self.case_number})
        self.set_x(self.l_margin)
        page = _("Seite %(page)s von %(total)s") % {"page": self.page_no(), "total": PAGE_TOTAL_ALIAS}
        self.cell(0, 6, page, align=Align.R)

    # Layout helpers.

    def _text(self, text: str, size: float = 10, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(FONT_FAMILY, style, size)
        self.set_text_color(*color)
        self.set_x(self.l_margin)
        self.multi_cell(0, size * 0.5, _clean(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _heading(self, text: str, keep_with: float = 4 * LINE) -> None:
        # Keep a heading together with what follows it (at least its first rows).
        if self.will_page_break(keep_with):
            self.add_page()
        self.ln(4)
        self._text(text, size=13, style="B")
        self.ln(1.5)

    def _lines_height(self, width: float, text: str, line_height: float) -> float:
        lines = self.multi_cell(width, line_height, text, align=Align.L, dry_run=True, output="LINES")
        return max(1, len(lines)) * line_height

    # Content.

    def render(self, data: ReceiptData) -> None:
        self.add_page()
        self._title_block(data)
        for heading, rows in data.sections:
            self._section(heading, rows)
        self._evidence(data.evidence)
        self.ln(6)
        self._text(_("In akuter Gefahr: Polizei-Notruf 110"), size=12, style="B")

    def _title_block(self, data: ReceiptData) -> None:
        self._text(_("Plattform »Sichere Kommunen« (sikom)"), size=10, color=MUTED)
        self.ln(1)
        self._text(_("Eingangsbestätigung"), size=20, style="B")
        self.ln(4)
        self._text(_("Fallnummer"), size=10, color=MUTED)
        self._text(self.case_number, size=22, style="B")
        self.ln(2)
        self._text(_("Eingegangen am"), size=10, color=MUTED)
        self._text(format_datetime(data.submitted_at), size=12)
        self.ln(4)
        note = _(
            "Bewahren Sie diese Bestätigung und Ihren Zugangscode sicher auf. "
            "Der Zugangscode steht aus Sicherheitsgründen nicht in diesem Dokument."
        )
        self.set_fill_color(*HEADER_FILL)
        self.set_font(FONT_FAMILY, "", 10)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, LINE, _clean(note), align=Align.L, fill=True, padding=3, new_x=XPos.LMARGIN)

    def _section(self, heading: str, rows: list[tuple[str, str]]) -> None:
        self._heading(heading)
        for label, value in rows:
            self._row(_clean(label), _clean(value).strip() or "–")

    def _row(self, label: str, value: str) -> None:
        self.set_font(FONT_FAMILY, "B", 10)
        label_height = self._lines_height(LABEL_WIDTH - 3, label, LINE)
        self.set_font(FONT_FAMILY, "", 10)
        value_height = self._lines_height(self.w - self.r_margin - self.l_margin - LABEL_WIDTH, value, LINE)
        if label_height > 3 * LINE or value_height > LONG_VALUE_LINES * LINE:
            # A long free text reads better across the full width than in a narrow column over several pages, and
            # an unusually long label would make a narrow column of its own: put the label above the value instead.
            if self.will_page_break(min(label_height, 3 * LINE) + 2 * LINE):
                self.add_page()  # keep the label with the start of its text
            self._text(label, style="B")
            self._text(value)
            self.ln(2)
            return
        if self.will_page_break(max(label_height, 2 * LINE)):
            self.add_page()
        page, top = self.page, self.y
        self.set_font(FONT_FAMILY, "B", 10)
        self.set_text_color(0, 0, 0)
        self.multi_cell(LABEL_WIDTH - 3, LINE, label, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_bottom = self.y
        # The value may be long free text running over several pages; fpdf2 keeps its x on every new page.
        self.set_xy(self.l_margin + LABEL_WIDTH, top)
        self.set_font(FONT_FAMILY, "", 10)
        self.multi_cell(0, LINE, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page == page:
            self.set_y(max(self.y, label_bottom))
        self.ln(2)

    def _evidence(self, evidence: list[ReceiptEvidence]) -> None:
        # Heading, explanation, column headings and the first file belong on one page.
        self._heading(_("Beweismittel"), keep_with=EVIDENCE_START_HEIGHT)
        if not evidence:
            self._text(_("Es wurden keine Dateien hochgeladen."))
            return
        self._text(
            _("Mit der SHA-256-Prüfsumme lässt sich nachweisen, dass eine Datei seit dem Hochladen unverändert ist."),
            size=9,
            color=MUTED,
        )
        self.ln(2)
        self._evidence_header()
        for number, item in enumerate(evidence, start=1):
            self._evidence_row(number, item)

    def _column_widths(self) -> list[float]:
        usable = self.w - self.l_margin - self.r_margin
        return [width or usable - sum(EVIDENCE_COLUMNS) for width in EVIDENCE_COLUMNS]

    def _evidence_header(self) -> None:
        self.set_font(FONT_FAMILY, "B", 9)
        self.set_text_color(0, 0, 0)
        self.set_fill_color(*HEADER_FILL)
        self.set_x(self.l_margin)
        headings = (_("Nr."), _("Dateiname"), _("Größe"), _("Hochgeladen"))
        aligns = (Align.L, Align.L, Align.R, Align.L)
        for width, heading, align in zip(self._column_widths(), headings, aligns, strict=True):
            self.cell(width, 7, _clean(heading), fill=True, align=align)
        self.ln(7)

    def _evidence_row(self, number: int, item: ReceiptEvidence) -> None:
        widths = self._column_widths()
        name = _clean(item.name).replace("\n", " ").strip() or "–"
        checksum = _clean_mono(item.sha256)
        self.set_font(FONT_FAMILY, "", 9)
        name_height = self._lines_height(widths[1], name, LINE)
        self.set_font(MONO_FAMILY, "", 8)
        hash_width = sum(widths[1:]) - 16
        hash_height = self._lines_height(hash_width, checksum, 4.5)
        # Keep a file's row and its checksum on one page, and repeat the column headings there.
        if self.will_page_break(name_height + hash_height + 3):
            self.add_page()
            self._evidence_header()
        top = self.y
        self.set_font(FONT_FAMILY, "", 9)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, top)
        self.cell(widths[0], LINE, f"{number}.")
        self.set_xy(self.l_margin + sum(widths[:2]), top)
        self.cell(widths[2], LINE, _clean(format_size(item.size)), align=Align.R)
        self.cell(widths[3], LINE, _clean(format_datetime(item.uploaded_at)))
        self.set_xy(self.l_margin + widths[0], top)
        self.multi_cell(widths[1], LINE, name, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(self.l_margin + widths[0])
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(16, 4.5, "SHA-256:")
        self.set_font(MONO_FAMILY, "", 8)
        self.set_text_color(0, 0, 0)
        # Character wrapping: a checksum has no spaces, and a malformed overlong one must still stay on the page.
        self.multi_cell(
            hash_width, 4.5, checksum, align=Align.L, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(1.5)

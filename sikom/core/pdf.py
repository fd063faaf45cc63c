"""PDF documents of the platform (the reporter's receipt, the case dossier): one A4 layout, rendered with fpdf2.

A document is written top to bottom through a small API; layout, fonts, page breaks and the footer are handled here::

    document = Document(_("Dossier %(number)s") % {"number": case.number})
    document.title_block(_("Dossier"), _("Plattform »Sichere Kommunen« (sikom)"), case.number,
                         [(_("Erstellt am"), format_datetime(now))], note=_("Vertraulich …"))
    document.section(_("Stand"), [(_("Status"), case.get_status_display()), …])
    document.entry(title, body, details=[…], marker=_("interne Notiz"))
    document.evidence([EvidenceItem(…), …])
    pdf_bytes = document.output()

Every method accepts any text: it is cleaned (``clean``) so that characters the embedded Noto Sans fonts cannot draw
become "?" and control or bidi characters vanish; rendering never fails on user input and fpdf2 never logs a missing
glyph. Checksums are set in Courier and kept complete (character wrapping), because a shortened checksum proves
nothing. Each page carries a footer with the label on the left and »Seite X von Y« on the right; the label is also
the document title in the PDF metadata, which names no person (no author; creator »sikom«).

Times are shown in Europe/Berlin regardless of the active time zone; wording follows the active language.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, translation
from django.utils.timezone import is_naive, localtime
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

__all__ = [
    "TIME_ZONE",
    "Document",
    "EvidenceItem",
    "clean",
    "clean_mono",
    "format_date",
    "format_datetime",
    "format_size",
    "require_aware",
]

# The documents are records for people in Saxony; they must not depend on whichever time zone a request activated.
TIME_ZONE = ZoneInfo("Europe/Berlin")

FONT_FAMILY = "NotoSans"
# A core font needs no embedding and hex digits are ASCII, so the checksums stay exact and compact.
MONO_FAMILY = "Courier"

# Total page count placeholder. fpdf2 replaces the alias wherever it occurs in any text, so the default "{nb}" would
# turn a user's literal "{nb}" into a number. A private-use character never survives `clean`, so this cannot.
# fpdf2 lays the footer out with one digit's width per alias character: three keep a long document's total
# ("Seite 12 von 140") inside the margin.
PAGE_TOTAL_ALIAS = "\ue000" * 3

MARGIN = 20.0  # mm
FOOTER_HEIGHT = 12.0  # mm reserved at the bottom for the page footer
LINE = 5.0  # mm line height for body text
BLACK = (0, 0, 0)
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
# Arrows the fonts lack but the platform's own texts use (risk level changes "2 → 3", the danger analysis rules
# "… ⇒ Stufe 4"): spelt in ASCII rather than lost as "?".
_FALLBACKS = str.maketrans({"→": "->", "⇒": "=>", "←": "<-", "⇐": "<=", "↔": "<->", "⇔": "<=>"})


# Values and formatting.


def require_aware(value: datetime, name: str) -> None:
    """Refuse a naive datetime where the data is built rather than halfway through rendering a download."""
    if is_naive(value):
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class EvidenceItem:
    """One row of the evidence table."""

    name: str
    size: int  # bytes
    sha256: str  # 64 hex digits
    uploaded_at: datetime  # aware

    def __post_init__(self) -> None:
        require_aware(self.uploaded_at, "uploaded_at")


def format_datetime(value: datetime) -> str:
    """German style "21.11.2026, 14:05 Uhr" in Berlin time; the wording follows the active language."""
    local = localtime(value, TIME_ZONE)
    return _("%(date)s, %(time)s Uhr") % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}


def format_date(value: date | datetime) -> str:
    """German style "21.11.2026"; a datetime is taken in Berlin time first."""
    if isinstance(value, datetime):
        value = localtime(value, TIME_ZONE).date()
    return value.strftime("%d.%m.%Y")


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


# Fonts and text cleaning.


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


def clean(text: object) -> str:
    """Text the Noto Sans fonts can draw: missing glyphs become '?', invisible control and format characters go.

    fpdf2 would otherwise log a warning and draw an empty box, or pass bidi overrides and control characters into
    the PDF. Composing first keeps Sorbian letters typed with combining accents ("s" + caron) as one "š". Line
    breaks of any kind become "\\n", tabs four spaces, common arrows "->" and "=>".
    """
    covered = _covered_code_points()
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", "    ")
    text = text.translate(_FALLBACKS)
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


def clean_mono(text: object) -> str:
    """Text for Courier, a core font limited to Latin-1; a checksum is printable ASCII, anything else becomes '?'."""
    return "".join(char if " " <= char <= "~" else "?" for char in str(text))


def _one_line(text: object) -> str:
    return " ".join(clean(text).split())


# The document.


class _PDF(FPDF):
    """fpdf2 with the platform's fonts, margins, metadata and page footer."""

    def __init__(self, label: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.label = label
        for style, path in _font_paths().items():
            self.add_font(FONT_FAMILY, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_HEIGHT / 2)
        self.alias_nb_pages(PAGE_TOTAL_ALIAS)
        # Metadata identifies the document, never a person: no author, and a creator naming only the platform.
        self.set_title(label)
        self.set_creator("sikom")
        self.set_lang(translation.get_language() or settings.LANGUAGE_CODE)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.cell(0, 6, self.label)
        self.set_x(self.l_margin)
        page = _("Seite %(page)s von %(total)s") % {"page": self.page_no(), "total": PAGE_TOTAL_ALIAS}
        self.cell(0, 6, page, align=Align.R)


class Document:
    """An A4 document written top to bottom. All text arguments may hold anything a user typed.

    ``label`` names the document in the footer of every page (next to »Seite X von Y«) and in the PDF metadata,
    e.g. »Eingangsbestätigung SK-2026-000123« or »Dossier SK-2026-000123«; it is reduced to one line.
    The first page is started right away.
    """

    def __init__(self, label: str) -> None:
        self._pdf = _PDF(_one_line(label))
        self._pdf.add_page()

    @property
    def label(self) -> str:
        return self._pdf.label

    @property
    def page_count(self) -> int:
        return self._pdf.pages_count

    def output(self) -> bytes:
        """The finished PDF."""
        return bytes(self._pdf.output())

    # Blocks.

    def title_block(
        self,
        title: str,
        subtitle: str,
        number: str,
        meta_rows: Iterable[tuple[str, str]] = (),
        note: str | None = None,
        *,
        number_label: str | None = None,
    ) -> None:
        """The head of the first page: small ``subtitle`` (the platform), large ``title``, the (case) number under
        ``number_label`` (default »Fallnummer«), then each (label, value) of ``meta_rows`` and an optional ``note``
        in a shaded box."""
        self.paragraph(subtitle, muted=True)
        self._pdf.ln(1)
        self.paragraph(title, size=20, bold=True)
        self._pdf.ln(4)
        self.paragraph(_("Fallnummer") if number_label is None else number_label, muted=True)
        self.paragraph(_one_line(number), size=22, bold=True)
        for label, value in meta_rows:
            self._pdf.ln(2)
            self.paragraph(label, muted=True)
            self.paragraph(value, size=12)
        if note:
            self._pdf.ln(4)
            pdf = self._pdf
            pdf.set_fill_color(*HEADER_FILL)
            pdf.set_font(FONT_FAMILY, "", 10)
            pdf.set_text_color(*BLACK)
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(0, LINE, clean(note), align=Align.L, fill=True, padding=3, new_x=XPos.LMARGIN)

    def paragraph(
        self, text: str, *, size: float = 10, bold: bool = False, muted: bool = False, space_before: float = 0
    ) -> None:
        """Running text across the full width; line breaks in ``text`` are kept, long text runs over pages."""
        pdf = self._pdf
        if space_before:
            pdf.ln(space_before)
        pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*(MUTED if muted else BLACK))
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, size * 0.5, clean(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, *, level: int = 1, keep_with: float = 4 * LINE) -> None:
        """A section heading (``level`` 1), a subheading (2) or a small muted group title (3), kept on one page with
        the next ``keep_with`` mm."""
        pdf = self._pdf
        if pdf.will_page_break(keep_with):
            pdf.add_page()
        if level == 1:
            pdf.ln(4)
            self.paragraph(text, size=13, bold=True)
            pdf.ln(1.5)
        elif level == 2:
            pdf.ln(2.5)
            self.paragraph(text, size=11, bold=True)
            pdf.ln(1)
        else:
            pdf.ln(1.5)
            self.paragraph(text, size=9, bold=True, muted=True)
            pdf.ln(0.5)

    def section(self, heading: str, rows: Iterable[tuple[str, str]], *, level: int = 1) -> None:
        """A heading and its (label, value) rows; see ``rows``."""
        self.heading(heading, level=level)
        self.rows(rows)

    def rows(self, rows: Iterable[tuple[str, str]]) -> None:
        """(label, value) rows: the label in bold in a narrow column, the value beside it ("–" when empty).

        A long value (more than 15 lines) or a long label goes below/above at full width, so free text reads well
        over several pages."""
        for label, value in rows:
            self._row(clean(label), clean(value).strip() or "–")

    def entry(self, title: str, body: str = "", *, details: Iterable[str] = (), marker: str | None = None) -> None:
        """One item of a list such as a message or a history event: an optional ``marker`` such as »interne Notiz«
        as a shaded tag, a bold ``title`` line, muted ``details`` lines, then the ``body`` text at full width and a
        thin rule. The head stays on one page with the start of the body."""
        pdf = self._pdf
        width = pdf.w - pdf.l_margin - pdf.r_margin
        title = clean(title).strip() or "–"
        marker = _one_line(marker) if marker else ""
        details = [line for line in (clean(detail).strip() for detail in details) if line]
        body = clean(body).strip()
        pdf.set_font(FONT_FAMILY, "B", 8)
        marker_width = min(pdf.get_string_width(marker) + 4, width)
        head = self._lines_height(marker_width, marker, 4.5) + 1 if marker else 0
        pdf.set_font(FONT_FAMILY, "B", 10)
        head += self._lines_height(width, title, LINE)
        pdf.set_font(FONT_FAMILY, "", 9)
        head += sum(self._lines_height(width, detail, 4.5) for detail in details)
        if pdf.will_page_break(min(head, 6 * LINE) + (2 * LINE if body else 0) + 2):
            pdf.add_page()
        pdf.ln(1)
        if marker:
            pdf.set_font(FONT_FAMILY, "B", 8)
            pdf.set_text_color(*BLACK)
            pdf.set_fill_color(*HEADER_FILL)
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(marker_width, 4.5, marker, align=Align.C, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        self.paragraph(title, bold=True)
        for detail in details:
            self.paragraph(detail, size=9, muted=True)
        if body:
            pdf.ln(1)
            self.paragraph(body)
        pdf.ln(1.5)
        self._rule()

    def evidence(
        self,
        items: Sequence[EvidenceItem],
        *,
        heading: str | None = None,
        explanation: str | None = None,
        empty: str | None = None,
    ) -> None:
        """The evidence table: number, file name, size and upload time per file, with its complete SHA-256 below.

        ``heading`` defaults to »Beweismittel«, ``explanation`` (above the table) to a sentence on what the checksum
        proves, ``empty`` (shown instead of the table) to »Es wurden keine Dateien hochgeladen.«. Column headings
        repeat on every page, and a file's row never splits from its checksum."""
        # Heading, explanation, column headings and the first file belong on one page.
        self.heading(_("Beweismittel") if heading is None else heading, keep_with=EVIDENCE_START_HEIGHT)
        if not items:
            self.paragraph(_("Es wurden keine Dateien hochgeladen.") if empty is None else empty)
            return
        if explanation is None:
            explanation = _(
                "Mit der SHA-256-Prüfsumme lässt sich nachweisen, dass eine Datei seit dem Hochladen unverändert ist."
            )
        self.paragraph(explanation, size=9, muted=True)
        self._pdf.ln(2)
        self._evidence_header()
        for number, item in enumerate(items, start=1):
            self._evidence_row(number, item)

    # Layout helpers.

    def _rule(self) -> None:
        pdf = self._pdf
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
        pdf.ln(1.5)

    def _lines_height(self, width: float, text: str, line_height: float) -> float:
        lines = self._pdf.multi_cell(width, line_height, text, align=Align.L, dry_run=True, output="LINES")
        return max(1, len(lines)) * line_height

    def _row(self, label: str, value: str) -> None:
        pdf = self._pdf
        pdf.set_font(FONT_FAMILY, "B", 10)
        label_height = self._lines_height(LABEL_WIDTH - 3, label, LINE)
        pdf.set_font(FONT_FAMILY, "", 10)
        value_height = self._lines_height(pdf.w - pdf.r_margin - pdf.l_margin - LABEL_WIDTH, value, LINE)
        if label_height > 3 * LINE or value_height > LONG_VALUE_LINES * LINE:
            # A long free text reads better across the full width than in a narrow column over several pages, and
            # an unusually long label would make a narrow column of its own: put the label above the value instead.
            if pdf.will_page_break(min(label_height, 3 * LINE) + 2 * LINE):
                pdf.add_page()  # keep the label with the start of its text
            self.paragraph(label, bold=True)
            self.paragraph(value)
            pdf.ln(2)
            return
        if pdf.will_page_break(max(label_height, 2 * LINE)):
            pdf.add_page()
        page, top = pdf.page, pdf.y
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.set_text_color(*BLACK)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(LABEL_WIDTH - 3, LINE, label, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_bottom = pdf.y
        # The value may be long free text running over several pages; fpdf2 keeps its x on every new page.
        pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.multi_cell(0, LINE, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if pdf.page == page:
            pdf.set_y(max(pdf.y, label_bottom))
        pdf.ln(2)

    def _column_widths(self) -> list[float]:
        pdf = self._pdf
        usable = pdf.w - pdf.l_margin - pdf.r_margin
        return [width or usable - sum(EVIDENCE_COLUMNS) for width in EVIDENCE_COLUMNS]

    def _evidence_header(self) -> None:
        pdf = self._pdf
        pdf.set_font(FONT_FAMILY, "B", 9)
        pdf.set_text_color(*BLACK)
        pdf.set_fill_color(*HEADER_FILL)
        pdf.set_x(pdf.l_margin)
        headings = (_("Nr."), _("Dateiname"), _("Größe"), _("Hochgeladen"))
        aligns = (Align.L, Align.L, Align.R, Align.L)
        for width, heading, align in zip(self._column_widths(), headings, aligns, strict=True):
            pdf.cell(width, 7, clean(heading), fill=True, align=align)
        pdf.ln(7)

    def _evidence_row(self, number: int, item: EvidenceItem) -> None:
        pdf = self._pdf
        widths = self._column_widths()
        name = clean(item.name).replace("\n", " ").strip() or "–"
        checksum = clean_mono(item.sha256)
        pdf.set_font(FONT_FAMILY, "", 9)
        name_height = self._lines_height(widths[1], name, LINE)
        pdf.set_font(MONO_FAMILY, "", 8)
        hash_width = sum(widths[1:]) - 16
        hash_height = self._lines_height(hash_width, checksum, 4.5)
        # Keep a file's row and its checksum on one page, and repeat the column headings there.
        if pdf.will_page_break(name_height + hash_height + 3):
            pdf.add_page()
            self._evidence_header()
        top = pdf.y
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.set_text_color(*BLACK)
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(widths[0], LINE, f"{number}.")
        pdf.set_xy(pdf.l_margin + sum(widths[:2]), top)
        pdf.cell(widths[2], LINE, clean(format_size(item.size)), align=Align.R)
        pdf.cell(widths[3], LINE, clean(format_datetime(item.uploaded_at)))
        pdf.set_xy(pdf.l_margin + widths[0], top)
        pdf.multi_cell(widths[1], LINE, name, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_x(pdf.l_margin + widths[0])
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.cell(16, 4.5, "SHA-256:")
        pdf.set_font(MONO_FAMILY, "", 8)
        pdf.set_text_color(*BLACK)
        # Character wrapping: a checksum has no spaces, and a malformed overlong one must still stay on the page.
        pdf.multi_cell(
            hash_width, 4.5, checksum, align=Align.L, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(1)
        self._rule()

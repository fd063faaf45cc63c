"""Serial letters for the sample (and reminders): one PDF, one A4 page per person (decisions 0031, 0032).

WeasyPrint lays out a letter in about 30–50 ms; 10,000 letters that way would take minutes. So the part every letter
shares (crest, sender, date, text, the frame around the access data) is laid out once with
``core.documents.render_pdf`` and written once into the PDF as a form; each person's page draws that form and, on
top, the address, the code and the QR code (``core.pdfstream.Canvas``: Helvetica text and the QR code's modules as
rectangles) — a fraction of a millisecond per page, and the PDF is written as a stream (``core.pdfstream.PdfStream``),
so memory does not grow with the number of letters. A person whose address Helvetica cannot draw (characters outside
WinAnsi, e.g. »ł«) gets a page laid out completely by WeasyPrint, copied into the same stream.

The positions below must match surveys/static/surveys/letters.css.
"""

import base64
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import BinaryIO

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sikom.core.documents import format_date, render_pdf
from sikom.core.pdfstream import Canvas, PdfStream

TEMPLATE = "surveys/fieldwork/documents/letters.html"
ADDRESS_X, ADDRESS_Y, LINE_MM = 25, 55, 4.5
ADDRESS_WIDTH_MM = 85
CODE_X, CODE_Y = 68, 236
QR_X, QR_Y, QR_MM = 30, 212, 32
MAX_ADDRESS_LINES = 6


def survey_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/umfrage/"


def code_url(code: str) -> str:
    return f"{survey_url()}?code={code}"


def qr_code(code: str) -> segno.QRCode:
    """The QR code of the link with the code. A fixed mask: choosing the best of eight (segno's default) takes
    most of the time of a letter, and any mask gives a valid code."""
    return segno.make(code_url(code), error="m", mask=0, micro=False, boost_error=False)


def crest_uri(letter_settings) -> str:
    if not letter_settings.crest:
        return ""
    data = base64.b64encode(bytes(letter_settings.crest)).decode("ascii")
    return f"data:{letter_settings.crest_type};base64,{data}"


def address_lines(personal: dict) -> list[str]:
    lines = [personal.get("name", ""), *personal.get("lines", [])]
    lines.append(f"{personal.get('postcode', '')} {personal.get('place', '')}".strip())
    return [line for line in lines if line][:MAX_ADDRESS_LINES]


def _context(letter_settings, *, reminder: bool, letters: list[dict], when: datetime) -> dict:
    return {
        "letters": letters,
        "settings": letter_settings,
        "text": letter_settings.reminder_text if reminder else letter_settings.text,
        "reminder": reminder,
        "url": survey_url(),
        "date": format_date(when),
        "crest_uri": crest_uri(letter_settings),
    }


def _label(letter_settings, reminder: bool) -> str:
    return _("Erinnerungsschreiben Bürgerbefragung") if reminder else _("Anschreiben Bürgerbefragung")


def _size_for(text: str, size: float = 10.0) -> float:
    """Helvetica averages about 0.56 em per character; longer lines get a smaller size so they stay in the window."""
    width = len(text) * 0.56 * size * 25.4 / 72
    return size if width <= ADDRESS_WIDTH_MM else max(6.0, size * ADDRESS_WIDTH_MM / width)


def _overlay(lines: list[str], code: str) -> bytes:
    canvas = Canvas()
    for index, line in enumerate(lines):
        canvas.text(ADDRESS_X, ADDRESS_Y + index * LINE_MM, line, size=_size_for(line))
    canvas.text(CODE_X, CODE_Y, code, size=16, bold=True)
    canvas.modules(QR_X, QR_Y, qr_code(code).matrix, size_mm=QR_MM)
    return canvas.content()


def write_letters(
    *,
    letter_settings,
    people: Iterable[tuple[dict, str]],
    reminder: bool,
    out: BinaryIO,
    progress: Callable[[int], None] = lambda done: None,
    when: datetime | None = None,
) -> int:
    """Write the letters for `people` — (personal data, formatted code) pairs, in print order — into `out` as one
    PDF; returns the number of pages."""
    when = when or timezone.now()
    label = _label(letter_settings, reminder)
    common = render_pdf(
        TEMPLATE,
        _context(letter_settings, reminder=reminder, letters=[{"overlay": True}], when=when),
        label=label,
        created_at=when,
    )
    stream = PdfStream(out)
    form = stream.form_from_page(common)
    for done, (personal, code) in enumerate(people, start=1):
        lines = address_lines(personal)
        if all(Canvas.fits(line) for line in lines):
            stream.add_page(_overlay(lines, code), forms={"Letter": form})
        else:
            qr = qr_code(code).svg_inline(scale=1, border=0, omitsize=True)
            letter = {"overlay": False, "lines": lines, "code": code, "qr": mark_safe(qr)}
            pdf = render_pdf(
                TEMPLATE,
                _context(letter_settings, reminder=reminder, letters=[letter], when=when),
                label=label,
                created_at=when,
            )
            stream.copy_pages(pdf)
        progress(done)
    stream.close(title=label)
    return stream.page_count

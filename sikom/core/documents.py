"""PDF documents of the platform (receipt, dossier, and the letters, certificates and reports to come): Django
templates rendered to PDF with WeasyPrint, with the same translations and KERN styles and fonts as the pages.

A document is a template under ``templates/<app>/documents/`` that extends ``core/documents/base.html``::

    pdf_bytes = render_pdf(
        "casefile/documents/dossier.html",
        {"case": case, …},
        label=_("Dossier %(number)s") % {"number": case.number},
        created_at=now,
    )

``label`` names the document in the footer of every page (next to »Seite X von Y«) and in the PDF metadata.
``created_at`` is the document's creation date in the metadata; it comes from the data (the time a report arrived,
the time shown on the dossier), so the same data gives the same bytes.

User text needs no glyph cleaning: the template's autoescaping keeps it text, WeasyPrint draws every character with
the KERN fonts or a font of the system (one that no font has is drawn as an empty box and kept in the text layer), and
a bidi override stays inside its element. Line breaks are kept by the ``document-text`` class (``white-space:
pre-line``), overlong words wrap. Only what would leave no readable text layer is changed (``_drawable``): control
characters go, lone surrogates and the private use planes 15 and 16 become U+FFFD.

WeasyPrint fetches nothing from the network: the only URLs it can resolve are the platform's static files (fonts,
stylesheets, images), read from disk by ``StaticFilesOnly``; anything else stops the rendering with an error.
The metadata names no person: no author, creator and producer »sikom«.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import mimetypes
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.timezone import is_naive, localtime
from django.utils.translation import gettext as _
from pydyf import String
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

__all__ = [
    "TIME_ZONE",
    "DocumentResourceRefused",
    "Entry",
    "EvidenceItem",
    "StaticFilesOnly",
    "format_date",
    "format_datetime",
    "format_size",
    "render_pdf",
    "require_aware",
]

# The documents are records for people in Saxony; they must not depend on whichever time zone a request activated.
TIME_ZONE = ZoneInfo("Europe/Berlin")

# A base URL that can never be resolved on a network (".invalid" is reserved, RFC 2606): relative URLs in templates
# and stylesheets resolve against it, and the fetcher maps it to the static files on disk.
STATIC_BASE = "https://static.sikom.invalid/"

LABEL_MAX = 120  # characters of the label (footer and metadata title)
# The stylesheets every document uses, in cascade order: KERN's styles as the pages load them (its design tokens and
# typography), then the print layout with KERN's Fira Sans. Parsed once per thread; WeasyPrint's parsed stylesheets
# and font configuration are not shared across threads.
STYLESHEETS = ("kern/kern.min.css", "core/documents.css")


# Values and formatting.


def require_aware(value: datetime, name: str) -> None:
    """Refuse a naive datetime where the data is built rather than halfway through rendering a download."""
    if is_naive(value):
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class EvidenceItem:
    """One row of an evidence table: a file's name, size (bytes), SHA-256 (hex) and aware upload time."""

    name: str
    size: int
    sha256: str
    uploaded_at: datetime

    def __post_init__(self) -> None:
        require_aware(self.uploaded_at, "uploaded_at")

    @property
    def size_display(self) -> str:
        return format_size(self.size)

    @property
    def uploaded_display(self) -> str:
        return format_datetime(self.uploaded_at)


@dataclass(frozen=True)
class Entry:
    """One item of a list (a history event, a message): its head line, detail lines, text and optional marker such
    as »interne Notiz«; the template ``core/documents/entry.html`` draws it."""

    title: str
    body: str = ""
    details: list[str] = field(default_factory=list)
    marker: str | None = None


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


# Rendering.


class DocumentResourceRefused(ValueError):
    """A document asked for a URL outside the static files."""


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher that reads static files from disk and refuses everything else, fatally."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        inline = _data_image(url)
        if inline is not None:
            return URLFetcherResponse(url[:64], body=inline[1], headers={"Content-Type": inline[0]})
        if not url.startswith(STATIC_BASE):
            raise DocumentResourceRefused(f"documents may only load static files, not {url[:200]!r}")
        name = unquote(urlsplit(url).path).lstrip("/")
        path = _static_path(name)
        if path is None:
            raise DocumentResourceRefused(f"no static file {name[:200]!r}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


# Images a document carries itself (a municipality's crest, a QR code), as base64 »data:« URLs; an SVG among them can
# still only load static files, so whoever accepts an SVG upload must refuse external references (or the document
# fails to render rather than fetch anything).
DATA_IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
_DATA_IMAGE = re.compile(r"^data:(image/(?:png|jpeg|svg\+xml));base64,([A-Za-z0-9+/=\s]*)$")


def _data_image(url: str) -> tuple[str, bytes] | None:
    match = _DATA_IMAGE.match(url)
    if match is None:
        return None
    try:
        return match.group(1), base64.b64decode(match.group(2), validate=False)
    except binascii.Error:
        return None


def _static_path(name: str) -> Path | None:
    """The file of static ``name``: from the app and package folders, else from the collected files."""
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


class _Engine:
    """Per thread: the fetcher, the font configuration and the parsed stylesheets (KERN alone is 340 kB of CSS)."""

    def __init__(self) -> None:
        self.fetcher = StaticFilesOnly()
        self.fonts = FontConfiguration()
        # KERN is written for screens: WeasyPrint warns about each rule it cannot use in print (media queries by
        # width, masks, …) and skips it. Those warnings say nothing about a document, so they are not logged.
        with _quiet(_weasyprint_log):
            self.stylesheets = [
                CSS(url=STATIC_BASE + name, url_fetcher=self.fetcher, font_config=self.fonts) for name in STYLESHEETS
            ]
        self.footers: dict[str, CSS] = {}
        # Missing glyphs are found through WeasyPrint's warnings (``_MissingGlyphs``), which need to be emitted.
        if _weasyprint_log.getEffectiveLevel() > logging.WARNING:
            _weasyprint_log.setLevel(logging.WARNING)

    def footer(self) -> CSS:
        """»Seite X von Y« in the active language, as CSS for the page's bottom-right margin box."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language not in self.footers:
            marker = "\0"
            before, middle, after = (_("Seite %(page)s von %(total)s") % {"page": marker, "total": marker}).split(
                marker
            )
            content = f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) {_css_string(after)}"
            self.footers[language] = CSS(string=f"@page {{ @bottom-right {{ content: {content} }} }}")
        return self.footers[language]


_local = threading.local()


def _engine() -> _Engine:
    """This thread's engine, made on first use: parsing KERN takes a moment and a page request needs no document."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        engine = _local.engine = _Engine()
    return engine


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal; every character but letters, digits and spaces as a hex escape."""
    return '"' + "".join(char if char.isalnum() or char == " " else f"\\{ord(char):06x}" for char in text) + '"'


def render_pdf(template_name: str, context: dict, *, label: str, created_at: datetime) -> bytes:
    """The PDF of ``template_name`` rendered with ``context`` (plus ``document_label``) in the active language."""
    require_aware(created_at, "created_at")
    label = " ".join(label.split())
    if len(label) > LABEL_MAX:
        # The footer measures its text to share the line with »Seite X von Y«; one line is all it can hold.
        label = label[: LABEL_MAX - 1] + "…"
    label = _drawable(label)
    html = _breakable(_drawable(render_to_string(template_name, {**context, "document_label": label})))
    pdf, missing = _write(html, label, created_at)
    if missing:
        # Characters no font on the machine has: WeasyPrint draws an empty box with a private glyph number, which
        # PDF readers (pypdf among them) fail to map back to text, losing the text of the whole font on the page.
        # Drawn once more with U+FFFD in their place, the page stays readable.
        pdf, _ = _write(html.translate(dict.fromkeys(missing, "\ufffd")), label, created_at)
    return pdf


def _write(html: str, label: str, created_at: datetime) -> tuple[bytes, set[int]]:
    """The PDF of ``html`` and the code points WeasyPrint found no glyph for."""
    engine = _engine()
    missing = _missing_glyphs.collect()
    try:
        document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=engine.fetcher).render(
            stylesheets=[*engine.stylesheets, engine.footer()], font_config=engine.fonts
        )
        metadata = document.metadata
        metadata.title = label
        metadata.authors = []
        metadata.description = None
        metadata.keywords = []
        metadata.generator = "sikom"
        metadata.created = metadata.modified = created_at.astimezone(TIME_ZONE).isoformat(timespec="seconds")
        metadata.lang = translation.get_language() or settings.LANGUAGE_CODE
        return document.write_pdf(pdf_identifier=_identifier(label, created_at), finisher=_producer), missing
    except FatalURLFetchingError as error:
        # WeasyPrint's error is a BaseException, which would pass by Django's error handling.
        raise DocumentResourceRefused(str(error.__cause__ or error)) from error


class _MissingGlyphs(logging.Filter):
    """Takes WeasyPrint's ».notdef glyph rendered« warnings (``render_pdf`` replaces those characters and draws the
    document again) and collects their code points for the thread that is drawing."""

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    def collect(self) -> set[int]:
        self._local.code_points = set()
        return self._local.code_points

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(".notdef glyph"):
            return True
        code_points = getattr(self._local, "code_points", None)
        if code_points is not None:
            code_points.add(record.args[-1])
        return False


_missing_glyphs = _MissingGlyphs()
_weasyprint_log = logging.getLogger("weasyprint")
_weasyprint_log.addFilter(_missing_glyphs)


# Control characters other than tab and line breaks: Pango draws them as boxes without a text mapping, which leaves
# the page's text unreadable to search and copy. Vertical tab, form feed, NEL and the line separator are line breaks
# as typed. The same holds for the private use planes 15 and 16 (no font has them): they become U+FFFD.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]),
    **dict.fromkeys([0x0B, 0x0C, 0x85, 0x2028], "\n"),
}
_PRIVATE_PLANES = re.compile("[\U000f0000-\U0010ffff]")
# WeasyPrint lays out a paragraph line by line; where the rest of a paragraph offers no break opportunity it lays out
# all of it for every line, so one 20,000-character word took 6.5 s. A zero-width space after every 40 characters of
# a run gives it one (20,000 characters: 0.3 s); the run still wraps where it must and reads unchanged. Only text
# between tags, outside style sheets and character references.
_STYLE_ELEMENT = re.compile(r"(<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)
_TEXT_NODE = re.compile(r">([^<]+)<")
_LONG_RUN = re.compile(r"[^\s&;]{40}(?=[^\s&;])")


def _drawable(text: str) -> str:
    """``text`` as WeasyPrint can draw it with a text layer: see ``_CONTROLS``; lone surrogates (possible in a str,
    not in UTF-8) become U+FFFD."""
    text = _PRIVATE_PLANES.sub("\ufffd", text.translate(_CONTROLS))
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _breakable(html: str) -> str:
    """``html`` with a zero-width space after every 40 characters of a long run in its text (see ``_LONG_RUN``)."""
    parts = _STYLE_ELEMENT.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = _TEXT_NODE.sub(lambda text: ">" + _LONG_RUN.sub("\\g<0>\u200b", text[1]) + "<", parts[index])
    return "".join(parts)


def _identifier(label: str, created_at: datetime) -> bytes:
    # The file identifier would otherwise be derived from the output in a way that differs between runs.
    return hashlib.sha256(f"{label}\n{created_at.isoformat()}".encode()).hexdigest()[:32].encode()


def _producer(document, pdf) -> None:
    # WeasyPrint names itself and its version as producer; a document needs to name no software version.
    pdf.info["Producer"] = String("sikom")

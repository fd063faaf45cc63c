"""One PDF written as a stream, page by page, with memory bounded by a page (decision 0031): serial letters for
10,000 addresses are one file without holding 10,000 laid-out pages.

``PdfStream`` writes objects to ``out`` as they come and keeps only their offsets. Pages come from two sources:

- ``copy_pages(pdf_bytes)``: every page of a PDF made by ``core.documents.render_pdf`` (WeasyPrint), its objects
  renumbered and copied (read with pypdf);
- ``form_from_page(pdf_bytes)`` once, then ``add_page(content, forms=…)`` for each letter: a page that draws the
  common part (a WeasyPrint page turned into a form XObject, written once) and, on top, its own few lines of text
  and vector shapes from ``Canvas`` — in the PDF standard font Helvetica, whose WinAnsi encoding covers German and
  Western European names; text outside it (``Canvas.fits``) is the caller's cue to lay that letter out with
  WeasyPrint instead.
"""

import io
import zlib
from collections.abc import Iterable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

MM = 72 / 25.4  # PDF points per millimetre
A4 = (595.276, 841.89)
FONT_NAME = "/SikomHelv"
_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_HELVETICA_BOLD = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _num(value: float) -> bytes:
    return (f"{value:.3f}".rstrip("0").rstrip(".") or "0").encode()


class Canvas:
    """The variable part of one page: lines of text and filled rectangles, coordinates in mm from the top left."""

    def __init__(self) -> None:
        self._ops: list[bytes] = []

    @staticmethod
    def fits(text: str) -> bool:
        """Whether Helvetica (WinAnsi) can draw the text."""
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return not any(ord(char) < 32 for char in text)

    def text(self, x_mm: float, y_mm: float, text: str, *, size: float = 10, bold: bool = False) -> None:
        """One line whose baseline is `y_mm` below the top edge."""
        font = b"/SikomHelvB" if bold else FONT_NAME.encode()
        x, y = x_mm * MM, A4[1] - y_mm * MM
        self._ops.append(b"BT " + font + b" " + _num(size) + b" Tf " + _num(x) + b" " + _num(y) + b" Td ")
        self._ops.append(_pdf_string(text) + b" Tj ET\n")

    def modules(self, x_mm: float, y_mm: float, matrix: Iterable[Iterable[int]], *, size_mm: float) -> None:
        """A QR code's dark modules as filled rectangles (runs of a row joined), `size_mm` wide and high. Drawn in a
        coordinate system of one unit per module, so every number written is a small integer."""
        rows = [bytes(row) for row in matrix]
        if not rows:
            return
        cell = size_mm * MM / len(rows)
        left, top = x_mm * MM, A4[1] - y_mm * MM
        ops = [b"q 0 g " + _num(cell) + b" 0 0 " + _num(-cell) + b" " + _num(left) + b" " + _num(top) + b" cm\n"]
        for r, row in enumerate(rows):
            c, width = 0, len(row)
            while c < width:
                start = row.find(1, c)
                if start < 0:
                    break
                end = row.find(0, start)
                end = width if end < 0 else end
                ops.append(b"%d %d %d 1 re\n" % (start, r, end - start))
                c = end
        ops.append(b"f Q\n")
        self._ops.extend(ops)

    def content(self) -> bytes:
        return b"".join(self._ops)


class PdfStream:
    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offsets: dict[int, int] = {}
        self._position = 0
        self._next = 3  # 1: catalog, 2: page tree
        self._pages: list[int] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._font = self._write_new(_HELVETICA)
        self._font_bold = self._write_new(_HELVETICA_BOLD)

    # Low level

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def _allocate(self) -> int:
        number = self._next
        self._next += 1
        return number

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _write_new(self, body: bytes) -> int:
        number = self._allocate()
        self._object(number, body)
        return number

    def _stream(self, dictionary: bytes, data: bytes) -> bytes:
        packed = zlib.compress(data, 6)
        return (
            b"<< "
            + dictionary
            + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
            + packed
            + (b"\nendstream")
        )

    # Copying objects of another PDF

    def _copier(self, reader: PdfReader):
        numbers: dict[int, int] = {}
        queue: list[tuple[int, int]] = []

        def ref(idnum: int) -> int:
            if idnum not in numbers:
                numbers[idnum] = self._allocate()
                queue.append((idnum, numbers[idnum]))
            return numbers[idnum]

        def emit(obj: PdfObject, skip: frozenset = frozenset()) -> bytes:
            if isinstance(obj, IndirectObject):
                return b"%d 0 R" % ref(obj.idnum)
            if isinstance(obj, StreamObject):
                entries = b" ".join(
                    NameObject(key).encode() + b" " + emit(value)
                    for key, value in obj.items()
                    if key not in ("/Length", *skip)
                )
                data = obj._data  # the bytes as stored, with their /Filter
                return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
            if isinstance(obj, DictionaryObject):
                entries = b" ".join(
                    NameObject(key).encode() + b" " + emit(value) for key, value in obj.items() if key not in skip
                )
                return b"<< " + entries + b" >>"
            if isinstance(obj, ArrayObject):
                return b"[ " + b" ".join(emit(item) for item in obj) + b" ]"
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            return buffer.getvalue()

        def flush() -> None:
            while queue:
                idnum, number = queue.pop()
                self._object(number, emit(reader.get_object(idnum)))

        return emit, flush

    def copy_pages(self, pdf: bytes) -> int:
        """Append every page of `pdf`; returns how many."""
        reader = PdfReader(io.BytesIO(pdf))
        emit, flush = self._copier(reader)
        count = 0
        for page in reader.pages:
            number = self._allocate()
            body = emit(page, skip=frozenset({"/Parent"}))
            self._object(number, body[:-2] + b" /Parent 2 0 R >>")
            self._pages.append(number)
            flush()
            count += 1
        return count

    def form_from_page(self, pdf: bytes) -> int:
        """The first page of `pdf` as a form XObject (written once, drawn on many pages); returns its number."""
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        emit, flush = self._copier(reader)
        resources = emit(page.get("/Resources", DictionaryObject()))
        box = page.mediabox
        bbox = b"[ %s %s %s %s ]" % tuple(_num(float(value)) for value in (box.left, box.bottom, box.right, box.top))
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        number = self._allocate()
        self._object(
            number, self._stream(b"/Type /XObject /Subtype /Form /BBox " + bbox + b" /Resources " + resources, data)
        )
        flush()
        return number

    # Pages of our own

    def add_page(self, content: bytes, *, forms: dict[str, int]) -> None:
        """An A4 page drawing the named forms (at the origin) and then `content` (from ``Canvas.content``)."""
        draw = b"".join(b"q /" + name.encode() + b" Do Q\n" for name in forms)
        stream = self._allocate()
        self._object(stream, self._stream(b"", draw + content))
        xobjects = b" ".join(b"/" + name.encode() + b" %d 0 R" % number for name, number in forms.items())
        fonts = FONT_NAME.encode() + b" %d 0 R /SikomHelvB %d 0 R" % (self._font, self._font_bold)
        page = self._allocate()
        self._object(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 %s %s ] /Contents %d 0 R /Resources << /Font << %s >> "
            b"/XObject << %s >> >> >>" % (_num(A4[0]), _num(A4[1]), stream, fonts, xobjects),
        )
        self._pages.append(page)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def close(self, *, title: str = "") -> None:
        """Write the page tree, the catalog, the cross-reference table and the trailer."""
        kids = b" ".join(b"%d 0 R" % number for number in self._pages)
        self._object(2, b"<< /Type /Pages /Kids [ " + kids + b" ] /Count %d >>" % len(self._pages))
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        info = self._allocate()
        self._object(info, b"<< /Title " + _pdf_string(title or "sikom") + b" /Producer (sikom) >>")
        xref = self._position
        size = self._next
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self._offsets.get(number)
            lines.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, info, xref))

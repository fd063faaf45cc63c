"""The shared PDF document: footer label, blocks, text cleaning and formatting. The receipt's own tests
(reports/tests/test_receipt_pdf.py) cover the rest through the receipt."""

import hashlib
import io
import logging
import re
import warnings
from datetime import UTC, date, datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from sikom.core.pdf import Document, EvidenceItem, clean, clean_mono, format_date, format_datetime


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


def texts(document: Document) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(document.output())).pages]


def normalised(text: str) -> str:
    return " ".join(text.split())


def item(number: int, name: str = "Foto.png") -> EvidenceItem:
    return EvidenceItem(
        name=name,
        size=900,
        sha256=hashlib.sha256(str(number).encode()).hexdigest(),
        uploaded_at=datetime(2026, 11, 21, 13, 5, tzinfo=UTC),
    )


def test_footer_and_metadata_carry_the_label():
    document = Document("Dossier SK-2026-000007")
    document.title_block("Dossier", "Plattform", "SK-2026-000007", [("Erstellt am", "heute"), ("Stand", "jetzt")])
    pdf = PdfReader(io.BytesIO(document.output()))
    text = normalised(pdf.pages[0].extract_text())
    assert "Dossier SK-2026-000007 Seite 1 von 1" in text
    assert "Fallnummer SK-2026-000007 Erstellt am heute Stand jetzt" in text
    assert pdf.metadata.title == "Dossier SK-2026-000007"
    assert pdf.metadata.author is None
    assert pdf.metadata.creator == "sikom"


def test_label_and_number_are_reduced_to_one_line():
    document = Document("Dossier\nSK-1\u202e 😀")
    document.title_block("T", "S", "SK-\n1", number_label="Aktenzeichen")
    text = normalised(texts(document)[0])
    assert document.label == "Dossier SK-1 ?"
    assert "Aktenzeichen SK- 1" in text


def test_blocks_render_in_order():
    document = Document("Test")
    document.heading("Überschrift")
    document.section("Abschnitt", [("Feld", "Wert"), ("Leer", "  ")], level=2)
    document.entry(
        "21.11.2026 · Absender", "Der Text\nin zwei Zeilen", details=["Stelle: X", ""], marker="interne Notiz"
    )
    document.entry("Ohne Text")
    document.paragraph("Schluss", bold=True, space_before=3)
    text = normalised(texts(document)[0])
    assert (
        "Überschrift Abschnitt Feld Wert Leer – interne Notiz 21.11.2026 · Absender Stelle: X "
        "Der Text in zwei Zeilen Ohne Text Schluss"
    ) in text


def test_evidence_texts_are_configurable_and_checksums_complete():
    document = Document("Test")
    document.evidence([item(1), item(2)], heading="Dateien", explanation="Nicht eingebettet.")
    document.evidence([], heading="Nachgereicht", empty="Nichts nachgereicht.")
    text = normalised(texts(document)[0])
    assert "Dateien Nicht eingebettet. Nr. Dateiname Größe Hochgeladen" in text
    assert "Nachgereicht Nichts nachgereicht." in text
    compact = re.sub(r"\s+", "", text)
    assert item(1).sha256 in compact and item(2).sha256 in compact


def test_more_than_nine_pages_keep_the_footer_total_in_its_space(caplog):
    document = Document("Lang")
    for number in range(400):
        document.entry(f"Eintrag {number}", "Text " * 30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fpdf2 warns when the total is wider than the space reserved for it
        pages = texts(document)
    assert len(pages) >= 10
    assert document.page_count == len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Lang Seite {number} von {len(pages)}" in normalised(page)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Budys\u030cin", "Budyšin"),
        ("a\r\nb\rc\u2028d", "a\nb\nc\nd"),
        ("\x00\x1b\u200b\u202eok\u202c", "ok"),
        ("😀👍🏽", "??"),
        ("Stufe 2 → 3 ⇒ akut", "Stufe 2 -> 3 => akut"),
        ("\ue000{nb}", "?{nb}"),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_any_text_in_any_block_renders_without_missing_glyphs(caplog):
    value = "Emoji 😀 \x00 \ud800 \ue000 中文 العربية 𝔘 \u202e → " + "x" * 3000
    document = Document(value)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        document.title_block(value, value, value, [(value, value)], note=value)
        document.section(value, [(value, value)])
        document.entry(value, value, details=[value], marker=value)
        document.evidence([item(1, name=value)], heading=value, explanation=value)
        assert texts(document)
    assert not [record for record in caplog.records if "missing" in record.getMessage()]


def test_clean_mono_keeps_printable_ascii_only():
    assert clean_mono("abc 09~") == "abc 09~"
    assert clean_mono("ä\n😀") == "???"


def test_dates_in_berlin_time():
    assert format_date(date(2026, 1, 2)) == "02.01.2026"
    assert format_date(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02.07.2026"
    assert format_datetime(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02.07.2026, 00:30 Uhr"


def test_evidence_items_need_aware_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        EvidenceItem(name="x", size=1, sha256="0", uploaded_at=datetime(2026, 1, 1))  # naive on purpose

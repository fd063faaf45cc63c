"""The PDF receipt: what a reporter can read in it, that any text renders, and what must never be in it."""

import dataclasses
import hashlib
import io
import logging
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from sikom.intake.receipt_pdf import (
    ReceiptData,
    ReceiptEvidence,
    format_datetime,
    format_size,
    render_receipt_pdf,
)

CASE_NUMBER = "SK-2026-000123"
# 13:05 UTC in November is 14:05 in Berlin (CET).
SUBMITTED_AT = datetime(2026, 11, 21, 13, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _german():
    # The receipt follows the active language; these tests read the German text.
    with translation.override("de"):
        yield


def evidence(number: int, name: str | None = None, size: int = 2_000_000) -> ReceiptEvidence:
    return ReceiptEvidence(
        name=name or f"Drohbrief_{number:02d}.jpg",
        size=size,
        sha256=hashlib.sha256(f"file {number}".encode()).hexdigest(),
        uploaded_at=datetime(2026, 11, 21, 13, 10 + number, tzinfo=UTC),
    )


def receipt(**changes) -> ReceiptData:
    data = ReceiptData(
        case_number=CASE_NUMBER,
        submitted_at=SUBMITTED_AT,
        sections=[
            (
                "Angaben zum Vorfall",
                [
                    ("Art des Vorfalls", "Bedrohung per E-Mail"),
                    ("Beschreibung", "Die Nachricht lautete »Wir wissen, wo Sie wohnen«.\nZweite Zeile – „Grüße“."),
                ],
            ),
            ("Ort", [("Gemeinde", "Bautzen / Budyšin"), ("Ortsteil", "Großpostwitz")]),
        ],
        evidence=[evidence(1), evidence(2, size=512 * 1024)],
    )
    return dataclasses.replace(data, **changes)


def pdf_reader(data: ReceiptData) -> PdfReader:
    return PdfReader(io.BytesIO(render_receipt_pdf(data)))


def page_texts(data: ReceiptData) -> list[str]:
    return [page.extract_text() for page in pdf_reader(data).pages]


def normalised(text: str) -> str:
    # Extraction turns line wrapping and word spacing into arbitrary whitespace.
    return " ".join(text.split())


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_receipt_states_case_number_time_and_where_the_code_is():
    text = normalised("\n".join(page_texts(receipt())))
    assert "Eingangsbestätigung" in text
    assert "Plattform »Sichere Kommunen« (sikom)" in text
    assert CASE_NUMBER in text
    assert "Eingegangen am 21.11.2026, 14:05 Uhr" in text
    assert (
        "Bewahren Sie diese Bestätigung und Ihren Zugangscode sicher auf. "
        "Der Zugangscode steht aus Sicherheitsgründen nicht in diesem Dokument." in text
    )
    assert "In akuter Gefahr: Polizei-Notruf 110" in text
    assert "Seite 1 von 1" in text


def test_times_are_shown_in_berlin_time_across_daylight_saving():
    assert format_datetime(datetime(2026, 11, 21, 13, 5, tzinfo=UTC)) == "21.11.2026, 14:05 Uhr"
    assert format_datetime(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02.07.2026, 00:30 Uhr"
    text = normalised(page_texts(receipt(submitted_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC)))[0])
    assert "Eingegangen am 02.07.2026, 00:30 Uhr" in text


def test_sections_show_every_label_and_value():
    text = normalised("\n".join(page_texts(receipt())))
    for heading in ("Angaben zum Vorfall", "Ort"):
        assert heading in text
    for label, value in [
        ("Art des Vorfalls", "Bedrohung per E-Mail"),
        ("Gemeinde", "Bautzen / Budyšin"),
        ("Ortsteil", "Großpostwitz"),
    ]:
        assert f"{label} {value}" in text
    assert "Die Nachricht lautete »Wir wissen, wo Sie wohnen«." in text
    assert "Zweite Zeile – „Grüße“." in text


def test_evidence_table_lists_each_file_with_full_checksum():
    files = [evidence(1), evidence(2, size=512 * 1024), evidence(3, name="Sprachnachricht_Ärger.ogg", size=900)]
    text = normalised("\n".join(page_texts(receipt(evidence=files))))
    assert "Beweismittel" in text
    for heading in ("Nr.", "Dateiname", "Größe", "Hochgeladen"):
        assert heading in text
    for item in files:
        assert item.name in text
        # The checksum must be complete: a shortened one proves nothing.
        assert item.sha256 in compact(text)
    assert "1,9 MB" in text
    assert "512 KB" in text
    assert "900 Byte" in text
    assert "21.11.2026, 14:11 Uhr" in text


def test_receipt_without_evidence_says_so():
    text = normalised(page_texts(receipt(evidence=[], sections=[]))[0])
    assert "Beweismittel Es wurden keine Dateien hochgeladen." in text


def test_long_text_and_many_files_run_over_several_pages():
    words = "Heute früh stand wieder jemand vor dem Rathaus und hat mich beschimpft. "
    long_text = (words * (20_000 // len(words) + 1))[:19_990] + " ENDE-TEXT"
    assert len(long_text) == 20_000
    files = [evidence(number, name=f"Beweisfoto_{number:02d}_" + "x" * (number * 8) + ".png") for number in range(10)]
    data = receipt(
        sections=[("Angaben zum Vorfall", [("Beschreibung", long_text), ("Absatz", "eins\n\nzwei\r\ndrei")])],
        evidence=files,
    )
    texts = page_texts(data)
    total = len(texts)
    assert total >= 4
    for number, page_text in enumerate(texts, start=1):
        assert f"Seite {number} von {total}" in normalised(page_text)
    everything = "\n".join(texts)
    # Without the footers the text reads on from page to page, complete to its last word.
    body = re.sub(rf"Eingangsbestätigung {CASE_NUMBER}\s*Seite \d+ von \d+", "", everything)
    assert compact(long_text) in compact(body)
    for item in files:
        assert item.sha256 in compact(everything)
        assert item.name in compact(everything)
    assert "In akuter Gefahr: Polizei-Notruf 110" in normalised(texts[-1])


def test_sorbian_and_typographic_characters_are_kept():
    sorbian = "Serbšćina: č ć ł ń ó ř š ź ž Č Ć Ł Ń Ó Ř Š Ź Ž ě Ě"
    # The same letter typed as base letter plus combining caron is drawn as the one letter.
    decomposed = "Budys\u030cin"
    data = receipt(sections=[("Serbsce", [("Tekst", sorbian), ("Město", decomposed)])])
    text = unicodedata.normalize("NFC", normalised("\n".join(page_texts(data))))
    assert sorbian in text
    assert "Budyšin" in text


@pytest.mark.parametrize(
    "value",
    [
        "Emoji 😀👍🏽👨‍👩‍👧 und ❤️ im Text",
        "Steuerzeichen \x00\x07\x1b[31m und \ufeff\u200b\u202eGegenrichtung\u202c",
        "Einzelnes Surrogat \ud800 und privat \ue000\U000f0000",
        "中文 العربية עברית हिन्दी ไทย 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "x" * 5_000,
        "Zeilen\u2028trenner\u2029und\x85mehr\x0bund\x0cSeitenvorschub\ttab",
        '<img src="https://example.org/x.png"><style>@import url(https://example.org/x.css)</style>',
        "",
        "   \n\n  ",
    ],
)
def test_any_text_renders_without_error(value, caplog):
    files = [evidence(1, name=value or "leer"), dataclasses.replace(evidence(2), sha256=value or "kein Hash")]
    data = receipt(
        case_number=f"SK-{value[:20]}",
        sections=[(value, [(value, value), ("Nach dem Wert", "weiter")])],
        evidence=files,
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        texts = page_texts(data)
    assert texts
    assert "Nach dem Wert weiter" in normalised("\n".join(texts))
    assert "In akuter Gefahr: Polizei-Notruf 110" in normalised(texts[-1])
    # WeasyPrint warned about nothing: no URL was fetched, no CSS came from the text.
    assert not caplog.records


def test_user_markup_stays_text_and_characters_without_a_font_become_replacement_characters():
    data = receipt(sections=[("Nachricht", [("Inhalt", "Achtung 中 bitte <b>nicht</b> fett")])])
    text = normalised("\n".join(page_texts(data)))
    # A machine with a Chinese font draws the character; without one it becomes U+FFFD, and the page stays readable.
    assert "Achtung 中 bitte <b>nicht</b> fett" in text or "Achtung \ufffd bitte <b>nicht</b> fett" in text


def test_literal_placeholders_in_user_text_stay_as_typed():
    data = receipt(sections=[("Nachricht", [("Inhalt", "Betreff {nb} und {NB} und %(page)s")])])
    assert "Betreff {nb} und {NB} und %(page)s" in normalised(page_texts(data)[0])


def test_metadata_names_the_receipt_but_no_person():
    metadata = pdf_reader(receipt()).metadata
    assert metadata.title == f"Eingangsbestätigung {CASE_NUMBER}"
    assert metadata.creator == "sikom"
    assert metadata.producer == "sikom"
    assert metadata.author is None
    assert metadata.subject is None
    # The creation date is the time the report arrived, not the time of the download.
    assert metadata.creation_date == SUBMITTED_AT


def test_api_cannot_carry_the_receipt_code():
    # The receipt code opens the case; the PDF gets printed and forwarded, so the renderer must not even receive it.
    secret_like = re.compile(r"code|secret|token|pass|pin|key", re.IGNORECASE)
    for cls in (ReceiptData, ReceiptEvidence):
        names = [field.name for field in dataclasses.fields(cls)]
        assert not [name for name in names if secret_like.search(name)], (cls, names)


def test_naive_datetimes_are_refused_when_the_data_is_built():
    with pytest.raises(ValueError, match="timezone-aware"):
        receipt(submitted_at=datetime(2026, 11, 21, 14, 5))  # naive on purpose
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(evidence(1), uploaded_at=datetime(2026, 11, 21, 14, 5))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 Byte"),
        (1023, "1023 Byte"),
        (1024, "1 KB"),
        (512 * 1024, "512 KB"),
        (1024 * 1024 - 1, "1,0 MB"),
        (2_000_000, "1,9 MB"),
        (250 * 1024**2, "250,0 MB"),
        (3 * 1024**3, "3,0 GB"),
    ],
)
def test_sizes_are_shown_the_german_way(size, expected):
    assert format_size(size) == expected


def test_sizes_follow_the_active_language():
    with translation.override("en"):
        assert format_size(2_000_000) == "1.9 MB"


def test_the_same_receipt_gives_the_same_bytes():
    data = receipt()
    assert render_receipt_pdf(data) == render_receipt_pdf(data)
    later = dataclasses.replace(data, submitted_at=SUBMITTED_AT.replace(minute=6))
    assert render_receipt_pdf(later) != render_receipt_pdf(data)

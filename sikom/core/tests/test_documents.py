"""The document engine: footer label and page numbers, the shared blocks, metadata, reproducible bytes, any text
rendering, and that no text can make a document load anything but the platform's static files. The receipt's and the
dossier's own tests (reports/tests/test_receipt_pdf.py, cases/tests/test_dossier.py) cover their contents."""

import hashlib
import io
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from sikom.core.documents import (
    STATIC_BASE,
    DocumentResourceRefused,
    Entry,
    EvidenceItem,
    StaticFilesOnly,
    format_date,
    format_datetime,
    render_pdf,
)

CREATED = datetime(2026, 11, 21, 13, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _german_and_test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [Path(__file__).parent / "templates"]}]
    with translation.override("de"):
        yield


def render(label: str = "Test", **context) -> bytes:
    return render_pdf("core_tests/sample.html", context, label=label, created_at=CREATED)


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


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
    head = {"title": "Dossier", "number": "SK-2026-000007", "meta_rows": [("Erstellt am", "heute"), ("Stand", "jetzt")]}
    pdf = PdfReader(io.BytesIO(render("Dossier SK-2026-000007", head=head)))
    text = normalised(pdf.pages[0].extract_text())
    assert "Dossier SK-2026-000007 Seite 1 von 1" in text
    assert "Fallnummer SK-2026-000007 Erstellt am heute Stand jetzt" in text
    assert pdf.metadata.title == "Dossier SK-2026-000007"
    assert pdf.metadata.author is None
    assert pdf.metadata.subject is None
    # Neither a person nor the software's name and version.
    assert pdf.metadata.creator == "sikom"
    assert pdf.metadata.producer == "sikom"
    assert pdf.metadata.creation_date == CREATED


def test_label_is_reduced_to_one_line_and_the_number_label_can_change():
    head = {"title": "T", "number": "SK-\n1", "number_label": "Aktenzeichen"}
    pdf = render("Dossier\nSK-1  x", head=head)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Dossier SK-1 x"
    text = normalised(texts(pdf)[0])
    assert "Aktenzeichen SK- 1" in text
    assert "Dossier SK-1 x Seite 1 von 1" in text


def test_blocks_render_in_order():
    pdf = render(
        sections=[("Abschnitt", [("Feld", "Wert"), ("Leer", "  ")])],
        entries=[
            Entry("21.11.2026 · Absender", "Der Text\nin zwei Zeilen", ["Stelle: X", ""], "interne Notiz"),
            Entry("Ohne Text"),
        ],
        closing="Schluss",
    )
    text = normalised(texts(pdf)[0])
    assert (
        "Abschnitt Feld Wert Leer – interne Notiz 21.11.2026 · Absender Stelle: X "
        "Der Text in zwei Zeilen Ohne Text Schluss"
    ) in text


def test_evidence_texts_are_configurable_and_checksums_complete():
    pdf = render(
        evidence_tables=[
            {"heading": "Dateien", "items": [item(1), item(2)], "explanation": "Nicht eingebettet."},
            {"heading": "Nachgereicht", "items": [], "empty": "Nichts nachgereicht."},
        ]
    )
    text = normalised(texts(pdf)[0])
    assert "Dateien Nicht eingebettet. Nr. Dateiname Größe Hochgeladen" in text
    assert "Nachgereicht Nichts nachgereicht." in text
    compact = re.sub(r"\s+", "", text)
    assert item(1).sha256 in compact and item(2).sha256 in compact


def test_every_page_of_a_long_document_has_its_footer_and_total():
    pages = texts(render("Lang", entries=[Entry(f"Eintrag {number}", "Text " * 30) for number in range(400)]))
    assert len(pages) >= 10
    for number, page in enumerate(pages, start=1):
        assert f"Lang Seite {number} von {len(pages)}" in normalised(page)


def test_the_same_data_gives_the_same_bytes():
    first = render("Test", closing="Schluss")
    assert render("Test", closing="Schluss") == first
    assert render("Test", closing="Schluss!") != first


def test_the_creation_date_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        render_pdf("core_tests/sample.html", {}, label="x", created_at=datetime(2026, 1, 1))  # naive on purpose


HOSTILE = [
    "Emoji 😀👍🏽👨‍👩‍👧 und ❤️ im Text",
    "Steuerzeichen \x00\x07\x1b[31m und \ufeff\u200b\u202eGegenrichtung\u202c",
    "Einzelnes Surrogat \ud800 und privat \ue000\U000f0000 und {nb}",
    "中文 العربية עברית हिन्दी ไทย 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u202eRechts nach links ohne Ende",
    "x" * 5_000,
    "Zeilen\u2028trenner\u2029und\x85mehr\x0bund\x0cSeitenvorschub\ttab\r\n",
    '<img src="https://example.org/x.png"> <link rel="stylesheet" href="https://example.org/x.css">',
    "<style>@import url(https://example.org/x.css); body { display: none }</style>",
    "</p></td></tr></table><h1>Eingeschleust</h1><!--",
    "a { background: url(http://example.org/y.png) } @font-face { src: url(file:///etc/passwd) }",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_any_text_in_any_block_renders_and_loads_nothing(value, monkeypatch, caplog):
    fetched = []
    fetch = StaticFilesOnly.fetch
    monkeypatch.setattr(
        StaticFilesOnly, "fetch", lambda self, url, headers=None: fetched.append(url) or fetch(self, url)
    )
    head = {"title": value, "number": value, "meta_rows": [(value, value)], "note": value, "number_label": value}
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render(
            value,
            head=head,
            sections=[(value, [(value, value), ("Nach dem Wert", "weiter")])],
            entries=[Entry(value, value, [value], value)],
            evidence_tables=[{"heading": value, "items": [item(1, name=value)], "explanation": value}],
            closing="Ende des Dokuments",
        )
    everything = normalised("\n".join(texts(pdf)))
    assert "Nach dem Wert weiter" in everything
    assert "Ende des Dokuments" in everything
    assert item(1).sha256 in re.sub(r"\s+", "", everything)
    assert not [url for url in fetched if not url.startswith(STATIC_BASE)]
    # WeasyPrint warned about nothing: no URL was fetched, no CSS came from the text.
    assert not caplog.records


def test_markup_and_long_words_in_user_text_stay_text():
    word = "Unterschriftenberechtigungsnachweis" * 40
    markup = '<b>fett</b> <img src="https://example.org/x.png"> url(https://example.org/y)'
    text = re.sub(r"\s+", "", "".join(texts(render(sections=[("Eingabe", [("Markup", markup), ("Wort", word)])]))))
    assert re.sub(r"\s+", "", markup) in text
    assert word in text


def test_a_very_long_word_renders_complete():
    # The longest description a report may have, as one word: drawn in well under a second (decision 0018).
    word = "Bedrohung" * 2_222
    pages = texts(render("Lang", sections=[("Eingabe", [("Beschreibung", word), ("Danach", "x")])]))
    # Without the footers the word reads on from page to page, complete.
    text = re.sub(r"LangSeite\d+von\d+", "", re.sub(r"\s+", "", "".join(pages)))
    assert word + "Danachx" in text


def test_right_to_left_text_keeps_its_letters():
    text = normalised(texts(render(sections=[("Eingabe", [("Arabisch", "مرحبا بالعالم"), ("Danach", "links")])]))[0])
    assert "Danach links" in text
    assert all(letter in text for letter in "مرحبا")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/font.woff2",
        "http://static.sikom.invalid/core/documents.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        STATIC_BASE + "../../../etc/passwd",
        STATIC_BASE + "core/%2e%2e/%2e%2e/settings.py",
        STATIC_BASE + "kein/solches/bild.png",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(DocumentResourceRefused):
        StaticFilesOnly().fetch(url)


def test_the_fetcher_reads_static_files_from_disk():
    response = StaticFilesOnly().fetch(STATIC_BASE + "kern/fonts/fira-sans/FiraSans-Regular.woff2")
    assert response.read()[:4] == b"wOF2"
    assert response.content_type == "font/woff2"


def test_a_template_asking_for_an_external_url_fails_loudly(settings, tmp_path):
    (tmp_path / "external.html").write_text(
        '{% extends "core/documents/base.html" %}{% block content %}<img src="https://example.org/x.png">{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(DocumentResourceRefused, match=r"example\.org"):
        render_pdf("external.html", {}, label="x", created_at=CREATED)


def test_page_footer_follows_the_language():
    with translation.override("en"):
        text = normalised(texts(render("Receipt"))[0])
    assert "Receipt Page 1 of 1" in text


def test_dates_in_berlin_time():
    assert format_date(date(2026, 1, 2)) == "02.01.2026"
    assert format_date(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02.07.2026"
    assert format_datetime(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02.07.2026, 00:30 Uhr"


def test_evidence_items_need_aware_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        EvidenceItem(name="x", size=1, sha256="0", uploaded_at=datetime(2026, 1, 1))  # naive on purpose

import base64
import hashlib
import json
import os
import random
import stat
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Iterable, Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from moto import mock_aws

from sikom.core.crypto import StreamEncryptor
from sikom.reports import evidence
from sikom.reports.evidence import (
    MAX_FILE_BYTES,
    MAX_FILES,
    EvidenceRejected,
    EvidenceUploadHandler,
    StoredEvidence,
    delete_evidence_file,
    delete_orphans,
    detect_type,
    open_evidence,
)

KEY = base64.urlsafe_b64encode(b"E" * 32).decode()
ALLOWED = "Erlaubt sind Fotos (JPEG, PNG, WebP, HEIC), PDF, E-Mails (.eml) und Textdateien."


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path) -> Path:
    root = tmp_path / "evidence"
    settings.EVIDENCE_ROOT = root
    settings.ENCRYPTION_KEYS = [KEY]
    return root


# Samples, built as the real formats begin


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1 pixel, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) + b"\xff\xd9"
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f\x00\x00\x00\x10" + bytes(9)
HEIC = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + struct.pack(">I", 8) + b"meta"
HEIF_COMPATIBLE_ONLY = struct.pack(">I", 28) + b"ftypmsf1\x00\x00\x00\x00isomhevcmsf1" + bytes(8)
AVIF = struct.pack(">I", 32) + b"ftypavif\x00\x00\x00\x00avifmif1miafMA1B" + bytes(8)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256))
EML = (
    "Return-Path: <absender@example.org>\r\n"
    "Received: from mail.example.org by mx.example.de; Mon, 3 Mar 2025 10:00:00 +0100\r\n"
    "From: Unbekannt <absender@example.org>\r\n"
    "To: buergermeisterin@gemeinde.example\r\n"
    "Subject: =?utf-8?q?Wir_wissen_wo_Sie_wohnen?=\r\n"
    "Date: Mon, 3 Mar 2025 09:59:58 +0100\r\n"
    "Message-ID: <1234@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain;\r\n"
    "\tcharset=utf-8\r\n"
    "\r\n"
    "Drohender Text mit Umlauten: äöü.\r\n"
).encode()
TEXT_UTF8 = "Protokoll: Am Montag stand jemand vor dem Bürgerbüro in Görlitz und drohte.\n".encode()
TEXT_LATIN1 = "Notiz: Grüße aus Löbau, Straße der Freundschaft 5.\r\n".encode("latin-1")
TEXT_CP1252 = "„Wir kommen wieder“ – so stand es am Tor.\r\n".encode("cp1252")


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (JPEG, "foto.jpg", "image/jpeg"),
        (JPEG, "IMG_0001.JPEG", "image/jpeg"),
        (png(), "screenshot.png", "image/png"),
        (WEBP, "bild.webp", "image/webp"),
        (HEIC, "IMG_4711.HEIC", "image/heic"),
        (HEIF_COMPATIBLE_ONLY, "serie.heif", "image/heic"),
        (PDF, "anzeige.pdf", "application/pdf"),
        (b"\n\n%PDF-1.4\n" + bytes(100), "mit-vorlauf.pdf", "application/pdf"),
        (EML, "drohung.eml", "message/rfc822"),
        (b"From - Mon Mar  3 10:00:00 2025\n" + EML, "thunderbird.eml", "message/rfc822"),
        (TEXT_UTF8, "protokoll.txt", "text/plain"),
        (b"\xef\xbb\xbf" + TEXT_UTF8, "mit-bom.txt", "text/plain"),
        (TEXT_LATIN1, "notiz.txt", "text/plain"),
        (TEXT_CP1252, "windows.txt", "text/plain"),
        (EML, "mail-als-text.txt", "message/rfc822"),
        # By content, not by name: other or missing extensions do not matter, and photos may be misnamed as photos.
        (png(), "foto.jpg", "image/png"),
        (HEIC, "vom-handy.jpg", "image/heic"),
        (JPEG, "ohne-endung", "image/jpeg"),
        (PDF, "scan.PDF.download", "application/pdf"),
        (TEXT_UTF8, "chatverlauf.log", "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_content(content, name, expected):
    assert detect_type(content, name) == expected


def test_text_cut_in_the_middle_of_a_character_is_still_text():
    head = ("ä" * 40000).encode()[: 64 * 1024 - 1]
    assert detect_type(head, "lang.txt") == "text/plain"


def test_header_like_text_without_two_mail_fields_is_plain_text():
    assert detect_type(b"Betreff: Drohung\nFrom: jemand\n\nText", "notiz.txt") == "text/plain"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"MZ\x90\x00\x03" + bytes(200),
            "urlaubsfoto.jpg",
            "Die Datei »urlaubsfoto.jpg« ist kein Bild, obwohl der Name das angibt. Sie enthält ein Programm oder "
            "Skript; solche Dateien nehmen wir aus Sicherheitsgründen nicht an.",
        ),
        (
            b"\x7fELF\x02\x01\x01" + bytes(200),
            "werkzeug",
            "Die Datei »werkzeug« ist ein Programm oder Skript. Solche Dateien nehmen wir aus Sicherheitsgründen "
            "nicht an.",
        ),
        (
            b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(100),
            "app.bin",
            "Die Datei »app.bin« ist ein Programm oder Skript.",
        ),
        (
            b"MZ\x90\x00" + bytes(100),
            "x.exe",
            "Die Datei »x.exe« ist ein Programm oder Skript.",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(100),
            "bericht.docx",
            "Die Datei »bericht.docx« ist ein Archiv (etwa ZIP oder eine Office-Datei wie .docx). Bitte laden Sie "
            "die Dateien darin einzeln hoch; Office-Dokumente speichern Sie bitte als PDF.",
        ),
        (
            b"PK\x03\x04" + bytes(100),
            "fotos.zip",
            "Die Datei »fotos.zip« ist ein Archiv",
        ),
        (
            b"#!/bin/sh\nrm -rf ~\n",
            "liesmich.txt",
            "Die Datei »liesmich.txt« ist keine Textdatei, obwohl der Name das angibt. Sie enthält ein Programm oder "
            "Skript; solche Dateien nehmen wir aus Sicherheitsgründen nicht an.",
        ),
        (
            TEXT_UTF8,
            "beweisfoto.jpg",
            "Die Datei »beweisfoto.jpg« ist kein Bild, obwohl der Name das angibt. Bitte laden Sie die Originaldatei "
            "mit ihrem ursprünglichen Namen hoch.",
        ),
        (
            PDF,
            "scan.png",
            "Die Datei »scan.png« ist kein Bild, obwohl der Name das angibt.",
        ),
        (
            JPEG,
            "anzeige.pdf",
            "Die Datei »anzeige.pdf« ist keine PDF-Datei, obwohl der Name das angibt.",
        ),
        (
            TEXT_UTF8,
            "nachricht.eml",
            "Die Datei »nachricht.eml« ist keine E-Mail, obwohl der Name das angibt.",
        ),
        (
            b"PK\x03\x04" + bytes(100),
            "foto.heic",
            "Die Datei »foto.heic« ist kein Bild, obwohl der Name das angibt. Sie ist ein Archiv",
        ),
        (
            b"",
            "leer.txt",
            "Die Datei »leer.txt« ist leer.",
        ),
        (
            random.Random(1).randbytes(4096),
            "daten.bin",
            f"Die Datei »daten.bin« hat ein Format, das wir nicht annehmen. {ALLOWED}",
        ),
        (
            random.Random(2).randbytes(4096),
            "vertrag.pdf",
            f"Die Datei »vertrag.pdf« ist keine PDF-Datei, obwohl der Name das angibt. {ALLOWED}",
        ),
        (
            AVIF,
            "bild.avif",
            "Die Datei »bild.avif« hat ein Format, das wir nicht annehmen.",
        ),
        (
            b"Text\x00mit NUL",
            "seltsam.dat",
            "hat ein Format, das wir nicht annehmen",
        ),
        (
            b"Text " + b"\x01\x02\x03" * 10 + b" mit Steuerzeichen" * 10,
            "steuer.dat",
            "hat ein Format, das wir nicht annehmen",
        ),
    ],
)
def test_refused_files_get_a_german_message_naming_the_file(content, name, message):
    with pytest.raises(EvidenceRejected) as rejected:
        detect_type(content, name)
    assert message in rejected.value.message
    assert str(rejected.value) == rejected.value.message


def test_message_names_the_file_without_its_path():
    with pytest.raises(EvidenceRejected, match=r"»virus\.exe«"):
        detect_type(b"MZ" + bytes(10), "C:\\Users\\x\\virus.exe")


# Upload through Django's multipart parsing


def write_multipart(path: Path, parts: Iterable[tuple[str, str | None, Iterable[bytes]]]) -> dict[str, str]:
    """Write a multipart/form-data body to ``path`` part by part; return the request META for it.

    Each part is (field name, file name or None for a plain field, content chunks). Nothing is held whole in memory.
    """
    boundary = "----sikom-test-boundary-7MA4YWxkTrZu0gW"
    with path.open("wb") as body:
        for field_name, file_name, chunks in parts:
            body.write(f"--{boundary}\r\n".encode())
            if file_name is None:
                body.write(f'Content-Disposition: form-data; name="{field_name}"\r\n\r\n'.encode())
            else:
                body.write(
                    f'Content-Disposition: form-data; name="{field_name}"; filename="{file_name}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n".encode()
                )
            for chunk in chunks:
                body.write(chunk)
            body.write(b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
    return {"CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(path.stat().st_size)}


def parse(body_path: Path, meta: dict[str, str], request: HttpRequest | None = None, **handler_kwargs):
    request = request or HttpRequest()
    handler = EvidenceUploadHandler(request, **handler_kwargs)
    with body_path.open("rb") as stream:
        post, files = MultiPartParser(meta, stream, [handler]).parse()
    return request, post, files


def jpeg_chunks(size: int, seed: int = 0) -> Iterator[bytes]:
    """A JPEG-looking file of ``size`` bytes, generated in 64 KiB pieces."""
    rng = random.Random(seed)
    yield JPEG[:20]
    remaining = size - 20
    while remaining > 0:
        step = min(remaining, 64 * 1024)
        yield rng.randbytes(step)
        remaining -= step


def sha256_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_upload_through_a_request_stores_encrypted_files(evidence_root):
    photo = png() + random.Random(7).randbytes(200_000)  # more than one chunk and one segment
    request = RequestFactory().post(
        "/meldung/",
        data={
            "beschreibung": "Drohung am Telefon",
            "dateien": [
                SimpleUploadedFile("../../etc/screenshot.png", photo, content_type="image/jpeg"),
                SimpleUploadedFile("protokoll.txt", TEXT_UTF8, content_type="text/plain"),
            ],
        },
    )
    request.upload_handlers = [EvidenceUploadHandler(request)]

    stored = request.FILES.getlist("dateien")

    assert request.POST["beschreibung"] == "Drohung am Telefon"
    assert request.evidence_rejections == []
    assert [type(f) for f in stored] == [StoredEvidence, StoredEvidence]
    first, second = stored
    assert first.original_name == first.name == "screenshot.png"
    assert first.content_type == "image/png"  # detected, not the browser's claim
    assert (first.size, first.sha256) == (len(photo), hashlib.sha256(photo).hexdigest())
    assert first.storage_name.startswith("incoming/") and first.storage_name.endswith(".skf")
    assert b"".join(open_evidence(first.storage_name)) == photo
    assert b"".join(first.chunks()) == photo
    assert (second.content_type, b"".join(open_evidence(second.storage_name))) == ("text/plain", TEXT_UTF8)
    # No plaintext on disk: the stored bytes contain nothing of the originals.
    on_disk = (evidence_root / first.storage_name).read_bytes()
    assert photo[:64] not in on_disk and photo[100_000:100_064] not in on_disk
    assert "Bürgerbüro".encode() not in (evidence_root / second.storage_name).read_bytes()
    request.close()  # Django closes uploaded files after every request; nothing to close here, must not fail


def test_stored_files_and_folders_are_private(evidence_root, tmp_path):
    meta = write_multipart(tmp_path / "body", [("dateien", "a.jpg", [JPEG])])
    _request, _post, files = parse(tmp_path / "body", meta)
    path = evidence_root / files["dateien"].storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(evidence_root.stat().st_mode) == 0o700


def test_rejected_files_are_reported_and_others_still_stored(evidence_root, tmp_path):
    disguised = [b"MZ\x90\x00", random.Random(9).randbytes(100 * 1024)]  # rejected after the first 64 KiB
    meta = write_multipart(
        tmp_path / "body",
        [
            ("dateien", "foto.jpg", disguised),
            ("dateien", "leer.txt", []),
            ("dateien", "bericht.docx", [b"PK\x03\x04" + bytes(500)]),
            ("dateien", "brief.pdf", [PDF]),
            ("notiz", None, [b"ok"]),
        ],
    )
    request, post, files = parse(tmp_path / "body", meta)

    assert [f.original_name for f in files.getlist("dateien")] == ["brief.pdf"]
    assert post["notiz"] == "ok"
    assert len(request.evidence_rejections) == 3
    assert request.evidence_rejections[0].startswith("Die Datei »foto.jpg« ist kein Bild, obwohl der Name das angibt.")
    assert request.evidence_rejections[1] == "Die Datei »leer.txt« ist leer."
    assert request.evidence_rejections[2].startswith("Die Datei »bericht.docx« ist ein Archiv")
    assert files_under(evidence_root) == [evidence_root / files["dateien"].storage_name]


def test_file_over_twenty_megabytes_is_refused_and_leaves_nothing(evidence_root, tmp_path):
    meta = write_multipart(
        tmp_path / "body",
        [("dateien", "riesig.jpg", jpeg_chunks(21 * 1024 * 1024)), ("dateien", "klein.jpg", [JPEG])],
    )
    request, _post, files = parse(tmp_path / "body", meta)

    assert request.evidence_rejections == ["Die Datei »riesig.jpg« ist größer als 20 MB und wurde nicht gespeichert."]
    assert [f.original_name for f in files.getlist("dateien")] == ["klein.jpg"]
    assert files_under(evidence_root / "incoming") == [evidence_root / files["dateien"].storage_name]


def test_exactly_twenty_megabytes_is_accepted(tmp_path):
    meta = write_multipart(tmp_path / "body", [("dateien", "grenze.jpg", jpeg_chunks(MAX_FILE_BYTES))])
    request, _post, files = parse(tmp_path / "body", meta)
    assert request.evidence_rejections == []
    assert files["dateien"].size == MAX_FILE_BYTES


def test_eleventh_file_is_refused(evidence_root, tmp_path):
    parts = [("dateien", f"foto{n}.jpg", [JPEG + bytes([n])]) for n in range(MAX_FILES + 1)]
    meta = write_multipart(tmp_path / "body", parts)
    request, _post, files = parse(tmp_path / "body", meta)

    assert len(files.getlist("dateien")) == MAX_FILES
    assert request.evidence_rejections == [
        "Die Datei »foto10.jpg« wurde nicht gespeichert: Sie können höchstens 10 Dateien auf einmal hochladen."
    ]
    assert len(files_under(evidence_root / "incoming")) == MAX_FILES


def test_refused_files_do_not_use_up_slots(tmp_path):
    parts = [("dateien", "kaputt.jpg", [TEXT_UTF8])] + [("dateien", f"{n}.jpg", [JPEG]) for n in range(MAX_FILES)]
    meta = write_multipart(tmp_path / "body", parts)
    request, _post, files = parse(tmp_path / "body", meta)
    assert len(files.getlist("dateien")) == MAX_FILES
    assert len(request.evidence_rejections) == 1


@pytest.mark.parametrize("source", ["request", "keyword"])
def test_slots_left_for_a_draft_limit_the_upload(tmp_path, source):
    request = HttpRequest()
    kwargs = {}
    if source == "request":
        request.evidence_slots_left = 2
    else:
        kwargs["slots_left"] = 2
    meta = write_multipart(tmp_path / "body", [("dateien", f"{n}.jpg", [JPEG]) for n in range(4)])
    request, _post, files = parse(tmp_path / "body", meta, request, **kwargs)
    assert [f.original_name for f in files.getlist("dateien")] == ["0.jpg", "1.jpg"]
    assert request.evidence_rejections == [
        f"Die Datei »{n}.jpg« wurde nicht gespeichert: Zu dieser Meldung konnten nur noch 2 Dateien hinzugefügt werden."
        for n in (2, 3)
    ]


def test_a_full_draft_takes_no_more_files(evidence_root, tmp_path):
    request = HttpRequest()
    request.evidence_slots_left = 0
    meta = write_multipart(tmp_path / "body", [("dateien", "a.jpg", [JPEG])])
    request, _post, files = parse(tmp_path / "body", meta, request)
    assert not files
    assert request.evidence_rejections == [
        "Die Datei »a.jpg« wurde nicht gespeichert: Zu dieser Meldung können keine weiteren Dateien hinzugefügt werden."
    ]
    assert files_under(evidence_root) == []


def test_more_slots_than_max_files_still_take_ten_per_request(tmp_path):
    request = HttpRequest()
    request.evidence_slots_left = 2 * MAX_FILES
    meta = write_multipart(tmp_path / "body", [("dateien", f"{n}.jpg", [JPEG]) for n in range(MAX_FILES + 1)])
    request, _post, files = parse(tmp_path / "body", meta, request)
    assert len(files.getlist("dateien")) == MAX_FILES
    assert len(request.evidence_rejections) == 1


def test_interrupted_upload_leaves_no_partial_file(evidence_root, tmp_path):
    meta = write_multipart(
        tmp_path / "body", [("dateien", "a.jpg", [JPEG]), ("dateien", "b.jpg", jpeg_chunks(300_000))]
    )
    # The client goes away in the middle of the second file.
    with (tmp_path / "body").open("r+b") as body:
        body.truncate(200_000)
    meta["CONTENT_LENGTH"] = "200000"
    request, _post, files = parse(tmp_path / "body", meta)

    assert [f.original_name for f in files.getlist("dateien")] == ["a.jpg"]
    assert request.evidence_rejections == [
        "Die Übertragung der Datei »b.jpg« wurde abgebrochen. Bitte laden Sie sie noch einmal hoch."
    ]
    assert files_under(evidence_root) == [evidence_root / files["dateien"].storage_name]


def test_long_client_names_are_shortened_keeping_the_extension(tmp_path):
    meta = write_multipart(tmp_path / "body", [("dateien", "ä" * 300 + ".jpg", [JPEG])])
    _request, _post, files = parse(tmp_path / "body", meta)
    name = files["dateien"].original_name
    assert len(name) == 200 and name.endswith("ä.jpg")


def test_rejections_exist_even_without_a_body():
    request = HttpRequest()
    EvidenceUploadHandler(request)
    assert request.evidence_rejections == []


def test_twenty_megabyte_upload_streams_in_little_memory(tmp_path):
    meta = write_multipart(tmp_path / "body", [("dateien", "video-standbild.jpg", jpeg_chunks(MAX_FILE_BYTES, 5))])
    expected = sha256_of(jpeg_chunks(MAX_FILE_BYTES, 5))

    tracemalloc.start()
    try:
        _request, _post, files = parse(tmp_path / "body", meta)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    print(f"evidence 20 MB upload tracemalloc peak: {peak / 1024 / 1024:.2f} MiB")
    assert peak < 15 * 1024 * 1024
    stored = files["dateien"]
    assert (stored.sha256, stored.size) == expected
    assert sha256_of(open_evidence(stored.storage_name)) == expected


# Storage


def store(root: Path, storage_name: str, content: bytes = b"x") -> Path:
    path = root / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        encryptor = StreamEncryptor(target)
        encryptor.write(content)
        encryptor.close()
    return path


def test_delete_evidence_file_tolerates_missing_files(evidence_root):
    path = store(evidence_root, "incoming/" + "1" * 32 + ".skf")
    delete_evidence_file("incoming/" + "1" * 32 + ".skf")
    assert not path.exists()
    delete_evidence_file("incoming/" + "1" * 32 + ".skf")


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../geheim.skf",
        "incoming/../../geheim.skf",
        "/etc/passwd.skf",
        "incoming\\..\\x.skf",
        "./incoming/x.skf",
        "incoming/x.txt",
        "incoming/x.skf\x00",
    ],
)
def test_storage_names_cannot_leave_the_evidence_root(name):
    with pytest.raises(ValueError):
        open_evidence(name)
    with pytest.raises(ValueError):
        delete_evidence_file(name)


def test_symlinks_out_of_the_evidence_root_are_refused(evidence_root, tmp_path):
    outside = store(tmp_path, "outside/secret.skf")
    (evidence_root / "incoming").mkdir(parents=True)
    (evidence_root / "incoming" / "link.skf").symlink_to(outside)
    with pytest.raises(SuspiciousFileOperation):
        b"".join(open_evidence("incoming/link.skf"))
    with pytest.raises(SuspiciousFileOperation):
        delete_evidence_file("incoming/link.skf")
    assert outside.exists()


def test_delete_orphans_removes_only_old_unknown_files(evidence_root, tmp_path):
    old = time.time() - 3 * 3600
    known_old = store(evidence_root, "stored/aa/" + "a" * 32 + ".skf")
    unknown_old = store(evidence_root, "stored/bb/" + "b" * 32 + ".skf")
    unknown_incoming_old = store(evidence_root, "incoming/" + "c" * 32 + ".skf")
    unknown_new = store(evidence_root, "incoming/" + "d" * 32 + ".skf")  # maybe still being uploaded
    other = evidence_root / "README.txt"
    other.write_text("kein Beweis")
    outside = store(tmp_path, "outside/" + "e" * 32 + ".skf")
    link = evidence_root / "incoming" / ("f" * 32 + ".skf")
    link.symlink_to(outside)
    for path in [known_old, unknown_old, unknown_incoming_old, other, outside]:
        os.utime(path, (old, old))
    os.utime(link, (old, old), follow_symlinks=False)

    deleted = delete_orphans({"stored/aa/" + "a" * 32 + ".skf"}, older_than=timedelta(hours=1))

    assert deleted == 2
    assert not unknown_old.exists() and not unknown_incoming_old.exists()
    assert known_old.exists() and unknown_new.exists() and other.exists()
    assert link.is_symlink() and outside.exists()


def test_delete_orphans_without_an_evidence_folder_deletes_nothing():
    assert delete_orphans(set(), older_than=timedelta(0)) == 0


def test_stored_evidence_behaves_as_an_uploaded_file():
    item = StoredEvidence(
        storage_name="incoming/" + "2" * 32 + ".skf",
        original_name="foto.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="0" * 64,
    )
    assert bool(item) and item.name == "foto.jpg" and item.size == len(item) == 3
    assert item.file is None and item.closed
    item.close()
    assert "incoming/" in repr(item)


def test_constants_match_the_promise_to_reporters():
    assert (evidence.MAX_FILES, evidence.MAX_FILE_BYTES) == (10, 20 * 1024 * 1024)


def test_sniffing_uses_only_the_first_64_kib(tmp_path):
    # The handler decides after 64 KiB; later bytes are encrypted unseen, so the head must be enough.
    head = TEXT_UTF8 * (64 * 1024 // len(TEXT_UTF8) + 1)
    meta = write_multipart(tmp_path / "body", [("dateien", "lang.txt", [head, b"\x00" * 10])])
    _request, _post, files = parse(tmp_path / "body", meta)
    assert files["dateien"].content_type == "text/plain"
    assert b"".join(open_evidence(files["dateien"].storage_name)) == head + b"\x00" * 10


def test_body_in_memory_helper_and_file_helper_agree(tmp_path):
    # Guards the test helper itself: Django's encoder and ours produce bodies the parser reads the same way.
    meta = write_multipart(tmp_path / "body", [("dateien", "a.txt", [TEXT_UTF8])])
    _request, _post, from_file = parse(tmp_path / "body", meta)
    body = encode_multipart(BOUNDARY, {"dateien": SimpleUploadedFile("a.txt", TEXT_UTF8)})
    request = HttpRequest()
    handler = EvidenceUploadHandler(request)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    _post, from_memory = MultiPartParser(meta, BytesIO(body), [handler]).parse()
    assert from_file["dateien"].sha256 == from_memory["dateien"].sha256 == hashlib.sha256(TEXT_UTF8).hexdigest()


# Storage backends: everything goes through Django's storage API (alias "evidence")


def test_spool_files_leave_nothing_in_the_temporary_folder(settings, evidence_root, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    meta = write_multipart(
        tmp_path / "body",
        [("dateien", "a.jpg", [JPEG]), ("dateien", "b.jpg", [b"MZ" + bytes(100)]), ("dateien", "c.jpg", [JPEG])],
    )
    with (tmp_path / "body").open("r+b") as body:
        body.truncate(body.seek(0, 2) - 200)  # the client goes away in the last file
    meta["CONTENT_LENGTH"] = str((tmp_path / "body").stat().st_size)
    request, _post, files = parse(tmp_path / "body", meta)
    assert [f.original_name for f in files.getlist("dateien")] == ["a.jpg"]
    assert len(request.evidence_rejections) == 2
    assert list(spool.iterdir()) == []
    assert files_under(evidence_root) == [evidence_root / files["dateien"].storage_name]


def upload_download_and_tidy(tmp_path: Path) -> Storage:
    """The evidence life cycle against whatever backend is configured; returns the storage for further checks."""
    photo = png() + random.Random(11).randbytes(150_000)
    meta = write_multipart(tmp_path / "body", [("dateien", "foto.png", [photo]), ("dateien", "b.txt", [TEXT_UTF8])])
    _request, _post, files = parse(tmp_path / "body", meta)
    kept, orphan = files.getlist("dateien")
    store = storages["evidence"]
    assert store.exists(kept.storage_name) and store.exists(orphan.storage_name)
    with store.open(kept.storage_name, "rb") as ciphertext:
        assert ciphertext.read(4) == b"SKF2"
    assert b"".join(open_evidence(kept.storage_name)) == photo
    assert delete_orphans({kept.storage_name}, older_than=timedelta(hours=1)) == 0  # too young to be an orphan
    assert delete_orphans({kept.storage_name}, older_than=timedelta(0)) == 1
    assert store.exists(kept.storage_name) and not store.exists(orphan.storage_name)
    delete_evidence_file(kept.storage_name)
    assert not store.exists(kept.storage_name)
    return store


def test_evidence_uses_only_the_storage_api(settings, evidence_root, tmp_path):
    # Another backend entirely: if any code still touched EVIDENCE_ROOT directly, files would appear there.
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    upload_download_and_tidy(tmp_path)
    assert not evidence_root.exists()


def test_evidence_in_an_s3_bucket(settings, evidence_root, tmp_path):
    """The options the settings build for EVIDENCE_STORAGE=s3, against moto's S3 (no network: it patches botocore)."""
    environment = {
        "EVIDENCE_STORAGE": "s3",
        "EVIDENCE_S3_BUCKET": "sikom-beweismittel",
        "EVIDENCE_S3_REGION": "eu-central-1",
        "EVIDENCE_S3_PREFIX": "sikom",
        "EVIDENCE_S3_ACCESS_KEY_ID": "testing",
        "EVIDENCE_S3_SECRET_ACCESS_KEY": "testing",
    }
    options = evidence_storage_from(environment)
    assert options["BACKEND"] == "storages.backends.s3.S3Storage"
    with mock_aws():
        boto3.client("s3", region_name="eu-central-1").create_bucket(
            Bucket="sikom-beweismittel", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        settings.STORAGES = {**settings.STORAGES, "evidence": options}
        store = upload_download_and_tidy(tmp_path)
        assert store.bucket.name == "sikom-beweismittel" and store.location == "sikom"
    assert not evidence_root.exists()


def evidence_storage_from(environment: dict[str, str]) -> dict:
    """STORAGES["evidence"] as sikom.settings builds it from this environment (in a fresh interpreter)."""
    code = "import json, django; from django.conf import settings as s; django.setup(); print(json.dumps(s.STORAGES['evidence']))"
    base = {"SECRET_KEY": "x", "ENCRYPTION_KEYS": KEY, "DJANGO_SETTINGS_MODULE": "sikom.settings", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **environment},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise ImproperlyConfigured(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


def test_file_system_is_the_default_storage(evidence_root):
    assert evidence_storage_from({}) == {"BACKEND": "sikom.core.storage.PrivateFileSystemStorage"}


def test_s3_credentials_can_come_from_files(tmp_path):
    (tmp_path / "id").write_text("AKIDEXAMPLE\n")
    (tmp_path / "secret").write_text("geheim\n")
    options = evidence_storage_from(
        {
            "EVIDENCE_STORAGE": "s3",
            "EVIDENCE_S3_BUCKET": "b",
            "EVIDENCE_S3_ENDPOINT_URL": "https://s3.example.org",
            "EVIDENCE_S3_ACCESS_KEY_ID_FILE": str(tmp_path / "id"),
            "EVIDENCE_S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "secret"),
        }
    )["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AKIDEXAMPLE", "geheim")
    assert (options["endpoint_url"], options["file_overwrite"]) == ("https://s3.example.org", False)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"EVIDENCE_STORAGE": "S3"}, "EVIDENCE_STORAGE must be one of filesystem, s3"),
        ({"EVIDENCE_STORAGE": "s3"}, "EVIDENCE_S3_BUCKET must be set"),
        (
            {"EVIDENCE_STORAGE": "s3", "EVIDENCE_S3_BUCKET": "b", "EVIDENCE_S3_ACCESS_KEY_ID": "x"},
            "Set both EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY",
        ),
        (
            {"EVIDENCE_STORAGE": "s3", "EVIDENCE_S3_BUCKET": "b", "EVIDENCE_S3_ENDPOINT_URL": "s3.example.org"},
            "EVIDENCE_S3_ENDPOINT_URL must start with https://",
        ),
    ],
)
def test_storage_settings_are_parsed_strictly(environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        evidence_storage_from(environment)

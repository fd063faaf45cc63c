"""Uploads are spooled encrypted (decision 0047): the temporary file never holds the plain bytes, and the view
reads them back exactly, from any position."""

import io
import tempfile

from django.core.files.uploadhandler import load_handler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from sikom.core import uploads
from sikom.core.uploads import EncryptedTemporaryFileUploadHandler, EncryptedUploadedFile

CONTENT = b"Nachname;Vorname;Strasse\nMustermann;Erika;Heidestrasse 17\n" * 5000  # about 290 KB


def _spooled(monkeypatch) -> list:
    """Capture the temporary files the handler spools to."""
    spools = []
    real = tempfile.TemporaryFile

    def capture(*args, **kwargs):
        spool = real(*args, **kwargs)
        spools.append(spool)
        return spool

    monkeypatch.setattr(uploads.tempfile, "TemporaryFile", capture)
    return spools


def _upload(chunks: list[bytes]) -> EncryptedUploadedFile:
    handler = EncryptedTemporaryFileUploadHandler()
    handler.new_file("datei", "register.csv", "text/csv", sum(map(len, chunks)), "utf-8")
    start = 0
    for chunk in chunks:
        handler.receive_data_chunk(chunk, start)
        start += len(chunk)
    return handler.file_complete(start)


def test_the_spooled_file_holds_no_plain_byte_and_reads_back_exactly(monkeypatch):
    spools = _spooled(monkeypatch)
    upload = _upload([CONTENT[i : i + 65536] for i in range(0, len(CONTENT), 65536)])
    spool = spools[0]
    spool.seek(0)
    on_disk = spool.read()
    assert len(on_disk) == len(CONTENT)
    assert b"Mustermann" not in on_disk and on_disk != CONTENT
    assert upload.size == len(CONTENT) and upload.name == "register.csv" and upload.content_type == "text/csv"
    assert upload.read() == CONTENT
    upload.seek(0)
    assert b"".join(upload.chunks(chunk_size=7000)) == CONTENT


def test_reads_from_any_position_across_block_boundaries():
    upload = _upload([CONTENT[:1000], CONTENT[1000:1003], CONTENT[1003:]])
    for position, length in [(0, 1), (15, 2), (16, 16), (17, 33), (4095, 4099), (len(CONTENT) - 5, 50)]:
        upload.seek(position)
        assert upload.read(length) == CONTENT[position : position + length]
    upload.seek(-10, io.SEEK_END)
    assert upload.read() == CONTENT[-10:]
    upload.seek(100)
    upload.seek(20, io.SEEK_CUR)
    assert upload.tell() == 120 and upload.read(5) == CONTENT[120:125]


def test_two_uploads_of_the_same_content_give_different_ciphertext(monkeypatch):
    spools = _spooled(monkeypatch)
    kept = [_upload([CONTENT[:5000]]), _upload([CONTENT[:5000]])]
    first, second = (spool.seek(0) or spool.read() for spool in spools)
    assert [upload.read() for upload in kept] == [CONTENT[:5000]] * 2
    assert first != second


def test_a_multipart_request_goes_through_the_encrypting_handler(settings, monkeypatch):
    assert settings.FILE_UPLOAD_HANDLERS == ["sikom.core.uploads.EncryptedTemporaryFileUploadHandler"]
    spools = _spooled(monkeypatch)
    request = RequestFactory().post("/", {"datei": io.BytesIO(CONTENT), "titel": "Register"})
    request.upload_handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
    _, files = MultiPartParser(request.META, io.BytesIO(request.body), request.upload_handlers).parse()
    upload = files["datei"]
    assert isinstance(upload, EncryptedUploadedFile)
    assert upload.read() == CONTENT
    spools[0].seek(0)
    assert b"Mustermann" not in spools[0].read()


def test_an_interrupted_upload_closes_its_spool(monkeypatch):
    spools = _spooled(monkeypatch)
    handler = EncryptedTemporaryFileUploadHandler()
    handler.new_file("datei", "x.csv", "text/csv", 10, None)
    handler.receive_data_chunk(b"0123456789", 0)
    handler.upload_interrupted()
    assert spools[0].closed

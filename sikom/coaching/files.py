"""The documents of a strategy step: type sniffed from the bytes, size limited by ``COACHING_DOCUMENT_MAX_BYTES``,
stored encrypted at rest with the platform's file encryption (``core.crypto``, format SKF2) in the private storage
``evidence`` (``core.storage``; file system or object store).

Names are ``coaching/<uuid>.skc``: a suffix of their own, so the intake's sweep of orphaned evidence files (which
takes every unknown ``.skf`` file in that storage) leaves them alone. A row of ``StepDocument`` is what makes a file
known; a file whose row could not be written is deleted at once (``services.add_document``).
"""

import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core.crypto import StreamEncryptor, decrypt_stream
from sikom.reports.evidence import sanitize_name

STORAGE_ALIAS = "evidence"
FOLDER = "coaching"
SUFFIX = ".skc"
SNIFF_BYTES = 4096

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx", PNG: ".png", JPEG: ".jpg"}


class DocumentRejected(Exception):
    """A file we do not accept; ``message`` is German and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return settings.COACHING_DOCUMENT_MAX_BYTES


def allowed_formats() -> str:
    return _("Erlaubt sind PDF, ODT, DOCX, PNG und JPEG.")


def _zip_type(upload: UploadedFile) -> str | None:
    """ODT names its type in the first, uncompressed member »mimetype«; DOCX holds word/document.xml."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    # A forged or broken archive fails in many ways (truncated: EOFError; encrypted member: RuntimeError; unknown
    # compression: NotImplementedError; bad headers: BadZipFile/ValueError/KeyError): each is simply not ODT or DOCX.
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError, NotImplementedError):
        return None
    return None


def detect_type(upload: UploadedFile) -> str:
    """The content type by the file's bytes; DocumentRejected for anything not allowed."""
    name = sanitize_name(upload.name or "")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head:
        raise DocumentRejected(_("Die Datei »%(name)s« ist leer.") % {"name": name})
    detected = None
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        detected = JPEG
    elif head.startswith(b"PK\x03\x04"):
        detected = _zip_type(upload)
    if detected is None:
        raise DocumentRejected(
            _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen.") % {"name": name} + " " + allowed_formats()
        )
    return detected


def check_size(upload: UploadedFile) -> None:
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise DocumentRejected(
            _("Die Datei »%(name)s« ist größer als %(mb)s MB und wurde nicht gespeichert.")
            % {"name": sanitize_name(upload.name or ""), "mb": _megabytes(limit)}
        )


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}".replace(".", ",")


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _checked(storage_name: str) -> str:
    pure = PurePosixPath(storage_name)
    if (
        not storage_name.startswith(f"{FOLDER}/")
        or "\\" in storage_name
        or "\x00" in storage_name
        or any(part in {"..", "."} for part in storage_name.split("/"))
        or pure.suffix != SUFFIX
    ):
        raise ValueError(f"invalid coaching storage name: {storage_name!r}")
    return storage_name


def store_encrypted(upload: UploadedFile) -> tuple[str, int, str]:
    """Encrypt the upload into a new file of the storage; return its name, the plaintext size and SHA-256."""
    upload.seek(0)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        with StreamEncryptor(spool) as encryptor:
            for chunk in upload.chunks():
                encryptor.write(chunk)
        spool.seek(0)
        name = _storage().save(f"{FOLDER}/{uuid.uuid4().hex}{SUFFIX}", File(spool))
    return name, encryptor.size, encryptor.sha256_hex


def open_document(storage_name: str) -> Iterator[bytes]:
    """The decrypted content, chunk by chunk, each chunk authenticated."""
    name = _checked(storage_name)

    def chunks() -> Iterator[bytes]:
        with _storage().open(name, "rb") as source:
            yield from decrypt_stream(source)

    return chunks()


def delete_file(storage_name: str) -> None:
    _storage().delete(_checked(storage_name))


def download_name(original_name: str, content_type: str) -> str:
    stem = os.path.splitext(original_name)[0] or "Dokument"
    return f"{stem}{EXTENSIONS.get(content_type, '.bin')}"


def delete_orphans(known_storage_names: set[str], older_than: timedelta) -> int:
    """Delete ``coaching/*.skc`` files no row knows that are older than ``older_than`` (a crash between storing a
    file and committing its row); return how many. Only the storage API is used, so it works on an object store."""
    storage = _storage()
    cutoff = timezone.now() - older_than
    try:
        names = storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        storage_name = f"{FOLDER}/{name}"
        if not name.endswith(SUFFIX) or storage_name in known_storage_names:
            continue
        try:
            if storage.get_modified_time(storage_name) >= cutoff:
                continue
            storage.delete(storage_name)
        except FileNotFoundError:
            continue
        deleted += 1
    return deleted

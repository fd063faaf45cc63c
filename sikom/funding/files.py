"""Attachments of applications: type sniffed from the bytes (PDF, PNG, JPEG), size limited, stored through Django's
storage API (alias ``evidence``) under ``funding/<uuid><ext>``; served only through the application's visibility."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from sikom.reports.evidence import sanitize_name

STORAGE_ALIAS = "evidence"
FOLDER = "funding"
MAX_BYTES = 10 * 1024 * 1024
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}


class FileRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(upload: UploadedFile) -> str:
    """The content type by the file's bytes; FileRejected (German) when it is too large, empty or not allowed."""
    name = sanitize_name(upload.name or "")
    if upload.size is None or upload.size > MAX_BYTES:
        raise FileRejected(
            _("Die Datei »%(name)s« ist größer als %(mb)d MB und wurde nicht gespeichert.")
            % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise FileRejected(_("Die Datei »%(name)s« ist leer.") % {"name": name})
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    raise FileRejected(
        _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen. Erlaubt sind PDF, PNG und JPEG.")
        % {"name": name}
    )


def store(upload: UploadedFile, content_type: str) -> tuple[str, str]:
    """(storage name, SHA-256) of the stored file."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return storages[STORAGE_ALIAS].save(
        f"{FOLDER}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}", upload
    ), digest.hexdigest()


def _checked(storage_name: str) -> str:
    pure = PurePosixPath(storage_name)
    if (
        not storage_name.startswith(f"{FOLDER}/")
        or "\\" in storage_name
        or "\x00" in storage_name
        or any(part in {"..", "."} for part in storage_name.split("/"))
        or pure.suffix not in EXTENSIONS.values()
    ):
        raise ValueError(f"invalid attachment storage name: {storage_name!r}")
    return storage_name


def open_file(storage_name: str) -> Iterator[bytes]:
    name = _checked(storage_name)

    def chunks() -> Iterator[bytes]:
        with storages[STORAGE_ALIAS].open(name, "rb") as source:
            while chunk := source.read(64 * 1024):
                yield chunk

    return chunks()


def display_name(original_name: str) -> str:
    return sanitize_name(original_name)

"""Attachments of applications: PDF, PNG or JPEG by their bytes, at most 10 MB, kept encrypted at rest by
``core.files`` (SKF2, a key per file; decisions 0010, 0015, 0049) in the private storage ``evidence`` under
``funding/<uuid>.ska``; served decrypted, only through the application's visibility. An ``Attachment`` row is what makes
a file known: files without one (a crash before the commit, a replaced or deleted attachment) are removed by the
housekeeping job ``funding_attachment_files`` (`housekeeping`)."""

from collections.abc import Iterator
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile

from sikom.core import files as core_files
from sikom.core.files import JPEG, PDF, PNG, FileRejected, sanitize_name  # noqa: F401 (the app's names for callers)

STORAGE_ALIAS = core_files.STORAGE_ALIAS
FOLDER = "funding"
SUFFIX = ".ska"
FILES = core_files.Folder(FOLDER, suffix=SUFFIX)
MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
ORPHAN_AGE = timedelta(hours=1)


def check(upload: UploadedFile) -> str:
    """The content type by the file's bytes; FileRejected (German) when it is too large, empty or not allowed."""
    return core_files.check(upload, limit=MAX_BYTES, allowed=EXTENSIONS, refused=core_files.refused_unless_pdf_or_image)


def store(upload: UploadedFile, content_type: str) -> tuple[str, str]:
    """(storage name, SHA-256 of the plaintext) of the new encrypted file."""
    stored = FILES.store(upload)
    return stored.name, stored.sha256


def open_file(storage_name: str) -> Iterator[bytes]:
    """The decrypted content, chunk by chunk, each chunk authenticated."""
    return FILES.open(storage_name)


def delete_file(storage_name: str) -> None:
    FILES.delete(storage_name)


def display_name(original_name: str) -> str:
    return sanitize_name(original_name)


def housekeeping() -> dict[str, int]:
    """Delete attachment files no row knows (a housekeeping job, registered in ``apps.py``)."""
    from sikom.funding.models import Attachment

    known = set(Attachment.objects.values_list("storage_name", flat=True))
    return {"funding_attachment_files": FILES.delete_orphans(known, older_than=ORPHAN_AGE)}

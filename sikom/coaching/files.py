"""The documents of a strategy step: PDF, ODT, DOCX, PNG or JPEG by their bytes, size limited by
``COACHING_DOCUMENT_MAX_BYTES``, kept encrypted at rest by ``core.files`` (SKF2, a key per file) in the private storage
``evidence`` under ``coaching/<uuid>.skc``. A row of ``StepDocument`` is what makes a file known; a file whose row
could not be written is deleted at once (``services.add_document``), one left over by a crash by `delete_orphans`.
"""

import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from sikom.core import files as core_files
from sikom.core.files import DOCX, JPEG, ODT, PDF, PNG

# The one rejection of core.files under the name this app's callers know.
DocumentRejected = core_files.FileRejected

STORAGE_ALIAS = core_files.STORAGE_ALIAS
FOLDER = "coaching"
SUFFIX = ".skc"
FILES = core_files.Folder(FOLDER, suffix=SUFFIX)
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx", PNG: ".png", JPEG: ".jpg"}


def max_bytes() -> int:
    return settings.COACHING_DOCUMENT_MAX_BYTES


def allowed_formats() -> str:
    return _("Erlaubt sind PDF, ODT, DOCX, PNG und JPEG.")


def _refused(name: str) -> str:
    return _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen.") % {"name": name} + " " + allowed_formats()


def detect_type(upload: UploadedFile) -> str:
    """The content type by the file's bytes; DocumentRejected for anything not allowed."""
    return core_files.detect_type(upload, EXTENSIONS, refused=_refused)


def check_size(upload: UploadedFile) -> None:
    core_files.check_size(upload, max_bytes())


def store_encrypted(upload: UploadedFile) -> tuple[str, int, str]:
    """Encrypt the upload into a new file of the storage; return its name, the plaintext size and SHA-256."""
    stored = FILES.store(upload)
    return stored.name, stored.size, stored.sha256


def open_document(storage_name: str) -> Iterator[bytes]:
    """The decrypted content, chunk by chunk, each chunk authenticated."""
    return FILES.open(storage_name)


def delete_file(storage_name: str) -> None:
    FILES.delete(storage_name)


def download_name(original_name: str, content_type: str) -> str:
    stem = os.path.splitext(original_name)[0] or "Dokument"
    return f"{stem}{EXTENSIONS.get(content_type, '.bin')}"


def delete_orphans(known_storage_names: set[str], older_than: timedelta) -> int:
    """Delete ``coaching/*.skc`` files no row knows that are older than ``older_than``; return how many."""
    return FILES.delete_orphans(known_storage_names, older_than)

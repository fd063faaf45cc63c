"""Files of the publications library: PDF, PNG or JPEG by their bytes, at most 20 MB, kept by ``core.files`` under
``publications/<uuid><ext>`` in the storage ``evidence``. Publications are public documents, so they are not
encrypted; they are served only through the application."""

from collections.abc import Iterator

from django.core.files.uploadedfile import UploadedFile

from sikom.core import files as core_files
from sikom.core.files import JPEG, PDF, PNG, FileRejected, sanitize_name  # noqa: F401 (the app's names for callers)

STORAGE_ALIAS = core_files.STORAGE_ALIAS
MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
FOLDER = "publications"
FILES = core_files.Folder(FOLDER, encrypted=False, extensions=EXTENSIONS)


def check(upload: UploadedFile) -> str:
    """The content type by the file's bytes; FileRejected (German) when it is too large, empty or not allowed."""
    return core_files.check(upload, limit=MAX_BYTES, allowed=EXTENSIONS, refused=core_files.refused_unless_pdf_or_image)


def store(upload: UploadedFile, content_type: str) -> str:
    return FILES.store(upload, content_type).name


def open_file(storage_name: str) -> Iterator[bytes]:
    return FILES.open(storage_name)


def delete(storage_name: str) -> None:
    FILES.delete(storage_name)


def download_name(publication) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in publication.title)[:60].strip("-") or "Publikation"
    return f"{stem}{EXTENSIONS.get(publication.file_content_type, '.bin')}"

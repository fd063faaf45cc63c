"""Source files of a request (a photo of a flyer, a screenshot of a post, a PDF): the type is recognised from the
bytes by the incident report's rules (`reports.evidence.detect_type`: photos, PDF, e-mails, text; programs and
archives refused), the size is limited like evidence, and the file is kept encrypted at rest by ``core.files``
(SKF2, a key per file) in the private storage ``evidence``.

Names are ``netrequests/<uuid>.skn``: a suffix of their own, so the intake's sweep of unknown evidence files (which
takes every ``.skf``) leaves them alone; `delete_orphans` sweeps this folder. A `SourceFile` row is what makes a file
known; a file whose row could not be written is deleted at once."""

from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile

from sikom.core import files as core_files
from sikom.reports.evidence import MAX_FILE_BYTES, SNIFF_BYTES, EvidenceRejected, detect_type, sanitize_name

# The one rejection of core.files under the name this app's callers know.
SourceRejected = core_files.FileRejected

STORAGE_ALIAS = core_files.STORAGE_ALIAS
FOLDER = "netrequests"
SUFFIX = ".skn"
FILES = core_files.Folder(FOLDER, suffix=SUFFIX)
MAX_FILES_PER_REQUEST = 10


def check(upload: UploadedFile) -> str:
    """The content type, or SourceRejected with a German message naming the file."""
    core_files.check_size(upload, MAX_FILE_BYTES)
    upload.seek(0)
    try:
        return detect_type(upload.read(SNIFF_BYTES), sanitize_name(upload.name or ""))
    except EvidenceRejected as rejected:
        raise SourceRejected(rejected.message) from rejected


def suffix(content_type: str) -> str:
    return core_files.extension(content_type)


def store_encrypted(upload: UploadedFile) -> tuple[str, int, str]:
    """Encrypt the upload into a new file of the storage; return its name, the plaintext size and SHA-256."""
    stored = FILES.store(upload)
    return stored.name, stored.size, stored.sha256


def save_encrypted(chunks: Iterable[bytes]) -> tuple[str, int, str]:
    """Encrypt ``chunks`` under the current key into a new file of the storage; return its name, the plaintext size
    and SHA-256 (to rewrite a file under a new key: `rotation.py`)."""
    stored = FILES.save_encrypted(chunks)
    return stored.name, stored.size, stored.sha256


def is_current(storage_name: str) -> bool:
    """Whether the file is in the current format under the key that encrypts now; DecryptionError if it is not an
    encrypted file at all."""
    return FILES.is_current(storage_name)


def open_source(storage_name: str) -> Iterator[bytes]:
    return FILES.open(storage_name)


def delete_file(storage_name: str) -> None:
    FILES.delete(storage_name)


def delete_orphans(known_storage_names: set[str], older_than: timedelta) -> int:
    """Delete ``netrequests/*.skn`` files no row knows that are older than ``older_than``; return how many."""
    return FILES.delete_orphans(known_storage_names, older_than)

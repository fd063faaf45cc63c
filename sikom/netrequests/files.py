"""Source files of a request (a photo of a flyer, a screenshot of a post, a PDF): the type is recognised from the
bytes by the incident report's rules (`reports.evidence.detect_type`: photos, PDF, e-mails, text; programs and
archives refused), the size is limited like evidence, and the file is stored encrypted at rest (`core.crypto`, SKF2)
in the private storage ``evidence``.

Names are ``netrequests/<uuid>.skn``: a suffix of their own, so the intake's sweep of unknown evidence files (which
takes every ``.skf``) leaves them alone; `delete_orphans` sweeps this folder. A `SourceFile` row is what makes a file
known; a file whose row could not be written is deleted at once."""

import tempfile
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core.crypto import StreamEncryptor, decrypt_stream, read_header
from sikom.reports.evidence import MAX_FILE_BYTES, SNIFF_BYTES, EvidenceRejected, detect_type, sanitize_name

STORAGE_ALIAS = "evidence"
FOLDER = "netrequests"
SUFFIX = ".skn"
MAX_FILES_PER_REQUEST = 10


class SourceRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(upload: UploadedFile) -> str:
    """The content type, or SourceRejected with a German message naming the file."""
    name = sanitize_name(upload.name or "")
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise SourceRejected(
            _("Die Datei »%(name)s« ist größer als %(mb)d MB und wurde nicht gespeichert.")
            % {"name": name, "mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        return detect_type(upload.read(SNIFF_BYTES), name)
    except EvidenceRejected as rejected:
        raise SourceRejected(rejected.message) from rejected


def suffix(content_type: str) -> str:
    return {
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "image/heic": ".heic",
        "application/pdf": ".pdf",
        "message/rfc822": ".eml",
        "text/plain": ".txt",
    }.get(content_type, ".bin")


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
        raise ValueError(f"invalid request source storage name: {storage_name!r}")
    return storage_name


def store_encrypted(upload: UploadedFile) -> tuple[str, int, str]:
    """Encrypt the upload into a new file of the storage; return its name, the plaintext size and SHA-256."""
    upload.seek(0)
    return save_encrypted(upload.chunks())


def save_encrypted(chunks: Iterable[bytes]) -> tuple[str, int, str]:
    """Encrypt ``chunks`` under the current key into a new file of the storage; return its name, the plaintext size
    and SHA-256 (for an upload, and to rewrite a file under a new key: `rotation.py`)."""
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        with StreamEncryptor(spool) as encryptor:
            for chunk in chunks:
                encryptor.write(chunk)
        spool.seek(0)
        name = _storage().save(f"{FOLDER}/{uuid.uuid4().hex}{SUFFIX}", File(spool))
    return name, encryptor.size, encryptor.sha256_hex


def is_current(storage_name: str) -> bool:
    """Whether the file is in the current format under the key that encrypts now; DecryptionError if it is not an
    encrypted file at all."""
    with _storage().open(_checked(storage_name), "rb") as source:
        return read_header(source).is_current


def open_source(storage_name: str) -> Iterator[bytes]:
    name = _checked(storage_name)

    def chunks() -> Iterator[bytes]:
        with _storage().open(name, "rb") as source:
            yield from decrypt_stream(source)

    return chunks()


def delete_file(storage_name: str) -> None:
    _storage().delete(_checked(storage_name))


def delete_orphans(known_storage_names: set[str], older_than: timedelta) -> int:
    """Delete ``netrequests/*.skn`` files no row knows that are older than ``older_than`` (a crash between storing
    a file and committing its row); only the storage API is used, so it works on an object store."""
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

"""Uploaded files an app keeps in the private storage ``evidence`` (``core.storage``: file system or object store),
one folder per app (decision 0049).

What every app did alike lives here once: the type sniffed from the bytes (never from the name or the browser's
claim) against the types the app allows, the size limit with one German message, storing (encrypted at rest with a
key per file, ``core.crypto`` SKF2, decisions 0010 and 0015, or plain for public documents), reading back chunk by
chunk (decrypted and authenticated segment by segment), storage names that are checked before every use (only the
app's folder and suffix, no traversal), deleting, and the sweep of files no row knows. An app's ``files.py`` keeps
only its settings: a ``Folder`` and the allowed types.

Encrypted files are named ``<folder>/<uuid><suffix>`` with a suffix of the app's own (not ``.skf``), so the intake's
sweep of unknown evidence files (every ``.skf`` file in the storage) leaves them alone and each app's sweep takes only
its own. Plain files are named ``<folder>/<uuid><extension of the type>``.
"""

import hashlib
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core import audit
from sikom.core.crypto import DecryptionError, StreamEncryptor, decrypt_stream, read_header

STORAGE_ALIAS = "evidence"
SNIFF_BYTES = 4096
CHUNK_BYTES = 64 * 1024
MAX_NAME_LENGTH = 200

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    ODT: ".odt",
    DOCX: ".docx",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
}


def extension(content_type: str) -> str:
    """The file name extension a download of this (sniffed) type gets; ``.bin`` for anything else."""
    return EXTENSIONS.get(content_type, ".bin")


class FileRejected(Exception):
    """A file we do not accept; ``message`` is German and names the file, ready to show at the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sanitize_name(file_name: str) -> str:
    """The client's file name as metadata: last path component, printable, at most 200 characters."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        # Keep a short extension, so the shortened name still says what it is.
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext if len(ext) <= 16 else name[:MAX_NAME_LENGTH]
    return name or _("Datei ohne Namen")


# Checking an upload


def megabytes(size: int) -> str:
    """A limit in MB as the messages show it: whole numbers as such, below 1 MB with a German decimal comma."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}".replace(".", ",")


def check_size(upload: UploadedFile, limit: int, rejected: type[FileRejected] = FileRejected) -> None:
    if upload.size is None or upload.size > limit:
        raise rejected(
            _("Die Datei »%(name)s« ist größer als %(mb)s MB und wurde nicht gespeichert.")
            % {"name": sanitize_name(upload.name or ""), "mb": megabytes(limit)}
        )


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


def _sniff(upload: UploadedFile, head: bytes, allowed: frozenset[str]) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    # Opening the archive only when the caller takes office documents: anyone else refuses every ZIP unread.
    if head.startswith(b"PK\x03\x04") and allowed & {ODT, DOCX}:
        return _zip_type(upload)
    return None


def _not_accepted(name: str) -> str:
    return _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen.") % {"name": name}


def detect_type(
    upload: UploadedFile,
    allowed: Iterable[str],
    *,
    refused: Callable[[str], str] = _not_accepted,
    rejected: type[FileRejected] = FileRejected,
) -> str:
    """The content type by the file's bytes, one of ``allowed``; ``rejected`` (German) when the file is empty or of
    another type. ``refused`` makes the message for a type not allowed from the file's (sanitized) name."""
    allowed = frozenset(allowed)
    name = sanitize_name(upload.name or "")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head:
        raise rejected(_("Die Datei »%(name)s« ist leer.") % {"name": name})
    detected = _sniff(upload, head, allowed)
    upload.seek(0)
    if detected not in allowed:
        raise rejected(refused(name))
    return detected


def check(
    upload: UploadedFile,
    *,
    limit: int,
    allowed: Iterable[str],
    refused: Callable[[str], str] = _not_accepted,
) -> str:
    """Size first, then the type by the bytes: the content type, or FileRejected with a German message."""
    check_size(upload, limit)
    return detect_type(upload, allowed, refused=refused)


def refused_unless_pdf_or_image(name: str) -> str:
    """The refusal of a caller that takes PDF, PNG and JPEG (publications, funding attachments)."""
    return _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen. Erlaubt sind PDF, PNG und JPEG.") % {
        "name": name
    }


# Keeping files


@dataclass(frozen=True)
class Stored:
    name: str
    size: int  # of the plaintext
    sha256: str  # of the plaintext


@dataclass(frozen=True)
class Folder:
    """An app's files: ``folder/`` in the storage ``evidence``; encrypted under ``suffix`` (``.skc``, ``.skn`` …),
    or plain under the extension of their type when ``encrypted`` is False (public documents only)."""

    folder: str
    suffix: str = ""
    encrypted: bool = True
    extensions: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.encrypted and (not self.suffix.startswith(".") or self.suffix == ".skf"):
            raise ValueError("an encrypted folder needs a suffix of its own (not .skf, the intake's)")
        if not self.encrypted and not self.extensions:
            raise ValueError("a plain folder needs the extensions of its types")

    @property
    def storage(self) -> Storage:
        return storages[STORAGE_ALIAS]

    def _suffixes(self) -> set[str]:
        return {self.suffix} if self.encrypted else set(self.extensions.values())

    def checked(self, storage_name: str) -> str:
        """``storage_name`` if it is a plain name of this folder (``folder/<name><suffix>``), else ValueError: a
        name from the database is never trusted to stay inside the folder."""
        parts = storage_name.split("/")
        if (
            len(parts) != 2
            or parts[0] != self.folder
            or not parts[1]
            or parts[1] in {".", ".."}
            or "\\" in storage_name
            or "\x00" in storage_name
            or os.path.splitext(parts[1])[1] not in self._suffixes()
        ):
            raise ValueError(f"invalid {self.folder} storage name: {storage_name!r}")
        return storage_name

    def store(self, upload: UploadedFile, content_type: str | None = None) -> Stored:
        """Keep the upload as a new file; ``content_type`` names the extension of a plain file."""
        upload.seek(0)
        if self.encrypted:
            return self.save_encrypted(upload.chunks())
        digest, size = hashlib.sha256(), 0
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
        upload.seek(0)
        name = self.storage.save(f"{self.folder}/{uuid.uuid4().hex}{self.extensions[content_type]}", upload)
        return Stored(name, size, digest.hexdigest())

    def save_encrypted(self, chunks: Iterable[bytes]) -> Stored:
        """Encrypt ``chunks`` under the current key into a new file (for an upload, and to rewrite a file under a
        new key). Spooled to an anonymous local file first, so only a complete file reaches the storage (0015)."""
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            with StreamEncryptor(spool) as encryptor:
                for chunk in chunks:
                    encryptor.write(chunk)
            spool.seek(0)
            name = self.storage.save(f"{self.folder}/{uuid.uuid4().hex}{self.suffix}", File(spool))
        return Stored(name, encryptor.size, encryptor.sha256_hex)

    def open(self, storage_name: str) -> Iterator[bytes]:
        """The content, chunk by chunk; for an encrypted folder each chunk is decrypted and authenticated (a
        tampered file raises ``DecryptionError`` at the first bad segment). The name is checked at once."""
        name = self.checked(storage_name)

        def chunks() -> Iterator[bytes]:
            with self.storage.open(name, "rb") as source:
                yield from (decrypt_stream(source) if self.encrypted else _raw_chunks(source))

        return chunks()

    def is_current(self, storage_name: str) -> bool:
        """Whether the file is in the current format under the key that encrypts now; DecryptionError if it is not
        an encrypted file at all."""
        with self.storage.open(self.checked(storage_name), "rb") as source:
            return read_header(source).is_current

    def delete(self, storage_name: str) -> None:
        self.storage.delete(self.checked(storage_name))

    def delete_orphans(self, known_storage_names: set[str], older_than: timedelta) -> int:
        """Delete this folder's files no row knows that are older than ``older_than`` (a crash between storing a file
        and committing its row, a replaced file); return how many. Only ``listdir``, ``get_modified_time`` and
        ``delete`` are used, so it works on an object store."""
        storage = self.storage
        cutoff = timezone.now() - older_than
        try:
            names = storage.listdir(self.folder)[1]
        except FileNotFoundError:
            return 0
        suffixes = self._suffixes()
        deleted = 0
        for name in names:
            storage_name = f"{self.folder}/{name}"
            if os.path.splitext(name)[1] not in suffixes or storage_name in known_storage_names:
                continue
            try:
                if storage.get_modified_time(storage_name) >= cutoff:
                    continue
                storage.delete(storage_name)
            except FileNotFoundError:
                continue
            deleted += 1
        return deleted


def _raw_chunks(source: BinaryIO) -> Iterator[bytes]:
    while chunk := source.read(CHUNK_BYTES):
        yield chunk


def reencrypt(folder: Folder, rows: QuerySet, *, action_prefix: str, item: str) -> dict[str, int]:
    """Rewrite every file of ``rows`` (a model with ``storage_name``, ``sha256`` and ``size`` of the plaintext) that
    is in an old format or under an older key as a new file under the first key of ENCRYPTION_KEYS (key rotation,
    docs/operations.md »Schlüsselwechsel«; the same steps as ``reencrypt_evidence``).

    The file is decrypted and encrypted again as a stream into a new name; the row is switched only if the
    plaintext's SHA-256 and size match what was recorded at upload and the row still points to the old name (a
    concurrent delete wins); the obsolete file is deleted after the commit. Unreadable files are left alone, counted
    and audited as ``<action_prefix>.<item>_unreadable``; the run as ``<action_prefix>.<item>s_reencrypted``. Safe to
    interrupt and to run again."""
    counts = {"checked": 0, "reencrypted": 0, "unreadable": 0}
    model = rows.model
    unreadable = f"{action_prefix}.{item}_unreadable"
    for row in rows.only("pk", "storage_name", "sha256", "size").iterator():
        counts["checked"] += 1
        try:
            if folder.is_current(row.storage_name):
                continue
            stored = folder.save_encrypted(folder.open(row.storage_name))
        except (DecryptionError, FileNotFoundError) as error:
            counts["unreadable"] += 1
            audit.log(unreadable, data={"file": str(row.pk), "error": str(error)})
            continue
        if (stored.sha256, stored.size) != (row.sha256, row.size):
            folder.delete(stored.name)
            counts["unreadable"] += 1
            audit.log(unreadable, data={"file": str(row.pk), "error": "checksum differs"})
            continue
        with transaction.atomic():
            switched = model.objects.filter(pk=row.pk, storage_name=row.storage_name).update(storage_name=stored.name)
            obsolete = row.storage_name if switched else stored.name
            transaction.on_commit(lambda name=obsolete: folder.delete(name))
        counts["reencrypted"] += switched
    audit.log(f"{action_prefix}.{item}s_reencrypted", data=counts)
    return counts


class ReencryptCommand(BaseCommand):
    """An app's ``reencrypt_…`` command: ``rotate()`` returns the counts of `reencrypt`; it prints them and exits
    non-zero when a file could not be read, so a rotation script stops before the old key is removed."""

    what = "files"  # in the error: "<n> <what> could not be re-encrypted"
    unreadable_action = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.help = (
            f"Re-encrypt {cls.what} in an old format or under an older key with the first key of ENCRYPTION_KEYS, so "
            "the old key can be removed afterwards. Safe to interrupt and to run again."
        )

    def rotate(self) -> dict[str, int]:
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        result = self.rotate()
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
        if result["unreadable"]:
            raise CommandError(
                f"{result['unreadable']} {self.what} could not be re-encrypted (see the audit log, action "
                f"{self.unreadable_action}); keep the old keys until they are resolved."
            )

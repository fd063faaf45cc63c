"""Evidence files: checked by content, encrypted while they stream in, kept in the storage ``"evidence"``.

An upload goes through ``EvidenceUploadHandler``: every 64 KiB chunk is encrypted on arrival (``core.crypto``) into
an anonymous local spool file, so plaintext never touches a disk and no file is held in memory whole; the complete
ciphertext is then handed to the storage with ``storage.save()`` (the file system under ``EVIDENCE_ROOT``, or an
S3-compatible object store; decision 0015). The type is decided from the first 64 KiB by ``detect_type``, never from
the name or the browser's claim. Accepted files land in ``incoming/`` and stay there: the database row (of a draft or
a report) is what makes a file known, so a file is never moved while the row points to it. Files nobody references
are removed by ``delete_orphans`` (the caller passes the names the database knows).

Storage names are relative (``incoming/<hex>.skf``); the client's file name is kept only as metadata, never as a
name in the storage.
"""

import codecs
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sikom.core.crypto import StreamEncryptor, decrypt_stream, read_header
from sikom.core.files import sanitize_name

MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 64 * 1024

STORAGE_ALIAS = "evidence"
INCOMING = "incoming"
SUFFIX = ".skf"

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
PDF = "application/pdf"
EMAIL = "message/rfc822"
TEXT = "text/plain"

# Kinds are what a person recognises (photo, PDF, e-mail, text); a file is refused when its name promises one kind and
# its content is another. Within a kind we accept a mismatch: phones and messengers often save HEIC or WebP as .jpg.
_KIND_OF_TYPE = {JPEG: "image", PNG: "image", WEBP: "image", HEIC: "image", PDF: "pdf", EMAIL: "email", TEXT: "text"}
_KIND_OF_EXTENSION = {
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".webp": "image",
    ".heic": "image",
    ".heif": "image",
    ".pdf": "pdf",
    ".eml": "email",
    ".txt": "text",
}
# A .txt may hold a pasted or exported e-mail: harmless, and the reporter could not know the difference.
_ACCEPTED_KINDS = {"image": {"image"}, "pdf": {"pdf"}, "email": {"email"}, "text": {"text", "email"}}

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE, DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32/64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (also Java class files)
    b"#!",
)
_ARCHIVE_SIGNATURES = (
    b"PK\x03\x04",  # ZIP, and with it .docx, .xlsx, .odt, .jar, .apk
    b"PK\x05\x06",  # empty ZIP
    b"PK\x07\x08",  # spanned ZIP
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
)
_EMAIL_HEADERS = {"from", "to", "date", "subject", "received", "return-path", "message-id", "mime-version"}
_HEADER_FIELD = re.compile(r"([!-9;-~]+):(.*)")  # RFC 5322: printable ASCII except colon, then a colon
_ALLOWED_CONTROLS = {"\t", "\r", "\n", "\f"}


class EvidenceRejected(Exception):
    """A file we do not accept; ``message`` is German and names the file, ready to show to the reporter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Recognising the content


def _is_heic(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[:4], "big")
    # A size of 0 means "to the end of the file", 1 means a 64-bit size follows; neither is a sane ftyp box.
    if box_size < 16 or box_size > 4096:
        return False
    box = head[8 : min(box_size, len(head))]
    if box[:4] in {b"avif", b"avis"}:
        return False  # AVIF lists mif1 as compatible too; it is not HEIC and must not be labelled so
    brands = [box[:4]] + [box[i : i + 4] for i in range(8, len(box) - 3, 4)]  # major, minor version, compatibles
    return any(brand in _HEIC_BRANDS for brand in brands)


def _decode_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    # Incremental with final=False: the head may end in the middle of a multi-byte character.
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    try:
        return head.decode("cp1252")
    except UnicodeDecodeError:
        # Bytes undefined in CP1252 are C1 controls in Latin-1 and count against the control budget below.
        return head.decode("latin-1")


def _is_text(head: bytes) -> tuple[bool, str]:
    text = _decode_text(head)
    if text is None:
        return False, ""
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS)
    return controls * 100 < len(text), text


def _is_email(text: str) -> bool:
    lines = text.lstrip("\r\n").splitlines()
    if lines and lines[0].startswith("From "):
        lines = lines[1:]  # the mbox separator some mail programs put before the first header
    names: set[str] = set()
    seen_field = False
    for line in lines:
        if not line.strip():
            break  # the blank line ends the header section
        if line[0] in " \t":
            if not seen_field:
                return False
            continue  # a folded continuation of the previous field
        match = _HEADER_FIELD.fullmatch(line)
        if match is None:
            return False
        seen_field = True
        names.add(match.group(1).lower())
    return len(names & _EMAIL_HEADERS) >= 2


def _sniff(head: bytes) -> str | None:
    """The content type by content, ``"executable"``/``"archive"`` for what we always refuse, or None."""
    if head.startswith(_EXECUTABLE_SIGNATURES):
        return "executable"
    if head.startswith(_ARCHIVE_SIGNATURES):
        return "archive"
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if _is_heic(head):
        return HEIC
    if b"%PDF-" in head[:1024]:
        return PDF
    is_text, text = _is_text(head)
    if is_text:
        return EMAIL if _is_email(text) else TEXT
    return None


def _not_the_named_kind(name: str, claimed: str) -> str:
    if claimed == "image":
        return _("Die Datei »%(name)s« ist kein Bild, obwohl der Name das angibt.") % {"name": name}
    if claimed == "pdf":
        return _("Die Datei »%(name)s« ist keine PDF-Datei, obwohl der Name das angibt.") % {"name": name}
    if claimed == "email":
        return _("Die Datei »%(name)s« ist keine E-Mail, obwohl der Name das angibt.") % {"name": name}
    return _("Die Datei »%(name)s« ist keine Textdatei, obwohl der Name das angibt.") % {"name": name}


def _allowed_formats() -> str:
    return _("Erlaubt sind Fotos (JPEG, PNG, WebP, HEIC), PDF, E-Mails (.eml) und Textdateien.")


def detect_type(head: bytes, filename: str) -> str:
    """The canonical content type of a file from its first (up to) 64 KiB; raise EvidenceRejected otherwise.

    The name only matters to catch disguises: a name ending in an allowed extension (.jpg, .pdf, .eml, .txt, …)
    must match the kind of content. Programs, scripts and archives are refused whatever the name.
    """
    name = sanitize_name(filename)
    if not head:
        raise EvidenceRejected(_("Die Datei »%(name)s« ist leer.") % {"name": name})
    detected = _sniff(head)
    claimed = _KIND_OF_EXTENSION.get(os.path.splitext(name)[1].lower())
    kind = _KIND_OF_TYPE.get(detected or "")
    if claimed is not None and kind not in _ACCEPTED_KINDS[claimed]:
        if detected == "executable":
            reason = _(
                "Sie enthält ein Programm oder Skript; solche Dateien nehmen wir aus Sicherheitsgründen nicht an."
            )
        elif detected == "archive":
            reason = _(
                "Sie ist ein Archiv (etwa ZIP oder eine Office-Datei); bitte laden Sie die Dateien darin einzeln hoch."
            )
        elif kind is not None:
            reason = _("Bitte laden Sie die Originaldatei mit ihrem ursprünglichen Namen hoch.")
        else:
            reason = _allowed_formats()
        raise EvidenceRejected(f"{_not_the_named_kind(name, claimed)} {reason}")
    if detected == "executable":
        raise EvidenceRejected(
            _(
                "Die Datei »%(name)s« ist ein Programm oder Skript. Solche Dateien nehmen wir aus Sicherheitsgründen nicht an."
            )
            % {"name": name}
        )
    if detected == "archive":
        raise EvidenceRejected(
            _(
                "Die Datei »%(name)s« ist ein Archiv (etwa ZIP oder eine Office-Datei wie .docx). Bitte laden Sie die "
                "Dateien darin einzeln hoch; Office-Dokumente speichern Sie bitte als PDF."
            )
            % {"name": name}
        )
    if detected is None:
        raise EvidenceRejected(
            _("Die Datei »%(name)s« hat ein Format, das wir nicht annehmen.") % {"name": name}
            + " "
            + _allowed_formats()
        )
    return detected


# Storage


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _checked(storage_name: str) -> str:
    """The storage name, if it is one we could have made; ValueError for anything that could leave the storage."""
    pure = PurePosixPath(storage_name)
    if (
        not storage_name
        or "\\" in storage_name
        or "\x00" in storage_name
        or pure.is_absolute()
        or any(part in {"..", "."} for part in storage_name.split("/"))
        or pure.suffix != SUFFIX
    ):
        raise ValueError(f"invalid evidence storage name: {storage_name!r}")
    return storage_name


def _decrypted(storage_name: str) -> Iterator[bytes]:
    with _storage().open(storage_name, "rb") as source:
        yield from decrypt_stream(source)


def open_evidence(storage_name: str) -> Iterator[bytes]:
    """The decrypted content, chunk by chunk (each chunk authenticated; see ``core.crypto.decrypt_stream``).

    The name is checked at once; the file is opened on the first chunk and closed when the iterator is exhausted or
    closed (a streaming response closes it)."""
    return _decrypted(_checked(storage_name))


def is_current(storage_name: str) -> bool:
    """Whether the file is in the current format under the key that encrypts now (re-encryption would change
    nothing); DecryptionError if it is not an encrypted file at all."""
    with _storage().open(_checked(storage_name), "rb") as source:
        return read_header(source).is_current


def save_encrypted(chunks: Iterable[bytes]) -> tuple[str, StreamEncryptor]:
    """Encrypt ``chunks`` into a new file in the evidence storage; return its storage name and the encryptor (for
    size and SHA-256 of the plaintext). Used to rewrite files under the current key (``reencrypt_evidence``)."""
    with _spool() as spool:
        with StreamEncryptor(spool) as encryptor:
            for chunk in chunks:
                encryptor.write(chunk)
        return _store(spool), encryptor


def _spool() -> BinaryIO:
    # Anonymous (unlinked at once where the OS allows): a killed process leaves no spool file behind.
    return tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)


def _store(spool: BinaryIO) -> str:
    """Hand a complete encrypted spool file to the storage under a new random name; return the name it got."""
    spool.seek(0)
    return _storage().save(f"{INCOMING}/{uuid.uuid4().hex}{SUFFIX}", File(spool))


def delete_evidence_file(storage_name: str) -> None:
    _storage().delete(_checked(storage_name))


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def delete_orphans(known_storage_names: set[str], older_than: timedelta) -> int:
    """Delete .skf files in the evidence storage that the database does not know and that are older than
    ``older_than``; return how many were deleted.

    ``older_than`` must exceed the longest upload and form round trip, or a file saved but whose row is not yet
    committed could be taken. Only the storage API is used (``listdir``, ``get_modified_time``, ``delete``), so this
    works on an object store as on the file system (where symbolic links are neither followed nor deleted).
    """
    storage = _storage()
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in _walk(storage):
        if not name.endswith(SUFFIX) or name in known_storage_names:
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue
            storage.delete(name)
        except FileNotFoundError:
            continue  # removed meanwhile, e.g. by a concurrent run
        deleted += 1
    return deleted


class StoredEvidence(UploadedFile):
    """An accepted, encrypted evidence file, as it appears in ``request.FILES``.

    There is no plaintext file behind it: ``file`` is None, ``read()`` is not available and ``close()`` does
    nothing. ``chunks()`` decrypts from storage. ``name`` and ``original_name`` are the sanitised client file name.
    """

    def __init__(self, *, storage_name: str, original_name: str, content_type: str, size: int, sha256: str) -> None:
        super().__init__(file=None, name=original_name, content_type=content_type, size=size)
        self.storage_name = storage_name
        self.original_name = original_name
        self.sha256 = sha256

    def open(self, mode: str | None = None) -> "StoredEvidence":
        return self

    def close(self) -> None:
        # Django closes every uploaded file after the request; the encrypted file was already closed on completion.
        return None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return open_evidence(self.storage_name)

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<StoredEvidence: {self.storage_name} ({self.content_type}, {self.size} bytes)>"


@dataclass
class _Incoming:
    original_name: str
    spool: BinaryIO
    encryptor: StreamEncryptor
    head: bytearray = field(default_factory=bytearray)
    content_type: str | None = None
    size: int = 0


class EvidenceUploadHandler(FileUploadHandler):
    """Encrypts each uploaded file as it streams in and stores it as ``incoming/<uuid>.skf`` in the evidence storage.

    Use it as the request's only upload handler, before anything reads ``request.POST``:
    ``request.upload_handlers = [EvidenceUploadHandler(request)]`` in a view that is ``csrf_exempt`` with the CSRF
    check done afterwards by an inner ``csrf_protect`` (Django's documented pattern; the CSRF middleware would
    otherwise parse the body with the default handlers first).

    Accepted files appear in ``request.FILES`` as ``StoredEvidence``; refused ones are left out and their German
    messages are collected in ``request.evidence_rejections``. A request stores at most ``slots_left`` files (keyword,
    else ``request.evidence_slots_left``, else ``MAX_FILES``; never more than ``MAX_FILES``), so a draft that already
    holds files gets only the rest; refused files use no slot.
    A file refused or cut off while it arrives never reaches the storage (its spool file is simply closed); a
    request refused after its body was read (CSRF) calls ``discard_stored`` so its files go at once. Files of
    requests that fail halfway may stay in ``incoming/`` until ``delete_orphans`` removes them.
    """

    chunk_size = 64 * 1024

    def __init__(self, request: Any = None, *, slots_left: int | None = None) -> None:
        super().__init__(request)
        if slots_left is None:
            slots_left = getattr(request, "evidence_slots_left", MAX_FILES)
        self.slots_left = max(0, min(MAX_FILES, int(slots_left)))
        self.accepted = 0
        self.rejections: list[str] = []
        self.stored: list[str] = []
        self._current: _Incoming | None = None
        if request is not None:  # the view reads them once the body is parsed
            request.evidence_rejections = self.rejections

    def _reject(self, message: str) -> None:
        self.rejections.append(message)

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict | None = None,
    ) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._discard()  # defensive: a previous file cannot still be open, but must never leak if it were
        name = sanitize_name(file_name)
        if self.accepted >= self.slots_left:
            self._reject(self._no_slot_message(name))
            raise SkipFile
        # The part's own Content-Length is rare and untrusted, but when it already says "too big" we need not wait.
        if content_length is not None and content_length > MAX_FILE_BYTES:
            self._reject_too_big(name)
            raise SkipFile
        spool = _spool()
        try:
            encryptor = StreamEncryptor(spool)
        except BaseException:
            spool.close()
            raise
        self._current = _Incoming(name, spool, encryptor)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        current = self._current
        if current is None:
            return None
        current.size += len(raw_data)
        if current.size > MAX_FILE_BYTES:
            self._discard()
            self._reject_too_big(current.original_name)
            raise SkipFile
        try:
            current.encryptor.write(raw_data)
        except BaseException:
            self._discard()
            raise
        if current.content_type is None:
            current.head += raw_data[: SNIFF_BYTES - len(current.head)]
            if len(current.head) >= SNIFF_BYTES and not self._detect(current):
                raise SkipFile
        return None  # consumed: later handlers get nothing

    def file_complete(self, file_size: int) -> StoredEvidence | None:
        current = self._current
        if current is None:
            return None
        if current.content_type is None and not self._detect(current):
            return None
        try:
            current.encryptor.close()
            storage_name = _store(current.spool)
        finally:
            self._discard()
        self.accepted += 1
        self.stored.append(storage_name)
        return StoredEvidence(
            storage_name=storage_name,
            original_name=current.original_name,
            content_type=current.content_type,  # type: ignore[arg-type]  # set by _detect
            size=current.encryptor.size,
            sha256=current.encryptor.sha256_hex,
        )

    def upload_interrupted(self) -> None:
        # Django also calls this when the last file was skipped; only a file still being written was cut off.
        if self._current is not None:
            name = self._current.original_name
            self._discard()
            self._reject(
                _("Die Übertragung der Datei »%(name)s« wurde abgebrochen. Bitte laden Sie sie noch einmal hoch.")
                % {"name": name}
            )

    def upload_complete(self) -> None:
        self._discard()
        return None

    def discard_stored(self) -> None:
        """Delete every file this request stored (and one still being written): the request was refused."""
        self._discard()
        for storage_name in self.stored:
            delete_evidence_file(storage_name)
        self.stored = []

    def _detect(self, current: _Incoming) -> bool:
        """Set the content type from the head, or discard the file and record why; True when accepted."""
        try:
            current.content_type = detect_type(bytes(current.head), current.original_name)
        except EvidenceRejected as rejected:
            self._discard()
            self._reject(rejected.message)
            return False
        current.head = bytearray()  # the plaintext head is not needed any more
        return True

    def _no_slot_message(self, name: str) -> str:
        # The view may give fewer slots than MAX_FILES (files already in the draft); say which limit was reached.
        if self.slots_left >= MAX_FILES:
            return _(
                "Die Datei »%(name)s« wurde nicht gespeichert: Sie können höchstens %(max)d Dateien auf einmal hochladen."
            ) % {"name": name, "max": MAX_FILES}
        if self.slots_left == 0:
            return _(
                "Die Datei »%(name)s« wurde nicht gespeichert: Zu dieser Meldung können keine weiteren Dateien hinzugefügt werden."
            ) % {"name": name}
        return ngettext(
            "Die Datei »%(name)s« wurde nicht gespeichert: Zu dieser Meldung konnte nur noch %(count)d Datei hinzugefügt werden.",
            "Die Datei »%(name)s« wurde nicht gespeichert: Zu dieser Meldung konnten nur noch %(count)d Dateien hinzugefügt werden.",
            self.slots_left,
        ) % {"name": name, "count": self.slots_left}

    def _reject_too_big(self, name: str) -> None:
        self._reject(
            _("Die Datei »%(name)s« ist größer als %(mb)d MB und wurde nicht gespeichert.")
            % {"name": name, "mb": MAX_FILE_BYTES // (1024 * 1024)}
        )

    def _discard(self) -> None:
        current, self._current = self._current, None
        if current is not None:
            current.spool.close()  # an anonymous temporary file: closing it removes it

"""Encryption at rest for sensitive fields and evidence files.

Keys come from ``settings.ENCRYPTION_KEYS``: urlsafe-base64 32-byte keys, the first encrypts, all decrypt, so a key is
rotated by putting the new one first and keeping the old ones until everything has been re-encrypted. Every token and
file names the key it was made with by an id (first 8 hex characters of SHA-256 of the key), so decryption never has
to try keys. Fields and files use separate sub-keys derived with HKDF, so nonces of the two never share a key.

Fields: ``"enc1:<keyid>:<urlsafe b64 of nonce + ciphertext>"``, AES-256-GCM, random 96-bit nonce, AAD ``enc1:<keyid>``.

Files (a STREAM construction, after Hoang, Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption and its
Nonce-Reuse Misuse-Resistance", laid out like Tink's AES-GCM-HKDF streaming AEAD; decision 0015): a header
``SKF2 + keyid (8 ASCII bytes) + salt (32 random bytes) + nonce prefix (7 random bytes)``, then segments of up to
64 KiB plaintext, each stored as a 4-byte big-endian ciphertext length and the AES-GCM ciphertext with tag. Every file
has its own AES-256 key, HKDF-SHA256 of the master key with the file's salt (info ``sikom file v2:<keyid>``), so no
two files share a key and the nonce prefix only has to be unique within one file. Segment nonce = prefix + 4-byte
big-endian counter + last flag (0/1); AAD = the header. The counter stops reordering, the last flag stops truncation
and appending, and both files and memory are handled one segment at a time.

Files written before per-file keys (``SKF1``: no salt, every file under one HKDF sub-key of the master key, 19-byte
header) are still read; nothing writes them any more, and ``manage.py reencrypt_evidence`` rewrites them as SKF2.
"""

import base64
import binascii
import dataclasses
import functools
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "enc1"  # noqa: S105 -- a format marker, not a secret
FILE_MAGIC = b"SKF2"
LEGACY_FILE_MAGIC = b"SKF1"
SEGMENT_SIZE = 64 * 1024
_TAG_SIZE = 16
_NONCE_SIZE = 12
_KEY_ID_SIZE = 8
_NONCE_PREFIX_SIZE = 7
_SALT_SIZE = 32  # as Tink: a salt as long as the derived key
_HEADER_SIZE = {
    FILE_MAGIC: len(FILE_MAGIC) + _KEY_ID_SIZE + _SALT_SIZE + _NONCE_PREFIX_SIZE,
    LEGACY_FILE_MAGIC: len(LEGACY_FILE_MAGIC) + _KEY_ID_SIZE + _NONCE_PREFIX_SIZE,
}
_LENGTH = struct.Struct(">I")
_MAX_SEGMENTS = 2**32  # the counter has four bytes; 2**32 segments of 64 KiB are 256 TiB


class DecryptionError(Exception):
    """A token or file cannot be decrypted: unknown key, wrong format, tampered with, truncated or extended."""


@dataclass(frozen=True)
class _Key:
    id: str
    field: AESGCM
    legacy_file: AESGCM  # the one key of every SKF1 file; read only
    raw: bytes = dataclasses.field(repr=False)  # kept out of tracebacks and logs

    def file_key(self, salt: bytes) -> AESGCM:
        """The AES-256-GCM key of one SKF2 file: HKDF-SHA256 of the master key with the file's random salt."""
        info = b"sikom file v2:" + self.id.encode("ascii")
        return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(self.raw))


def _decode_key(value: object, position: int) -> bytes:
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"ENCRYPTION_KEYS[{position}] must be a string (urlsafe base64 of 32 bytes).")
    text = value.strip()
    try:
        # Strict decoding: the lenient decoder silently drops stray characters, which would hide a mangled key.
        raw = base64.b64decode(text.translate(str.maketrans("-_", "+/")) + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"ENCRYPTION_KEYS[{position}] is not valid urlsafe base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"ENCRYPTION_KEYS[{position}] decodes to {len(raw)} bytes; AES-256 needs exactly 32. Generate one with "
            "python -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'"
        )
    return raw


def _derive(raw: bytes, info: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw))


@functools.lru_cache(maxsize=8)
def _keys_for(configured: tuple[object, ...]) -> tuple[_Key, ...]:
    # Cached on the configured values themselves, so overriding the setting (rotation, tests) takes effect at once.
    if not configured:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS is empty: sensitive data cannot be stored without a key. Set ENCRYPTION_KEYS "
            "(or ENCRYPTION_KEYS_FILE) to one or more comma-separated urlsafe-base64 32-byte keys."
        )
    keys: list[_Key] = []
    for position, value in enumerate(configured):
        raw = _decode_key(value, position)
        key_id = hashlib.sha256(raw).hexdigest()[:_KEY_ID_SIZE]
        if any(k.id == key_id for k in keys):
            # The same key twice is a copy-and-paste slip; two keys with one id would make decryption ambiguous.
            raise ImproperlyConfigured(f"ENCRYPTION_KEYS[{position}] repeats a key (key id {key_id}).")
        keys.append(_Key(key_id, _derive(raw, b"sikom field v1"), _derive(raw, b"sikom file v1"), raw))
    return tuple(keys)


def _keys() -> tuple[_Key, ...]:
    configured = getattr(settings, "ENCRYPTION_KEYS", None)
    if isinstance(configured, str | bytes) or configured is None:
        # A bare string would be iterated character by character and give a baffling error about key 0.
        raise ImproperlyConfigured("ENCRYPTION_KEYS must be a list of urlsafe-base64 32-byte keys.")
    return _keys_for(tuple(configured))


def _key_by_id(key_id: str) -> _Key:
    for key in _keys():
        if key.id == key_id:
            return key
    raise DecryptionError(f"unknown key id {key_id!r}")


def current_key_id() -> str:
    """The id of the key new encryptions use (for re-encryption jobs and diagnostics)."""
    return _keys()[0].id


def mac_keys(purpose: bytes) -> tuple[tuple[str, bytes], ...]:
    """HMAC keys for ``purpose``, derived with HKDF from each configured key: ``(key id, key)``, newest first.

    A MAC names its key by the same id as a token, so a value made before a rotation stays verifiable as long as
    its key stays configured.
    """
    configured = getattr(settings, "ENCRYPTION_KEYS", None)
    _keys()  # the same checks of the setting as for encryption
    return _mac_keys_for(tuple(configured), purpose)


@functools.lru_cache(maxsize=8)
def _mac_keys_for(configured: tuple[object, ...], purpose: bytes) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for position, value in enumerate(configured):
        raw = _decode_key(value, position)
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sikom mac v1 " + purpose).derive(raw)
        keys.append((hashlib.sha256(raw).hexdigest()[:_KEY_ID_SIZE], derived))
    return tuple(keys)


def check_keys() -> None:
    """Raise ImproperlyConfigured unless the configured keys are usable; cheap to call at start-up."""
    _keys()


# Fields


def encrypt_text(plain: str) -> str:
    key = _keys()[0]
    nonce = os.urandom(_NONCE_SIZE)
    aad = f"{TOKEN_PREFIX}:{key.id}".encode("ascii")
    sealed = key.field.encrypt(nonce, plain.encode("utf-8"), aad)
    return f"{TOKEN_PREFIX}:{key.id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def decrypt_text(token: str) -> str:
    prefix, _, rest = token.partition(":")
    key_id, _, payload = rest.partition(":")
    if prefix != TOKEN_PREFIX or len(key_id) != _KEY_ID_SIZE or not payload:
        raise DecryptionError("not an enc1 token")
    key = _key_by_id(key_id)
    try:
        blob = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError("token payload is not urlsafe base64") from exc
    if len(blob) < _NONCE_SIZE + _TAG_SIZE:
        raise DecryptionError("token too short")
    try:
        plain = key.field.decrypt(blob[:_NONCE_SIZE], blob[_NONCE_SIZE:], f"{TOKEN_PREFIX}:{key_id}".encode("ascii"))
    except InvalidTag as exc:
        raise DecryptionError("token was tampered with or made with another key") from exc
    return plain.decode("utf-8")


class _NoLookupsMixin:
    def get_lookup(self, lookup_name: str):  # type: ignore[no-untyped-def]
        # Every encryption uses a fresh nonce, so `field="x"` would compare against a different ciphertext and
        # silently match nothing. Only IS NULL means the same thing on ciphertext; anything else fails loudly.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        return None


class EncryptedTextField(_NoLookupsMixin, models.TextField):
    """Text encrypted with AES-256-GCM before it reaches the database (``enc1:…`` tokens).

    The database only ever sees ciphertext, so the column cannot be searched, filtered or ordered meaningfully:
    lookups other than ``__isnull`` raise ``FieldError`` and ``order_by`` on it orders by random ciphertext. Keep
    anything that must be queried in a separate, non-sensitive field. ``None`` is stored as NULL and ``""`` as ``""``
    (an empty value reveals nothing and keeps ``blank=True`` forms simple); every other value is encrypted with the
    first key in ``ENCRYPTION_KEYS``. ``dumpdata`` writes the decrypted text, so treat fixtures as sensitive.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


class EncryptedJSONField(_NoLookupsMixin, models.TextField):
    """Any JSON-serialisable value, stored as encrypted JSON text (``enc1:…`` tokens) in a text column.

    Like ``EncryptedTextField`` it cannot be searched, filtered or ordered meaningfully (only ``__isnull`` works) —
    and unlike ``JSONField`` there are no key lookups. Python ``None`` is stored as SQL NULL, so a JSON ``null`` and
    a missing value are the same; use ``null=True`` where the value is optional. Values go through ``json.dumps``
    unchanged, so dates and decimals must be converted by the caller (a silent conversion would not round-trip).
    """

    description = "JSON encrypted at rest"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        # "" can only come from a column default added by hand; it holds no value.
        if value is None or value == "":
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        # TextField.to_python would turn dicts and lists into their str(); the Python value here is the JSON value.
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj: models.Model) -> Any:
        # As JSONField does: serializers write the structured value, not a JSON string inside JSON.
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


# Files


class StreamEncryptor:
    """Encrypts a stream of any length into ``target`` while holding at most one 64 KiB segment in memory.

    Each instance draws a fresh salt, so each file gets its own key. ``write`` takes chunks of any size; ``close``
    writes the final segment (empty for an empty file) and must be called, or the file is unreadable as truncated.
    ``close`` does not close ``target``. ``sha256_hex`` and ``size`` describe the plaintext, so the checksum shown to
    the reporter is computed without a second pass.
    """

    def __init__(self, target: BinaryIO) -> None:
        key = _keys()[0]
        salt = os.urandom(_SALT_SIZE)
        self._target = target
        self._aead = key.file_key(salt)
        self._header = FILE_MAGIC + key.id.encode("ascii") + salt + os.urandom(_NONCE_PREFIX_SIZE)
        self._prefix = self._header[-_NONCE_PREFIX_SIZE:]
        self._buffer = bytearray()
        self._counter = 0
        self._hash = hashlib.sha256()
        self._size = 0
        self._closed = False
        target.write(self._header)

    @property
    def size(self) -> int:
        return self._size

    @property
    def sha256_hex(self) -> str:
        return self._hash.hexdigest()

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("write to a closed StreamEncryptor")
        self._hash.update(data)
        self._size += len(data)
        view = memoryview(data)
        while view:
            if len(self._buffer) == SEGMENT_SIZE:
                # A full segment is written only once more data follows: the last segment must carry the last flag.
                self._seal(last=False)
            take = SEGMENT_SIZE - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]

    def close(self) -> None:
        if self._closed:
            return
        self._seal(last=True)
        self._closed = True

    def __enter__(self) -> "StreamEncryptor":
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        # On an error the segment with the last flag is deliberately not written: the file stays undecryptable.
        if exc_type is None:
            self.close()

    def _seal(self, *, last: bool) -> None:
        if self._counter >= _MAX_SEGMENTS:
            raise ValueError("stream too long for the segment counter")
        sealed = self._aead.encrypt(
            _segment_nonce(self._prefix, self._counter, last), bytes(self._buffer), self._header
        )
        self._target.write(_LENGTH.pack(len(sealed)))
        self._target.write(sealed)
        self._counter += 1
        self._buffer.clear()


def _segment_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise DecryptionError("file is truncated")
    return data


@dataclass(frozen=True)
class FileHeader:
    """What the header of an encrypted file says: its format (``SKF2``, or ``SKF1`` for old files) and key id."""

    magic: bytes
    key_id: str
    raw: bytes

    @property
    def is_current(self) -> bool:
        """Written in the current format with the key that encrypts now, so re-encryption would change nothing."""
        return self.magic == FILE_MAGIC and self.key_id == current_key_id()

    def aead(self) -> AESGCM:
        key = _key_by_id(self.key_id)
        if self.magic == LEGACY_FILE_MAGIC:
            return key.legacy_file
        return key.file_key(self.raw[len(FILE_MAGIC) + _KEY_ID_SIZE : -_NONCE_PREFIX_SIZE])


def read_header(source: BinaryIO) -> FileHeader:
    """Read and check the header at the start of ``source``; DecryptionError if it is no SKF1/SKF2 file."""
    magic = source.read(len(FILE_MAGIC))
    if magic not in _HEADER_SIZE:
        raise DecryptionError("not an SKF1 or SKF2 file")
    rest = source.read(_HEADER_SIZE[magic] - len(magic))
    if len(rest) != _HEADER_SIZE[magic] - len(magic):
        raise DecryptionError("file is truncated in its header")
    try:
        key_id = rest[:_KEY_ID_SIZE].decode("ascii")
    except UnicodeDecodeError as exc:
        raise DecryptionError("invalid key id in header") from exc
    return FileHeader(magic, key_id, magic + rest)


def decrypt_stream(source: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext of a file written by ``StreamEncryptor`` (or an old SKF1 file), one verified segment at a
    time, reading ``source`` from its current position; ``source`` is not closed.

    Each segment is authenticated before it is yielded; a truncated, reordered, extended or altered file raises
    ``DecryptionError`` at the first bad segment, so a consumer streaming to a response may already have sent the
    segments before it (they are authentic, but the whole is not).
    """
    header = read_header(source)
    aead = header.aead()
    prefix = header.raw[-_NONCE_PREFIX_SIZE:]
    length_bytes = source.read(_LENGTH.size)
    counter = 0
    while True:
        if not length_bytes:
            raise DecryptionError("file is truncated: no final segment")
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError("file is truncated")
        (length,) = _LENGTH.unpack(length_bytes)
        if not _TAG_SIZE <= length <= SEGMENT_SIZE + _TAG_SIZE:
            # Checked before reading, so a forged length cannot make us allocate more than one segment.
            raise DecryptionError("invalid segment length")
        sealed = _read_exactly(source, length)
        # Whether this is the last segment is decided by the file's end, and the tag confirms it: a file cut after
        # any segment but the real last one, or extended after it, fails here.
        length_bytes = source.read(_LENGTH.size)
        last = not length_bytes
        if counter >= _MAX_SEGMENTS:
            raise DecryptionError("too many segments")
        try:
            plain = aead.decrypt(_segment_nonce(prefix, counter, last), sealed, header.raw)
        except InvalidTag as exc:
            raise DecryptionError(f"segment {counter} failed authentication") from exc
        yield plain
        if last:
            return
        counter += 1

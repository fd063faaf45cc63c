import base64
import hashlib
import io
import json
import random
import struct
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps

from sikom import testing
from sikom.core import crypto
from sikom.core.crypto import (
    DecryptionError,
    EncryptedJSONField,
    EncryptedTextField,
    StreamEncryptor,
    decrypt_stream,
    decrypt_text,
    encrypt_text,
)

KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
SEGMENT = 64 * 1024
HEADER = 51  # SKF2 + key id (8) + salt (32) + nonce prefix (7)
LEGACY_HEADER = 19


@pytest.fixture(autouse=True)
def key_a(settings):
    settings.ENCRYPTION_KEYS = [KEY_A]


def key_id(key: str) -> str:
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8]


def encrypt_to(path: Path, *chunks: bytes) -> StreamEncryptor:
    with path.open("wb") as target:
        encryptor = StreamEncryptor(target)
        for chunk in chunks:
            encryptor.write(chunk)
        encryptor.close()
    return encryptor


def decrypted(path: Path) -> bytes:
    with path.open("rb") as source:
        return b"".join(decrypt_stream(source))


def segments(path: Path, header_size: int = HEADER) -> tuple[bytes, list[bytes]]:
    """The header and the raw segments (length prefix included) of an encrypted file."""
    data = path.read_bytes()
    header, rest, found = data[:header_size], data[header_size:], []
    while rest:
        (length,) = struct.unpack(">I", rest[:4])
        found.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, found


# Text


@pytest.mark.parametrize("plain", ["", "Bedrohung am Rathaus", "Grüße aus Görlitz – ß, ä, 🙂", "x" * 100_000])
def test_text_round_trips(plain):
    token = encrypt_text(plain)
    assert decrypt_text(token) == plain


def test_token_names_format_and_key_and_hides_the_text():
    token = encrypt_text("Drohbrief an die Bürgermeisterin")
    prefix, kid, payload = token.split(":")
    assert (prefix, kid) == ("enc1", key_id(KEY_A))
    assert "Drohbrief" not in token
    assert len(base64.urlsafe_b64decode(payload)) == 12 + len("Drohbrief an die Bürgermeisterin".encode()) + 16


def test_same_text_encrypts_differently_each_time():
    assert encrypt_text("gleich") != encrypt_text("gleich")


@pytest.mark.parametrize(
    "broken",
    [
        lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],  # one ciphertext character changed
        lambda t: t.replace(key_id(KEY_A), "00000000"),  # unknown key id
        lambda t: "enc2" + t[4:],
        lambda t: t.rsplit(":", 1)[0] + ":" + base64.urlsafe_b64encode(b"short").decode(),
        lambda t: t.rsplit(":", 1)[0] + ":!!!",
        lambda t: "plain text",
    ],
)
def test_tampered_or_foreign_tokens_are_refused(broken):
    with pytest.raises(DecryptionError):
        decrypt_text(broken(encrypt_text("geheim")))


def test_token_cannot_be_moved_to_another_key_id(settings):
    # The key id is authenticated: relabelling a token for another configured key does not decrypt it.
    token = encrypt_text("geheim")
    settings.ENCRYPTION_KEYS = [KEY_A, KEY_B]
    with pytest.raises(DecryptionError):
        decrypt_text(token.replace(key_id(KEY_A), key_id(KEY_B)))


def test_key_rotation_keeps_old_tokens_readable_and_uses_the_new_key(settings, tmp_path):
    old_token = encrypt_text("alt")
    encrypt_to(tmp_path / "old.skf", b"alte Datei")
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert decrypt_text(old_token) == "alt"
    assert decrypted(tmp_path / "old.skf") == b"alte Datei"
    assert encrypt_text("neu").split(":")[1] == key_id(KEY_B)
    encrypt_to(tmp_path / "new.skf", b"neue Datei")
    assert (tmp_path / "new.skf").read_bytes()[4:12] == key_id(KEY_B).encode()
    settings.ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(DecryptionError):
        decrypt_text(old_token)
    with pytest.raises(DecryptionError):
        decrypted(tmp_path / "old.skf")


def test_fields_and_files_use_different_subkeys():
    key = crypto._keys()[0]
    nonce = b"\x00" * 12
    sealed = {aead.encrypt(nonce, b"x", None) for aead in [key.field, key.legacy_file, key.file_key(b"\x00" * 32)]}
    assert len(sealed) == 3


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "ENCRYPTION_KEYS is empty"),
        ([base64.urlsafe_b64encode(b"short").decode()], "decodes to 5 bytes"),
        ([KEY_A, base64.urlsafe_b64encode(b"C" * 31).decode()], "ENCRYPTION_KEYS[1] decodes to 31 bytes"),
        (["not base64 at all!"], "not valid urlsafe base64"),
        ([KEY_A, KEY_A], "repeats a key"),
        (KEY_A, "must be a list"),
    ],
)
def test_misconfigured_keys_stop_with_a_clear_message(settings, keys, message):
    settings.ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace("]", r"\]")):
        encrypt_text("x")


def test_keys_without_padding_are_accepted(settings):
    settings.ENCRYPTION_KEYS = [KEY_A.rstrip("=")]
    assert decrypt_text(encrypt_text("x")) == "x"


# Model fields


@pytest.fixture(scope="module")
def note_model():
    # isolate_apps keeps this test model out of the project's registry (and out of makemigrations).
    with isolate_apps("sikom.core"):

        class Note(models.Model):
            text = EncryptedTextField()
            data = EncryptedJSONField(null=True)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return str(self.pk)

        yield Note


def test_text_field_encrypts_for_the_database_and_decrypts_from_it(note_model):
    field = note_model._meta.get_field("text")
    stored = field.get_prep_value("Name der Zeugin")
    assert stored.startswith("enc1:") and "Zeugin" not in stored
    assert field.from_db_value(stored, None, None) == "Name der Zeugin"


def test_text_field_keeps_none_and_empty_as_they_are(note_model):
    field = note_model._meta.get_field("text")
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
    assert field.from_db_value("", None, None) == ""


def test_json_field_round_trips_structures_with_umlauts(note_model):
    field = note_model._meta.get_field("data")
    value = {"täter": ["Herr Müller", None], "anzahl": 3, "öffentlich": False, "text": "Straße"}
    stored = field.get_prep_value(value)
    assert stored.startswith("enc1:") and "Müller" not in stored
    assert field.from_db_value(stored, None, None) == value
    assert json.loads(decrypt_text(stored)) == value
    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, None) is None
    for scalar in ["", "nur Text", 0, [], {}]:
        assert field.from_db_value(field.get_prep_value(scalar), None, None) == scalar


def test_fields_deconstruct_for_migrations(note_model):
    for name, cls in [("text", EncryptedTextField), ("data", EncryptedJSONField)]:
        _name, path, args, kwargs = note_model._meta.get_field(name).deconstruct()
        assert path == f"sikom.core.crypto.{cls.__name__}"
        rebuilt = cls(*args, **kwargs)
        assert rebuilt.deconstruct()[1:] == (path, args, kwargs)


def test_filtering_on_encrypted_fields_fails_loudly_except_isnull(note_model):
    # A filter on ciphertext would silently match nothing; building the query must fail instead.
    with pytest.raises(FieldError):
        str(note_model.objects.filter(text="x").query)
    with pytest.raises(FieldError):
        str(note_model.objects.filter(data__icontains="x").query)
    assert "IS NULL" in str(note_model.objects.filter(data__isnull=True).query)


# Files


@pytest.mark.parametrize(
    "size",
    [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 3 * SEGMENT + 17],
)
def test_file_round_trips_at_segment_boundaries(tmp_path, size):
    data = random.Random(size).randbytes(size)
    encryptor = encrypt_to(tmp_path / "f.skf", data)
    assert decrypted(tmp_path / "f.skf") == data
    assert encryptor.size == size
    assert encryptor.sha256_hex == hashlib.sha256(data).hexdigest()
    _header, found = segments(tmp_path / "f.skf")
    assert len(found) == max(1, -(-size // SEGMENT))


def test_empty_file_has_one_empty_final_segment(tmp_path):
    encrypt_to(tmp_path / "empty.skf")
    header, found = segments(tmp_path / "empty.skf")
    assert header[:12] == b"SKF2" + key_id(KEY_A).encode()
    assert found == [found[0]] and len(found[0]) == 4 + 16
    with (tmp_path / "empty.skf").open("rb") as source:
        assert list(decrypt_stream(source)) == [b""]


def test_five_megabytes_in_odd_chunk_sizes_round_trip(tmp_path):
    rng = random.Random(5)
    data = rng.randbytes(5 * 1024 * 1024)
    chunks, position = [], 0
    while position < len(data):
        step = rng.choice([1, 7, 4095, 65535, 65536, 65537, 200_003])
        chunks.append(data[position : position + step])
        position += step
    encryptor = encrypt_to(tmp_path / "big.skf", *chunks)
    assert decrypted(tmp_path / "big.skf") == data
    assert (encryptor.size, encryptor.sha256_hex) == (len(data), hashlib.sha256(data).hexdigest())
    # Segments are fixed 64 KiB whatever the chunk sizes, so the layout never reveals how the data arrived.
    _header, found = segments(tmp_path / "big.skf")
    assert {len(s) for s in found[:-1]} == {4 + SEGMENT + 16}


def test_ciphertext_contains_no_plaintext(tmp_path):
    marker = b"Adresse: Hauptstrasse 1, 01067 Dresden. "
    encrypt_to(tmp_path / "f.skf", marker * 5000)
    content = (tmp_path / "f.skf").read_bytes()
    assert b"Hauptstrasse" not in content and b"Dresden" not in content


@pytest.fixture
def three_segments(tmp_path) -> Path:
    path = tmp_path / "three.skf"
    encrypt_to(path, random.Random(3).randbytes(2 * SEGMENT + 100))
    return path


def test_a_changed_byte_anywhere_is_detected(three_segments):
    original = three_segments.read_bytes()
    # magic, key id, salt, nonce prefix, a length, ciphertext, the last tag
    for position in [0, 5, 13, 30, HEADER - 1, HEADER + 2, HEADER + 4, HEADER + 4 + SEGMENT, len(original) - 1]:
        tampered = bytearray(original)
        tampered[position] ^= 0x01
        three_segments.write_bytes(bytes(tampered))
        with pytest.raises(DecryptionError):
            decrypted(three_segments)


def test_truncated_files_are_refused(three_segments):
    header, found = segments(three_segments)
    for cut in [header + found[0] + found[1], header + found[0], header, header[:10], b"", header + found[0][:100]]:
        three_segments.write_bytes(cut)
        with pytest.raises(DecryptionError):
            decrypted(three_segments)


def test_swapped_segments_are_refused(three_segments):
    header, found = segments(three_segments)
    three_segments.write_bytes(header + found[1] + found[0] + found[2])
    with pytest.raises(DecryptionError):
        decrypted(three_segments)


@pytest.mark.parametrize("extra", [b"\x00", b"\x00\x00\x00\x10", b"x" * 40])
def test_data_after_the_last_segment_is_refused(three_segments, extra):
    three_segments.write_bytes(three_segments.read_bytes() + extra)
    with pytest.raises(DecryptionError):
        decrypted(three_segments)


def test_a_segment_copied_from_another_file_is_refused(tmp_path, three_segments):
    # Each file has its own random nonce prefix and the header is authenticated with every segment.
    other = tmp_path / "other.skf"
    encrypt_to(other, random.Random(4).randbytes(2 * SEGMENT + 100))
    header, found = segments(three_segments)
    _other_header, other_found = segments(other)
    three_segments.write_bytes(header + other_found[0] + found[1] + found[2])
    with pytest.raises(DecryptionError):
        decrypted(three_segments)


def test_a_forged_huge_segment_length_is_refused_before_reading(three_segments):
    header, found = segments(three_segments)
    three_segments.write_bytes(header + struct.pack(">I", 2**31) + found[0][4:])
    with pytest.raises(DecryptionError, match="invalid segment length"):
        decrypted(three_segments)


def test_write_after_close_is_an_error():
    encryptor = StreamEncryptor(io.BytesIO())
    encryptor.close()
    encryptor.close()  # idempotent
    with pytest.raises(ValueError):
        encryptor.write(b"x")


def _twenty_megabytes(seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    for _ in range(20 * 16):
        yield rng.randbytes(64 * 1024 + 3)  # chunks that do not line up with the segments


def test_twenty_megabytes_stream_through_in_little_memory(tmp_path):
    path = tmp_path / "large.skf"
    expected = hashlib.sha256()
    tracemalloc.start()
    try:
        with path.open("wb") as target:
            encryptor = StreamEncryptor(target)
            for chunk in _twenty_megabytes(20):
                expected.update(chunk)
                encryptor.write(chunk)
            encryptor.close()
        actual = hashlib.sha256()
        size = 0
        with path.open("rb") as source:
            for plain in decrypt_stream(source):
                actual.update(plain)
                size += len(plain)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"crypto 20 MB encrypt+decrypt tracemalloc peak: {peak / 1024 / 1024:.2f} MiB")
    assert size == encryptor.size == 20 * 16 * (64 * 1024 + 3)
    assert actual.hexdigest() == expected.hexdigest() == encryptor.sha256_hex
    assert peak < 5 * 1024 * 1024


# Per-file keys (SKF2) and old files (SKF1)


def test_each_file_has_its_own_salt_and_key(tmp_path):
    encrypt_to(tmp_path / "a.skf", b"gleicher Inhalt")
    encrypt_to(tmp_path / "b.skf", b"gleicher Inhalt")
    header_a, [segment_a] = segments(tmp_path / "a.skf")
    header_b, _segments_b = segments(tmp_path / "b.skf")
    assert header_a[:12] == header_b[:12] == b"SKF2" + key_id(KEY_A).encode()
    assert header_a[12:44] != header_b[12:44] and header_a[44:] != header_b[44:]
    # The key is HKDF-SHA256(master key, salt from the header, "sikom file v2:<key id>"), computed here independently.
    master = base64.urlsafe_b64decode(KEY_A)
    info = b"sikom file v2:" + key_id(KEY_A).encode()
    own_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=header_a[12:44], info=info).derive(master)
    nonce = header_a[44:] + b"\x00\x00\x00\x00\x01"
    assert AESGCM(own_key).decrypt(nonce, segment_a[4:], header_a) == b"gleicher Inhalt"
    # The same nonce prefix in another file would not help: its segments are sealed under another key.
    transplanted = header_b[:44] + header_a[44:] + segment_a
    (tmp_path / "b.skf").write_bytes(transplanted)
    with pytest.raises(DecryptionError):
        decrypted(tmp_path / "b.skf")


@pytest.fixture
def legacy_file(tmp_path) -> tuple[Path, bytes]:
    path = tmp_path / "alt.skf"
    data = random.Random(1).randbytes(2 * SEGMENT + 10)
    with path.open("wb") as target:
        testing.write_legacy_encrypted_file(
            target, KEY_A, data[:SEGMENT], data[SEGMENT : 2 * SEGMENT], data[2 * SEGMENT :]
        )
    return path, data


def test_old_skf1_files_stay_readable(legacy_file, settings):
    path, data = legacy_file
    assert decrypted(path) == data
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]  # also after the key has been rotated
    assert decrypted(path) == data
    with path.open("rb") as source:
        header = crypto.read_header(source)
    assert (header.magic, header.key_id, header.is_current) == (b"SKF1", key_id(KEY_A), False)


def test_old_skf1_files_still_detect_tampering_and_truncation(legacy_file):
    path, _data = legacy_file
    header, found = segments(path, LEGACY_HEADER)
    for broken in [
        header + found[0] + found[1],  # cut after a segment
        header + found[1] + found[0] + found[2],  # reordered
        header + found[0] + found[1] + found[2] + b"\x00",  # extended
        header[:-1] + bytes([header[-1] ^ 1]) + found[0] + found[1] + found[2],  # nonce prefix changed
        b"SKF2" + header[4:] + found[0] + found[1] + found[2],  # relabelled as the new format
    ]:
        path.write_bytes(broken)
        with pytest.raises(DecryptionError):
            decrypted(path)


def test_header_says_whether_a_file_needs_reencryption(tmp_path, settings):
    encrypt_to(tmp_path / "f.skf", b"x")
    with (tmp_path / "f.skf").open("rb") as source:
        assert crypto.read_header(source).is_current
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    with (tmp_path / "f.skf").open("rb") as source:
        assert not crypto.read_header(source).is_current


@pytest.mark.parametrize("content", [b"", b"SKF", b"SKF3" + b"0" * 60, b"SKF2" + b"0" * 20, b"SKF1\xff" + b"0" * 20])
def test_files_without_a_complete_known_header_are_refused(tmp_path, content):
    (tmp_path / "f.skf").write_bytes(content)
    with pytest.raises(DecryptionError):
        decrypted(tmp_path / "f.skf")

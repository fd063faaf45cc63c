"""Every upload is encrypted from its first byte on: the temporary file an upload is spooled to while the request runs
holds only ciphertext (decision 0047).

Django's default spools an upload above FILE_UPLOAD_MAX_MEMORY_SIZE to a plain temporary file, so a population
register extract, a coaching document or a funding attachment would lie readable in the temporary folder until the
view has checked and encrypted it, and a crash at that moment would leave it there. Here each chunk is encrypted on
arrival with AES-256 in counter mode under a key made for this one upload, which lives only in the process's memory:
the file is unreadable without it, also after a crash. Counter mode keeps the file seekable, which the checks need
(file type sniffing, CSV and XLSX readers, image decoders); integrity is not the point here, because the file is
written and read by the same request and what is kept goes through `core.crypto`'s authenticated encryption.

The evidence upload of the report intake keeps its own handler (`reports.evidence`), which also counts and limits.
"""

import io
import os
import tempfile

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

_BLOCK = 16


class _CounterModeFile(io.RawIOBase):
    """Read access to a file encrypted with AES-CTR from offset 0: any position can be decrypted on its own."""

    def __init__(self, spool, key: bytes, nonce: int, size: int):
        super().__init__()
        self._spool, self._key, self._nonce, self._size = spool, key, nonce, size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self._size - self._position)
        if want <= 0:
            return 0
        block, skip = divmod(self._position, _BLOCK)
        self._spool.seek(block * _BLOCK)
        cipher = self._spool.read(skip + want)
        plain = _cipher(self._key, self._nonce + block).decryptor().update(cipher)[skip:]
        buffer[: len(plain)] = plain
        self._position += len(plain)
        return len(plain)

    def close(self) -> None:
        if not self.closed:
            self._spool.close()
        super().close()


def _cipher(key: bytes, counter: int) -> Cipher:
    return Cipher(algorithms.AES(key), modes.CTR((counter % (1 << 128)).to_bytes(_BLOCK, "big")))


class EncryptedUploadedFile(UploadedFile):
    """An upload whose spooled bytes are ciphertext; reading, seeking and `chunks()` give the plain content."""

    def __init__(self, raw: _CounterModeFile, name: str, content_type: str, size: int, charset, content_type_extra):
        super().__init__(io.BufferedReader(raw, buffer_size=64 * 1024), name, content_type, size, charset)
        self.content_type_extra = content_type_extra


class EncryptedTemporaryFileUploadHandler(FileUploadHandler):
    """The default upload handler (settings.FILE_UPLOAD_HANDLERS): spools every file encrypted."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self._key = os.urandom(32)
        self._nonce = int.from_bytes(os.urandom(_BLOCK), "big")
        # Kept open past this method: the uploaded file reads from it and closes it.
        self._spool = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        self._encryptor = _cipher(self._key, self._nonce).encryptor()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._spool.write(self._encryptor.update(raw_data))

    def file_complete(self, file_size: int) -> EncryptedUploadedFile:
        self._spool.write(self._encryptor.finalize())
        self._spool.flush()
        raw = _CounterModeFile(self._spool, self._key, self._nonce, file_size)
        return EncryptedUploadedFile(
            raw, self.file_name, self.content_type, file_size, self.charset, self.content_type_extra
        )

    def upload_interrupted(self) -> None:
        if hasattr(self, "_spool"):
            self._spool.close()

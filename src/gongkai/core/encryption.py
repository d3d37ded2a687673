"""Personal data at rest (issue 13 §3): encrypted columns and encrypted private files.

Both use Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through a MultiFernet over
``settings.GONGKAI_DATA_KEYS``: the first key encrypts, every key decrypts, so a rotation
(``gongkai keys rotate``) can re-encrypt in batches while both keys are in the list.

- Columns: :class:`EncryptedCharField` / :class:`EncryptedEmailField` keep the model's plain value
  in Python (forms, validation, max_length apply to it) and store ``enc1$`` + a Fernet token in a
  text column. A value without the prefix is a row written before encryption and is read as is.
  Encrypted columns cannot be searched (random IVs); equality search goes through a keyed blind
  index (:func:`blind_index`). A filter on an encrypted column other than ``= ""`` raises.
- Files: :class:`EncryptedFileSystemStorage` writes ``GKENC1\\n`` then chunks of 1 MiB, each a
  Fernet token (raw bytes, length-prefixed) over (chunk index, last flag, data), so chunks cannot
  be reordered or the file cut short unnoticed. Reading decrypts into a spooled temporary file;
  files without the header (written before encryption) are read as they are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import struct
import tempfile
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.lookups import Exact, IsNull

PREFIX = "enc1$"
FILE_MAGIC = b"GKENC1\n"
CHUNK_SIZE = 1 << 20
_HEADER = struct.Struct(">QB")  # chunk index, last chunk flag
_LENGTH = struct.Struct(">I")
SPOOL_MAX = 8 << 20  # decrypted files larger than this go to a temporary file on disk

_cache: dict[tuple[str, ...], MultiFernet] = {}


class DecryptionError(Exception):
    """Stored data that none of the data keys can decrypt: the keys are not the ones the data was
    written with (a restore onto another server, a dropped key)."""

    def __init__(self, what: str = "数据"):
        super().__init__(f"无法解密{what}：数据加密密钥与数据不一致，请联系管理员运行 gongkai keys check")


def fernet() -> MultiFernet:
    keys = tuple(settings.GONGKAI_DATA_KEYS)
    if keys not in _cache:
        _cache.clear()
        _cache[keys] = MultiFernet([Fernet(k) for k in keys])
    return _cache[keys]


# ---- values -------------------------------------------------------------------------------------


def encrypt_value(value: str) -> str:
    if value is None or value == "":
        return value
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_value(stored: str | None) -> str | None:
    if not stored or not stored.startswith(PREFIX):
        return stored  # empty, or written before encryption
    try:
        return fernet().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError() from None


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def blind_index(value: str, kind: str) -> str:
    """A keyed hash of a normalised value (NFKC, no spaces or dashes, upper case) for equality
    search over an encrypted column: HMAC-SHA256 with the ID-hash key, separated by ``kind`` so
    the same digits as a phone and as an ID number give different indexes. Empty for empty."""
    normal = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch not in " -\t").upper()
    if not normal:
        return ""
    return hmac.new(settings.GONGKAI_ID_HASH_KEY.encode("utf-8"), f"gongkai-index:{kind}:{normal}".encode(),
                    hashlib.sha256).hexdigest()


class _EmptyOnlyExact(Exact):
    """``field=""`` still works (blank checks); any other equality is refused, since it would
    silently never match a randomly encrypted value."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} 是加密字段，不能按值查询，请使用盲索引（blind_index）")
        return super().get_prep_lookup()


class EncryptedMixin:
    """Stores ``enc1$<Fernet token>`` in a text column; Python sees the plain value."""

    encrypted = True

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return decrypt_value(value)

    def get_prep_value(self, value):
        # Always encrypted, even a value that happens to start with the prefix (an applicant could
        # type one): the model only ever holds plain values (from_db_value decrypts).
        return encrypt_value(super().get_prep_value(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted columns, and their names (for rotation)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if names:
            found.append((model, names))
    return found


# ---- files --------------------------------------------------------------------------------------


def _chunks(handle, size: int = CHUNK_SIZE):
    """(data, is_last) pairs, reading one chunk ahead; an empty stream gives one empty chunk."""
    current = handle.read(size)
    while True:
        following = handle.read(size) if current else b""
        last = not following
        yield current, last
        if last:
            return
        current = following


def encrypt_stream(source, target) -> None:
    f = fernet()
    target.write(FILE_MAGIC)
    for index, (data, last) in enumerate(_chunks(source)):
        raw = base64.urlsafe_b64decode(f.encrypt(_HEADER.pack(index, 1 if last else 0) + data))
        target.write(_LENGTH.pack(len(raw)))
        target.write(raw)


def _tokens(source):
    """The Fernet tokens of an encrypted stream (after the magic header)."""
    while True:
        head = source.read(_LENGTH.size)
        if not head:
            return
        if len(head) != _LENGTH.size:
            raise DecryptionError("文件（文件不完整）")
        (length,) = _LENGTH.unpack(head)
        raw = source.read(length)
        if len(raw) != length:
            raise DecryptionError("文件（文件不完整）")
        yield base64.urlsafe_b64encode(raw)


def decrypt_stream(source, target, *, rotate: bool = False) -> None:
    """Decrypt (or, with ``rotate``, re-encrypt under the current key) an encrypted stream whose
    magic header has been read; checks the chunk order and that the last chunk is there."""
    f = fernet()
    expected, finished = 0, False
    if rotate:
        target.write(FILE_MAGIC)
    for token in _tokens(source):
        if finished:
            raise DecryptionError("文件（多余的数据块）")
        try:
            plain = f.decrypt(token)
        except InvalidToken:
            raise DecryptionError("文件") from None
        index, last = _HEADER.unpack(plain[:_HEADER.size])
        if index != expected:
            raise DecryptionError("文件（数据块顺序错误）")
        expected, finished = expected + 1, bool(last)
        if rotate:
            raw = base64.urlsafe_b64decode(f.rotate(token))
            target.write(_LENGTH.pack(len(raw)))
            target.write(raw)
        else:
            target.write(plain[_HEADER.size:])
    if not finished:
        raise DecryptionError("文件（文件不完整）")


class EncryptedFileSystemStorage(FileSystemStorage):
    """A private FileSystemStorage whose files are encrypted on disk (module docstring). Files
    written before encryption are read as they are; ``gongkai keys reencrypt`` encrypts them."""

    encrypted = True

    def _save(self, name, content):
        with tempfile.TemporaryFile() as sealed:
            encrypt_stream(_Reader(content), sealed)
            sealed.seek(0)
            return super()._save(name, File(sealed))

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("加密存储中的文件只能读取")
        raw = open(self.path(name), "rb")  # noqa: SIM115 (handed to File or closed below)
        if raw.read(len(FILE_MAGIC)) != FILE_MAGIC:
            raw.seek(0)
            handle = raw
        else:
            try:
                handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)
                decrypt_stream(raw, handle)
                handle.seek(0)
            finally:
                raw.close()
        if "b" not in mode:
            handle = io.TextIOWrapper(handle, encoding="utf-8")
        return _StoredFile(handle, name, self)

    def size(self, name):
        with self.open(name, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            return fh.tell()

    def is_encrypted_file(self, name) -> bool:
        with open(self.path(name), "rb") as fh:
            return fh.read(len(FILE_MAGIC)) == FILE_MAGIC

    def reencrypt(self, name) -> None:
        """Encrypt a plain file, or re-encrypt an encrypted one under the current key; the new
        file replaces the old one atomically (a crash leaves either, never half of one)."""
        path = self.path(name)
        fd, tmp = tempfile.mkstemp(prefix=".reencrypt-", dir=os.path.dirname(path))
        try:
            with open(path, "rb") as source, os.fdopen(fd, "wb") as target:
                if source.read(len(FILE_MAGIC)) == FILE_MAGIC:
                    decrypt_stream(source, target, rotate=True)
                else:
                    source.seek(0)
                    encrypt_stream(source, target)
                target.flush()
                os.fsync(target.fileno())
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def walk(self):
        """Names of every file under this storage's location (temporary files excluded)."""
        root = self.location
        for folder, _dirs, files in os.walk(root):
            for filename in files:
                if filename.startswith(".reencrypt-"):
                    continue
                yield os.path.relpath(os.path.join(folder, filename), root)


class _StoredFile(File):
    """A file read from an encrypted storage; reopening (FieldFile.open after a close) decrypts
    again, since its name is the storage's name, not a path to plain bytes."""

    def __init__(self, handle, name, storage):
        super().__init__(handle, name=name)
        self._storage = storage

    def open(self, mode=None, *args, **kwargs):
        if not self.closed:
            self.seek(0)
        else:
            self.file = self._storage._open(self.name, mode or "rb").file
        return self


class _Reader:
    """A ``read(n)`` view of a Django File or upload, whatever it wraps."""

    def __init__(self, content):
        self._chunks = content.chunks() if hasattr(content, "chunks") else iter([content.read()])
        self._buffer = b""

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._chunks, None)
            if piece is None:
                break
            self._buffer += piece.encode("utf-8") if isinstance(piece, str) else piece
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def encrypted_storages() -> list[EncryptedFileSystemStorage]:
    """The encrypted storages of every model's file fields, one per location (for rotation)."""
    from django.apps import apps

    seen: dict[str, EncryptedFileSystemStorage] = {}
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            storage = getattr(f, "storage", None)
            if isinstance(storage, EncryptedFileSystemStorage):
                seen.setdefault(str(storage.location), storage)
    return list(seen.values())

"""The installation's keys: where they come from, the key file, fingerprints.

Four keys, each taken from the environment if set, else from the per-installation key file
``VAR_DIR/keys.json`` (mode 0600, created atomically by ``gongkai keys init``, by ``make run`` and
by the first ``gongkai migrate``), else a public development value:

==================  ======================  =====================================================
key                 environment variable    used for
==================  ======================  =====================================================
``secret_key``      ``SECRET_KEY``          Django's signing (sessions, CSRF, password resets)
``audit_key``       ``GONGKAI_AUDIT_KEY``   the HMAC of the audit chain
``id_hash_key``     ``GONGKAI_ID_HASH_KEY`` HMAC of ID numbers (payout lookups, blind indexes)
``data_keys``       ``GONGKAI_DATA_KEYS``   Fernet keys of encrypted columns and files; the first
                                            encrypts, all decrypt (comma-separated in the env)
==================  ======================  =====================================================

Development values are public: ``gongkai serve`` refuses them unless DEBUG is on. This module is
imported by settings.py, so it imports no Django models at module level.

Fingerprints (``fingerprint(key, purpose)``: the first 16 hex digits of HMAC-SHA256(key,
"gongkai-key-fingerprint:" + purpose)) identify a key without revealing it. The database stores the
fingerprints of the keys its data was written with (``core.KeyFingerprint``), so a restore onto a
server with other keys is detected (``check``) instead of silently answering "not found".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

KEY_FILE_NAME = "keys.json"

DEVELOPMENT_SECRET_KEY = "gongkai-insecure-development-key-change-me"
DEVELOPMENT_AUDIT_KEY = "gongkai-insecure-development-audit-key"
DEVELOPMENT_ID_HASH_KEY = "gongkai-insecure-development-id-hash-key"
# A valid Fernet key derived from a public phrase: encrypted data in development is not secret.
DEVELOPMENT_DATA_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"gongkai-insecure-development-data-key").digest()).decode("ascii")

ENV_NAMES = {"secret_key": "SECRET_KEY", "audit_key": "GONGKAI_AUDIT_KEY", "id_hash_key": "GONGKAI_ID_HASH_KEY",
             "data_keys": "GONGKAI_DATA_KEYS"}
DEVELOPMENT = {"secret_key": DEVELOPMENT_SECRET_KEY, "audit_key": DEVELOPMENT_AUDIT_KEY,
               "id_hash_key": DEVELOPMENT_ID_HASH_KEY, "data_keys": [DEVELOPMENT_DATA_KEY]}
#: Purposes whose fingerprints are stored in the database (the keys that data depends on).
PURPOSES = ("id_hash", "data", "audit")
MIN_LENGTH = 32


class KeyError_(Exception):
    """A key file or key value that cannot be used; the message is Chinese, for the operator."""


@dataclass
class KeySet:
    secret_key: str
    audit_key: str
    id_hash_key: str
    data_keys: list[str]
    #: where each key came from: "env", "file" or "development"
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """"development" if any key is a public development value, else "env" if every key came
        from the environment, else "file"."""
        values = set(self.sources.values())
        if "development" in values:
            return "development"
        return "env" if values == {"env"} else "file"


def default_var_dir() -> Path:
    """The same rule as settings.VAR_DIR, for use before Django's settings are loaded."""
    return Path(os.environ.get("GONGKAI_VAR_DIR", str(Path.cwd() / "var")))


def key_file(var_dir: Path | None = None) -> Path:
    return Path(var_dir or default_var_dir()) / KEY_FILE_NAME


def new_data_key() -> str:
    """A fresh Fernet key (32 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def generate() -> dict:
    """A fresh set of random keys, in the key file's layout."""
    return {"secret_key": secrets.token_urlsafe(50), "audit_key": secrets.token_urlsafe(48),
            "id_hash_key": secrets.token_urlsafe(48), "data_keys": [new_data_key()]}


def validate_data_key(value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise KeyError_("数据加密密钥格式不正确：每个密钥应为 32 字节的 URL 安全 Base64 编码（Fernet 密钥），"
                        "可用 gongkai keys init 生成")
    return value


def read_file(path: Path) -> dict | None:
    """The key file's contents, or None when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyError_(f"无法读取密钥文件 {path}：{exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyError_(f"密钥文件 {path} 已损坏（不是有效的 JSON），请从备份恢复") from None
    if not isinstance(data, dict):
        raise KeyError_(f"密钥文件 {path} 已损坏，请从备份恢复")
    return data


def write_file(path: Path, data: dict) -> None:
    """Write the key file atomically with mode 0600: a temporary file in the same directory,
    created 0600 (never readable by others, not even for a moment), then renamed over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".keys-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ensure_file(var_dir: Path | None = None) -> tuple[Path, bool]:
    """Create the key file with fresh keys unless it exists; (path, created). Safe to run twice,
    and two concurrent runs never both write (the file is linked into place only if absent)."""
    path = key_file(var_dir)
    if path.exists():
        read_file(path)  # a corrupt file is reported, never replaced
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".keys-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(generate(), fh, ensure_ascii=False, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process created it meanwhile
        except FileExistsError:
            return path, False
        return path, True
    finally:
        os.unlink(tmp)


def load(var_dir: Path | None = None, environ: dict | None = None) -> KeySet:
    """The effective keys: environment, else key file, else development values."""
    env = os.environ if environ is None else environ
    stored = read_file(key_file(var_dir)) or {}
    values: dict = {}
    sources: dict[str, str] = {}
    for name, variable in ENV_NAMES.items():
        raw = env.get(variable, "")
        if raw.strip():
            value: object = [k.strip() for k in raw.split(",") if k.strip()] if name == "data_keys" else raw
            sources[name] = "env"
        elif stored.get(name):
            value = stored[name]
            sources[name] = "file"
        else:
            value = DEVELOPMENT[name]
            sources[name] = "development"
        values[name] = value
    if isinstance(values["data_keys"], str):
        values["data_keys"] = [values["data_keys"]]
    if not values["data_keys"]:
        raise KeyError_("数据加密密钥为空")
    for key in values["data_keys"]:
        validate_data_key(key)
    for name in ("secret_key", "audit_key", "id_hash_key"):
        if not isinstance(values[name], str):
            raise KeyError_(f"密钥文件中的 {name} 格式不正确")
    return KeySet(**values, sources=sources)


def is_weak(key: str) -> bool:
    """Shorter than 32 characters, or too little variety (fewer than 10 distinct characters) to
    be random: such a key can be guessed."""
    return len(key) < MIN_LENGTH or len(set(key)) < 10


def problems(keyset: KeySet) -> list[str]:
    """Why these keys must not serve real data (Chinese, for the operator); empty when fine."""
    found = []
    labels = {"secret_key": "SECRET_KEY", "audit_key": "审计密钥 GONGKAI_AUDIT_KEY",
              "id_hash_key": "身份证号哈希密钥 GONGKAI_ID_HASH_KEY", "data_keys": "数据加密密钥 GONGKAI_DATA_KEYS"}
    public = set()
    for name, label in labels.items():
        value = getattr(keyset, name)
        if keyset.sources.get(name) == "development" or (
                DEVELOPMENT[name][0] in value if name == "data_keys" else value == DEVELOPMENT[name]):
            public.add(name)
            found.append(f"{label} 未设置，正在使用公开的开发密钥")
    for name in ("secret_key", "audit_key", "id_hash_key"):
        if name not in public and is_weak(getattr(keyset, name)):
            found.append(f"{labels[name]} 太弱（至少 {MIN_LENGTH} 个字符且足够随机）")
    if keyset.id_hash_key == keyset.secret_key:
        found.append("GONGKAI_ID_HASH_KEY 不能与 SECRET_KEY 相同")
    return found


def fingerprint(key: str | bytes, purpose: str) -> str:
    """First 16 hex digits of HMAC-SHA256(key, "gongkai-key-fingerprint:" + purpose)."""
    raw = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(raw, b"gongkai-key-fingerprint:" + purpose.encode("ascii"), hashlib.sha256).hexdigest()[:16]


def current(keyset: KeySet | None = None) -> dict[str, list[str]]:
    """{purpose: [fingerprints of the keys in use]}; several for "data" during a rotation."""
    if keyset is None:
        keyset = from_settings()
    return {"id_hash": [fingerprint(keyset.id_hash_key, "id_hash")],
            "audit": [fingerprint(keyset.audit_key, "audit")],
            "data": [fingerprint(k, "data") for k in keyset.data_keys]}


def fingerprints(keyset: KeySet | None = None) -> dict[str, str]:
    """{purpose: fingerprint} of the keys data is written with now (the current data key): what a
    backup manifest records."""
    return {purpose: values[0] for purpose, values in current(keyset).items()}


def from_settings() -> KeySet:
    """The keys Django's settings hold now (tests may override them with the settings fixture)."""
    from django.conf import settings

    return KeySet(secret_key=settings.SECRET_KEY, audit_key=settings.GONGKAI_AUDIT_KEY,
                  id_hash_key=settings.GONGKAI_ID_HASH_KEY, data_keys=list(settings.GONGKAI_DATA_KEYS),
                  sources=dict(settings.GONGKAI_KEY_SOURCES))


# ---- fingerprints stored in the database ------------------------------------------------------

PURPOSE_LABELS = {"id_hash": "身份证号哈希密钥（GONGKAI_ID_HASH_KEY）", "data": "数据加密密钥（GONGKAI_DATA_KEYS）",
                  "audit": "审计密钥（GONGKAI_AUDIT_KEY）"}


def _table_ready() -> bool:
    from django.db import connection

    from gongkai.core.models import KeyFingerprint

    return KeyFingerprint._meta.db_table in connection.introspection.table_names()


def record(keyset: KeySet | None = None) -> list[str]:
    """Store the fingerprints of the keys in use where the database has none for that purpose yet
    (first migrate, first use), and any data key not yet known (a key added before a rotation).
    Never overwrites: a key that differs from the stored one is left for ``check`` to report.
    Returns the purposes recorded now."""
    from gongkai.core.models import KeyFingerprint

    if not _table_ready():
        return []
    now = current(keyset)
    stored = mismatches(keyset)
    added = []
    for purpose, values in now.items():
        if purpose in stored:
            continue
        known = set(KeyFingerprint.objects.filter(purpose=purpose).values_list("fingerprint", flat=True))
        for value in values:
            if value not in known:
                KeyFingerprint.objects.create(purpose=purpose, fingerprint=value)
                added.append(purpose)
    return sorted(set(added))


def mismatches(keyset: KeySet | None = None) -> dict[str, str]:
    """{purpose: Chinese explanation} for each key that differs from the one the data was written
    with (empty when all match or nothing is stored yet)."""
    from gongkai.core.models import KeyFingerprint

    if not _table_ready():
        return {}
    now = current(keyset)
    found = {}
    for purpose in PURPOSES:
        active = set(KeyFingerprint.objects.filter(purpose=purpose, retired_at__isnull=True)
                     .values_list("fingerprint", flat=True))
        missing = active - set(now[purpose])
        if missing:
            found[purpose] = (f"{PURPOSE_LABELS[purpose]}与数据库中的数据不一致：数据使用的密钥指纹为 "
                              f"{', '.join(sorted(missing))}，当前密钥指纹为 {', '.join(now[purpose])}")
    return found


def check(keyset: KeySet | None = None) -> dict[str, str]:
    """Record fingerprints where none are stored, then report mismatches (see ``mismatches``)."""
    found = mismatches(keyset)
    if not found:
        record(keyset)
    return found


def id_hash_matches() -> bool:
    """Whether the ID-hash key is the one the stored hashes were made with (read-only check)."""
    return "id_hash" not in mismatches()

"""Key operations (issue 13 §3): create the key file, check the keys against the data, rotate the
data key and re-encrypt, drop old data keys. ``gongkai keys`` is the command line over these.

The system actor runs them (command line only); every change of keys is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, encryption, keys
from gongkai.core.services import ServiceError

BATCH = 500


@dataclass
class ReencryptReport:
    rows: int = 0
    files: int = 0
    by_model: dict[str, int] = field(default_factory=dict)


def init(var_dir: Path | None = None) -> tuple[Path, bool]:
    """Create the key file if missing and record the fingerprints of the keys now in effect (the
    file's, unless the environment overrides them) when the database is ready."""
    try:
        path, created = keys.ensure_file(var_dir or settings.VAR_DIR)
        keyset = keys.load(var_dir or settings.VAR_DIR)
    except keys.KeyError_ as exc:
        raise ServiceError(str(exc)) from None
    if not keys.mismatches(keyset):
        keys.record(keyset)
    return path, created


def reencrypt(progress: Callable[[str], None] | None = None) -> ReencryptReport:
    """Re-encrypt every encrypted column and every file of the encrypted storages under the
    current (first) data key, in batches of ``BATCH`` rows, each batch its own transaction, so
    a crash can be resumed by running it again (old and new keys both decrypt meanwhile). Plain
    values and files left from before encryption are encrypted."""
    report = ReencryptReport()
    for model, names in encryption.encrypted_fields():
        label = model._meta.label
        last = 0
        while True:
            with transaction.atomic():
                batch = list(model._base_manager.select_for_update().filter(pk__gt=last).order_by("pk")[:BATCH])
                if not batch:
                    break
                model._base_manager.bulk_update(batch, names)
            last = batch[-1].pk
            report.rows += len(batch)
            report.by_model[label] = report.by_model.get(label, 0) + len(batch)
        if progress:
            progress(f"{label}：{report.by_model.get(label, 0)} 行")
    for storage in encryption.encrypted_storages():
        for name in storage.walk():
            storage.reencrypt(name)
            report.files += 1
    if progress:
        progress(f"文件：{report.files} 个")
    return report


def rotate(actor, progress: Callable[[str], None] | None = None) -> tuple[list[str], ReencryptReport | None]:
    """Generate a new data key and put it first. With keys from the key file: write the file
    (atomically, 0600) *before* re-encrypting — if the run is cut short, every value is readable
    with one of the keys in the file, and ``gongkai keys reencrypt`` finishes the work. With keys
    from the environment, nothing can be written for the operator: the new list is returned and
    nothing is re-encrypted until the environment holds it (then ``gongkai keys reencrypt``).
    Returns (the new key list, the re-encryption report or None)."""
    _refuse_on_mismatch()
    new = keys.new_data_key()
    current = list(settings.GONGKAI_DATA_KEYS)
    keys_list = [new, *current]
    from_env = settings.GONGKAI_KEY_SOURCES.get("data_keys") == "env"
    if not from_env:
        _write_data_keys(keys_list)
    audit.record("keys.data_key_rotated", actor, None, {
        "fingerprint": keys.fingerprint(new, "data"), "keys": len(keys_list),
        "source": "env" if from_env else "file"}, label="数据加密密钥")
    if from_env:
        return keys_list, None
    settings.GONGKAI_DATA_KEYS = keys_list
    keys.record(keys.from_settings())
    return keys_list, reencrypt(progress)


def drop_old(actor, progress: Callable[[str], None] | None = None) -> list[str]:
    """Re-encrypt everything under the current key (so nothing still needs an old one), then keep
    only the current key: in the key file, or (environment) as the list to set. Old keys'
    fingerprints are retired."""
    from gongkai.core.models import KeyFingerprint

    _refuse_on_mismatch()
    current = list(settings.GONGKAI_DATA_KEYS)
    if len(current) == 1:
        raise ServiceError("只有一个数据加密密钥，没有可停用的旧密钥")
    reencrypt(progress)
    keep = current[:1]
    if settings.GONGKAI_KEY_SOURCES.get("data_keys") != "env":
        _write_data_keys(keep)
    dropped = [keys.fingerprint(k, "data") for k in current[1:]]
    KeyFingerprint.objects.filter(purpose="data", fingerprint__in=dropped).update(retired_at=timezone.now())
    audit.record("keys.old_data_keys_dropped", actor, None, {"dropped": dropped,
                                                             "kept": keys.fingerprint(keep[0], "data")},
                 label="数据加密密钥")
    settings.GONGKAI_DATA_KEYS = keep
    return keep


def _refuse_on_mismatch() -> None:
    found = keys.mismatches()
    if found:
        raise ServiceError("；".join(found.values()))


def _write_data_keys(data_keys: list[str]) -> None:
    path = keys.key_file(settings.VAR_DIR)
    try:
        stored = keys.read_file(path)
    except keys.KeyError_ as exc:
        raise ServiceError(str(exc)) from None
    if stored is None:
        raise ServiceError(f"找不到密钥文件 {path}，请先运行 gongkai keys init")
    stored["data_keys"] = data_keys
    keys.write_file(path, stored)

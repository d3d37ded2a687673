"""Backup and restore of one installation (issue 13 §8, 数据备份恢复).

A backup is one tar file (gzip-compressed when its name ends in ``.tar.gz``/``.tgz``)::

    database/gongkai.sqlite3   SQLite: a snapshot taken with the SQLite backup API
    database/gongkai.pgdump    PostgreSQL: ``pg_dump --format=custom``
    files/media/…              public uploads (MEDIA_ROOT)
    files/private/…            private files (VAR_DIR/private: ID documents, letters, payout files)
    manifest.json              written last: what, when, versions, hashes, key fingerprints

One file, because it is what an operator copies off the server, checks with ``sha256sum`` and
keeps for 30 days; tar, because every server can list and unpack it without Gongkai.

Consistency without stopping the site: the database is read in one snapshot (the SQLite backup API
copies the whole file in one step under a read transaction, which in WAL mode never blocks writers;
on PostgreSQL a REPEATABLE READ transaction exports its snapshot and ``pg_dump --snapshot`` dumps
exactly that), and the migration state and the audit chain head in the manifest are read from that
same snapshot. Files are read after the database: an upload is written before the row that names
it is committed, so every file the snapshot refers to is already on disk (files added later are
harmless extras).

The keys (SECRET_KEY, GONGKAI_AUDIT_KEY, GONGKAI_ID_HASH_KEY, var/keys.json) are never in a
backup: only their fingerprints are, so that a restore onto a server with other keys is refused
by name instead of leaving ID lookups and the audit chain silently broken. The manifest is signed
with a key derived from SECRET_KEY, so a changed archive whose hashes were recomputed is refused too.

Restore goes into an empty installation of the same database engine (SQLite → SQLite, PostgreSQL →
PostgreSQL; moving between engines is out of scope). Everything is checked before anything is
touched: the manifest, its signature, the key fingerprints, the version, that the target is empty,
and every file's SHA-256 (files are unpacked into a staging directory first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.utils import timezone

import gongkai
from gongkai.core import audit
from gongkai.core.models import AuditChainHead, AuditEvent, Body

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/gongkai.sqlite3"
PG_MEMBER = "database/gongkai.pgdump"
CHUNK = 1024 * 1024

# Names an operator recognises, for the message that says which key differs.
KEY_NAMES = {
    "secret": "SECRET_KEY",
    "audit": "GONGKAI_AUDIT_KEY（审计日志密钥）",
    "id_hash": "GONGKAI_ID_HASH_KEY（身份证号哈希密钥）",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator, in Chinese."""


# --- what is backed up ---------------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The directories whose files are part of a backup, by their name in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.VAR_DIR) / "private"}


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def _fingerprint(key: str | bytes, purpose: str) -> str:
    raw = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(raw, b"gongkai-key-fingerprint:" + purpose.encode("ascii"), hashlib.sha256).hexdigest()[:16]


def key_fingerprints() -> dict[str, str]:
    """The installation's key fingerprints (gongkai.core.keys: ID hash, data, audit) plus
    SECRET_KEY's, which signs the manifest: a restore names whichever key differs."""
    from gongkai.core import keys

    return {"secret": _fingerprint(settings.SECRET_KEY, "secret"), **keys.fingerprints()}


def _sign(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    key = hmac.new(settings.SECRET_KEY.encode("utf-8"), b"gongkai-backup-manifest", hashlib.sha256).digest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _versions() -> dict[str, str]:
    def version(dist: str, fallback: str = "") -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return fallback

    return {"gongkai": gongkai.__version__, "django": version("django"), "wagtail": version("wagtail"),
            "python": sys.version.split()[0]}


# --- backup --------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


class _HashingWriter(io.RawIOBase):
    """A write-only file that hashes and counts what goes through it (the archive's own SHA-256)."""

    def __init__(self, target):
        self.target, self.hash, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.target.write(data)
        self.hash.update(data)
        self.size += len(data)
        return len(data)


class _HashingReader(io.RawIOBase):
    def __init__(self, source):
        self.source, self.hash, self.size = source, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.hash.update(data)
        self.size += len(data)
        return data


def default_name(now: dt.datetime | None = None) -> str:
    return f"gongkai-backup-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M%S}.tar"


def create_backup(out: Path | str, actor=None, *, progress: Callable[[str], None] | None = None) -> BackupResult:
    """Write a backup of this installation to ``out`` (a new file; or, if ``out`` is a directory,
    a new timestamped file in it), without stopping the site. The archive is written under a
    temporary name, mode 0600, and renamed when complete. Raises BackupError (Chinese message).
    Appends a ``system.backup_created`` audit entry (after the snapshot, so it is in the next one)."""
    from gongkai.core.actors import command_line_actor

    actor = actor or command_line_actor()
    say = progress or (lambda message: None)
    out = Path(out)
    if out.is_dir():
        out = out / default_name()
    if out.exists():
        raise BackupError(f"备份文件已存在：{out}（不会覆盖，请换一个文件名）")
    if not out.parent.is_dir():
        raise BackupError(f"备份目录不存在：{out.parent}")
    for root in file_roots().values():
        if out.parent.resolve().is_relative_to(root.resolve()):
            raise BackupError(f"备份文件不能写在被备份的目录 {root} 中，请换一个目录（最好在另一块磁盘上）")
    compress = out.name.endswith((".tar.gz", ".tgz"))
    kind = engine()
    partial = out.with_name(out.name + ".partial")
    work = Path(tempfile.mkdtemp(prefix=".gongkai-backup-", dir=out.parent))
    try:
        say("正在读取数据库快照…")
        if kind == "sqlite":
            member, snapshot = SQLITE_MEMBER, work / "gongkai.sqlite3"
            state = _sqlite_snapshot(snapshot)
        else:
            member, snapshot = PG_MEMBER, work / "gongkai.pgdump"
            state = _postgresql_snapshot(snapshot)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "database": {"engine": kind, "member": member, **state["database"]},
            "migrations": state["migrations"],
            "audit_head": state["audit_head"],
            "key_fingerprints": key_fingerprints(),
            "files": {},
        }
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise BackupError(f"无法写入备份文件 {partial}：{exc.strerror}") from None
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            with tarfile.open(fileobj=writer, mode="w|gz" if compress else "w|", format=tarfile.PAX_FORMAT) as tar:
                _add_file(tar, manifest, member, snapshot)
                say("正在打包文件…")
                for root_name, root in file_roots().items():
                    for path, relative in _walk(root):
                        _add_file(tar, manifest, f"files/{root_name}/{relative}", path)
                manifest["signature"] = _sign(manifest)
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = BackupResult(out, writer.hash.hexdigest(), writer.size, manifest)
    with transaction.atomic():
        audit.record("system.backup_created", actor, None, {
            "file": out.name, "sha256": result.sha256, "size": result.size, "engine": kind,
            "files": len(manifest["files"]) - 1, "audit_seq": manifest["audit_head"]["seq"],
        }, label=out.name)
    return result


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under ``root`` in a stable order, with their path relative to it (symbolic
    links are not followed: a backup holds the installation's own files only)."""
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add_file(tar: tarfile.TarFile, manifest: dict[str, Any], name: str, path: Path) -> None:
    with open(path, "rb") as source:
        stat = os.fstat(source.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        reader = _HashingReader(source)
        try:
            tar.addfile(info, reader)
        except OSError as exc:  # the file shrank while it was read
            raise BackupError(f"读取文件时文件被改动：{path}（{exc}），请重新运行备份") from None
    manifest["files"][name] = {"sha256": reader.hash.hexdigest(), "size": info.size}


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        raise BackupError(f"无法备份内存中的 SQLite 数据库：{name}")
    return Path(name)


def _sqlite_snapshot(target: Path) -> dict[str, Any]:
    live = _sqlite_path()
    if not live.exists():
        raise BackupError(f"数据库文件不存在：{live}（请先运行 gongkai migrate）")
    source = sqlite3.connect(str(live), timeout=20)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # one step: a consistent read snapshot, writers carry on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"数据库文件校验未通过：{live}，请先检查数据库（sqlite3 {live} 'PRAGMA integrity_check'）")
        state = _read_state(copy.cursor())
        state["database"] = {"sqlite_version": sqlite3.sqlite_version}
        return state
    finally:
        copy.close()
        source.close()


def _read_state(cursor) -> dict[str, Any]:
    """Migration state and audit chain head, read through ``cursor`` (the snapshot's)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    cursor.execute(f"SELECT last_seq, last_hash FROM {AuditChainHead._meta.db_table} WHERE id = 1")
    row = cursor.fetchone()
    head = {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": audit.GENESIS_HASH}
    return {"migrations": dict(sorted(latest.items())), "audit_head": head}


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password travels in PGPASSWORD, never in argv."""
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for var, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert"), ("PGSSLCERT", "sslcert"),
                     ("PGSSLKEY", "sslkey")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端程序（Debian/Ubuntu：apt install postgresql-client，"
                          "版本不低于数据库服务器），并确认它在 PATH 中")
    return found


def _postgresql_snapshot(target: Path) -> dict[str, Any]:
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        # Export this transaction's snapshot: pg_dump dumps exactly what this transaction sees, so
        # the manifest's migration state and chain head describe the dump itself.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        state = _read_state(cursor)
        done = subprocess.run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
                               f"--file={target}"], env=_pg_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip() or done.returncode}")
    state["database"] = {"server_version": server_version}
    return state


# --- restore -------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int = 0
    migrated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    chain_problems: list[audit.ChainProblem] = field(default_factory=list)
    dry_run: bool = False


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, checked for shape and signature. Raises BackupError."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            try:
                member = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(f"备份文件中没有清单 {MANIFEST}：不是 Gongkai 备份，或备份不完整") from None
            manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"备份文件不存在：{archive}") from None
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"备份文件已损坏或不是 Gongkai 备份：{archive}（{exc}）") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"备份文件不是 Gongkai 备份：{archive}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本为 {manifest.get('format_version')}，本版本只能恢复第 {FORMAT_VERSION} 版格式的备份")
    for key in ("created_at", "versions", "database", "migrations", "audit_head", "key_fingerprints", "files"):
        if key not in manifest:
            raise BackupError(f"备份清单不完整（缺少 {key}），备份已损坏")
    return manifest


def check_keys(manifest: dict[str, Any]) -> None:
    """Refuse, naming the key, when a key of this installation differs from the backup's."""
    current = key_fingerprints()
    for purpose, fingerprint in sorted(manifest["key_fingerprints"].items()):
        name = KEY_NAMES.get(purpose, purpose)
        if purpose not in current:
            raise BackupError(f"本安装没有配置备份时使用的密钥 {name}：请先配置与备份时相同的密钥再恢复")
        if current[purpose] != fingerprint:
            raise BackupError(f"密钥不一致：本安装的 {name} 与备份时不同（备份指纹 {fingerprint}，本安装 {current[purpose]}）。"
                              "请使用备份时的密钥（另行保存的 var/keys.json 或环境变量）后再恢复")
    if not hmac.compare_digest(str(manifest.get("signature", "")), _sign(manifest)):
        raise BackupError("备份清单签名不符：清单被改动过，或备份不是用本安装的密钥生成的，已拒绝恢复")


def check_version(manifest: dict[str, Any]) -> None:
    """Refuse a backup made by a newer Gongkai (its schema is unknown here). An older backup is
    accepted: the restore brings it up to date with migrate."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    version = manifest["versions"].get("gongkai", "?")
    unknown = [(app, name) for app, name in manifest["migrations"].items() if (app, name) not in known]
    if unknown:
        app, name = unknown[0]
        raise BackupError(f"备份来自较新或不同的 Gongkai 版本（{version}，当前 {gongkai.__version__}）："
                          f"数据库结构 {app}.{name} 本版本不认识。请先把本安装升级到备份时的版本再恢复")


def _content_tables() -> list[str]:
    return [Body._meta.db_table, get_user_model()._meta.db_table, AuditEvent._meta.db_table]


def check_empty() -> None:
    """Refuse unless the database holds no bodies, users or audit entries (a fresh or migrated but
    unused installation) and the file directories hold no files."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in _content_tables():
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    raise BackupError(f"目标安装不是空的：数据库中已有数据（{table}）。恢复只能在空安装上进行："
                                      "请新建一个空数据库（或删除 SQLite 数据库文件）后再恢复")
    for root in file_roots().values():
        for path, _relative in _walk(root):
            raise BackupError(f"目标安装不是空的：文件目录 {root} 中已有文件（{path.name}）。请使用空的目录再恢复")


def restore_backup(archive: Path | str, actor=None, *, dry_run: bool = False,
                   progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Restore ``archive`` into this (empty) installation, then verify the audit chain.

    Checks first, touching nothing: the manifest and its signature, the key fingerprints, the
    version, the engine, that the installation is empty, and the SHA-256 of every file. Then it
    restores the database (SQLite backup API into the database file; pg_restore on PostgreSQL),
    moves the files into place, runs migrate if the backup is from an older version, verifies the
    audit chain against the manifest's head, and appends a ``system.restored`` entry. With
    ``dry_run`` it stops after the checks. Raises BackupError (Chinese message)."""
    from gongkai.core.actors import command_line_actor

    actor = actor or command_line_actor()
    say = progress or (lambda message: None)
    archive = Path(archive)
    manifest = read_manifest(archive)
    kind = engine()
    source_engine = manifest["database"].get("engine")
    if source_engine != kind:
        raise BackupError(f"数据库类型不同：备份来自 {source_engine}，本安装使用 {kind}。"
                          "只支持 SQLite→SQLite、PostgreSQL→PostgreSQL 的恢复，跨数据库迁移不在此功能范围内")
    check_keys(manifest)
    check_version(manifest)
    check_empty()
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gongkai-restore-", dir=settings.VAR_DIR))
    try:
        say("正在校验备份文件…")
        staged = _unpack_and_verify(archive, manifest, staging)
        result = RestoreResult(manifest=manifest, files=len(staged) - 1, dry_run=dry_run)
        if dry_run:
            return result
        say("正在恢复数据库…")
        member = manifest["database"]["member"]
        if kind == "sqlite":
            _restore_sqlite(staged[member])
        else:
            _restore_postgresql(staged[member])
        say("正在恢复文件…")
        roots = file_roots()
        for name, path in staged.items():
            if name == member:
                continue
            _prefix, root_name, relative = name.split("/", 2)
            target = roots[root_name] / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    connections.close_all()
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from django.core.management import call_command

        say("备份来自较早版本，正在升级数据库结构（migrate）…")
        call_command("migrate", interactive=False, verbosity=0)
        result.migrated = True
    say("正在校验审计日志…")
    result.chain_problems = list(audit.verify_chain())
    head = AuditChainHead.objects.filter(pk=1).first()
    restored_head = {"seq": head.last_seq, "hash": head.last_hash} if head else {"seq": 0, "hash": audit.GENESIS_HASH}
    if restored_head != manifest["audit_head"]:
        result.chain_problems.append(audit.ChainProblem(restored_head["seq"], "altered",
                                                        "恢复后的日志链末端与备份清单记载的不符"))
    result.counts = {"bodies": Body.objects.count(), "users": get_user_model().objects.count(),
                     "audit_events": AuditEvent.objects.count()}
    with transaction.atomic():
        audit.record("system.restored", actor, None, {
            "archive": archive.name, "created_at": manifest["created_at"], "engine": kind,
            "source_version": manifest["versions"].get("gongkai", ""), "files": result.files,
            "audit_seq": manifest["audit_head"]["seq"], "chain_ok": not result.chain_problems,
            "migrated": result.migrated,
        }, label=archive.name)
    return result


def _unpack_and_verify(archive: Path, manifest: dict[str, Any], staging: Path) -> dict[str, Path]:
    """Unpack every listed file into ``staging``, hashing it on the way; refuse a member that is not
    listed, not a regular file, or whose bytes differ, and a listed file that is missing."""
    expected: dict[str, dict[str, Any]] = manifest["files"]
    member = manifest["database"].get("member")
    if member not in expected:
        raise BackupError("备份中没有数据库快照，备份已损坏")
    staged: dict[str, Path] = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for n, info in enumerate(tar):
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or not info.isfile() or not _safe_member(info.name):
                    raise BackupError(f"备份中有清单未列出的内容：{info.name}，备份已被改动，已拒绝恢复")
                if info.name in staged:
                    raise BackupError(f"备份中 {info.name} 出现了两次，备份已被改动，已拒绝恢复")
                target = staging / f"{n:08d}"
                digest = hashlib.sha256()
                with tar.extractfile(info) as source, open(target, "wb") as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                if digest.hexdigest() != expected[info.name]["sha256"]:
                    raise BackupError(f"备份文件已损坏或被改动：{info.name} 的 SHA-256 与清单不符，已拒绝恢复")
                staged[info.name] = target
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"备份文件已损坏：{archive}（{exc}）") from None
    missing = sorted(set(expected) - set(staged))
    if missing:
        raise BackupError(f"备份不完整：缺少 {missing[0]} 等 {len(missing)} 个文件，已拒绝恢复")
    return staged


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    if name in (SQLITE_MEMBER, PG_MEMBER):
        return True
    return len(path.parts) >= 3 and path.parts[0] == "files" and path.parts[1] in file_roots()


def _restore_sqlite(snapshot: Path) -> None:
    target = _sqlite_path()
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(snapshot))
    destination = sqlite3.connect(str(target), timeout=20)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("备份中的数据库快照校验未通过，已拒绝恢复")
        # Through SQLite, not a file copy: a WAL file left beside the target cannot corrupt it.
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    with transaction.atomic(), connection.cursor() as cursor:
        # The target holds no content (check_empty), but may have been migrated: drop its tables so
        # that the dump's schema is the only one (a newer empty schema would clash with the dump's).
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connections.close_all()
    env = _pg_env()
    done = subprocess.run([pg_restore, "--no-password", "--no-owner", "--no-privileges", "--clean", "--if-exists",
                           "--exit-on-error", "--single-transaction", f"--dbname={env.get('PGDATABASE', '')}",
                           str(dump)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败（目标数据库已清空，排除原因后可重新恢复）：{done.stderr.strip() or done.returncode}")

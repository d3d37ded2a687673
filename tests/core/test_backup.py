"""`gongkai backup` and `gongkai restore` (issue 13 §8), end to end as an operator runs them: the
demo county plus an online application with an ID document (a private file) is backed up from a
live installation and restored into a fresh empty one, on the suite's database engine (a second
SQLite file, or a second PostgreSQL database). Then: the same rows, the same file bytes, a verified
audit chain; and refusals for a tampered archive, a wrong key, a non-empty target, another engine
and a newer version."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

GONGKAI = [sys.executable, "-m", "gongkai.cli"]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ID_DOCUMENT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"

# A small county built through the services (the demo takes a minute; this is enough to show every
# kind of content): bodies, a person with a role, an online application with its ID document
# (private storage) and a published-file upload in MEDIA_ROOT, all in the audit chain.
DATASET = f"""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from gongkai.core.actors import SYSTEM
from gongkai.core.services.bodies import create_body
from gongkai.core.services.people import assign_role, create_person
from gongkai.requests.services.cases import submit_online
from gongkai.rules.identifiers import make_uscc
county = create_body(SYSTEM, parent=None, kind="county", name="备份县人民政府", code=make_uscc("11", "990101", "00000001"))
office = create_body(SYSTEM, parent=county, kind="department", name="备份县人民政府办公室",
                     code=make_uscc("11", "990101", "00000002"), is_competent_office=True)
dept = create_body(SYSTEM, parent=county, kind="department", name="备份县农业农村局", code=make_uscc("11", "990101", "00000003"))
user = create_person(SYSTEM, body=office, username="bk_admin", full_name="备份管理员", password="Backup-pass-2026!x")
assign_role(SYSTEM, user=user, body=office, role="office_admin")
submit_online(body=dept, applicant_type="natural_person", subject="2025年耕地地力保护补贴发放名单",
              preferred_form="electronic", delivery_method="email",
              applicant={{"name": "张三", "id_type": "resident_id", "id_number": "360702199001011234",
                         "phone": "13800001234", "email": "zhangsan@example.com", "address": "备份县城关镇1号"}},
              id_document=SimpleUploadedFile("身份证.pdf", {ID_DOCUMENT!r}, content_type="application/pdf"))
default_storage.save("records/2026/12/补贴发放名单.xlsx", ContentFile(b"PK\x03\x04" + bytes(range(256)) * 40))
"""

COUNT_ROWS = """
import json
from django.apps import apps
from django.db import connection
tables = set(connection.introspection.table_names())
from gongkai.core.models import AuditEvent
counts = {m._meta.label: m.objects.count() for m in apps.get_models()
          if not m._meta.proxy and m._meta.db_table in tables}
counts["last_event"] = AuditEvent.objects.order_by("-seq").values_list("event_type", flat=True).first()
print(json.dumps(counts))
"""


class Installation:
    """One Gongkai installation in its own var directory and database, driven by subprocesses."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.var = Path(env["GONGKAI_VAR_DIR"])

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, timeout=300,
                              env={**self.env, **(env or {})})

    def ok(self, *args: str, **kw) -> str:
        done = self.run(*args, **kw)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    def refused(self, *args: str, needle: str, **kw) -> str:
        done = self.run(*args, **kw)
        assert done.returncode != 0, done.stdout
        assert "Traceback" not in done.stderr + done.stdout
        assert needle in done.stderr, done.stderr
        return done.stderr

    def rows(self) -> dict[str, int]:
        return json.loads(self.ok("shell", "-c", COUNT_ROWS).strip().splitlines()[-1])

    def files(self) -> dict[str, bytes]:
        found = {}
        for root in ("media", "private"):
            base = self.var / root
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file():
                        found[f"{root}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
        return found


@contextlib.contextmanager
def installation(tmp_path_factory):
    """A fresh, empty installation: a new var directory, and on PostgreSQL a new database
    (created here, dropped afterwards), never migrated."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(GONGKAI_VAR_DIR=str(tmp_path_factory.mktemp("var")), DJANGO_SETTINGS_MODULE="gongkai.settings")
    # Every installation here, and this test process, use the same keys: an operator restores with
    # the backed-up key file. (Without them the first `gongkai migrate` writes random keys.)
    from django.conf import settings

    env.update(SECRET_KEY=settings.SECRET_KEY, GONGKAI_AUDIT_KEY=settings.GONGKAI_AUDIT_KEY,
               GONGKAI_ID_HASH_KEY=settings.GONGKAI_ID_HASH_KEY, GONGKAI_DATA_KEYS=",".join(settings.GONGKAI_DATA_KEYS))
    if not ON_POSTGRES:
        yield Installation(env)
        return
    import psycopg

    # Created and dropped from the maintenance database: the suite's own may not exist yet.
    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
    name = f"gongkai_bk_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    try:
        yield Installation(env)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    if ON_POSTGRES and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump/pg_restore are not installed (Debian: postgresql-client): the PostgreSQL backup "
                    "cannot run on this machine")
    with installation(tmp_path_factory) as site:
        site.ok("migrate", "--noinput")
        site.ok("shell", "-c", DATASET)
        site.rows_before = site.rows()
        site.files_before = site.files()
        yield site


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory):
    out = tmp_path_factory.mktemp("backups")
    said = source.ok("backup", str(out))
    [path] = out.iterdir()
    assert path.name.startswith("gongkai-backup-") and path.suffix == ".tar"
    assert str(path) in said and hashlib.sha256(path.read_bytes()).hexdigest() in said
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # personal data: readable by the owner only
    after = source.rows()  # the backup is audited, after its snapshot
    assert after["last_event"] == "system.backup_created"
    assert after["core.AuditEvent"] == source.rows_before["core.AuditEvent"] + 1
    return path


def test_the_dataset_has_private_and_public_files(source):
    assert any(name.startswith("private/requests/id/") for name in source.files_before)
    # Private files are encrypted at rest (core/encryption.py): the PDF's bytes are not on disk.
    [stored] = [data for name, data in source.files_before.items() if name.startswith("private/requests/id/")]
    assert b"%PDF" not in stored and b"%%EOF" not in stored
    assert any(name.startswith("media/") for name in source.files_before)


def test_manifest_describes_the_snapshot(source, archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        member = manifest["database"]["member"]
        for name, entry in manifest["files"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == entry["sha256"]
    assert names[-1] == "manifest.json" and set(names[:-1]) == set(manifest["files"])
    assert manifest["database"]["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert member == ("database/gongkai.pgdump" if ON_POSTGRES else "database/gongkai.sqlite3")
    assert {f"files/{name}" for name in source.files_before} | {member} == set(manifest["files"])
    assert manifest["versions"]["gongkai"] and manifest["versions"]["django"].startswith("5.2")
    assert manifest["migrations"]["core"].startswith("0") and "wagtailcore" in manifest["migrations"]
    assert set(manifest["key_fingerprints"]) >= {"secret", "data", "audit", "id_hash"}
    assert all(len(fp) == 16 for fp in manifest["key_fingerprints"].values())
    # The chain head is the snapshot's: the backup's own audit entry comes after it.
    assert manifest["audit_head"]["seq"] == source.rows_before["core.AuditEvent"]
    assert len(manifest["audit_head"]["hash"]) == 64 and len(manifest["signature"]) == 64
    assert "keys.json" not in " ".join(names) and "SECRET_KEY" not in json.dumps(manifest)


def test_round_trip_into_an_empty_installation(source, archive, tmp_path_factory):
    with installation(tmp_path_factory) as target:
        checked = target.ok("restore", "--dry-run", str(archive))
        assert "备份校验通过" in checked and "可以恢复" in checked
        assert target.files() == {}  # the dry run touched nothing
        said = target.ok("restore", str(archive))
        assert "恢复完成" in said and "审计日志哈希链校验通过" in said
        restored = target.rows()
        expected = dict(source.rows_before)
        # The restore appends its own audit entry to the restored chain.
        expected["core.AuditEvent"] += 1
        expected["last_event"] = "system.restored"
        assert restored == expected
        assert restored["core.Body"] == 3 and restored["gongkai_requests.Applicant"] == 1
        assert target.files() == source.files_before
        assert "审计日志完整" in target.ok("audit", "verify")


def test_a_non_empty_installation_is_refused(source, archive):
    source.refused("restore", str(archive), needle="目标安装不是空的")


def _rewrite(archive: Path, out: Path, change, skip=lambda name: False) -> Path:
    """Copy ``archive`` member by member, letting ``change(name, data)`` return new bytes."""
    with tarfile.open(archive) as tar, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as new:
        for info in tar:
            if skip(info.name):
                continue
            data = change(info.name, tar.extractfile(info).read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return out


def _is_id_document(name: str) -> bool:
    return name.startswith("files/private/requests/id/")


def _swap_file(name, data):
    """Change one bit of the ID document (stored encrypted, so its bytes are not the PDF's)."""
    return data[:-1] + bytes([data[-1] ^ 1]) if _is_id_document(name) else data


def test_a_tampered_archive_is_refused_by_the_command(archive, tmp_path, tmp_path_factory):
    changed = _rewrite(archive, tmp_path / "changed.tar", _swap_file)
    with installation(tmp_path_factory) as target:
        target.refused("restore", str(changed), needle="SHA-256 与清单不符")
        assert target.files() == {}
        assert list(target.var.glob(".gongkai-restore-*")) == []  # the staging area is cleaned up


def test_every_kind_of_damage_is_refused_before_anything_is_touched(archive, tmp_path, settings, db):
    """In process, against an empty test database: each damaged archive is refused with its own
    message, and neither the database nor the file directories are touched."""
    from gongkai.core.backup import BackupError, restore_backup
    from gongkai.core.models import Body


    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"

    def swap_file_and_hash(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            for member, entry in manifest["files"].items():
                if _is_id_document(member):
                    with tarfile.open(archive) as original:
                        stored = original.extractfile(member).read()
                    entry["sha256"] = hashlib.sha256(_swap_file(member, stored)).hexdigest()
            return json.dumps(manifest).encode()
        return _swap_file(name, data)

    def add_member(out):
        shutil.copy(archive, out)
        with tarfile.open(out, "a") as tar:
            info = tarfile.TarInfo("files/private/../../evil.sh")
            info.size = 4
            tar.addfile(info, io.BytesIO(b"boom"))
        return out

    def drop_member(name, data):
        return data

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        tar.add(__file__, arcname="notes.py")
    cases = [
        (_rewrite(archive, tmp_path / "changed.tar", _swap_file), "SHA-256 与清单不符"),
        (_rewrite(archive, tmp_path / "rehashed.tar", swap_file_and_hash), "签名不符"),
        (add_member(tmp_path / "extra.tar"), "清单未列出的内容"),
        (_rewrite(archive, tmp_path / "short.tar", drop_member, skip=_is_id_document), "备份不完整"),
        (truncated, "损坏"),
        (not_a_backup, "不是 Gongkai 备份"),
        (tmp_path / "missing.tar", "备份文件不存在"),
    ]
    for path, message in cases:
        with pytest.raises(BackupError, match=message):
            restore_backup(path)
    assert not Body.objects.exists()
    assert not (tmp_path / "var" / "media").exists() and not (tmp_path / "var" / "private").exists()
    assert list((tmp_path / "var").glob(".gongkai-restore-*")) == []
    # The genuine archive passes every check.
    assert restore_backup(archive, dry_run=True).files == len(
        [n for n in json.loads(tarfile.open(archive).extractfile("manifest.json").read())["files"]]) - 1


def test_a_different_key_is_refused_by_name(archive, tmp_path_factory):
    with installation(tmp_path_factory) as target:
        refusal = target.refused("restore", str(archive), needle="SECRET_KEY",
                                 env={"SECRET_KEY": "another-installation-key-" + "x" * 40})
        assert "密钥不一致" in refusal
        assert target.files() == {}


def test_backup_refuses_to_overwrite(source, archive):
    source.refused("backup", str(archive), needle="备份文件已存在")
    source.refused("backup", str(archive.parent / "no-such-dir" / "x.tar"), needle="备份目录不存在")
    source.refused("backup", str(source.var / "private"), needle="不能写在被备份的目录")


# --- the checks, in process (no database needed) ---------------------------------------------------


def _fake_archive(path: Path, **changes) -> Path:
    from gongkai.core import backup

    db = b"not really a database"
    manifest = {
        "format": backup.FORMAT, "format_version": backup.FORMAT_VERSION, "created_at": "2026-12-01T00:00:00+00:00",
        "versions": {"gongkai": "0.1.0"}, "database": {"engine": backup.engine(), "member": backup.SQLITE_MEMBER},
        "migrations": {"core": "0001_initial"}, "audit_head": {"seq": 0, "hash": "0" * 64},
        "key_fingerprints": backup.key_fingerprints(),
        "files": {backup.SQLITE_MEMBER: {"sha256": hashlib.sha256(db).hexdigest(), "size": len(db)}},
    }
    manifest.update(changes)
    manifest["signature"] = backup._sign(manifest)
    with tarfile.open(path, "w") as tar:
        for name, data in ((backup.SQLITE_MEMBER, db), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_another_engine_is_refused(tmp_path):
    from gongkai.core.backup import BackupError, engine, restore_backup

    other = "sqlite" if engine() == "postgresql" else "postgresql"
    path = _fake_archive(tmp_path / "other.tar", database={"engine": other, "member": "database/x"})
    with pytest.raises(BackupError, match="跨数据库迁移不在此功能范围内"):
        restore_backup(path)


def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    from gongkai.core.backup import BackupError, check_keys, check_version, read_manifest

    manifest = read_manifest(_fake_archive(tmp_path / "newer.tar", versions={"gongkai": "9.0.0"},
                                           migrations={"core": "0001_initial", "reports": "9999_future"}))
    check_keys(manifest)
    with pytest.raises(BackupError, match=r"较新.*9\.0\.0.*reports\.9999_future"):
        check_version(manifest)
    check_version(read_manifest(_fake_archive(tmp_path / "same.tar")))  # known migrations pass


def test_each_key_is_named_when_it_differs(tmp_path, settings):
    from gongkai.core.backup import BackupError, check_keys, read_manifest

    manifest = read_manifest(_fake_archive(tmp_path / "keys.tar"))
    check_keys(manifest)
    original = getattr(settings, "GONGKAI_AUDIT_KEY", "")
    settings.GONGKAI_AUDIT_KEY = "a-different-audit-key"
    with pytest.raises(BackupError, match="GONGKAI_AUDIT_KEY"):
        check_keys(manifest)
    settings.GONGKAI_AUDIT_KEY = original
    check_keys(manifest)
    settings.GONGKAI_ID_HASH_KEY = "a-different-id-hash-key"
    with pytest.raises(BackupError, match="GONGKAI_ID_HASH_KEY"):
        check_keys(manifest)


def test_fingerprints_identify_keys_without_revealing_them(settings):
    from gongkai.core.backup import key_fingerprints as _key_fingerprints

    settings.SECRET_KEY = "k" * 50
    first = _key_fingerprints()
    assert first["secret"] != first["audit"] and "k" * 8 not in "".join(first.values())
    settings.SECRET_KEY = "k" * 49 + "j"
    assert _key_fingerprints()["secret"] != first["secret"]
    assert _key_fingerprints()["audit"] == first["audit"]


WRITER = """
from gongkai.core.actors import SYSTEM
from gongkai.core.models import Body
from gongkai.core.services.bodies import create_body
dept = Body.objects.get(name="备份县农业农村局")
for i in range(300):
    create_body(SYSTEM, parent=dept, kind="section", name=f"并发股{i}")
print("done", flush=True)
"""


def test_a_backup_taken_while_the_site_writes_is_consistent(source, tmp_path, tmp_path_factory):
    """Runs last (it adds rows to the source): another process keeps writing (each new body is a
    row and an audit entry in one transaction) while the backup runs. The archive restores with a
    verified chain, and its rows and audit entries are of one and the same moment."""
    import time

    before = source.rows()
    writer = subprocess.Popen([*GONGKAI, "shell", "-c", WRITER], env=source.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while source.rows()["core.Body"] == before["core.Body"]:  # the writer has started writing
            assert writer.poll() is None and time.monotonic() < deadline, writer.stderr.read()
        source.ok("backup", str(tmp_path / "busy.tar"))
        still_writing = writer.poll() is None
    finally:
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0 and "done" in out, err  # the backup never made a write fail
    with tarfile.open(tmp_path / "busy.tar") as tar:
        head = json.loads(tar.extractfile("manifest.json").read())["audit_head"]
    with installation(tmp_path_factory) as target:
        assert "审计日志哈希链校验通过" in target.ok("restore", str(tmp_path / "busy.tar"))
        restored = target.rows()
    sections = restored["core.Body"] - before["core.Body"]
    assert 0 < sections and (sections < 300 or not still_writing)
    # One audit entry per section, none more, none fewer: rows and chain from the same snapshot.
    assert head["seq"] == before["core.AuditEvent"] + sections
    assert restored["core.AuditEvent"] == head["seq"] + 1

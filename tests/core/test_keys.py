"""The installation's keys (issue 13 §3): the key file, environment overrides, serve's refusal of
public or weak keys, the ID-hash key apart from SECRET_KEY, fingerprints and a restore onto other
keys (gongkai.core.keys)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from gongkai.core import keys
from gongkai.core.management.commands.serve import key_problems
from gongkai.core.models import KeyFingerprint
from gongkai.villages import conf

GONGKAI = [sys.executable, "-m", "gongkai.cli"]
STRONG = "Vq3-f8ZkL0pTw9xRb2NcYh7mJd4sGe6uAa1"


def test_key_file_is_created_once_with_mode_0600(tmp_path):
    path, created = keys.ensure_file(tmp_path)
    assert created and path == tmp_path / "keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    stored = json.loads(first)
    assert set(stored) == {"secret_key", "audit_key", "id_hash_key", "data_keys"}
    assert len({stored["secret_key"], stored["audit_key"], stored["id_hash_key"]}) == 3
    assert not any(keys.is_weak(stored[k]) for k in ("secret_key", "audit_key", "id_hash_key"))
    assert keys.ensure_file(tmp_path) == (path, False) and path.read_text() == first  # reused, unchanged
    loaded = keys.load(tmp_path, environ={})
    assert loaded.source == "file" and loaded.secret_key == stored["secret_key"]
    assert loaded.data_keys == stored["data_keys"] and keys.problems(loaded) == []
    assert not list(tmp_path.glob(".keys-*"))  # no temporary file left behind


def test_environment_overrides_each_key(tmp_path):
    keys.ensure_file(tmp_path)
    stored = json.loads((tmp_path / "keys.json").read_text())
    k1, k2 = keys.new_data_key(), keys.new_data_key()
    loaded = keys.load(tmp_path, environ={"SECRET_KEY": STRONG, "GONGKAI_DATA_KEYS": f"{k1}, {k2}"})
    assert loaded.secret_key == STRONG and loaded.data_keys == [k1, k2]
    assert loaded.audit_key == stored["audit_key"] and loaded.id_hash_key == stored["id_hash_key"]
    assert loaded.sources == {"secret_key": "env", "audit_key": "file", "id_hash_key": "file", "data_keys": "env"}
    everything = {"SECRET_KEY": STRONG, "GONGKAI_AUDIT_KEY": STRONG + "a", "GONGKAI_ID_HASH_KEY": STRONG + "b",
                  "GONGKAI_DATA_KEYS": k1}
    assert keys.load(tmp_path, environ=everything).source == "env"


def test_without_env_or_file_the_public_development_keys_are_flagged(tmp_path):
    loaded = keys.load(tmp_path, environ={})
    assert loaded.source == "development" and loaded.secret_key == keys.DEVELOPMENT_SECRET_KEY
    assert len(keys.problems(loaded)) == 4  # secret, audit, id-hash and data keys


def test_bad_values_are_refused(tmp_path):
    with pytest.raises(keys.KeyError_, match="数据加密密钥格式不正确"):
        keys.load(tmp_path, environ={"GONGKAI_DATA_KEYS": "not-a-key"})
    (tmp_path / "keys.json").write_text("{broken")
    with pytest.raises(keys.KeyError_, match="已损坏"):
        keys.load(tmp_path, environ={})
    with pytest.raises(keys.KeyError_):
        keys.ensure_file(tmp_path)  # a corrupt file is reported, never silently replaced


def test_weak_keys_are_named():
    base = keys.KeySet(secret_key="x" * 40, audit_key=STRONG + "1", id_hash_key=STRONG, data_keys=[keys.new_data_key()],
                       sources=dict.fromkeys(keys.ENV_NAMES, "env"))
    assert any("SECRET_KEY 太弱" in p for p in keys.problems(base))  # long but one character
    base.secret_key = "short-Key-1"
    assert any("SECRET_KEY 太弱" in p for p in keys.problems(base))
    base.secret_key = STRONG
    assert keys.problems(base) == ["GONGKAI_ID_HASH_KEY 不能与 SECRET_KEY 相同"]


def _one_line_refusal(result, *needles):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _serve(env, *args):
    """Run `gongkai serve`; should it start a server after all, stop it and its workers."""
    import signal

    process = subprocess.Popen([*GONGKAI, "serve", "--port", "8999", *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("serve started instead of refusing")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_serve_refuses_public_and_weak_keys(tmp_path):
    """Through gongkai.cli in a real process: one Chinese line, exit status 2, no traceback."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", *keys.ENV_NAMES.values())}
    env.update(GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_SCHEDULER="off")
    public = _serve(env)
    _one_line_refusal(public, "拒绝启动", "SECRET_KEY 未设置", "公开的开发密钥", "gongkai keys init")
    keys.ensure_file(tmp_path)
    weak = _serve({**env, "SECRET_KEY": "changeme"})
    _one_line_refusal(weak, "拒绝启动", "SECRET_KEY 太弱")
    no_id_key = _serve({**env, "GONGKAI_ID_HASH_KEY": keys.DEVELOPMENT_ID_HASH_KEY})
    assert no_id_key.returncode == 2 and "GONGKAI_ID_HASH_KEY" in no_id_key.stderr  # the file's own is overridden
    # A broken key file is a configuration error: still one line.
    (tmp_path / "keys.json").write_text("{")
    broken = _serve(env)
    _one_line_refusal(broken, "密钥文件", "已损坏")


@pytest.mark.django_db
def test_serve_allows_development_keys_only_with_debug(settings):
    settings.GONGKAI_KEY_SOURCES = dict.fromkeys(keys.ENV_NAMES, "development")
    assert "拒绝启动" in key_problems(debug=False)
    assert key_problems(debug=True) == ""


def test_id_hash_is_not_keyed_with_secret_key(settings):
    settings.SECRET_KEY = STRONG
    settings.GONGKAI_ID_HASH_KEY = STRONG[::-1]
    number = "360102196504120013"
    with_secret = hmac.new(STRONG.encode(), b"gongkai-id:" + number.encode(), hashlib.sha256).hexdigest()
    assert conf.id_hash(number) != with_secret
    assert conf.id_hash(number) == hmac.new(STRONG[::-1].encode(), b"gongkai-id:" + number.encode(),
                                            hashlib.sha256).hexdigest()
    settings.GONGKAI_ID_HASH_KEY = STRONG + "x"
    assert conf.id_hash(number) != with_secret


def test_fingerprints_are_short_keyed_hashes():
    value = keys.fingerprint("some-key", "data")
    assert len(value) == 16 and value == hmac.new(b"some-key", b"gongkai-key-fingerprint:data",
                                                  hashlib.sha256).hexdigest()[:16]
    assert keys.fingerprint("some-key", "audit") != value
    assert set(keys.fingerprints()) == {"id_hash", "data", "audit"}


@pytest.mark.django_db
def test_fingerprints_are_stored_and_a_different_key_is_reported(settings, capsys):
    keys.record()  # what post_migrate does (the test database is migrated before the test)
    stored = dict(KeyFingerprint.objects.values_list("purpose", "fingerprint"))
    assert stored == keys.fingerprints()
    call_command("keys", "check")
    assert "一致" in capsys.readouterr().out
    settings.GONGKAI_ID_HASH_KEY = STRONG  # a restore onto a server with another ID-hash key
    assert set(keys.check()) == {"id_hash"}
    with pytest.raises(CommandError) as err:
        call_command("keys", "check")
    assert err.value.returncode == 1 and "身份证号哈希密钥" in str(err.value)
    assert "审计密钥" not in str(err.value) and "数据加密密钥" not in str(err.value)
    assert "拒绝启动" in key_problems(debug=True)  # even in DEBUG
    assert KeyFingerprint.objects.filter(purpose="id_hash").count() == 1  # never overwritten


@pytest.mark.django_db
def test_new_data_key_is_recorded_old_ones_must_stay(settings):
    keys.record()
    new = keys.new_data_key()
    settings.GONGKAI_DATA_KEYS = [new, *settings.GONGKAI_DATA_KEYS]
    assert keys.check() == {}
    assert KeyFingerprint.objects.filter(purpose="data").count() == 2
    settings.GONGKAI_DATA_KEYS = [new]  # the old key dropped by hand: data written with it is lost
    assert set(keys.check()) == {"data"}


@pytest.mark.django_db
def test_keys_init_creates_the_file_once_and_says_so_in_one_line(settings, tmp_path):
    import io

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("keys", "init", stdout=out)
    assert out.getvalue().strip().count("\n") == 0 and "已生成本机密钥文件" in out.getvalue()
    content = (tmp_path / "keys.json").read_text()
    out = io.StringIO()
    call_command("keys", "init", stdout=out)
    assert "已存在" in out.getvalue() and (tmp_path / "keys.json").read_text() == content

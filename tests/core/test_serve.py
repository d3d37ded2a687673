"""`gongkai serve` prepares the static files itself (issue 13 §9): collected when missing, collected
again when stale (a static file added or changed since the manifest was written), refused with the
command to run when STATIC_ROOT cannot be written. The served home page answering 200 without a
prior collectstatic is in tests/core/test_cli.py (test_demo_then_serve_answers_http)."""

from __future__ import annotations

import io
import json
import os
import time

import pytest
from django.core.management.base import CommandError

from gongkai.core.management.commands.serve import prepare_static, static_state

MANIFEST_STORAGE = "gongkai.core.staticfiles.ManifestStaticFilesStorage"


@pytest.fixture
def production_static(settings, tmp_path):
    """The production static storage (the suite's default is the plain one) with its own
    STATIC_ROOT, plus a project static directory the test may add files to."""
    extra = tmp_path / "extra"
    (extra / "ops").mkdir(parents=True)
    (extra / "ops" / "first.css").write_text("body { color: #111; }\n", encoding="utf-8")
    settings.STATICFILES_DIRS = [extra]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.WHITENOISE_USE_FINDERS = False
    return extra


def test_missing_then_stale_static_files_are_collected(production_static, settings):
    out = io.StringIO()
    assert static_state() == "missing"
    assert prepare_static(out) == "missing"
    assert "正在准备静态文件" in out.getvalue()
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text(encoding="utf-8"))
    assert "ops/first.css" in manifest["paths"] and "wagtailadmin/css/core.css" in manifest["paths"]
    assert static_state() is None
    assert prepare_static(io.StringIO()) is None  # ready: nothing done, the server starts at once

    # An upgrade adds a static file: the old manifest lacks it, every page linking it would be a 500.
    (production_static / "ops" / "second.js").write_text("/* new */\n", encoding="utf-8")
    assert static_state() == "stale"
    out = io.StringIO()
    assert prepare_static(out) == "stale"
    assert "不一致" in out.getvalue() and "正在准备静态文件" in out.getvalue()
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text(encoding="utf-8"))
    assert "ops/second.js" in manifest["paths"]
    assert static_state() is None

    # A changed file (newer than the manifest) is stale too, and so is a deleted collected copy.
    earlier = time.time() - 60
    os.utime(settings.STATIC_ROOT / "staticfiles.json", (earlier, earlier))  # collected a minute ago
    (production_static / "ops" / "first.css").write_text("body { color: #222; }\n", encoding="utf-8")
    assert static_state() == "stale"
    prepare_static(io.StringIO())
    assert static_state() is None
    (settings.STATIC_ROOT / manifest["paths"]["ops/second.js"]).unlink()
    assert static_state() == "stale"


def test_a_damaged_manifest_is_stale(production_static, settings):
    settings.STATIC_ROOT.mkdir()
    (settings.STATIC_ROOT / "staticfiles.json").write_text("{not json", encoding="utf-8")
    assert static_state() == "stale"
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert staticfiles_storage.hashed_files == {}  # read as no manifest, not a traceback at start-up
    assert prepare_static(io.StringIO()) == "stale"
    assert static_state() is None


def test_an_unwritable_static_root_is_refused_with_the_command_to_run(production_static, settings, tmp_path):
    # A regular file where the directory's parent should be: not creatable, even for root.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    settings.STATIC_ROOT = blocker / "static"
    out = io.StringIO()
    with pytest.raises(CommandError, match="gongkai collectstatic --noinput") as refused:
        prepare_static(out)
    assert "不可写" in str(refused.value) and str(blocker / "static") in str(refused.value)
    assert out.getvalue() == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_a_read_only_static_root_is_refused(production_static, settings):
    settings.STATIC_ROOT.mkdir()
    settings.STATIC_ROOT.chmod(0o555)
    try:
        with pytest.raises(CommandError, match="不可写"):
            prepare_static(io.StringIO())
    finally:
        settings.STATIC_ROOT.chmod(0o755)


def test_plain_storage_with_finders_needs_nothing(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = True
    assert static_state() is None
    settings.WHITENOISE_USE_FINDERS = False
    assert static_state() == "missing"

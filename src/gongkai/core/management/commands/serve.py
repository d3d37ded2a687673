"""`gongkai serve`: the production server (granian, WSGI; static files by WhiteNoise).

Not `runserver`: granian runs several worker processes and is about 1.5x gunicorn on this class of
machine (docs/architecture.md). Static files are collected before the server starts whenever they
are missing or stale (`prepare_static`), so a page never answers 500 for want of a manifest entry.

Unless GONGKAI_SCHEDULER=off, a scheduler process (`gongkai disclosure scheduler`) is started
beside the server: every 60 s it publishes what is scheduled (定时发布/定时撤回). It is a separate
process, so an error in it never touches the server; it logs errors and carries on, and it exits
when the server does. Deployments that run `gongkai disclosure publish-scheduled` from cron or a
systemd timer may keep both: every item is claimed, so it is published once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from gongkai.environment import env_bool

SCHEDULER_INTERVAL = 60  # seconds


class Command(BaseCommand):
    help = "启动生产级 Web 服务 (granian WSGI)"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.GONGKAI_SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.GONGKAI_SERVE_THREADS,
                            help="每个工作进程的请求线程数")

    def handle(self, *args, host, port, workers, threads, **options):
        if not 0 < port < 65536:
            raise CommandError(f"端口无效：{port}")
        if workers < 1 or threads < 1:
            raise CommandError(f"工作进程数或线程数无效：{workers}/{threads}")
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        if granian is None:
            raise CommandError("找不到 granian，请先运行 make install")
        argv = [granian, "--interface", "wsgi", "--host", host, "--port", str(port), "--workers", str(workers),
                "--blocking-threads", str(threads), "--no-ws", "gongkai.wsgi:application"]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
        try:
            scheduler = env_bool("GONGKAI_SCHEDULER", True)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        from django.conf import settings

        refused = key_problems(debug=settings.DEBUG)
        if refused:
            # One line, exit status 2, never a traceback (cli prints CommandError this way).
            raise CommandError(refused, returncode=2)
        prepare_static(self.stdout)
        self.stdout.write(f"Gongkai 服务地址：http://{host}:{port}/  管理后台：http://{host}:{port}/admin/")
        if scheduler:
            start_scheduler()
            self.stdout.write(f"定时发布任务已启动：每 {SCHEDULER_INTERVAL} 秒运行一次（GONGKAI_SCHEDULER=off 可关闭）")
        self.stdout.flush()
        os.execv(granian, argv)


def key_problems(*, debug: bool) -> str:
    """Why serve must not start with the keys in effect (one Chinese line), or "".

    Public development keys, weak keys or an ID-hash key equal to SECRET_KEY are refused unless
    DEBUG is on (local trial); keys that differ from those the stored data was written with
    (core.KeyFingerprint: a restore onto another server) are refused always."""
    from django.db import DatabaseError

    from gongkai.core import keys

    try:
        mismatched = keys.check()
    except DatabaseError:  # not migrated yet: the pages will say so, the keys have nothing to match
        mismatched = {}
    if mismatched:
        return ("拒绝启动：" + "；".join(mismatched.values())
                + "。请换回写入数据时使用的密钥，或运行 gongkai keys check 查看")
    if debug:
        return ""
    found = keys.problems(keys.from_settings())
    if found:
        return ("拒绝启动：" + "；".join(found) + "。请运行 gongkai keys init 生成本机密钥文件，或在环境变量中设置随机长密钥"
                "（见 docs/configuration.md）；本机试用可设 DEBUG=true")
    return ""


def start_scheduler() -> subprocess.Popen:
    """Start `gongkai disclosure scheduler` as a child of this process. This process then becomes
    granian (exec keeps the process id), so the scheduler watches its parent id and exits when the
    server is gone; it shares the server's process group, so Ctrl-C and `systemctl stop` end both."""
    argv = [sys.executable, "-m", "gongkai.cli", "disclosure", "scheduler", "--interval", str(SCHEDULER_INTERVAL),
            "--parent-pid", str(os.getpid())]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, close_fds=True)


def static_state() -> str | None:
    """Whether the collected static files can serve this code: ``"missing"`` (nothing collected,
    or no manifest), ``"stale"`` (a file the finders list is not in the manifest, is newer than
    it, or its collected copy is gone; or the manifest is unreadable), None when they are ready.

    With the manifest storage, every page looks its static links up in the manifest, and a file
    missing from it makes the page answer 500: after an upgrade that adds a static file, a
    manifest from the previous version is as bad as none. One stat per file, no hashing."""
    from django.apps import apps
    from django.contrib.staticfiles import finders

    root = Path(settings.STATIC_ROOT)
    manifest_name = _manifest_name()
    if manifest_name is None:
        # Plain storage: a missing file is a 404, never a 500; collect once if nothing is there
        # (with WHITENOISE_USE_FINDERS the files are served from the finders).
        if getattr(settings, "WHITENOISE_USE_FINDERS", False):
            return None
        return "missing" if not root.is_dir() or not any(root.iterdir()) else None
    manifest = root / manifest_name
    try:
        built = manifest.stat().st_mtime
        paths = json.loads(manifest.read_text(encoding="utf-8"))["paths"]
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except (OSError, ValueError, KeyError, TypeError):
        return "stale"
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            name = Path(getattr(storage, "prefix", None) or "", path).as_posix()
            collected = paths.get(name)
            if collected is None or not (root / collected).is_file():
                return "stale"
            if os.stat(storage.path(path)).st_mtime > built:
                return "stale"
    return None


def _manifest_name() -> str | None:
    # From the class: an instance reads the manifest when it is made, and fails on a damaged one.
    from django.utils.module_loading import import_string

    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    return getattr(backend, "manifest_name", None)


def _writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            return True
    except OSError:
        return False


def prepare_static(stdout) -> str | None:
    """Collect the static files when they are missing or stale (see static_state), before the
    server starts; return what was found (None: ready, nothing done). Raises CommandError, naming
    the command to run, when STATIC_ROOT cannot be written."""
    from django.core.management import call_command

    reason = static_state()
    if reason is None:
        return None
    root = Path(settings.STATIC_ROOT)
    what = "尚未准备" if reason == "missing" else "与当前程序不一致（有新增或更新的文件）"
    if not _writable(root):
        raise CommandError(f"静态文件{what}，而静态文件目录 {root} 不可写，无法自动准备：请用有写权限的用户运行 "
                           "gongkai collectstatic --noinput 后再启动（或设置可写的 GONGKAI_VAR_DIR）")
    stdout.write(f"静态文件{what}，正在准备静态文件（collectstatic）…")
    manifest = root / (_manifest_name() or "staticfiles.json")
    try:
        json.loads(manifest.read_text(encoding="utf-8"))["paths"]
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (OSError, ValueError, KeyError, TypeError):
        manifest.unlink()  # damaged: collectstatic itself would fail reading it
    call_command("collectstatic", interactive=False, verbosity=0)
    return reason

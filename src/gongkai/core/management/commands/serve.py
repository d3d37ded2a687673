"""`gongkai serve`: the production server (granian, WSGI; static files by WhiteNoise).

Not `runserver`: granian runs several worker processes and is about 1.5x gunicorn on this class of
machine (docs/architecture.md). Run `gongkai collectstatic` first (`make run` does).

Unless GONGKAI_SCHEDULER=off, a scheduler process (`gongkai disclosure scheduler`) is started
beside the server: every 60 s it publishes what is scheduled (定时发布/定时撤回). It is a separate
process, so an error in it never touches the server; it logs errors and carries on, and it exits
when the server does. Deployments that run `gongkai disclosure publish-scheduled` from cron or a
systemd timer may keep both: every item is claimed, so it is published once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # WhiteNoise's manifest is what every page's static links are looked up in: without it
            # every page answers 500. Prepare it here rather than fail (make run does it too).
            from django.core.management import call_command

            self.stdout.write("正在准备静态文件（collectstatic）…")
            call_command("collectstatic", interactive=False, verbosity=0)
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

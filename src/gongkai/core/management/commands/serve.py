"""`gongkai serve`: the production server (granian, WSGI; static files by WhiteNoise).

Not `runserver`: granian runs several worker processes and is about 1.5x gunicorn on this class of
machine (docs/architecture.md). Run `gongkai collectstatic` first (`make run` does).
"""

from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


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
        self.stdout.write(f"Gongkai 服务地址：http://{host}:{port}/  管理后台：http://{host}:{port}/admin/")
        self.stdout.flush()
        os.execv(granian, argv)

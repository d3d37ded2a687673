"""The `gongkai` command. Django management commands pass straight through (`gongkai migrate`),
and Gongkai's own commands (`demo`, `serve`, `bodies`, `calendar`, `audit`) are management commands
of the core app, so there is one parser per command and one place to look for it.

Exception: ``gongkai privacy scan|mask`` (and ``gongkai privacy [--help]``) go straight to
``gongkai.privacy.cli`` without importing Django, so a scan starts fast and needs no database. Other
``gongkai privacy …`` words are left to Django (room for management commands such as a sweep)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["privacy"] and args[1:2] in ([], ["scan"], ["mask"], ["-h"], ["--help"]):
        # Fast path: the privacy scan is pure Python and must start without Django or a database.
        from gongkai.privacy.cli import main as privacy_main

        sys.exit(privacy_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    if args[:1] == ["migrate"] and not os.environ.get("SECRET_KEY", "").strip():
        # First run (`gongkai migrate && gongkai demo && gongkai serve`): create the installation's
        # random key file before settings read it, so data is never written with public keys.
        _ensure_key_file()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["gongkai", *args])
    except ImproperlyConfigured as exc:  # a bad environment: one line for the operator, no traceback
        print(f"gongkai：配置有误：{exc}", file=sys.stderr)
        sys.exit(2)


def _ensure_key_file() -> None:
    from gongkai.core import keys

    try:
        path, created = keys.ensure_file()
    except (OSError, keys.KeyError_) as exc:
        print(f"gongkai：无法创建密钥文件：{exc}", file=sys.stderr)
        sys.exit(2)
    if created:
        print(f"已生成本机密钥文件 {path}（权限 0600），请另行备份", file=sys.stderr)


if __name__ == "__main__":
    main()

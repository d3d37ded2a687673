"""The `gongkai` command. Django management commands pass straight through (`gongkai migrate`),
and Gongkai's own commands (`demo`, `serve`, `bodies`, `calendar`, `audit`) are management commands
of the core app, so there is one parser per command and one place to look for it."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongkai", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

"""Who performs an action: a user, or the system (command line, migrations, background jobs)."""

from __future__ import annotations

import getpass


class SystemActor:
    """The operator at the command line or a background job. Shell access to the server is the
    platform's highest trust level, so rules grant the system every action; the audit log still
    records it by name."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __init__(self, label: str = "系统"):
        self.label = label

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()


def command_line_actor() -> SystemActor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return SystemActor(f"命令行（{who}）")


def actor_id(actor) -> int | None:
    return None if isinstance(actor, SystemActor) or actor is None else actor.pk


def actor_label(actor) -> str:
    if actor is None:
        return "匿名"
    if isinstance(actor, SystemActor):
        return actor.label
    full = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    return f"{full}（{actor.get_username()}）" if full else actor.get_username()

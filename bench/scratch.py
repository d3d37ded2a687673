"""The scratch database a benchmark runs on, shared by the scripts in bench/.

``scratch_database("sqlite"|"pg", pg_url, prefix)`` makes a temporary directory and either a SQLite
file in it or a new PostgreSQL database on the server ``pg_url`` names (never the database itself:
a benchmark must not touch data it did not create), points ``DATABASE_URL`` and ``GONGKAI_VAR_DIR``
at them and sets Django up. On leaving it drops both, unless ``keep``. It yields None (and prints
why) when PostgreSQL cannot be reached, so a script skips that database.

Django is configured once per process: a script runs one database per process.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Scratch:
    label: str  # "SQLite" or "PostgreSQL"
    directory: Path
    database_url: str


def _pg_reachable(pg_url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(pg_url, connect_timeout=3).close()
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {pg_url} ({str(exc).strip()}): skipped")
        return False
    return True


def _drop_pg(pg_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(db: str, pg_url: str, prefix: str, *, keep: bool = False) -> Iterator[Scratch | None]:
    if db == "pg" and not _pg_reachable(pg_url):
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix=f"{prefix}_"))
    pg_name = ""
    if db == "sqlite":
        url, label = f"sqlite:///{directory / 'bench.sqlite3'}", "SQLite"
    else:
        import psycopg

        pg_name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE \"{pg_name}\" TEMPLATE template0 ENCODING 'UTF8'")
        url, label = urlunsplit(urlsplit(pg_url)._replace(path=f"/{pg_name}")), "PostgreSQL"
    os.environ["DATABASE_URL"] = url
    os.environ["GONGKAI_VAR_DIR"] = str(directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    try:
        import django

        django.setup()
        yield Scratch(label, directory, url)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            if pg_name:
                _drop_pg(pg_url, pg_name)
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def reused_database(directory: Path, url: str, label: str) -> Iterator[Scratch]:
    """A database an earlier ``keep`` run left behind: set up Django on it, leave it in place."""
    os.environ["DATABASE_URL"] = url
    os.environ["GONGKAI_VAR_DIR"] = str(directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    try:
        import django

        django.setup()
        yield Scratch(label, directory, url)
    finally:
        from django.db import connections

        connections.close_all()


def timed(fn, runs: int) -> tuple[float, float]:
    """Median and worst wall-clock seconds of ``fn()`` over ``runs`` calls."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)

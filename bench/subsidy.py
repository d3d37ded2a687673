"""Benchmark: subsidy payout import and notice generation (issue 7 §8), on SQLite and PostgreSQL.

Builds one county with one township and 60 villages, then times:

1. reading and checking a 100 000-row CSV payout file (pure parsing and validation);
2. the import service (checks + the all-or-nothing write of every row in one transaction);
3. ``write_notices`` for the 60 villages: one HTML and one DOCX each (~1 700 rows per village).

Targets: import ≤ 30 s, notices ≤ 30 s.

    .venv/bin/python bench/subsidy.py                          # SQLite and PostgreSQL, 100 000 rows
    .venv/bin/python bench/subsidy.py --db sqlite --rows 10000
    .venv/bin/python bench/subsidy.py --db pg --pg-url postgres://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/subsidy.py --db sqlite --profile /tmp/prof   # cProfile of each phase

SQLite runs on a fresh file in a temporary directory. On PostgreSQL the bench creates a scratch
database of its own on the server named by ``--pg-url`` (default ``GONGKAI_BENCH_PG_URL``) and
drops it afterwards (``--keep``: leave it, and print its URL); the database in the URL is only
used to connect. It is skipped with a message when the server cannot be reached. Each database runs in its own process
(Django is configured once per process). The load average is printed: on a shared machine the
wall-clock figures include waiting for a CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import subprocess
import sys
import time
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from scratch import scratch_database  # bench/scratch.py (this directory is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gongkai_bench_subsidy"


def make_file(rows: int, villages: list[str]) -> bytes:
    from gongkai.privacy.checksums import id_check_char

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["序号", "户主姓名", "身份证号码", "一卡通账号", "村（社区）", "补贴面积", "补贴标准", "补贴金额", "发放日期", "联系电话"])
    standard = Decimal("105.50")
    total = Decimal("0")
    for n in range(rows):
        k = n // 1000  # (k, n % 1000) is unique for n < 720 000
        born = f"{1940 + k % 60}{1 + k // 60:02d}15"
        first = f"360102{born}{n % 1000:03d}"
        area = Decimal(1 + n % 17) + Decimal(n % 4) / 4
        amount = (area * standard).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total += amount
        w.writerow([n + 1, "王" + "建国秀英志强桂兰"[n % 8] + "春梅德明"[n % 4], first + id_check_char(first),
                    f"6217{n:015d}", villages[n % len(villages)], area, standard, amount, "2025-06-20",
                    f"139{n:08d}"])
    w.writerow(["合计", "", "", "", "", "", "", total, "", ""])
    return out.getvalue().encode("utf-8")


@contextmanager
def phase(name: str, profile_dir: Path | None):
    """Time a phase; with ``profile_dir``, profile it too (``<name>.prof`` and the top 30 functions
    by cumulative time in ``<name>.txt``)."""
    profiler = cProfile.Profile() if profile_dir else None
    timing = {"seconds": 0.0}
    if profiler:
        profiler.enable()
    t0 = time.perf_counter()
    try:
        yield timing
    finally:
        timing["seconds"] = time.perf_counter() - t0
        if profiler:
            profiler.disable()
            profile_dir.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(str(profile_dir / f"{name}.prof"))
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            (profile_dir / f"{name}.txt").write_text(out.getvalue())


def run_one(db: str, rows: int, village_count: int, pg_url: str, keep: bool, profile_dir: Path | None) -> int:
    with scratch_database(db, pg_url, "gk_subsidy_bench", keep=keep) as scratch:
        if scratch is None:
            return 0
        if keep:
            print(f"keeping the scratch database: {scratch.database_url}")
        return _bench(scratch.label, rows, village_count, scratch.directory, profile_dir and profile_dir / db)


def _bench(label: str, rows: int, village_count: int, scratch: Path, profile_dir: Path | None) -> int:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from gongkai.core.actors import SYSTEM
    from gongkai.core.models import BodyKind
    from gongkai.core.services.bodies import create_body
    from gongkai.rules.identifiers import make_uscc
    from gongkai.villages import payout_file
    from gongkai.villages.models import Payout, SubsidyProgramme
    from gongkai.villages.notices import write_notices
    from gongkai.villages.services.subsidies import _village_scope, import_payouts

    county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="基准县人民政府",
                         code=make_uscc("11", "990101", "00000001"))
    town = create_body(SYSTEM, parent=county, kind=BodyKind.TOWNSHIP, name="基准镇人民政府",
                       code=make_uscc("11", "990101", "00000002"))
    names = [f"第{i + 1}村" for i in range(village_count)]
    for name in names:
        create_body(SYSTEM, parent=town, kind=BodyKind.VILLAGE, name=name)
    data = make_file(rows, names)
    programme = SubsidyProgramme.objects.get(name="耕地地力保护补贴")

    villages, ambiguous = _village_scope(town)
    with phase("parse", profile_dir) as t_parse:
        parsed = payout_file.parse_payouts(payout_file.read_table(data, "b.csv"), year=2025, villages=villages,
                                           ambiguous_villages=ambiguous)
    assert parsed.ok, parsed.problems[:3]

    with phase("import", profile_dir) as t_import:
        result = import_payouts(SYSTEM, data=data, filename="b.csv", programme=programme, year=2025, township=town)
    assert result.batch is not None and result.batch.row_count == rows
    assert Payout.objects.count() == rows

    out_dir = scratch / "notices"
    with phase("notices", profile_dir) as t_notices:
        summary = write_notices(year=2025, out_dir=out_dir)
    assert len(summary["villages"]) == village_count
    assert sum(Decimal(v["total"]) for v in summary["villages"]) == parsed.total
    files = sorted(out_dir.iterdir())
    assert len(files) == 2 * village_count and all(f.stat().st_size > 0 for f in files)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{label} ({connection.vendor}): rows {rows}, villages {village_count}, file {len(data) / 1e6:.1f} MB, "
          f"load average {load:.2f}")
    print(f"  parse + validate (pure):       {t_parse['seconds']:6.2f} s  ({rows / t_parse['seconds']:,.0f} rows/s)")
    print(f"  import (validate + write):     {t_import['seconds']:6.2f} s  target <= 30 s  "
          f"{'OK' if t_import['seconds'] <= 30 else 'SLOW'}")
    print(f"  notices (HTML + DOCX × {village_count}):  {t_notices['seconds']:6.2f} s  target <= 30 s  "
          f"{'OK' if t_notices['seconds'] <= 30 else 'SLOW'}")
    if profile_dir:
        print(f"  profiles: {profile_dir}/{{parse,import,notices}}.prof (.txt: top 30 by cumulative time)")
    return 0 if t_import["seconds"] <= 30 and t_notices["seconds"] <= 30 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=60)
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GONGKAI_BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server to create the scratch database on (the database in the URL is only used to connect)")
    parser.add_argument("--keep", action="store_true", help="leave the PostgreSQL data in place afterwards")
    parser.add_argument("--profile", metavar="DIR", default="", help="write cProfile statistics of each phase")
    args = parser.parse_args(argv)
    if args.rows < args.villages:
        parser.error("--rows must be at least --villages")
    profile_dir = Path(args.profile) if args.profile else None
    if args.db != "both":
        return run_one(args.db, args.rows, args.villages, args.pg_url, args.keep, profile_dir)
    status = 0
    for db in ("sqlite", "pg"):
        command = [sys.executable, __file__, "--db", db, "--rows", str(args.rows), "--villages", str(args.villages),
                   "--pg-url", args.pg_url] + (["--keep"] if args.keep else []) + (
                       ["--profile", args.profile] if args.profile else [])
        status |= subprocess.call(command)
    return status


if __name__ == "__main__":
    sys.exit(main())

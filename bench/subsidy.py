"""Benchmark: subsidy payout import and notice generation (issue 7 §8).

On a fresh SQLite database in a temporary directory (or the PostgreSQL database named by
``DATABASE_URL``, which must be empty and disposable), builds one county with one township and 60
villages, then times:

1. reading and checking a 100 000-row CSV payout file (pure parsing/validation);
2. the import service (checks + all-or-nothing write of all rows in one transaction);
3. ``write_notices`` for the 60 villages (one HTML and one DOCX each, ~1 700 rows per village).

Targets: import ≤ 30 s, notices ≤ 30 s. Run: ``.venv/bin/python bench/subsidy.py [--rows 100000]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=60)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-subsidy-")
    os.environ.setdefault("GONGKAI_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gongkai.core.actors import SYSTEM
    from gongkai.core.models import BodyKind
    from gongkai.core.services.bodies import create_body
    from gongkai.rules.identifiers import make_uscc
    from gongkai.villages import payout_file
    from gongkai.villages.models import SubsidyProgramme
    from gongkai.villages.notices import write_notices
    from gongkai.villages.services.subsidies import _village_scope, import_payouts

    county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="基准县人民政府",
                         code=make_uscc("11", "990101", "00000001"))
    town = create_body(SYSTEM, parent=county, kind=BodyKind.TOWNSHIP, name="基准镇人民政府",
                       code=make_uscc("11", "990101", "00000002"))
    names = [f"第{i + 1}村" for i in range(args.villages)]
    for name in names:
        create_body(SYSTEM, parent=town, kind=BodyKind.VILLAGE, name=name)
    data = make_file(args.rows, names)
    programme = SubsidyProgramme.objects.get(name="耕地地力保护补贴")

    villages, ambiguous = _village_scope(town)
    t0 = time.perf_counter()
    parsed = payout_file.parse_payouts(payout_file.read_table(data, "b.csv"), year=2025, villages=villages,
                                       ambiguous_villages=ambiguous)
    t_parse = time.perf_counter() - t0
    assert parsed.ok, parsed.problems[:3]

    t0 = time.perf_counter()
    result = import_payouts(SYSTEM, data=data, filename="b.csv", programme=programme, year=2025, township=town)
    t_import = time.perf_counter() - t0
    assert result.batch is not None and result.batch.row_count == args.rows

    t0 = time.perf_counter()
    summary = write_notices(year=2025, out_dir=Path(tmp) / "notices")
    t_notices = time.perf_counter() - t0
    assert len(summary["villages"]) == args.villages
    assert sum(Decimal(v["total"]) for v in summary["villages"]) == parsed.total

    print(f"rows: {args.rows}, villages: {args.villages}, file: {len(data) / 1e6:.1f} MB")
    print(f"parse + validate (pure):      {t_parse:6.2f} s  ({args.rows / t_parse:,.0f} rows/s)")
    print(f"import (validate + write):    {t_import:6.2f} s  target <= 30 s  {'OK' if t_import <= 30 else 'SLOW'}")
    print(f"notices (HTML + DOCX × {args.villages}): {t_notices:6.2f} s  target <= 30 s  "
          f"{'OK' if t_notices <= 30 else 'SLOW'}")


if __name__ == "__main__":
    main()

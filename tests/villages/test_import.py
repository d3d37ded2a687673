"""Importing payout files: all or nothing, --skip-invalid, --dry-run, permissions, the command line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.villages import conf
from gongkai.villages.models import Payout, PayoutBatch
from gongkai.villages.services.subsidies import import_payouts
from tests.villages.conftest import csv_bytes, make_id, rows_for, xlsx_bytes

TODAY = dt.date(2026, 1, 10)


def run_import(data, programme, township, name="f.csv", actor=SYSTEM, **kw):
    return import_payouts(actor, data=data, filename=name, programme=programme, year=2025, township=township,
                          today=TODAY, **kw)


def counts():
    return PayoutBatch.objects.count(), Payout.objects.count(), AuditEvent.objects.count()


def test_file_with_three_bad_rows_is_refused_whole(county, villages, programme):
    rows = rows_for(["甲村", "甲二村"], per_village=5)
    rows[1][2] = rows[1][2][:17] + ("0" if rows[1][2][17] != "0" else "1")
    rows[4][7] = "abc"
    rows[8][4] = "不存在村"
    before = counts()
    result = run_import(csv_bytes(rows, total=False), programme, county.township_a)
    assert result.batch is None and result.parsed.bad_rows == [4, 7, 11]
    assert counts() == before


def test_valid_file_is_stored_masked_and_hashed(county, villages, programme):
    rows = rows_for(["甲村", "甲二村"], per_village=3)
    result = run_import(xlsx_bytes(rows), programme, county.township_a, name="f.xlsx")
    assert result.batch.row_count == 6
    assert result.batch.total_amount == sum(Decimal(r[7]) for r in rows)
    p = Payout.objects.get(row_number=3)
    assert p.id_masked == make_id(1)[:6] + "*" * 8 + make_id(1)[-4:]
    assert p.account_masked.endswith(rows[0][3][-4:]) and set(p.account_masked[:-4]) == {"*"}
    assert p.id_hash == conf.id_hash(make_id(1)) and make_id(1) not in p.id_hash
    # nothing anywhere holds the full number
    for payout in Payout.objects.all():
        values = " ".join(str(v) for v in payout.__dict__.values())
        assert make_id(1) not in values and rows[0][3] not in values and rows[0][9] not in values
    event = AuditEvent.objects.filter(event_type="subsidy.imported").get()
    assert event.data["rows"] == 6 and make_id(1) not in str(event.data)
    # importing the same people again in the same programme and year is refused
    again = run_import(xlsx_bytes(rows), programme, county.township_a, name="f.xlsx")
    assert again.batch is None and len(again.parsed.bad_rows) == 6


def test_skip_invalid_imports_valid_rows_and_returns_rejects(county, villages, programme):
    rows = rows_for(["甲村"], per_village=4)
    rows[2][2] = "12345"
    result = run_import(csv_bytes(rows, total=False), programme, county.township_a, skip_invalid=True)
    assert result.batch.row_count == 3 and result.batch.rejected_count == 1
    assert "第5行" not in result.rejects_csv and "身份证号应为18位" in result.rejects_csv
    assert result.rejects_csv.count("\n") == 2  # header + one reject


def test_total_mismatch_refuses_even_with_skip_invalid(county, villages, programme):
    rows = rows_for(["甲村"], per_village=2)
    result = run_import(csv_bytes(rows), programme, county.township_a, skip_invalid=True,
                        declared_total=Decimal("1.00"))
    assert result.batch is None and Payout.objects.count() == 0


def test_dry_run_writes_nothing(county, villages, programme):
    before = counts()
    result = run_import(csv_bytes(rows_for(["甲村"])), programme, county.township_a, dry_run=True)
    assert result.parsed.ok and result.batch is None and counts() == before


def test_permissions(county, villages, programme, make_user):
    data = csv_bytes(rows_for(["甲村"]))
    officer_a = make_user(Role.INFO_OFFICER, county.township_a)
    officer_b = make_user(Role.INFO_OFFICER, county.township_b)
    clerk = make_user(Role.VILLAGE_CLERK, county.village_a)
    for user in (officer_b, clerk, None):
        with pytest.raises(PermissionDenied):
            run_import(data, programme, county.township_a, actor=user)
    assert run_import(data, programme, county.township_a, actor=officer_a).batch is not None


def test_huge_and_empty_files(county, villages, programme, monkeypatch):
    from gongkai.villages.services import subsidies

    with pytest.raises(ServiceError, match="为空"):
        run_import(b"", programme, county.township_a)
    monkeypatch.setattr(subsidies, "max_file_bytes", lambda: 10)
    with pytest.raises(ServiceError, match="MB"):
        run_import(b"x" * 11, programme, county.township_a)


def test_command_refuses_and_reports_rows(county, villages, programme, tmp_path, capsys):
    rows = rows_for(["甲村"], per_village=3)
    rows[0][7] = "-5"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows, "gbk", total=False))
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("subsidy", "import", str(path), "--programme", "耕地地力保护补贴", "--year", "2025",
                     "--township", "测试县甲镇人民政府")
    assert "负数" in capsys.readouterr().err
    assert Payout.objects.count() == 0
    call_command("subsidy", "import", str(path), "--programme", "耕地地力保护补贴", "--year", "2025",
                 "--township", "测试县甲镇人民政府", "--skip-invalid")
    assert Payout.objects.count() == 2 and (tmp_path / "bad.csv.rejects.csv").exists()
    with pytest.raises(CommandError, match="没有名为"):
        call_command("subsidy", "import", str(path), "--programme", "不存在", "--year", "2025")


def test_gongkai_subsidy_import_in_a_subprocess(operator_env, tmp_path):
    """The operator's command: exit status 1 and the row numbers on a bad file, nothing written."""
    env = operator_env
    gongkai = [sys.executable, "-m", "gongkai.cli"]
    subprocess.run([*gongkai, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*gongkai, "demo", "--without-records"], env=env, check=True, capture_output=True)
    rows = rows_for(["东岭村", "西岭村"], per_village=2)
    rows[1][2] = "360102"
    path = tmp_path / "payouts.csv"
    path.write_bytes(csv_bytes(rows, "gbk", total=False))
    args = [*gongkai, "subsidy", "import", str(path), "--programme", "耕地地力保护补贴", "--year", "2025",
            "--township", "青石镇"]
    bad = subprocess.run(args, env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "第4行" in bad.stderr and "未写入" in bad.stderr
    subprocess.run([*gongkai, "subsidy", "import", str(path), "--programme", "耕地地力保护补贴", "--year", "2025",
                    "--township", "青石镇", "--skip-invalid"], env=env, check=True, capture_output=True)

"""Notices: masked documents that scan clean, totals to the fen, the JSON contract, 公示期 dates."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from gongkai.privacy.findings import Kind
from gongkai.privacy.scanning import scan_file
from gongkai.villages.models import Notice
from gongkai.villages.services.subsidies import import_payouts, publish_notices
from tests.villages.conftest import csv_bytes, make_id, rows_for, xlsx_bytes

TODAY = dt.date(2026, 1, 10)


@pytest.fixture
def imported(county, villages, programme, programme2):
    """Two programmes over three villages in two townships; returns the expected totals."""
    rows1 = rows_for(["甲村", "甲二村"], per_village=7)
    rows1[3][1] = "<b>王</b>五"  # refused below: script in names never reaches a notice
    rows1 = [r for i, r in enumerate(rows1) if i != 3]
    rows2 = rows_for(["甲村"], per_village=3, start=50)
    for r in rows2:
        r[5] = r[6] = ""
        r[7] = "123.45"
    rows3 = rows_for(["乙村"], per_village=5, start=80)
    for data, prog, town in ((csv_bytes(rows1, "gbk"), programme, county.township_a),
                             (xlsx_bytes(rows2), programme2, county.township_a),
                             (csv_bytes(rows3, "utf-8-sig"), programme, county.township_b)):
        result = import_payouts(SYSTEM, data=data, filename="f.xlsx" if data[:2] == b"PK" else "f.csv",
                                programme=prog, year=2025, township=town, today=TODAY)
        assert result.batch is not None, result.parsed.problems
    expected: dict[str, dict[str, Decimal]] = {}
    for rows, prog in ((rows1, programme), (rows2, programme2), (rows3, programme)):
        for r in rows:
            expected.setdefault(r[4], {}).setdefault(prog.name, Decimal("0"))
            expected[r[4]][prog.name] += Decimal(r[7])
    return expected


def test_json_totals_match_input_to_the_fen(imported, tmp_path, capsys):
    call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2025 and {v["village"] for v in data["villages"]} == set(imported)
    for v in data["villages"]:
        want = imported[v["village"]]
        assert {k: Decimal(p["amount"]) for k, p in v["programmes"].items()} == want
        assert all(isinstance(p["amount"], str) and isinstance(p["rows"], int) for p in v["programmes"].values())
        assert v["total"] == f"{sum(want.values()):.2f}"
        assert set(v) == {"village", "township", "programmes", "total", "published_total"}
        assert v["published_total"] == "0.00"  # nothing published yet: every programme says so
    assert next(v for v in data["villages"] if v["village"] == "甲村")["programmes"]["生态公益林补偿"] == {
        "rows": 3, "amount": "370.35", "published": False}


def test_every_document_scans_clean_and_is_masked(imported, county, programme, tmp_path):
    publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                    starts_on=dt.date(2026, 1, 12), supervision_phone="0797-5231001")
    call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path))
    call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path / "a3"), "--paper", "A3")
    files = sorted(tmp_path.rglob("*.html")) + sorted(tmp_path.rglob("*.docx"))
    assert len(files) == 12
    for path in files:
        report = scan_file(path)
        assert report.status.value == "ok", (path, report.message)
        leaks = [f for f in report.findings if f.kind in (Kind.ID_CARD, Kind.BANK_CARD, Kind.MOBILE)]
        assert not leaks, (path.name, leaks)
    html = next(p for p in tmp_path.glob("*.html") if "甲村" in p.name).read_text(encoding="utf-8")
    assert make_id(1)[:6] + "********" + make_id(1)[-4:] in html and make_id(1) not in html
    assert "13907970001" not in html and "Noto Sans CJK SC" in html
    assert "公示期：2026年1月12日至2026年1月18日" in html and "监督电话：0797-5231001" in html


def test_docx_is_a4_or_a3_with_named_fonts(imported, tmp_path):
    from docx import Document

    call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path), "--village", "甲二村",
                 "--paper", "A3")
    (path,) = tmp_path.glob("*.docx")
    doc = Document(str(path))
    assert round(doc.sections[0].page_width.mm) == 297 and round(doc.sections[0].page_height.mm) == 420
    xml = doc.element.xml
    assert 'w:eastAsia="Noto Serif CJK SC"' in xml and 'w:eastAsia="Noto Sans CJK SC"' in xml
    assert "甲二村2025年惠民惠农补贴发放公示" in xml


def test_publish_sets_period_and_phone(imported, county, programme, make_user, settings):
    settings.GONGKAI_SUBSIDY_PUBLICITY_DAYS = 5
    created = publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                              starts_on=dt.date(2026, 2, 27), supervision_phone="12345")
    assert len(created) == 2
    n = Notice.objects.get(village=county.village_a, programme=programme)
    assert (n.starts_on, n.ends_on) == (dt.date(2026, 2, 27), dt.date(2026, 3, 3))
    assert n.supervision_phone == "12345"
    assert n.total_amount == imported["甲村"][programme.name]
    assert publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                           supervision_phone="12345") == []
    with pytest.raises(Exception, match="监督电话"):
        publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_b)
    with pytest.raises(Exception, match="权限"):
        publish_notices(make_user(Role.VILLAGE_CLERK, county.village_a), programme=programme, year=2025,
                        township=county.township_a)


def test_the_gate_refuses_a_notice_that_would_publish_a_personal_mobile(imported, county, programme):
    """The 监督电话 is an office line; a person's mobile typed there would be published on every
    village's notice: the gate refuses it, naming where and masked, and nothing is published."""
    from gongkai.core.services import ServiceError

    with pytest.raises(ServiceError) as refused:
        publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                        starts_on=dt.date(2026, 2, 27), supervision_phone="13907975678")
    message = " ".join(refused.value.messages)
    assert "监督电话" in message and "手机号码" in message and "13907975678" not in message
    assert not Notice.objects.exists()
    created = publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                              starts_on=dt.date(2026, 2, 27), supervision_phone="0797-5551001")
    assert len(created) == 2  # an office landline is what a 监督电话 is for


def test_the_sweep_reads_published_notices(imported, county, programme, office_admin):
    from gongkai.privacy import services
    from gongkai.privacy.models import SweepFinding

    publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                    starts_on=dt.date(2026, 2, 27), supervision_phone="0797-5551001")
    Notice.objects.filter(village=county.village_a).update(correction_reason="经核实，更正张三手机13907975678的记录")
    sweep = services.run_sweep(services.start_sweep(office_admin, county.county))
    found = SweepFinding.objects.filter(sweep=sweep, source="villages.subsidy_notice")
    assert found.filter(kind="mobile").exists()
    assert {f.body_id for f in found} == {county.village_a.pk}
    assert not any("13907975678" in f.masked + f.context for f in found)


def test_printed_notices_pass_the_gate_or_are_not_written(imported, county, programme, tmp_path):
    """The printable 公示表 goes on the village board: a mobile that reached it another way (here a
    programme's 政策依据 text) stops the run, naming the village, and leaves no file behind."""
    from django.core.management.base import CommandError

    publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                    starts_on=dt.date(2026, 1, 12), supervision_phone="0797-5231001")
    programme.policy_basis = "《耕地地力保护补贴实施方案》，咨询联系人手机13907975678"
    programme.save(update_fields=["policy_basis"])
    with pytest.raises(CommandError) as refused:
        call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path), "--village", "甲村")
    assert "甲村" in str(refused.value) and "手机号码" in str(refused.value)
    assert "13907975678" not in str(refused.value)
    assert not list(tmp_path.glob("*"))

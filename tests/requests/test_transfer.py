"""Import of historical cases (JSON Lines, all-or-nothing, idempotent) and the XLSX register."""

from __future__ import annotations

import io
import json

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent
from gongkai.requests.models import Case, CaseEvent, Review
from gongkai.requests.services.transfer import export_xlsx, import_cases, safe_cell


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def line(county, n=1, **changes) -> str:
    obj = {"id": f"YSQ-2025-{n:04d}", "body": county.dept_a.code, "applicant_type": "natural_person",
           "channel": "online", "received": "2025-03-02", "subject": f"第{n}件申请", "disposition": "disclosed",
           "decided": "2025-03-20",
           "reviews": [{"kind": "reconsideration", "filed": "2025-04-01", "result": "upheld", "concluded": "2025-05-20"}]}
    obj.update(changes)
    return json.dumps({k: v for k, v in obj.items() if v is not ...}, ensure_ascii=False)


def good_file(county) -> list[str]:
    return [line(county, 1), line(county, 2, disposition=None, decided=None, reviews=[], received="2025-12-29"),
            "", line(county, 3, body=county.township_a.code, applicant_type="commercial", channel="letter_signed",
                        disposition="other.no_correction", reviews=[])]


def test_import_creates_cases_with_reviews_and_clock(county):
    result = import_cases(SYSTEM, good_file(county))
    assert result.ok and result.created == ["YSQ-2025-0001", "YSQ-2025-0002", "YSQ-2025-0003"]
    one, two, three = (Case.objects.get(external_id=f"YSQ-2025-000{n}") for n in (1, 2, 3))
    assert one.state == "decided" and one.disposition == "disclosed" and str(one.decided_on) == "2025-03-20"
    assert one.reviews.get().result == "upheld" and one.applicant.name.startswith("（历史数据导入")
    assert two.state == "registered" and two.due_on is not None  # carried over from 2025: the clock runs
    assert three.state == "lapsed" and three.body == county.township_a
    assert AuditEvent.objects.filter(event_type="request.imported").count() == 3


def test_dry_run_writes_nothing(county):
    audit_before = AuditEvent.objects.count()
    result = import_cases(SYSTEM, good_file(county), dry_run=True)
    assert result.ok and len(result.created) == 3 and "试运行" in result.summary()
    assert Case.objects.count() == 0 and Review.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_bad_lines_reject_the_whole_file(county):
    lines = good_file(county) + [
        "{not json",
        line(county, 5, body="91360000000000000X"),
        line(county, 6, applicant_type="alien"),
        line(county, 7, channel="pigeon"),
        line(county, 8, received="2025-02-30"),
        line(county, 9, disposition="granted"),
        line(county, 10, decided=None),
        line(county, 11, decided="2025-01-01"),
        line(county, 12, reviews=[{"kind": "appeal", "filed": "2025-04-01"}]),
        line(county, 13, reviews=[{"kind": "reconsideration", "filed": "2025-04-01", "result": "pending",
                                   "concluded": "2025-05-01"}]),
        line(county, 1),
        line(county, 14, subject=""),
        line(county, 15, received="2027-01-01"),
        json.dumps([1, 2]),
        line(county, 16, extra="x"),
        line(county, 17, body=county.village_a.code),
    ]
    result = import_cases(SYSTEM, lines)
    assert not result.ok
    assert [e.line for e in result.errors] == list(range(5, 21))
    reasons = {e.line: e.reason for e in result.errors}
    assert "JSON" in reasons[5] and "找不到统一社会信用代码" in reasons[6] and "applicant_type" in reasons[7]
    assert "2025-02-30" in reasons[9] and "同时" in reasons[11] and "早于" in reasons[12]
    assert "与第1行重复" in reasons[15] and "subject" in reasons[16] and "晚于今天" in reasons[17]
    assert "未知字段 extra" in reasons[19] and "找不到" in reasons[20]
    assert str(result.errors[0]).startswith("第5行：")
    assert Case.objects.count() == 0 and Review.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_reimport_updates_instead_of_duplicating(county):
    import_cases(SYSTEM, good_file(county))
    events = CaseEvent.objects.count()
    again = import_cases(SYSTEM, good_file(county))
    assert again.ok and again.unchanged == ["YSQ-2025-0001", "YSQ-2025-0002", "YSQ-2025-0003"]
    assert Case.objects.count() == 3 and Review.objects.count() == 1 and CaseEvent.objects.count() == events
    changed = [line(county, 1, disposition="partial", reviews=[
        {"kind": "litigation_direct", "filed": "2025-04-02", "result": "pending", "concluded": None}])]
    result = import_cases(SYSTEM, changed)
    assert result.updated == ["YSQ-2025-0001"] and Case.objects.count() == 3
    case = Case.objects.get(external_id="YSQ-2025-0001")
    assert case.disposition == "partial" and list(case.reviews.values_list("kind", flat=True)) == ["litigation_direct"]


def test_import_does_not_overwrite_cases_handled_here(county, make_case):
    make_case("2026-03-02", external_id="YSQ-2025-0001")
    result = import_cases(SYSTEM, [line(county, 1)])
    assert not result.ok and "已被本平台登记办理的案件使用" in result.errors[0].reason


def test_handler_imports_only_for_own_body(county, handler_a):
    result = import_cases(handler_a, [line(county, 1), line(county, 2, body=county.dept_b.code)])
    assert [e.line for e in result.errors] == [2] and "无权" in result.errors[0].reason
    assert Case.objects.count() == 0


def test_empty_file_is_refused(county):
    assert not import_cases(SYSTEM, ["", "  "]).ok


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("正常", "正常"), (5, 5),
])
def test_safe_cell(text, expected):
    assert safe_cell(text) == expected


def test_export_xlsx_is_formula_safe_and_filtered(county, make_case, handler_a, handler_b):
    import_cases(SYSTEM, [line(county, 1, subject="=HYPERLINK(\"http://x\")"),
                          line(county, 2, body=county.dept_b.code, received="2026-01-05", decided="2026-01-20",
                               reviews=[])])
    buffer = io.BytesIO()
    assert export_xlsx(SYSTEM, buffer) == 2
    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][7] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][10] == "（一）予以公开" and "行政复议" in rows[1][13]
    buffer = io.BytesIO()
    assert export_xlsx(SYSTEM, buffer, year=2026) == 1
    assert export_xlsx(SYSTEM, io.BytesIO(), body_code=county.dept_a.code) == 1
    assert export_xlsx(handler_b, io.BytesIO()) == 1  # only what the dashboard shows this user
    assert "张三" not in str(rows)


def test_import_writes_in_short_transactions_and_a_rerun_completes_it(county, settings, monkeypatch):
    """Issue 13 §4: 12 cases, 5 per transaction (GONGKAI_WRITE_BATCH_ROWS / 20). A crash in the third
    transaction keeps the ten cases written; importing the same file again completes it."""
    from django.db import connection

    from gongkai.requests.services import transfer

    settings.GONGKAI_WRITE_BATCH_ROWS = 100
    assert transfer.cases_per_transaction() == 5
    lines = [line(county, n) for n in range(1, 13)]
    original, depth = transfer._write, []

    def crashing(actor, row, case):
        depth.append(len(connection.savepoint_ids))
        if row.id == "YSQ-2025-0011":
            raise RuntimeError("killed")
        return original(actor, row, case)

    base = len(connection.savepoint_ids)
    monkeypatch.setattr(transfer, "_write", crashing)
    with pytest.raises(RuntimeError):
        import_cases(SYSTEM, lines)
    assert set(depth) == {base + 1}  # one transaction per group of cases, never one around them all
    assert Case.objects.count() == 10
    monkeypatch.setattr(transfer, "_write", original)
    result = import_cases(SYSTEM, lines)
    assert result.ok and len(result.unchanged) == 10 and len(result.created) == 2
    assert Case.objects.count() == 12

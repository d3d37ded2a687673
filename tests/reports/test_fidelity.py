"""Issue 15, parts 2–4: nothing unfinished is published; 截至年底 counts as at 31 December from the
records' publication history; the report as the data say now and its difference from what was
published (command line, office list with 更正); the county summary in every export format."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from freezegun import freeze_time
from openpyxl import load_workbook

from gongkai.core import audit
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.disclosure.models import Record
from gongkai.reports import drafting, selectors, services
from gongkai.reports.models import AnnualReport, ReportStatus
from gongkai.rules import annual_report as ar
from tests.reports.conftest import PROBLEMS_TEXT, add_case, generate_finished
from tests.rules.test_annual_report import EXPECTED_2025, full

JAN_2026 = dt.date(2026, 1, 20)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-02-10 10:00:00+08:00"):
        yield


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def one_more_case(body):
    """A case decided in 2025 and entered after the report was published."""
    return add_case(body, ar.CaseFact("natural_person", dt.date(2025, 6, 2), dt.date(2025, 6, 10), "disclosed"))


@pytest.fixture
def published(facts_in_db, officer_a, leader_a):
    return services.publish(leader_a, generate_finished(officer_a, facts_in_db, 2025), today=JAN_2026)


# --- 2. Nothing unfinished is published ---------------------------------------------------------------


def test_section_checks_name_the_section():
    found = ar.section_checks({"overview": "总体情况。", "problems": "（请填写本年度存在的主要问题及改进措施。）",
                               "other": "  "})
    assert [(c.level, c.code, c.cell) for c in found] == [
        ("error", "section_placeholder", "sections.problems"), ("error", "section_empty", "sections.other")]
    assert "「五、存在的主要问题及改进情况」仍有待填写的提示文字“（请填写本年度存在的主要问题及改进措施。）”" in found[0].message
    assert found[1].message == "「六、其他需要报告的事项」尚未填写"
    assert ar.section_checks({"overview": "一。", "problems": "二（其中请示件3件）。", "other": "三。"}) == []


def test_every_placeholder_the_drafts_write_is_caught(county, facts_in_db):
    """The drafts mark with "（请…）" what only the body can write: the county's 考核 sentence in section
    一 and section 五 when the data give nothing to say. validate() finds each."""
    county_text = drafting.overview(county.county, 2025, full({}), ar.empty_table4())
    problems = drafting.problems(county.township_a, 2025, "")
    assert ar.placeholder_in(county_text) == "（请补充本年度工作考核、社会评议和责任追究结果情况。）"
    assert ar.placeholder_in(problems) == "（请填写本年度存在的主要问题及改进措施。）"
    report = services.generate(SYSTEM, county.county, 2025)
    assert {c["cell"] for c in report.checks if c["code"] == "section_placeholder"} == {
        "sections.overview", "sections.problems"}


def test_validate_and_publish_refuse_a_placeholder_or_an_empty_section(facts_in_db, officer_a, leader_a):
    report = services.generate(officer_a, facts_in_db, 2025)
    assert services.validate(officer_a, report)[0]["cell"] == "sections.problems"
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    with pytest.raises(ServiceError) as refused:
        services.publish(leader_a, report, today=JAN_2026)
    assert any("「五、存在的主要问题及改进情况」仍有待填写的提示文字" in m for m in refused.value.messages)
    report = services.edit(officer_a, report, sections={"problems": PROBLEMS_TEXT, "other": ""})
    with pytest.raises(ServiceError, match="「六、其他需要报告的事项」尚未填写"):
        services.publish(leader_a, report, today=JAN_2026)
    report = services.edit(officer_a, report, sections={"other": "本年度未收取信息处理费。"})
    services.validate(officer_a, report)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.VALIDATED
    assert services.publish(leader_a, report, today=JAN_2026).status == ReportStatus.PUBLISHED


# --- 2. 截至年底: public at the end of 31 December ----------------------------------------------------

# (name, first published, withdrawn, republished, live now, public at the end of 2025)
HISTORY = [
    ("published mid-year", "2025-06-01T09:00", None, None, True, True),
    ("published in the last second", "2025-12-31T23:59:59", None, None, True, True),
    ("published one second into 2026", "2026-01-01T00:00:01", None, None, True, False),
    ("withdrawn before the year's end", "2025-03-01T09:00", "2025-12-31T23:00", None, False, False),
    ("withdrawn after the year's end", "2025-03-01T09:00", "2026-01-01T08:00", None, False, True),
    ("back before the year's end", "2024-05-01T09:00", "2025-04-01T09:00", "2025-09-01T09:00", True, True),
    ("back only in 2026", "2024-05-01T09:00", "2025-04-01T09:00", "2026-02-01T09:00", True, False),
    ("never published", None, None, None, False, False),
]


def _record(body, first, withdrawn, republished, live) -> Record:
    return Record.objects.create(
        body=body, title="记录", formed_date=dt.date(2024, 1, 2), live=live,
        first_published_at=at(first) if first else None, last_published_at=at(republished or first) if first else None,
        withdrawn_at=at(withdrawn) if withdrawn else None, republished_at=at(republished) if republished else None)


def test_year_end_stock_from_publication_history(county):
    end = selectors.year_end(2025)
    assert end == dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=end.tzinfo)
    assert end.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai
    for name, first, withdrawn, republished, live, expected in HISTORY:
        record = _record(county.dept_a, first, withdrawn, republished, live)
        assert ar.public_at(end, record.first_published_at, record.withdrawn_at, record.republished_at) == expected, name
        assert Record.objects.filter(selectors.public_at(end), pk=record.pk).exists() == expected, name
    _record(county.dept_b, "2025-06-01T09:00", None, None, True)  # another body's: never counted
    facts = selectors.publication_facts(county.dept_a, 2025)
    assert facts["live"] == sum(row[-1] for row in HISTORY) == 4
    assert Record.objects.filter(body=county.dept_a, live=True).count() == 5  # what "live now" would say


def test_overview_states_the_year_end_figure(county, officer_a):
    for _name, first, withdrawn, republished, live, _expected in HISTORY:
        _record(county.dept_a, first, withdrawn, republished, live)
    report = services.generate(officer_a, county.dept_a, 2025)
    assert "截至2025年底，政府信息公开专栏现行公开的政府信息共4条" in report.section_overview


def test_data_migration_fills_the_withdrawal_from_the_audit_log(county):
    fill = importlib.import_module("gongkai.disclosure.migrations.0005_fill_withdrawn_at").fill
    from django.apps import apps

    withdrawn = _record(county.dept_a, "2025-03-01T09:00", None, None, False)
    back = _record(county.dept_a, "2024-03-01T09:00", None, None, True)
    unlogged = _record(county.dept_a, "2025-03-01T09:00", None, None, False)
    with freeze_time("2025-07-01 10:00:00+08:00"):
        audit.record("record.withdrawn", SYSTEM, withdrawn, {"reason": "误发"})
        audit.record("record.withdrawn", SYSTEM, back, {"reason": "更正"})
    with freeze_time("2025-08-01 10:00:00+08:00"):
        audit.record("record.published", SYSTEM, back, {})
    fill(apps, None)
    for record in (withdrawn, back, unlogged):
        record.refresh_from_db()
    assert withdrawn.withdrawn_at == at("2025-07-01T10:00") and withdrawn.republished_at is None
    assert (back.withdrawn_at, back.republished_at) == (at("2025-07-01T10:00"), at("2025-08-01T10:00"))
    assert unlogged.withdrawn_at == unlogged.updated_at


def test_a_department_section_never_counts_for_the_county(county, office_admin):
    """Sections report through their nearest reporting body: the county government's tables do not
    take in a department's 股室 (the bulk tables of the office list equal the one-body ones)."""
    add_case(county.section_a, ar.CaseFact("natural_person", dt.date(2025, 3, 1), dt.date(2025, 3, 5), "disclosed"))
    assert selectors.table3(county.dept_a, 2025)[ar.ROW_NEW][ar.TOTAL] == 1
    assert selectors.table3(county.county, 2025)[ar.ROW_NEW][ar.TOTAL] == 0
    bodies = [county.county, county.dept_a, county.dept_b]
    bulk = selectors.tables_by_body(bodies, 2025)
    for body in bodies:
        assert bulk[body.pk] == {"table2": selectors.table2(body, 2025), "table3": selectors.table3(body, 2025),
                                 "table4": selectors.table4(body, 2025)}


# --- 3. The report as the data say -------------------------------------------------------------------


def test_table_differences_rule():
    published = {"table2": {**{r: dict.fromkeys(ar.DOCUMENT_COLUMNS, 0) for r in ar.DOCUMENT_ROWS},
                            "licensing": 1, "penalty": 0, "coercion": 0, "fees_wan": "0.5"},
                 "table3": full(EXPECTED_2025), "table4": ar.empty_table4()}
    computed = json.loads(json.dumps(published))
    computed["table2"]["fees_wan"] = "0.5000"  # the same amount
    assert ar.table_differences(published, computed) == []
    computed["table2"]["licensing"] = 2
    computed["table3"]["new"]["natural_person"] += 1
    found = ar.table_differences(published, computed)
    assert [(d.table_label, d.row_label, d.column_label, d.published, d.computed) for d in found] == [
        ("表二", "行政许可", "本年处理决定数量", "1", "2"),
        ("表三", "一、本年新收政府信息公开申请数量", "自然人",
         str(published["table3"]["new"]["natural_person"]), str(computed["table3"]["new"]["natural_person"]))]


def test_cli_from_data_computes_whatever_versions_exist(published, facts_in_db):
    one_more_case(facts_in_db)
    args = ("annual", "--body", facts_in_db.code, "--year", "2025", "--format", "json")
    frozen, now = json.loads(run(*args)), json.loads(run(*args, "--from-data"))
    assert (frozen["status"], frozen["table3"]) == ("published", full(EXPECTED_2025))
    assert now["status"] == "draft" and now["version"] == 1
    assert now["table3"]["new"]["total"] == frozen["table3"]["new"]["total"] + 1
    assert set(now) == set(frozen)  # the same JSON contract
    assert AnnualReport.objects.count() == 1  # nothing saved


def test_cli_generate_refuses_a_published_report_and_correct_opens_one(published, facts_in_db):
    one_more_case(facts_in_db)
    code = facts_in_db.code
    with pytest.raises(CommandError) as refused:
        run("generate", "--body", code, "--year", "2025")
    assert "已发布（第1版），不能重新生成" in str(refused.value)
    assert f"gongkai report correct --body {code} --year 2025 --reason" in str(refused.value)
    assert "试运行" in run("correct", "--body", code, "--year", "2025", "--reason", "漏计一件", "--dry-run")
    assert AnnualReport.objects.count() == 1
    out = run("correct", "--body", code, "--year", "2025", "--reason", "发布后补录一件申请")
    assert "已建立更正版本" in out and f"gongkai report generate --body {code} --year 2025" in out
    correction = AnnualReport.objects.get(version=2)
    assert (correction.status, correction.corrects_id, correction.correction_reason) == (
        ReportStatus.DRAFT, published.pk, "发布后补录一件申请")
    assert correction.table3 == full(EXPECTED_2025)  # the published tables until recomputed
    dry = run("generate", "--body", code, "--year", "2025", "--dry-run")
    assert "与现有草稿有6格不同" in dry and "表三「一、本年新收政府信息公开申请数量」「自然人」" in dry
    correction.refresh_from_db()
    assert correction.table3 == full(EXPECTED_2025)
    out = run("generate", "--body", code, "--year", "2025")
    assert "已根据平台数据生成" in out and "第2版" in out
    correction.refresh_from_db()
    assert correction.table3["new"]["total"] == full(EXPECTED_2025)["new"]["total"] + 1
    assert correction.section_problems == PROBLEMS_TEXT  # the written text stays
    assert selectors.published_report(facts_in_db, 2025).pk == published.pk
    assert AuditEvent.objects.filter(event_type="report.correction_started").count() == 1


def test_cli_generate_creates_a_draft_and_refuses_bad_input(county):
    out = run("generate", "--body", county.dept_b.code, "--year", "2025")
    assert "已根据平台数据生成测试县教育局2025年政府信息公开工作年度报告（草稿）" in out
    assert "「五、存在的主要问题及改进情况」仍有待填写" in out
    with pytest.raises(CommandError, match="尚未发布，无需更正"):
        run("correct", "--body", county.dept_b.code, "--year", "2025", "--reason", "x")
    with pytest.raises(CommandError, match="不单独编制"):
        run("generate", "--body", county.village_a.code, "--year", "2025")
    with pytest.raises(CommandError, match="没有统一社会信用代码"):
        run("generate", "--body", "91000000000000000X", "--year", "2025")


def test_data_differences_of_a_published_report(published, facts_in_db):
    assert selectors.data_differences([published]) == {}
    one_more_case(facts_in_db)
    found = selectors.data_differences([published])[published.pk]
    assert {(d.table, d.row, d.column) for d in found} == {
        ("table3", row, column) for row in ("new", "disclosed", "results_total")
        for column in ("natural_person", "total")}


def _list(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("reports_admin:list") + "?year=2025").content.decode()


def test_office_list_marks_a_report_the_data_no_longer_match(client, published, facts_in_db, office_admin, leader_a,
                                                            officer_a, officer_b):
    html = _list(client, office_admin)
    assert "发布后数据有变化" not in html and "一致" in html
    case = one_more_case(facts_in_db)
    html = _list(client, office_admin)
    assert "发布后数据有变化" in html and "（6 格）" in html
    new_total = published.snapshot["table3"]["new"]["total"]
    assert (f"<td>表三</td><td>一、本年新收政府信息公开申请数量</td><td>总计</td><td>{new_total}</td>"
            f"<td>{new_total + 1}</td>") in html
    correct_url = reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "correct"])
    assert correct_url in html and "发布后平台数据有变化，6处数据与已发布报告不一致" in html
    # The body's leader sees the mark but may not correct (start_correction: officer or office).
    html = _list(client, leader_a)
    assert "发布后数据有变化" in html and correct_url not in html
    response = client.post(correct_url, {"reason": "数据变化"}, follow=True)
    assert "您无权更正该机构的年度报告" in response.content.decode()
    assert not AnnualReport.objects.filter(version=2).exists()
    assert correct_url in _list(client, officer_a)
    assert facts_in_db.name not in _list(client, officer_b)
    # The office admin presses 更正: a correction draft; the list then points to it.
    client.force_login(office_admin)
    response = client.post(correct_url, {"reason": "发布后补录一件申请"}, follow=True)
    assert "已建立更正版本" in response.content.decode()
    assert AnnualReport.objects.get(version=2).corrects_id == published.pk
    html = _list(client, office_admin)
    assert "已建立更正版本（草稿），前往处理" in html and correct_url not in html
    case.delete()
    assert "发布后数据有变化" not in _list(client, office_admin)


def test_office_list_queries_do_not_grow_with_the_bodies(client, county, facts_in_db, office_admin, make_user):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports_admin:list") + "?year=2025").status_code == 200
        return len(queries)

    client.force_login(office_admin)
    services.publish(office_admin, generate_finished(office_admin, county.dept_a, 2025), today=JAN_2026)
    one = list_queries()
    for body in (county.dept_b, county.township_a, county.township_b, county.office):
        services.publish(office_admin, generate_finished(office_admin, body, 2025), today=JAN_2026)
    assert list_queries() == one


# --- 4. The county summary in every format -----------------------------------------------------------


def test_summary_document_and_cli_exports(published, county, tmp_path):
    services.save_figures(SYSTEM, county.township_a, 2025, licensing=3, fees_wan="0.0150")
    services.publish(SYSTEM, generate_finished(SYSTEM, county.township_a, 2025), today=JAN_2026)
    data = json.loads(run("summary", "--county", county.county.code, "--year", "2025", "--format", "json"))
    assert (data["kind"], data["body"], data["year"], data["reports"]) == ("county_summary", county.county.code, 2025, 2)
    assert [b["name"] for b in data["bodies"]] == [county.dept_a.name, county.township_a.name]
    assert county.dept_b.name in data["missing"] and county.dept_a.name not in data["missing"]
    assert data["table3"] == ar.sum_tables([published.snapshot["table3"], ar.empty_table3()])
    assert data["table2"]["licensing"] == published.snapshot["table2"]["licensing"] + 3
    assert data["table2"]["fees_wan"] == "0.0150"
    html = run("summary", "--county", county.county.code, "--year", "2025", "--format", "html")
    assert "测试县人民政府2025年政府信息公开工作年度报告汇总" in html and html.count("<table") == 3
    assert "本汇总表由2份已发布的2025年度报告逐项相加而成" in html
    for fmt in ("docx", "xlsx"):
        path = tmp_path / f"summary.{fmt}"
        run("summary", "--county", county.county.code, "--year", "2025", "--format", fmt, "-o", str(path))
        assert path.read_bytes()[:2] == b"PK"
    text = "\n".join(p.text for p in Document(tmp_path / "summary.docx").paragraphs)
    assert "一、计入汇总的年度报告" in text and "尚未发布年度报告、未计入汇总的机构" in text
    book = load_workbook(tmp_path / "summary.xlsx")
    assert book.sheetnames == ["表二", "表三", "表四", "计入汇总的报告"]
    assert book["表三"].cell(1, 1).value.startswith("测试县人民政府2025年政府信息公开工作年度报告汇总")
    with pytest.raises(CommandError, match="不是县"):
        run("summary", "--county", county.dept_a.code, "--year", "2025", "--format", "json")
    with pytest.raises(CommandError, match="-o"):
        run("summary", "--county", county.county.code, "--year", "2025", "--format", "docx")


def test_summary_downloads_from_the_admin(client, published, county, office_admin, officer_a):
    client.force_login(office_admin)
    html = client.get(reverse("reports_admin:list") + "?year=2025").content.decode()
    for fmt in ("docx", "xlsx", "html", "json"):
        url = reverse("reports_admin:summary_download", args=[county.county.pk, 2025, fmt])
        assert url in html
        response = client.get(url)
        assert response.status_code == 200, fmt
        assert f'filename="annual-report-summary-{county.county.code}-2025.' in response["Content-Disposition"]
    assert json.loads(response.content)["reports"] == 1
    event = AuditEvent.objects.filter(event_type="report.summary_exported").order_by("-seq").first()
    assert event.data == {"year": 2025, "format": "json", "reports": 1} and event.actor_id == office_admin.pk
    client.force_login(officer_a)  # an officer does not oversee the county
    assert client.get(reverse("reports_admin:summary_download", args=[county.county.pk, 2025, "json"])).status_code == 404
    client.force_login(office_admin)
    assert client.get(reverse("reports_admin:summary_download", args=[county.county.pk, 2025, "pdf"])).status_code == 404


def test_only_the_office_exports_the_summary(county, officer_a, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.export_summary(officer_a, county.county, 2025, "json")
    leader = make_user(Role.APPROVING_LEADER, county.county)
    with pytest.raises(PermissionDenied):
        services.export_summary(leader, county.county, 2025, "json")

"""Annual report services: SQL tables against the hand-computed ones, generation, checks, publication
(refused on a hard check naming the cell; warnings need a note), freezing and correction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.reports import selectors, services
from gongkai.reports.document import report_document
from gongkai.reports.models import AnnualReport, ReportStatus
from gongkai.requests.models import FeeNotice
from gongkai.rules import annual_report as ar
from tests.reports.conftest import add_case, generate_finished
from tests.rules.test_annual_report import (
    ALL_CASES,
    DOCUMENTS,
    EXPECTED_2024,
    EXPECTED_2025,
    EXPECTED_2026,
    EXPECTED_T4,
    REVIEWS,
    full,
)

JAN_2026 = dt.date(2026, 1, 20)


@pytest.mark.parametrize(("year", "expected"), [(2024, EXPECTED_2024), (2025, EXPECTED_2025),
                                                (2026, EXPECTED_2026)])
def test_sql_table3_matches_hand_computed_cells(facts_in_db, year, expected):
    got, want = selectors.table3(facts_in_db, year), full(expected)
    for row in ar.TABLE3_ROWS:
        for column in ar.TABLE3_COLUMNS:
            assert got[row][column] == want[row][column], (row, column)
    assert got == ar.table3(ALL_CASES, year)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_sql_table4_and_documents_match_rules(facts_in_db, year):
    assert selectors.table4(facts_in_db, year) == EXPECTED_T4[year]
    pure = ar.table2(DOCUMENTS, year)
    assert selectors.document_counts(facts_in_db, year) == {r: pure[r] for r in ar.DOCUMENT_ROWS}
    assert ar.table4(REVIEWS, year) == EXPECTED_T4[year]


def test_officer_generates_draft_with_sections_and_audit(facts_in_db, officer_a):
    report = services.generate(officer_a, facts_in_db, 2025)
    assert report.status == ReportStatus.DRAFT and report.version == 1
    assert report.table3 == full(EXPECTED_2025)
    # The tables add up; section 五 is the body's to write (the draft says so, and that is an error).
    assert [(c["code"], c["cell"]) for c in report.checks] == [("section_placeholder", "sections.problems")]
    assert "本年度新收政府信息公开申请25件，上年结转4件，办结25件，结转下年度继续办理4件" in report.section_overview
    assert "行政复议、提起行政诉讼共8件" in report.section_overview
    assert report.section_other == "本年度未发出信息处理费收费通知，未收取信息处理费。"
    event = AuditEvent.objects.filter(event_type="report.generated").get()
    assert event.scope_body_id == facts_in_db.pk and event.data["errors"] == 1


def test_section_six_states_fee_notices_and_amounts(facts_in_db, officer_a):
    case = add_case(facts_in_db, ALL_CASES[0])
    FeeNotice.objects.create(case=case, amount="120.00", sent_on=dt.date(2025, 3, 1),
                             notice_received_on=dt.date(2025, 3, 2), paid_on=dt.date(2025, 3, 10))
    FeeNotice.objects.create(case=case, amount="80.50", sent_on=dt.date(2025, 12, 20),
                             notice_received_on=dt.date(2025, 12, 22))
    report = services.generate(officer_a, facts_in_db, 2025)
    assert report.section_other == ("本年度依据《政府信息公开信息处理费管理办法》发出收费通知2件，金额共计200.50元；"
                                    "实际收取信息处理费1件，共计120.00元。")


def test_edited_sections_survive_regeneration_unless_redrafted(facts_in_db, officer_a):
    report = services.generate(officer_a, facts_in_db, 2025)
    services.edit(officer_a, report, sections={"problems": "一是公开目录更新不及时。"})
    again = services.generate(officer_a, facts_in_db, 2025)
    assert again.pk == report.pk and again.section_problems == "一是公开目录更新不及时。"
    redrafted = services.generate(officer_a, facts_in_db, 2025, redraft=True)
    assert redrafted.section_problems != "一是公开目录更新不及时。"


@pytest.mark.parametrize("who", ["officer_b", "leader_a"])
def test_only_the_bodys_officer_or_office_generates(request, facts_in_db, who):
    with pytest.raises(PermissionDenied):
        services.generate(request.getfixturevalue(who), facts_in_db, 2025)


def test_office_admin_generates_any_body(facts_in_db, office_admin):
    assert services.generate(office_admin, facts_in_db, 2025).pk


def test_townships_report_villages_and_sections_do_not(county, office_admin):
    assert services.generate(office_admin, county.township_a, 2025).table3[ar.ROW_NEW][ar.TOTAL] == 0
    for body in (county.village_a, county.section_a):
        with pytest.raises(ServiceError, match="不单独编制"):
            services.generate(office_admin, body, 2025)


def test_figures_feed_table2(facts_in_db, officer_a):
    services.save_figures(officer_a, facts_in_db, 2025, licensing="312", penalty=45, coercion=0, fees_wan="12.3456")
    report = services.generate(officer_a, facts_in_db, 2025)
    assert report.table2 == {"regulation": {"issued": 1, "repealed": 1, "in_force": 2},
                             "normative": {"issued": 1, "repealed": 1, "in_force": 1},
                             "licensing": 312, "penalty": 45, "coercion": 0, "fees_wan": "12.3456"}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fees_wan": "1.2345678"}, "最多保留六位小数（精确到分）"),
    ({"fees_wan": "-2"}, "不能为负数"),
    ({"penalty": -1}, "表二「行政处罚」「本年处理决定数量」应为非负整数"),
    ({"licensing": "3.5"}, "表二「行政许可」「本年处理决定数量」应为非负整数"),
])
def test_bad_figures_are_refused(facts_in_db, officer_a, kwargs, message):
    with pytest.raises(ServiceError, match=message):
        services.save_figures(officer_a, facts_in_db, 2025, **kwargs)


def test_publish_refused_on_hard_check_naming_the_cell(facts_in_db, officer_a, leader_a):
    report = services.generate(officer_a, facts_in_db, 2025)
    # An officer adds a case handled on paper to 新收 only: the 自然人 column no longer balances.
    report = services.edit(officer_a, report, cells={"table3.new.natural_person": 7, "table3.new.total": 26})
    assert services.validate(officer_a, report)[0]["cell"] == "table3.carried_forward.natural_person"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    with pytest.raises(ServiceError) as exc:
        services.publish(leader_a, report, today=JAN_2026)
    text = " ".join(exc.value.messages)
    assert "表三「自然人」列：第一项加第二项之和为8，第三项（七）总计加第四项之和为7" in text
    assert "表三「四、结转下年度继续办理」行「自然人」列" in text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.snapshot is None and report.published_at is None
    assert not AuditEvent.objects.filter(event_type="report.published").exists()


def test_publish_permissions_and_year_end(facts_in_db, officer_a, leader_a):
    report = services.generate(officer_a, facts_in_db, 2025)
    with pytest.raises(PermissionDenied):
        services.publish(officer_a, report, today=JAN_2026)
    with pytest.raises(ServiceError, match="2025年度尚未结束"):
        services.publish(leader_a, report, today=dt.date(2025, 12, 31))


def _publish_2024_with_other_carry(facts_in_db, officer_a, leader_a):
    last = generate_finished(officer_a, facts_in_db, 2024)
    last = services.edit(officer_a, last, cells={
        "table3.carried_forward.commercial": 2, "table3.carried_forward.total": 5,
        "table3.new.commercial": 1, "table3.new.total": 6})
    return services.publish(leader_a, last, today=dt.date(2025, 1, 15))


def test_cross_year_warning_needs_a_note(facts_in_db, officer_a, leader_a):
    _publish_2024_with_other_carry(facts_in_db, officer_a, leader_a)
    report = generate_finished(officer_a, facts_in_db, 2025)
    assert [(c["level"], c["cell"]) for c in report.checks] == [
        ("warning", "table3.carried_over.commercial"), ("warning", "table3.carried_over.total")]
    assert services.validate(officer_a, report) and AnnualReport.objects.get(pk=report.pk).status == "validated"
    with pytest.raises(ServiceError, match="2项校验提示，须填写说明"):
        services.publish(leader_a, report, today=JAN_2026)
    published = services.publish(leader_a, report, note="2024年报手工统计有误，已在本年核实。", today=JAN_2026)
    assert published.status == ReportStatus.PUBLISHED
    assert published.snapshot["note"] == "2024年报手工统计有误，已在本年核实。"
    assert published.snapshot["checks"][0]["code"] == "cross_year"


def test_published_report_is_frozen_and_corrected_by_a_new_version(facts_in_db, officer_a, leader_a):
    v1 = services.publish(leader_a, generate_finished(officer_a, facts_in_db, 2025), today=JAN_2026)
    frozen = dict(v1.snapshot)
    assert frozen["table3"] == full(EXPECTED_2025) and frozen["version"] == 1
    with pytest.raises(ServiceError, match="不能修改"):
        services.edit(officer_a, v1, sections={"other": "改"})
    with pytest.raises(ServiceError, match="发起更正"):
        services.generate(officer_a, facts_in_db, 2025)
    v2 = services.start_correction(officer_a, v1, "表二规章数量漏计一件")
    assert (v2.version, v2.status, v2.corrects_id) == (2, ReportStatus.DRAFT, v1.pk)
    assert selectors.published_report(facts_in_db, 2025).pk == v1.pk  # still public meanwhile
    v2 = services.edit(officer_a, v2, cells={"table2.regulation.issued": 2})
    services.publish(leader_a, v2, today=dt.date(2026, 2, 3))
    v1.refresh_from_db()
    assert v1.status == ReportStatus.SUPERSEDED and v1.snapshot == frozen
    assert report_document(v1)["status"] == "superseded"
    assert selectors.published_report(facts_in_db, 2025).pk == v2.pk
    assert report_document(v2)["table2"]["regulation"]["issued"] == 2
    assert list(AnnualReport.objects.filter(body=facts_in_db, year=2025).values_list("version", "status")
                .order_by("version")) == [(1, "superseded"), (2, "published")]
    with pytest.raises(ServiceError, match="只能更正已发布"):
        services.start_correction(officer_a, v1, "再改")


@pytest.mark.parametrize(("path", "value", "message"), [
    ("table3.nonsense.total", 1, "没有“table3.nonsense.total”这一格"),
    ("table3.new.natural_person", -1, "应为非负整数"),
    ("table4.reconsideration.upheld", "x", "表四「行政复议」「结果维持」应为非负整数"),
    ("table2.fees_wan", "-0.123456", "不能为负数"),
])
def test_bad_cell_edits_are_refused_whole(facts_in_db, officer_a, path, value, message):
    report = services.generate(officer_a, facts_in_db, 2025)
    with pytest.raises(ServiceError, match=message):
        services.edit(officer_a, report, sections={"other": "应不被保存"}, cells={path: value})
    report.refresh_from_db()
    assert report.section_other != "应不被保存" and report.table3 == full(EXPECTED_2025)


def test_decided_case_without_disposition_is_a_clear_error(facts_in_db, officer_a):
    add_case(facts_in_db, ar.CaseFact("natural_person", dt.date(2025, 5, 1))).__class__.objects.filter(
        received_on=dt.date(2025, 5, 1)).update(decided_on=dt.date(2025, 5, 9))
    with pytest.raises(ServiceError, match="无法生成年报：有1件已办结案件没有年报表三的办理结果"):
        services.generate(officer_a, facts_in_db, 2025)
    assert not AnnualReport.objects.exists()

"""The public 政府信息公开年报 column (/xxgk/nb/): published reports with their tables, drafts never
public, superseded versions marked with a link to the one in force, DOCX/XLSX from the frozen
snapshot, the index, and the scheduler sending the deadline reminders once."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from gongkai.disclosure.scheduler import run_once
from gongkai.portal.setup import ensure_county_site
from gongkai.reports import services
from gongkai.reports.exports import to_docx, to_xlsx
from gongkai.reports.models import AnnualReport, DeadlineReminder, ReportStatus
from tests.reports.conftest import add_case, generate_finished
from tests.rules.test_annual_report import ALL_CASES, EXPECTED_2025, full

JAN_2026 = dt.date(2026, 1, 20)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def site(county):
    return ensure_county_site(county.county)


@pytest.fixture
def published(site, facts_in_db, officer_a, leader_a):
    report = generate_finished(officer_a, facts_in_db, 2025)
    return services.publish(leader_a, report, today=JAN_2026)


@pytest.fixture
def corrected(published, officer_a, leader_a):
    """Version 2 corrects version 1: two paper applications added to 新收 and 结转下年度."""
    draft = services.start_correction(officer_a, published, "漏报两件纸质申请")
    t3 = draft.table3
    draft = services.edit(officer_a, draft, cells={
        "table3.new.natural_person": t3["new"]["natural_person"] + 2, "table3.new.total": t3["new"]["total"] + 2,
        "table3.carried_forward.natural_person": t3["carried_forward"]["natural_person"] + 2,
        "table3.carried_forward.total": t3["carried_forward"]["total"] + 2})
    return services.publish(leader_a, draft, today=JAN_2026)


def base(county) -> str:
    return f"/xxgk/nb/{county.dept_a.code}/2025/"


def test_published_report_is_public_with_its_tables(client, county, published):
    response = client.get(base(county))
    assert response.status_code == 200
    page = text(response)
    assert "测试县农业农村局2025年政府信息公开工作年度报告" in page
    assert page.count("<table") == 3 and 'scope="col"' in page and "headers=" in page
    assert 'role="region"' in page and 'tabindex="0"' in page  # the tables scroll in a focusable region
    assert "当前位置" in page and ">政府信息公开年报</a>" in page  # breadcrumbs through the column
    # 新收 总计 of the hand-computed tables is in the page.
    new_total = published.snapshot["table3"]["new"]["total"]
    assert new_total == full(EXPECTED_2025)["new"]["total"]
    assert re.search(rf'<td headers="t3-applicants t3-c-total t3-new" class="num">{new_total}</td>', page)
    assert "已被更正" not in page


def test_drafts_and_validated_reports_are_never_public(client, county, site, facts_in_db, officer_a):
    report = generate_finished(officer_a, facts_in_db, 2025)
    assert client.get(base(county)).status_code == 404
    assert client.get(base(county) + "v1/").status_code == 404
    services.validate(officer_a, report)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.VALIDATED
    assert client.get(base(county)).status_code == 404
    assert client.get(base(county) + "v1/docx/").status_code == 404
    assert "2025年度报告" not in text(client.get("/xxgk/nb/"))


def test_open_correction_is_not_public_and_the_published_version_stays(client, county, published, officer_a):
    services.start_correction(officer_a, published, "更正表三")
    assert client.get(base(county) + "v2/").status_code == 404
    page = text(client.get(base(county)))
    assert "已被更正" not in page and "第2版" not in page


def test_superseded_version_is_marked_and_links_to_the_current_one(client, county, corrected):
    old = text(client.get(base(county) + "v1/"))
    assert "已被更正" in old and "本版本（第1版）已被更正版本取代" in old
    assert f'<a href="{base(county)}">查看现行版本（第2版）</a>' in old
    current = text(client.get(base(county)))
    assert "本报告为更正后的第2版" in current and "漏报两件纸质申请" in current
    assert f'href="{base(county)}v1/"' in current  # the superseded version stays reachable
    assert client.get(base(county) + "v2/").status_code == 200
    assert client.get(base(county) + "v3/").status_code == 404


def test_downloads_are_the_frozen_snapshot(client, county, corrected):
    v1 = AnnualReport.objects.get(body=county.dept_a, year=2025, version=1)
    # Data changing after publication never changes a published report's files.
    for fact in ALL_CASES[:3]:
        add_case(county.dept_a, fact)
    for report in (v1, corrected):
        report.refresh_from_db()
        url = f"{base(county)}v{report.version}/"
        docx = client.get(url + "docx/")
        assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
        assert "attachment" in docx["Content-Disposition"]
        xlsx = client.get(url + "xlsx/")
        assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")
        snapshot = {**report.snapshot, "status": report.status}
        expected_sheets = load_workbook(io.BytesIO(to_xlsx(snapshot)))
        got_sheets = load_workbook(io.BytesIO(xlsx.content))
        assert got_sheets.sheetnames == expected_sheets.sheetnames
        for name in got_sheets.sheetnames:
            got = [list(r) for r in got_sheets[name].iter_rows(values_only=True)]
            assert got == [list(r) for r in expected_sheets[name].iter_rows(values_only=True)]
        got_doc, expected_doc = Document(io.BytesIO(docx.content)), Document(io.BytesIO(to_docx(snapshot)))
        cells = [[c.text for c in row.cells] for t in got_doc.tables for row in t.rows]
        assert cells == [[c.text for c in row.cells] for t in expected_doc.tables for row in t.rows]
        assert [p.text for p in got_doc.paragraphs] == [p.text for p in expected_doc.paragraphs]
    new_v2 = str(corrected.snapshot["table3"]["new"]["total"])
    new_v1 = str(v1.snapshot["table3"]["new"]["total"])
    assert new_v1 != new_v2
    sheet_v1 = load_workbook(io.BytesIO(client.get(f"{base(county)}v1/xlsx/").content))
    values = {str(v) for ws in sheet_v1 for row in ws.iter_rows(values_only=True) for v in row}
    assert new_v1 in values
    assert client.get(f"{base(county)}v1/pdf/").status_code == 404


def test_index_lists_published_reports_by_body_group_newest_first(client, county, site, corrected, make_user):
    leader = make_user(Role.APPROVING_LEADER, county.township_a)
    officer = make_user(Role.INFO_OFFICER, county.township_a)
    for year in (2024, 2025):
        report = generate_finished(officer, county.township_a, year)
        services.publish(leader, report, today=JAN_2026 if year == 2025 else dt.date(2025, 1, 20), note="测试说明")
    services.generate(SYSTEM, county.dept_b, 2025)  # a draft: not listed
    page = text(client.get("/xxgk/nb/"))
    assert page.index("县政府") < page.index("县直部门") < page.index("乡镇（街道）")
    row = page[page.index(f'id="body-{county.dept_a.code}"'):]
    row = row[:row.index("</li>")]
    assert f'href="{base(county)}"' in row and "已更正" in row
    day = timezone.localtime(corrected.published_at)
    assert f"{day.year}年{day.month}月{day.day}日发布" in row
    town = page[page.index(f'id="body-{county.township_a.code}"'):]
    town = town[:town.index("</li>")]
    assert town.index("2025年度报告") < town.index("2024年度报告") and "已更正" not in town
    dept_b = page[page.index(f'id="body-{county.dept_b.code}"'):]
    assert "暂无已发布的年度报告" in dept_b[:dept_b.index("</li>")]


def test_unknown_body_or_other_county_is_404(client, county, published):
    assert client.get(f"/xxgk/nb/{county.dept_a.code}/2024/").status_code == 404
    assert client.get("/xxgk/nb/NOSUCHCODE/2025/").status_code == 404


def test_scheduler_sends_the_reminders_once(county, make_user, office_admin, django_capture_on_commit_callbacks):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    officer.email = "officer@example.com"
    officer.save()
    now = dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC)
    from unittest import mock

    from django.core import mail

    with mock.patch("gongkai.reports.jobs.timezone.localdate", return_value=now.date()):
        with django_capture_on_commit_callbacks(execute=True):
            run_once(SYSTEM, now=now)
            run_once(SYSTEM, now=now)
    assert DeadlineReminder.objects.filter(body=county.dept_a, year=2025, kind="due_soon").count() == 1
    assert len([m for m in mail.outbox if county.dept_a.name in m.subject]) == 1


def test_demo_published_reports_show_on_the_column(client, db):
    from freezegun import freeze_time

    from gongkai.core.models import Body
    from gongkai.demo.loader import load_demo

    with freeze_time("2026-11-28 12:00:00+08:00"):
        load_demo(records=False)
        page = text(client.get("/xxgk/nb/"))
        county = Body.objects.get(name="青山县人民政府")
        late = Body.objects.get(name="青山县教育局")
        row = page[page.index(f'id="body-{county.code}"'):]
        row = row[:row.index("</li>")]
        assert "2025年度报告" in row and "2026年3月25日发布" in row and "2024年度报告" in row
        late_row = page[page.index(f'id="body-{late.code}"'):]
        assert "暂无已发布的年度报告" in late_row[:late_row.index("</li>")]
        response = client.get(f"/xxgk/nb/{county.code}/2025/")
        assert response.status_code == 200 and "青山县人民政府2025年政府信息公开工作年度报告" in text(response)
        assert client.get(f"/xxgk/nb/{late.code}/2025/").status_code == 404


def test_a_huge_year_on_the_public_column_is_not_found(client, county, published):
    assert client.get(f"/xxgk/nb/{county.dept_a.code}/99999999999/").status_code == 404
    assert client.get(f"/xxgk/nb/{county.dept_a.code}/99999999999/v1/docx/").status_code == 404

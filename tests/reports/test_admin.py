"""The annual-report screens in the Wagtail admin: the office's overview with late states and the
county summary, an officer's report screen and its actions (all through the services)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.reports.models import AnnualReport
from tests.reports.conftest import PROBLEMS_TEXT


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-02-10 10:00:00+08:00"):
        yield


def test_office_overview_marks_late_bodies(client, county, office_admin, facts_in_db, officer_a, leader_a):
    client.force_login(officer_a)
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "generate"]))
    report = AnnualReport.objects.get()
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "sections"]),
                {"overview": report.section_overview, "problems": PROBLEMS_TEXT, "other": report.section_other,
                 "warning_note": ""})
    client.force_login(leader_a)
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "publish"]))
    client.force_login(office_admin)
    html = client.get(reverse("reports_admin:list") + "?year=2025").content.decode()
    assert "测试县人民政府 2025年度（逾期 5 个）" in html  # dept_a published 2026-02-10 after 31 Jan, four never
    assert html.count("逾期未发布") == 4 and "逾期发布" in html
    assert "已发布报告 1 份" in html and "三、收到和处理政府信息公开申请情况（汇总）" in html


def test_officer_generates_edits_and_downloads(client, facts_in_db, officer_a):
    client.force_login(officer_a)
    url = reverse("reports_admin:detail", args=[facts_in_db.pk, 2025])
    assert "尚未生成" in client.get(url).content.decode()
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "figures"]),
                {"licensing": "5", "penalty": "1", "coercion": "0", "fees_wan": "0.1234"})
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "generate"]))
    html = client.get(url).content.decode()
    assert "草稿（第1版）" in html and 'headers="t3-applicants t3-c-natural_person t3-new"' in html
    client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "sections"]),
                {"overview": "总体情况。", "problems": "问题。", "other": "其他。", "warning_note": ""})
    assert AnnualReport.objects.get().section_overview == "总体情况。"
    response = client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "publish"]), follow=True)
    assert "您无权发布该机构的年度报告" in response.content.decode()
    download = client.get(reverse("reports_admin:download", args=[facts_in_db.pk, 2025, "xlsx"]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"]
    exported = AuditEvent.objects.filter(event_type="report.exported").get()  # issue 13: every export
    assert exported.data == {"year": 2025, "format": "xlsx", "status": "draft", "version": 1}
    assert exported.actor_id == officer_a.pk and exported.scope_body_id == facts_in_db.pk


def test_bad_figures_come_back_as_a_message(client, facts_in_db, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "figures"]),
                           {"licensing": "-1", "penalty": "0", "coercion": "0", "fees_wan": "0"}, follow=True)
    assert response.status_code == 200 and "应为非负整数" in response.content.decode()


def test_other_body_sees_nothing(client, county, facts_in_db, officer_b):
    client.force_login(officer_b)
    assert client.get(reverse("reports_admin:detail", args=[facts_in_db.pk, 2025])).status_code == 404
    assert client.post(reverse("reports_admin:action", args=[facts_in_db.pk, 2025, "generate"])).status_code == 404
    html = client.get(reverse("reports_admin:list")).content.decode()
    assert county.dept_b.name in html and county.dept_a.name not in html


@pytest.mark.parametrize("year", [99999999999, 1900, 10000])
def test_a_year_no_report_can_have_is_not_found(client, facts_in_db, officer_a, year):
    """A huge year in the URL overflowed the date arithmetic (HTTP 500); any year outside the
    reporting years is simply not found, on every report screen."""
    client.force_login(officer_a)
    for url in (reverse("reports_admin:detail", args=[facts_in_db.pk, year]),
                reverse("reports_admin:download", args=[facts_in_db.pk, year, "xlsx"])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reports_admin:action", args=[facts_in_db.pk, year, "generate"])).status_code == 404

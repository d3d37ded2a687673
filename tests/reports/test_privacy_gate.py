"""An annual report behind the privacy gate: an ID number typed into a section stops publication
(the message names the section and the masked number); the report screen lists the finding with a
一键遮盖 button; once masked, the report publishes and neither its public page nor its DOCX holds
the number."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.portal.setup import ensure_county_site
from gongkai.reports import services
from gongkai.reports.models import AnnualReport, ReportStatus
from tests.privacy.corpus import gb11643_check
from tests.reports.conftest import generate_finished

ID_NUMBER = "11010119900307123" + gb11643_check("11010119900307123")  # a valid GB 11643 number
ID_MASKED = ID_NUMBER[:6] + "*" * 8 + ID_NUMBER[14:]
PROBLEMS = f"个别依申请公开答复书误载申请人身份证号码（{ID_NUMBER}），已收回更正并加强审核。"
SECTION = "五、存在的主要问题及改进情况"


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-02-10 10:00:00+08:00"):
        yield


@pytest.fixture
def draft(county, facts_in_db, officer_a):
    ensure_county_site(county.county)
    report = services.generate(officer_a, facts_in_db, 2025)
    return services.edit(officer_a, report, sections={"problems": PROBLEMS},
                         warning_note="已核实。" if report.checks else None)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_publish_is_refused_naming_the_section_and_the_masked_number(draft, leader_a):
    with pytest.raises(ServiceError) as refused:
        services.publish(leader_a, draft)
    messages = refused.value.messages
    assert "未公开" in messages[0]
    assert any(SECTION in m and ID_MASKED in m for m in messages)
    assert not any(ID_NUMBER in m for m in messages)
    report = AnnualReport.objects.get()
    assert report.status == ReportStatus.DRAFT and report.published_at is None and not report.snapshot
    assert not AuditEvent.objects.filter(event_type="report.published").exists()


def test_mask_personal_data_service(draft, officer_a, officer_b, leader_a):
    with pytest.raises(PermissionDenied):
        services.mask_personal_data(officer_b, draft)
    report = services.mask_personal_data(officer_a, draft)
    assert report.section_problems == PROBLEMS.replace(ID_NUMBER, ID_MASKED)
    event = AuditEvent.objects.get(event_type="report.masked")
    assert event.data["fields"] == ["section_problems"] and ID_NUMBER not in str(event.data)
    with pytest.raises(ServiceError, match="没有需要遮盖的个人信息"):
        services.mask_personal_data(officer_a, report)
    published = services.publish(leader_a, report)
    assert published.status == ReportStatus.PUBLISHED
    with pytest.raises(ServiceError, match="已发布"):
        services.mask_personal_data(officer_a, published)


def test_report_screen_finding_one_click_mask_then_public_page_and_docx(client, county, draft, officer_a, leader_a):
    body = county.dept_a
    detail = reverse("reports_admin:detail", args=[body.pk, 2025])
    publish = reverse("reports_admin:action", args=[body.pk, 2025, "publish"])
    client.force_login(leader_a)
    html = client.post(publish, follow=True).content.decode()
    assert AnnualReport.objects.get().status == ReportStatus.DRAFT
    refused = [line for line in html.splitlines() if "隐私检查发现" in line or SECTION + "：" in line]
    assert any(SECTION in line and ID_MASKED in line for line in refused)
    # The leader may not edit: the finding is listed, the one-click mask is not offered.
    assert 'id="privacy-title"' in html and "一键遮盖</button>" not in html

    client.force_login(officer_a)
    html = client.get(detail).content.decode()
    findings = html[html.index('id="privacy-title"'):]
    findings = findings[:findings.index("</ul>")]
    assert SECTION in findings and ID_MASKED in findings and ID_NUMBER not in findings
    assert "一键遮盖</button>" in html
    html = client.post(reverse("reports_admin:action", args=[body.pk, 2025, "mask"]), follow=True).content.decode()
    assert "已遮盖年度报告文字中的个人信息" in html and 'id="privacy-title"' not in html
    assert ID_NUMBER not in html

    client.force_login(leader_a)
    client.post(publish)
    report = AnnualReport.objects.get()
    assert report.status == ReportStatus.PUBLISHED
    client.logout()
    public = client.get(f"/xxgk/nb/{body.code}/2025/")
    assert public.status_code == 200
    page = public.content.decode()
    assert ID_MASKED in page and ID_NUMBER not in page
    docx = client.get(f"/xxgk/nb/{body.code}/2025/v{report.version}/docx/")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert ID_MASKED in text and ID_NUMBER not in text


def test_legitimate_report_text_publishes(county, facts_in_db, officer_a, leader_a):
    """Amounts, 文号, dates and the county's published office phone are not personal data."""
    report = generate_finished(officer_a, facts_in_db, 2025)
    report = services.edit(officer_a, report, sections={
        "other": "本年度收取信息处理费0元。依据《测试县人民政府办公室关于做好2025年政务公开工作的通知》"
                 "（测府办发〔2025〕12号），于2025年3月15日完成目录编制。咨询电话：0797-5221001。"
                 "全年政务公开专项经费12.5万元，共计125000元。"},
        warning_note="已核实。" if report.checks else None)
    assert services.publish(leader_a, report).status == ReportStatus.PUBLISHED

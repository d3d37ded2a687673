"""Issue 14 §4: subsidies finished on screen — publishing notices, objections and their answers,
the year summary (screen and XLSX), archiving in the scheduler, money with two decimals, and the
year summary and the CLI totals saying what they count."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.disclosure.scheduler import run_once
from gongkai.portal.setup import ensure_county_site
from gongkai.villages import year_summary
from gongkai.villages.models import Notice, NoticeStatus, Objection, ObjectionStatus, Payout, SubsidyProgramme
from gongkai.villages.selectors import village_years
from gongkai.villages.services.subsidies import (
    answer_objection,
    file_objection,
    import_payouts,
    publish_notices,
    reveal_objector_phone,
)
from gongkai.villages.templatetags.villages_tags import money
from gongkai.villages.views import village_context
from tests.villages.conftest import csv_bytes, rows_for

BASE = "/cwgk/"
PUBLISH = "/admin/villages/subsidy/publish/"
OBJECTIONS = "/admin/villages/subsidy/objections/"
SUMMARY = "/admin/villages/subsidy/summary/"
RAW_DECIMAL = re.compile(r"\d\.\d{3,}")


def _amounts(rows) -> Decimal:
    return sum((Decimal(r[7]) for r in rows), Decimal("0"))


@pytest.fixture
def imported(county, villages, programme, programme2):
    """甲村: 耕地地力保护补贴 (3 rows) and 生态公益林补偿 (2 rows), both imported, none published."""
    a, b = rows_for(["甲村"], per_village=3), rows_for(["甲村"], per_village=2, start=40)
    with freeze_time("2026-03-01 09:00:00+08:00"):
        import_payouts(SYSTEM, data=csv_bytes(a), filename="a.csv", programme=programme, year=2025,
                       township=county.township_a)
        import_payouts(SYSTEM, data=csv_bytes(b), filename="b.csv", programme=programme2, year=2025,
                       township=county.township_a)
    return {"a": _amounts(a), "b": _amounts(b)}


@pytest.fixture
def notice(county, imported, programme):
    with freeze_time("2026-03-01 09:00:00+08:00"):
        (n,) = publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                               supervision_phone="0797-5231001")
    return n


# ---- money -----------------------------------------------------------------------------------

def test_money_is_yuan_with_two_decimals():
    assert money(Decimal("10293.7800000000")) == "10293.78"
    assert money(Decimal("0.005")) == "0.01" and money(3) == "3.00" and money(None) == ""


def test_sums_reach_pages_and_documents_to_the_fen(notice, county, tmp_path):
    """A database sum (SQLite: a float, Decimal('…7800000000')) is shown as yuan.fen on the public
    page, the printable 公示表 (HTML, DOCX) and the CLI."""
    (vy,) = village_years(2025, village=county.village_a)
    assert all(b.amount == b.amount.quantize(Decimal("0.01")) and len(str(b.amount).split(".")[1]) == 2
               for b in vy.blocks)
    ensure_county_site(county.county)
    with freeze_time("2026-03-03 10:00:00+08:00"):
        text = Client().get(f"{BASE}village/{county.village_a.pk}/").text
    assert re.search(r"合计 \d+\.\d\d 元", text) and not RAW_DECIMAL.search(text)
    with freeze_time("2026-03-03 10:00:00+08:00"):
        out = io.StringIO()
        call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path), stdout=out)
    assert re.search(r"实发金额合计（全部项目、全部已导入批次）\d+\.\d\d 元", out.getvalue())
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert not RAW_DECIMAL.search(re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    with zipfile.ZipFile(next(tmp_path.glob("*.docx"))) as docx:
        xml = docx.read("word/document.xml").decode()
    assert money(vy.total) in xml and not RAW_DECIMAL.search(re.sub(r"<[^>]+>", " ", xml))


# ---- the two totals --------------------------------------------------------------------------

def test_year_summary_and_cli_total_are_labelled_for_what_they_count(notice, county, imported, tmp_path):
    """The testers' discrepancy, from data: the public year summary counts only programmes whose
    公示 is published; ``notices --json`` ``total`` counts every imported programme. Both figures
    are right and now say so (``published_total``; 已公示项目合计)."""
    with freeze_time("2026-03-03 10:00:00+08:00"):
        public = village_context(county.village_a)
        out = io.StringIO()
        call_command("subsidy", "notices", "--year", "2025", "--out", str(tmp_path), "--json", stdout=out)
    (summary,) = public["summaries"]
    assert summary.total == imported["a"]  # the public figure: the published programme only
    (entry,) = json.loads(out.getvalue())["villages"]
    assert Decimal(entry["total"]) == imported["a"] + imported["b"] != summary.total
    assert Decimal(entry["published_total"]) == summary.total
    assert entry["programmes"]["耕地地力保护补贴"]["published"] is True
    assert entry["programmes"]["生态公益林补偿"]["published"] is False
    ensure_county_site(county.county)
    with freeze_time("2026-03-03 10:00:00+08:00"):
        text = Client().get(f"{BASE}village/{county.village_a.pk}/").text
    assert "已公示项目合计" in text and "只计入已发布公示的补贴项目" in text


def test_admin_summary_names_the_batch_imported_after_publication(notice, county, imported, programme, officer_a):
    """A batch imported after the notice was published adds to 实发金额 but not to 公示金额: the
    summary shows the difference as 未公示金额."""
    late = rows_for(["甲村"], per_village=1, start=80)
    with freeze_time("2026-03-02 09:00:00+08:00"):
        import_payouts(SYSTEM, data=csv_bytes(late), filename="late.csv", programme=programme, year=2025,
                       township=county.township_a)
        result = year_summary.year_summary(officer_a, year=2025, scope=county.township_a)
    lines = {line.programme: line for line in result.lines}
    first = lines["耕地地力保护补贴"]
    assert first.amount == imported["a"] + _amounts(late) and first.notice_amount == imported["a"]
    assert first.unpublished == _amounts(late) and first.status == "公示中"
    second = lines["生态公益林补偿"]
    assert second.notice_amount is None and second.unpublished == imported["b"] and second.status == "未发布公示"
    assert result.total == imported["a"] + imported["b"] + _amounts(late)


# ---- scheduler -------------------------------------------------------------------------------

def test_scheduler_archives_ended_notices(notice):
    with freeze_time("2026-03-07 12:00:00+08:00"):
        run_once()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    with freeze_time("2026-03-08 08:00:00+08:00"):
        run_once()
        run_once()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ARCHIVED
    assert AuditEvent.objects.filter(event_type="subsidy.notice_archived").count() == 1


def test_scheduler_archive_failure_does_not_stop_the_round(notice, monkeypatch):
    from gongkai.villages.services import subsidies

    def broken(actor, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(subsidies, "archive_ended_notices", broken)
    with freeze_time("2026-03-08 08:00:00+08:00"):
        result = run_once()
    assert result.records is not None


# ---- publishing over HTTP --------------------------------------------------------------------

def test_officer_publishes_notices_in_the_admin(client, county, imported, programme, officer_a):
    client.force_login(officer_a)
    page = client.get(PUBLISH)
    assert page.status_code == 200 and county.township_a.name in page.text and county.township_b.name not in page.text
    with freeze_time("2026-03-02 09:00:00+08:00"):
        response = client.post(PUBLISH, {"programme": programme.pk, "year": 2025, "township": county.township_a.pk,
                                         "starts_on": "2026-03-05", "days": 5, "phone": "0797-5231009"})
    assert response.status_code == 302
    (n,) = Notice.objects.all()
    assert (n.starts_on, n.ends_on, n.supervision_phone) == (dt.date(2026, 3, 5), dt.date(2026, 3, 9), "0797-5231009")
    assert AuditEvent.objects.filter(event_type="subsidy.notice_published", actor_id=officer_a.pk).exists()
    again = client.post(PUBLISH, {"programme": programme.pk, "year": 2025, "township": county.township_a.pk,
                                  "starts_on": "2026-03-05", "days": 5, "phone": "0797-5231009"}, follow=True)
    assert "没有需要发布的公示" in again.text and Notice.objects.count() == 1
    bad = client.post(PUBLISH, {"programme": programme.pk, "year": 2025, "township": county.township_a.pk,
                                "starts_on": "2026-03-05", "days": 99})
    assert bad.status_code == 400 and "公示期天数应为 1 至 60 天" in bad.text


def test_publishing_is_scoped(client, county, imported, programme, officer_b, clerk_a, office_admin):
    post = {"programme": programme.pk, "year": 2025, "township": county.township_a.pk,
            "starts_on": "2026-03-05", "days": 7, "phone": "0797-5231009"}
    client.force_login(officer_b)  # another township's officer: township A is not a choice
    response = client.post(PUBLISH, post)
    assert response.status_code == 400 and Notice.objects.count() == 0
    client.force_login(clerk_a)  # a village clerk: no publishing screen at all
    assert client.get(PUBLISH).status_code in (302, 403)
    assert client.post(PUBLISH, post).status_code in (302, 403) and Notice.objects.count() == 0
    anonymous = Client().get(PUBLISH)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(office_admin)  # the county office publishes for any township
    assert client.post(PUBLISH, post).status_code == 302 and Notice.objects.count() == 1


# ---- objections ------------------------------------------------------------------------------

@pytest.fixture
def objection(notice):
    with freeze_time("2026-03-03 10:00:00+08:00"):
        return file_objection(notice=notice, name="李四", phone="13907970001", content="面积少算了0.5亩")


def test_objection_gets_a_code(objection):
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", objection.code)


def test_objections_list_and_detail_are_scoped(client, county, objection, officer_a, officer_b, clerk_a):
    url = reverse("villages_subsidy:objection", args=[objection.pk])
    client.force_login(officer_a)
    listing = client.get(OBJECTIONS)
    assert listing.status_code == 200 and "李四" in listing.text and "139****0001" in listing.text
    assert "13907970001" not in listing.text
    assert "李四" not in client.get(OBJECTIONS + "?status=answered").text
    assert "李四" in client.get(OBJECTIONS + f"?status=all&township={county.township_a.pk}"
                               f"&village={county.village_a.pk}").text
    detail = client.get(url)
    assert detail.status_code == 200 and "面积少算了" in detail.text and "13907970001" not in detail.text
    client.force_login(officer_b)
    assert "李四" not in client.get(OBJECTIONS).text
    assert client.get(url).status_code == 404
    assert client.post(url, {"do": "answer", "result": "rejected", "reason": "x"}).status_code == 404
    client.force_login(clerk_a)  # the village's clerk reads it, masked, and cannot answer
    detail = client.get(url)
    assert detail.status_code == 200 and "139****0001" in detail.text and "提交答复" not in detail.text
    response = client.post(url, {"do": "answer", "result": "rejected", "reason": "不成立"})
    assert response.status_code in (302, 403)
    assert client.post(url, {"do": "reveal"}).status_code in (302, 403)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PENDING
    assert not AuditEvent.objects.filter(event_type="subsidy.objector_phone_viewed").exists()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_full_phone_is_shown_on_request_and_audited(client, objection, officer_a):
    client.force_login(officer_a)
    url = reverse("villages_subsidy:objection", args=[objection.pk])
    page = client.post(url, {"do": "reveal"})
    assert page.status_code == 200 and "13907970001" in page.text
    event = AuditEvent.objects.get(event_type="subsidy.objector_phone_viewed")
    assert event.actor_id == officer_a.pk and "13907970001" not in json.dumps(event.data, ensure_ascii=False)
    assert reveal_objector_phone(officer_a, objection) == "13907970001"
    assert AuditEvent.objects.filter(event_type="subsidy.objector_phone_viewed").count() == 2


def test_rejected_answer_is_read_by_code_on_the_public_page(client, county, objection, officer_a):
    ensure_county_site(county.county)
    url = reverse("villages_subsidy:objection", args=[objection.pk])
    client.force_login(officer_a)
    missing = client.post(url, {"do": "answer", "result": "rejected", "reason": " "})
    assert missing.status_code == 400 and "请填写处理理由" in missing.text
    with freeze_time("2026-03-04 10:00:00+08:00"):
        assert client.post(url, {"do": "answer", "result": "rejected",
                                 "reason": "经核实，面积与确权登记一致"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    public = Client()
    pending_page = public.get(f"{BASE}objection/")
    assert pending_page.status_code == 200
    result = public.post(f"{BASE}objection/", {"code": objection.code.lower()})
    assert result.status_code == 200 and "异议不成立" in result.text and "面积与确权登记一致" in result.text
    assert "李四" not in result.text and "0001" not in result.text and result["Cache-Control"] == "no-store"
    miss = public.post(f"{BASE}objection/", {"code": "ABCDEFGHJK"})
    assert "未查到该查询码" in miss.text
    # The live region sits inside the <dd>: a <dd role="status"> is no longer a definition-list
    # item (axe-core definition-list, found by the browser journey).
    assert re.search(r'<dt>处理结果</dt><dd><span role="status">异议不成立</span></dd>', result.text)
    assert '<dd role=' not in result.text
    # No style attribute (refused by the public CSP): the reason keeps its line breaks by a class.
    assert '<dd class="va-text">经核实，面积与确权登记一致</dd>' in result.text and 'style="' not in result.text


def test_objector_is_given_the_code_on_filing(county, notice):
    ensure_county_site(county.county)
    url = f"{BASE}village/{county.village_a.pk}/objection/{notice.pk}/"
    with freeze_time("2026-03-03 10:00:00+08:00"):
        page = Client().post(url, {"name": "王五", "phone": "13907970002", "content": "漏发"})
    code = Objection.objects.get(name="王五").code
    assert page.status_code == 200 and code in page.text
    with freeze_time("2026-03-03 10:00:00+08:00"):
        status = Client().get(f"{BASE}objection/?code={code}")
    assert "待处理" in status.text


def test_upheld_answer_issues_the_correction(client, county, objection, notice, officer_a):
    payouts = list(Payout.objects.filter(village=county.village_a, programme=notice.programme).order_by("row_number"))
    url = reverse("villages_subsidy:objection", args=[objection.pk])
    client.force_login(officer_a)
    none = client.post(url, {"do": "answer", "result": "upheld", "reason": "属实"})
    assert none.status_code == 400 and "需要更正的发放记录" in none.text
    bad = client.post(url, {"do": "answer", "result": "upheld", "reason": "属实", f"amount_{payouts[0].pk}": "abc"})
    assert bad.status_code == 400 and "不是数字" in bad.text
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PENDING and Notice.objects.count() == 1
    with freeze_time("2026-03-04 10:00:00+08:00"):
        response = client.post(url, {"do": "answer", "result": "upheld", "reason": "经核实面积漏计",
                                     "correction_reason": "补计漏算面积", f"amount_{payouts[0].pk}": "999.99",
                                     f"remove_{payouts[1].pk}": "1"})
    assert response.status_code == 302
    objection.refresh_from_db()
    notice.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and notice.status == NoticeStatus.SUPERSEDED
    corrected = Notice.objects.get(corrects=notice)
    assert corrected.correction_reason == "补计漏算面积" and corrected.starts_on == dt.date(2026, 3, 4)
    assert corrected.row_count == 2
    assert corrected.total_amount == Decimal("999.99") + payouts[2].amount


def test_upheld_answer_with_a_bad_amount_changes_nothing(objection, officer_a, notice):
    from gongkai.core.services import ServiceError

    payout = Payout.objects.filter(programme=notice.programme).first()
    with pytest.raises(ServiceError, match="正数"):
        answer_objection(officer_a, objection, upheld=True, reason="属实", changes={payout.pk: Decimal("-1")})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PENDING
    assert not Notice.objects.filter(corrects__isnull=False).exists()


# ---- year summary ----------------------------------------------------------------------------

def test_summary_screen_and_xlsx(client, county, notice, imported, officer_a, officer_b, clerk_a, office_admin):
    SubsidyProgramme.objects.filter(name="生态公益林补偿").update(name="=HYPERLINK(\"http://x\")")
    client.force_login(officer_a)
    with freeze_time("2026-03-03 10:00:00+08:00"):
        page = client.get(SUMMARY + "?year=2025")
        assert page.status_code == 200 and "实发金额（元）" in page.text and money(imported["a"]) in page.text
        download = client.get(SUMMARY + f"?year=2025&scope={county.township_a.pk}&format=xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][4] == "实发金额（元）" and values[1][7] == "公示金额（元）"
    programmes = {row[2] for row in values[2:-1]}
    assert programmes == {"耕地地力保护补贴", "'=HYPERLINK(\"http://x\")"}
    assert values[-1][0] == "合计" and Decimal(str(values[-1][4])) == imported["a"] + imported["b"]
    assert AuditEvent.objects.filter(event_type="subsidy.summary_exported", actor_id=officer_a.pk).exists()
    client.force_login(officer_b)  # another township's officer: only its own township is offered
    other = client.get(SUMMARY + f"?year=2025&scope={county.township_a.pk}")
    assert other.status_code == 200 and "甲村" not in other.text
    client.force_login(clerk_a)
    assert client.get(SUMMARY).status_code in (302, 403)
    client.force_login(office_admin)
    county_page = client.get(SUMMARY + f"?year=2025&scope={county.county.pk}")
    assert county_page.status_code == 200 and "甲村" in county_page.text


# ---- menus -----------------------------------------------------------------------------------

def test_menus_follow_the_roles(client, county, officer_a, clerk_a, make_user):
    client.force_login(officer_a)
    text = client.get("/admin/").text
    assert PUBLISH in text and OBJECTIONS in text and SUMMARY in text
    client.force_login(clerk_a)
    text = client.get("/admin/").text
    assert OBJECTIONS in text and PUBLISH not in text and SUMMARY not in text
    client.force_login(make_user(Role.INFO_OFFICER, county.dept_a))  # a department's officer
    text = client.get("/admin/").text
    assert PUBLISH not in text and OBJECTIONS not in text and SUMMARY not in text


def test_an_answer_reason_with_an_unmasked_phone_is_refused(client, county, objection, officer_a):
    """The reason is shown on the public result page: it passes the privacy detectors first."""
    url = reverse("villages_subsidy:objection", args=[objection.pk])
    client.force_login(officer_a)
    refused = client.post(url, {"do": "answer", "result": "rejected", "reason": "请联系13912345678核实"})
    assert refused.status_code == 400 and "处理理由含有未遮盖的" in refused.text
    objection.refresh_from_db()
    assert objection.status == "pending" and objection.reason == ""

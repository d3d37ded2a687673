"""Next year's holiday calendar (issue 14 §5): the office is told from 1 November, loads the State
Council's notice by pasting it, checks the days read, and the waiting cases get their dates; the
public is told plainly meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent, CalendarReminder, CalendarYear, Role
from gongkai.core.services.calendar import awaited_year, remind_missing_year
from gongkai.portal.setup import ensure_county_site
from gongkai.requests.models import Case
from gongkai.requests.setup import ensure_request_page
from tests.requests.test_public import BASE, form_data, query_code
from tests.rules.test_holiday_notice import NOTICES

# Our transcription of the 2026 notice's items shifted to 2027 would fail the weekday check, so the
# 2027 tests use a notice written for 2027's real weekdays (the shape of the real notices).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历除夕、周六）至13日（农历正月初七、周六）放假调休，共8天。2月14日（周日）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。"""


@pytest.fixture
def no_2027():
    CalendarYear.objects.filter(year__gte=2027).delete()


def test_the_office_admin_sees_the_banner_from_1_november(client, county, office_admin, make_user, no_2027):
    client.force_login(office_admin)
    with freeze_time("2026-10-30 10:00:00+08:00"):
        assert "尚未载入2027年节假日安排" not in client.get("/admin/").content.decode()
    with freeze_time("2026-11-02 10:00:00+08:00"):
        home = client.get("/admin/").content.decode()
        assert "尚未载入2027年节假日安排" in home and reverse("calendar:add") in home
        officer = make_user(Role.INFO_OFFICER, county.dept_a)
        client.force_login(officer)  # who cannot load the calendar is not told to
        assert "尚未载入2027年节假日安排" not in client.get("/admin/").content.decode()


def test_a_weekly_mail_until_the_year_is_loaded(county, office_admin, superuser, no_2027):
    office_admin.email, superuser.email = "office@example.gov.cn", "ops@example.gov.cn"
    office_admin.save()
    superuser.save()
    with freeze_time("2026-10-31 10:00:00+08:00"):
        assert remind_missing_year() is None and not mail.outbox
    with freeze_time("2026-11-02 10:00:00+08:00"), pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        assert remind_missing_year() == 2027
        assert remind_missing_year() is None  # the same week: nothing more
        assert len(mail.outbox) == 1 and sorted(mail.outbox[0].to) == ["office@example.gov.cn", "ops@example.gov.cn"]
        assert "2027年" in mail.outbox[0].subject
    with freeze_time("2026-11-05 10:00:00+08:00"):
        call_command("calendar", "remind")  # Thursday of the same week
    with freeze_time("2026-11-09 10:00:00+08:00"), pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        assert remind_missing_year() == 2027  # the next Monday
    assert CalendarReminder.objects.count() == 2 and len(mail.outbox) == 2
    assert AuditEvent.objects.filter(event_type="calendar.reminder_sent").count() == 2


def test_paste_the_notice_check_the_days_and_the_waiting_cases_get_their_dates(
        client, county, office_admin, make_case, no_2027):
    with freeze_time("2026-12-21 10:00:00+08:00"):
        waiting = make_case("2026-12-21")
        assert waiting.due_on is None and "2027年" in waiting.due_error
        assert awaited_year() == 2027
        client.force_login(office_admin)
        form = client.get(reverse("calendar:add")).content.decode()
        assert 'value="2027"' in form and "粘贴《国务院办公厅关于某年部分节假日安排的通知》的正文" in form
        data = {"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知", "notice_text": NOTICE_2027}
        # A notice of another year is refused by its weekdays, nothing stored.
        wrong = client.post(reverse("calendar:add"), {**data, "notice_text": NOTICES[2026]})
        assert wrong.status_code == 200 and "请核对粘贴的是否为2027年的通知" in wrong.content.decode()
        # First the days as read, for checking; nothing is stored yet.
        preview = client.post(reverse("calendar:add"), data)
        html = preview.content.decode()
        assert preview.status_code == 200 and "请核对从通知中读出的2027年日期" in html
        assert "2027年2月14日" in html and "确认载入" in html and 'name="confirmed"' in html
        assert not CalendarYear.objects.filter(year=2027).exists()
        loaded = client.post(reverse("calendar:add"), {**data, "confirmed": "True"}, follow=True)
        assert loaded.status_code == 200
        page = loaded.content.decode()
        assert "2027年节假日数据已载入" in page and "已计算 1 件依申请公开案件的答复期限" in page
        year = CalendarYear.objects.get(year=2027)
        assert year.days.count() == 3 + 8 + 1 + 3 + 5 + 1 + 1 + 1 + 7 + 2
        waiting.refresh_from_db()
        # 20 working days after Monday 21 December 2026, over the 2027 New Year holiday (1–3 January).
        assert waiting.due_on == dt.date(2027, 1, 19) and waiting.due_error == ""
        changed = AuditEvent.objects.filter(event_type="request.due_date_changed").get()
        assert changed.data["reason"] == "节假日数据已载入"
        assert awaited_year() is None
        assert "尚未载入" not in client.get("/admin/").content.decode()


def test_the_command_loads_the_notice_text(tmp_path, county, make_case, no_2027, capsys):
    with freeze_time("2026-12-21 10:00:00+08:00"):
        waiting = make_case("2026-12-21")
        path = tmp_path / "notice.txt"
        path.write_text(NOTICE_2027, encoding="gbk")
        call_command("calendar", "load-year", "2027", str(path), "--dry-run")
        out = capsys.readouterr().out
        assert "2027-02-14\t周日\t上班\t春节" in out and "校验通过（未写入）" in out
        assert not CalendarYear.objects.filter(year=2027).exists()
        call_command("calendar", "load-year", "2027", str(path))
        assert "已计算 1 件依申请公开案件的答复期限" in capsys.readouterr().out
        waiting.refresh_from_db()
        assert waiting.due_on == dt.date(2027, 1, 19)


def test_the_public_is_told_when_the_date_will_be_set(client, county, no_2027):
    home = ensure_county_site(county.county)
    ensure_request_page(home)
    with freeze_time("2026-12-07 10:00:00+08:00"):
        form = client.get(BASE + "apply/").content.decode()
        assert "国家尚未公布2027年的节假日安排" in form
        receipt = client.post(BASE + "apply/", form_data(county)).content.decode()
        assert "国家公布2027年节假日安排后确定" in receipt
        case = Case.objects.get()
        status = client.post(BASE + "status/", {"code": query_code(receipt), "digits": "5678"}).content.decode()
        assert "待2027年节假日安排公布后确定" in status and case.due_on is None
    with freeze_time("2026-06-01 10:00:00+08:00"):
        assert "节假日安排" not in client.get(BASE + "apply/").content.decode()

"""The case screens in the Wagtail admin: dashboard, detail, actions, applicant privacy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from freezegun import freeze_time

from gongkai.requests.models import Case


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def test_dashboard_and_detail_for_handler(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    page = client.get(reverse("requests_admin:list") + "?status=on_time")
    assert page.status_code == 200 and case.number in page.content.decode()
    html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert "张三" in html and "13800001234" in html
    assert "发出补正通知" in html and "延长答复期限" not in html


def test_other_body_handler_sees_nothing(client, make_case, handler_b):
    case = make_case("2026-03-02")
    client.force_login(handler_b)
    assert case.number not in client.get(reverse("requests_admin:list")).content.decode()
    assert client.get(reverse("requests_admin:detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("requests_admin:action", args=[case.pk, "decide"])).status_code == 404


def test_leader_sees_case_but_not_applicant(client, make_case, leader_a):
    case = make_case("2026-03-02")
    client.force_login(leader_a)
    html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert case.subject in html and "张三" not in html and "13800001234" not in html
    assert "延长答复期限" in html


def test_office_admin_sees_applicant(client, make_case, office_admin):
    case = make_case("2026-03-02")
    client.force_login(office_admin)
    assert "张三" in client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()


def test_action_form_and_bad_input(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    url = reverse("requests_admin:action", args=[case.pk, "decide"])
    page = client.post(url, {"on": "2026-03-09"}, follow=True)
    assert page.status_code == 200 and "作出答复须选择办理结果" in page.content.decode()
    assert Case.objects.get().state == "registered"
    page = client.post(url, {"on": "not-a-date", "disposition": "disclosed"}, follow=True)
    assert "日期格式" in page.content.decode()
    client.post(url, {"on": "2026-03-09", "disposition": "disclosed"})
    assert Case.objects.get().state == "decided"


def test_missing_calendar_year_on_case_screen(client, make_case, handler_a):
    with freeze_time("2026-12-21 10:00:00+08:00"):
        case = make_case("2026-12-21")
        client.force_login(handler_a)
        html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert "答复期限无法计算" in html and "2027年没有节假日数据" in html


def test_publication_from_the_case_screen(client, make_case, handler_a):
    from gongkai.requests.services.cases import transition

    case = make_case("2026-03-02")
    client.force_login(handler_a)
    url = reverse("requests_admin:publication", args=[case.pk])
    page = client.post(url, {"publish": "1", "public_title": "补贴名单"}, follow=True).content.decode()
    assert "只有已作出答复的申请" in page and Case.objects.get().published_at is None
    transition(handler_a, case, "decide", disposition="disclosed")
    assert "答复选登" in client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    client.post(url, {"publish": "1", "public_title": "补贴名单", "public_summary": "已公开"})
    assert Case.objects.get().public_title == "补贴名单" and Case.objects.get().published_at
    client.post(url, {"publish": "0"})
    assert Case.objects.get().published_at is None

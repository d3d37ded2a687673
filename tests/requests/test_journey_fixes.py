"""Fixes found by the browser journey of 依申请公开 (tests/browser/test_request_journey.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from gongkai.requests.services.cases import transition


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


HINT = "须经政府信息公开工作机构负责人同意"


def test_action_message_is_announced_once(client, make_case, handler_a):
    """Wagtail's base template already shows messages in its role=status container; the case screen
    showed them a second time, so screen readers announced every result twice."""
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    url = reverse("requests_admin:action", args=[case.pk, "request_correction"])
    html = client.post(url, {"on": "2026-03-04", "period_end": "2026-03-20"}, follow=True).content.decode()
    assert html.count("已发出补正通知") == 1
    assert html.count('role="status"') == 1
    html = client.post(url, {"on": "2026-03-05"}, follow=True).content.decode()  # refused: already asked
    assert html.count('role="status"') == 1 and "补正" in html


@pytest.mark.parametrize(("steps", "shown"), [
    ([], True),  # 已登记: an extension is possible, but not the handler's to grant
    ([("request_correction", {"on": "2026-03-04"})], False),  # the clock is stopped: no extension now
    ([("request_correction", {"on": "2026-03-04"}), ("receive_correction", {"on": "2026-03-09"})], True),
    ([("decide", {"on": "2026-03-09", "disposition": "disclosed"})], False),
])
def test_handler_is_told_who_grants_the_extension(client, make_case, handler_a, steps, shown):
    case = make_case("2026-03-02")
    for action, data in steps:
        transition(handler_a, case, action, **data)
    client.force_login(handler_a)
    html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert (HINT in html) is shown
    assert 'aria-label="延长答复期限"' not in html  # the handler still has no extension form


def test_extension_hint_not_shown_to_those_who_grant_it_or_after_it(client, make_case, handler_a, leader_a,
                                                                     office_admin):
    case = make_case("2026-03-02")
    for user in (leader_a, office_admin):
        client.force_login(user)
        html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
        assert 'aria-label="延长答复期限"' in html and HINT not in html
    transition(leader_a, case, "extend", on="2026-03-09", workdays=10)
    client.force_login(handler_a)
    html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert HINT not in html and "10 个工作日" in html


STATUS = "/xxgk/ysqgk/status/"


@pytest.fixture
def site(county):
    from gongkai.portal.setup import ensure_county_site
    from gongkai.requests.setup import ensure_request_page

    return ensure_request_page(ensure_county_site(county.county))


def status_html(client, case, digits="1234") -> str:
    response = client.post(STATUS, {"code": case.query_code, "digits": digits}, REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 200
    return response.content.decode()


def test_status_tells_the_applicant_the_correction_deadline(client, site, make_case, handler_a):
    """While a 补正 is awaited the status page said only 待补正 and 暂停计时: the applicant did not
    learn by when to correct, nor that the application lapses after that day (条例第三十条)."""
    case = make_case("2026-03-02")
    html = status_html(client, case)
    assert "补正期限" not in html and "2026年3月30日" in html
    transition(handler_a, case, "request_correction", on="2026-03-04", period_end="2026-03-20")
    html = status_html(client, case)
    assert "待补正" in html and "补正期限" in html and '<time datetime="2026-03-20">2026年3月20日</time>' in html
    assert "视为放弃申请" in html and "补正期间不计算答复期限" in html
    transition(handler_a, case, "receive_correction", on="2026-03-09")
    html = status_html(client, case)
    assert "补正期限" not in html and "2026年4月7日" in html  # the clock restarted from the correction
    assert "补正期间不计算答复期限" not in html


def test_wrong_digits_show_no_correction_deadline(client, site, make_case, handler_a):
    case = make_case("2026-03-02")
    transition(handler_a, case, "request_correction", on="2026-03-04", period_end="2026-03-20")
    html = status_html(client, case, digits="9999")
    assert "没有找到" in html and "补正期限" not in html and "2026年3月20日" not in html


def test_empty_application_names_every_missing_item_in_one_round(client, site, county):
    """The form checked only its own required fields; the applicant's name and a contact method were
    reported by the service in a second round, after the first errors had been fixed."""
    response = client.post("/xxgk/ysqgk/apply/", {"nonce": "n-empty"})
    html = response.content.decode()
    assert response.status_code == 400
    for message in ("请选择申请人类型", "请填写申请人姓名", "请填写证件号码", "请至少填写联系电话、电子邮箱或通信地址中的一项",
                    "请选择受理申请的行政机关", "请填写所需政府信息的名称"):
        assert message in html, message
    name_input = re.search(r'<input[^>]*id="id_name"[^>]*>', html).group(0)
    assert 'aria-describedby="id_name_error"' in name_input and 'aria-invalid="true"' in name_input
    assert 'id="id_phone_error"' in html


@pytest.mark.parametrize(("kind", "org", "name", "expected", "absent"), [
    ("organisation", "", "", "请填写法人或其他组织名称", "请填写申请人姓名"),  # an organisation names itself
    ("organisation", "某某律师事务所", "", None, "请填写申请人姓名"),
    ("natural", "", "", "请填写申请人姓名", "请填写法人或其他组织名称"),
])
def test_required_applicant_items_by_kind(client, site, county, kind, org, name, expected, absent):
    data = {"applicant_kind": kind, "org_type": "legal_service" if kind == "organisation" else "",
            "organisation": org, "name": name, "id_type": "resident_id", "id_number": "",
            "email": "a@example.com", "body": county.dept_a.code, "subject": "某文件",
            "preferred_form": "electronic", "delivery_method": "email"}
    html = client.post("/xxgk/ysqgk/apply/", data).content.decode()
    assert "请填写证件号码" in html  # left empty on purpose: the form is not submitted
    assert absent not in html and "请至少填写联系电话" not in html
    if expected:
        assert expected in html


# --- 登记申请: applications that arrived by other channels could not be recorded in the admin ----

REGISTER = "/admin/requests/register/"


def intake_data(county, **changes):
    data = {"body": county.dept_a.code, "channel": "letter_signed", "arrived_at": "2026-03-05T09:30",
            "confirmed_on": "", "applicant_kind": "natural", "org_type": "", "name": "赵六", "id_type": "resident_id",
            "id_number": "", "phone": "0797-5550123", "email": "", "address": "测试县城关镇3号", "postcode": "",
            "subject": "2025年测试县农机购置补贴资金分配表", "description": "", "preferred_form": "paper",
            "delivery_method": "post"}
    data.update(changes)
    return data


def test_handler_registers_a_posted_application(client, county, handler_a):
    from gongkai.core.models import AuditEvent
    from gongkai.requests.models import Case

    client.force_login(handler_a)
    listing = client.get(reverse("requests_admin:list")).content.decode()
    assert f'href="{REGISTER}"' in listing
    form = client.get(REGISTER)
    html = form.content.decode()
    assert form.status_code == 200 and 'value="2026-03-10T10:00"' in html  # arrival defaults to now
    assert "测试县农业农村局" in html and "测试县教育局" not in html  # only bodies this user handles
    response = client.post(REGISTER, intake_data(county))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("requests_admin:detail", args=[case.pk])
    assert case.channel == "letter_signed" and str(case.received_on) == "2026-03-05"
    assert str(case.due_on) == "2026-04-02" and case.applicant.id_number == ""  # 20 working days (条例第三十三条)
    assert AuditEvent.objects.filter(event_type="request.registered").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert f"已登记，查询码 {case.query_code}" in page and "赵六" in page


def test_ordinary_letter_needs_the_confirmation_day(client, county, handler_a):
    from gongkai.requests.models import Case

    client.force_login(handler_a)
    response = client.post(REGISTER, intake_data(county, channel="letter"))
    html = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "以与申请人确认之日为收到申请之日，请填写确认日期" in html
    assert 'id="id_confirmed_on_error"' in html
    client.post(REGISTER, intake_data(county, channel="letter", confirmed_on="2026-03-09"))
    case = Case.objects.get()
    assert str(case.received_on) == "2026-03-09" and case.late_confirmation


@pytest.mark.parametrize(("changes", "message"), [
    ({"channel": ""}, "请选择申请方式"),
    ({"arrived_at": "5 March"}, "申请到达时间格式应为"),
    ({"arrived_at": "2026-03-11T09:00"}, "申请到达时间不能晚于现在"),
    ({"body": "not-a-body"}, "请选择受理申请的行政机关"),
    ({"name": "", "phone": "", "address": ""}, "请至少填写联系电话"),
])
def test_bad_intake_input_is_named_beside_its_field(client, county, handler_a, changes, message):
    from gongkai.requests.models import Case

    client.force_login(handler_a)
    response = client.post(REGISTER, intake_data(county, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists()


def test_who_may_register(client, county, handler_b, leader_a, office_admin):
    from gongkai.requests.models import Case

    client.force_login(leader_a)  # approves extensions, does not register
    refused = client.get(REGISTER)  # Wagtail turns PermissionDenied into a redirect to the dashboard
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert f'href="{REGISTER}"' not in client.get(reverse("requests_admin:list")).content.decode()
    client.force_login(handler_b)  # another body's handler cannot register for 农业农村局
    html = client.post(REGISTER, intake_data(county)).content.decode()
    assert "请选择受理申请的行政机关" in html and not Case.objects.exists()
    client.force_login(office_admin)  # the county's office admin may register for any body
    assert client.post(REGISTER, intake_data(county)).status_code == 302
    client.logout()
    assert client.get(REGISTER)["Location"].startswith("/admin/login/")

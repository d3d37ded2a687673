"""The case screen as a guided flow (issue 14 §3): only the actions the transition table allows, the
next step first; the fee notice computed by rules.fees; 复议 and 诉讼 entered, updated and concluded
with their cell of table 四; the query code on the receipt letter and mailed to the applicant."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.reports import selectors as report_selectors
from gongkai.requests.models import Case, FeeNotice, Review
from gongkai.requests.services.cases import record_review, submit_online, transition
from gongkai.requests.services.letters import generate_letter
from gongkai.rules.annual_report import ReviewFact, explain_review
from tests.requests.conftest import APPLICANT


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def detail(client, case, query: str = "") -> str:
    response = client.get(reverse("requests_admin:detail", args=[case.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def action_forms(html: str) -> list[str]:
    return re.findall(r'action="/admin/requests/\d+/action/(\w+)/"', html)


def fee_events():
    return AuditEvent.objects.filter(event_type="request.fee_amount_changed")


# --- Only the valid actions, the next step first ----------------------------------------------------


def test_registered_case_shows_decide_first_and_folds_the_rest(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    html = detail(client, case)
    actions = section(html, 'id="actions-title"', "</section>")
    assert "下一步：作出答复" in actions
    head, folded = actions.split("<details", 1)
    assert action_forms(head) == ["decide"]
    assert action_forms(folded) == ["request_correction", "start_consultation", "withdraw"]
    assert "发出补正通知、征求意见、发出收费通知、申请人撤回申请" in folded
    # The fee notice starts as the step-1 form (GET on the case screen), never a free amount.
    assert 'name="fee_mode"' in folded and 'name="amount"' not in folded
    for absent in ("receive_payment", "deliver", "archive", "end_consultation", "extend"):
        assert absent not in action_forms(html)


def test_next_step_follows_the_state(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    transition(handler_a, case, "request_correction", on="2026-03-03", period_end="2026-03-20")
    html = detail(client, case)
    assert "下一步：收到补正" in html and action_forms(html) == ["receive_correction", "withdraw"]
    transition(handler_a, case, "receive_correction", on="2026-03-05")
    transition(handler_a, case, "decide", on="2026-03-09", disposition="disclosed")
    html = detail(client, case)
    assert "下一步：送达" in html and action_forms(html) == ["deliver"] and "<details" not in section(
        html, 'id="actions-title"', "</section>")
    transition(handler_a, case, "deliver", on="2026-03-10")
    transition(handler_a, case, "archive", on="2026-03-10")
    html = detail(client, case)
    assert action_forms(html) == [] and "本案已归档，办理流程已结束。" in html


def test_leader_sees_only_the_extension_unfolded(client, make_case, leader_a):
    case = make_case("2026-03-02")
    client.force_login(leader_a)
    actions = section(detail(client, case), 'id="actions-title"', "</section>")
    assert "下一步" not in actions and "<details class=\"w-mb-4\" open>" in actions
    assert action_forms(actions) == ["extend"]


def test_invalid_post_is_refused_in_chinese(client, make_case, handler_a, leader_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    page = client.post(reverse("requests_admin:action", args=[case.pk, "deliver"]), {"on": "2026-03-09"}, follow=True)
    assert "案件处于“已登记”状态，不能送达" in page.content.decode()
    page = client.post(reverse("requests_admin:action", args=[case.pk, "extend"]), {"on": "2026-03-09"}, follow=True)
    assert "延长答复期限须由政府信息公开工作机构负责人办理" in page.content.decode()
    client.force_login(leader_a)
    page = client.post(reverse("requests_admin:action", args=[case.pk, "decide"]),
                       {"on": "2026-03-09", "disposition": "disclosed"}, follow=True)
    assert "作出答复须由承办人办理" in page.content.decode()
    assert Case.objects.get().state == "registered"


# --- The fee notice computed by rules.fees -----------------------------------------------------------


def test_fee_notice_is_computed_from_items(make_case, handler_a):
    case = make_case("2026-03-02")
    case = transition(handler_a, case, "notify_fee", on="2026-03-04", mode="per_item", units="5", earlier_units="28")
    fee = FeeNotice.objects.get()
    assert fee.amount == fee.computed_amount == Decimal("800.00")  # items 29–30 at 100, 31–33 at 200
    assert (fee.mode, fee.units, fee.earlier_units, fee.amount_reason) == ("per_item", 5, 28, "")
    assert [line.label for line in fee.quote.lines] == ["第29—30件：2件×100元/件=200元", "第31—33件：3件×200元/件=600元"]
    assert case.state == "fee_notified" and not fee_events().exists()
    assert "收费 800.00 元" in case.events.last().note


def test_fee_notice_per_page(make_case, handler_a):
    case = make_case("2026-03-02")
    transition(handler_a, case, "notify_fee", on="2026-03-04", mode="per_page", units="120")
    assert FeeNotice.objects.get().amount == Decimal(70 * 10 + 20 * 20)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "mode", "请选择计收方式"),
    ({"mode": "both"}, "mode", "请选择计收方式"),
    ({"mode": "per_page"}, "units", "请填写页数"),
    ({"mode": "per_item", "units": "x"}, "units", "请填写件数"),
    ({"mode": "per_item", "units": "-3"}, "units", "请填写件数"),
    ({"mode": "per_item", "units": "10"}, "units", "应收0元"),
    ({"mode": "per_page", "units": "30"}, "units", "应收0元"),
    ({"mode": "per_page", "units": "40", "earlier_units": "2"}, "earlier_units", "不累计"),
    ({"mode": "per_item", "units": "12", "amount": "250"}, "amount", "不能高于"),
    ({"mode": "per_item", "units": "12", "amount": "150"}, "amount_reason", "请填写调整理由"),
    ({"mode": "per_item", "units": "12", "amount": "0", "amount_reason": "免收"}, "amount", "应大于0"),
    ({"mode": "per_item", "units": "12", "amount": "abc", "amount_reason": "x"}, "amount", "应为数字"),
])
def test_fee_input_is_refused_in_chinese(make_case, handler_a, data, field, message):
    case = make_case("2026-03-02")
    with pytest.raises(ServiceError) as exc:
        transition(handler_a, case, "notify_fee", on="2026-03-04", **data)
    assert message in "；".join(exc.value.message_dict[field])
    assert not FeeNotice.objects.exists() and Case.objects.get().state == "registered"


def test_a_lower_amount_needs_a_reason_and_is_audited(make_case, handler_a):
    case = make_case("2026-03-02")
    case = transition(handler_a, case, "notify_fee", on="2026-03-04", mode="per_item", units="12", amount="100",
                      amount_reason="申请人为低保户，经负责人同意减收")
    fee = FeeNotice.objects.get()
    assert (fee.amount, fee.computed_amount) == (Decimal("100.00"), Decimal("200.00"))
    event = fee_events().get()
    assert event.data["computed"] == "200.00" and event.data["charged"] == "100.00"
    assert event.data["reason"] == "申请人为低保户，经负责人同意减收" and event.data["units"] == 12
    assert "调整理由：申请人为低保户" in case.events.last().note


def test_fee_preview_and_issue_over_http(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    html = detail(client, case, "?fee_mode=per_item&fee_units=35")
    form = section(html, 'id="fee-form"', "</form>")
    assert "按标准计算应收：3000.00 元" in form
    assert "第11—30件：20件×100元/件=2000元" in form and "第31—35件：5件×200元/件=1000元" in form
    assert 'name="amount" inputmode="decimal" value="3000.00"' in form and 'name="amount_reason"' in form
    assert "<details class=\"w-mb-4\" open>" in html
    assert "应收0元" in detail(client, case, "?fee_mode=per_item&fee_units=3")
    edit = section(detail(client, case, "?fee_mode=per_item&fee_units=35&fee_edit=1"), 'id="fee-form"', "</form>")
    assert 'name="fee_units" min="0" value="35"' in edit and 'name="amount"' not in edit

    url = reverse("requests_admin:action", args=[case.pk, "notify_fee"])
    post = {"on": "2026-03-04", "mode": "per_item", "units": "35", "earlier_units": "0", "version": case.version}
    page = client.post(url, {**post, "amount": "2000"}, follow=True).content.decode()
    assert "请填写调整理由" in page and not FeeNotice.objects.exists()
    page = client.post(url, {**post, "amount": "2000", "amount_reason": "部分信息已主动公开"}, follow=True).content.decode()
    assert "已发出收费通知" in page
    fee = FeeNotice.objects.get()
    assert (fee.amount, fee.computed_amount, fee.amount_reason) == (Decimal("2000.00"), Decimal("3000.00"),
                                                                    "部分信息已主动公开")
    fees = section(page, 'id="fees-title"', "</section>")
    assert "按标准计算：3000.00 元" in fees and "2000.00 元" in fees and "调整理由：部分信息已主动公开" in fees
    assert fee_events().get().data["reason"] == "部分信息已主动公开"


def test_the_fee_letter_states_the_standard(make_case, handler_a):
    case = make_case("2026-03-02")
    transition(handler_a, case, "notify_fee", on="2026-03-04", mode="per_page", units="45", amount="100",
               amount_reason="减收")
    letter = generate_letter(handler_a, Case.objects.get(), "fee", inputs={"detail": "到窗口缴纳"})
    with letter.file.open("rb") as fh:
        text = "\n".join(p.text for p in Document(io.BytesIO(fh.read())).paragraphs)
    assert "按量计收" in text and "第31—45页：15页×10元/页=150元" in text
    assert "按标准计算为150.00元，本机关减收为100.00元" in text and "人民币100.00元" in text


def test_other_roles_cannot_issue_a_fee_notice(client, make_case, leader_a, handler_b):
    case = make_case("2026-03-02")
    client.force_login(leader_a)
    html = detail(client, case, "?fee_mode=per_item&fee_units=35")
    assert 'id="fee-form"' not in html and "3000.00" not in html
    url = reverse("requests_admin:action", args=[case.pk, "notify_fee"])
    client.post(url, {"on": "2026-03-04", "mode": "per_item", "units": "35"})
    client.force_login(handler_b)
    assert client.get(reverse("requests_admin:detail", args=[case.pk])).status_code == 404
    assert client.post(url, {"on": "2026-03-04", "mode": "per_item", "units": "35"}).status_code == 404
    assert not FeeNotice.objects.exists()


# --- 复议 and 诉讼 on the case screen ------------------------------------------------------------------


def test_review_entered_updated_and_concluded_over_http(client, make_case, handler_a, county):
    case = make_case("2026-03-02")
    transition(handler_a, case, "decide", on="2026-03-05", disposition="withheld.third_party_rights")
    client.force_login(handler_a)
    html = detail(client, case)
    form = section(html, 'id="reviews-title"', "</section>")
    assert "未经复议直接起诉：计入表四「未经复议直接起诉」" in form and "复议后起诉：计入表四「复议后起诉」" in form
    assert "维持：计入「结果维持」" in form and "尚未审结：计入「尚未审结」" in form

    page = client.post(reverse("requests_admin:review_add", args=[case.pk]),
                       {"kind": "reconsideration", "filed_on": "2026-03-08", "note": "县人民政府 2026-1号"},
                       follow=True).content.decode()
    review = Review.objects.get()
    assert (review.kind, review.result, review.concluded_on) == ("reconsideration", "pending", None)
    assert "计入2026年度报告表四「行政复议」中的「尚未审结」和「总计」" in page
    assert report_selectors.table4(county.dept_a, 2026)["reconsideration"]["pending"] == 1

    page = client.post(reverse("requests_admin:review_update", args=[case.pk, review.pk]),
                       {"kind": "reconsideration", "filed_on": "2026-03-08", "result": "corrected",
                        "concluded_on": "2026-03-10", "note": "县人民政府 2026-1号"}, follow=True).content.decode()
    review.refresh_from_db()
    assert (review.result, review.concluded_on) == ("corrected", dt.date(2026, 3, 10))
    assert "计入2026年度报告表四「行政复议」中的「结果纠正」和「总计」" in page
    table = report_selectors.table4(county.dept_a, 2026)
    assert table["reconsideration"]["corrected"] == 1 and table["reconsideration"]["pending"] == 0
    events = AuditEvent.objects.filter(event_type="request.review_recorded").order_by("seq")
    assert [e.data["result"] for e in events] == ["pending", "corrected"]
    assert events[0].data["previous"] is None and events[1].data["previous"]["result"] == "pending"

    page = client.post(reverse("requests_admin:review_add", args=[case.pk]),
                       {"kind": "litigation_after_reconsideration", "filed_on": "2026-03-10"},
                       follow=True).content.decode()
    assert "「复议后起诉」中的「尚未审结」" in page
    assert report_selectors.table4(county.dept_a, 2026)["litigation_after_reconsideration"]["total"] == 1


@pytest.mark.parametrize(("post", "message"), [
    ({"kind": "", "filed_on": "2026-03-08"}, "请选择复议或诉讼类型"),
    ({"kind": "reconsideration", "filed_on": ""}, "请填写提起日期"),
    ({"kind": "reconsideration", "filed_on": "2026-03-20"}, "提起日期不能晚于今天"),
    ({"kind": "reconsideration", "filed_on": "2026-03-08", "concluded_on": "2026-03-09"}, "已审结的，请选择结果"),
    ({"kind": "reconsideration", "filed_on": "2026-03-08", "result": "upheld", "concluded_on": "2026-03-07"},
     "审结日期不能早于提起日期"),
    ({"kind": "reconsideration", "filed_on": "08/03/2026"}, "日期格式"),
])
def test_bad_review_input_gets_a_chinese_message(client, make_case, handler_a, post, message):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    page = client.post(reverse("requests_admin:review_add", args=[case.pk]), post, follow=True)
    assert page.status_code == 200 and message in page.content.decode()
    assert not Review.objects.exists()


def test_review_permissions(client, make_case, handler_a, handler_b, leader_a):
    case = make_case("2026-03-02")
    other = make_case("2026-03-03")
    review = record_review(handler_a, case, kind="litigation_direct", filed_on="2026-03-09")
    add = reverse("requests_admin:review_add", args=[case.pk])
    update = reverse("requests_admin:review_update", args=[case.pk, review.pk])
    done = {"kind": "litigation_direct", "filed_on": "2026-03-09", "result": "upheld", "concluded_on": "2026-03-10"}
    client.force_login(leader_a)  # sees the case and where the review counts, records nothing
    html = detail(client, case)
    assert "年报表四：计入2026年度报告表四「未经复议直接起诉」中的「尚未审结」" in html
    assert f'action="/admin/requests/{case.pk}/reviews/' not in html
    for url in (add, update):  # Wagtail answers an admin PermissionDenied by sending them to the dashboard
        response = client.post(url, done)
        assert (response.status_code, response.url) == (302, "/admin/")
    client.force_login(handler_b)  # another body's handler: the case does not exist for them
    assert client.post(add, done).status_code == 404 and client.post(update, done).status_code == 404
    client.force_login(handler_a)  # a review of another case is not this case's
    assert client.post(reverse("requests_admin:review_update", args=[other.pk, review.pk]), done).status_code == 404
    with pytest.raises(ServiceError):
        record_review(handler_a, other, review=review, **{**done, "result": "upheld"})
    review.refresh_from_db()
    assert review.result == "pending" and Review.objects.count() == 1


def test_review_explanation_is_the_reports_cell(make_case, handler_a):
    case = make_case("2026-03-02")
    review = record_review(handler_a, case, kind="litigation_direct", filed_on="2026-03-09", result="upheld",
                           concluded_on="2026-03-10")
    assert review.table4_explanation == explain_review(ReviewFact("litigation_direct", dt.date(2026, 3, 9), "upheld",
                                                                  dt.date(2026, 3, 10)))


# --- The query code: on the receipt letter, and mailed -------------------------------------------


def test_receipt_letter_prints_the_query_code(make_case, handler_a):
    case = make_case("2026-03-02")
    letter = generate_letter(handler_a, case, "receipt")
    with letter.file.open("rb") as fh:
        lines = [p.text for p in Document(io.BytesIO(fh.read())).paragraphs]
    assert f"查询码：{case.query_code}" in lines


def test_registration_mails_the_query_code(make_case, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case("2026-03-02")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [APPLICANT["email"]] and case.query_code in mail.subject and case.query_code in mail.body
    assert "张三：" in mail.body and "2026年3月2日" in mail.body and "查询办理进度" in mail.body
    event = AuditEvent.objects.get(event_type="request.query_code_mailed")
    assert event.object_label == case.number and APPLICANT["email"] not in str(event.data)
    assert case.query_code not in str(event.data)


def test_no_mail_without_an_email_address(make_case, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_case("2026-03-02", applicant={**APPLICANT, "email": ""})
    assert mailoutbox == [] and not AuditEvent.objects.filter(event_type="request.query_code_mailed").exists()


def test_no_mail_when_registration_fails(make_case, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        make_case("2026-03-02", subject="")
    assert mailoutbox == []


def test_online_application_mails_the_query_code(county, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_online(body=county.dept_a, applicant_type="natural_person", subject="某村2025年低保名单",
                             preferred_form="electronic", delivery_method="email",
                             applicant={**APPLICANT, "email": "li@example.com"})
    assert [m.to for m in mailoutbox] == [["li@example.com"]] and case.query_code in mailoutbox[0].body
    assert AuditEvent.objects.get(event_type="request.query_code_mailed").actor_label

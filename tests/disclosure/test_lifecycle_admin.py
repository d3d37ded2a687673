"""A published record's later life in the admin: 撤回, 失效, 废止 and back to 有效 — confirmation
screens calling withdraw_record / set_validity, allowed by can_withdraw_record (the body's leader,
the county office). Records the user cannot see are 404; for those they see but may not act on, the
view raises PermissionDenied, which the Wagtail admin answers as everywhere else: a redirect to the
dashboard with "没有权限" (403 for XHR)."""

import datetime as dt

import pytest
from django.urls import reverse

from gongkai import search
from gongkai.core.models import AuditEvent, Role
from gongkai.disclosure.models import Record
from gongkai.portal.models import ProactiveIndexPage
from gongkai.portal.setup import ensure_county_site
from tests.conftest import PASSWORD
from tests.disclosure.test_review_flow import events, review_and_approve

NS = "wagtailsnippets_disclosure_record"
ACTIONS = {
    "withdraw": lambda pk: reverse(f"{NS}:withdraw", args=[pk]),
    "expired": lambda pk: reverse(f"{NS}:validity", args=[pk, "expired"]),
    "repealed": lambda pk: reverse(f"{NS}:validity", args=[pk, "repealed"]),
    "valid": lambda pk: reverse(f"{NS}:validity", args=[pk, "valid"]),
}
VALID_POST = {
    "withdraw": {"reason": "内容有误，撤回更正"},
    "expired": {"validity_date": "2026-06-30", "note": "有效期届满"},
    "repealed": {"validity_date": "2026-06-01", "note": "被青农发〔2026〕30号废止"},
    "valid": {"note": "误标，恢复有效"},
}


@pytest.fixture
def published(draft, staff):
    review_and_approve(draft, staff)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def column(county):
    ensure_county_site(county.county)
    return ProactiveIndexPage.objects.get()


OK, DENIED, HIDDEN, LOGIN = "ok", "denied", "hidden", "login"


@pytest.fixture
def cast(staff, county, make_user, superuser):
    """Who tries, and what they get: OK (may act), DENIED (sees the record, may not act), HIDDEN
    (does not see it: 404), LOGIN (no admin access: sent to the login page)."""
    return {
        "leader": (staff.leader, OK),
        "office_admin": (staff.office_admin, OK),
        "superuser": (superuser, OK),
        "officer": (staff.officer, DENIED),  # drafts, but withdrawal is the leader's (core/rules.py)
        "reviewer": (staff.reviewer, DENIED),
        "other_officer": (staff.other_officer, HIDDEN),
        "other_leader": (make_user(Role.APPROVING_LEADER, county.dept_b), HIDDEN),
        "no_role": (make_user(None, county.dept_a), LOGIN),
        "anonymous": (None, LOGIN),
    }


def check_refused(response, expected):
    if expected == HIDDEN:
        assert response.status_code == 404
    elif expected == DENIED:
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


def client_for(client, user):
    client.logout()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", ["leader", "office_admin", "superuser", "officer", "reviewer", "other_officer",
                                 "other_leader", "no_role", "anonymous"])
def test_role_by_action_matrix(client, published, cast, who, action):
    user, expected = cast[who]
    if action == "valid":  # 恢复有效 needs a record that is not 有效
        Record.objects.filter(pk=published.pk).update(validity="expired", validity_date=dt.date(2026, 5, 1))
    c = client_for(client, user)
    url = ACTIONS[action](published.pk)
    before_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = c.get(url)
    if expected == OK:
        assert response.status_code == 200, response.content.decode()[:2000]
    else:
        check_refused(response, expected)
    response = c.post(url, VALID_POST[action])
    record = Record.objects.get(pk=published.pk)
    if expected == OK:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == reverse(f"{NS}:edit", args=[published.pk])
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.event_type == ("record.withdrawn" if action == "withdraw" else "record.validity_changed")
        assert event.actor_id == user.pk and event.object_id == str(published.pk)
        if action == "withdraw":
            assert not record.live and event.data["reason"] == "内容有误，撤回更正"
        else:
            assert record.validity == action and event.data["new"]["validity"] == action
    else:
        check_refused(response, expected)
        # Nothing changed: the only new entries are the refusals themselves (signed-in users).
        new = AuditEvent.objects.filter(seq__gt=before_seq)
        assert set(new.values_list("event_type", flat=True)) <= {"security.permission_denied"}
        assert record.live and record.validity == ("expired" if action == "valid" else "valid")


def test_the_refusal_says_why_and_xhr_gets_403(client, published, staff):
    c = client_for(client, staff.officer)
    response = c.get(ACTIONS["withdraw"](published.pk), follow=True)
    assert "没有权限" in response.content.decode()
    assert c.get(ACTIONS["withdraw"](published.pk), headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


def test_buttons_appear_for_those_who_may_act(client, published, staff):
    listing = reverse(f"{NS}:list")
    edit = reverse(f"{NS}:edit", args=[published.pk])
    withdraw = ACTIONS["withdraw"](published.pk)
    repeal = ACTIONS["repealed"](published.pk)
    for user in (staff.leader, staff.office_admin):
        c = client_for(client, user)
        for page in (listing, edit):
            html = c.get(page).content.decode()
            assert withdraw in html and repeal in html and ACTIONS["expired"](published.pk) in html, page
            assert ACTIONS["valid"](published.pk) not in html  # already 有效
    c = client_for(client, staff.officer)
    for page in (listing, edit):
        html = c.get(page).content.decode()
        assert withdraw not in html and repeal not in html


def test_no_buttons_before_publication(client, draft, staff):
    c = client_for(client, staff.leader)
    html = c.get(reverse(f"{NS}:list")).content.decode()
    assert ACTIONS["withdraw"](draft.pk) not in html and ACTIONS["repealed"](draft.pk) not in html
    response = c.get(ACTIONS["repealed"](draft.pk))
    assert response.status_code == 200 and "该信息尚未发布" in response.content.decode()
    assert 'name="validity_date"' not in response.content.decode()
    response = c.post(ACTIONS["repealed"](draft.pk), VALID_POST["repealed"])
    assert response.status_code == 200 and "该信息尚未发布" in response.content.decode()
    assert Record.objects.get(pk=draft.pk).validity == "valid"


def test_confirmation_screen_says_what_will_happen(client, published, staff):
    c = client_for(client, staff.leader)
    html = c.get(ACTIONS["withdraw"](published.pk)).content.decode()
    assert published.title in html and published.index_number in html
    assert "公众将无法" in html and "确认撤回" in html and 'name="reason"' in html
    html = c.get(ACTIONS["repealed"](published.pk)).content.decode()
    assert "废止日期" in html and "确认标记为废止" in html and "仍在网站上公开" in html


def test_empty_reason_keeps_the_form(client, published, staff):
    c = client_for(client, staff.leader)
    response = c.post(ACTIONS["withdraw"](published.pk), {"reason": "   "})
    assert response.status_code == 200 and "请填写撤回原因" in response.content.decode()
    assert Record.objects.get(pk=published.pk).live
    assert "record.withdrawn" not in events(published)


@pytest.mark.parametrize(("data", "message"), [
    ({"validity_date": "", "note": "被青农发〔2026〕30号废止"}, "必须填写失效或废止日期"),
    ({"validity_date": "2026-02-30", "note": "被青农发〔2026〕30号废止"}, "请输入有效的日期"),
    ({"validity_date": "2026-02-01", "note": "被青农发〔2026〕30号废止"}, "不能早于成文日期"),
])
def test_bad_repeal_date_keeps_the_form(client, published, staff, data, message):
    Record.objects.filter(pk=published.pk).update(written_date=dt.date(2026, 2, 27))  # the public 成文日期
    c = client_for(client, staff.leader)
    response = c.post(ACTIONS["repealed"](published.pk), data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert "被青农发〔2026〕30号废止" in html  # the note typed is still there
    assert Record.objects.get(pk=published.pk).validity == "valid"
    assert "record.validity_changed" not in events(published)


def test_unknown_state_and_unknown_record_are_404(client, published, staff):
    c = client_for(client, staff.leader)
    assert c.get(reverse(f"{NS}:validity", args=[published.pk, "deleted"])).status_code == 404
    assert c.get(reverse(f"{NS}:withdraw", args=[published.pk + 999])).status_code == 404


def test_repeal_shows_the_banner_then_restore_removes_it(client, published, staff, column):
    c = client_for(client, staff.leader)
    assert c.post(ACTIONS["repealed"](published.pk), VALID_POST["repealed"]).status_code == 302
    client.logout()
    html = client.get(column.record_url(published)).content.decode()
    assert "本文件已废止" in html and "被青农发〔2026〕30号废止" in html
    assert published.title in client.get(column.body_records_url(published.body)).content.decode()  # still public
    c = client_for(client, staff.office_admin)
    assert c.post(ACTIONS["valid"](published.pk), VALID_POST["valid"]).status_code == 302
    client.logout()
    assert "本文件已废止" not in client.get(column.record_url(published)).content.decode()
    assert events(published)[-2:] == ["record.validity_changed", "record.validity_changed"]
    restore = AuditEvent.objects.filter(event_type="record.validity_changed").order_by("-seq").first()
    assert restore.data["old"]["validity"] == "repealed" and restore.data["new"] == {"validity": "valid", "date": None}


def test_withdrawal_removes_it_from_list_search_and_feeds(client, published, staff, column, county):
    record_url, body_url = column.record_url(published), column.body_records_url(county.dept_a)
    assert published.title in client.get(body_url).content.decode()
    assert published.title in client.get(column.url + "rss/").content.decode()
    assert search.search("耕地地力保护补贴").total == 1
    c = client_for(client, staff.leader)
    assert c.post(ACTIONS["withdraw"](published.pk), VALID_POST["withdraw"]).status_code == 302
    client.logout()
    assert client.get(record_url).status_code == 404
    assert published.title not in client.get(body_url).content.decode()
    assert published.title not in client.get(column.url + "rss/").content.decode()
    assert search.search("耕地地力保护补贴").total == 0
    c = client_for(client, staff.leader)  # once withdrawn, nothing left to withdraw
    html = c.get(ACTIONS["withdraw"](published.pk)).content.decode()
    assert "该信息当前未公开，无需撤回" in html and 'name="reason"' not in html
    assert ACTIONS["withdraw"](published.pk) not in c.get(reverse(f"{NS}:list")).content.decode()

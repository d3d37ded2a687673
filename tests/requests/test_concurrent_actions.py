"""Issue 13 §4: two handlers acting on the same case screen: the second post gets
"该信息已被他人修改，请刷新后再改" and changes nothing; a repeated click never 500s nor duplicates."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import STALE_EDIT_MESSAGE, StaleEdit
from gongkai.requests.models import Case, CaseEvent
from gongkai.requests.services.cases import transition


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def _open_case(user, case) -> tuple[Client, str]:
    browser = Client()
    browser.force_login(user)
    html = browser.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    versions = set(re.findall(r'name="version" value="(\d+)"', html))
    assert len(versions) == 1, "every form of the case screen carries the case's version"
    return browser, versions.pop()


def test_second_of_two_concurrent_decisions_is_refused(make_case, handler_a, county, make_user):
    case = make_case("2026-03-02")
    colleague = make_user(Role.REQUEST_HANDLER, county.dept_a)
    first, version = _open_case(handler_a, case)
    second, same = _open_case(colleague, case)
    url = reverse("requests_admin:action", args=[case.pk, "decide"])

    first.post(url, {"on": "2026-03-09", "disposition": "disclosed", "version": version})
    page = second.post(url, {"on": "2026-03-09", "disposition": "partial", "version": same}, follow=True)
    assert page.status_code == 200
    assert STALE_EDIT_MESSAGE in page.content.decode()

    case = Case.objects.get()
    assert case.state == "decided" and case.disposition == "disclosed"
    assert CaseEvent.objects.filter(case=case, action="decide").count() == 1
    assert AuditEvent.objects.filter(event_type="request.transitioned").count() == 1


def test_double_click_of_one_action_registers_it_once(make_case, handler_a):
    case = make_case("2026-03-02")
    browser, version = _open_case(handler_a, case)
    url = reverse("requests_admin:action", args=[case.pk, "request_correction"])
    data = {"on": "2026-03-09", "period_end": "2026-03-20", "version": version}
    assert browser.post(url, data).status_code == 302
    again = browser.post(url, data, follow=True)
    assert again.status_code == 200 and STALE_EDIT_MESSAGE in again.content.decode()
    assert CaseEvent.objects.filter(action="request_correction").count() == 1
    # Without a version (an old screen), the repeat is refused by the transition table instead.
    again = browser.post(url, {"on": "2026-03-09", "period_end": "2026-03-20"}, follow=True)
    assert again.status_code == 200 and CaseEvent.objects.filter(action="request_correction").count() == 1


def test_publication_form_carries_the_version(make_case, handler_a):
    case = make_case("2026-03-02")
    transition(handler_a, case, "decide", disposition="disclosed")
    browser, version = _open_case(handler_a, case)
    url = reverse("requests_admin:publication", args=[case.pk])
    assert browser.post(url, {"publish": "1", "public_title": "补贴名单", "version": version}).status_code == 302
    stale = browser.post(url, {"publish": "0", "version": version}, follow=True)
    assert STALE_EDIT_MESSAGE in stale.content.decode()
    assert Case.objects.get().published_at is not None


def test_service_compare_and_set(make_case, handler_a):
    case = make_case("2026-03-02")
    version = Case.objects.get().version
    transition(handler_a, case, "request_correction", period_end="2026-03-20", expected_version=version)
    with pytest.raises(StaleEdit):
        transition(handler_a, case, "decide", disposition="disclosed", expected_version=version)
    assert Case.objects.get().state != "decided"
    assert Case.objects.get().version == version + 1

"""答复选登 behind the privacy gate: an answer whose title or summary holds an unmasked ID number or
mobile is not published; the case screen names each finding masked, with where, keeps what the
officer typed, and offers 一键遮盖并公开, which publishes the masked text."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.portal.setup import ensure_county_site
from gongkai.requests.models import Case
from gongkai.requests.services.cases import transition
from gongkai.requests.services.publication import set_publication
from gongkai.requests.setup import ensure_request_page
from tests.privacy.corpus import gb11643_check

ANSWERS = "/xxgk/ysqgk/answers/"
ID_NUMBER = "11010119900307123" + gb11643_check("11010119900307123")  # a valid GB 11643 number
ID_MASKED = ID_NUMBER[:6] + "*" * 8 + ID_NUMBER[14:]
MOBILE, MOBILE_MASKED = "13812345678", "138****5678"
TITLE = "关于耕地地力保护补贴发放名单的答复"
SUMMARY = f"经核查，申请人（身份证号{ID_NUMBER}，手机{MOBILE}）所申请的补贴名单已予以公开。"


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


@pytest.fixture
def answered(county, make_case, handler_a):
    ensure_request_page(ensure_county_site(county.county))
    case = make_case("2026-03-02")
    transition(handler_a, case, "decide", disposition="disclosed")
    return case


def test_service_refuses_unmasked_personal_data_and_masks_on_request(answered, handler_a, handler_b):
    with pytest.raises(ServiceError) as refused:
        set_publication(handler_a, answered, publish=True, title=TITLE, summary=SUMMARY)
    messages = refused.value.messages
    assert "未公开" in messages[0]
    assert any("答复摘要" in m and ID_MASKED in m for m in messages)
    assert any("答复摘要" in m and MOBILE_MASKED in m for m in messages)
    assert not any(ID_NUMBER in m or MOBILE in m for m in messages)
    case = Case.objects.get()
    assert case.published_at is None and ID_NUMBER not in case.public_summary
    assert not AuditEvent.objects.filter(event_type="request.publication_changed").exists()
    # Masking is no way round the permission check.
    with pytest.raises(PermissionDenied):
        set_publication(handler_b, answered, publish=True, title=TITLE, summary=SUMMARY, mask=True)

    case = set_publication(handler_a, answered, publish=True, title=TITLE, summary=SUMMARY, mask=True)
    case.refresh_from_db()
    assert case.published_at and case.public_title == TITLE
    assert ID_MASKED in case.public_summary and MOBILE_MASKED in case.public_summary
    assert ID_NUMBER not in case.public_summary and MOBILE not in case.public_summary
    event = AuditEvent.objects.get(event_type="request.publication_changed")
    assert event.data["masked"] is True and ID_NUMBER not in str(event.data)


def test_title_is_checked_too(answered, handler_a):
    with pytest.raises(ServiceError) as refused:
        set_publication(handler_a, answered, publish=True, title=f"{MOBILE}的申请", summary="已公开。")
    assert any(m.startswith("公开标题") and MOBILE_MASKED in m for m in refused.value.messages)
    assert Case.objects.get().published_at is None


def test_case_screen_lists_findings_keeps_the_draft_and_masks_in_one_click(client, answered, handler_a):
    client.force_login(handler_a)
    url = reverse("requests_admin:publication", args=[answered.pk])
    detail = reverse("requests_admin:detail", args=[answered.pk])
    response = client.post(url, {"publish": "1", "public_title": TITLE, "public_summary": SUMMARY}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == detail
    assert Case.objects.get().published_at is None
    assert TITLE not in client.get(ANSWERS).content.decode()

    # What was found and where, masked; never the full numbers anywhere on the page.
    assert "隐私检查发现未遮盖的个人信息或涉密标识" in html
    assert 'role="alert"' in html and "隐私检查未通过，未公开" in html
    findings = html[html.index('id="pub-findings-title"'):]
    findings = findings[:findings.index("</ul>")]
    assert findings.count("<li>") == 2
    assert "答复摘要" in findings and ID_MASKED in findings and MOBILE_MASKED in findings
    assert ID_NUMBER not in html and MOBILE not in html
    # What the officer typed is kept: the title as typed, the summary with only the numbers masked.
    assert f'value="{TITLE}"' in html
    kept = SUMMARY.replace(ID_NUMBER, ID_MASKED).replace(MOBILE, MOBILE_MASKED)
    assert f">{kept}</textarea>" in html
    assert "一键遮盖并公开" in html and 'name="mask" value="1"' in html
    assert html.index("</section>", html.index('id="publication-title"')) < html.index('id="letters-title"')
    # ...also when the officer comes back to the case screen; and the session never holds the number.
    again = client.get(detail).content.decode()
    assert f">{kept}</textarea>" in again and ID_MASKED in again and ID_NUMBER not in again
    assert ID_NUMBER not in str(dict(client.session))

    # 一键遮盖并公开: the same title and summary, masked by the service, then published.
    response = client.post(url, {"mask": "1", "public_title": TITLE, "public_summary": SUMMARY}, follow=True)
    html = response.content.decode()
    assert "已遮盖个人信息并公开到答复选登" in html and "隐私检查未通过" not in html
    case = Case.objects.get()
    assert case.published_at and case.public_summary == kept
    public = client.get(ANSWERS).content.decode()
    assert TITLE in public and ID_MASKED in public and MOBILE_MASKED in public
    assert ID_NUMBER not in public and MOBILE not in public
    # The draft is gone once published: the form shows what is published.
    assert "一键遮盖并公开" not in client.get(detail).content.decode()


def test_other_refusals_keep_the_draft_without_findings(client, answered, handler_a):
    client.force_login(handler_a)
    url = reverse("requests_admin:publication", args=[answered.pk])
    html = client.post(url, {"publish": "1", "public_title": "", "public_summary": "已公开项目资金表。"},
                       follow=True).content.decode()
    assert "请填写公开标题" in html and ">已公开项目资金表。</textarea>" in html
    assert "隐私检查未通过" not in html and "一键遮盖并公开" not in html
    client.post(url, {"publish": "1", "public_title": "补贴名单", "public_summary": "已公开项目资金表。"})
    assert Case.objects.get().published_at

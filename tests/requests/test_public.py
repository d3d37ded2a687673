"""依申请公开 on the county site: the online form, its receipt, the status lookup (rate-limited,
revealing nothing), the reading room; anonymous visitors never see applicant data."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.portal.setup import ensure_county_site
from gongkai.requests import public
from gongkai.requests.models import Applicant, Case
from gongkai.requests.services.cases import transition
from gongkai.requests.services.publication import set_publication
from gongkai.requests.setup import ensure_request_page

BASE = "/xxgk/ysqgk/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


@pytest.fixture
def site(county):
    home = ensure_county_site(county.county)
    page = ensure_request_page(home)
    assert ensure_request_page(home).pk == page.pk  # idempotent
    return page


def form_data(county, **changes):
    data = {
        "applicant_kind": "natural", "org_type": "", "name": "李四", "id_type": "resident_id",
        "id_number": "360702198805056789", "phone": "13912345678", "email": "lisi@example.com",
        "address": "测试县城关镇2号", "postcode": "341900", "body": county.dept_a.code,
        "subject": "2025年农村公路建设项目资金安排", "description": "青农发〔2025〕3号",
        "preferred_form": "electronic", "delivery_method": "email", "nonce": "n-1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def query_code(html: str) -> str:
    return re.search(r"<strong>(\d{4}-[0-9A-Z]{8})</strong>", html).group(1)


def test_column_is_listed_under_disclosure_and_pages_render(client, site):
    assert f'href="{BASE}"' in client.get("/xxgk/").content.decode()
    for path in ("", "apply/", "status/", "answers/"):
        response = client.get(BASE + path)
        assert response.status_code == 200, path
        assert '<html lang="zh-CN">' in response.content.decode()
    form = client.get(BASE + "apply/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in form and 'enctype="multipart/form-data"' in form
    assert "<legend>申请人信息</legend>" in form and "<legend>获取信息的载体形式" in form
    assert 'aria-describedby="id_description_helptext"' in form
    assert "测试县农业农村局" in form and "甲村" not in form  # villages are not disclosure bodies


def test_submit_gives_receipt_with_query_code_once(client, county, site):
    upload = SimpleUploadedFile("id.png", PNG, content_type="image/png")
    response = client.post(BASE + "apply/", {**form_data(county), "id_document": upload})
    html = response.content.decode()
    assert response.status_code == 200, html
    case = Case.objects.get()
    assert query_code(html) == case.query_code and "只在本页显示一次" in html
    assert "no-store" in response["Cache-Control"]
    assert case.channel == "online" and str(case.received_on) == "2026-03-10" and case.due_on
    assert case.applicant.name == "李四" and case.applicant.id_document.name.endswith(".png")
    assert AuditEvent.objects.filter(event_type="request.registered").count() == 1
    # A resubmission of the same form (refresh, double click) is not registered again: the
    # browser shows the second response, so it is the same receipt (issue 13 §4).
    again = client.post(BASE + "apply/", form_data(county)).content.decode()
    assert case.query_code in again and Case.objects.count() == 1
    assert Case.objects.count() == 1


def test_organisation_applicant(client, county, site):
    data = form_data(county, applicant_kind="organisation", org_type="legal_service", organisation="测试律师事务所",
                     credit_code="", nonce="n-2")
    assert client.post(BASE + "apply/", data).status_code == 200
    case = Case.objects.get()
    assert case.applicant_type == "legal_service" and case.applicant.organisation == "测试律师事务所"
    missing = client.post(BASE + "apply/", form_data(county, applicant_kind="organisation", nonce="n-3"))
    assert missing.status_code == 400 and "请选择组织类型" in missing.content.decode()


def test_invalid_input_keeps_data_and_names_errors(client, county, site):
    response = client.post(BASE + "apply/", form_data(county, id_number="12345", subject="", email="bad"))
    html = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "请填写所需政府信息的名称、文号或者描述" in html
    assert 'value="李四"' in html and 'value="13912345678"' in html and "青农发〔2025〕3号" in html
    assert 'aria-describedby="id_subject_error"' in html and 'id="id_subject_error"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    # Errors found by the service come back beside their fields too.
    response = client.post(BASE + "apply/", form_data(county, id_number="12345", email="bad"))
    html = response.content.decode()
    assert "居民身份证号码应为18位" in html and "电子邮箱格式不正确" in html
    assert 'aria-describedby="id_id_number_error"' in html and not Case.objects.exists()


def test_script_in_fields_is_escaped(client, county, site):
    script = "<script>alert(1)</script>"
    html = client.post(BASE + "apply/", form_data(county, subject=script, name=script, id_number="1")).content.decode()
    assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ok = client.post(BASE + "apply/", form_data(county, subject=script)).content.decode()
    assert script not in ok and "&lt;script&gt;" in ok and Case.objects.get().subject == script


@pytest.mark.parametrize("name, content, message", [
    ("id.png", b"MZ\x90\x00 not an image", "已损坏或与扩展名不符"),
    ("id.pdf", b"%PDF-1.4 truncated", "已损坏或与扩展名不符"),
    ("id.png", PDF, "已损坏或与扩展名不符"),
    ("id.exe", PNG, "PDF、JPG 或 PNG"),
    ("id.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024) + b"IEND\xaeB`\x82", "不能超过10MB"),
])
def test_bad_uploads_are_refused(client, county, site, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = client.post(BASE + "apply/", {**form_data(county), "id_document": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists() and not Applicant.objects.exists()


def test_csrf_is_required(county, site):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(BASE + "apply/", form_data(county)).status_code == 403
    assert not Case.objects.exists()


@pytest.fixture
def submitted(client, county, site):
    html = client.post(BASE + "apply/", form_data(county)).content.decode()
    return Case.objects.get(query_code=query_code(html))


def lookup(client, code, digits, ip="10.0.0.1"):
    return client.post(BASE + "status/", {"code": code, "digits": digits}, REMOTE_ADDR=ip)


def test_status_lookup_right_wrong_unknown(client, submitted, handler_a):
    for digits in ("6789", "5678"):  # last 4 of the ID number, or of the phone
        response = lookup(client, submitted.query_code.lower(), digits)
        html = response.content.decode()
        assert response.status_code == 200 and "已登记" in html and "收到申请" in html
        assert "2026年3月10日" in html and f"{submitted.due_on.year}年" in html
        for private in ("李四", "13912345678", "360702198805056789", "lisi@example.com", "城关镇2号"):
            assert private not in html
    transition(handler_a, submitted, "request_correction", period_end="2026-03-31", note="请补充李四的身份证明")
    html = lookup(client, submitted.query_code, "6789").content.decode()
    assert "待补正" in html and "发出补正通知" in html and "请补充" not in html
    wrong = lookup(client, submitted.query_code, "0000")
    unknown = lookup(client, "2026-ZZZZZZZZ", "6789")
    malformed = lookup(client, "nonsense", "6789")
    assert wrong.status_code == unknown.status_code == malformed.status_code == 200

    def strip(response):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        for code in (submitted.query_code, "2026-ZZZZZZZZ", "nonsense"):
            html = html.replace(code, "")
        return html

    assert strip(wrong) == strip(unknown) == strip(malformed)
    assert "没有找到与查询码和后4位号码相符的申请" in strip(wrong) and "待补正" not in strip(wrong)


def test_status_lookup_is_rate_limited_per_code_and_per_ip(client, submitted):
    for n in range(public.PER_CODE.limit):
        assert lookup(client, submitted.query_code, f"{n:04d}", ip=f"10.1.0.{n}").status_code == 200
    # The code is now locked, even with the right digits and from a fresh address.
    locked = lookup(client, submitted.query_code, "6789", ip="10.2.0.1")
    assert locked.status_code == 429 and "查询次数过多" in locked.content.decode()
    assert "已登记" not in locked.content.decode()
    for n in range(public.PER_ADDRESS.limit):
        lookup(client, f"2026-AAAAAA{n:02d}"[:13], "1111", ip="10.3.0.1")
    assert lookup(client, "2026-BBBBBBBB", "1111", ip="10.3.0.1").status_code == 429
    assert lookup(client, "2026-BBBBBBBB", "1111", ip="10.3.0.2").status_code == 200


def test_bad_lookup_input_is_a_form_error(client, site):
    response = client.post(BASE + "status/", {"code": "", "digits": "12"})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写查询码" in html and "请填写4位" in html


def test_reading_room_shows_only_published_anonymised_answers(client, submitted, handler_a, handler_b):
    from django.core.exceptions import PermissionDenied

    from gongkai.core.services import ServiceError

    with pytest.raises(ServiceError):  # not answered yet
        set_publication(handler_a, submitted, publish=True, title="农村公路建设资金安排")
    transition(handler_a, submitted, "decide", disposition="disclosed")
    with pytest.raises(PermissionDenied):
        set_publication(handler_b, submitted, publish=True, title="农村公路建设资金安排")
    assert "农村公路建设资金安排" not in client.get(BASE + "answers/").content.decode()
    set_publication(handler_a, submitted, publish=True, title="农村公路建设资金安排", summary="已公开项目资金表。")
    html = client.get(BASE + "answers/").content.decode()
    assert "农村公路建设资金安排" in html and "予以公开" in html and "已公开项目资金表。" in html
    assert "李四" not in html and submitted.query_code not in html and "13912345678" not in html
    set_publication(handler_a, submitted, publish=False)
    assert "农村公路建设资金安排" not in client.get(BASE + "answers/").content.decode()
    assert AuditEvent.objects.filter(event_type="request.publication_changed").count() == 2


def test_anonymous_never_sees_applicant_data(client, submitted):
    pages = [client.get(BASE + p).content.decode() for p in ("", "apply/", "status/", "answers/")]
    pages.append(client.get("/xxgk/").content.decode())
    for html in pages:
        for private in ("李四", "13912345678", "360702198805056789", submitted.query_code):
            assert private not in html
    from django.urls import reverse

    assert client.get(reverse("requests_admin:detail", args=[submitted.pk])).status_code in (302, 403)

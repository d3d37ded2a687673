"""The letters on the case screen (list, generate, download, mark sent, correct) and the office's
template screen; other bodies and leaders without applicant rights get nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from freezegun import freeze_time

from gongkai.requests.letter_layout import shipped_path
from gongkai.requests.models import Letter, LetterSeries, LetterTemplate
from gongkai.requests.services.cases import transition
from gongkai.rules.reply_letters import LetterKind


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Letter._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(LetterTemplate._meta.get_field("file"), "storage", storage)
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def test_case_screen_letters(client, make_case, handler_a):
    case = transition(handler_a, make_case("2026-03-02"), "decide", disposition="not_processed.repeat")
    client.force_login(handler_a)
    detail = reverse("requests_admin:detail", args=[case.pk])
    html = client.get(detail).content.decode()
    assert "生成登记回执" in html and "生成答复书（告知书）" in html and "生成补正告知书" not in html
    r = client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "reply", "reason": "2026年2月已答复。"})
    assert r.status_code == 302
    letter = Letter.objects.get()
    html = client.get(detail).content.decode()
    assert letter.doc_number in html and "未送达" in html
    download = client.get(reverse("requests_admin:letter_download", args=[case.pk, letter.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs)
    assert "第三十六条第（六）项" in text and "2026年2月已答复。" in text
    client.post(reverse("requests_admin:letter_sent", args=[case.pk, letter.pk]), {"on": "2026-03-10", "method": "邮寄"})
    letter.refresh_from_db()
    assert letter.sent_on.isoformat() == "2026-03-10" and letter.sent_method == "邮寄"
    # Regenerating is refused with a message on the screen; a correction is a new letter.
    r = client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "reply"}, follow=True)
    assert "不能重新生成" in r.content.decode() and Letter.objects.count() == 1
    client.post(reverse("requests_admin:letter_correct", args=[case.pk, letter.pk]), {"reason": "2026年1月已答复。"})
    fixed = Letter.objects.exclude(pk=letter.pk).get()
    assert fixed.corrects_id == letter.pk and fixed.inputs["reason"] == "2026年1月已答复。"


def test_letters_hidden_from_others(client, make_case, handler_a, handler_b, leader_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "receipt"})
    letter = Letter.objects.get()
    url = reverse("requests_admin:letter_download", args=[case.pk, letter.pk])
    client.force_login(handler_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "receipt"}).status_code == 404
    client.force_login(leader_a)  # sees the case, not the applicant, so not the letters either
    assert client.get(url).status_code == 404
    assert "letters-title" not in client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert Letter.objects.count() == 1


def test_template_screen(client, county, office_admin, handler_a):
    url = reverse("requests_admin:letter_templates")
    client.force_login(handler_a)
    refused = client.get(url)  # Wagtail turns PermissionDenied into a redirect to the dashboard
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    client.force_login(office_admin)
    html = client.get(url).content.decode()
    assert "系统内置" in html and "{{ doc_number }}" in html and county.dept_a.name in html
    shipped = client.get(reverse("requests_admin:letter_template_download", args=["fee"]))
    assert shipped.content == shipped_path(LetterKind.FEE).read_bytes()
    doc = Document(str(shipped_path(LetterKind.FEE)))
    doc.add_paragraph("开户行：测试县农商银行")
    out = io.BytesIO()
    doc.save(out)
    client.post(url, {"op": "upload", "kind": "fee", "county": county.county.pk,
                      "file": SimpleUploadedFile("fee.docx", out.getvalue())})
    assert LetterTemplate.objects.get(kind="fee", is_active=True).county == county.county
    assert "本县上传" in client.get(url).content.decode()
    r = client.post(url, {"op": "upload", "kind": "fee", "county": county.county.pk,
                          "file": SimpleUploadedFile("fee.docx", b"PK\x03\x04broken")}, follow=True)
    assert "Word" in r.content.decode() or "无法读取" in r.content.decode()
    client.post(url, {"op": "prefix", "body": county.dept_a.pk, "county": county.county.pk, "prefix": "测农公开"})
    assert LetterSeries.objects.get(body=county.dept_a).prefix == "测农公开"
    client.post(url, {"op": "revert", "kind": "fee", "county": county.county.pk})
    assert not LetterTemplate.objects.filter(is_active=True).exists()

"""Officers draft records in the admin; saves go through save_draft (attachments checked and
their text extracted), and the admin offers no direct publication."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.disclosure.models import Record
from tests.conftest import PASSWORD

CONTENT = json.dumps({"blocks": [{"key": "a1", "type": "unstyled", "text": "各乡镇：现将补贴资金下达如下。", "depth": 0,
                                  "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})


def docx_bytes(text):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "张三"
    table.cell(0, 1).text = "1200.00"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def form_data(county, **overrides):
    data = {
        "body": county.dept_a.pk, "title": "2026年耕地地力保护补贴发放情况", "doc_number": "青农发〔2026〕15号",
        "index_number": "", "written_date": "2026-03-01", "formed_date": "2026-03-02", "topic": "agriculture",
        "doc_type": "other_document", "keywords": "补贴", "summary": "发放情况", "content": CONTENT,
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0", "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_attachment(data, name, content):
    data.update({"attachments-TOTAL_FORMS": "1", "attachments-0-title": "发放明细", "attachments-0-id": "",
                 "attachments-0-ORDER": "1", "attachments-0-DELETE": "",
                 "attachments-0-file": SimpleUploadedFile(name, content)})
    return data


@pytest.fixture
def officer_client(client, staff):
    assert client.login(username=staff.officer.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_officer_drafts_a_record_with_an_attachment(officer_client, county):
    data = with_attachment(form_data(county), "明细.docx", docx_bytes("耕地地力保护补贴发放明细"))
    response = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Record.objects.get()
    assert not record.live and record.doc_number == "青农发〔2026〕15号"
    attachment = record.attachments.get()
    assert "耕地地力保护补贴发放明细" in attachment.extracted_text and "张三" in attachment.extracted_text
    assert attachment.extraction_status == "ok" and len(attachment.sha256) == 64
    assert AuditEvent.objects.filter(event_type="record.created", object_id=str(record.pk)).exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("明细.docx", b"this is not a word file", "不符"),
    ("明细.docx", b"PK\x03\x04broken zip", "损坏"),
    ("病毒.exe", b"MZ\x90\x00", "不支持"),
])
def test_bad_attachments_keep_the_form_and_write_nothing(officer_client, county, name, content, message):
    data = with_attachment(form_data(county), name, content)
    response = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "2026年耕地地力保护补贴发放情况" in html  # the officer's input is still there
    assert not Record.objects.exists()


def test_malformed_doc_number_and_script_title(officer_client, county):
    data = form_data(county, doc_number="青农发〔2026〕第15号", title="<script>alert(1)</script>")
    response = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "序号前不加" in html
    assert "<script>alert(1)</script>" not in html
    assert not Record.objects.exists()


def test_oversized_attachment(officer_client, county, settings):
    settings.GONGKAI_MAX_ATTACHMENT_MB = 1
    data = with_attachment(form_data(county), "大文件.txt", b"a" * (1024 * 1024 + 1))
    response = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data)
    assert response.status_code == 200 and "超过 1 MB" in response.content.decode()
    assert not Record.objects.exists()


def test_no_direct_publish_and_other_bodies_hidden(officer_client, county, draft, staff, client):
    edit = officer_client.get(reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])).content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit
    client.logout()
    assert client.login(username=staff.other_officer.username, password=PASSWORD)
    assert client.get(reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])).status_code in (403, 404)
    assert draft.title not in client.get(reverse("wagtailsnippets_disclosure_record:list")).content.decode()


def test_review_and_approval_through_the_admin(client, county, draft, staff):
    from gongkai.disclosure.models import ConfidentialityReview

    assert client.login(username=staff.officer.username, password=PASSWORD)
    edit_url = reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])
    data = form_data(county, title=draft.title, doc_number=draft.doc_number, **{"action-submit": "1"})
    assert client.post(edit_url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.workflow_in_progress

    client.logout()
    assert client.login(username=staff.reviewer.username, password=PASSWORD)
    state = draft.current_workflow_task_state
    action_url = reverse("wagtailsnippets_disclosure_record:workflow_action", args=[draft.pk, "passed", state.pk])
    assert client.post(action_url, {"basis": "no_secret", "comment": "不涉密"}).status_code == 302
    review = ConfidentialityReview.objects.get(record=draft)
    assert review.outcome == "passed" and review.comment == "不涉密"

    client.logout()
    assert client.login(username=staff.leader.username, password=PASSWORD)
    draft.refresh_from_db()
    state = draft.current_workflow_task_state
    action_url = reverse("wagtailsnippets_disclosure_record:workflow_action", args=[draft.pk, "approve", state.pk])
    assert client.post(action_url, {"comment": "同意"}).status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.index_number


def test_other_bodies_cannot_read_a_record_through_wagtails_other_views(client, draft, staff):
    """Inspect, history, usage, revisions, workflow history: a draft stays the body's business."""
    from gongkai.disclosure.services.records import update_record

    update_record(staff.officer, draft, title="关于下达2026年耕地地力保护补贴资金的通知（修改稿）")
    first, latest = draft.revisions.order_by("pk")
    ns = "wagtailsnippets_disclosure_record"
    urls = [reverse(f"{ns}:inspect", args=[draft.pk]), reverse(f"{ns}:history", args=[draft.pk]),
            reverse(f"{ns}:history_results", args=[draft.pk]), reverse(f"{ns}:usage", args=[draft.pk]),
            reverse(f"{ns}:workflow_history", args=[draft.pk]),
            reverse(f"{ns}:revisions_compare", args=[draft.pk, first.pk, latest.pk])]
    assert client.login(username=staff.other_officer.username, password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 404, url
    chooser = client.get(reverse("wagtailsnippetchoosers_disclosure_record:choose")).content.decode()
    assert "耕地地力保护补贴" not in chooser
    client.logout()
    assert client.login(username=staff.officer.username, password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 200, url


def script_pdf() -> bytes:
    from tests.privacy.test_attachments import pdf

    return pdf(b"/OpenAction << /S /JavaScript /JS (app.launchURL('http://example.com')) >> ")


def test_pdf_with_a_script_is_refused_beside_its_file_field(officer_client, county, tmp_path):
    data = with_attachment(form_data(county), "通知.pdf", script_pdf())
    response = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    errors = html.split('-child-file-errors"', 1)[1].split("</div>", 1)[0]  # the file field's error box
    assert "附件“通知.pdf”：PDF 文件含有 JavaScript 脚本（/OpenAction /JavaScript）" in errors
    assert "另存为不含脚本的 PDF 后重新上传" in errors
    assert "附件未通过检查" in html and "2026年耕地地力保护补贴发放情况" in html
    assert not Record.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no file stored either


def test_one_refused_attachment_stores_none_of_them(county, staff, tmp_path):
    import datetime as dt

    from gongkai.disclosure.models import RecordAttachment
    from gongkai.disclosure.services.records import AttachmentRejected, save_draft

    record = Record(body=county.dept_a, title="补贴发放公示", formed_date=dt.date(2026, 3, 2), content="<p>见附件</p>")
    record.attachments = [
        RecordAttachment(title="说明", file=SimpleUploadedFile("说明.docx", docx_bytes("发放说明"))),
        RecordAttachment(title="通知", file=SimpleUploadedFile("通知.pdf", script_pdf())),
    ]
    with pytest.raises(AttachmentRejected) as refused:
        save_draft(staff.officer, record, creating=True)
    assert [a.title for a, _message in refused.value.refused] == ["通知"]
    assert "JavaScript" in refused.value.messages[0]
    assert not Record.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_workbook_over_the_unpacked_limit_is_refused_on_upload(officer_client, county):
    from gongkai.privacy import ooxml
    from tests.privacy.test_attachments import big_workbook

    ooxml.set_max_unpacked_bytes(1024 * 1024)
    try:
        data = with_attachment(form_data(county), "名单.xlsx", big_workbook(1.5))
        html = officer_client.post(reverse("wagtailsnippets_disclosure_record:add"), data).content.decode()
    finally:
        ooxml.set_max_unpacked_bytes(ooxml.DEFAULT_MAX_UNPACKED_BYTES)
    assert "超过解压后大小上限 1 MB" in html
    assert not Record.objects.exists()


def test_the_unpacked_limit_comes_from_the_settings(settings):
    from gongkai.privacy import ooxml

    assert ooxml.max_unpacked_bytes() == settings.GONGKAI_MAX_UNPACKED_MB * 1024 * 1024 == 100 * 1024 * 1024


def test_the_record_chooser_lists_and_returns_only_visible_records(client, draft, staff, county, make_user):
    """Issue 13 §7: the Wagtail record chooser (list, search results, chosen) is scoped like the
    record list: a village clerk or another body's officer reads no draft title through it."""
    from gongkai.core.models import Role

    clerk = make_user(Role.VILLAGE_CLERK, county.village_a)
    ns = "wagtailsnippetchoosers_disclosure_record"

    def shown(url: str) -> str:  # the modal answers JSON (escaped); results are HTML
        import json

        response = client.get(url)
        return json.dumps(response.json(), ensure_ascii=False) if response["Content-Type"].startswith(
            "application/json") else response.content.decode()

    for user in (clerk, staff.other_officer):
        client.force_login(user)
        for url in (reverse(f"{ns}:choose"), reverse(f"{ns}:choose_results") + "?q=补贴"):
            assert draft.title not in shown(url), (user, url)
        assert client.get(reverse(f"{ns}:chosen", args=[draft.pk])).status_code == 404
        assert draft.title not in shown(reverse(f"{ns}:chosen_multiple") + f"?id={draft.pk}")
    client.force_login(staff.officer)
    assert draft.title in shown(reverse(f"{ns}:choose"))
    assert draft.title in shown(reverse(f"{ns}:chosen", args=[draft.pk]))

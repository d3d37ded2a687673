"""Letters of 依申请公开 cases: every disposition's reply with its article, read back from the DOCX;
numbering; a sent letter is never regenerated; corrections; the office's templates; permissions."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.requests.letter_layout import SANS, SERIF, shipped_path
from gongkai.requests.models import Letter, LetterTemplate
from gongkai.requests.services.cases import transition
from gongkai.requests.services.jobs import tick
from gongkai.requests.services.letters import (
    correct_letter,
    generate_letter,
    mark_sent,
    revert_template,
    set_letter_prefix,
    upload_template,
)
from gongkai.rules.dispositions import Disposition

T = "《中华人民共和国政府信息公开条例》"


@pytest.fixture(autouse=True)
def _private_files(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Letter._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(LetterTemplate._meta.get_field("file"), "storage", storage)


def docx_text(letter: Letter) -> str:
    with letter.file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    return "\n".join(p.text for p in doc.paragraphs)


# The article each disposition's letter must cite, written out here (not read from the code under test).
ARTICLES = {
    "disclosed": ["第三十六条第（二）项"],
    "partial": ["第三十七条", "第三十六条第（三）项"],
    "withheld.state_secret": ["第十四条"],
    "withheld.law_prohibited": ["第十四条"],
    "withheld.three_security_one_stability": ["第十四条"],
    "withheld.third_party_rights": ["第十五条"],
    "withheld.internal_affairs": ["第十六条第一款"],
    "withheld.process_info": ["第十六条第二款"],
    "withheld.enforcement_file": ["第十六条第二款"],
    "withheld.administrative_query": ["第三十六条第（七）项"],
    "unavailable.not_held": ["第三十六条第（四）项"],
    "unavailable.needs_creation": ["第三十八条"],
    "unavailable.unclear_after_correction": ["第三十条"],
    "not_processed.petition_complaint": ["第三十九条第一款"],
    "not_processed.repeat": ["第三十六条第（六）项"],
    "not_processed.publication": ["第三十九条第二款"],
    "not_processed.excessive": ["第三十五条"],
    "not_processed.confirm_or_reissue": [],
    "other.no_correction": ["第三十条"],
    "other.no_fee_payment": ["第四十二条", "国办函〔2020〕109号"],
    "other.other": [],
}


def reach(code: str, make_case, handler):
    """Bring a case to ``code`` through the services (lapses through the tick job)."""
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        if code == "unavailable.unclear_after_correction":
            transition(handler, case, "request_correction", period_end="2026-03-20")
            with freeze_time("2026-03-05 10:00:00+08:00"):
                transition(handler, case, "receive_correction")
                return transition(handler, case, "decide", disposition=code)
        if code == "other.other":
            return transition(handler, case, "withdraw", note="申请人书面撤回")
        if code == "other.no_correction":
            transition(handler, case, "request_correction", period_end="2026-03-10")
        elif code == "other.no_fee_payment":
            transition(handler, case, "notify_fee", mode="per_item", units=12, notice_received_on="2026-03-02")
        else:
            return transition(handler, case, "decide", disposition=code)
    with freeze_time("2026-04-20 10:00:00+08:00"):
        assert tick().lapsed == [case.number]
    case.refresh_from_db()
    return case


def test_every_disposition_is_tested():
    assert set(ARTICLES) == {d.value for d in Disposition}


@pytest.mark.parametrize("code", list(ARTICLES))
def test_reply_letter_per_disposition(code, make_case, handler_a):
    case = reach(code, make_case, handler_a)
    assert case.disposition == code
    with freeze_time("2026-04-21 10:00:00+08:00"):
        letter = generate_letter(handler_a, case, "reply", inputs={"reason": "所申请信息含有第三方个人信息。"})
    text = docx_text(letter)
    kind = "答复书" if Disposition(code).group.value in ("disclosed", "partial", "withheld") and \
        code != "withheld.administrative_query" else "告知书"
    assert f"测试县农业农村局政府信息公开申请{kind}" in text
    assert letter.doc_number == "测试县农业农村局公开〔2026〕1号" and letter.doc_number in text
    assert "2026年4月21日" in text and "张三：" in text and "2025年耕地地力保护补贴发放名单" in text
    for article in ARTICLES[code]:
        assert article in text, (code, article)
    assert "六十日内向测试县人民政府申请行政复议" in text
    if code.startswith("withheld.") or code == "partial":
        assert "应当先申请行政复议" in text
    else:
        assert "六个月内依法向人民法院提起行政诉讼" in text
    assert len(letter.sha256) == 64 and letter.disposition == code


def test_layout_follows_gb_t_9704(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        letter = generate_letter(handler_a, make_case("2026-03-02"), "receipt")
    with letter.file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert (round(s.top_margin.mm), round(s.left_margin.mm)) == (37, 28)
    assert round(s.page_width.mm - s.left_margin.mm - s.right_margin.mm) == 156
    assert round(s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) == 225
    fonts = {p.style.font.name for p in doc.paragraphs if p.text}
    assert fonts == {SERIF} and doc.styles["GK 黑体"].font.name == SANS
    assert doc.styles["GK 标题"].font.size.pt == 22 and doc.styles["GK 正文"].font.size.pt == 16
    title, number = [p for p in doc.paragraphs if p.text][:2]
    assert number.text == "测试县农业农村局公开〔2026〕1号" and number.style.name == "GK 发文字号"


def test_numbers_run_per_body_and_year(make_case, handler_a, handler_b, county, office_admin):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        a1, a2 = make_case("2026-03-02"), make_case("2026-03-02")
        b1 = make_case("2026-03-02", actor=handler_b, body=county.dept_b)
        set_letter_prefix(office_admin, county.dept_b, "测教公开")
        assert generate_letter(handler_a, a1, "receipt").doc_number == "测试县农业农村局公开〔2026〕1号"
        assert generate_letter(handler_a, a2, "receipt").doc_number == "测试县农业农村局公开〔2026〕2号"
        assert generate_letter(handler_b, b1, "receipt").doc_number == "测教公开〔2026〕1号"
        with pytest.raises(ServiceError):
            set_letter_prefix(office_admin, county.dept_b, "测教〔公开")
        with pytest.raises(PermissionDenied):
            set_letter_prefix(handler_a, county.dept_a, "测农公开")
    with freeze_time("2027-01-04 10:00:00+08:00"):
        a3 = make_case("2026-12-31")
        assert generate_letter(handler_a, a3, "receipt").doc_number == "测试县农业农村局公开〔2027〕1号"


def test_unsent_letter_is_regenerated_in_place(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        transition(handler_a, case, "request_correction", period_end="2026-03-20")
        first = generate_letter(handler_a, case, "correction", inputs={"detail": "请写明补贴年度。"})
        again = generate_letter(handler_a, case, "correction", inputs={"detail": "请写明补贴年度和所在村组。"})
    assert again.pk == first.pk and again.doc_number == first.doc_number and again.sha256 != first.sha256
    assert "所在村组" in docx_text(again) and "2026年3月20日前" in docx_text(again)
    assert Letter.objects.count() == 1
    events = AuditEvent.objects.filter(event_type="request.letter_generated").order_by("seq")
    assert [e.data["regenerated"] for e in events] == [False, True]


def test_sent_letter_is_never_regenerated_but_corrected(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        case = transition(handler_a, case, "decide", disposition="withheld.process_info")
        letter = generate_letter(handler_a, case, "reply", inputs={"reason": "系讨论稿。"})
        sent = mark_sent(handler_a, letter, method="邮寄")
        with pytest.raises(ServiceError, match="已登记送达"):
            mark_sent(handler_a, letter)
        with letter.file.open("rb") as fh:
            original = fh.read()
        with pytest.raises(ServiceError, match="不能重新生成"):
            generate_letter(handler_a, case, "reply", inputs={"reason": "另一理由。"})
    with freeze_time("2026-03-04 10:00:00+08:00"):
        fixed = correct_letter(handler_a, sent, inputs={"reason": "系县政府常务会议讨论稿。"})
        with pytest.raises(ServiceError, match="已经更正过"):
            correct_letter(handler_a, sent)
    sent.refresh_from_db()
    with sent.file.open("rb") as fh:
        assert fh.read() == original  # the sent letter is untouched
    assert fixed.corrects == sent and fixed.doc_number == "测试县农业农村局公开〔2026〕2号"
    text = docx_text(fixed)
    assert "本文书更正本机关2026年3月2日作出的测试县农业农村局公开〔2026〕1号" in text and "常务会议讨论稿" in text
    assert sent.sent_on.isoformat() == "2026-03-02" and sent.sent_method == "邮寄"
    # The correction is now the current letter: it can be regenerated until it is sent.
    with freeze_time("2026-03-04 11:00:00+08:00"):
        assert generate_letter(handler_a, case, "reply", inputs={"reason": "系讨论稿（修订）。"}).pk == fixed.pk
    assert AuditEvent.objects.filter(event_type="request.letter_sent").count() == 1


def test_stage_and_permission_checks(make_case, handler_a, handler_b, leader_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        with pytest.raises(ServiceError, match="暂不能生成"):
            generate_letter(handler_a, case, "reply")
        with pytest.raises(ServiceError, match="暂不能生成"):
            generate_letter(handler_a, case, "extension")
        with pytest.raises(ServiceError):
            generate_letter(handler_a, case, "nonsense")
        with pytest.raises(PermissionDenied):
            generate_letter(handler_b, case, "receipt")
        with pytest.raises(PermissionDenied):
            generate_letter(leader_a, case, "receipt")  # sees the case, not the applicant
        transition(leader_a, case, "extend", workdays=10)
        ext = docx_text(generate_letter(handler_a, case, "extension"))
        assert "延长10个工作日" in ext and "第三十三条第二款" in ext
        transition(handler_a, case, "start_consultation", kind="third_party")
        with pytest.raises(ServiceError, match="第三方"):
            generate_letter(handler_a, case, "consultation")
        third = generate_letter(handler_a, case, "consultation", inputs={"party": "测试县某农资公司"})
        other = generate_letter(handler_a, case, "consultation", inputs={"party": "测试县某合作社"})
    assert third.pk != other.pk and "张三" not in docx_text(third) and "测试县某农资公司：" in docx_text(third)


def test_fee_notice_letter(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        transition(handler_a, case, "notify_fee", mode="per_item", units=35)
        text = docx_text(generate_letter(handler_a, case, "fee", inputs={"detail": "到县政务服务中心窗口缴纳"}))
    assert "人民币3000.00元" in text and "按件计收" in text and "第31—35件：5件×200元/件=1000元" in text and "到县政务服务中心窗口缴纳" in text


def _template(extra: str = "", field: str = "") -> SimpleUploadedFile:
    doc = Document(str(shipped_path_for("reply")))
    if extra:
        doc.add_paragraph(extra)
    if field:
        doc.add_paragraph("{{ " + field + " }}")
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile("reply.docx", out.getvalue())


def shipped_path_for(kind: str):
    from gongkai.rules.reply_letters import LetterKind

    return shipped_path(LetterKind(kind))


def test_office_replaces_a_template(make_case, handler_a, office_admin, county):
    with pytest.raises(PermissionDenied):
        upload_template(handler_a, county.county, "reply", _template("本县定制"))
    with pytest.raises(ServiceError, match="未知字段"):
        upload_template(office_admin, county.county, "reply", _template(field="applicant_phone"))
    with pytest.raises(ServiceError, match="Word"):
        upload_template(office_admin, county.county, "reply", SimpleUploadedFile("x.docx", b"not a zip"))
    upload_template(office_admin, county.county, "reply", _template("本县定制：{{ case_number }}"))
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = transition(handler_a, make_case("2026-03-02"), "decide", disposition="disclosed")
        letter = generate_letter(handler_a, case, "reply")
        assert f"本县定制：{case.number}" in docx_text(letter)
        assert letter.template_sha256 == LetterTemplate.objects.get(is_active=True).sha256
        revert_template(office_admin, county.county, "reply")
        with pytest.raises(ServiceError, match="内置模板"):
            revert_template(office_admin, county.county, "reply")
        letter = generate_letter(handler_a, case, "reply")
    assert "本县定制" not in docx_text(letter)
    assert LetterTemplate.objects.count() == 1 and not LetterTemplate.objects.get().is_active
    changes = AuditEvent.objects.filter(event_type="request.letter_template_changed")
    assert [e.data["action"] for e in changes.order_by("seq")] == ["upload", "revert"]


def test_applicant_text_cannot_break_the_document(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02", subject="<w:p>关于A&B公司</w:p> 的补贴")
        letter = generate_letter(handler_a, case, "receipt")
    assert "<w:p>关于A&B公司</w:p> 的补贴" in docx_text(letter)


def test_letter_permission_matrix(make_case, county, make_user, handler_a, handler_b, leader_a, office_admin):
    from django.contrib.auth.models import AnonymousUser

    from gongkai.core import rules

    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    citizen = make_user(None, county.county)
    officer_a = make_user("info_officer", county.dept_a)
    expected = [(AnonymousUser(), False, False), (citizen, False, False), (handler_a, True, False),
                (handler_b, False, False), (leader_a, False, False), (officer_a, False, False),
                (office_admin, True, True)]
    for user, issue, templates in expected:
        assert rules.can_issue_letter(user, case) is issue, user
        assert rules.can_manage_letter_templates(user, county.county) is templates, user

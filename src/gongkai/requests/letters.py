"""Rendering 依申请公开 letters: the template for a county and kind, the fields a template can use, and
docxtpl rendering. Reads only; the service (services/letters.py) decides and writes.

A template is a DOCX file with Jinja tags (docxtpl). The county's active uploaded template
(``LetterTemplate``) wins; otherwise the shipped file ``templates/requests/letters/<kind>.docx``
(built by ``letter_layout``). Values are XML-escaped when rendered (autoescape), so an applicant's
``<`` or ``&`` cannot break the document.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import jinja2
from docxtpl import DocxTemplate

from gongkai.core.models import Body
from gongkai.requests.letter_layout import shipped_path
from gongkai.rules.reply_letters import LetterKind

#: The fields every template can use (documented in docs/requests.md).
TEMPLATE_FIELDS: dict[str, str] = {
    "title": "标题，如“青山县农业农村局政府信息公开申请答复书”",
    "doc_number": "发文字号，如“县农业农村局公开〔2026〕3号”",
    "date": "成文日期，如“2026年3月5日”",
    "issuer": "发文机关（受理机关）名称",
    "addressee": "主送：申请人姓名或名称（征求意见书为第三方或共同制作机关）",
    "correction": "更正文书的说明（仅更正时有，否则为空）",
    "paragraphs": "正文段落（列表，按条例条款和办理结果生成）",
    "remedy": "救济途径段落（仅答复书、告知书有）",
    "citations": "所依据的条款（列表）",
    "contact": "本机关政府信息公开工作机构的联系方式",
    "case_number": "案件编号",
    "query_code": "查询码",
    "subject": "申请公开的政府信息名称",
    "received_on": "收到申请之日（中文日期）",
    "due_on": "答复期限（中文日期，可能为空）",
    "kind_label": "文书类型，如“补正告知书”",
}


class TemplateProblem(ValueError):
    """An uploaded template cannot be used; the message is fit to show a user."""


def sample_context() -> dict:
    """A context with every field filled, to check that an uploaded template renders."""
    return {
        "title": "某机关政府信息公开申请答复书", "doc_number": "某公开〔2026〕1号", "date": "2026年1月5日",
        "issuer": "某机关", "addressee": "某申请人", "correction": "", "paragraphs": ["正文。"], "remedy": "救济途径。",
        "citations": ["条例第三十六条"], "contact": "联系电话", "case_number": "2026-ABCDEFGH",
        "query_code": "2026-ABCDEFGH", "subject": "某信息", "received_on": "2026年1月4日", "due_on": "2026年2月1日",
        "kind_label": "答复书",
    }


def active_template(county: Body | None, kind: LetterKind):
    """The county's active uploaded template for ``kind``, or None (the shipped file applies)."""
    from gongkai.requests.models import LetterTemplate

    if county is None:
        return None
    return LetterTemplate.objects.filter(county=county, kind=kind, is_active=True).first()


def template_bytes(county: Body | None, kind: LetterKind) -> bytes:
    uploaded = active_template(county, kind)
    if uploaded is not None:
        with uploaded.file.open("rb") as fh:
            return fh.read()
    return shipped_path(kind).read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render(template: bytes, context: dict, *, strict: bool = False) -> bytes:
    """Render a docxtpl template to DOCX bytes. ``strict``: an unknown field is an error (used to
    check an upload; in normal rendering a field the template does not use is simply absent)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined if strict else jinja2.Undefined, autoescape=True)
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def check_template(data: bytes) -> None:
    """Refuse an upload that is not a DOCX, has broken Jinja tags, or uses unknown fields."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem("模板须为 Word 文档（.docx）")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/document.xml" not in zf.namelist():
            raise TemplateProblem("模板须为 Word 文档（.docx），不能是其他压缩文件")
    try:
        render(data, sample_context(), strict=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"模板使用了未知字段：{exc.message}。可用字段见说明") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板标记有误（{exc.message}），请检查 {{{{ }}}} 和 {{% %}} 是否成对") from exc
    except Exception as exc:  # a damaged document (python-docx / lxml errors)
        raise TemplateProblem("模板文件无法读取，可能已损坏") from exc

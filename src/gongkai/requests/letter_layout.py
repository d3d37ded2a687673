"""The shipped DOCX templates of 依申请公开 letters, built with python-docx to the GB/T 9704-2012 basics.

Run ``python -m gongkai.requests.letter_layout`` to rebuild the files under
``templates/requests/letters/`` (they are committed; an office replaces one in the admin, see
docs/requests.md). Layout (domain facts §9.1): A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; body
in 3号 (16 pt) 仿宋 — Noto Serif CJK SC here, the free font installed with fonts-noto-cjk —, 22
lines per page (exact line spacing 225 mm / 22); title in 2号 (22 pt) 小标宋, for which Noto Serif
CJK SC Bold stands in; 黑体 elements (the style ``GK 黑体`` for headings an office adds) in Noto
Sans CJK SC; the 发文字号 centred below the title; page numbers in 4号 as ``— 1 —``, odd pages right
and even pages left.

The templates are docxtpl (Jinja) documents; the fields they use are listed in
``gongkai.requests.letters.TEMPLATE_FIELDS``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt

from gongkai.core.official_documents import BODY_PT, LINE_PT, SANS, SERIF, TITLE_PT, name_font, set_up_pages
from gongkai.rules.reply_letters import LetterKind

SHIPPED_DIR = Path(__file__).parent / "templates" / "requests" / "letters"

_NOTES = {
    LetterKind.RECEIPT: "（本回执由申请人留存）",
    LetterKind.CONSULTATION: "（本征求意见书不含申请人个人信息）",
}


def shipped_path(kind: LetterKind) -> Path:
    return SHIPPED_DIR / f"{kind.value}.docx"


def _style(doc, name: str, family: str, size: int, *, bold: bool = False, align=None, indent: bool = False):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    name_font(style, family)
    style.font.size = Pt(size)
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT if size <= BODY_PT else TITLE_PT * 1.4)
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)
    return style


def build(kind: LetterKind):
    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "Gongkai"
    props.title = f"依申请公开{kind.label}模板"
    props.comments = "docxtpl 模板；可用字段见 docs/requests.md"
    set_up_pages(doc)

    _style(doc, "Normal", SERIF, BODY_PT)
    body = _style(doc, "GK 正文", SERIF, BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    plain = _style(doc, "GK 顶格", SERIF, BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    title = _style(doc, "GK 标题", SERIF, TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    number = _style(doc, "GK 发文字号", SERIF, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "GK 黑体", SANS, BODY_PT)
    signature = _style(doc, "GK 落款", SERIF, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 成文日期右空四字 (GB/T 9704 §7.3.5.1)

    def para(text: str, style):
        p = doc.add_paragraph(style=style)
        p.add_run(text)
        return p

    para("{{ title }}", title)
    para("", plain)
    para("{{ doc_number }}", number)
    para("", plain)
    para("{{ addressee }}：", plain)
    para("{%p if correction %}", plain)
    para("{{ correction }}", body)
    para("{%p endif %}", plain)
    para("{%p for paragraph in paragraphs %}", plain)
    para("{{ paragraph }}", body)
    para("{%p endfor %}", plain)
    para("{%p if remedy %}", plain)
    para("{{ remedy }}", body)
    para("{%p endif %}", plain)
    if kind is LetterKind.RECEIPT:  # the applicant's key to the status lookup, on a line of its own
        para("查询码：{{ query_code }}", body)
    para("{%p if contact %}", plain)
    para("联系方式：{{ contact }}", body)
    para("{%p endif %}", plain)
    if kind in _NOTES:
        para(_NOTES[kind], body)
    para("", plain)
    para("", plain)
    para("{{ issuer }}", signature)
    para("{{ date }}", signature)
    return doc


def main() -> None:
    SHIPPED_DIR.mkdir(parents=True, exist_ok=True)
    for kind in LetterKind:
        build(kind).save(shipped_path(kind))
        print(shipped_path(kind))


if __name__ == "__main__":
    main()

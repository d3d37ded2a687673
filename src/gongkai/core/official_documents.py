"""Word documents in the GB/T 9704-2012 basics (党政机关公文格式; domain facts §9.1), shared by the
依申请公开 letters (``requests.letter_layout``) and the annual report (``reports.exports``).

A4 paper; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; body text in 3号 (16 pt) 仿宋, for which Noto
Serif CJK SC (installed with fonts-noto-cjk) stands in, 22 lines to the page; titles in 2号 (22 pt);
黑体 in Noto Sans CJK SC; page numbers in 4号 as ``— 1 —``, 单页码居右空一字、双页码居左空一字
(§7.5). Fonts are named for Latin and East Asian text alike: otherwise Word and LibreOffice fall
back per script and draw Chinese in Japanese glyph shapes.
"""

from __future__ import annotations

# python-docx is imported inside the functions: the constants serve XLSX and HTML code too.

SERIF = "Noto Serif CJK SC"  # 仿宋 / 小标宋
SANS = "Noto Sans CJK SC"  # 黑体
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 225 / 22 / 25.4 * 72  # 22 lines in the 225 mm 版心


def name_font(target, family: str) -> None:
    """Set ``family`` on a run or style for every script (ascii, hAnsi, eastAsia, cs)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    target.font.name = family
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _page_number(paragraph) -> None:
    """``— PAGE —`` with a field, so every page numbers itself."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.add_run("— ")
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)
    paragraph.add_run(" —")
    for r in paragraph.runs:
        name_font(r, SERIF)
        r.font.size = Pt(PAGE_NUMBER_PT)


def set_up_pages(doc) -> None:
    """A4 with the GB/T 9704 margins and the odd/even page numbers in the footers."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    _page_number(even)

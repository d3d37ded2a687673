"""The one reader of published rich text and HTML (privacy.reading): every HTML shape in which
personal data reaches a page is read as a browser lays it out, found, and masked in place."""

from __future__ import annotations

import pytest

from gongkai.privacy.config import DEFAULT_CONFIG
from gongkai.privacy.detectors import detector_for
from gongkai.privacy.findings import Kind
from gongkai.privacy.reading import mask_html, plain_text, read_html
from tests.privacy.corpus import gb11643_check, luhn_complete


def ident(first17: str) -> str:
    return first17 + gb11643_check(first17)


ID_A = ident("11010119900307123")
ID_B = ident("53010219851124002")
ID_C = ident("36042819780615331")
MOBILE_A, MOBILE_B = "13812345678", "15987654321"
CARD = luhn_complete("622202120000123456")
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def kinds(markup: str) -> list[tuple[Kind, str]]:
    html = read_html(markup)
    return [(f.kind, f.text) for f in detector_for(DEFAULT_CONFIG).scan(html.text, tabular=True)]


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx")


SHAPES = {
    "bullet list of ID numbers": (f"<p>低保对象名单：</p><ul><li>{ID_A}</li><li>{ID_B}</li></ul>",
                                  {(Kind.ID_CARD, ID_A), (Kind.ID_CARD, ID_B)}),
    "ordered list, Wagtail block keys": (
        f'<ol><li data-block-key="a1">张三 {ID_A}</li><li data-block-key="b2">李四 {ID_B}</li></ol>',
        {(Kind.ID_CARD, ID_A), (Kind.ID_CARD, ID_B)}),
    "each item its own paragraph": (
        f"<p>姓名：王五</p><p>{ID_A}</p><p>{MOBILE_A}</p><p>{CARD}</p>",
        {(Kind.ID_CARD, ID_A), (Kind.MOBILE, MOBILE_A), (Kind.BANK_CARD, CARD)}),
    "name+ID paragraph, then a phone paragraph": (
        f"<p>申请人赵六，身份证号{ID_C}</p><p>{MOBILE_B}</p>",
        {(Kind.ID_CARD, ID_C), (Kind.MOBILE, MOBILE_B)}),
    "table rows and cells": (
        f"<table><thead><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr></thead><tbody>"
        f"<tr><td>张三</td><td>{ID_A}</td><td>{MOBILE_A}</td></tr>"
        f"<tr><td>李四</td><td>{ID_B}</td><td>{MOBILE_B}</td></tr></tbody></table>",
        {(Kind.ID_CARD, ID_A), (Kind.ID_CARD, ID_B), (Kind.MOBILE, MOBILE_A), (Kind.MOBILE, MOBILE_B)}),
    "divs and line breaks": (f"<div>{ID_A}</div><div>{ID_B}<br>{MOBILE_A}<br/>{MOBILE_B}</div>",
                             {(Kind.ID_CARD, ID_A), (Kind.ID_CARD, ID_B), (Kind.MOBILE, MOBILE_A),
                              (Kind.MOBILE, MOBILE_B)}),
    "headings, blockquote and pre": (f"<h3>{ID_A}</h3><blockquote>{ID_B}</blockquote><pre>{MOBILE_A}\n{MOBILE_B}</pre>",
                                     {(Kind.ID_CARD, ID_A), (Kind.ID_CARD, ID_B), (Kind.MOBILE, MOBILE_A),
                                      (Kind.MOBILE, MOBILE_B)}),
    "digits split across inline elements": (
        f"<p>身份证号：<span>{ID_A[:6]}</span><b>{ID_A[6:10]}</b><strong>{ID_A[10:14]}</strong>"
        f"<em>{ID_A[14:17]}</em><sup>{ID_A[17]}</sup>，电话<a href='#x'>{MOBILE_A[:3]}</a>"
        f"<font color=red>{MOBILE_A[3:]}</font></p>",
        {(Kind.ID_CARD, ID_A), (Kind.MOBILE, MOBILE_A)}),
    "entities: nbsp and numeric": (
        f"<p>电话&nbsp;{MOBILE_A}；身份证&#65306;&#{ord(ID_B[0])};{ID_B[1:9]}&#x{ord(ID_B[9]):x};{ID_B[10:]}</p>",
        {(Kind.MOBILE, MOBILE_A), (Kind.ID_CARD, ID_B)}),
    "full-width digits": (f"<p>身份证号：{ID_C.translate(FULL)}，手机{MOBILE_B.translate(FULL)}</p>",
                          {(Kind.ID_CARD, ID_C.translate(FULL)), (Kind.MOBILE, MOBILE_B.translate(FULL))}),
    "a comment inside a number": (f"<p>{MOBILE_A[:5]}<!-- 换行 -->{MOBILE_A[5:]}</p>", {(Kind.MOBILE, MOBILE_A)}),
    "HTML pasted from Word": (
        "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->"
        "<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
        "<![if !supportLists]><span lang=EN-US style='mso-fareast-font-family:Calibri'>1.<span "
        "style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>"
        f"<span style='font-family:宋体;mso-ascii-font-family:Calibri'>张三</span><span lang=EN-US>{ID_A[:9]}"
        f"</span><span lang=EN-US style='mso-bidi-font-size:10.5pt'>{ID_A[9:]}<o:p></o:p></span></p>"
        f"<p class=MsoNormal><span lang=EN-US>{MOBILE_A}<o:p>&nbsp;</o:p></span></p>",
        {(Kind.ID_CARD, ID_A), (Kind.MOBILE, MOBILE_A)}),
    "a number in a link's address only": (f'<p><a href="tel:{MOBILE_B}">拨打电话</a></p>', {(Kind.MOBILE, MOBILE_B)}),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_shape_is_read_and_found(name):
    markup, expected = SHAPES[name]
    assert set(kinds(markup)) >= expected, read_html(markup).text


@pytest.mark.parametrize("name", list(SHAPES))
def test_masking_edits_the_markup_in_place_and_the_result_scans_clean(name):
    markup, expected = SHAPES[name]
    masked, findings = mask_html(markup, detector_for(DEFAULT_CONFIG))
    assert findings
    assert not [k for k in kinds(masked) if k[0].personal], masked
    for _kind, value in expected:
        assert value not in masked
    # Only characters of the numbers changed: the markup and the rest of the text are as they were.
    if "&#" in markup:
        return  # an entity is replaced whole: positions shift
    outside = [(a, b) for a, b in zip(markup, masked, strict=False) if a != b]
    assert all(a.isdigit() or a in "０１２３４５６７８９Ｘ" for a, _b in outside)


def test_blocks_are_boundaries_and_inline_elements_are_not():
    html = read_html("<p>甲</p><p>乙</p><ul><li>1</li><li>2</li></ul><p>1<span>2</span><b>3</b></p><p>a<br>b</p>")
    assert html.visible_text.split("\n") == ["甲", "乙", "1", "2", "123", "a", "b", ""]


def test_table_cells_are_separated_by_tabs_and_rows_by_lines():
    html = read_html("<table><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>1</td></tr></table>")
    rows = [row for row in html.visible_text.split("\n") if row]
    assert rows == ["姓名\t电话\t", "张三\t1\t"]


def test_hidden_published_text_is_read_after_the_visible_text():
    html = read_html(f'<p title="{ID_A}">看得见的<!-- {MOBILE_A} -->正文</p><script>var t="{MOBILE_B}";</script>')
    assert html.visible_text.strip() == "看得见的正文"
    assert ID_A in html.text[html.visible:] and MOBILE_A in html.text and MOBILE_B in html.text


def test_source_line_breaks_inside_a_paragraph_are_spaces():
    assert plain_text("<p>第一行\n第二行</p>") == "第一行 第二行"


def test_entities_are_masked_whole_and_locations_name_the_source_line():
    markup = f"<p>说明</p>\n<p>电话：{MOBILE_A[:3]}&#{ord(MOBILE_A[3])};{MOBILE_A[4:]}</p>"
    masked, findings = mask_html(markup, detector_for(DEFAULT_CONFIG))
    assert MOBILE_A[:3] in masked and MOBILE_A[-4:] in masked and "&#" not in masked
    assert read_html(markup).locate(findings[0].start) == "第2行"


def test_plain_text_is_what_a_reader_sees():
    assert plain_text("<p>网站&nbsp;简介</p><p><b>第二段</b></p>") == "网站\xa0简介\n第二段"
    assert plain_text("") == "" and plain_text(None) == ""

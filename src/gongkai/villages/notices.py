"""Printable 公示表 per village: one HTML and one DOCX file (issue 7 §4).

Only masked values reach a document (the payout rows hold nothing else), and no phone number of a
resident is ever read. Fonts are named explicitly — Noto Serif CJK SC for text, Noto Sans CJK SC for
headings — or Chinese glyphs fall back to Japanese shapes (design.md). Paper: A4 (default) or A3
for the village notice board.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string

from gongkai.core.models import Body
from gongkai.villages.selectors import VillageYear, village_years
from gongkai.villages.templatetags.villages_tags import cn_date, cn_number, money, plain_decimal

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
DOCUMENT_PART = "word/document.xml"
DOCX_COMPRESSION = 1  # zlib level: the table XML is very repetitive, level 1 already shrinks it ~20×


def file_stem(vy: VillageYear) -> str:
    safe = "".join(ch for ch in vy.village.name if ch not in '\\/:*?"<>|').strip() or "village"
    return f"{vy.year}-{vy.village.pk}-{safe}"


def render_html(vy: VillageYear, paper: str = "A4") -> str:
    return render_to_string("villages/notice_print.html", {"vy": vy, "paper": paper})


def _run(text: str, *, bold: bool = False, font: str = SERIF, size: int | None = None) -> str:
    props = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
             + ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else ""))
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(text: str, *, bold: bool = False, font: str = SERIF, size: int | None = None, align: str = "") -> str:
    ppr = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>' if align else ""
    return f"<w:p>{ppr}{_run(text, bold=bold, font=font, size=size)}</w:p>"


def _table(header: list[str], rows: list[list[str]], footer: list[str] | None, numeric: set[int]) -> str:
    def cell(text: str, i: int, head: bool = False) -> str:
        jc = '<w:pPr><w:jc w:val="right"/></w:pPr>' if i in numeric and not head else ""
        return f"<w:tc><w:p>{jc}{_run(text, bold=head, font=SANS if head else SERIF, size=20)}</w:p></w:tc>"

    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{border}</w:tblBorders></w:tblPr>',
             '<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>',
             *(cell(h, i, True) for i, h in enumerate(header)), "</w:tr>"]
    for row in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.extend(cell(v, i) for i, v in enumerate(row))
        parts.append("</w:tr>")
    if footer:
        parts.append("<w:tr>")
        parts.extend(cell(v, i, True) for i, v in enumerate(footer))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


@lru_cache(maxsize=len(PAPER_MM))
def _docx_template(paper: str) -> tuple[tuple[tuple[zipfile.ZipInfo, bytes], ...], str, str]:
    """The empty notice document for ``paper`` (python-docx: page size, margins, Normal style), as
    its package parts and the text of word/document.xml split where the body's content goes
    (before the final section properties)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    width, height = PAPER_MM[paper]
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(18)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = SERIF, Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SERIF)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = tuple((info, package.read(info)) for info in package.infolist())
    xml = dict((info.filename, data) for info, data in parts)[DOCUMENT_PART].decode("utf-8")
    cut = xml.rindex("<w:sectPr")
    return parts, xml[:cut], xml[cut:]


def build_docx(vy: VillageYear, path: Path, paper: str = "A4") -> None:
    """Write the village's notice as DOCX. The body is built as WordprocessingML text in one pass and
    spliced into the document part of an empty notice made once per paper size by python-docx:
    python-docx adds table rows one cell at a time, and even inserting a parsed body into its tree
    (lxml moving ~100 000 elements between documents) took most of the time for a township."""
    body = []
    body.append(_para(f"{vy.village.name}{vy.year}年惠民惠农补贴发放公示", bold=True, font=SANS, size=36,
                      align="center"))
    body.append(_para(f"根据有关政策规定，现将本村（社区）{vy.year}年度各项补贴发放情况予以公示。"
                      "公示内容中身份证号、一卡通账号已作去标识化处理。"))
    for n, b in enumerate(vy.blocks, start=1):
        body.append(_para(f"{cn_number(n)}、{b.programme.name}", bold=True, font=SANS, size=28))
        if b.programme.policy_basis:
            body.append(_para(f"政策依据：{b.programme.policy_basis}"))
        if b.notice:
            line = f"公示期：{cn_date(b.notice.starts_on)}至{cn_date(b.notice.ends_on)}"
            if b.notice.corrects_id:
                line += (f"（更正公示，原公示于{cn_date(b.notice.corrects.starts_on)}发布；"
                         f"更正说明：{b.notice.correction_reason}）")
            body.append(_para(line, bold=True))
            body.append(_para(f"监督电话：{b.notice.supervision_phone}"))
        else:
            body.append(_para("公示期：待发布", bold=True))
        header = ["序号", "姓名", "身份证号", "一卡通账号"] + (["补贴面积", "补贴标准"] if b.has_area else []) + [
            "补贴金额（元）", "发放日期"]
        rows = []
        for i, p in enumerate(b.rows, start=1):
            rows.append([str(i), p.name, p.id_masked, p.account_masked]
                        + ([plain_decimal(p.area), plain_decimal(p.standard)] if b.has_area else [])
                        + [money(p.amount), p.paid_on.isoformat() if p.paid_on else ""])
        span = len(header) - 2
        footer = [f"合计 {b.count} 人"] + [""] * (span - 1) + [money(b.amount), ""]
        numeric = {0, len(header) - 2} | ({4, 5} if b.has_area else set())
        body.append(_table(header, rows, footer, numeric))
    body.append(_para(f"{vy.year}年度各项补贴发放汇总", bold=True, font=SANS, size=28))
    body.append(_table(["补贴项目", "人数", "金额（元）"],
                       [[b.programme.name, str(b.count), money(b.amount)] for b in vy.blocks],
                       ["合计", str(vy.count), money(vy.total)], {1, 2}))
    body.append(_para(f"公示期内如有异议，请向{vy.township.name}反映，或在政府网站“村务公开”栏目提出。"
                      f"公示期满后，公示材料存放于{vy.village.name}村（居）民委员会，供群众查阅。"))
    body.append(_para(vy.township.name, align="right"))
    parts, head, tail = _docx_template(paper)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=DOCX_COMPRESSION) as package:
        for info, data in parts:
            if info.filename == DOCUMENT_PART:
                data = "".join((head, *body, tail)).encode("utf-8")
            package.writestr(info.filename, data)


def write_notices(*, year: int, out_dir: Path, village: Body | None = None, township: Body | None = None,
                  paper: str = "A4", actor=None) -> dict:
    """Write ``<year>-<id>-<village>.html`` and ``.docx`` for every village with payouts in ``year``
    (or one village / one township's) into ``out_dir``; return the JSON summary
    (``gongkai subsidy notices --json`` contract). With ``actor`` (the command line gives it) the
    export is audited ("subsidy.notices_exported")."""
    if paper not in PAPER_MM:
        raise ValueError(f"paper must be one of {sorted(PAPER_MM)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {"year": year, "villages": []}
    for vy in village_years(year, village=village, township=township):
        stem = file_stem(vy)
        html, docx = out_dir / f"{stem}.html", out_dir / f"{stem}.docx"
        html.write_text(render_html(vy, paper), encoding="utf-8")
        build_docx(vy, docx, paper)
        _require_clean(vy, [html, docx])
        summary["villages"].append(vy.as_json())
    if actor is not None:
        from gongkai.core import audit

        audit.record("subsidy.notices_exported", actor, data={
            "year": year, "villages": len(summary["villages"]), "village": village.name if village else "",
            "township": township.name if township else "", "paper": paper, "directory": str(out_dir)},
            label=f"{year}年补贴公示表（{len(summary['villages'])}个村）", scope=village or township)
    return summary


class NoticeNotClean(ValueError):
    """A printable 公示表 holds personal data (the privacy gate on the files that go on the board);
    the message names the village and what was found, masked."""


def _require_clean(vy: VillageYear, paths: list[Path]) -> None:
    """The privacy gate on the printed notice (public source ``villages.subsidy_notice``): the
    files as written are scanned with the site's settings, the notices' 监督电话 allowed; files
    with findings are removed and the run stops, naming them."""
    from gongkai.privacy.gate import allow_phones, site_config
    from gongkai.privacy.public_sources import FilePart, scan_parts

    phones = [b.notice.supervision_phone for b in vy.blocks if b.notice is not None]
    parts = [FilePart(path.name, path.name, path.read_bytes, personal_only=True) for path in paths]
    scan = scan_parts(parts, config=allow_phones(site_config(), phones))
    if scan.blocking:
        for path in paths:
            path.unlink(missing_ok=True)
        raise NoticeNotClean(f"{vy.village.name}的公示表含有未遮盖的个人信息，未生成：" + "；".join(scan.lines()))

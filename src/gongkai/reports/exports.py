"""Exports of a report document (``reports.document``): JSON, HTML, XLSX and DOCX.

All four render the same document (the frozen snapshot once published) and the same table layouts
(``reports.layout``). DOCX follows the GB/T 9704-2012 basics (domain facts §9.1): A4, 天头 37 mm,
订口 28 mm, 版心 156 × 225 mm; body 3号 (16 pt) in Noto Serif CJK SC (仿宋's free stand-in), the title
2号 (22 pt) bold, section headings in Noto Sans CJK SC (黑体); tables in 五号/小五 so that table 四's
fifteen columns fit the 版心; page numbers ``— N —`` in 4号, odd pages right, even pages left. The
fonts are named explicitly for Latin and East Asian text, or Word and LibreOffice fall back to
Japanese glyph shapes. XLSX cells that a spreadsheet would read as a formula are escaped.
"""

from __future__ import annotations

import io
import json

from django.template.loader import render_to_string

from gongkai.core.official_documents import BODY_PT, LINE_PT, SANS, SERIF, TITLE_PT, name_font, set_up_pages
from gongkai.reports import layout

TABLE_PT = 9  # 小五 (9 pt) fits table 四's 15 columns in 156 mm
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _sections(document: dict) -> list[dict]:
    tables = {g.key: g for g in layout.grids(document)}

    def text(key: str) -> list[str]:
        if layout.is_summary(document):
            return layout.summary_paragraphs(document)
        return _paragraphs(document["sections"].get(key, ""))

    return [{"key": key, "heading": heading, "grid": tables.get(key),
             "paragraphs": text(key) if key not in tables else []}
            for key, heading in layout.headings(document)]


def html_context(document: dict) -> dict:
    return {"document": document, "title": layout.title(document), "sections": _sections(document)}


def to_html(document: dict) -> str:
    """A standalone, accessible HTML page (the portal page uses the same ``reports/_report.html``)."""
    return render_to_string("reports/standalone.html", html_context(document))


# --- XLSX -------------------------------------------------------------------------------------------


def safe_cell(value):
    """Text a spreadsheet would read as a formula (= + - @, or a leading tab/CR) gets a leading
    apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _typed(cell: layout.Cell):
    if not cell.number:
        return safe_cell(cell.text)
    try:
        return int(cell.text)
    except ValueError:
        from decimal import Decimal

        return float(Decimal(cell.text))


def to_xlsx(document: dict) -> bytes:
    """One sheet per table in the official layout (merged headers), plus the checks."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    wb.remove(wb.active)
    for grid in layout.grids(document):
        ws = wb.create_sheet(f"表{grid.caption.split('、', 1)[0]}")
        ws.append([safe_cell(f"{layout.title(document)}　{grid.caption}")])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.columns)
        ws.cell(1, 1).font = Font(name=SANS, bold=True)
        for r, c, cell in layout.positions(grid.rows):
            target = ws.cell(row=r + 2, column=c + 1, value=_typed(cell))
            if cell.number and "." in cell.text:  # show the amount with the decimals it was published with
                target.number_format = "0." + "0" * len(cell.text.split(".", 1)[1])
            target.font = Font(name=SANS if cell.header else SERIF, size=10)
            target.alignment = Alignment(wrap_text=True, vertical="center",
                                         horizontal="right" if cell.number else "center")
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(start_row=r + 2, start_column=c + 1, end_row=r + 1 + cell.rowspan,
                               end_column=c + cell.colspan)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=r + 2 + dr, column=c + 1 + dc).border = border
        for col in range(1, grid.columns + 1):
            ws.column_dimensions[get_column_letter(col)].width = 14 if grid.key != "table3" or col > 3 else 20
    if layout.is_summary(document):
        ws = wb.create_sheet("计入汇总的报告")
        ws.append(["机构", "统一社会信用代码", "版本", "发布时间"])
        for item in document["bodies"]:
            ws.append([safe_cell(item["name"]), safe_cell(item["body"] or ""), item["version"],
                       safe_cell(item["published_at"] or "")])
        for name in document["missing"]:
            ws.append([safe_cell(name), "", "", "未发布"])
    else:
        ws = wb.create_sheet("校验")
        ws.append(["级别", "单元格", "说明"])
        for check in document.get("checks") or []:
            ws.append([safe_cell("错误" if check["level"] == "error" else "提示"), safe_cell(check["cell"]),
                       safe_cell(check["message"])])
        if document.get("note"):
            ws.append([safe_cell("说明"), "", safe_cell(document["note"])])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- DOCX -------------------------------------------------------------------------------------------


def to_docx(document: dict) -> bytes:
    """The report as a Word document in the GB/T 9704 basics with the official table layouts."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    doc = Document()
    set_up_pages(doc)

    normal = doc.styles["Normal"]
    name_font(normal, SERIF)
    normal.font.size = Pt(BODY_PT)

    def para(text: str, *, family=SERIF, size=BODY_PT, bold=False, align=None, indent=True, exact=True):
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(LINE_PT if size <= BODY_PT else size * 1.4)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        name_font(run, family)
        run.font.size, run.font.bold = Pt(size), bold
        return p

    para(layout.title(document), size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if document.get("version", 1) > 1:
        para(f"（更正后第{document['version']}版）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para("", indent=False)
    for item in _sections(document):
        para(item["heading"], family=SANS)
        if item["grid"] is None:
            for text in item["paragraphs"] or ["无。"]:
                para(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            continue
        grid = item["grid"]
        rows = grid.rows
        table = doc.add_table(rows=len(rows), cols=grid.columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, c, cell in layout.positions(rows):
            target = table.cell(r, c)
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            p = target.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if cell.number else (
                WD_ALIGN_PARAGRAPH.LEFT if cell.scope in ("row", "rowgroup") else WD_ALIGN_PARAGRAPH.CENTER)
            run = p.add_run(cell.text)
            name_font(run, SANS if cell.header else SERIF)
            run.font.size = Pt(TABLE_PT if grid.columns > 4 else 10.5)
        para("", indent=False, exact=False)
    if document.get("note"):
        para("说明：" + document["note"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "json": (lambda d: to_json(d), "application/json", "json"),
    "html": (lambda d: to_html(d), "text/html; charset=utf-8", "html"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
TEXT_FORMATS = ("json", "html")


def render(document: dict, fmt: str) -> str | bytes:
    """The document in ``fmt`` (json, html: str; xlsx, docx: bytes)."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    if fmt != "json" and document.get("layout", "2021") != "2021":
        raise ValueError(f"{document['year']}年度报告为{document['layout']}年试行格式，只能导出 JSON")
    return FORMATS[fmt][0](document)


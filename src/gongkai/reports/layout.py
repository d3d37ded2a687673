"""The official table layouts of the 2021 format (domain facts §2.3–§2.5) as grids of cells with
their merges, built once from the report JSON and rendered by every export (HTML, DOCX, XLSX).

Each header cell has an ``id``; each data cell lists the ids of every header that describes it
(``headers``), so the HTML tables stay accessible with merged, multi-level headers, and the
spreadsheet and Word tables share the same merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.rules import annual_report as ar


@dataclass
class Cell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""  # col | colgroup | row | rowgroup (header cells)
    id: str = ""
    headers: tuple[str, ...] = ()
    number: bool = False


@dataclass
class Grid:
    key: str
    caption: str
    columns: int
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)

    @property
    def rows(self) -> list[list[Cell]]:
        return [*self.head, *self.body]


def positions(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, placing spans the way an HTML table does."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def _num(value, headers: tuple[str, ...], colspan: int = 1) -> Cell:
    return Cell(str(value), number=True, headers=headers, colspan=colspan)


def table2_grid(t2: dict) -> Grid:
    """Table 二 (主动公开政府信息情况): four blocks, each with its own header row."""
    grid = Grid("table2", "二、主动公开政府信息情况", 4)
    for b, (block, rows) in enumerate(ar.TABLE2_BLOCKS):
        block_id = f"t2-b{b}"
        grid.body.append([Cell(block, header=True, colspan=4, scope="colgroup", id=block_id)])
        label_id = f"t2-b{b}-label"
        if rows[0] in ar.DOCUMENT_ROWS:
            cols = [Cell(ar.DOCUMENT_COLUMN_LABELS[c], header=True, scope="col", id=f"t2-b{b}-{c}")
                    for c in ar.DOCUMENT_COLUMNS]
        else:
            title = "本年收费金额（单位：万元）" if rows[0] == ar.FEES_ROW else "本年处理决定数量"
            cols = [Cell(title, header=True, scope="col", colspan=3, id=f"t2-b{b}-value")]
        grid.body.append([Cell("信息内容", header=True, scope="col", id=label_id), *cols])
        for row in rows:
            row_id = f"t2-{row}"
            if row in ar.DOCUMENT_ROWS:
                label = ar.DOCUMENT_ROW_LABELS[row]
                cells = [_num(t2[row][c], (block_id, f"t2-b{b}-{c}", row_id)) for c in ar.DOCUMENT_COLUMNS]
            else:
                label = ar.FEES_LABEL if row == ar.FEES_ROW else ar.DECISION_ROW_LABELS[row]
                cells = [_num(t2[row], (block_id, f"t2-b{b}-value", row_id), colspan=3)]
            grid.body.append([Cell(label, header=True, scope="row", id=row_id, headers=(block_id, label_id)),
                              *cells])
    return grid


def table3_grid(t3: dict) -> Grid:
    """Table 三 (收到和处理政府信息公开申请情况): three label columns, three header rows."""
    grid = Grid("table3", "三、收到和处理政府信息公开申请情况", 10)
    col_id = {c: f"t3-c-{c}" for c in ar.TABLE3_COLUMNS}
    grid.head = [
        [Cell(ar.TABLE3_CHECK_NOTE, colspan=3, rowspan=3),  # the official note: a plain cell, not a header
         Cell("申请人情况", header=True, colspan=7, scope="colgroup", id="t3-applicants")],
        [Cell("自然人", header=True, rowspan=2, scope="col", id=col_id["natural_person"],
              headers=("t3-applicants",)),
         Cell("法人或其他组织", header=True, colspan=5, scope="colgroup", id="t3-orgs", headers=("t3-applicants",)),
         Cell("总计", header=True, rowspan=2, scope="col", id=col_id["total"], headers=("t3-applicants",))],
        [Cell(ar.TABLE3_COLUMN_LABELS[c], header=True, scope="col", id=col_id[c], headers=("t3-applicants", "t3-orgs"))
         for c in ar.APPLICANT_COLUMNS[1:]],
    ]

    def numbers(row: str, row_headers: tuple[str, ...]) -> list[Cell]:
        out = []
        for c in ar.TABLE3_COLUMNS:
            col_headers = ("t3-applicants",) + (("t3-orgs",) if c in ar.APPLICANT_COLUMNS[1:] else ()) + (col_id[c],)
            out.append(_num(t3[row][c], (*col_headers, *row_headers)))
        return out

    for row in (ar.ROW_NEW, ar.ROW_CARRIED_OVER):
        grid.body.append([Cell(ar.TABLE3_ROW_LABELS[row], header=True, colspan=3, scope="row", id=f"t3-{row}"),
                          *numbers(row, (f"t3-{row}",))])
    results_rows = len(ar.DISPOSITION_ROWS) + 1
    first = True
    for g, (group_label, rows) in enumerate(ar.RESULT_GROUPS):
        group_id = f"t3-g{g}"
        for i, row in enumerate(rows):
            cells: list[Cell] = []
            if first:
                cells.append(Cell(ar.TABLE3_RESULTS_HEADING, header=True, rowspan=results_rows, scope="rowgroup",
                                  id="t3-results"))
                first = False
            if len(rows) == 1:
                cells.append(Cell(group_label, header=True, colspan=2, scope="row", id=f"t3-{row}",
                                  headers=("t3-results",)))
                row_headers = ("t3-results", f"t3-{row}")
            else:
                if i == 0:
                    cells.append(Cell(group_label, header=True, rowspan=len(rows), scope="rowgroup", id=group_id,
                                      headers=("t3-results",)))
                cells.append(Cell(ar.TABLE3_ROW_LABELS[row], header=True, scope="row", id=f"t3-{row}",
                                  headers=("t3-results", group_id)))
                row_headers = ("t3-results", group_id, f"t3-{row}")
            grid.body.append([*cells, *numbers(row, row_headers)])
    grid.body.append([Cell(ar.TABLE3_ROW_LABELS[ar.ROW_RESULTS_TOTAL], header=True, colspan=2, scope="row",
                           id="t3-results_total", headers=("t3-results",)),
                      *numbers(ar.ROW_RESULTS_TOTAL, ("t3-results", "t3-results_total"))])
    grid.body.append([Cell(ar.TABLE3_ROW_LABELS[ar.ROW_CARRIED_FORWARD], header=True, colspan=3, scope="row",
                           id="t3-carried_forward"),
                      *numbers(ar.ROW_CARRIED_FORWARD, ("t3-carried_forward",))])
    return grid


def table4_grid(t4: dict) -> Grid:
    """Table 四 (政府信息公开行政复议、行政诉讼情况): 行政复议 (5 columns) and 行政诉讼 split into
    未经复议直接起诉 and 复议后起诉 (5 columns each); one data row."""
    grid = Grid("table4", "四、政府信息公开行政复议、行政诉讼情况", 15)
    results = ar.TABLE4_RESULTS
    grid.head = [
        [Cell("行政复议", header=True, colspan=5, scope="colgroup", id="t4-reconsideration"),
         Cell("行政诉讼", header=True, colspan=10, scope="colgroup", id="t4-litigation")],
        [*(Cell(ar.TABLE4_RESULT_LABELS[r], header=True, rowspan=2, scope="col", id=f"t4-reconsideration-{r}",
                headers=("t4-reconsideration",)) for r in results),
         Cell("未经复议直接起诉", header=True, colspan=5, scope="colgroup", id="t4-litigation_direct",
              headers=("t4-litigation",)),
         Cell("复议后起诉", header=True, colspan=5, scope="colgroup", id="t4-litigation_after_reconsideration",
              headers=("t4-litigation",))],
        [Cell(ar.TABLE4_RESULT_LABELS[r], header=True, scope="col", id=f"t4-{kind}-{r}",
              headers=("t4-litigation", f"t4-{kind}"))
         for kind in ar.TABLE4_KINDS[1:] for r in results],
    ]
    row = []
    for kind in ar.TABLE4_KINDS:
        groups = ("t4-reconsideration",) if kind == "reconsideration" else ("t4-litigation", f"t4-{kind}")
        row.extend(_num(t4[kind][r], (*groups, f"t4-{kind}-{r}")) for r in results)
    grid.body.append(row)
    return grid


def grids(document: dict) -> list[Grid]:
    """The three tables of a report document, in the report's order."""
    return [table2_grid(document["table2"]), table3_grid(document["table3"]), table4_grid(document["table4"])]


SECTION_HEADINGS = (
    ("overview", "一、总体情况"),
    ("table2", "二、主动公开政府信息情况"),
    ("table3", "三、收到和处理政府信息公开申请情况"),
    ("table4", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)


#: The county summary (汇总, ``selectors.summary_document``): which reports it adds, then the tables.
SUMMARY_HEADINGS = (
    ("bodies", "一、计入汇总的年度报告"),
    ("table2", "二、主动公开政府信息情况（汇总）"),
    ("table3", "三、收到和处理政府信息公开申请情况（汇总）"),
    ("table4", "四、政府信息公开行政复议、行政诉讼情况（汇总）"),
)


def is_summary(document: dict) -> bool:
    return document.get("kind") == "county_summary"


def headings(document: dict) -> tuple[tuple[str, str], ...]:
    return SUMMARY_HEADINGS if is_summary(document) else SECTION_HEADINGS


def summary_paragraphs(document: dict) -> list[str]:
    """Section 一 of the county summary: the published reports it adds and the bodies without one."""
    listed = "、".join(f"{b['name']}（第{b['version']}版）" if b["version"] > 1 else b["name"]
                      for b in document["bodies"])
    lines = [f"本汇总表由{document['reports']}份已发布的{document['year']}年度报告逐项相加而成"
             + (f"：{listed}。" if listed else "。")]
    if document["missing"]:
        lines.append(f"尚未发布年度报告、未计入汇总的机构{len(document['missing'])}个：{'、'.join(document['missing'])}。")
    return lines


def title(document: dict) -> str:
    if is_summary(document):
        return f"{document['name']}{document['year']}年政府信息公开工作年度报告汇总"
    return f"{document['name']}{document['year']}年政府信息公开工作年度报告"

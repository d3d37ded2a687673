"""XLSX export and import in the standard column layout (domain facts §4.3): round trip, header
variants, bad files (all-or-nothing, errors naming sheet and row), formula escaping, print setup."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from gongkai.catalog import xlsx
from gongkai.catalog.models import AreaStatus, CatalogueArea, CatalogueItem
from gongkai.catalog.services.catalogues import (
    add_local_item,
    adopt_areas,
    mark_area_not_involved,
    update_item,
)
from gongkai.catalog.services.transfer import (
    export_catalogue_xlsx,
    export_standard_xlsx,
    import_catalogue_xlsx,
)
from gongkai.catalog.xlsx import NOT_INVOLVED_SHEET
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.rules.timeliness import LimitKind, TimeLimit
from tests.catalog.conftest import sheet_values, workbook_bytes

TRICKY = {
    "level1": "地方特色事项",
    "level2": "-负号开头的事项",
    "content": "=HYPERLINK(\"http://example.com\",\"点击\")\n第二行内容",
    "basis": "+《中华人民共和国政府信息公开条例》",
    "time_limit_text": "及时公开",
    "subject": "@测试县农业农村局",
    "channels": {"website": "required", "other": "optional"},
    "other_channels": "农业农村信息网",
    "audience_specific": True,
    "mode_on_request": True,
    "level_county": True,
    "level_township": True,
}
HEAD_TOP = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象",
            None, "公开方式", None]
HEAD_SUB = [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群众", "主动", "依申请公开"]
HEAD_MERGES = ["A2:A3", "B2:C2", "D2:D3", "E2:E3", "F2:F3", "G2:G3", "H2:H3", "I2:J2", "K2:L2"]
BASIS = "《社会救助暂行办法》《中华人民共和国政府信息公开条例》"


@pytest.fixture
def compiled(county, officer, areas):
    """测试县农业农村局 with two areas, one edited item, one tricky local item and one 未涉及 area."""
    adopt_areas(officer, county.dept_a, [areas["agricultural-subsidies"], areas["social-assistance"]])
    item = CatalogueItem.objects.get(catalogue__body=county.dept_a, level2="农机购置补贴")
    update_item(officer, item, subject="测试县农业农村局农机股", time_limit_text="信息形成之日起15个工作日内")
    add_local_item(officer, county.dept_a, areas["agricultural-subsidies"], **TRICKY)
    mark_area_not_involved(officer, county.dept_a, areas["taxation"], "=本局不承担税收征管职能")
    return county.dept_a


def test_round_trip_keeps_every_column(compiled, county, areas, office_admin):
    first = export_catalogue_xlsx(SYSTEM, compiled)
    assert load_workbook(io.BytesIO(first)).sheetnames == ["社会救助", "涉农补贴", NOT_INVOLVED_SHEET]
    for code in ("agricultural-subsidies", "social-assistance"):
        result = import_catalogue_xlsx(office_admin, county.dept_b, areas[code], first, filename="a.xlsx")
        assert result.created == result.rows and not result.warnings
    mark_area_not_involved(office_admin, county.dept_b, areas["taxation"], "=本局不承担税收征管职能")
    second = export_catalogue_xlsx(SYSTEM, county.dept_b)
    for sheet in ("涉农补贴", "社会救助", NOT_INVOLVED_SHEET):
        before, after = sheet_values(first, sheet), sheet_values(second, sheet)
        assert before[0][0].startswith("测试县农业农村局") and after[0][0].startswith("测试县教育局")
        assert before[1:] == after[1:], sheet
        wb1, wb2 = load_workbook(io.BytesIO(first))[sheet], load_workbook(io.BytesIO(second))[sheet]
        assert sorted(map(str, wb1.merged_cells.ranges)) == sorted(map(str, wb2.merged_cells.ranges))
    # the items themselves are equal, with the same machine-checkable limits
    fields = ("level1", "level2", "content", "basis", "time_limit_text", "subject", "channels", "other_channels",
              "audience_public", "audience_specific", "mode_proactive", "mode_on_request", "level_county",
              "level_township", "limit_kind", "limit_days", "limit_publish_within", "is_local")
    a = list(CatalogueItem.objects.active().for_body(compiled).order_by("area__position", "position").values(*fields))
    b = list(CatalogueItem.objects.active().for_body(county.dept_b).order_by("area__position", "position")
             .values(*fields))
    assert a == b
    edited = CatalogueItem.objects.get(catalogue__body=county.dept_b, level2="农机购置补贴")
    assert edited.time_limit == TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, 15)
    assert edited.standard_item is not None and not edited.is_local


def test_export_escapes_formulas_and_prints_well(compiled):
    wb = load_workbook(io.BytesIO(export_catalogue_xlsx(SYSTEM, compiled)))
    ws = wb["涉农补贴"]
    assert ws["A1"].value == "测试县农业农村局涉农补贴领域基层政务公开标准目录"
    row = next(r for r in ws.iter_rows(min_row=4) if r[2].value == "'-负号开头的事项")
    assert row[3].value.startswith("'=HYPERLINK(") and row[3].data_type == "s"
    assert row[4].value.startswith("'+《") and row[6].value == "'@测试县农业农村局"
    assert row[7].value == "■政府网站 □其他（农业农村信息网）"
    assert [c.value for c in row[8:]] == [None, "√", None, "√", "√", "√"]
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)
    assert wb[NOT_INVOLVED_SHEET]["C3"].value == "'=本局不承担税收征管职能"
    # printable: landscape A4 fitted to the width, header rows repeated, wrapped text
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$2:$3"
    assert {"A1:N1", "A2:A3", "B2:C2", "I2:J2", "K2:L2", "M2:N2"} <= set(map(str, ws.merged_cells.ranges))
    assert [ws.cell(3, c).value for c in range(9, 15)] == ["全社会", "特定群体", "主动", "依申请", "县级", "乡级"]
    assert ws["D4"].alignment.wrap_text and ws.column_dimensions["D"].width >= 30
    assert ws.freeze_panes == "A4"


def test_export_needs_a_catalogue_and_the_view_rule(county, make_user, compiled):
    with pytest.raises(ServiceError, match="尚未编制"):
        export_catalogue_xlsx(SYSTEM, county.dept_b)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_catalogue_xlsx(make_user(Role.INFO_OFFICER, county.dept_b), compiled)
    assert export_catalogue_xlsx(make_user(Role.REQUEST_HANDLER, county.dept_a), compiled)[:2] == b"PK"


def test_standard_export_is_an_import_template(county, town_officer, areas):
    data = export_standard_xlsx(areas["social-assistance"])
    result = import_catalogue_xlsx(town_officer, county.township_a, areas["social-assistance"], data)
    assert result.created == 18
    assert CatalogueItem.objects.for_body(county.township_a).filter(standard_item__isnull=False).count() == 18


def test_header_variants_merged_cells_same_as_above_and_legend(county, town_officer, areas):
    rows = [
        ["测试县甲镇社会救助领域基层政务公开标准目录"],
        HEAD_TOP,
        HEAD_SUB,
        [1, "最低生活保障", "审核信息", "初审对象名单及相关信息", BASIS, "10个工作日内，公示期不少于7个工作日", "乡镇人民政府",
         "■社区/企事业单位/村公示栏（电子屏） □政府网站", "√", "√", "√", None],
        [2, None, "审批信息", "审批对象名单、保障金额", "同上", "10个工作日内", "县级民政部门",
         "■政府网站", "√", None, "√", "√"],
        [None, None, None, None, None, None, None, None, None, None, None, None],
        [3, "临时救助", "救助结果", "救助对象、救助事由、救助金额", "同上", "实时", "同上", "同上", "✓", "", "是", ""],
        ["注：■为必选，□为可选"],
    ]
    data = workbook_bytes({"Sheet1": rows}, {"Sheet1": ["A1:L1", *HEAD_MERGES, "B4:B5", "A8:L8"]})
    result = import_catalogue_xlsx(town_officer, county.township_a, areas["social-assistance"], data)
    assert (result.rows, result.created) == (3, 3)
    assert any("没有公开层级列" in w and "乡级" in w for w in result.warnings)
    items = {i.level2: i for i in CatalogueItem.objects.for_body(county.township_a)}
    review = items["审核信息"]
    assert review.time_limit == TimeLimit(LimitKind.PUBLICITY_PERIOD, 7, publish_within=10)
    assert review.channels == {"website": "optional", "notice_board": "required"}
    assert (review.audience_public, review.audience_specific, review.mode_on_request) == (True, True, False)
    assert (review.level_county, review.level_township) == (False, True)
    assert review.standard_item is not None and not review.is_local
    approval = items["审批信息"]
    assert approval.level1 == "最低生活保障" and approval.basis == BASIS and approval.mode_on_request
    relief = items["救助结果"]
    assert (relief.basis, relief.subject, relief.channels) == (BASIS, "县级民政部门", {"website": "required"})
    assert relief.time_limit == TimeLimit(LimitKind.NONE) and relief.time_limit_text == "实时"
    assert CatalogueArea.objects.get(catalogue__body=county.township_a).status == AreaStatus.ADOPTED
    assert AuditEvent.objects.filter(event_type="catalogue.imported").get().data["created"] == 3


def test_level_column_spellings_third_level_and_ignored_columns(county, officer, areas):
    top = ["序号", "公开事项", None, None, "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开对象", None,
           "公开方式", None, "公开层级", None, None, "备注", "负责人"]
    sub = [None, "一级事项", "二级事项", "三级事项", None, None, None, None, None, "全社会", "特定群体", "主动", "依申请",
           "市级", "区级", "乡、村级", None, None]
    row = [1, "政策文件", "法规", "国家法规", "法律法规文本", "《中华人民共和国就业促进法》", "20个工作日内", "县人社局",
           "■政府网站", "√", "", "√", "", "√", "√", "", "", "张三"]
    data = workbook_bytes({"就业": [top, sub, row]}, {"就业": ["A1:A2", "B1:D1", "J1:K1", "L1:M1", "N1:P1"]})
    result = import_catalogue_xlsx(officer, county.dept_a, areas["employment"], data)
    item = CatalogueItem.objects.for_body(county.dept_a).get()
    assert (item.level1, item.level2) == ("政策文件", "法规—国家法规")
    assert (item.level_county, item.level_township) == (True, False)
    assert item.is_local  # no standard row of that name
    assert any("市级" in w for w in result.warnings) and any("负责人" in w for w in result.warnings)


def test_single_row_header_with_words_instead_of_ticks(county, officer, areas):
    head = ["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象",
            "公开方式", "公开层级"]
    row = [1, "户籍政策", "落户政策", "落户条件", "《中华人民共和国户口登记条例》", "信息形成之日起20个工作日内", "县公安局",
           "■政府网站 □政务服务中心", "全社会", "主动、依申请", "县级"]
    data = workbook_bytes({"户籍管理": [head, row]})
    import_catalogue_xlsx(officer, county.dept_a, areas["household-registration"], data)
    item = CatalogueItem.objects.for_body(county.dept_a).get()
    assert (item.audience_public, item.audience_specific, item.mode_proactive, item.mode_on_request,
            item.level_county, item.level_township) == (True, False, True, True, True, False)


def test_import_replaces_the_areas_items_and_dry_run_writes_nothing(compiled, officer, areas):
    area = areas["agricultural-subsidies"]
    full = export_catalogue_xlsx(SYSTEM, compiled)
    rows = xlsx.read_workbook(full, sheet="涉农补贴").rows
    dropped = [rows[2].key, rows[3].key]
    del rows[2:4]  # drop two rows (the rows after them move up: their 序号 changes)
    rows[0].subject = "测试县农业农村局"  # and change one
    smaller = xlsx.write_workbook([xlsx.Sheet("涉农补贴", "涉农补贴", rows)])
    active = CatalogueItem.objects.active().for_body(compiled).filter(area=area)
    total, n_events = active.count(), AuditEvent.objects.count()
    dry = import_catalogue_xlsx(officer, compiled, area, smaller, dry_run=True)
    assert (dry.created, dry.withdrawn, dry.rows) == (0, 2, total - 2)
    assert dry.updated == total - 2 - 2 + 1  # the changed row and the rows whose position moved
    assert active.count() == total and AuditEvent.objects.count() == n_events
    result = import_catalogue_xlsx(officer, compiled, area, smaller)
    assert (result.withdrawn, result.created, result.updated) == (2, 0, dry.updated)
    assert active.count() == total - 2
    assert not active.filter(level2__in=[k[1] for k in dropped]).exists()
    assert AuditEvent.objects.filter(event_type="catalogue.imported").get().data["withdrawn"] == 2
    assert CatalogueItem.objects.for_body(compiled).filter(area=area).count() == total  # 停用, not deleted
    # importing the full table again brings them back
    assert import_catalogue_xlsx(officer, compiled, area, full).updated >= 2
    assert active.count() == total


def _good_header():
    return [HEAD_TOP, HEAD_SUB]


def _row(n, **overrides):
    values = {"seq": n, "level1": "最低生活保障", "level2": f"事项{n}", "content": "内容", "basis": BASIS,
              "time": "10个工作日内", "subject": "乡镇人民政府", "channels": "■政府网站", "public": "√", "specific": "",
              "proactive": "√", "request": ""}
    values.update(overrides)
    return list(values.values())


@pytest.mark.parametrize("data, messages", [
    (b"hello, this is not a spreadsheet", ["不是 Excel 表格（.xlsx）格式"]),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ["旧版 Excel（.xls）"]),
    (b"PK\x03\x04" + b"\0" * 100, ["已损坏"]),
    (b"", ["文件为空"]),
    (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), ["文件过大", "不能超过 10 MB"]),
    ("word", ["不是 Excel 工作簿"]),
    ("broken-workbook", ["已损坏或格式不正确"]),
    ({"名单": [["姓名", "电话"], ["张三", "123"]]}, ["工作表“名单”：找不到表头"]),
    ({"社会救助": [["序号", "一级事项", "二级事项", "公开内容", "公开时限", "公开主体", "公开渠道和载体", "公开对象",
                 "公开方式"]]}, ["工作表“社会救助”：表头缺少必需的列：公开依据"]),
    ({"社会救助": _good_header()}, ["工作表“社会救助”：没有目录事项"]),
    ({"社会救助": [*_good_header(), _row(1), _row(2, time=""), _row(3, channels="政府网站"),
               _row(4, public="", specific=""), _row(5, proactive="x?"), _row(6, level2="事项1"),
               _row(7, time="按程序办理"), _row(8, basis="同上", level1="")]},
     ["工作表“社会救助”第4行：公开时限不能为空", "第5行：公开渠道“政府网站”前缺少■", "第6行：公开对象至少选择",
      "第7行：“主动”列应为“√”或空白，实际为“x?”", "第8行：事项“最低生活保障 / 事项1”与工作表“社会救助”第3行重复",
      "第9行：无法识别公开时限“按程序办理”"]),
])
def test_bad_files_are_refused_whole_with_clear_messages(county, town_officer, areas, data, messages):
    if isinstance(data, dict):
        data = workbook_bytes(data)
    elif data == "word":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        data = out.getvalue()
    elif data == "broken-workbook":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("xl/workbook.xml", "<not-a-workbook")
        data = out.getvalue()
    n_items, n_events = CatalogueItem.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as info:
        import_catalogue_xlsx(town_officer, county.township_a, areas["social-assistance"], data)
    text = "\n".join(info.value.message_dict["file"])
    for message in messages:
        assert message in text, text
    assert (CatalogueItem.objects.count(), AuditEvent.objects.count()) == (n_items, n_events)


def test_a_single_bad_row_keeps_the_good_ones_out_too(county, town_officer, areas):
    data = workbook_bytes({"社会救助": [*_good_header(), _row(1), _row(2), _row(3, subject="")]})
    with pytest.raises(ServiceError, match="工作表“社会救助”第5行：公开主体不能为空"):
        import_catalogue_xlsx(town_officer, county.township_a, areas["social-assistance"], data)
    assert not CatalogueItem.objects.exists()


def test_sheet_choice(county, town_officer, areas):
    good = [*_good_header(), _row(1)]
    data = workbook_bytes({"说明": [["本表说明"], ["供填报参考"]], "社会救助": good, "其他": [*_good_header(), _row(2)]})
    area = areas["social-assistance"]
    assert import_catalogue_xlsx(town_officer, county.township_a, area, data, dry_run=True).sheets == ["社会救助"]
    assert import_catalogue_xlsx(town_officer, county.township_a, area, data, sheet="其他", dry_run=True).rows == 1
    with pytest.raises(ServiceError, match="没有名为“不存在”的工作表"):
        import_catalogue_xlsx(town_officer, county.township_a, area, data, sheet="不存在")
    with pytest.raises(ServiceError, match="工作表“说明”：找不到表头"):
        import_catalogue_xlsx(town_officer, county.township_a, area, data, all_sheets=True)
    data = workbook_bytes({"一": good, "二": [*_good_header(), _row(2)], NOT_INVOLVED_SHEET: [["序号", "领域"]]})
    result = import_catalogue_xlsx(town_officer, county.township_a, area, data, all_sheets=True)
    assert (result.sheets, result.created) == (["一", "二"], 2)


def test_import_needs_the_edit_rule(county, make_user, areas):
    from django.core.exceptions import PermissionDenied

    data = workbook_bytes({"社会救助": [*_good_header(), _row(1)]})
    with pytest.raises(PermissionDenied):
        import_catalogue_xlsx(make_user(Role.INFO_OFFICER, county.township_b), county.township_a,
                              areas["social-assistance"], data)

"""The standard catalogues shipped as data (domain facts §4.2–4.4) and loaded by the migration."""

import pytest

from gongkai.catalog.models import StandardArea, StandardItem
from gongkai.catalog.rows import ItemRow, row_errors
from gongkai.catalog.standard import read_standard_data, seed_standard
from gongkai.catalog.timelimits import parse_time_limit
from gongkai.rules.timeliness import LimitKind, TimeLimit

# §4.2, with the names "seen as catalogue titles" for three areas (former names kept).
AREA_NAMES = [
    "城乡规划", "重大建设项目", "公共资源交易", "财政预决算", "安全生产", "税收管理", "征地补偿", "国有土地上房屋征收与补偿",
    "农村危房改造", "乡村振兴", "救灾", "社会救助", "养老服务", "户籍管理", "涉农补贴", "公共文化服务", "公共法律服务",
    "生态环境", "食品药品监管", "义务教育", "卫生健康", "就业", "社会保险", "城市综合执法", "市政服务", "保障性住房",
]
FULL_AREAS = ["agricultural-subsidies", "social-assistance", "compulsory-education", "major-projects",
              "public-resource-trading"]  # §4.4: complete catalogues
WD, PUB, CAL = LimitKind.WORKDAYS_FROM_FORMATION, LimitKind.PUBLICITY_PERIOD, LimitKind.CALENDAR_DAYS


def test_the_26_areas_in_order_with_former_names(db):
    areas = list(StandardArea.objects.order_by("position"))
    assert [a.name for a in areas] == AREA_NAMES
    former = {a.name: a.former_name for a in areas if a.former_name}
    assert former == {"乡村振兴": "扶贫", "生态环境": "环境保护", "卫生健康": "医疗卫生"}
    for area in areas:
        assert area.ministry and area.guideline_title.endswith("领域基层政务公开标准指引"), area
    # Only the document number confirmed in §4.1 is given; nothing is guessed.
    assert {a.name: a.guideline_number for a in areas if a.guideline_number} == {"重大建设项目": "发改办投资〔2019〕621号"}


def test_every_area_has_rows_and_the_full_areas_are_complete(db):
    for area in StandardArea.objects.all():
        n = area.items.count()
        assert n >= (10 if area.code in FULL_AREAS else 5), (area.name, n)
        assert area.items.filter(level_county=True).exists(), area.name


def test_every_row_has_all_fields_and_a_readable_time_limit(db):
    items = list(StandardItem.objects.all())
    assert len(items) > 200
    for item in items:
        row = ItemRow(**{f: getattr(item, f) for f in ItemRow.__dataclass_fields__})
        assert row_errors(row) == {}, (item.area.name, str(item))
        assert item.level2, str(item)
        assert "《" in item.basis and "》" in item.basis, str(item)  # cites laws or regulations by title
        assert item.time_limit == parse_time_limit(item.time_limit_text), str(item)


def test_the_data_files_match_the_database(db):
    data = read_standard_data()
    assert [a.name for a in data] == AREA_NAMES
    assert sum(len(a.items) for a in data) == StandardItem.objects.count()


def test_seeding_again_changes_nothing(db):
    before = list(StandardItem.objects.order_by("pk").values_list("pk", "area_id", "level1", "level2", "position"))
    assert seed_standard(StandardArea, StandardItem) == (26, len(before))
    after = list(StandardItem.objects.order_by("pk").values_list("pk", "area_id", "level1", "level2", "position"))
    assert after == before


def _item(area, level1, level2):
    return StandardItem.objects.get(area__code=area, level1=level1, level2=level2)


@pytest.mark.parametrize("area, level1, level2, limit, levels", [
    # 涉农补贴: within 20 WD of formation or change; 县级 and 乡级 (fangshan, liuzhou, tls.gov.cn)
    ("agricultural-subsidies", "农业生产发展资金", "耕地地力保护补贴", TimeLimit(WD, 20), (True, True)),
    ("agricultural-subsidies", "农业生产发展资金", "农机购置补贴", TimeLimit(WD, 20), (True, True)),
    # 社会救助: 10 WD of making/obtaining; 审核信息 公示 7 个工作日 at the township (mdx, tjbd, dazhu)
    ("social-assistance", "最低生活保障", "审核信息", TimeLimit(PUB, 7, publish_within=10), (False, True)),
    ("social-assistance", "综合业务", "政策法规文件", TimeLimit(WD, 10), (True, True)),
    ("social-assistance", "综合业务", "监督检查", TimeLimit(WD, 10), (True, True)),
    # 义务教育 (qzlj.gov.cn)
    ("compulsory-education", "学生管理", "义务教育学生资助政策", TimeLimit(WD, 20), (True, False)),
    ("compulsory-education", "教师管理", "教师职称评审", TimeLimit(PUB, 7, publish_within=3), (True, False)),
    # 公共资源交易 (hbxq.suqian.gov.cn)
    ("public-resource-trading", "工程建设项目招标投标信息", "审批核准信息", TimeLimit(WD, 20), (True, False)),
    # 重大建设项目: 征收土地信息 20 WD; 行政许可/处罚 results 7 WD of the decision (xuanhan.gov.cn)
    ("major-projects", "征收土地信息", "征地告知书、征收土地方案和补偿安置方案公告", TimeLimit(WD, 20), (True, True)),
    ("major-projects", "批准结果信息", "施工许可结果", TimeLimit(WD, 7), (True, False)),
    ("major-projects", "质量安全监督信息", "质量安全行政处罚", TimeLimit(WD, 7), (True, False)),
])
def test_concrete_rows_of_section_4_4(db, area, level1, level2, limit, levels):
    item = _item(area, level1, level2)
    assert item.time_limit == limit
    assert (item.level_county, item.level_township) == levels


def test_concrete_row_contents_of_section_4_4(db):
    subsidy = _item("agricultural-subsidies", "农业生产发展资金", "耕地地力保护补贴")
    for element in ("政策依据", "申请指南", "补贴对象", "咨询电话", "受理单位", "办理时限", "补贴结果", "监督渠道", "举报电话"):
        assert element in subsidy.content
    assert subsidy.subject.startswith("县级农业农村部门")
    assert subsidy.channels["website"] == "required"
    review = _item("social-assistance", "最低生活保障", "审核信息")
    assert review.content == "初审对象名单及相关信息" and review.subject == "乡镇人民政府"
    assert review.channels["notice_board"] == "required"
    assert "《社会救助暂行办法》" in _item("social-assistance", "综合业务", "政策法规文件").basis
    assert "信访地址" in _item("social-assistance", "综合业务", "监督检查").content
    titles = _item("compulsory-education", "教师管理", "教师职称评审")
    assert (titles.audience_public, titles.audience_specific) == (False, True)  # 特定群体: teachers
    assert "两免一补" in _item("compulsory-education", "学生管理", "义务教育学生资助政策").content
    approval = _item("public-resource-trading", "工程建设项目招标投标信息", "审批核准信息")
    assert approval.content == "招标内容、招标范围、招标组织形式、招标方式、估算金额、审核部门"
    land = _item("major-projects", "征收土地信息", "征地告知书、征收土地方案和补偿安置方案公告")
    assert "征地告知书" in land.content and "补偿安置方案公告" in land.content and "乡镇人民政府" in land.subject


def test_item_api(db):
    item = _item("social-assistance", "最低生活保障", "审核信息")
    assert str(item) == "最低生活保障 / 审核信息"
    assert item.time_limit_summary == "10个工作日内公开，公示7个工作日"
    assert item.channels_display.startswith("□政府网站")
    assert (item.audience_display, item.mode_display, item.level_display) == ("全社会、特定群体", "主动", "乡级")


# Rows whose law counts in days (日), not working days: read as calendar days.
CALENDAR_DAY_ROWS = {
    ("budget", "政府预算", "本级政府预算"): 20,  # 预算法 Art. 14: 批准后二十日内
    ("budget", "政府决算", "本级政府决算"): 20,
    ("budget", "部门预算", "部门预算"): 20,  # 预算法 Art. 14: 批复后二十日内
    ("budget", "部门决算", "部门决算"): 20,
    ("budget", "乡镇预决算", "乡镇预算和决算"): 20,
    ("major-projects", "招标投标信息", "中标候选人公示"): 3,  # 招标投标法实施条例 Art. 54
    ("public-resource-trading", "工程建设项目招标投标信息", "中标候选人公示"): 3,
}


def test_calendar_day_rows(db):
    rows = {(i.area.code, i.level1, i.level2): i for i in StandardItem.objects.select_related("area")}
    calendar = {key: item.limit_days for key, item in rows.items() if item.limit_kind == CAL}
    assert calendar == CALENDAR_DAY_ROWS
    for key in CALENDAR_DAY_ROWS:
        assert rows[key].time_limit == TimeLimit(CAL, CALENDAR_DAY_ROWS[key])
        assert rows[key].time_limit_summary == f"{CALENDAR_DAY_ROWS[key]}日内公开（自然日）"
    # the working-day rows are untouched: every "N个工作日" wording still reads as working days
    kinds = [item.limit_kind for item in rows.values()]
    assert (kinds.count(WD), kinds.count(PUB), kinds.count(LimitKind.NONE)) == (191, 13, 27)
    for item in rows.values():
        if "工作日" in item.time_limit_text:
            assert item.limit_kind in (WD, PUB), str(item)


def test_limit_kind_choices_carry_the_rule_labels():
    from gongkai.catalog.models import LIMIT_KIND_CHOICES

    assert [(value, str(label)) for value, label in LIMIT_KIND_CHOICES] == [
        (kind.value, kind.label) for kind in (WD, PUB, CAL, LimitKind.NONE)]
    assert {value for value, _label in LIMIT_KIND_CHOICES} == {kind.value for kind in LimitKind}


def test_the_migration_rereads_unchecked_rows(db, county):
    """catalog 0003: rows stored as "no checkable limit" before calendar days existed are read
    again, standard rows and bodies' items alike; the reverse puts them back."""
    import importlib

    from django.apps import apps

    from gongkai.catalog.models import CatalogueItem
    from gongkai.catalog.services.catalogues import adopt_areas
    from gongkai.core.actors import SYSTEM

    migration = importlib.import_module("gongkai.catalog.migrations.0003_calendar_day_limits")
    adopt_areas(SYSTEM, county.county, [StandardArea.objects.get(code="budget")])
    budget = CatalogueItem.objects.filter(catalogue__body=county.county, area__code="budget")
    assert budget.filter(limit_kind=CAL).count() == 4  # 县级 rows: 政府预算/决算, 部门预算/决算
    migration.back_to_unchecked(apps, None)
    assert not StandardItem.objects.filter(limit_kind=CAL).exists()
    assert not budget.filter(limit_kind=CAL).exists()
    workdays_before = list(StandardItem.objects.filter(limit_kind=WD).values_list("pk", "limit_days"))
    migration.reread_limits(apps, None)
    assert StandardItem.objects.filter(limit_kind=CAL).count() == len(CALENDAR_DAY_ROWS)
    assert budget.filter(limit_kind=CAL, limit_days=20).count() == 4
    assert list(StandardItem.objects.filter(limit_kind=WD).values_list("pk", "limit_days")) == workdays_before

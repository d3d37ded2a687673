"""Compiling a body's catalogue: permission, validation with Chinese messages, one audit entry per
change, nothing half-written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.catalog.models import (
    AreaStatus,
    Catalogue,
    CatalogueArea,
    CatalogueItem,
    CatalogueStatus,
    StandardItem,
)
from gongkai.catalog.services.catalogues import (
    add_local_item,
    adopt_areas,
    finalise_catalogue,
    mark_area_not_involved,
    update_item,
)
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.rules.timeliness import LimitKind, TimeLimit

LOCAL = {
    "level1": "农村人居环境整治",
    "level2": "“美丽庭院”评选",
    "content": "评选标准、评选程序、拟评选农户名单",
    "basis": "《中华人民共和国乡村振兴促进法》",
    "time_limit_text": "评选结果形成之日起10个工作日内公示，公示期不少于5个工作日",
    "subject": "乡镇人民政府",
    "channels": {"website": "required", "notice_board": "required"},
    "audience_public": True,
    "mode_proactive": True,
}


def events(kind):
    return AuditEvent.objects.filter(event_type=kind)


def test_adoption_copies_the_items_of_the_bodys_level(county, officer, town_officer, areas):
    subsidies = areas["agricultural-subsidies"]
    result = adopt_areas(officer, county.dept_a, [subsidies])
    county_items = StandardItem.objects.filter(area=subsidies, level_county=True)
    assert result.created == county_items.count() and result.areas == [subsidies]
    copied = CatalogueItem.objects.for_body(county.dept_a)
    assert set(copied.values_list("standard_item", flat=True)) == set(county_items.values_list("pk", flat=True))
    assert not copied.filter(is_local=True).exists()

    adopt_areas(town_officer, county.township_a, [subsidies])
    town = CatalogueItem.objects.for_body(county.township_a)
    assert set(town.values_list("standard_item", flat=True)) == set(
        StandardItem.objects.filter(area=subsidies, level_township=True).values_list("pk", flat=True))
    assert town.filter(level1="惠民惠农财政补贴资金“一卡通”").exists()  # a 乡级-only row
    assert not copied.filter(level1="惠民惠农财政补贴资金“一卡通”").exists()

    event = events("catalogue.areas_adopted").get(scope_body_id=county.dept_a.pk)
    assert event.data["areas"] == ["agricultural-subsidies"] and event.data["created"] == result.created


def test_copied_items_keep_every_column_and_the_time_limit(county, officer, areas):
    adopt_areas(officer, county.dept_a, [areas["social-assistance"]])
    item = CatalogueItem.objects.get(catalogue__body=county.dept_a, level1="综合业务", level2="政策法规文件")
    source = item.standard_item
    for field in ("content", "basis", "time_limit_text", "subject", "channels", "other_channels",
                  "audience_public", "audience_specific", "mode_proactive", "mode_on_request", "level_county",
                  "level_township", "limit_kind", "limit_days", "limit_publish_within"):
        assert getattr(item, field) == getattr(source, field), field
    assert item.time_limit == TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, 10)
    assert str(item) == "综合业务 / 政策法规文件"
    assert item.body == county.dept_a and item.catalogue.body == county.dept_a


def test_adoption_is_idempotent_and_picks_up_missing_items(county, officer, areas):
    area = areas["agricultural-subsidies"]
    first = adopt_areas(officer, county.dept_a, [area])
    n_events = AuditEvent.objects.count()
    again = adopt_areas(officer, county.dept_a, [area])
    assert (again.created, again.areas) == (0, [])
    assert AuditEvent.objects.count() == n_events  # nothing changed, nothing recorded
    one = CatalogueItem.objects.for_body(county.dept_a).first()
    one.delete()  # e.g. a standard row added by a later data release
    assert adopt_areas(officer, county.dept_a, [area]).created == 1
    assert CatalogueItem.objects.for_body(county.dept_a).count() == first.created


def test_adoption_refuses_an_area_without_items_of_the_bodys_level(county, town_officer, areas):
    with pytest.raises(ServiceError, match="“税收管理”领域的标准目录没有乡级事项"):
        adopt_areas(town_officer, county.township_a, [areas["taxation"], areas["social-assistance"]])
    assert not Catalogue.objects.filter(body=county.township_a).exists()
    with pytest.raises(ServiceError, match="请至少选择一个领域"):
        adopt_areas(town_officer, county.township_a, [])


def test_permission_the_bodys_officer_or_the_office_admin(county, officer, office_admin, make_user, areas):
    area = [areas["agricultural-subsidies"]]
    with pytest.raises(PermissionDenied):
        adopt_areas(officer, county.dept_b, area)  # another department
    for role, body in ((Role.CONFIDENTIALITY_REVIEWER, county.dept_a), (Role.VILLAGE_CLERK, county.village_a)):
        with pytest.raises(PermissionDenied):
            adopt_areas(make_user(role, body), county.dept_a, area)
    with pytest.raises(PermissionDenied):
        adopt_areas(SYSTEM, county.village_a, area)  # villages compile no catalogue
    adopt_areas(office_admin, county.dept_b, area)
    adopt_areas(SYSTEM, county.county, area)
    assert Catalogue.objects.count() == 2


def test_local_items(county, town_officer, areas):
    area = areas["rural-revitalisation"]
    item = add_local_item(town_officer, county.township_a, area, **LOCAL)
    assert item.is_local and item.standard_item is None and item.is_active
    assert (item.level_county, item.level_township) == (False, True)  # the township's own level
    assert item.time_limit == TimeLimit(LimitKind.PUBLICITY_PERIOD, 5, publish_within=10)
    assert item.time_limit_text == LOCAL["time_limit_text"]
    assert CatalogueArea.objects.get(catalogue__body=county.township_a, area=area).status == AreaStatus.ADOPTED
    event = events("catalogue.item_added").get()
    assert event.scope_body_id == county.township_a.pk
    assert event.object_label == "测试县甲镇人民政府 · 农村人居环境整治 / “美丽庭院”评选"

    with pytest.raises(ServiceError, match="已有事项“农村人居环境整治 / “美丽庭院”评选”"):
        add_local_item(town_officer, county.township_a, area, **LOCAL)
    # adopting the area later adds the standard items next to the local one
    adopt_areas(town_officer, county.township_a, [area])
    later = CatalogueItem.objects.for_body(county.township_a).filter(area=area)
    assert later.filter(is_local=False).exists()
    assert later.get(is_local=True).position == 1


@pytest.mark.parametrize("change, field, message", [
    ({"content": " "}, "content", "公开内容（要素）不能为空"),
    ({"basis": ""}, "basis", "公开依据不能为空"),
    ({"time_limit_text": "按程序办理"}, "time_limit_text", "无法识别公开时限"),
    ({"channels": {}}, "channels", "至少选择一个公开渠道和载体"),
    ({"channels": {"fax": "required"}}, "channels", "未知的公开渠道"),
    ({"audience_public": False}, "audience_public", "公开对象至少选择"),
    ({"mode_proactive": False}, "mode_proactive", "公开方式至少选择"),
    ({"level1": "事" * 101}, "level1", "一级事项不能超过100字"),
])
def test_local_item_validation_writes_nothing(county, officer, areas, change, field, message):
    n_items, n_events = CatalogueItem.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as info:
        add_local_item(officer, county.dept_a, areas["agricultural-subsidies"], **{**LOCAL, **change})
    assert message in " ".join(info.value.message_dict[field])
    assert (CatalogueItem.objects.count(), AuditEvent.objects.count()) == (n_items, n_events)


def test_edit_an_adopted_item(county, officer, areas):
    adopt_areas(officer, county.dept_a, [areas["agricultural-subsidies"]])
    item = CatalogueItem.objects.get(catalogue__body=county.dept_a, level2="耕地地力保护补贴")
    item = update_item(officer, item, subject="测试县农业农村局", time_limit_text="信息形成之日起10个工作日内")
    assert item.subject == "测试县农业农村局"
    assert item.time_limit == TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, 10)
    item.refresh_from_db()
    assert (item.limit_kind, item.limit_days) == ("workdays", 10)
    assert item.standard_item is not None  # still derived from the standard row
    event = events("catalogue.item_updated").get()
    assert event.data["changes"]["subject"] == {"old": "县级农业农村部门（乡镇人民政府、村民委员会协助公示）",
                                                "new": "测试县农业农村局"}
    assert event.scope_body_id == county.dept_a.pk
    update_item(officer, item, subject="测试县农业农村局")  # no change: no entry
    assert events("catalogue.item_updated").count() == 1
    with pytest.raises(TypeError):
        update_item(officer, item, catalogue=None)


def test_edit_refuses_duplicates_and_other_bodies(county, officer, make_user, areas):
    adopt_areas(officer, county.dept_a, [areas["agricultural-subsidies"]])
    a, b = CatalogueItem.objects.for_body(county.dept_a).order_by("position")[:2]
    with pytest.raises(ServiceError, match="已有事项"):
        update_item(officer, b, level1=a.level1, level2=a.level2)
    with pytest.raises(PermissionDenied):
        update_item(make_user(Role.INFO_OFFICER, county.dept_b), a, subject="别的单位")
    # 停用 frees the name; the database keeps names unique among the items in use
    update_item(officer, a, is_active=False)
    update_item(officer, b, level1=a.level1, level2=a.level2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueItem.objects.filter(pk=a.pk).update(is_active=True)


def test_not_involved_requires_a_reason_and_withdraws_the_items(county, officer, areas):
    area = areas["agricultural-subsidies"]
    adopt_areas(officer, county.dept_a, [area])
    n_events = AuditEvent.objects.count()
    for reason in ("", "   "):
        with pytest.raises(ServiceError, match="须说明原因"):
            mark_area_not_involved(officer, county.dept_a, area, reason)
    assert AuditEvent.objects.count() == n_events
    decision = mark_area_not_involved(officer, county.dept_a, area, "本局不承担涉农补贴发放职能。")
    assert decision.status == AreaStatus.NOT_INVOLVED and decision.reason == "本局不承担涉农补贴发放职能。"
    assert not CatalogueItem.objects.active().for_body(county.dept_a).exists()
    assert CatalogueItem.objects.for_body(county.dept_a).exists()  # kept for the records linking to them
    assert events("catalogue.area_not_involved").get().data["withdrawn"] > 0
    with pytest.raises(ServiceError, match="已标记为未涉及领域"):
        add_local_item(officer, county.dept_a, area, **LOCAL)
    item = CatalogueItem.objects.for_body(county.dept_a).first()
    with pytest.raises(ServiceError, match="不能启用"):
        update_item(officer, item, is_active=True)
    # the database refuses a 未涉及 area without an explanation
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueArea.objects.filter(pk=decision.pk).update(reason="")
    # compiling it again brings the standard items back
    result = adopt_areas(officer, county.dept_a, [area])
    assert result.reactivated == CatalogueItem.objects.for_body(county.dept_a).count()
    assert CatalogueArea.objects.get(pk=decision.pk).reason == ""


def test_not_involved_without_prior_adoption(county, town_officer, areas):
    decision = mark_area_not_involved(town_officer, county.township_a, areas["taxation"], "乡镇不承担税收征管职能。")
    assert decision.catalogue.body == county.township_a
    n = AuditEvent.objects.count()
    mark_area_not_involved(town_officer, county.township_a, areas["taxation"], "乡镇不承担税收征管职能。")
    assert AuditEvent.objects.count() == n


def test_finalise_and_reopen(county, officer, areas):
    with pytest.raises(ServiceError, match="尚未编制"):
        finalise_catalogue(officer, county.dept_a)
    adopt_areas(officer, county.dept_a, [areas["agricultural-subsidies"]])
    today = timezone.localdate()
    with pytest.raises(ServiceError, match="不能晚于今天"):
        finalise_catalogue(officer, county.dept_a, today + dt.timedelta(days=1))
    catalogue = finalise_catalogue(officer, county.dept_a, today - dt.timedelta(days=3))
    assert catalogue.status == CatalogueStatus.FINALISED and catalogue.finalised_on == today - dt.timedelta(days=3)
    assert events("catalogue.finalised").get().data["adopted"] == ["agricultural-subsidies"]
    with pytest.raises(ServiceError, match="编制完成"):
        finalise_catalogue(officer, county.dept_a)
    # any change takes it back to 编制中, and says so in the audit entry
    item = CatalogueItem.objects.for_body(county.dept_a).first()
    update_item(officer, item, subject="测试县农业农村局")
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.DRAFT
    assert events("catalogue.item_updated").get().data["reopened"] is True
    finalise_catalogue(officer, county.dept_a)
    catalogue.refresh_from_db()
    assert catalogue.finalised_on == today


def test_finalise_needs_items_in_use(county, officer, office_admin, make_user, areas):
    mark_area_not_involved(officer, county.dept_a, areas["taxation"], "不涉及。")
    with pytest.raises(ServiceError, match="没有在用的事项"):
        finalise_catalogue(officer, county.dept_a)
    adopt_areas(officer, county.dept_a, [areas["employment"]])
    with pytest.raises(PermissionDenied):
        finalise_catalogue(make_user(Role.APPROVING_LEADER, county.dept_a), county.dept_a)
    finalise_catalogue(office_admin, county.dept_a)

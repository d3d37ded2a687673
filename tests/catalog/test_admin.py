"""Admin screens for the catalogues go through the services and the rules: role-scoped lists,
Chinese form errors, XLSX upload and download, no 500 on bad input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.catalog.models import AreaStatus, Catalogue, CatalogueArea, CatalogueItem, CatalogueStatus
from gongkai.catalog.services.catalogues import adopt_areas
from gongkai.catalog.services.transfer import export_standard_xlsx
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from tests.conftest import PASSWORD


@pytest.fixture
def login(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.fixture
def catalogue(county, areas):
    adopt_areas(SYSTEM, county.dept_a, [areas["agricultural-subsidies"]])
    return Catalogue.objects.get(body=county.dept_a)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:3000]
    return response.content.decode()


def test_standard_catalogues_are_readable_by_every_admin_user(login, county, make_user, areas):
    c = login(make_user(Role.REQUEST_HANDLER, county.township_a))
    html = ok(c.get(reverse("standard_areas:index")))
    assert "涉农补贴" in html and "乡村振兴" in html and "扶贫" in html
    html = ok(c.get(reverse("standard_areas:inspect", args=[areas["major-projects"].pk])))
    assert "发改办投资〔2019〕621号" in html and "征收土地信息" in html and "作出审批决定之日起7个工作日内" in html
    assert "7个工作日内公开" in html  # the machine-checkable reading next to the wording
    response = c.get(reverse("standard_areas:export", args=[areas["major-projects"].pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames == ["重大建设项目"]
    exported = AuditEvent.objects.filter(event_type="catalogue.exported").get()  # issue 13: every export
    assert exported.data["standard"] == "major-projects" and exported.scope_body_id == county.township_a.pk
    assert c.get(reverse("standard_areas:edit", args=[areas["major-projects"].pk])).status_code in (302, 403, 404)


def test_officer_compiles_the_catalogue_of_own_body_only(login, county, officer, areas):
    c = login(officer)
    form = ok(c.get(reverse("catalogues:add")))
    assert "测试县农业农村局" in form and "测试县教育局" not in form
    response = c.post(reverse("catalogues:add"), {"body": county.dept_a.pk,
                                                  "areas": [areas["agricultural-subsidies"].pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    catalogue = Catalogue.objects.get(body=county.dept_a)
    assert response["Location"] == reverse("catalogues:inspect", args=[catalogue.pk])
    assert CatalogueItem.objects.for_body(county.dept_a).count() == 17
    html = ok(c.get(response["Location"]))
    assert "涉农补贴" in html and "已编制" in html and "导出 Excel" in html and "确认编制完成" in html
    # another body's catalogue is not reachable, through forms or URLs
    assert c.post(reverse("catalogues:add"), {"body": county.dept_b.pk,
                                              "areas": [areas["employment"].pk]}).status_code == 200
    assert not Catalogue.objects.filter(body=county.dept_b).exists()
    assert c.get(reverse("catalogues:adopt", args=[county.dept_b.pk])).status_code == 404
    assert c.get(reverse("catalogues:export", args=[county.dept_b.pk])).status_code == 404


def test_catalogue_list_is_scoped(login, county, officer, office_admin, make_user, catalogue, areas):
    adopt_areas(SYSTEM, county.township_a, [areas["social-assistance"]])
    assert "测试县甲镇人民政府" not in ok(login(officer).get(reverse("catalogues:index")))
    html = ok(login(office_admin).get(reverse("catalogues:index")))
    assert "测试县农业农村局" in html and "测试县甲镇人民政府" in html
    reviewer = make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_a)
    html = ok(login(reviewer).get(reverse("catalogues:inspect", args=[catalogue.pk])))
    assert "导出 Excel" in html and "编制领域" not in html  # may read, not compile
    assert login(reviewer).get(reverse("catalogues:adopt", args=[county.dept_a.pk])).status_code in (302, 403)


def test_not_involved_needs_a_reason(login, county, officer, catalogue, areas):
    c = login(officer)
    url = reverse("catalogues:not_involved", args=[county.dept_a.pk])
    html = ok(c.post(url, {"area": areas["taxation"].pk, "reason": "   "}))
    assert "须说明原因" in html
    assert not CatalogueArea.objects.filter(area=areas["taxation"]).exists()
    response = c.post(url, {"area": areas["taxation"].pk, "reason": "本局不承担税收征管职能。"})
    assert response.status_code == 302
    decision = CatalogueArea.objects.get(catalogue=catalogue, area=areas["taxation"])
    assert decision.status == AreaStatus.NOT_INVOLVED
    assert "本局不承担税收征管职能。" in ok(c.get(reverse("catalogues:inspect", args=[catalogue.pk])))


def test_finalise(login, county, officer, catalogue):
    c = login(officer)
    url = reverse("catalogues:finalise", args=[county.dept_a.pk])
    assert "不能晚于今天" in ok(c.post(url, {"finalised_on": "2999-01-01"}))
    assert c.post(url, {"finalised_on": "2026-01-05"}).status_code == 302
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.FINALISED and str(catalogue.finalised_on) == "2026-01-05"
    assert "已于2026年1月5日编制完成" in ok(c.post(url, {"finalised_on": "2026-01-06"}))


def test_import_upload_and_export_download(login, county, town_officer, areas):
    c = login(town_officer)
    url = reverse("catalogues:import", args=[county.township_a.pk])
    ok(c.get(url))
    bad = SimpleUploadedFile("名单.xlsx", b"not a spreadsheet")
    html = ok(c.post(url, {"area": areas["social-assistance"].pk, "file": bad}))
    assert "不是 Excel 表格（.xlsx）格式" in html
    good = SimpleUploadedFile("社会救助.xlsx", export_standard_xlsx(areas["social-assistance"]))
    response = c.post(url, {"area": areas["social-assistance"].pk, "file": good}, follow=True)
    assert "“社会救助”领域已导入：共 18 项，新增 18 项" in ok(response)
    assert CatalogueItem.objects.for_body(county.township_a).count() == 18
    response = c.get(reverse("catalogues:export", args=[county.township_a.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheets = load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames
    assert sheets == ["社会救助", "未涉及领域说明"]
    exported = AuditEvent.objects.filter(event_type="catalogue.exported").get()  # issue 13: every export
    assert exported.data["areas"] == 1 and exported.data["items"] == 18 and exported.data["format"] == "xlsx"
    assert exported.scope_body_id == county.township_a.pk


def test_items_list_add_local_item_and_edit(login, county, officer, make_user, catalogue, areas):
    c = login(officer)
    html = ok(c.get(reverse("catalogue_items:index")))
    assert "耕地地力保护补贴" in html
    ok(c.get(reverse("catalogue_items:index") + f"?catalogue={catalogue.pk}&area={areas['agricultural-subsidies'].pk}"))
    ok(c.get(reverse("catalogue_items:add") + f"?body={county.dept_a.pk}"))
    data = {"body": county.dept_a.pk, "area": areas["agricultural-subsidies"].pk, "level1": "地方特色事项",
            "level2": "茶叶种植补贴", "content": "补贴对象、标准、申请程序、补贴结果", "basis": "《中华人民共和国农业法》",
            "time_limit_text": "按程序办理", "subject": "测试县农业农村局", "channel_website": "required",
            "audience_public": "on", "mode_proactive": "on"}
    assert "无法识别公开时限" in ok(c.post(reverse("catalogue_items:add"), data))
    data["time_limit_text"] = "信息形成或者变更之日起20个工作日内"
    response = c.post(reverse("catalogue_items:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = CatalogueItem.objects.get(level2="茶叶种植补贴")
    assert item.is_local and (item.level_county, item.level_township) == (True, False)
    assert item.channels == {"website": "required"}
    edit = reverse("catalogue_items:edit", args=[item.pk])
    form = ok(c.get(edit))
    assert "公开渠道：政府网站" in form
    response = c.post(edit, {**{k: v for k, v in data.items() if k not in ("body", "area")},
                             "subject": "测试县农业农村局种植业股", "channel_notice_board": "optional",
                             "level_county": "on", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.subject == "测试县农业农村局种植业股"
    assert item.channels == {"website": "required", "notice_board": "optional"}
    assert AuditEvent.objects.filter(event_type="catalogue.item_updated", actor_id=officer.pk).exists()
    ok(c.get(reverse("catalogue_items:inspect", args=[item.pk])))
    # another body's officer sees none of it
    other = login(make_user(Role.INFO_OFFICER, county.dept_b))
    assert "耕地地力保护补贴" not in ok(other.get(reverse("catalogue_items:index")))
    assert other.get(edit).status_code in (403, 404)
    assert other.post(edit, {"subject": "越权"}).status_code in (403, 404)

"""The public county website: page tree, generated guides, listings, footer and site setup."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site

from gongkai.core.actors import SYSTEM
from gongkai.core.models import BodyKind
from gongkai.core.services.bodies import create_body, update_body
from gongkai.portal.models import (
    AnnualReportIndexPage,
    DisclosureIndexPage,
    GuideIndexPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
    ProactiveIndexPage,
    SiteSettings,
)
from gongkai.portal.selectors import guide_url
from gongkai.portal.setup import OFFICE_GROUP, ensure_county_site
from tests.conftest import code

COLUMNS = {
    "/xxgk/zhinan/": "政府信息公开指南",
    "/xxgk/zhidu/": "政府信息公开制度",
    "/xxgk/fdzdgknr/": "法定主动公开内容",
    "/xxgk/nb/": "政府信息公开年报",
}
ART12_SECTIONS = ("一、政府信息的分类与编排体系", "二、政府信息的获取方式", "三、政府信息公开工作机构", "四、监督和救济")


def text(response) -> str:
    return response.content.decode()


def test_home_page_links_the_disclosure_column_and_every_guide(client, county, home):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="zh-CN">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'href="/xxgk/"' in page and "进入政府信息公开专栏" in page
    for body in (county.county, county.dept_a, county.township_a):
        assert f'href="/xxgk/zhinan/{body.code}/"' in page
    assert county.village_a.name not in page and county.section_a.name not in page
    assert 'data-mode-toggle="elder" aria-pressed="false"' in page
    assert 'href="#main"' in page and '<main id="main"' in page


def test_disclosure_column_has_the_four_standard_sub_columns_and_requests(client, home):
    from gongkai.requests.models import RequestIndexPage

    response = client.get("/xxgk/")
    assert response.status_code == 200
    for url, title in COLUMNS.items():
        assert f'href="{url}"' in text(response)
        column = client.get(url)
        assert column.status_code == 200, url
        assert f"<h1>{title}</h1>" in text(column)
        assert f'<span aria-current="page">{title}</span>' in text(column)  # breadcrumb
    disclosure = DisclosureIndexPage.objects.get()
    assert [type(p.specific) for p in disclosure.get_children()] == [
        GuideIndexPage, PolicyIndexPage, ProactiveIndexPage, AnnualReportIndexPage, RequestIndexPage,
    ]


def test_body_guide_is_generated_from_the_body_data(client, county, home):
    response = client.get(f"/xxgk/zhinan/{county.dept_a.code}/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1" in page and "测试县农业农村局政府信息公开指南</h1>" in page
    for heading in ART12_SECTIONS:
        assert heading in page
    # 三、the office from the body's own fields; an empty field says so.
    for value in ("测试县农业农村局办公室", "测试县人民路8号", "341900", "0797-5223003", "工作日上午8:30—12:00"):
        assert value in page
    assert page.count('<span class="missing">暂未提供</span>') == 2  # fax and e-mail
    # 二、how to apply: Art. 29 contents, Art. 33 time limits, Art. 42 fees.
    assert "身份证明" in page and "特征性描述" in page
    assert "20个工作日内予以答复" in page and "最长不得超过20个工作日" in page
    assert "不收取费用" in page and "信息处理费" in page
    # 四、remedies: 60 days, 6 months, 复议前置, complaints to the competent office with its contacts.
    assert "60日内" in page and "6个月内" in page and "应当先依法申请行政复议" in page
    assert "向测试县人民政府申请行政复议" in page
    assert "测试县人民政府办公室政务公开股投诉、举报" in page and "0797-5221000" in page
    # County-level Art. 21 items, not the township ones.
    assert "治安管理" in page and "宅基地使用情况审核" not in page


def test_township_guide_lists_the_township_items_of_article_21(client, county, home):
    page = text(client.get(f"/xxgk/zhinan/{county.township_a.code}/"))
    assert "宅基地使用情况审核" in page and "筹资筹劳" in page and "治安管理" not in page
    assert "向测试县人民政府申请行政复议" in page


def test_county_guide_sends_reviews_one_level_up(client, county, home):
    page = text(client.get(f"/xxgk/zhinan/{county.county.code}/"))
    assert "测试县人民政府政府信息公开指南" in page
    assert "向上一级人民政府申请行政复议" in page


@pytest.mark.parametrize("which", ["unknown", "inactive", "village", "lowercase"])
def test_guide_is_404_for_bodies_without_one(client, county, home, which):
    if which == "inactive":
        update_body(SYSTEM, county.dept_b, is_active=False)
    path_code = {
        "unknown": code(99),
        "inactive": county.dept_b.code,
        "village": county.village_a.code,
        "lowercase": county.dept_a.code.lower(),
    }[which]
    response = client.get(f"/xxgk/zhinan/{path_code}/")
    assert response.status_code == 404
    assert "您访问的页面不存在" in text(response) and '<html lang="zh-CN">' in text(response)


def test_guide_of_another_county_is_404_here(client, county, home):
    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(90))
    assert client.get(f"/xxgk/zhinan/{other.code}/").status_code == 404


def test_guide_url_helper(county, home):
    assert guide_url(county.dept_a) == f"/xxgk/zhinan/{county.dept_a.code}/"
    assert guide_url(county.village_a) is None and guide_url(county.section_a) is None


def test_guide_index_lists_active_bodies_by_group(client, county, home):
    update_body(SYSTEM, county.dept_b, is_active=False)
    page = text(client.get("/xxgk/zhinan/"))
    assert page.index("县政府") < page.index("县直部门") < page.index("乡镇（街道）")
    assert "测试县农业农村局政府信息公开指南" in page and "测试县教育局" not in page


def test_proactive_and_annual_report_columns_list_every_body_honestly(client, county, home):
    proactive = text(client.get("/xxgk/fdzdgknr/"))
    annual = text(client.get("/xxgk/nb/"))
    for body in (county.county, county.office, county.dept_a, county.dept_b, county.township_a, county.township_b):
        assert f'id="body-{body.code}"' in proactive and f'id="body-{body.code}"' in annual
    assert proactive.count("暂无法定主动公开内容") == 6
    assert annual.count("暂无已发布的年度报告") == 6
    assert "1月31日前" in annual and "3月31日前" in annual


def test_policies_are_real_pages_with_metadata(client, home):
    policies = PolicyPage.objects.live().order_by("pk")
    assert [p.title for p in policies] == [
        "测试县政府信息公开保密审查制度",
        "测试县政府信息公开申请办理工作制度",
        "测试县政府信息发布协调制度",
    ]
    listing = text(client.get("/xxgk/zhidu/"))
    for policy in policies:
        assert f'href="{policy.url}"' in listing
        page = text(client.get(policy.url))
        assert "发布机构：" in page and "测试县人民政府办公室政务公开股" in page
        assert page.count("<p>第") >= 7


def test_footer_shows_site_identity(client, home):
    settings = SiteSettings.objects.get()
    settings.site_code = "9901010001"
    settings.icp_number = "测ICP备20260001号"
    settings.police_number = "测公网安备99010102000001号"
    settings.save()
    page = text(client.get("/"))
    footer = page[page.index('<footer class="site-footer">'):]
    assert "网站标识码：9901010001" in footer
    assert "ICP备案号：测ICP备20260001号" in footer
    assert "公安机关备案号：测公网安备99010102000001号" in footer
    assert "主办单位：测试县人民政府" in footer and "gkb@example.gov.cn" in footer
    assert '<meta name="SiteIDCode" content="9901010001">' in page


def test_ensure_county_site_is_idempotent_and_replaces_the_welcome_site(county, home):
    def snapshot():
        return (
            Page.objects.count(),
            list(Site.objects.values_list("pk", "hostname", "port", "root_page", "is_default_site")),
            SiteSettings.objects.count(),
            GroupPagePermission.objects.count(),
        )

    before = snapshot()
    assert ensure_county_site(county.county).pk == home.pk
    assert snapshot() == before
    site = Site.objects.get()
    assert site.root_page_id == home.pk and site.is_default_site
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()  # Wagtail's "Welcome" page is gone
    assert HomePage.objects.get().title == "测试县人民政府"


def test_office_group_may_edit_and_publish_the_county_site(home):
    group = Group.objects.get(name=OFFICE_GROUP)
    granted = set(
        GroupPagePermission.objects.filter(group=group, page=home).values_list("permission__codename", flat=True)
    )
    assert granted == {"add_page", "change_page", "publish_page"}


def test_ensure_county_site_rejects_a_body_that_is_not_a_county(county, home):
    with pytest.raises(ValueError):
        ensure_county_site(county.dept_a)


def test_markup_in_body_names_is_escaped(client, county, home):
    create_body(SYSTEM, parent=county.county, kind=BodyKind.DEPARTMENT, name="<script>alert(1)</script>局",
                code=code(70))
    for url in ("/", "/xxgk/zhinan/", "/xxgk/fdzdgknr/", f"/xxgk/zhinan/{code(70)}/"):
        page = text(client.get(url))
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in page, url


def test_pages_never_write_to_the_database(client, county, home):
    SiteSettings.objects.all().delete()  # rendering must not create them either
    paths = ["/", "/xxgk/", *COLUMNS, f"/xxgk/zhinan/{county.dept_a.code}/", "/missing/"]
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            client.get(path)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
    assert writes == []
    assert len(queries) < 20 * len(paths)


def test_second_county_gets_its_own_site(client, county, home, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "linxian.example.gov.cn"]
    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(90))
    dept = create_body(SYSTEM, parent=other, kind=BodyKind.DEPARTMENT, name="邻县教育局", code=code(91))
    other_home = ensure_county_site(other, hostname="linxian.example.gov.cn", port=80, is_default=False)
    assert other_home.pk != home.pk and Site.objects.get(is_default_site=True).root_page_id == home.pk
    page = text(client.get(f"/xxgk/zhinan/{dept.code}/", HTTP_HOST="linxian.example.gov.cn"))
    assert "邻县教育局政府信息公开指南" in page and "邻县人民政府" in page
    with pytest.raises(ValueError):
        ensure_county_site(
            create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="远县人民政府", code=code(92)),
            hostname="linxian.example.gov.cn", port=80, is_default=False,
        )


def test_server_error_page_stands_alone():
    page = render_to_string("500.html")
    assert '<html lang="zh-CN">' in page and "系统繁忙" in page and "<link" not in page


def test_editors_can_open_every_portal_page_and_the_settings_in_the_admin(client, superuser, home):
    client.force_login(superuser)
    for page in Page.objects.descendant_of(home, inclusive=True).specific():
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, page
    site = Site.objects.get()
    response = client.get(reverse("wagtailsettings:edit", args=["portal", "sitesettings", site.pk]))
    assert response.status_code == 200
    assert "政府网站标识码" in text(response)

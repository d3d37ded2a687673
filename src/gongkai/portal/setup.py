"""Create the public website of a county: page tree, Wagtail Site, site settings, page permissions.

Called by the demo loader and by operators adding a county; safe to call again (it only adds what is
missing and never overwrites what editors changed).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site

from gongkai.core.models import Body, BodyKind
from gongkai.portal.models import (
    AnnualReportIndexPage,
    DisclosureIndexPage,
    GuideIndexPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
    ProactiveIndexPage,
    SiteSettings,
    StandardisationIndexPage,
)
from gongkai.portal.policy_texts import policy_texts
from gongkai.portal.selectors import competent_office, place_name

OFFICE_GROUP = "公开办管理员"  # created by core migration 0003_staff_groups
OFFICE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _columns(place: str) -> list[tuple[type[Page], str, str, str, str]]:
    """The four standard sub-columns: (model, slug, title, summary, intro)."""
    return [
        (
            GuideIndexPage,
            "zhinan",
            "政府信息公开指南",
            "各单位政府信息的分类与编排、获取方式、公开工作机构和监督救济途径",
            "<p>根据《中华人民共和国政府信息公开条例》第十二条，各行政机关编制并公布本机关的政府信息公开指南。"
            "申请获取政府信息前，请先查阅相应单位的指南。</p>",
        ),
        (
            PolicyIndexPage,
            "zhidu",
            "政府信息公开制度",
            f"{place}政府信息公开保密审查、申请办理、发布协调等工作制度",
            f"<p>本栏目发布{place}政府信息公开工作的有关制度。</p>",
        ),
        (
            ProactiveIndexPage,
            "fdzdgknr",
            "法定主动公开内容",
            "县政府、县直部门和各乡镇（街道）依法主动公开的政府信息",
            "<p>本栏目按公开主体发布法定主动公开的政府信息。各单位依照《中华人民共和国政府信息公开条例》"
            "第二十条、第二十一条确定本单位主动公开的内容，自信息形成或者变更之日起20个工作日内公开。</p>",
        ),
        (
            AnnualReportIndexPage,
            "nb",
            "政府信息公开年报",
            "各单位上一年度政府信息公开工作年度报告",
            f"<p>本栏目发布{place}各行政机关的政府信息公开工作年度报告。</p>",
        ),
    ]


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _ensure_child(parent: Page, model: type[Page], **fields) -> tuple[Page, bool]:
    existing = model.objects.child_of(parent).first()
    if existing is not None:
        return existing, False
    return _publish(parent, model(**fields)), True


def _welcome_site() -> Site | None:
    """Wagtail's default site, if it still points at the plain "Welcome" page from its migration."""
    plain = ContentType.objects.get_for_model(Page)
    return Site.objects.filter(is_default_site=True, root_page__content_type=plain, root_page__depth=2).first()


def _ensure_site(home: HomePage, *, hostname: str, port: int, is_default: bool, site_name: str) -> Site:
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        welcome = _welcome_site() if is_default else None
        clash = Site.objects.filter(hostname=hostname, port=port).exclude(pk=welcome.pk if welcome else None)
        if clash.exists():
            raise ValueError(f"{hostname}:{port} is already the address of another site")
        if welcome is not None:
            old_root = welcome.root_page
            welcome.root_page, welcome.hostname, welcome.port, welcome.site_name = home, hostname, port, site_name
            welcome.save()
            site = welcome
            if not old_root.get_children().exists():
                old_root.delete()
        else:
            site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=site_name)
    if is_default and not site.is_default_site:
        for other in Site.objects.filter(is_default_site=True):
            other.is_default_site = False
            other.save()
        site.is_default_site = True
        site.save()
    return site


def _grant_office_group(home: HomePage) -> None:
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    permissions = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Page), codename__in=OFFICE_PAGE_PERMISSIONS
    )
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)


@transaction.atomic
def ensure_county_site(county: Body, *, hostname: str = "127.0.0.1", port: int = 8000, is_default: bool = True
                       ) -> HomePage:
    """Make sure ``county`` has its public website and return its HomePage.

    Creates, where missing: the HomePage under Wagtail's root (taking over Wagtail's default
    "Welcome" site when ``is_default``), the 政府信息公开 column with its four standard sub-columns
    (and 依申请公开, as county sites add 申请公开政府信息 beside them: domain facts §7.3) and three
    starting rules under 政府信息公开制度, the 村务公开 and 基层政务公开标准化规范化 columns, the Site at ``hostname:port``, the SiteSettings
    and add/change/publish rights on the site for the 公开办管理员 group. Existing pages, sites and
    settings are left as they are, so a second call changes nothing.

    Raises ValueError if ``county`` is not a county or ``hostname:port`` belongs to another site.
    """
    if county.kind != BodyKind.COUNTY:
        raise ValueError(f"{county} is not a county")
    place = place_name(county)
    site_name = f"{place}人民政府"
    office = competent_office(county)
    office_name = (office.disclosure_office or office.name) if office else f"{place}人民政府办公室"

    home = HomePage.objects.filter(county=county).first()
    if home is None:
        home = _publish(
            Page.get_first_root_node(),
            HomePage(
                title=site_name,
                slug=(county.code or f"county-{county.pk}").lower(),
                county=county,
                intro=f"<p>本平台是{site_name}依照《中华人民共和国政府信息公开条例》设立的政府信息公开统一平台，"
                f"集中发布县政府、县直部门和各乡镇（街道）的政府信息公开指南、政府信息公开制度、"
                f"法定主动公开内容和政府信息公开年报。</p>",
            ),
        )
    disclosure, _ = _ensure_child(
        home,
        DisclosureIndexPage,
        title="政府信息公开",
        slug="xxgk",
        show_in_menus=True,
        search_description=f"{site_name}政府信息公开平台",
        intro="<p>根据《中华人民共和国政府信息公开条例》和《关于规范政府信息公开平台有关事项的通知》"
        "（国办公开办函〔2019〕61号），本栏目统一设置政府信息公开指南、政府信息公开制度、"
        "法定主动公开内容和政府信息公开年报四个子栏目，并提供依申请公开在线申请和办理进度查询。</p>",
    )
    for model, slug, title, summary, intro in _columns(place):
        column, created = _ensure_child(
            disclosure, model, title=title, slug=slug, show_in_menus=True, search_description=summary, intro=intro
        )
        if created and model is PolicyIndexPage:
            for text in policy_texts(place, office_name):
                _publish(column, PolicyPage(title=text.title, slug=text.slug, issuer=office_name, body=text.html()))

    from gongkai.requests.setup import ensure_request_page

    ensure_request_page(home)  # 申请公开政府信息, after the four standard columns
    from gongkai.villages.models import VillageAffairsIndexPage  # the app builds on the portal's pages

    _ensure_child(  # beside 政府信息公开, which keeps exactly its four statutory sub-columns (61号文)
        home, VillageAffairsIndexPage, title="村务公开", slug="cwgk", show_in_menus=True,
        search_description=f"{place}各乡镇（街道）、村（社区）村务公开和惠民惠农补贴发放公示",
        intro="<p>本栏目按乡镇（街道）、村（社区）发布村务公开事项和惠民惠农财政补贴资金发放公示，"
        "实现县、乡、村三级公开联动。公示名单中的身份证号、银行账号已作去标识化处理。</p>",
    )
    _ensure_child(
        home, StandardisationIndexPage, title="基层政务公开标准化规范化", slug="jczwgk", show_in_menus=True,
        search_description=f"{place}基层政务公开标准目录及各领域公开事项",
        intro=f"<p>根据《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号），"
        f"{place}各单位对照国务院部门制定的基层政务公开标准指引，编制本单位公开事项标准目录。"
        f"本栏目按领域展示各单位的标准目录，每个事项链接到已公开的政府信息。</p>",
    )
    site = _ensure_site(home, hostname=hostname, port=port, is_default=is_default, site_name=site_name)
    SiteSettings.objects.get_or_create(
        site=site,
        defaults={
            "site_name": site_name,
            "sponsor": site_name,
            "organizer": office_name,
            "correction_phone": office.phone if office else "",
            "correction_email": office.email if office else "",
        },
    )
    _grant_office_group(home)
    return home

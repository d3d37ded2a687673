"""What of the portal reaches the public, for the privacy gate (privacy.public_sources): the
editorial pages (column leads, the site introduction, 制度 pages) and the generated guides built
from each body's profile; and the public routes of the portal's page types and of urls.py.

Editorial pages are checked whenever Wagtail saves them (``CountyPageMixin.clean``): a draft that
holds an unmasked number is refused with the finding beside the field, so none can be published.
"""

from __future__ import annotations

from gongkai.privacy.public_sources import PublicSource, TextPart, register_route, register_source

PAGE = "portal.page"
BODY_PROFILE = "core.body_profile"


def page_parts(page) -> list[TextPart]:
    from wagtail.fields import RichTextField

    parts = [TextPart("标题", page.title, field="title")]
    for model_field in page._meta.get_fields():
        if isinstance(model_field, RichTextField):
            parts.append(TextPart(str(model_field.verbose_name), getattr(page, model_field.attname) or "", html=True,
                                  field=model_field.attname))
    return parts


def body_parts(body) -> list[TextPart]:
    """What a generated 政府信息公开指南 and the body's 机构信息 page show of a body besides its
    published contacts (which the gate allows: they are the office's own)."""
    return [TextPart("机构名称", body.name), TextPart("办公地址", body.address), TextPart("机构职能", body.functions),
            TextPart("政府信息公开工作机构", body.disclosure_office), TextPart("负责人", body.head_name),
            TextPart("办公时间", body.office_hours)]


def register() -> None:
    from django.urls import reverse
    from wagtail.models import Page

    from gongkai.core.models import Body
    from gongkai.portal.models import HomePage

    def county_pages(county):
        homes = HomePage.objects.filter(county=county)
        pages = Page.objects.none()
        for home in homes:
            pages = pages | Page.objects.live().descendant_of(home, inclusive=True)
        return (page.specific for page in pages)

    register_source(PublicSource(
        key=PAGE, label="网站栏目页面（栏目说明、网站简介、制度文件正文）", parts=page_parts, live=county_pages,
        body=lambda page: page.county, admin_url=lambda page: reverse("wagtailadmin_pages:edit", args=[page.pk]),
        title=lambda page: page.title,
    ))
    register_source(PublicSource(
        key=BODY_PROFILE, label="政府信息公开指南和机构信息页中的机构信息", parts=body_parts,
        live=lambda county: Body.objects.filter(path__startswith=county.path, is_active=True),
        body=lambda body: body, title=lambda body: body.name,
    ))
    from gongkai.disclosure.public_sources import RECORD

    for model in ("wagtailcore.Page", "portal.PolicyIndexPage", "portal.PolicyPage"):
        register_route(model, PAGE)
    for model in ("portal.HomePage", "portal.DisclosureIndexPage"):  # with 最新公开: the latest records
        register_route(model, PAGE, RECORD)
    for route in ("index", "index_route"):
        register_route(f"portal.GuideIndexPage:{route}", PAGE, BODY_PROFILE)
        register_route(f"portal.StandardisationIndexPage:{route}", PAGE, RECORD)
        register_route(f"portal.ProactiveIndexPage:{route}", PAGE, RECORD)
    register_route("portal.GuideIndexPage:body_guide", BODY_PROFILE)
    register_route("portal.ProactiveIndexPage:body_profile", BODY_PROFILE, RECORD)  # 机构信息 + 人事信息 records
    register_route("portal.StandardisationIndexPage:area", RECORD)
    for route in ("body_records", "search", "record", "feed", "body_feed", "attachment"):
        register_route(f"portal.ProactiveIndexPage:{route}", RECORD)
    register_route("url:sitemap", RECORD, PAGE)
    register_route("url:documents/", note="Wagtail 文档库不是公开路径：文件只提供给已登录的工作人员（portal.wagtail_hooks）")

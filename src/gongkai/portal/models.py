"""The public county website: the 政府信息公开 column tree (国办公开办函〔2019〕61号) and site settings.

Page tree of one county site::

    HomePage (site root, one per county)
    └── DisclosureIndexPage  政府信息公开  /xxgk/
        ├── GuideIndexPage        政府信息公开指南  /xxgk/zhinan/   and /xxgk/zhinan/<统一社会信用代码>/
        ├── PolicyIndexPage       政府信息公开制度  /xxgk/zhidu/    └── PolicyPage …
        ├── ProactiveIndexPage    法定主动公开内容  /xxgk/fdzdgknr/
        └── AnnualReportIndexPage 政府信息公开年报  /xxgk/nb/

Guides are generated from the bodies' data (Art. 12 of the 条例), so a guide is current as soon as a
body's contacts change; pages hold only what editors write.
"""

from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from gongkai.core.models import BodyKind
from gongkai.portal import guide, selectors

INTRO_FEATURES = ["bold", "link", "ol", "ul"]
BODY_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


def _today() -> datetime.date:
    return timezone.localdate()


class CountyPageMixin:
    """The county site a page belongs to. HomePage's ``county`` field overrides the property.

    Every save of a portal page is checked by the privacy gate (``clean``): its title and rich
    text fields may not hold an unmasked ID number, mobile or account (public source
    ``portal.page``), so no draft that does can be published."""

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from gongkai.portal.public_sources import PAGE
        from gongkai.privacy.public_sources import field_errors

        errors = field_errors(PAGE, self)
        if errors:
            raise ValidationError(errors)

    @cached_property
    def portal_home(self):
        return HomePage.objects.ancestor_of(self, inclusive=True).select_related("county").first()

    @cached_property
    def county(self):
        return self.portal_home.county if self.portal_home else None


class IntroPage(CountyPageMixin, Page):
    """A column page with an editable lead paragraph."""

    intro = RichTextField(_("栏目说明"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count_per_parent = 1
    subpage_types: list[str] = []

    class Meta:
        abstract = True


class HomePage(CountyPageMixin, Page):
    county = models.ForeignKey(
        "core.Body",
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": BodyKind.COUNTY},
    )
    intro = RichTextField(_("网站简介"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("county"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.DisclosureIndexPage", "portal.StandardisationIndexPage"]

    class Meta:
        verbose_name = _("县级政府网站首页")
        verbose_name_plural = _("县级政府网站首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        column = DisclosureIndexPage.objects.child_of(self).live().first()
        context["disclosure_index"] = column
        context["columns"] = column.get_children().live().specific() if column else []
        context["guide_index"] = GuideIndexPage.objects.descendant_of(self).live().first()
        context["groups"] = selectors.body_groups(self.county)
        context["competent_office"] = selectors.competent_office(self.county)
        context["latest_records"] = selectors.latest_records(self.county)
        context["proactive_index"] = ProactiveIndexPage.objects.descendant_of(self).live().first()
        return context


class DisclosureIndexPage(IntroPage):
    """政府信息公开: the one statutory platform column (国办公开办函〔2019〕61号)."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = [
        "portal.GuideIndexPage",
        "portal.PolicyIndexPage",
        "portal.ProactiveIndexPage",
        "portal.AnnualReportIndexPage",
        "gongkai_requests.RequestIndexPage",  # 申请公开政府信息, beside the four standard sub-columns
    ]

    class Meta:
        verbose_name = _("政府信息公开栏目")
        verbose_name_plural = _("政府信息公开栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["columns"] = self.get_children().live().specific()
        context["latest_records"] = selectors.latest_records(self.county)
        context["proactive_index"] = ProactiveIndexPage.objects.child_of(self).live().first()
        return context


class GuideIndexPage(RoutablePageMixin, IntroPage):
    """政府信息公开指南: one guide per disclosure body, generated from its data (Art. 12)."""

    parent_page_types = ["portal.DisclosureIndexPage"]

    class Meta:
        verbose_name = _("政府信息公开指南栏目")
        verbose_name_plural = _("政府信息公开指南栏目")

    @path("")
    def index(self, request):
        return self.render(request, context_overrides={"groups": selectors.body_groups(self.county)})

    @path("<str:code>/", name="body_guide")
    def body_guide(self, request, code: str):
        body = get_object_or_404(selectors.guide_bodies(self.county), code=code)
        return self.render(
            request,
            template="portal/body_guide.html",
            context_overrides={
                "body": body,
                "guide": guide.build(body, self.county),
                "competent_office": selectors.competent_office(self.county),
                "disclosure_index": self.get_parent(),
                "extra_crumb": body.name,
            },
        )

    def body_url(self, body, request=None) -> str | None:
        base = self.get_url(request)
        return base + self.reverse_subpage("body_guide", kwargs={"code": body.code}) if base else None


class PolicyIndexPage(IntroPage):
    """政府信息公开制度: the county's own rules on disclosure work."""

    parent_page_types = ["portal.DisclosureIndexPage"]
    subpage_types = ["portal.PolicyPage"]

    class Meta:
        verbose_name = _("政府信息公开制度栏目")
        verbose_name_plural = _("政府信息公开制度栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Newest first; on the same day, the order editors gave them in the page tree.
        context["policies"] = PolicyPage.objects.child_of(self).live().order_by("-published_date", "path")
        return context


class PolicyPage(CountyPageMixin, Page):
    document_number = models.CharField(_("文号"), max_length=80, blank=True, help_text=_("如：青政办发〔2025〕3号"))
    issuer = models.CharField(_("发布机构"), max_length=100, blank=True)
    published_date = models.DateField(_("发布日期"), default=_today)
    body = RichTextField(_("正文"), features=BODY_FEATURES)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("document_number"), FieldPanel("issuer"), FieldPanel("published_date")],
            heading=_("文件信息"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("document_number"), index.SearchField("body")]
    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("政府信息公开制度")
        verbose_name_plural = _("政府信息公开制度")


class ProactiveIndexPage(RoutablePageMixin, IntroPage):
    """法定主动公开内容, arranged by disclosure body: each body's published records, and each
    record's own page with its standard metadata."""

    parent_page_types = ["portal.DisclosureIndexPage"]
    RECORDS_PER_PAGE = 20

    class Meta:
        verbose_name = _("法定主动公开内容栏目")
        verbose_name_plural = _("法定主动公开内容栏目")

    @path("")
    def index(self, request):
        from gongkai.disclosure.selectors import record_counts

        return self.render(request, context_overrides={
            "groups": selectors.body_groups(self.county),
            "record_counts": record_counts(self.county) if self.county else {},
        })

    @path("body/<str:code>/", name="body_records")
    def body_records(self, request, code: str):
        """A body's records by area → catalogue item, filterable by type and year, paginated."""
        from django.core.paginator import Paginator

        from gongkai.disclosure.models import DocumentType
        from gongkai.disclosure.selectors import filter_records, public_records

        body = get_object_or_404(selectors.guide_bodies(self.county), code=code)
        listing = selectors.RecordListing.from_query(request.GET, body=body)
        typed = filter_records(public_records(self.county), body=body, doc_type=listing.doc_type, year=listing.year)
        records = filter_records(typed, area=listing.area_code, item=listing.item_id)
        page = Paginator(records, self.RECORDS_PER_PAGE).get_page(request.GET.get("page"))
        return self.render(request, template="portal/body_records.html", context_overrides={
            "village_affairs": self._village_affairs(body, request), "body": body, "records": page, "listing": listing, "area_nav": selectors.area_navigation(body, typed, listing),
            "listing_doc_types": DocumentType.choices,
            "profile_url": self.get_url(request) + self.reverse_subpage("body_profile", kwargs={"code": body.code}),
            "extra_crumb": body.name,
        })

    @path("body/<str:code>/about/", name="body_profile")
    def body_profile(self, request, code: str):
        """机构信息 of one body: 机构职能, 负责人, contacts, 内设机构 and its 人事信息 records."""
        body = get_object_or_404(selectors.guide_bodies(self.county), code=code)
        return self.render(request, template="portal/body_profile.html", context_overrides={
            "body": body, **selectors.body_profile(body),
            "records_url": self.get_url(request) + self.reverse_subpage("body_records", kwargs={"code": body.code}),
            "extra_crumb": f"{body.name} · 机构信息",
        })

    def _village_affairs(self, body, request) -> dict | None:
        """县-乡-村 linkage: a township's list links to its villages' 村务公开 (``/cwgk/``), which the
        villages app serves under the same county home page."""
        from gongkai.core.models import BodyKind
        from gongkai.villages.models import VillageAffairsIndexPage  # the app builds on the portal's pages

        if body.kind != BodyKind.TOWNSHIP:
            return None
        column = VillageAffairsIndexPage.objects.live().descendant_of(self.get_site().root_page).first()
        if column is None:
            return None
        villages = body.get_children().filter(kind=BodyKind.VILLAGE, is_active=True).count()
        return {"url": column.township_url(body), "villages": villages}

    @path("search/", name="search")
    def search_view(self, request):
        """Full-text search of the county's published records (and their attachments' text),
        with exact lookup of 文号 and 索引号 and the list filters."""
        from gongkai.portal.search import search_records

        return self.render(request, template="portal/search.html", context_overrides={
            **search_records(self, request), "extra_crumb": _("检索"),
        })

    def search_url(self, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("search")

    @path("info/<int:pk>/", name="record")
    def record(self, request, pk: int):
        from gongkai.disclosure.selectors import public_records, timeliness

        record = get_object_or_404(
            public_records(self.county).prefetch_related("attachments", "catalogue_items__area"), pk=pk)
        return self.render(request, template="portal/record_page.html", context_overrides={
            "record": record, "timeliness": timeliness(record), "extra_crumb": record.body.name,
        })

    @path("rss/", name="feed")
    def feed(self, request):
        from gongkai.disclosure.selectors import public_records

        return self._feed(request, public_records(self.county), self.title)

    @path("body/<str:code>/rss/", name="body_feed")
    def body_feed(self, request, code: str):
        from gongkai.disclosure.selectors import filter_records, public_records

        body = get_object_or_404(selectors.guide_bodies(self.county), code=code)
        return self._feed(request, filter_records(public_records(self.county), body=body), f"{body.name} · {self.title}")

    FEED_ITEMS = 50

    def _feed(self, request, records, title):
        from django.http import HttpResponse
        from django.utils.feedgenerator import Rss201rev2Feed

        link = self.get_full_url(request)
        feed = Rss201rev2Feed(title=title, link=link, description=str(self.intro_text()), language="zh-cn")
        for record in records[: self.FEED_ITEMS]:
            url = request.build_absolute_uri(self.record_url(record, request))
            feed.add_item(title=record.title, link=url, unique_id=url, pubdate=record.first_published_at,
                          description=record.summary or record.title, author_name=record.body.name,
                          categories=[record.get_doc_type_display()])
        response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response

    def intro_text(self) -> str:
        from gongkai.privacy.reading import plain_text

        return plain_text(self.intro) or self.title

    @path("info/<int:pk>/attachment/<int:attachment_id>/", name="attachment")
    def attachment(self, request, pk: int, attachment_id: int):
        """Download an attachment of a published record. Files are never linked by their storage
        path, so a draft's attachments cannot be fetched by guessing a URL."""
        from pathlib import PurePath

        from django.http import FileResponse, Http404

        from gongkai.disclosure.selectors import public_records

        record = get_object_or_404(public_records(self.county), pk=pk)
        attachment = get_object_or_404(record.attachments.all(), pk=attachment_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        suffix = PurePath(attachment.file.name).suffix
        name = attachment.title if attachment.title.endswith(suffix) else attachment.title + suffix
        return FileResponse(handle, as_attachment=True, filename=name)

    def attachment_url(self, record, attachment, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage(
            "attachment", kwargs={"pk": record.pk, "attachment_id": attachment.pk})

    def record_path(self, record) -> str:
        """Site-relative path of a record's page (for sitemaps, which add scheme and host)."""
        _site_id, _root, page_path = self.get_url_parts()
        return page_path + self.reverse_subpage("record", kwargs={"pk": record.pk})

    def record_url(self, record, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("record", kwargs={"pk": record.pk})

    def body_records_url(self, body, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("body_records", kwargs={"code": body.code})


class AnnualReportIndexPage(RoutablePageMixin, IntroPage):
    """政府信息公开年报 of every disclosure body (Art. 49-50): the index, each published report at
    ``<code>/<year>/``, superseded versions at ``<code>/<year>/v<N>/`` and their DOCX/XLSX. The views
    are in ``reports.public_views`` (the reports app builds on the portal's pages)."""

    parent_page_types = ["portal.DisclosureIndexPage"]
    template = "reports/public/index.html"

    class Meta:
        verbose_name = _("政府信息公开年报栏目")
        verbose_name_plural = _("政府信息公开年报栏目")

    @path("")
    def index(self, request):
        from gongkai.reports import public_views

        return public_views.index(self, request)

    @path("<str:code>/<int:year>/", name="report")
    def report(self, request, code: str, year: int):
        from gongkai.reports import public_views

        return public_views.report(self, request, code, year)

    @path("<str:code>/<int:year>/v<int:version>/", name="report_version")
    def report_version(self, request, code: str, year: int, version: int):
        from gongkai.reports import public_views

        return public_views.report(self, request, code, year, version)

    @path("<str:code>/<int:year>/v<int:version>/<str:fmt>/", name="download")
    def download(self, request, code: str, year: int, version: int, fmt: str):
        from gongkai.reports import public_views

        return public_views.download(self, request, code, year, version, fmt)

    def report_url(self, body, year: int, version: int | None = None, request=None) -> str:
        kwargs = {"code": body.code, "year": year}
        if version is None:
            return self.get_url(request) + self.reverse_subpage("report", kwargs=kwargs)
        return self.get_url(request) + self.reverse_subpage("report_version", kwargs={**kwargs, "version": version})

    def download_url(self, body, year: int, version: int, fmt: str, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage(
            "download", kwargs={"code": body.code, "year": year, "version": version, "fmt": fmt})


class StandardisationIndexPage(RoutablePageMixin, IntroPage):
    """基层政务公开标准化规范化 column (国办发〔2019〕54号): one page per standard area with each
    body's catalogue table, every item linked to its published records and their timeliness."""

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("基层政务公开标准化规范化栏目")
        verbose_name_plural = _("基层政务公开标准化规范化栏目")

    @path("")
    def index(self, request):
        from gongkai.catalog.selectors import county_areas

        return self.render(request, context_overrides={"areas": county_areas(self.county) if self.county else []})

    @path("<slug:code>/", name="area")
    def area(self, request, code: str):
        from gongkai.catalog.models import StandardArea
        from gongkai.catalog.selectors import county_area_catalogues
        from gongkai.core.selectors import work_calendar
        from gongkai.disclosure.selectors import timeliness

        area = get_object_or_404(StandardArea, code=code)
        cal = work_calendar()
        bodies = []
        for body, items in county_area_catalogues(self.county, area) if self.county else []:
            rows = [(item, [(record, timeliness(record, cal=cal)) for record in item.records.all()[:20]])
                    for item in items]
            bodies.append((body, rows))
        return self.render(request, template="portal/standard_area.html", context_overrides={
            "area": area, "bodies": bodies, "extra_crumb": area.name,
        })

    def area_url(self, area, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("area", kwargs={"code": area.code})


site_code_validator = RegexValidator(r"^[0-9A-Za-z]{10}$", _("政府网站标识码为10位数字或字母"))


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Identity of one county website, shown in the header and footer of every page."""

    site_name = models.CharField(_("网站名称"), max_length=100, help_text=_("如：青山县人民政府"))
    site_code = models.CharField(
        _("政府网站标识码"), max_length=10, blank=True, validators=[site_code_validator]
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=60, blank=True, help_text=_("如：某ICP备12345678号"))
    police_number = models.CharField(
        _("公安机关备案号"), max_length=60, blank=True, help_text=_("如：某公网安备 00000000000000号")
    )
    sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)
    organizer = models.CharField(_("承办单位"), max_length=100, blank=True)
    correction_phone = models.CharField(_("网站纠错电话"), max_length=40, blank=True)
    correction_email = models.EmailField(_("网站纠错邮箱"), blank=True)
    # Security (issue 13): the county's choice for staff other than office admins and superusers
    # (who always need 2FA). Not in ``panels``: Wagtail's settings screen saves without the
    # service, so this is changed only on the audited 双因素认证 screen (core.two_factor_views).
    require_staff_two_factor = models.BooleanField(
        _("所有工作人员须启用双因素认证"), default=False,
        help_text=_("开启后，本县所有可登录管理后台的工作人员都须绑定验证器应用；公开办管理员和平台超级管理员始终须启用"),
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("site_code")], heading=_("网站标识")),
        MultiFieldPanel(
            [FieldPanel("sponsor"), FieldPanel("organizer"), FieldPanel("icp_number"), FieldPanel("police_number")],
            heading=_("主办与备案"),
        ),
        MultiFieldPanel([FieldPanel("correction_phone"), FieldPanel("correction_email")], heading=_("网站纠错")),
    ]

    class Meta:
        verbose_name = _("网站设置")
        verbose_name_plural = _("网站设置")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the header and page titles, falling back to the Wagtail site's name."""
        site_name = self.site.site_name if self.site_id else ""
        return self.site_name or site_name or str(_("政务公开"))

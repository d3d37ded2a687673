"""Standard catalogues (基层政务公开标准目录) and each body's own catalogue compiled from them.

- ``StandardArea`` / ``StandardItem``: the 26 areas of the 2019 guidelines and their rows, shipped as
  package data and loaded by a data migration (domain facts §4.2–4.4; see ``gongkai.catalog.standard``);
  read-only in the admin.
- ``Catalogue``: a body's 公开事项标准目录 (国办发〔2019〕54号: every 基层政府 compiles its own against the
  26 guidelines), with its state: 编制中 or 编制完成 (with the date).
- ``CatalogueArea``: the body's decision about one area: compiled (已编制) or 未涉及 with the required
  explanation (the "未涉及领域事项说明" of county catalogues, §4.2).
- ``CatalogueItem``: one item of the body's catalogue, copied from a StandardItem or added locally
  (地方特色事项). Government-information records link to it.

Models hold data and invariants only; every change goes through ``gongkai.catalog.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.channels import format_channels
from gongkai.catalog.timelimits import describe
from gongkai.core.models import Body, BodyKind
from gongkai.rules.timeliness import LimitKind, TimeLimit

# The labels of gongkai.rules.timeliness.LimitKind, translatable (tests keep the two in step).
LIMIT_KIND_CHOICES = [
    (LimitKind.WORKDAYS_FROM_FORMATION.value, _("形成或变更之日起N个工作日内公开")),
    (LimitKind.PUBLICITY_PERIOD.value, _("公示期N个工作日")),
    (LimitKind.CALENDAR_DAYS.value, _("形成或变更之日起N日内公开（自然日）")),
    (LimitKind.NONE.value, _("无明确时限（及时公开等）")),
]


class ItemFields(models.Model):
    """The columns of a catalogue row (standard layout, domain facts §4.3), shared by the standard
    rows and the bodies' items. ``time_limit_text`` keeps the official wording; ``limit_*`` hold the
    machine-checkable rule read from it (``gongkai.catalog.timelimits.parse_time_limit``)."""

    level1 = models.CharField(_("一级事项"), max_length=100)
    level2 = models.CharField(_("二级事项"), max_length=200, blank=True)
    content = models.TextField(_("公开内容（要素）"))
    basis = models.TextField(_("公开依据"))
    time_limit_text = models.CharField(_("公开时限"), max_length=500)
    limit_kind = models.CharField(_("时限类型"), max_length=16, choices=LIMIT_KIND_CHOICES,
                                  default=LimitKind.WORKDAYS_FROM_FORMATION.value)
    limit_days = models.PositiveSmallIntegerField(_("时限（日数）"), default=20,
                                                  help_text=_("工作日类事项为工作日数，自然日类事项为自然日数，"
                                                              "公示类事项为公示期的工作日数"))
    limit_publish_within = models.PositiveSmallIntegerField(_("公示前公开时限（工作日）"), default=20)
    subject = models.CharField(_("公开主体"), max_length=300)
    # code → "required" (■) / "optional" (□); absent channels are not stored (channels.CHANNELS).
    channels = models.JSONField(_("公开渠道和载体"), default=dict)
    other_channels = models.CharField(_("其他渠道"), max_length=200, blank=True,
                                      help_text=_("“其他”渠道的具体名称，如：公共资源交易平台"))
    audience_public = models.BooleanField(_("全社会"), default=False)
    audience_specific = models.BooleanField(_("特定群体"), default=False)
    mode_proactive = models.BooleanField(_("主动公开"), default=False)
    mode_on_request = models.BooleanField(_("依申请公开"), default=False)
    level_county = models.BooleanField(_("县级"), default=False)
    level_township = models.BooleanField(_("乡级"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.level1} / {self.level2}" if self.level2 else self.level1

    @property
    def time_limit(self) -> TimeLimit:
        """The machine-checkable 公开时限 (gongkai.rules.timeliness)."""
        return TimeLimit(LimitKind(self.limit_kind), days=self.limit_days, publish_within=self.limit_publish_within)

    @property
    def time_limit_summary(self) -> str:
        return describe(self.time_limit)

    @property
    def channels_display(self) -> str:
        """The channel cell as printed: "■政府网站 □两微一端 …"."""
        return format_channels(self.channels, self.other_channels)

    @property
    def audience_display(self) -> str:
        return "、".join(label for flag, label in ((self.audience_public, "全社会"),
                                                   (self.audience_specific, "特定群体")) if flag)

    @property
    def mode_display(self) -> str:
        return "、".join(label for flag, label in ((self.mode_proactive, "主动"),
                                                   (self.mode_on_request, "依申请")) if flag)

    @property
    def level_display(self) -> str:
        return "、".join(label for flag, label in ((self.level_county, "县级"),
                                                   (self.level_township, "乡级")) if flag)


class StandardArea(models.Model):
    """One of the 26 areas of the 基层政务公开标准指引 (domain facts §4.2)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("领域"), max_length=40, unique=True)
    former_name = models.CharField(_("原名称"), max_length=40, blank=True,
                                   help_text=_("如“乡村振兴”领域原称“扶贫”"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    ministry = models.CharField(_("发布部门"), max_length=100)
    guideline_title = models.CharField(_("标准指引"), max_length=200)
    guideline_number = models.CharField(_("文号"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("标准目录领域")
        verbose_name_plural = _("标准目录")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def guideline_display(self) -> str:
        title = f"《{self.guideline_title}》"
        return f"{title}（{self.guideline_number}）" if self.guideline_number else title


class StandardItem(ItemFields):
    """A row of a standard catalogue, as shipped."""

    area = models.ForeignKey(StandardArea, on_delete=models.CASCADE, related_name="items", verbose_name=_("领域"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("标准目录事项")
        verbose_name_plural = _("标准目录事项")
        ordering = ["area__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "level1", "level2"], name="standard_item_unique")]

    def applies_to(self, body: Body) -> bool:
        """Whether the row belongs in ``body``'s catalogue by level: 县级 rows for the county and its
        departments, 乡级 rows for townships."""
        return self.level_township if body.kind == BodyKind.TOWNSHIP else self.level_county


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    FINALISED = "finalised", _("编制完成")


class Catalogue(models.Model):
    """A body's 公开事项标准目录. Any change to a finalised catalogue takes it back to 编制中
    (it is then finalised again with a new date); see services.catalogues."""

    body = models.OneToOneField(Body, on_delete=models.PROTECT, related_name="catalogue", verbose_name=_("机构"))
    status = models.CharField(_("状态"), max_length=16, choices=CatalogueStatus.choices,
                              default=CatalogueStatus.DRAFT)
    finalised_on = models.DateField(_("编制完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位目录")
        verbose_name_plural = _("单位目录")
        ordering = ["body__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CatalogueStatus.DRAFT) | Q(finalised_on__isnull=False),
                name="catalogue_finalised_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.name}基层政务公开标准目录"

    @property
    def is_finalised(self) -> bool:
        return self.status == CatalogueStatus.FINALISED


class AreaStatus(models.TextChoices):
    ADOPTED = "adopted", _("已编制")
    NOT_INVOLVED = "not_involved", _("未涉及")


class CatalogueArea(models.Model):
    """A body's decision about one standard area: compiled, or 未涉及 with the explanation."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="areas",
                                  verbose_name=_("单位目录"))
    area = models.ForeignKey(StandardArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("领域"))
    status = models.CharField(_("状态"), max_length=16, choices=AreaStatus.choices, default=AreaStatus.ADOPTED)
    reason = models.TextField(_("未涉及说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目录领域")
        verbose_name_plural = _("目录领域")
        ordering = ["area__position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "area"], name="catalogue_area_unique"),
            models.CheckConstraint(condition=~Q(status=AreaStatus.NOT_INVOLVED, reason=""),
                                   name="catalogue_area_not_involved_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue.body.name} · {self.area.name}（{self.get_status_display()}）"


class CatalogueItemQuerySet(models.QuerySet):
    def active(self):
        """Items in use (停用 items stay for the records that link to them)."""
        return self.filter(is_active=True)

    def for_body(self, body: Body):
        return self.filter(catalogue__body=body)


class CatalogueItem(ItemFields):
    """One item of a body's catalogue: the object government-information records belong to.

    ``standard_item`` is the StandardItem it was copied from (None for a 地方特色事项); the item's own
    fields may differ after the body edits them. Items are never deleted: ``is_active`` False
    (停用) keeps the records that link to them meaningful."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("单位目录"))
    area = models.ForeignKey(StandardArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("领域"))
    standard_item = models.ForeignKey(StandardItem, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="adoptions", verbose_name=_("来源标准事项"))
    is_local = models.BooleanField(_("地方特色事项"), default=False)
    position = models.PositiveIntegerField(_("序号"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")
        ordering = ["catalogue", "area__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "area", "level1", "level2"], condition=Q(is_active=True),
                                    name="catalogue_item_active_unique"),
            models.UniqueConstraint(fields=["catalogue", "standard_item"], condition=Q(standard_item__isnull=False),
                                    name="catalogue_item_standard_unique"),
        ]
        indexes = [models.Index(fields=["catalogue", "area", "position"])]

    @property
    def body(self) -> Body:
        return self.catalogue.body

    @property
    def body_name(self) -> str:
        return self.catalogue.body.name

    @property
    def origin_display(self) -> str:
        return "地方特色事项" if self.is_local else "标准事项"

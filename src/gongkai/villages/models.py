"""村务公开 and subsidy payout notices (惠民惠农财政补贴资金"一卡通" results, issue 7).

Plain domain models (style practice 8): every change goes through ``gongkai.villages.services``.

Personal data is kept to what the notices and the personal lookup need (个人信息保护法 Art. 6, 51):
the full ID number and the bank account are **never stored**. A payout keeps an HMAC of the ID number
(``id_hash``, for duplicate checks and the resident's own lookup), the masked ID (first 6 + last 4)
and the masked account (last 4). Phone numbers in payout files are dropped on import.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from gongkai.core.encryption import EncryptedCharField
from gongkai.core.models import Body, BodyKind
from gongkai.portal.models import IntroPage


class ProgrammeCategory(models.TextChoices):
    AGRICULTURE = "agriculture", _("涉农补贴")
    ASSISTANCE = "assistance", _("社会救助")
    OTHER = "other", _("其他惠民惠农补贴")


class SubsidyProgramme(models.Model):
    """A subsidy programme (补贴项目): configurable; seeded with the common ones."""

    name = models.CharField(_("补贴项目"), max_length=60, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=ProgrammeCategory.choices,
                                default=ProgrammeCategory.AGRICULTURE)
    policy_basis = models.TextField(_("政策依据"), blank=True)
    standard_text = models.CharField(_("补贴标准说明"), max_length=200, blank=True)
    catalogue_item = models.ForeignKey("catalog.CatalogueItem", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("公开目录事项"))
    competent_body = models.ForeignKey(Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name=_("主管部门"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("补贴项目")
        verbose_name_plural = _("补贴项目")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PayoutBatch(models.Model):
    """One imported payout file."""

    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="batches",
                                  verbose_name=_("补贴项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇或县"))
    source_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    row_count = models.PositiveIntegerField(_("导入行数"), default=0)
    rejected_count = models.PositiveIntegerField(_("剔除行数"), default=0)
    total_amount = models.DecimalField(_("合计金额（元）"), max_digits=14, decimal_places=2, default=0)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.CharField(_("导入人"), max_length=150)
    # False while an import writes its rows in bounded transactions (issue 13 §4): readers see only
    # complete batches, and a failed or interrupted import's batch is removed.
    complete = models.BooleanField(_("已写入完毕"), default=True)

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.year}年{self.programme} · {self.source_name}"


class Payout(models.Model):
    """One person's payout in one programme and year (masked; see the module docstring)."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("导入批次"))
    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="+", verbose_name=_("补贴项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    village = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    row_number = models.PositiveIntegerField(_("原文件行号"))
    name = models.CharField(_("姓名"), max_length=40)
    id_hash = models.CharField(max_length=64, db_index=True, verbose_name=_("身份证号摘要"))
    id_masked = models.CharField(_("身份证号（脱敏）"), max_length=18)
    account_masked = models.CharField(_("一卡通账号（脱敏）"), max_length=30, blank=True)
    area = models.DecimalField(_("补贴面积"), max_digits=12, decimal_places=4, null=True, blank=True)
    standard = models.DecimalField(_("补贴标准"), max_digits=12, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    is_void = models.BooleanField(_("已更正作废"), default=False)

    class Meta:
        verbose_name = _("发放记录")
        verbose_name_plural = _("发放记录")
        ordering = ["village_id", "row_number", "pk"]
        indexes = [models.Index(fields=["year", "village", "programme"])]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "id_hash"], condition=Q(is_void=False),
                                    name="payout_one_per_person_programme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked} {self.amount}"


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    ARCHIVED = "archived", _("已归档")
    SUPERSEDED = "superseded", _("已更正（被替代）")


class Notice(models.Model):
    """The 公示表 of one village, programme and year, with its 公示期."""

    village = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="notices",
                                  verbose_name=_("补贴项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    supervision_phone = models.CharField(_("监督电话"), max_length=40)
    row_count = models.PositiveIntegerField(_("人数"), default=0)
    total_amount = models.DecimalField(_("合计金额（元）"), max_digits=14, decimal_places=2, default=0)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("更正的原公示"))
    correction_reason = models.TextField(_("更正说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    retain_until = models.DateField(_("保存至"), null=True, blank=True)

    class Meta:
        verbose_name = _("补贴公示")
        verbose_name_plural = _("补贴公示")
        ordering = ["-year", "village_id", "programme__position", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["village", "programme", "year"], condition=~Q(status="superseded"),
                                    name="notice_one_current_per_village_programme_year"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name}{self.year}年{self.programme.name}公示"

    @property
    def township(self) -> Body:
        return self.village.get_parent()


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class Objection(models.Model):
    """An objection (异议) filed during the 公示期. Name and phone are visible to the township only."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示"))
    # Given to the objector when filing: with it (and nothing else) they read the outcome on the
    # public page. Random, so one code tells nothing about another.
    code = models.CharField(_("异议查询码"), max_length=12, unique=True)
    name = models.CharField(_("姓名"), max_length=40)
    phone = EncryptedCharField(_("联系电话"), max_length=20)  # encrypted at rest (issue 13 §3)
    content = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(_("处理结果"), max_length=16, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    reason = models.TextField(_("处理理由"), blank=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.CharField(_("处理人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.notice} 异议 #{self.pk}"


# ---- the public column (县-乡-村 linkage) --------------------------------------------------------


class VillageAffairsIndexPage(RoutablePageMixin, IntroPage):
    """村务公开 (``/cwgk/``): county → township → village pages with the open 公示 (masked lists),
    archived notices as summaries only, the objection form and the personal lookup.

    It sits under the county HomePage beside 政府信息公开, not inside it: that column has exactly the
    four sub-columns of 国办公开办函〔2019〕61号 (tests/portal asserts it)."""

    parent_page_types = ["portal.HomePage"]
    template = "villages/village_affairs_index_page.html"

    class Meta:
        verbose_name = _("村务公开栏目")
        verbose_name_plural = _("村务公开栏目")

    def _townships(self):
        return Body.objects.filter(kind=BodyKind.TOWNSHIP, is_active=True,
                                   path__startswith=self.county.path).order_by("path") if self.county else Body.objects.none()

    def _village(self, pk: int) -> Body:
        return get_object_or_404(Body, pk=pk, kind=BodyKind.VILLAGE, is_active=True,
                                 path__startswith=self.county.path if self.county else "-")

    @path("")
    def index(self, request):
        townships = list(self._townships())
        villages = Body.objects.filter(kind=BodyKind.VILLAGE, is_active=True,
                                       path__startswith=self.county.path).order_by("path") if self.county else []
        by_path: dict[str, list] = {}
        for v in villages:
            by_path.setdefault(v.path[: -Body.steplen], []).append(v)
        return self.render(request, context_overrides={
            "townships": [(t, by_path.get(t.path, [])) for t in townships]})

    @path("town/<int:pk>/", name="township")
    def township(self, request, pk: int):
        from gongkai.villages.views import township_context

        town = get_object_or_404(self._townships(), pk=pk)
        return self.render(request, template="villages/township.html",
                           context_overrides={**township_context(town), "extra_crumb": town.name})

    @path("village/<int:pk>/", name="village")
    def village(self, request, pk: int):
        from gongkai.villages.views import village_context

        village = self._village(pk)
        return self.render(request, template="villages/village.html",
                           context_overrides={**village_context(village), "extra_crumb": village.name})

    @path("village/<int:pk>/objection/<int:notice_id>/", name="objection")
    def objection(self, request, pk: int, notice_id: int):
        from gongkai.villages.views import objection_view

        return objection_view(self, request, self._village(pk), notice_id)

    @path("village/<int:pk>/photo/<int:photo_id>/", name="board_photo")
    def board_photo(self, request, pk: int, photo_id: int):
        """A photo of the village board (村务公开目录 posting). Served by id, never by storage path;
        the stored copy carries no metadata (see catalogue_photos)."""
        from django.http import FileResponse, Http404

        photo = get_object_or_404(PostingPhoto, pk=photo_id, posting__item__catalogue__village=self._village(pk))
        try:
            handle = photo.image.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=86400"
        return response

    @path("objection/", name="objection_status")
    def objection_status(self, request):
        """The outcome of an objection, by the code given when it was filed."""
        from gongkai.villages.views import objection_status_view

        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        return objection_status_view(self, request)

    @path("lookup/", name="lookup")
    def lookup(self, request):
        from gongkai.villages.views import lookup_view

        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        return lookup_view(self, request)

    def township_url(self, body) -> str:
        return self.url + self.reverse_subpage("township", args=[body.pk])

    def village_url(self, body) -> str:
        return self.url + self.reverse_subpage("village", args=[body.pk])

    def objection_status_url(self) -> str:
        return self.url + self.reverse_subpage("objection_status")

    def lookup_url(self) -> str:
        return self.url + self.reverse_subpage("lookup")


# ---- 村务公开目录 (village catalogues, issue 7 point 1) ------------------------------------------
# The standard catalogue is data (``data/village_catalogue.csv``, read by ``catalogue_standard``);
# a village adopts it (rows copied into its own items, so later local edits stay local) and adds
# local items. Due and late are derived on read by ``catalogue_schedule`` (style practice 6).


class AffairsCategory(models.TextChoices):
    PARTY = "party", _("党务公开")
    VILLAGE = "village", _("村务公开")
    FINANCE = "finance", _("财务公开")


class Cadence(models.TextChoices):
    """How often an item is posted (村民委员会组织法第三十条: 一般事项至少每季度、财务往来较多的每月、
    重大事项随时)."""

    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    EVENT = "event", _("事时（随时）")


class VillageCatalogue(models.Model):
    """A village's 村务公开目录: adopted from the standard catalogue on ``adopted_on``; periods
    that ended before that date are never due."""

    village = models.OneToOneField(Body, on_delete=models.PROTECT, related_name="affairs_catalogue",
                                   verbose_name=_("村（社区）"))
    adopted_on = models.DateField(_("启用日期"))
    standard_version = models.CharField(_("标准目录版本"), max_length=20)
    adopted_by = models.CharField(_("启用人"), max_length=150)

    class Meta:
        verbose_name = _("村务公开目录")
        verbose_name_plural = _("村务公开目录")

    def __str__(self) -> str:
        return f"{self.village.name}村务公开目录"


class VillageCatalogueItem(models.Model):
    """One item of a village's catalogue: a standard item (``standard_code`` set) or a local one."""

    catalogue = models.ForeignKey(VillageCatalogue, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("村务公开目录"))
    category = models.CharField(_("类别"), max_length=16, choices=AffairsCategory.choices)
    name = models.CharField(_("公开事项"), max_length=60)
    content = models.TextField(_("公开内容"), blank=True)
    basis = models.CharField(_("公开依据"), max_length=200, blank=True)
    cadence = models.CharField(_("公开时间"), max_length=16, choices=Cadence.choices)
    standard_code = models.CharField(_("标准事项编号"), max_length=16, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    stopped_on = models.DateField(_("停用日期"), null=True, blank=True)
    stopped_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    restored_on = models.DateField(_("恢复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("村务公开事项")
        verbose_name_plural = _("村务公开事项")
        ordering = ["catalogue_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "name"], name="village_item_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return not self.standard_code

    def due_from(self, catalogue: VillageCatalogue | None = None) -> dt.date:
        """The first day whose periods count: the catalogue's adoption, or the item's restoration
        after a stop (periods that ended while it was stopped are never due)."""
        adopted = (catalogue or self.catalogue).adopted_on
        return max(adopted, self.restored_on) if self.restored_on else adopted


class CataloguePosting(models.Model):
    """One posting of an item on the village board (and on the portal), for the period it covers.

    ``period_key`` names the period of a periodic item (``2026-11``, ``2026-Q3``, ``2026``) and is
    unique per item; 事时 postings leave it empty and may be many."""

    item = models.ForeignKey(VillageCatalogueItem, on_delete=models.PROTECT, related_name="postings",
                             verbose_name=_("公开事项"))
    period_key = models.CharField(_("期次"), max_length=10, blank=True)
    period_start = models.DateField(_("所属期间起"))
    period_end = models.DateField(_("所属期间止"))
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("公开内容"))
    posted_on = models.DateField(_("张贴日期"))
    posted_at = models.DateTimeField(_("登记时间"))
    posted_by = models.CharField(_("登记人"), max_length=150)
    photos_checked = models.BooleanField(_("已确认照片不含个人信息"), default=False)

    class Meta:
        verbose_name = _("村务公开记录")
        verbose_name_plural = _("村务公开记录")
        ordering = ["-posted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period_key"], condition=~Q(period_key=""),
                                    name="village_posting_one_per_period"),
        ]
        indexes = [models.Index(fields=["item", "-posted_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        from gongkai.villages.catalogue_schedule import period_for_key

        if not self.period_key:
            return f"{self.period_start.year}年{self.period_start.month}月{self.period_start.day}日"
        return period_for_key(self.item.cadence, self.period_key).label


class PostingPhoto(models.Model):
    """A photo of the physical notice board, the evidence of a posting."""

    posting = models.ForeignKey(CataloguePosting, on_delete=models.PROTECT, related_name="photos", verbose_name=_("公开事项"))
    image = models.ImageField(_("照片"), upload_to="villages/boards/%Y/%m/", width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0, verbose_name=_("宽度"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("高度"))
    alt_text = models.CharField(_("照片说明"), max_length=200)
    sha256 = models.CharField(max_length=64, verbose_name=_("文件校验值（SHA-256）"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("顺序"))

    class Meta:
        verbose_name = _("公开栏照片")
        verbose_name_plural = _("公开栏照片")
        ordering = ["posting_id", "position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


# ---- payout import jobs (the admin's upload, header mapping and background import) -------------


def import_storage():
    """Uploaded payout files and reject files hold full ID numbers and accounts: they live outside
    MEDIA_ROOT with no URL (served only through the permission-checked admin view) and are deleted
    when no longer needed (see gongkai.villages.import_jobs). Encrypted on disk while they exist
    (gongkai.core.encryption)."""
    from gongkai.core.encryption import EncryptedFileSystemStorage

    return EncryptedFileSystemStorage(location=settings.VAR_DIR / "private" / "subsidy-imports", base_url=None)


class ImportJobStatus(models.TextChoices):
    MAPPING = "mapping", _("待确认表头")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("导入成功")
    FAILED = "failed", _("导入失败")
    CANCELLED = "cancelled", _("已取消")


class ImportJob(models.Model):
    """One payout file uploaded in the admin: stored, its header mapped (automatically or by hand),
    then imported in the background (the scheduler or ``gongkai subsidy run-imports``) with the
    all-or-nothing semantics of the command line."""

    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("补贴项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇或县"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("上传人"))
    created_by_label = models.CharField(_("上传人"), max_length=150)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    source_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    file = models.FileField(_("发放名单文件"), storage=import_storage, upload_to="uploads/%Y/%m/", blank=True)
    skip_invalid = models.BooleanField(_("跳过错误行"), default=False)
    declared_total = models.DecimalField(_("批次总额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    header_row = models.PositiveSmallIntegerField(_("表头所在行"), null=True, blank=True)
    columns = models.JSONField(_("列对应"), default=dict, blank=True)  # field → 0-based column
    status = models.CharField(_("状态"), max_length=16, choices=ImportJobStatus.choices,
                              default=ImportJobStatus.MAPPING)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已校验行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{"row": n | None, "message": text}]
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.CharField(_("结果"), max_length=500, blank=True)
    rejects = models.FileField(_("剔除行文件"), storage=import_storage, upload_to="rejects/%Y/%m/", blank=True)
    batch = models.ForeignKey(PayoutBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("发放批次"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Updated while running; a running job without a recent heartbeat died (import_jobs.fail_stale).
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries",
                                 verbose_name=_("重试自"))

    class Meta:
        verbose_name = _("发放名单导入任务")
        verbose_name_plural = _("发放名单导入任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.year}年{self.programme} · {self.source_name}"

    @property
    def progress(self) -> int:
        """Percentage of the rows checked (0–100)."""
        if self.status == ImportJobStatus.SUCCEEDED:
            return 100
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)

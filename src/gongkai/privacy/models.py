"""Records of the privacy guard: exceptions granted at review, sweeps of published records, their
findings and the rectification items made from them. Findings store the masked form and a masked
context only: the guard never keeps a second copy of the personal data it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Body


class ExceptionBasis(models.TextChoices):
    """Why personal data may be published unmasked (条例 Art. 15: unless the third party consents
    or non-disclosure would seriously harm the public interest; 个人信息保护法 Art. 13 (三)(五)(七):
    processing required by law). The reviewer must also cite the specific provision."""

    PUNISHMENT = "punishment", _("依法公示的行政处罚、失信惩戒信息")
    REQUIRED_BY_LAW = "required_by_law", _("法律法规规定必须公开的信息")
    CONSENT = "consent", _("权利人书面同意公开")
    PUBLIC_INTEREST = "public_interest", _("不公开可能对公共利益造成重大影响")
    OFFICIAL_CONTACT = "official_contact", _("机关、单位公开的办公联系方式")


class PublicationException(models.Model):
    """The confidentiality reviewer's recorded decision that one revision may be published although
    the privacy scan found personal data or markings in it (the only way past the gate)."""

    record = models.ForeignKey("disclosure.Record", on_delete=models.CASCADE, related_name="privacy_exceptions", verbose_name=_("政府信息"))
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+", verbose_name=_("版本"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审查人"))
    basis = models.CharField(_("例外情形"), max_length=30, choices=ExceptionBasis.choices)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    note = models.TextField(_("说明"), blank=True)
    # What was accepted: [{"kind", "part", "location", "masked"}], masked forms only.
    findings = models.JSONField(_("例外涉及的发现"), default=list)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("隐私检查例外")
        verbose_name_plural = _("隐私检查例外")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_basis_display()}"


class SweepStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Sweep(models.Model):
    """One 存量排查: every published record and attachment of a county scanned again."""

    county = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("县（市、区）"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("发起人"))
    status = models.CharField(_("状态"), max_length=10, choices=SweepStatus.choices, default=SweepStatus.QUEUED)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written as batches are saved; a running sweep without a recent one died (fail_stale_sweeps).
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    total = models.PositiveIntegerField(_("待排查信息数"), default=0)
    scanned = models.PositiveIntegerField(_("已排查信息数"), default=0)
    files = models.PositiveIntegerField(_("已排查附件数"), default=0)
    unverifiable = models.PositiveIntegerField(_("无法核查的附件数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("存量排查")
        verbose_name_plural = _("存量排查")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.county} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> int:
        """Percent done (0–100)."""
        if self.status == SweepStatus.DONE:
            return 100
        return int(self.scanned * 100 / self.total) if self.total else 0


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RECTIFYING = "rectifying", _("已转整改")
    MASKED = "masked", _("已遮盖待重审")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXCEPTED = "excepted", _("已登记例外")
    DISMISSED = "dismissed", _("经核实无问题")


class SweepFinding(models.Model):
    """One finding of a sweep, on something public: a record's text or one of its attachments, or
    an object of another public source (``source``: its key in privacy.public_sources, e.g. an
    answer in 答复选登, an annual report, a village posting, a subsidy notice)."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="findings", verbose_name=_("排查"))
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("发布机构"))
    source = models.CharField(_("内容类型"), max_length=40, default="disclosure.record")
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_title = models.CharField(_("标题"), max_length=300, blank=True)
    admin_url = models.CharField(_("处理入口"), max_length=300, blank=True)
    record = models.ForeignKey("disclosure.Record", on_delete=models.CASCADE, related_name="+", null=True, blank=True,
                               verbose_name=_("政府信息"))
    attachment = models.ForeignKey("disclosure.RecordAttachment", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("附件"))
    part = models.CharField(_("位置"), max_length=200)  # 正文 / 附件“…”
    kind = models.CharField(_("类型"), max_length=30)
    location = models.CharField(_("单元格或行"), max_length=100, blank=True)
    masked = models.CharField(_("遮盖后"), max_length=200, blank=True)
    context = models.CharField(_("上下文（已遮盖）"), max_length=300, blank=True)
    confidence = models.FloatField(_("置信度"), default=1.0)
    status = models.CharField(_("处理状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN)

    class Meta:
        verbose_name = _("排查发现")
        verbose_name_plural = _("排查发现")
        ordering = ["body__path", "source", "object_id", "id"]
        indexes = [models.Index(fields=["sweep", "body"], name="privacy_finding_sweep_body")]

    def __str__(self) -> str:
        return f"{self.object_title or self.record} · {self.kind_label}"

    @property
    def kind_label(self) -> str:
        from gongkai.privacy.findings import kind_label

        return kind_label(self.kind)


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    DONE = "done", _("已整改")


class Rectification(models.Model):
    """An item on a body's problem list (问题清单) to be rectified by a due date (整改台账)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("责任单位"))
    title = models.CharField(_("问题"), max_length=300)
    detail = models.TextField(_("问题描述"), blank=True)
    due_date = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=8, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    outcome = models.TextField(_("整改情况"), blank=True)
    findings = models.ManyToManyField(SweepFinding, related_name="rectifications", blank=True, verbose_name=_("排查发现"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

"""The annual report of a body for a year, and the figures a body enters for table 二.

A report row holds the tables as JSON in the stable shape of ``gongkai.rules.annual_report`` (the
same shape as the JSON export). A published report is frozen: ``snapshot`` keeps the exact JSON that
was published and no service changes it again; a correction is a new version (``corrects`` points
at the version it replaces, which becomes ``superseded`` and stays visible).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Body


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    VALIDATED = "validated", _("已校验")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更正版本取代")


class ReportLayout(models.TextChoices):
    FORMAT_2021 = "2021", _("2021年格式（国办公开办函〔2021〕30号）")
    FORMAT_2019 = "2019", _("2019年试行格式（国办公开办函〔2019〕60号）")


class ReportSource(models.TextChoices):
    GENERATED = "generated", _("由平台数据生成")
    IMPORTED = "imported", _("导入历史年报")


OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.VALIDATED)


class AnnualReport(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("机构"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    layout = models.CharField(_("表格格式"), max_length=4, choices=ReportLayout.choices,
                              default=ReportLayout.FORMAT_2021)
    source = models.CharField(_("来源"), max_length=12, choices=ReportSource.choices, default=ReportSource.GENERATED)
    table2 = models.JSONField(_("表二"), default=dict)
    table3 = models.JSONField(_("表三"), default=dict)
    table4 = models.JSONField(_("表四"), default=dict)
    section_overview = models.TextField(_("一、总体情况"), blank=True)
    section_problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    section_other = models.TextField(_("六、其他需要报告的事项"), blank=True)
    checks = models.JSONField(_("校验结果"), default=list)
    warning_note = models.TextField(_("提示事项说明"), blank=True,
                                    help_text=_("校验提示（如与上年结转数不一致）须说明原因后方可发布"))
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    validated_at = models.DateTimeField(_("校验时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    snapshot = models.JSONField(_("发布时的报告"), null=True, blank=True, editable=False)
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="corrected_by", verbose_name=_("更正的版本"))
    correction_reason = models.TextField(_("更正原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year", "body__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "version"], name="reports_version_unique"),
            models.UniqueConstraint(fields=["body", "year"], condition=Q(status="published"),
                                    name="reports_one_published"),
            models.UniqueConstraint(fields=["body", "year"], condition=Q(status__in=["draft", "validated"]),
                                    name="reports_one_open"),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.body.name}{self.year}年政府信息公开工作年度报告{suffix}"

    @property
    def title(self) -> str:
        return f"{self.body.name}{self.year}年政府信息公开工作年度报告"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AnnualFigures(models.Model):
    """What a body enters for table 二 each year: decision counts (条例第二十条第（五）（六）项) and
    行政事业性收费 in 万元 exact to the fen (第（八）项)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("机构"))
    year = models.PositiveSmallIntegerField(_("年度"))
    licensing = models.PositiveIntegerField(_("行政许可本年处理决定数量"), default=0)
    penalty = models.PositiveIntegerField(_("行政处罚本年处理决定数量"), default=0)
    coercion = models.PositiveIntegerField(_("行政强制本年处理决定数量"), default=0)
    # Six decimals: reports print 万元 exact to the fen (1 分 = 0.000001 万元); rules.annual_report.
    fees_wan = models.DecimalField(_("行政事业性收费本年收费金额（万元）"), max_digits=16, decimal_places=6, default=0)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("年报表二填报数据")
        verbose_name_plural = _("年报表二填报数据")
        constraints = [models.UniqueConstraint(fields=["body", "year"], name="reports_figures_unique")]

    def __str__(self) -> str:
        return f"{self.body.name} {self.year}"


class DeadlineReminder(models.Model):
    """One reminder about a body's unpublished report (kind due_soon or overdue), sent once: the
    unique row claims it, so the daily job can run again safely."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("机构"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    kind = models.CharField(max_length=10, verbose_name=_("提醒类型"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("发送时间"))
    recipients = models.PositiveSmallIntegerField(default=0, verbose_name=_("收件人数"))

    class Meta:
        verbose_name = _("年报期限提醒")
        verbose_name_plural = _("年报期限提醒")
        constraints = [models.UniqueConstraint(fields=["body", "year", "kind"], name="reports_reminder_once")]

    def __str__(self) -> str:
        return f"{self.body_id} {self.year} {self.kind}"

"""Government information records (政府信息) and their review.

A record is a plain Django model with Wagtail's draft state, revisions, locking and workflows
(records are domain objects, not pages: a province holds millions of them, and they are listed by
body, area and catalogue item rather than by a site tree). Publication happens only when the review
workflow (保密审查 → 审核) finishes and the publication gate (gongkai.disclosure.publication) finds
nothing blocking; see docs/architecture.md.

Metadata follows what disclosure pages show in practice (domain facts §7.4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    Task,
    WorkflowMixin,
)

from gongkai.core.models import Body
from gongkai.rules.document_numbers import DocumentNumberError, normalize_index_number, parse_doc_number


class DocumentType(models.TextChoices):
    """文件类型 (体裁). 规章 and 行政规范性文件 are counted in annual-report table 二."""

    REGULATION = "regulation", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER_DOCUMENT = "other_document", _("其他文件")
    NEWS = "news", _("工作动态")
    NOTICE = "notice", _("公告公示")
    PLAN_REPORT = "plan_report", _("规划计划与总结")
    STATISTICS = "statistics", _("统计信息")
    FISCAL = "fiscal", _("财政资金信息")
    PERSONNEL = "personnel", _("人事信息")
    OTHER = "other", _("其他")


class Topic(models.TextChoices):
    """主题分类, after the 国务院公文主题词表 top level used by government disclosure sites."""

    GENERAL = "general", _("综合政务")
    ECONOMY = "economy", _("国民经济管理、国有资产监管")
    FINANCE = "finance", _("财政、金融、审计")
    LAND = "land", _("国土资源、能源")
    AGRICULTURE = "agriculture", _("农业、林业、水利")
    INDUSTRY = "industry", _("工业、交通")
    COMMERCE = "commerce", _("商贸、海关、旅游")
    MARKET = "market", _("市场监管、安全生产监管")
    CONSTRUCTION = "construction", _("城乡建设、环境保护")
    EDUCATION = "education", _("科技、教育")
    CULTURE = "culture", _("文化、广电、新闻出版")
    HEALTH = "health", _("卫生、体育")
    POPULATION = "population", _("人口与计划生育、妇女儿童工作")
    LABOUR = "labour", _("劳动、人事、监察")
    SECURITY = "security", _("公安、安全、司法")
    CIVIL = "civil", _("民政、扶贫、救灾")
    ETHNIC = "ethnic", _("民族、宗教")
    OTHER = "other", _("其他")


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class Record(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """One piece of government information (政府信息) of a body."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="records", verbose_name=_("发布机构"))
    title = models.CharField(_("标题"), max_length=300)
    summary = models.TextField(_("内容概述"), blank=True, help_text=_("公开目录的“内容概述”（条例第十二条）"))
    content = RichTextField(_("正文"), blank=True)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True, help_text=_("如：青农发〔2026〕12号"))
    index_number = models.CharField(
        _("索引号"), max_length=80, unique=True, null=True, blank=True,
        help_text=_("留空则在首次发布时按本平台的索引号规则自动生成"),
    )
    written_date = models.DateField(_("成文日期"), null=True, blank=True)
    formed_date = models.DateField(_("形成或变更日期"), help_text=_("公开时限自此日起算（条例第二十六条）"))
    topic = models.CharField(_("主题分类"), max_length=20, choices=Topic.choices, default=Topic.GENERAL)
    doc_type = models.CharField(_("文件类型"), max_length=20, choices=DocumentType.choices,
                                default=DocumentType.OTHER_DOCUMENT)
    validity = models.CharField(_("有效性"), max_length=10, choices=Validity.choices, default=Validity.VALID)
    validity_date = models.DateField(_("失效或废止日期"), null=True, blank=True)
    validity_note = models.CharField(_("失效或废止说明"), max_length=300, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    catalogue_items = ParentalManyToManyField(
        "catalog.CatalogueItem", blank=True, related_name="records", verbose_name=_("公开目录事项"),
        help_text=_("本信息对应的本单位公开目录事项；公开时限按事项的规定计算"),
    )
    # The publication history the annual report counts from (条例第五十条: 截至年底现行公开的信息):
    # Wagtail keeps first_published_at and last_published_at; the withdrawal is ours. Only the last
    # withdrawal is kept, and the time the record became public again after it.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    republished_at = models.DateTimeField(_("撤回后重新发布时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("创建人"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    # Records reference no Wagtail images or documents; skip Wagtail's reference index upkeep.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("政府信息")
        verbose_name_plural = _("政府信息")
        indexes = [
            models.Index(fields=["body", "live", "-first_published_at"]),
            models.Index(fields=["doc_type", "validity"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.doc_number:
            try:
                self.doc_number = str(parse_doc_number(self.doc_number))
            except DocumentNumberError as exc:
                errors["doc_number"] = str(exc)
        if self.index_number:
            self.index_number = normalize_index_number(self.index_number)
        if self.validity != Validity.VALID and not self.validity_date:
            errors["validity_date"] = _("失效或废止的信息必须填写失效或废止日期")
        if self.written_date and self.formed_date and self.written_date > self.formed_date:
            errors["formed_date"] = _("形成或变更日期不能早于成文日期")
        if errors:
            raise ValidationError(errors)

    def with_content_json(self, content):
        """A revision as the record: the publication history belongs to the record, not to a revision
        (as Wagtail keeps first_published_at), so publishing an older revision never rewrites it."""
        obj = super().with_content_json(content)
        obj.withdrawn_at = self.withdrawn_at
        obj.republished_at = self.republished_at
        return obj

    @property
    def published_date(self):
        """发布日期: the day the record first went public."""
        return self.first_published_at.date() if self.first_published_at else None


class RecordAttachment(Orderable):
    """A file attached to a record; its text is extracted for search and the privacy scan."""

    record = ParentalKey(Record, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("政府信息"))
    title = models.CharField(_("附件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="records/%Y/%m/")
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False, verbose_name=_("文件校验值（SHA-256）"))
    extracted_text = models.TextField(_("提取的文本"), blank=True, editable=False)
    extraction_status = models.CharField(_("文本提取"), max_length=20, blank=True, editable=False)

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.title


class IndexNumberCounter(models.Model):
    """Serials of 索引号 per body and year, taken under a row lock so they never repeat."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("机构"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    last_serial = models.PositiveIntegerField(default=0, verbose_name=_("已用最大流水号"))

    class Meta:
        verbose_name = _("索引号流水")
        verbose_name_plural = _("索引号流水")
        constraints = [models.UniqueConstraint(fields=["body", "year"], name="index_counter_unique")]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.year}: {self.last_serial}"


class ConfidentialityOutcome(models.TextChoices):
    PASSED = "passed", _("审查通过，可以公开")
    NEEDS_CHANGES = "needs_changes", _("删除涉密或敏感内容后重新送审")
    REJECTED = "rejected", _("不予公开")


class ConfidentialityBasis(models.TextChoices):
    """What the reviewer checked against (task 五: 国家秘密、工作秘密、商业秘密、个人隐私、敏感信息)."""

    NO_SECRET = "no_secret", _("不涉及国家秘密、工作秘密")
    SECRETS_LAW = "secrets_law", _("《中华人民共和国保守国家秘密法》及定密规定")
    ART_14 = "art_14", _("条例第十四条（国家秘密、法律法规禁止公开、危及三安全一稳定）")
    ART_15 = "art_15", _("条例第十五条（商业秘密、个人隐私）")
    ART_16 = "art_16", _("条例第十六条（内部事务信息、过程性信息、行政执法案卷）")
    OTHER = "other", _("其他（见审查意见）")


class ConfidentialityReview(models.Model):
    """The recorded 保密审查 decision on one revision of a record (一事一审)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="confidentiality_reviews", verbose_name=_("政府信息"))
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+", verbose_name=_("版本"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审查人"))
    outcome = models.CharField(_("审查结论"), max_length=20, choices=ConfidentialityOutcome.choices)
    basis = models.CharField(_("审查依据"), max_length=20, choices=ConfidentialityBasis.choices)
    comment = models.TextField(_("审查意见"), blank=True)
    decided_at = models.DateTimeField(_("审查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保密审查记录")
        verbose_name_plural = _("保密审查记录")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_outcome_display()}"


class RecordTaskMixin:
    """What the two review tasks share: who may act is a ``can_*`` rule on the record's body, and
    the behaviour lives in gongkai.disclosure.workflow (``step`` names the entry there)."""

    step: str  # "review" | "approve"

    def _may_act(self, obj, user) -> bool:
        from gongkai.disclosure import workflow

        return workflow.may_act(self.step, user, obj.body)

    def get_actions(self, obj, user):
        from gongkai.disclosure import workflow

        return workflow.actions(self.step, obj, user)

    def get_form_for_action(self, action):
        from gongkai.disclosure import workflow

        return workflow.form_for(self.step, action)

    def on_action(self, task_state, user, action_name, **kwargs):
        from gongkai.disclosure import workflow

        return workflow.on_action(self.step, task_state, user, action_name, **kwargs)

    def user_can_access_editor(self, obj, user):
        return self._may_act(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_act(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from gongkai.disclosure import workflow

        return workflow.moderatable_states(self, user, self.step)


class ConfidentialityReviewTask(RecordTaskMixin, Task):
    """Workflow step 保密审查, decided by a confidentiality reviewer of the record's body."""

    step = "review"

    class Meta:
        verbose_name = _("保密审查")
        verbose_name_plural = _("保密审查")

    def start(self, workflow_state, user=None):
        """Starting the first task is the submission: audit it here, whoever started the workflow."""
        from gongkai.disclosure.services.review import audit_submission

        task_state = super().start(workflow_state, user=user)
        audit_submission(task_state, user)
        return task_state

    @classmethod
    def get_description(cls):
        return _("由本单位保密审查员对拟公开信息进行保密审查，记录审查结论、依据和意见")


class LeaderApprovalTask(RecordTaskMixin, Task):
    """Workflow step 审核, by the approving leader of the record's body."""

    step = "approve"

    class Meta:
        verbose_name = _("领导审核")
        verbose_name_plural = _("领导审核")

    @classmethod
    def get_description(cls):
        return _("由本单位审核领导审核同意后发布")

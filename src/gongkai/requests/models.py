"""依申请公开 cases as plain models (architecture rule 7): the case, its applicant (kept apart, seen only
by the handlers of the target body and office administrators), its clock inputs as rows (补正 on
the case, pauses, the one extension), its history (CaseEvent, DueDateChange), fee notices,
reviews and reminders.

States, dispositions, applicant types and channels are the closed vocabularies of
``gongkai.rules``; the due date is written only by ``services.clock.refresh_due_date``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, route
from wagtail.fields import RichTextField
from wagtail.models import Page

from gongkai.core.encryption import EncryptedCharField, EncryptedEmailField, EncryptedFileSystemStorage
from gongkai.core.models import Body
from gongkai.portal.models import CountyPageMixin
from gongkai.rules.annual_report import ReviewFact, explain_review
from gongkai.rules.case_flow import Action, CaseState
from gongkai.rules.deadlines import ClockEffect, PauseKind
from gongkai.rules.dispositions import ApplicantType, Disposition, ReceiptChannel
from gongkai.rules.fees import ChargingMode, FeeQuote, quote
from gongkai.rules.reply_letters import LetterKind


def _choices(enum) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


def private_storage() -> EncryptedFileSystemStorage:
    """Identity documents, letters and letter templates live outside MEDIA_ROOT and have no URL:
    they are never served publicly. They are encrypted on disk (gongkai.core.encryption)."""
    return EncryptedFileSystemStorage(location=settings.VAR_DIR / "private" / "requests", base_url=None)


class PreferredForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    OTHER = "other", _("其他")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("自行领取")
    DOWNLOAD = "download", _("在线下载")


class IdDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    OTHER = "other", _("其他有效身份证件")
    BUSINESS_LICENCE = "business_licence", _("营业执照或登记证书")


class Case(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="request_cases", verbose_name=_("受理机关"))
    query_code = models.CharField(_("查询码"), max_length=20, unique=True)
    external_id = models.CharField(_("原编号"), max_length=40, unique=True, null=True, blank=True,
                                   help_text=_("从其他系统导入的案件编号"))
    state = models.CharField(_("状态"), max_length=24, choices=_choices(CaseState), default=CaseState.REGISTERED)
    applicant_type = models.CharField(_("申请人类型"), max_length=20, choices=_choices(ApplicantType))
    channel = models.CharField(_("申请方式"), max_length=20, choices=_choices(ReceiptChannel))
    arrived_at = models.DateTimeField(_("申请到达时间"))
    received_on = models.DateField(_("收到申请之日"), help_text=_("依条例第三十一条按申请方式确定"))
    late_confirmation = models.BooleanField(_("平常信函未当日确认"), default=False)
    subject = models.CharField(_("申请公开的政府信息名称"), max_length=300)
    description = models.TextField(_("所需信息的文号或描述"), blank=True)
    preferred_form = models.CharField(_("获取信息的载体形式"), max_length=16, choices=PreferredForm.choices,
                                      default=PreferredForm.ELECTRONIC)
    delivery_method = models.CharField(_("获取信息的方式"), max_length=16, choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.EMAIL)
    disposition = models.CharField(_("办理结果"), max_length=48, choices=_choices(Disposition), blank=True)
    decided_on = models.DateField(_("答复（办结）日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)
    # 补正 (条例第三十条): once per case.
    correction_requested_on = models.DateField(_("补正通知日期"), null=True, blank=True)
    correction_period_end = models.DateField(_("补正期限"), null=True, blank=True)
    correction_received_on = models.DateField(_("收到补正日期"), null=True, blank=True)
    # Extension (条例第三十三条第二款): at most one.
    extension_approved_on = models.DateField(_("延期批准日期"), null=True, blank=True)
    extension_workdays = models.PositiveSmallIntegerField(_("延长工作日"), null=True, blank=True)
    extension_approved_by = models.CharField(_("延期批准人"), max_length=150, blank=True)
    # The cache of the one due-date computation (services.clock.refresh_due_date).
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_error = models.CharField(_("期限计算问题"), max_length=300, blank=True)
    # The public reading room (issue 5 §9): only what the body chose to publish, written anew by the
    # body so that nothing of the applicant's own wording reaches the public (services.publication).
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    public_title = models.CharField(_("公开标题"), max_length=200, blank=True)
    public_summary = models.TextField(_("答复摘要"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))
    # Optimistic locking (issue 13 §4): the case screen's forms carry the version they were shown
    # at; the services compare-and-set it (services.cases.claim_version).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    # The public form's one-time token (issue 13 §4): a double POST registers one case.
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False, verbose_name=_("提交凭据"))

    class Meta:
        verbose_name = _("依申请公开案件")
        verbose_name_plural = _("依申请公开案件")
        ordering = ["received_on", "pk"]
        indexes = [models.Index(fields=["body", "state"]), models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.external_id or self.query_code} {self.subject[:40]}"

    @property
    def case_state(self) -> CaseState:
        return CaseState(self.state)

    @property
    def state_label(self) -> str:
        return self.case_state.label

    @property
    def disposition_label(self) -> str:
        return Disposition(self.disposition).label if self.disposition else ""

    @property
    def number(self) -> str:
        return self.external_id or self.query_code


class Applicant(models.Model):
    """The applicant's personal data; never shown on the public site (can_view_applicant)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="applicant", verbose_name=_("申请"))
    name = models.CharField(_("姓名或名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdDocumentType.choices, blank=True)
    # Encrypted at rest (issue 13 §3): ID number, phone, e-mail and address. None is searched by
    # value (the status lookup compares last digits in Python after finding the case by its code).
    id_number = EncryptedCharField(_("证件号码"), max_length=40, blank=True)
    organisation = models.CharField(_("法人或其他组织名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    email = EncryptedEmailField(_("电子邮箱"), blank=True)
    address = EncryptedCharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    id_document = models.FileField(_("身份证明材料"), storage=private_storage, upload_to="id/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")

    def __str__(self) -> str:
        return self.name


class Pause(models.Model):
    """Time not counted (条例第三十三条第三款) or, if configured, the fee-notice period."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("申请"))
    kind = models.CharField(_("类型"), max_length=16, choices=_choices(PauseKind))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("期限暂停")
        verbose_name_plural = _("期限暂停")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}"


class CaseEvent(models.Model):
    """One transition of a case (or its registration): who, when, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("申请"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    on = models.DateField(_("发生日期"))
    action = models.CharField(_("操作"), max_length=24)  # an Action value or "register"/"import"
    from_state = models.CharField(_("原状态"), max_length=24, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人"), max_length=150)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")

    def __str__(self) -> str:
        return f"{self.action_label} {self.on}"

    @property
    def action_label(self) -> str:
        if self.action in Action._value2member_map_:
            return Action(self.action).label
        return {"register": "登记", "import": "导入"}.get(self.action, self.action)

    @property
    def to_state_label(self) -> str:
        return CaseState(self.to_state).label


class DueDateChange(models.Model):
    """One step of the due-date trail (rules.deadlines.Step): old value, new value, legal basis."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="due_changes", verbose_name=_("申请"))
    seq = models.PositiveIntegerField(verbose_name=_("序号"))
    on = models.DateField(_("日期"))
    effect = models.CharField(_("影响"), max_length=16, choices=_choices(ClockEffect))
    old_due = models.DateField(_("原期限"), null=True, blank=True)
    new_due = models.DateField(_("新期限"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    warning = models.CharField(_("提示"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("办理期限变更")
        verbose_name_plural = _("办理期限变更")
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="requests_due_change_seq")]

    def __str__(self) -> str:
        return f"{self.old_due} → {self.new_due}"


class FeeNotice(models.Model):
    """A 收费通知 (国办函〔2020〕109号): the applicant pays within 20 working days of receiving it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fee_notices", verbose_name=_("申请"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("计费方式"), max_length=100, blank=True)
    # What rules.fees computed the amount from (issue 14 §3); empty on notices imported or entered
    # before the amount was computed. ``amount`` differs from ``computed_amount`` only with a reason.
    mode = models.CharField(_("计收方式"), max_length=16, choices=_choices(ChargingMode), blank=True)
    units = models.PositiveIntegerField(_("件数或页数"), null=True, blank=True)
    earlier_units = models.PositiveIntegerField(_("本月此前已申请件数"), default=0)
    computed_amount = models.DecimalField(_("按标准计算的金额（元）"), max_digits=10, decimal_places=2, null=True,
                                          blank=True)
    amount_reason = models.CharField(_("调整金额的理由"), max_length=300, blank=True)
    sent_on = models.DateField(_("发出日期"))
    notice_received_on = models.DateField(_("申请人收到通知日期"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("收费通知")
        verbose_name_plural = _("收费通知")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} 元"

    @property
    def quote(self) -> FeeQuote | None:
        """The rules.fees breakdown the amount was computed from (None for older notices)."""
        if not self.mode or self.units is None:
            return None
        return quote(ChargingMode(self.mode), self.units, self.earlier_units)


class ReviewKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("未经复议直接起诉")
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration", _("复议后起诉")


class ReviewResult(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CORRECTED = "corrected", _("纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class Review(models.Model):
    """行政复议 or 行政诉讼 about a case (annual report table 四)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("申请"))
    kind = models.CharField(_("类型"), max_length=40, choices=ReviewKind.choices)
    filed_on = models.DateField(_("提起日期"))
    result = models.CharField(_("结果"), max_length=16, choices=ReviewResult.choices, default=ReviewResult.PENDING)
    concluded_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("复议诉讼")
        verbose_name_plural = _("复议诉讼")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"

    @property
    def table4_explanation(self) -> str:
        """Where this review counts in the annual report's table 四 (rules.annual_report.review_cell)."""
        return explain_review(ReviewFact(self.kind, self.filed_on, self.result, self.concluded_on))


class Reminder(models.Model):
    """A due-date reminder sent once per case and due date (the row makes the job idempotent)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("申请"))
    due_on = models.DateField(verbose_name=_("到期日"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("发送时间"))
    recipients = models.PositiveSmallIntegerField(default=0, verbose_name=_("收件人数"))

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        constraints = [models.UniqueConstraint(fields=["case", "due_on"], name="requests_reminder_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"


# --- Letters (issue 5 §4): generated DOCX documents of a case, from templates the office can replace --


class LetterSeries(models.Model):
    """A body's 发文机关代字 for its 依申请公开 letters (GB/T 9704-2012 §7.2.4); the serial runs per
    body and year over all its letters."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="letter_series", verbose_name=_("机构"))
    prefix = models.CharField(_("发文机关代字"), max_length=20)

    class Meta:
        verbose_name = _("文书发文字号")
        verbose_name_plural = _("文书发文字号")

    def __str__(self) -> str:
        return self.prefix


class LetterTemplate(models.Model):
    """A template a county's office uploaded for one kind of letter; the active one replaces the
    shipped file (templates/requests/letters/<kind>.docx). Replaced ones are kept, inactive."""

    county = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="letter_templates", verbose_name=_("县（市、区）"))
    kind = models.CharField(_("文书类型"), max_length=16, choices=_choices(LetterKind))
    file = models.FileField(_("模板文件"), storage=private_storage, upload_to="letter-templates/%Y/")
    sha256 = models.CharField(max_length=64, verbose_name=_("文件校验值（SHA-256）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.CharField(_("上传人"), max_length=150)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["county", "kind", "-uploaded_at"]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        constraints = [models.UniqueConstraint(fields=["county", "kind"], condition=models.Q(is_active=True),
                                               name="requests_one_active_letter_template")]

    def __str__(self) -> str:
        return f"{LetterKind(self.kind).label} {self.uploaded_at:%Y-%m-%d}"


class Letter(models.Model):
    """A generated letter of a case with its 发文字号. Once sent it is never regenerated: a
    correction is a new letter that ``corrects`` the old one (services.letters)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters", verbose_name=_("申请"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文机关"))
    kind = models.CharField(_("文书类型"), max_length=16, choices=_choices(LetterKind))
    disposition = models.CharField(_("办理结果"), max_length=48, blank=True)
    prefix = models.CharField(_("发文机关代字"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"))
    doc_number = models.CharField(_("发文字号"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    addressee = models.CharField(_("主送"), max_length=200)
    written_on = models.DateField(_("成文日期"))
    inputs = models.JSONField(_("填写内容"), default=dict, blank=True)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="letters/%Y/%m/")
    sha256 = models.CharField(max_length=64, verbose_name=_("文件校验值（SHA-256）"))
    template_sha256 = models.CharField(_("所用模板"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.CharField(_("生成人"), max_length=150)
    sent_at = models.DateTimeField(_("送达登记时间"), null=True, blank=True)
    sent_on = models.DateField(_("送达日期"), null=True, blank=True)
    sent_method = models.CharField(_("送达方式"), max_length=60, blank=True)
    sent_by = models.CharField(_("送达登记人"), max_length=150, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("更正的文书"))

    class Meta:
        ordering = ["generated_at", "pk"]
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        constraints = [models.UniqueConstraint(fields=["body", "year", "serial"], name="requests_letter_number")]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}"

    @property
    def kind_label(self) -> str:
        return LetterKind(self.kind).label

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


# --- 条例第四十四条: several applicants, the same information → suggest proactive disclosure ------------


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("待研究")
    ACCEPTED = "accepted", _("已纳入主动公开")
    DECLINED = "declined", _("不纳入")


class ProactiveSuggestion(models.Model):
    """Several applicants asked ``body`` for the same disclosable information (条例第四十四条): a
    suggestion to disclose it proactively, raised by the tick job, decided by the body."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="proactive_suggestions",
                             verbose_name=_("机关"))
    subject = models.CharField(_("信息名称"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    record = models.ForeignKey("disclosure.Record", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("主动公开的政府信息"))
    decline_reason = models.TextField(_("不纳入的理由"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.CharField(_("处理人"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("纳入主动公开建议")
        verbose_name_plural = _("纳入主动公开建议")

    def __str__(self) -> str:
        return self.subject


class SuggestionCase(models.Model):
    """A case counted in a suggestion; each case counts in at most one (the job's idempotence)."""

    suggestion = models.ForeignKey(ProactiveSuggestion, on_delete=models.CASCADE, related_name="links", verbose_name=_("建议"))
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="proactive_link", verbose_name=_("申请"))

    class Meta:
        verbose_name = _("建议关联的申请")
        verbose_name_plural = _("建议关联的申请")
        ordering = ["case__received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.case_id}"


# --- The public pages (Wagtail, architecture rule 7: editorial pages only; cases stay plain models) --


class RequestIndexPage(RoutablePageMixin, CountyPageMixin, Page):
    """依申请公开 on a county site (``/xxgk/ysqgk/``): the online application form (条例第二十九条),
    its receipt, the status lookup by query code, and the reading room of answered requests the
    bodies chose to publish. The views are in ``requests.public_views``; they only read and call
    services."""

    intro = RichTextField(_("栏目说明"), blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.DisclosureIndexPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "requests/public/index.html"

    class Meta:
        verbose_name = _("依申请公开栏目")
        verbose_name_plural = _("依申请公开栏目")

    @route(r"^$")
    def index(self, request):
        from gongkai.requests import public_views

        return public_views.index(self, request)

    @route(r"^apply/$", name="apply")
    def apply(self, request):
        from gongkai.requests import public_views

        return public_views.apply(self, request)

    @route(r"^status/$", name="status")
    def status(self, request):
        from gongkai.requests import public_views

        return public_views.status(self, request)

    @route(r"^answers/$", name="answers")
    def answers(self, request):
        from gongkai.requests import public_views

        return public_views.answers(self, request)

    def sub_url(self, name: str, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage(name)

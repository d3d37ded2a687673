"""Bodies (the administrative tree), role memberships, the working-day calendar and the audit log.

Models hold data and invariants only. Every change goes through ``gongkai.core.services``; the
audit log in particular refuses updates and deletes at the ORM level.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from gongkai.rules.identifiers import IdentifierError, validate_uscc
from gongkai.rules.workdays import HOLIDAY, WORKDAY


class BodyKind(models.TextChoices):
    COUNTY = "county", _("县（市、区）人民政府")
    DEPARTMENT = "department", _("县直部门")
    TOWNSHIP = "township", _("乡镇（街道）")
    SECTION = "section", _("股室（内设机构）")
    VILLAGE = "village", _("村（社区）")


# Which kinds may sit directly under which. ``None`` is the root of the tree: counties are roots, so
# one installation can hold every county of a province (政府网站集约化) without a redesign.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    BodyKind.COUNTY: {None},
    BodyKind.DEPARTMENT: {BodyKind.COUNTY},
    BodyKind.TOWNSHIP: {BodyKind.COUNTY},
    BodyKind.SECTION: {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP},
    BodyKind.VILLAGE: {BodyKind.TOWNSHIP},
}
# Kinds that are disclosure bodies (公开主体) and so need a credit code and guide contacts.
DISCLOSURE_BODY_KINDS = {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP, BodyKind.VILLAGE}


def validate_credit_code(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        validate_uscc(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from None


class Body(MP_Node):
    """A node of the administrative tree: county, department, township, section or village."""

    kind = models.CharField(_("类型"), max_length=16, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18位，按 GB 32100-2015 校验；股室可不填，村（社区）填村民委员会代码"),
    )
    is_competent_office = models.BooleanField(
        _("政府信息公开工作主管部门"),
        default=False,
        help_text=_("县政府办公室：本县政府信息公开工作主管部门（公开办）"),
    )
    # Art. 12 of the 条例: the disclosure guide names the 公开工作机构 and how to reach it.
    disclosure_office = models.CharField(_("政府信息公开工作机构"), max_length=100, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    fax = models.CharField(_("传真"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    functions = models.TextField(_("机构职能"), blank=True)
    head_name = models.CharField(_("负责人"), max_length=40, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_disclosure_body(self) -> bool:
        return self.kind in DISCLOSURE_BODY_KINDS

    def get_county(self) -> Body | None:
        """The county this body belongs to (itself for a county)."""
        if self.kind == BodyKind.COUNTY:
            return self
        return self.get_ancestors().filter(kind=BodyKind.COUNTY).first()

    def parent_body(self) -> Body | None:
        return None if self.is_root() else self.get_parent()

    @property
    def parent_name(self) -> str:
        parent = self.parent_body()
        return parent.name if parent else ""


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("公开办管理员")
    INFO_OFFICER = "info_officer", _("信息员")
    CONFIDENTIALITY_REVIEWER = "confidentiality_reviewer", _("保密审查员")
    APPROVING_LEADER = "approving_leader", _("审核领导")
    REQUEST_HANDLER = "request_handler", _("依申请公开办理员")
    VILLAGE_CLERK = "village_clerk", _("村务管理员")


# The kinds of body on which each role may be held.
ROLE_BODY_KINDS: dict[str, set[str]] = {
    Role.OFFICE_ADMIN: {BodyKind.DEPARTMENT},  # only on the competent office (县政府办公室)
    Role.INFO_OFFICER: {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP},
    Role.CONFIDENTIALITY_REVIEWER: {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP},
    Role.APPROVING_LEADER: {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP},
    Role.REQUEST_HANDLER: {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP},
    Role.VILLAGE_CLERK: {BodyKind.VILLAGE},
}


class Membership(models.Model):
    """A person holds a role at a body. Roles are always scoped to a body."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("人员"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("机构"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "body", "role"], name="membership_unique")]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} · {self.body.name} · {self.get_role_display()}"


class CalendarSource(models.TextChoices):
    PACKAGE = "chinesecalendar", _("chinesecalendar 软件包")
    ADMIN = "admin", _("管理员录入")


class CalendarReminder(models.Model):
    """One weekly reminder that a needed year of holiday data is missing (services.calendar
    .remind_missing_year): unique per year and week, inserted before the mail goes out, so a rerun
    in the same week sends nothing twice."""

    year = models.PositiveSmallIntegerField(_("缺少的年份"))
    week_of = models.DateField(_("所在周（周一）"))
    recipients = models.PositiveIntegerField(_("收件人数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日数据提醒")
        verbose_name_plural = _("节假日数据提醒")
        constraints = [models.UniqueConstraint(fields=["year", "week_of"], name="core_calendar_reminder_week")]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排（{self.week_of:%Y-%m-%d}当周提醒）"


class CalendarYear(models.Model):
    """A year for which the holiday calendar is complete. A year without a row is unknown."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=32, choices=CalendarSource.choices)
    notice = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    KIND_CHOICES = [(HOLIDAY, _("放假")), (WORKDAY, _("调休上班"))]

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("日历年度"))
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=KIND_CHOICES)
    name = models.CharField(_("节日"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class AuditQuerySet(models.QuerySet):
    """Entries are never changed or deleted through the ORM; only `gongkai audit prune` removes
    entries older than the retention period (core.audit.prune, which records the prune itself)."""

    def update(self, **kwargs):
        raise TypeError("audit log entries are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise TypeError("audit log entries are append-only")

    def delete(self):
        raise TypeError("audit log entries are append-only")


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log (see gongkai.core.audit)."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    event_type = models.CharField(_("事件"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    # No foreign keys: deleting a user or a body must never rewrite history.
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=255, blank=True)
    # The body whose records the event concerns: who may read the entry (null: platform-wide,
    # e.g. the national holiday calendar).
    scope_body_id = models.BigIntegerField(_("所属机构ID"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, verbose_name=_("前一条的校验值"))
    hash = models.CharField(max_length=64, verbose_name=_("校验值"))
    # Which key made ``hash``: the key's fingerprint (HMAC-SHA256 keyed with GONGKAI_AUDIT_KEY), or
    # "sha256" for entries written before the chain was keyed (plain SHA-256, still verified).
    key_id = models.CharField(_("密钥指纹"), max_length=16, default="sha256")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit log entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit log entries are append-only")

    @property
    def event_label(self) -> str:
        from gongkai.core.audit import EVENT_TYPES

        return str(EVENT_TYPES.get(self.event_type, self.event_type))


class AuditChainHead(models.Model):
    """Single row holding the end of the chain; locked while an entry is appended."""

    last_seq = models.PositiveBigIntegerField(default=0, verbose_name=_("最新序号"))
    last_hash = models.CharField(max_length=64, default="0" * 64, verbose_name=_("最新校验值"))
    # Where the chain starts after `gongkai audit prune`: the last pruned entry's seq and hash
    # (0 and the genesis hash until then). Checked against the keyed "audit.pruned" entry.
    genesis_seq = models.PositiveBigIntegerField(default=0, verbose_name=_("起始序号"))
    genesis_hash = models.CharField(max_length=64, default="0" * 64, verbose_name=_("起始校验值"))

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"


class PasswordChange(models.Model):
    """When a person last set their password (定期更换, GONGKAI_PASSWORD_MAX_AGE_DAYS). Written by
    ``core.password_validation.PasswordChangeRecorder`` whenever a password is saved, however it
    was set (the people service, Wagtail's account page, the command line)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_change",
                                primary_key=True, verbose_name=_("人员"))
    changed_at = models.DateTimeField(_("密码修改时间"))

    class Meta:
        verbose_name = _("密码修改时间")
        verbose_name_plural = _("密码修改时间")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.changed_at.isoformat()}"


class KeyFingerprint(models.Model):
    """The fingerprint of a key the data was written with (gongkai.core.keys): a restore onto a
    server with other keys is detected by comparing, never guessed from "not found". A retired row
    is a data key dropped after a rotation."""

    purpose = models.CharField(_("用途"), max_length=16)
    fingerprint = models.CharField(_("指纹"), max_length=16)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("密钥指纹")
        verbose_name_plural = _("密钥指纹")
        constraints = [models.UniqueConstraint(fields=["purpose", "fingerprint"], name="core_key_fingerprint_once")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.fingerprint}"

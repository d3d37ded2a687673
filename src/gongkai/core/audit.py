"""The audit log: a closed vocabulary of event types, appended from services only, hash-chained.

Each entry stores ``prev_hash`` (the hash of the entry before it) and ``hash`` (SHA-256 over its
own canonical content plus ``prev_hash``). Altering, deleting or reordering any entry therefore
breaks the chain at that point, and :func:`verify_chain` reports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.actors import actor_id, actor_label
from gongkai.core.models import AuditChainHead, AuditEvent, Body

GENESIS_HASH = "0" * 64

# The closed vocabulary. Later issues add their events here, in one place.
EVENT_TYPES: dict[str, Any] = {
    "body.created": _("新增机构"),
    "body.updated": _("修改机构信息"),
    "body.deactivated": _("停用机构"),
    "person.created": _("新增人员"),
    "person.updated": _("修改人员信息"),
    "person.deactivated": _("停用人员账号"),
    "person.password_set": _("设置人员密码"),
    "role.assigned": _("授予角色"),
    "role.revoked": _("撤销角色"),
    "calendar.year_loaded": _("载入节假日年度"),
    "demo.loaded": _("载入演示数据"),
    "site.settings_updated": _("修改网站设置"),
    "catalogue.areas_adopted": _("编制目录领域"),
    "catalogue.item_added": _("新增地方特色事项"),
    "catalogue.item_updated": _("修改目录事项"),
    "catalogue.area_not_involved": _("标记未涉及领域"),
    "catalogue.finalised": _("目录编制完成"),
    "catalogue.imported": _("导入目录表格"),
    "record.created": _("新建政府信息"),
    "record.updated": _("修改政府信息"),
    "record.submitted": _("政府信息送审"),
    "record.confidentiality_reviewed": _("保密审查"),
    "record.approved": _("领导审核同意"),
    "record.returned": _("审核退回"),
    "record.published": _("发布政府信息"),
    "record.scheduled": _("定时发布政府信息"),
    "record.schedule_cancelled": _("取消定时发布"),
    "record.withdrawn": _("撤回政府信息"),
    "record.masked": _("遮盖政府信息中的个人信息"),
    "privacy.exception_granted": _("登记隐私检查例外"),
    "privacy.sweep_started": _("开始存量排查"),
    "privacy.sweep_finished": _("完成存量排查"),
    "privacy.finding_handled": _("处理排查发现的问题"),
    "privacy.rectification_updated": _("更新整改事项"),
    "record.validity_changed": _("变更有效性（失效、废止）"),
    "report.figures_saved": _("填报年报表二数据"),
    "report.generated": _("生成政府信息公开工作年度报告"),
    "report.edited": _("修改政府信息公开工作年度报告"),
    "report.validated": _("校验政府信息公开工作年度报告"),
    "report.published": _("发布政府信息公开工作年度报告"),
    "report.correction_started": _("发起年度报告更正"),
    "report.masked": _("遮盖年度报告中的个人信息"),
    "report.imported": _("导入历史年度报告"),
    "report.reminder_sent": _("发送年度报告发布期限提醒"),
    "request.registered": _("登记政府信息公开申请"),
    "request.transitioned": _("办理政府信息公开申请"),
    "request.due_date_changed": _("重新计算答复期限"),
    "request.review_recorded": _("登记复议诉讼情况"),
    "request.imported": _("导入政府信息公开申请"),
    "request.reminder_sent": _("发送答复期限提醒"),
    "request.publication_changed": _("设置依申请公开答复是否公开"),
    "request.letter_generated": _("生成依申请公开文书"),
    "request.letter_sent": _("登记依申请公开文书送达"),
    "request.letter_template_changed": _("更换依申请公开文书模板"),
    "request.letter_prefix_set": _("设置依申请公开文书发文机关代字"),
    "request.proactive_suggested": _("提出纳入主动公开建议（条例第四十四条）"),
    "request.proactive_decided": _("处理纳入主动公开建议"),
    "subsidy.programme_saved": _("保存补贴项目"),
    "subsidy.imported": _("导入补贴发放名单"),
    "subsidy.notice_published": _("发布补贴公示"),
    "subsidy.objection_filed": _("提出补贴公示异议"),
    "subsidy.objection_handled": _("处理补贴公示异议"),
    "subsidy.notice_corrected": _("发布更正公示"),
    "subsidy.notice_archived": _("补贴公示期满归档"),
    "subsidy.import_uploaded": _("上传补贴发放名单"),
    "subsidy.import_queued": _("确认表头并排队导入补贴发放名单"),
    "subsidy.import_failed": _("补贴发放名单导入失败"),
    "subsidy.import_cancelled": _("取消补贴发放名单导入"),
    "subsidy.import_rejects_downloaded": _("下载补贴发放名单剔除行文件"),
    "village.item_posted": _("发布村务公开事项"),
    "village.catalogue_adopted": _("启用村务公开目录"),
    "village.item_added": _("新增村务公开目录事项"),
    "village.item_changed": _("修改村务公开目录事项"),
    "village.item_stopped": _("停用村务公开目录事项"),
    "village.item_restored": _("恢复村务公开目录事项"),
    # Security (issue 13): backup and restore
    "system.backup_created": _("创建备份"),
    "system.restored": _("从备份恢复"),
    # Security (issue 13): two-factor authentication
    "auth.otp_enrolled": _("启用双因素认证"),
    "auth.otp_verified": _("双因素认证通过"),
    "auth.otp_failed": _("双因素认证失败"),
    "auth.otp_reset": _("重置双因素认证"),
    "auth.recovery_codes_regenerated": _("重新生成恢复码"),
    "auth.recovery_code_used": _("使用恢复码登录"),
    # Security (issue 13): login and sessions
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.locked_out": _("登录失败次数过多被锁定"),
    "auth.unlocked": _("解除登录锁定"),
    "auth.session_expired": _("会话超时退出"),
    # Security (issue 13): keys
    "keys.data_key_rotated": _("更换数据加密密钥"),
    "keys.old_data_keys_dropped": _("停用旧的数据加密密钥"),
}


class UnknownEventType(ValueError):
    pass


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(event: AuditEvent) -> str:
    """SHA-256 over the entry's content and the previous hash."""
    content = {
        "seq": event.seq,
        "event_type": event.event_type,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "scope_body_id": event.scope_body_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


_INFER = object()


def _scope_of(obj) -> int | None:
    if isinstance(obj, Body):
        return obj.pk
    body_id = getattr(obj, "body_id", None)
    return body_id if isinstance(body_id, int) else None


def record(event_type: str, actor, obj=None, data: dict[str, Any] | None = None, label: str = "",
           scope=_INFER) -> AuditEvent:
    """Append one entry. Call from a service, inside its transaction.

    ``actor`` is a user or :data:`gongkai.core.actors.SYSTEM`; ``obj`` a model instance or None;
    ``data`` must be JSON-serialisable (dates become ISO strings); ``scope`` is the Body whose
    records the event concerns (who may read the entry), inferred from ``obj`` when it is a Body or
    has a ``body``; pass None for platform-wide events. Raises UnknownEventType for a type outside
    :data:`EVENT_TYPES`.
    """
    if event_type not in EVENT_TYPES:
        raise UnknownEventType(f"unknown audit event type {event_type!r}")
    # Round-trip through JSON so that the stored value and the hashed value are identical.
    payload = json.loads(_canonical(data or {}))
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            event_type=event_type,
            created_at=timezone.now(),
            actor_id=actor_id(actor),
            actor_label=actor_label(actor)[:150],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=(label or (str(obj) if obj is not None else ""))[:255],
            scope_body_id=_scope_of(obj) if scope is _INFER else (scope.pk if scope is not None else None),
            data=payload,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered | deleted | reordered | truncated
    message: str


def verify_chain(batch_size: int = 2000) -> list[ChainProblem]:
    """Walk the chain in order and report every break.

    - ``altered``: an entry's stored hash does not match its content;
    - ``deleted``: a gap in the sequence, or the last entries missing (the head is ahead);
    - ``reordered``: an entry's ``prev_hash`` is not the hash of the entry before it although no
      entry is missing (entries moved or replaced).
    """
    problems: list[ChainProblem] = []
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in _iter_events(batch_size):
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(event.seq, "deleted", f"第{expected_seq}至{event.seq - 1}条日志缺失（被删除）")
            )
        elif event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, "reordered", f"第{event.seq}条日志与前一条不衔接（顺序被改动）"))
        if compute_hash(event) != event.hash:
            problems.append(ChainProblem(event.seq, "altered", f"第{event.seq}条日志内容被篡改"))
        expected_prev, expected_seq = event.hash, event.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq >= expected_seq:
        problems.append(
            ChainProblem(head.last_seq, "deleted", f"末尾第{expected_seq}至{head.last_seq}条日志缺失（被删除）")
        )
    elif head and head.last_seq and head.last_hash != expected_prev:
        problems.append(ChainProblem(head.last_seq, "altered", "日志链末端哈希与记录不符"))
    return problems


def _iter_events(batch_size: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq

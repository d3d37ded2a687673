"""The audit log: a closed vocabulary of event types, appended from services only, hash-chained.

Each entry stores ``prev_hash`` (the hash of the entry before it) and ``hash``: HMAC-SHA256, keyed
with ``GONGKAI_AUDIT_KEY``, over its own canonical content plus ``prev_hash``. Altering, deleting or
reordering any entry therefore breaks the chain at that point, and :func:`verify_chain` reports it;
without the key nobody can recompute a valid chain after a change. ``key_id`` names the key (its
fingerprint); entries written before the chain was keyed carry "sha256" (plain SHA-256) and are
still verified, but only as the chain's oldest part: a plain entry after a keyed one is a break.

A signed checkpoint (:func:`make_checkpoint`, kept off the server) pins the chain's end, so that
deleting the newest entries and rewriting the chain head is detected too (:func:`verify_checkpoint`).
Entries older than the retention period (at least 180 days) may be removed by :func:`prune`, which
records the last removed hash as the chain's new start and audits itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core import keys
from gongkai.core.actors import actor_id, actor_label
from gongkai.core.models import AuditChainHead, AuditEvent, Body

GENESIS_HASH = "0" * 64
LEGACY_KEY_ID = "sha256"
# The public development key (gongkai.core.keys: used when neither the environment nor var/keys.json
# gives one, as in tests): a chain made with it proves nothing; `gongkai audit verify` says so.
DEVELOPMENT_AUDIT_KEY = keys.DEVELOPMENT_AUDIT_KEY
MINIMUM_RETENTION_DAYS = 180

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
    "calendar.reminder_sent": _("提醒载入节假日安排"),
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
    "privacy.sweep_failed": _("存量排查中断"),
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
    "request.fee_amount_changed": _("调整信息处理费金额"),
    "request.query_code_mailed": _("向申请人发送查询码邮件"),
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
    "subsidy.objector_phone_viewed": _("查看异议人联系电话"),
    "subsidy.summary_exported": _("导出补贴年度汇总"),
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
    # Security (issue 13): audit (retention, permission denials, personal data read, downloads, exports)
    "audit.pruned": _("清理超过保存期限的审计日志"),
    "security.permission_denied": _("访问被拒绝"),
    "request.personal_data_viewed": _("查看申请人个人信息"),
    "request.id_document_downloaded": _("下载申请人身份证明材料"),
    "request.letter_downloaded": _("下载依申请公开文书"),
    "request.exported": _("导出依申请公开案件登记簿"),
    "catalogue.exported": _("导出公开目录"),
    "report.exported": _("导出政府信息公开工作年度报告"),
    "report.summary_exported": _("导出政府信息公开工作年度报告汇总"),
    "privacy.sweep_exported": _("导出存量排查结果"),
    "subsidy.notices_exported": _("导出补贴公示表"),
}


class UnknownEventType(ValueError):
    pass


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def audit_key() -> bytes:
    """The chain key: GONGKAI_AUDIT_KEY, or the public development constant when it is empty."""
    return (getattr(settings, "GONGKAI_AUDIT_KEY", "") or DEVELOPMENT_AUDIT_KEY).encode("utf-8")


def uses_development_key() -> bool:
    return getattr(settings, "GONGKAI_AUDIT_KEY", "") in ("", DEVELOPMENT_AUDIT_KEY)


def key_fingerprint(key: bytes) -> str:
    """Short public name of a key: the first 16 hex digits of HMAC(key, "gongkai-audit-key-id")."""
    return hmac.new(key, b"gongkai-audit-key-id", hashlib.sha256).hexdigest()[:16]


def current_key_id() -> str:
    return key_fingerprint(audit_key())


DEVELOPMENT_KEY_ID = key_fingerprint(DEVELOPMENT_AUDIT_KEY.encode("utf-8"))


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
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


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The entry's hash: plain SHA-256 for a legacy entry (``key_id`` "sha256"), else HMAC-SHA256
    with ``key`` (default: the current key) over the content, the previous hash and the key id."""
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(_content(event)).encode("utf-8")).hexdigest()
    content = {**_content(event), "key_id": event.key_id}
    return hmac.new(key or audit_key(), _canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


_INFER = object()


def _scope_of(obj) -> int | None:
    if isinstance(obj, Body):
        return obj.pk
    body_id = getattr(obj, "body_id", None)
    return body_id if isinstance(body_id, int) else None


def actor_scope(actor) -> Body | None:
    """The body an actor belongs to (their first role's body), for entries about what they did
    rather than about an object: their county's office reads them. None for the system actor."""
    if actor is None or getattr(actor, "pk", None) is None:
        return None
    from gongkai.core.models import Membership

    membership = Membership.objects.filter(user=actor).select_related("body").order_by("pk").first()
    return membership.body if membership else None


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
        key = audit_key()
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
            key_id=key_fingerprint(key),
        )
        event.hash = compute_hash(event, key)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered | deleted | reordered | truncated | downgraded | key | checkpoint
    message: str


@dataclass
class ChainReport:
    problems: list[ChainProblem] = field(default_factory=list)
    total: int = 0
    legacy: int = 0  # plain SHA-256 entries written before the chain was keyed
    development: int = 0  # entries keyed with the public development key
    genesis_seq: int = 0  # entries up to this one were pruned


# How strong each kind of entry is; along the chain the strength may only grow, so nobody can
# rewrite the newest entries in a weaker form (plain SHA-256, the public development key).
_LEGACY, _DEVELOPMENT, _CURRENT = 0, 1, 2


def verify_chain(batch_size: int = 2000) -> list[ChainProblem]:
    """Walk the chain in order and report every break (see :func:`verify_report`)."""
    return verify_report(batch_size).problems


def verify_report(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report every break.

    - ``altered``: an entry's stored hash does not match its content (under its key);
    - ``deleted``: a gap in the sequence, the last entries missing (the head is ahead), or a chain
      start (after a prune) that no keyed prune entry vouches for;
    - ``reordered``: an entry's ``prev_hash`` is not the hash of the entry before it although no
      entry is missing (entries moved or replaced);
    - ``downgraded``: a plain SHA-256 or development-key entry after a stronger one (a rewrite by
      someone without the key);
    - ``key``: an entry made with a key other than the current one or the development key.
    """
    key, dev_key = audit_key(), DEVELOPMENT_AUDIT_KEY.encode("utf-8")
    current = key_fingerprint(key)
    head = AuditChainHead.objects.filter(pk=1).first()
    report = ChainReport(genesis_seq=head.genesis_seq if head else 0)
    problems = report.problems
    expected_prev = head.genesis_hash if head and head.genesis_seq else GENESIS_HASH
    expected_seq = report.genesis_seq + 1
    strongest = _LEGACY
    prune_marks: set[tuple[Any, Any]] = set()
    for event in _iter_events(batch_size, after=0):
        report.total += 1
        if event.seq <= report.genesis_seq:
            problems.append(ChainProblem(event.seq, "reordered", f"第{event.seq}条日志位于清理起点之前，与清理记录不符"))
            continue
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(event.seq, "deleted", f"第{expected_seq}至{event.seq - 1}条日志缺失（被删除）")
            )
        elif event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, "reordered", f"第{event.seq}条日志与前一条不衔接（顺序被改动）"))
        expected_prev, expected_seq = event.hash, event.seq + 1
        if event.key_id == LEGACY_KEY_ID:
            strength, with_key = _LEGACY, None
            report.legacy += 1
        elif event.key_id == current:
            strength, with_key = _CURRENT, key
            report.development += event.key_id == DEVELOPMENT_KEY_ID
        elif event.key_id == DEVELOPMENT_KEY_ID:
            strength, with_key = _DEVELOPMENT, dev_key
            report.development += 1
        else:
            problems.append(ChainProblem(event.seq, "key", f"第{event.seq}条日志由另一密钥（指纹 {event.key_id}）生成，"
                                                           f"无法用当前密钥（指纹 {current}）校验"))
            continue
        if strength < strongest:
            problems.append(ChainProblem(event.seq, "downgraded",
                                         f"第{event.seq}条日志的校验方式弱于此前的日志（疑似在没有密钥的情况下被重算）"))
        strongest = max(strongest, strength)
        if not hmac.compare_digest(compute_hash(event, with_key), event.hash):
            problems.append(ChainProblem(event.seq, "altered", f"第{event.seq}条日志内容被篡改"))
        elif event.event_type == "audit.pruned" and strength == _CURRENT:
            prune_marks.add((event.data.get("last_seq"), event.data.get("last_hash")))
    if report.genesis_seq and (report.genesis_seq, head.genesis_hash) not in prune_marks:
        problems.append(ChainProblem(report.genesis_seq, "deleted",
                                     f"日志链从第{report.genesis_seq + 1}条开始，但没有相应的清理记录（开头的日志可能被删除）"))
    if head and head.last_seq >= expected_seq:
        problems.append(
            ChainProblem(head.last_seq, "deleted", f"末尾第{expected_seq}至{head.last_seq}条日志缺失（被删除）")
        )
    elif head and head.last_seq and head.last_hash != expected_prev:
        problems.append(ChainProblem(head.last_seq, "altered", "日志链末端哈希与记录不符"))
    return report


# --- Signed checkpoints ------------------------------------------------------------------------

CHECKPOINT_FIELDS = ("version", "created_at", "count", "hash", "key_id")


def _checkpoint_signature(body: dict[str, Any], key: bytes) -> str:
    message = "gongkai-audit-checkpoint:" + _canonical({k: body[k] for k in CHECKPOINT_FIELDS})
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def make_checkpoint() -> dict[str, Any]:
    """The chain's end, signed: ``{"version", "created_at", "count" (last seq), "hash" (its hash),
    "key_id", "signature"}``. Keep it off the server; :func:`verify_checkpoint` later proves that
    the chain still holds entry ``count`` with that hash (nothing after it was cut or rewritten)."""
    key = audit_key()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    head = AuditChainHead.objects.filter(pk=1).first()
    body: dict[str, Any] = {
        "version": 1,
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "count": last.seq if last else 0,
        "hash": last.hash if last else (head.genesis_hash if head else GENESIS_HASH),
        "key_id": key_fingerprint(key),
    }
    return {**body, "signature": _checkpoint_signature(body, key)}


def verify_checkpoint(checkpoint: Any) -> list[ChainProblem]:
    """Check a checkpoint's signature with the current key, and that the chain still holds its
    entry ``count`` with its ``hash``: a chain cut after the checkpoint (newest entries deleted,
    head rewritten) or rewritten before it is reported."""
    def problem(kind: str, message: str, seq: int | None = None) -> list[ChainProblem]:
        return [ChainProblem(seq, kind, message)]

    if not isinstance(checkpoint, dict) or any(f not in checkpoint for f in (*CHECKPOINT_FIELDS, "signature")):
        return problem("checkpoint", "检查点文件格式不正确（应为 gongkai audit checkpoint 输出的 JSON）")
    count, expected = checkpoint["count"], checkpoint["hash"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0 or not isinstance(expected, str):
        return problem("checkpoint", "检查点文件格式不正确（count 或 hash 无效）")
    key = audit_key()
    if checkpoint["key_id"] != key_fingerprint(key):
        return problem("checkpoint", f"检查点由另一密钥（指纹 {checkpoint['key_id']}）签署，"
                                     f"当前密钥指纹为 {key_fingerprint(key)}，无法校验")
    if not hmac.compare_digest(str(checkpoint["signature"]), _checkpoint_signature(checkpoint, key)):
        return problem("checkpoint", "检查点签名不符：检查点文件被改动过")
    if count == 0:
        return []
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and count <= head.genesis_seq:
        if count == head.genesis_seq and head.genesis_hash != expected:
            return problem("altered", f"第{count}条日志的哈希与检查点不符", count)
        return []  # pruned since, after the retention period; the prune itself is in the chain
    entry = AuditEvent.objects.filter(seq=count).only("seq", "hash").first()
    if entry is None:
        last = AuditEvent.objects.order_by("-seq").only("seq").first()
        if last is None or last.seq < count:
            return problem("truncated", f"日志在检查点之后被截断：检查点记录到第{count}条，"
                                        f"现在只到第{last.seq if last else 0}条", count)
        return problem("deleted", f"检查点所记录的第{count}条日志缺失（被删除）", count)
    if not hmac.compare_digest(entry.hash, expected):
        return problem("altered", f"第{count}条日志的哈希与检查点不符（检查点之后日志被改写）", count)
    return []


def _iter_events(batch_size: int, after: int = 0) -> Iterator[AuditEvent]:
    last = after
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq

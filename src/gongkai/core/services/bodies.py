"""Services for the administrative tree of bodies."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit, rules
from gongkai.core.models import ALLOWED_PARENT_KINDS, DISCLOSURE_BODY_KINDS, Body, BodyKind
from gongkai.core.services import ServiceError, require

CONTACT_FIELDS = ("disclosure_office", "address", "postcode", "office_hours", "phone", "fax", "email", "head_name",
                  "functions")
STRUCTURE_FIELDS = ("name", "short_name", "code", "is_competent_office", "is_active")


def _clean(body: Body) -> None:
    try:
        # treebeard fills path/depth on insert; validate everything else before anything is written.
        body.full_clean(exclude=["path", "depth", "numchild"])
    except ValidationError as exc:
        raise ServiceError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    if body.kind in DISCLOSURE_BODY_KINDS and body.kind != BodyKind.VILLAGE and not body.code:
        raise ServiceError({"code": ["公开主体必须填写统一社会信用代码"]})
    if body.is_competent_office and body.kind != BodyKind.DEPARTMENT:
        raise ServiceError({"is_competent_office": ["只有县直部门（县政府办公室）可以作为公开工作主管部门"]})


@transaction.atomic
def create_body(actor, *, parent: Body | None, kind: str, name: str, **fields: Any) -> Body:
    """Add a body under ``parent``. Kinds must fit the tree (ALLOWED_PARENT_KINDS)."""
    require(rules.can_create_body(actor, parent), "您没有在该机构下新增机构的权限")
    if kind not in BodyKind.values:
        raise ServiceError({"kind": [f"未知的机构类型：{kind}"]})
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        label = BodyKind(kind).label
        where = BodyKind(parent_kind).label if parent_kind else "顶层"
        raise ServiceError({"parent": [f"{label}不能设在{where}之下"]})
    unknown = set(fields) - set(CONTACT_FIELDS) - set(STRUCTURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown body fields: {sorted(unknown)}")
    if fields.get("code"):
        fields["code"] = "".join(fields["code"].split()).upper()
    body = Body(kind=kind, name=name.strip(), **fields)
    if not fields.get("code"):
        body.code = None
    _clean(body)
    body = parent.add_child(instance=body) if parent is not None else Body.add_root(instance=body)
    audit.record("body.created", actor, body, {"kind": kind, "code": body.code, "parent": parent.code if parent else None})
    return body


@transaction.atomic
def update_body(actor, body: Body, **changes: Any) -> Body:
    """Change a body's fields. Contact fields need can_edit_body_contact; structure fields need
    can_edit_body_structure. The audit entry records old and new values."""
    unknown = set(changes) - set(CONTACT_FIELDS) - set(STRUCTURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown body fields: {sorted(unknown)}")
    body = Body.objects.select_for_update().get(pk=body.pk)
    diff = {k: (getattr(body, k), v) for k, v in changes.items() if getattr(body, k) != v}
    if not diff:
        return body
    if set(diff) & set(STRUCTURE_FIELDS):
        require(rules.can_edit_body_structure(actor, body), "只有公开办管理员可以修改机构名称、代码和状态")
    else:
        require(rules.can_edit_body_contact(actor, body), "您没有修改该机构联系信息的权限")
    if "code" in diff and diff["code"][1]:
        diff["code"] = (diff["code"][0], "".join(diff["code"][1].split()).upper())
    for field, (_old, new) in diff.items():
        setattr(body, field, new if new != "" or field != "code" else None)
    _clean(body)
    body.save()
    event = "body.deactivated" if diff.get("is_active", (None, True))[1] is False else "body.updated"
    audit.record(event, actor, body, {k: {"old": o, "new": n} for k, (o, n) in diff.items()})
    return body

"""Services for people (user accounts) and their roles at bodies."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit, rules
from gongkai.core.models import ROLE_BODY_KINDS, Body, Membership, Role
from gongkai.core.services import ServiceError, require

# Wagtail groups kept in step with memberships: admin access for every staff member, page
# editing of the county site for office admins. Created by migration core.0003.
STAFF_GROUP = "政务公开工作人员"
OFFICE_GROUP = "公开办管理员"


def _sync_groups(user) -> None:
    roles = set(Membership.objects.filter(user=user, body__is_active=True).values_list("role", flat=True))
    staff, office = Group.objects.get(name=STAFF_GROUP), Group.objects.get(name=OFFICE_GROUP)
    (user.groups.add if roles else user.groups.remove)(staff)
    (user.groups.add if Role.OFFICE_ADMIN in roles else user.groups.remove)(office)
    if hasattr(user, "_gongkai_memberships"):
        del user._gongkai_memberships


def _set_password(user, password: str, validate: bool) -> None:
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError({"password": exc.messages}) from None
    user.set_password(password)


@transaction.atomic
def create_person(actor, *, body: Body, username: str, full_name: str, email: str = "", password: str | None = None,
                  validate: bool = True, password_hash: str | None = None):
    """Create a staff account attached to ``body`` (roles are granted separately).

    ``password`` is validated and hashed; bulk loaders that create many accounts with one password
    pass ``password_hash`` (from ``make_password``) instead, so the slow hash runs once."""
    require(rules.can_manage_people(actor, body), "您没有在该机构新增人员的权限")
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ServiceError({"username": ["用户名不能为空"]})
    if User.objects.filter(username=username).exists():
        raise ServiceError({"username": [f"用户名“{username}”已存在"]})
    user = User(username=username, first_name=full_name.strip(), email=email.strip())
    if password_hash:
        user.password = password_hash
    elif password:
        _set_password(user, password, validate)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from None
    user.save()
    audit.record("person.created", actor, user, {"body": body.code or body.name, "email": user.email},
                 label=full_name or username, scope=body)
    return user


@transaction.atomic
def assign_role(actor, *, user, body: Body, role: str) -> Membership:
    """Grant ``role`` at ``body``. The office-admin role sits only on a competent office."""
    require(rules.can_manage_people(actor, body), "您没有为该机构授予角色的权限")
    if role not in Role.values:
        raise ServiceError({"role": [f"未知的角色：{role}"]})
    if body.kind not in ROLE_BODY_KINDS[role]:
        raise ServiceError({"role": [f"“{Role(role).label}”不能授予{body.get_kind_display()}“{body.name}”"]})
    if role == Role.OFFICE_ADMIN and not body.is_competent_office:
        raise ServiceError({"role": ["公开办管理员只能授予政府信息公开工作主管部门（县政府办公室）的人员"]})
    if not body.is_active:
        raise ServiceError({"body": [f"机构“{body.name}”已停用"]})
    membership, created = Membership.objects.get_or_create(user=user, body=body, role=role)
    if created:
        _sync_groups(user)
        audit.record("role.assigned", actor, membership, {"user": user.get_username(), "body": body.code or body.name,
                                                          "role": role})
    return membership


@transaction.atomic
def revoke_role(actor, membership: Membership) -> None:
    require(rules.can_manage_people(actor, membership.body), "您没有撤销该机构人员角色的权限")
    label = str(membership)
    data = {"user": membership.user.get_username(), "body": membership.body.code or membership.body.name,
            "role": membership.role}
    user = membership.user
    audit.record("role.revoked", actor, membership, data, label=label)
    membership.delete()
    _sync_groups(user)


@transaction.atomic
def set_password(actor, user, password: str, *, validate: bool = True) -> None:
    """Set a staff member's password (by an office admin of one of their bodies, or themselves)."""
    bodies = [m.body for m in Membership.objects.select_related("body").filter(user=user)]
    require(rules.can_set_password(actor, user, bodies), "您没有设置该人员密码的权限")
    _set_password(user, password, validate)
    user.save(update_fields=["password"])
    audit.record("person.password_set", actor, user, {}, label=user.get_full_name() or user.get_username(),
                 scope=bodies[0] if bodies else None)


@transaction.atomic
def update_person(actor, user, *, full_name: str | None = None, email: str | None = None,
                  is_active: bool | None = None):
    """Change a staff member's name, e-mail or active state (deactivate instead of deleting)."""
    bodies = [m.body for m in Membership.objects.select_related("body").filter(user=user)]
    require(any(rules.can_manage_people(actor, b) for b in bodies) or rules.is_platform_operator(actor),
            "您没有修改该人员信息的权限")
    changes = {}
    for field, value in (("first_name", full_name), ("email", email), ("is_active", is_active)):
        if value is not None and getattr(user, field) != value:
            changes[field] = {"old": getattr(user, field), "new": value}
            setattr(user, field, value)
    if not changes:
        return user
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from None
    user.save()
    event = "person.deactivated" if changes.get("is_active", {}).get("new") is False else "person.updated"
    audit.record(event, actor, user, changes, label=user.get_full_name() or user.get_username(),
                 scope=bodies[0] if bodies else None)
    return user

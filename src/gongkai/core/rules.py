"""Permission rules: one ``can_<verb>_<object>(user, obj)`` function per action.

Services call these before every state change; admin views and templates call the same functions
to decide what to show. Scope of a role held at body B:

- 公开办管理员 (office admin, held on the county's competent office): every body in that county;
- any other role: B itself and the sections (股室) inside B;
- 村务管理员 (village clerk): that village only.

Superusers and the system actor (command line, jobs) may do everything.
"""

from __future__ import annotations

from gongkai.core.actors import SystemActor
from gongkai.core.models import Body, BodyKind, Membership, Role


def is_platform_operator(user) -> bool:
    return isinstance(user, SystemActor) or bool(getattr(user, "is_superuser", False) and user.is_active)


def _memberships(user) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gongkai_memberships", None)
    if cached is None:
        cached = list(Membership.objects.select_related("body").filter(user=user, body__is_active=True))
        user._gongkai_memberships = cached
    return cached


def _covers(membership: Membership, body: Body) -> bool:
    held = membership.body
    if membership.role == Role.OFFICE_ADMIN:
        # Memberships are cached on the user for the request (_memberships): so is their county,
        # or every check over a list of bodies would ask for it again.
        if not hasattr(membership, "_gongkai_county"):
            membership._gongkai_county = held.get_county()
        county = membership._gongkai_county
        return county is not None and (body.pk == county.pk or body.is_descendant_of(county))
    if body.pk == held.pk:
        return True
    return body.kind == BodyKind.SECTION and body.is_descendant_of(held)


def has_role(user, role: str, body: Body) -> bool:
    """True if ``user`` holds ``role`` with a scope covering ``body``."""
    return any(m.role == role and _covers(m, body) for m in _memberships(user))


def _any_role(user, roles: set[str], body: Body) -> bool:
    return is_platform_operator(user) or any(m.role in roles and _covers(m, body) for m in _memberships(user))


def can_access_admin(user) -> bool:
    return is_platform_operator(user) or bool(_memberships(user))


def can_view_body(user, body: Body) -> bool:
    """See a body's internal records (people, roles, drafts) in the admin."""
    return _any_role(user, set(Role), body)


def can_create_body(user, parent: Body | None) -> bool:
    """Add a body under ``parent`` (None: a new county root, platform operators only)."""
    if parent is None:
        return is_platform_operator(user)
    return _any_role(user, {Role.OFFICE_ADMIN}, parent)


def can_edit_body_structure(user, body: Body) -> bool:
    """Rename, re-code, deactivate a body."""
    return _any_role(user, {Role.OFFICE_ADMIN}, body)


def can_edit_body_contact(user, body: Body) -> bool:
    """Edit the Art. 12 guide contacts: the body's own information officer may keep them current."""
    return _any_role(user, {Role.OFFICE_ADMIN, Role.INFO_OFFICER}, body)


def can_manage_people(user, body: Body) -> bool:
    """Create people and grant or revoke roles at ``body``."""
    return _any_role(user, {Role.OFFICE_ADMIN}, body)


def can_set_password(user, person, person_bodies: list[Body]) -> bool:
    """Set ``person``'s password: themselves, or an office admin covering one of their bodies."""
    if is_platform_operator(user):
        return True
    if getattr(user, "pk", None) is not None and user.pk == person.pk and user.is_active:
        return True
    return any(can_manage_people(user, body) for body in person_bodies)


def can_reset_two_factor(user, person, person_bodies: list[Body]) -> bool:
    """Remove ``person``'s two-factor devices (a lost phone): an office admin covering one of
    their bodies. A superuser's devices only by a platform operator, so a county cannot weaken
    the platform's own accounts."""
    if is_platform_operator(user):
        return True
    if getattr(person, "is_superuser", False):
        return False
    return any(can_manage_people(user, body) for body in person_bodies)


def can_unlock_account(user, person) -> bool:
    """Lift a login lock on ``person``'s account before it ends (登录失败处理): an office admin
    covering one of their bodies, or a platform operator."""
    if is_platform_operator(user):
        return True
    bodies = [m.body for m in Membership.objects.select_related("body").filter(user=person)]
    return any(can_manage_people(user, body) for body in bodies)


def can_unlock_address(user) -> bool:
    """Lift the login throttle on a client address: it is not any one county's, so only platform
    operators."""
    return is_platform_operator(user)


def can_view_login_locks(user) -> bool:
    """See the screen of locked accounts: office admins and platform operators."""
    return is_platform_operator(user) or any(m.role == Role.OFFICE_ADMIN for m in _memberships(user))


def can_edit_site_settings(user, body: Body) -> bool:
    """Change the identity of the county website that ``body`` belongs to (name, 标识码, 备案号)."""
    return _any_role(user, {Role.OFFICE_ADMIN}, body)


def can_view_audit_log(user) -> bool:
    return is_platform_operator(user) or any(m.role == Role.OFFICE_ADMIN for m in _memberships(user))


def can_grant_roles(user) -> bool:
    """Use the 角色授权 screen: whoever grants roles somewhere (can_manage_people: office admins)."""
    return is_platform_operator(user) or any(m.role == Role.OFFICE_ADMIN for m in _memberships(user))


def can_view_calendar(user) -> bool:
    """See the working-day calendar: every role whose deadlines count working days (公开时限,
    依申请公开 answers, report checks). A village clerk's posting deadlines are calendar days
    (villages.catalogue_schedule), so the clerk has no use for it."""
    return is_platform_operator(user) or any(m.role != Role.VILLAGE_CLERK for m in _memberships(user))


def can_load_calendar(user) -> bool:
    """The holiday calendar is national data every deadline depends on: office admins only."""
    return is_platform_operator(user) or any(m.role == Role.OFFICE_ADMIN for m in _memberships(user))


def can_draft_record(user, body: Body) -> bool:
    """Draft government information for ``body`` (the information officer's job)."""
    return _any_role(user, {Role.INFO_OFFICER, Role.OFFICE_ADMIN}, body)


def can_review_confidentiality(user, body: Body) -> bool:
    """Give the 保密审查 decision for a record of ``body`` (reviewer of the same body, 一事一审)."""
    return _any_role(user, {Role.CONFIDENTIALITY_REVIEWER}, body)


def can_approve_publication(user, body: Body) -> bool:
    """Approve publication as ``body``'s leader (审核)."""
    return _any_role(user, {Role.APPROVING_LEADER}, body)


def can_withdraw_record(user, body: Body) -> bool:
    """Withdraw a published record, or mark it expired or repealed (the leader who approves
    publication, or the county office)."""
    return _any_role(user, {Role.APPROVING_LEADER, Role.OFFICE_ADMIN}, body)


def can_mask_record(user, body: Body) -> bool:
    """Mask personal data in a record of ``body`` (a new revision that needs review again): its
    officer, its confidentiality reviewer, or whoever may withdraw it."""
    return _any_role(user, {Role.INFO_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.APPROVING_LEADER,
                            Role.OFFICE_ADMIN}, body)


def can_grant_privacy_exception(user, body: Body) -> bool:
    """Let a revision of ``body`` past the privacy gate with a legal basis: the body's
    confidentiality reviewer (part of the 保密审查, 一事一审)."""
    return can_review_confidentiality(user, body)


def can_run_privacy_sweep(user, county: Body) -> bool:
    """Start a 存量排查 of a county's published information and read its report (the county's
    disclosure office)."""
    return _any_role(user, {Role.OFFICE_ADMIN}, county)


def can_handle_privacy_finding(user, body: Body) -> bool:
    """Act on a sweep finding about a record of ``body``: withdraw, mask, open a rectification
    item or dismiss it (the body's leader or the county office)."""
    return can_withdraw_record(user, body)


def can_handle_request(user, body: Body) -> bool:
    """Handle 依申请公开 cases addressed to ``body``."""
    return _any_role(user, {Role.REQUEST_HANDLER, Role.OFFICE_ADMIN}, body)


def can_post_village_affairs(user, body: Body) -> bool:
    """Post 村务公开 items for a village."""
    if body.kind != BodyKind.VILLAGE:
        return False
    return _any_role(user, {Role.VILLAGE_CLERK, Role.OFFICE_ADMIN}, body)


def audit_events_visible_to(user):
    """Audit entries ``user`` may read: platform operators all; office admins their county's and
    the platform-wide ones (scope null); nobody else any."""
    from django.db.models import Q

    from gongkai.core.models import AuditEvent

    if is_platform_operator(user):
        return AuditEvent.objects.all()
    if not can_view_audit_log(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(scope_body_id__isnull=True) | Q(scope_body_id__in=bodies_visible_to(user).values("pk"))
    )


def bodies_visible_to(user):
    """Queryset of bodies whose internal records ``user`` may see in the admin."""
    if is_platform_operator(user):
        return Body.objects.all()
    ids: set[int] = set()
    for m in _memberships(user):
        if m.role == Role.OFFICE_ADMIN:
            county = m.body.get_county()
            if county is not None:
                ids.update(Body.get_tree(county).values_list("pk", flat=True))
        else:
            ids.add(m.body.pk)
            ids.update(m.body.get_descendants().filter(kind=BodyKind.SECTION).values_list("pk", flat=True))
    return Body.objects.filter(pk__in=ids)


# --- Disclosure catalogues (基层政务公开标准目录, gongkai.catalog) -------------------------------
# Bodies that compile a catalogue: the county and its departments (县级 items), townships (乡级 items).
# 国办发〔2019〕54号 asks 基层政府 to compile theirs against the 26 standard guidelines (domain facts §4.1).
CATALOGUE_BODY_KINDS = {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP}


def can_view_catalogue(user, body: Body) -> bool:
    """See ``body``'s catalogue in the admin and export it (any role at the body)."""
    return body.kind in CATALOGUE_BODY_KINDS and _any_role(user, set(Role), body)


def can_edit_catalogue(user, body: Body) -> bool:
    """Compile ``body``'s catalogue: adopt standard areas, add local items, edit items, mark an area
    未涉及, import a table. The body's information officer or the county office admin."""
    return body.kind in CATALOGUE_BODY_KINDS and _any_role(user, {Role.INFO_OFFICER, Role.OFFICE_ADMIN}, body)


def can_finalise_catalogue(user, body: Body) -> bool:
    """Declare ``body``'s catalogue 编制完成 (with its date)."""
    return body.kind in CATALOGUE_BODY_KINDS and _any_role(user, {Role.INFO_OFFICER, Role.OFFICE_ADMIN}, body)


# --- 政府信息公开工作年度报告 (gongkai.reports) ---------------------------------------------------
# 条例第四十九条: the county government and its departments report each year (townships by practice).
# A body's information officer compiles its report, its leader or the county office publishes it; the
# county office oversees every body's report (dashboard, summary).
REPORT_BODY_KINDS = {BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP}


def can_use_annual_reports(user) -> bool:
    """Use the 年报 screens at all (its menu): a role held on a body that reports (a village clerk's
    village does not)."""
    return is_platform_operator(user) or any(m.body.kind in REPORT_BODY_KINDS for m in _memberships(user))


def can_view_annual_report(user, body: Body) -> bool:
    """See ``body``'s unpublished report (draft, checks) in the admin: anyone holding a role there."""
    return body.kind in REPORT_BODY_KINDS and _any_role(user, set(Role), body)


def can_edit_annual_report(user, body: Body) -> bool:
    """Enter table 二 figures, generate, edit, validate and open a correction of ``body``'s report:
    the body's information officer, or the county office admin."""
    return body.kind in REPORT_BODY_KINDS and _any_role(user, {Role.INFO_OFFICER, Role.OFFICE_ADMIN}, body)


def can_publish_annual_report(user, body: Body) -> bool:
    """Publish ``body``'s report (or its correction): the body's approving leader, or the office admin."""
    return body.kind in REPORT_BODY_KINDS and _any_role(user, {Role.APPROVING_LEADER, Role.OFFICE_ADMIN}, body)


def can_oversee_annual_reports(user, county: Body) -> bool:
    """See every body's report state and the county summary (汇总): the county office admin."""
    return _any_role(user, {Role.OFFICE_ADMIN}, county)


# --- 依申请公开 cases (gongkai.requests) ---------------------------------------------------------
# The handlers of a case are the target body's 依申请公开办理员 and the county's office admins
# (can_handle_request above). The extension (条例第三十三条第二款) needs the consent of the head of
# the 政府信息公开工作机构: the body's 审核领导 or the county office admin.


CASE_ROLES = {Role.REQUEST_HANDLER, Role.APPROVING_LEADER, Role.OFFICE_ADMIN}


def can_view_cases(user) -> bool:
    """Use the case screens at all (the 依申请公开 menu): whoever holds a role that sees cases
    somewhere (can_view_case: handlers, those who approve extensions, the office)."""
    return is_platform_operator(user) or any(m.role in CASE_ROLES for m in _memberships(user))


def can_handle_case(user, body: Body) -> bool:
    """Register and move 依申请公开 cases addressed to ``body`` (same scope as can_handle_request)."""
    return can_handle_request(user, body)


def can_approve_extension(user, body: Body) -> bool:
    """Approve the one extension of a case addressed to ``body`` (条例第三十三条第二款)."""
    return _any_role(user, {Role.APPROVING_LEADER, Role.OFFICE_ADMIN}, body)


def can_view_case(user, case) -> bool:
    """See a case (without the applicant's data): its handlers and whoever approves extensions."""
    return can_handle_case(user, case.body) or can_approve_extension(user, case.body)


def can_view_applicant(user, case) -> bool:
    """See the applicant's identity and contact data: only the handlers of the target body and the
    county's office administrators (platform operators too); never the public."""
    return can_handle_case(user, case.body)


def can_record_review(user, case) -> bool:
    """Record a 行政复议 or 行政诉讼 about a case."""
    return can_handle_case(user, case.body)


def can_issue_letter(user, case) -> bool:
    """Generate a letter of a case, download it, record it as sent (the letters carry applicant data)."""
    return can_handle_case(user, case.body)


def can_manage_letter_templates(user, county: Body) -> bool:
    """Replace the county's letter templates and set its bodies' 发文机关代字: the office admin."""
    return _any_role(user, {Role.OFFICE_ADMIN}, county)


def can_view_proactive_suggestions(user, body: Body) -> bool:
    """See 条例第四十四条 suggestions of ``body``: its officers (信息员, 依申请公开办理员, 审核领导) and the office."""
    return _any_role(user, {Role.INFO_OFFICER, Role.REQUEST_HANDLER, Role.APPROVING_LEADER, Role.OFFICE_ADMIN}, body)


def can_decide_proactive_suggestion(user, body: Body) -> bool:
    """Accept (link the record disclosed) or decline a 条例第四十四条 suggestion: those who decide on
    proactive disclosure at ``body`` (信息员, 审核领导) and the office admin."""
    return _any_role(user, {Role.INFO_OFFICER, Role.APPROVING_LEADER, Role.OFFICE_ADMIN}, body)


# --- 村务公开 and subsidy payout notices (gongkai.villages) ---------------------------------------
# Payout lists are compiled by the township (乡镇财政所/信息员) from the county's "一卡通" export and
# posted per village; the township handles objections (issue 7). Township roles do not reach into
# villages through _covers, so these rules look at the village's township explicitly.
TOWNSHIP_SUBSIDY_ROLES = {Role.INFO_OFFICER, Role.APPROVING_LEADER, Role.OFFICE_ADMIN}


def _township_of(body: Body) -> Body:
    return body.get_parent() if body.kind == BodyKind.VILLAGE else body


def can_manage_subsidy_programmes(user) -> bool:
    """Add or change subsidy programmes (county-wide data): office admins."""
    return is_platform_operator(user) or any(m.role == Role.OFFICE_ADMIN for m in _memberships(user))


def can_import_payouts(user, body: Body) -> bool:
    """Import a payout file for ``body`` (a township; a county: office admin only)."""
    if body.kind == BodyKind.COUNTY:
        return _any_role(user, {Role.OFFICE_ADMIN}, body)
    return body.kind == BodyKind.TOWNSHIP and _any_role(user, TOWNSHIP_SUBSIDY_ROLES, body)


def can_publish_subsidy_notice(user, body: Body) -> bool:
    """Open the 公示 of payouts for the villages of ``body`` (a township or one of its villages)."""
    return body.kind in (BodyKind.TOWNSHIP, BodyKind.VILLAGE) and _any_role(
        user, TOWNSHIP_SUBSIDY_ROLES, _township_of(body))


def can_handle_objection(user, notice) -> bool:
    """Decide an objection to a village's notice, and issue a corrected notice: the township."""
    return _any_role(user, TOWNSHIP_SUBSIDY_ROLES, _township_of(notice.village))


def can_view_payouts(user, village: Body) -> bool:
    """See a village's unmasked-by-policy staff view (archived lists, objections with contacts):
    the township's staff, the county office and that village's clerk."""
    return (_any_role(user, TOWNSHIP_SUBSIDY_ROLES, _township_of(village))
            or has_role(user, Role.VILLAGE_CLERK, village))


def can_file_objection(notice, today) -> bool:
    """Anyone (no account needed) may object while the notice is in its 公示期."""
    from gongkai.villages.publicity import Phase, phase

    return notice.status == "open" and phase(notice.starts_on, notice.ends_on, today) is Phase.OPEN


# --- 村务公开目录 (village catalogues, gongkai.villages) -------------------------------------------
# The township guides its villages in compiling their catalogues and watches who is late; the county
# office sees every township. Posting stays with the village's own clerk (can_post_village_affairs).


def can_manage_village_catalogue(user, village: Body) -> bool:
    """Adopt the standard catalogue for ``village`` and add local items: its clerk, the township's
    staff, the county office."""
    if village.kind != BodyKind.VILLAGE:
        return False
    return (_any_role(user, TOWNSHIP_SUBSIDY_ROLES, _township_of(village))
            or has_role(user, Role.VILLAGE_CLERK, village))


def can_view_village_lateness(user, body: Body) -> bool:
    """See which villages are late on which catalogue items: for a township its staff and the county
    office; for a county (all townships) the county office."""
    if body.kind == BodyKind.TOWNSHIP:
        return _any_role(user, TOWNSHIP_SUBSIDY_ROLES, body)
    return body.kind == BodyKind.COUNTY and _any_role(user, {Role.OFFICE_ADMIN}, body)

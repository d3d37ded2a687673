"""The role x action x own-body/other-body permission matrix of gongkai.core.rules."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongkai.core import rules
from gongkai.core.actors import SYSTEM
from gongkai.core.models import BodyKind, Role
from gongkai.core.services.bodies import create_body
from tests.conftest import code

# role -> (body the role is held at, "own" target, "other" target). The office admin's own scope
# is the whole county, so its other target is a department of another county.
PLACEMENT = {
    Role.OFFICE_ADMIN: ("office", "dept_a", "foreign_dept"),
    Role.INFO_OFFICER: ("dept_a", "dept_a", "dept_b"),
    Role.CONFIDENTIALITY_REVIEWER: ("dept_a", "dept_a", "dept_b"),
    Role.APPROVING_LEADER: ("dept_a", "dept_a", "dept_b"),
    Role.REQUEST_HANDLER: ("township_a", "township_a", "township_b"),
    Role.VILLAGE_CLERK: ("village_a", "village_a", "village_b"),
}
ALL = set(Role)
# action -> roles allowed on their own target (never on the other target).
ALLOWED_OWN = {
    "can_view_body": ALL,
    "can_create_body": {Role.OFFICE_ADMIN},
    "can_edit_body_structure": {Role.OFFICE_ADMIN},
    "can_edit_body_contact": {Role.OFFICE_ADMIN, Role.INFO_OFFICER},
    "can_edit_site_settings": {Role.OFFICE_ADMIN},
    "can_manage_people": {Role.OFFICE_ADMIN},
    "can_draft_record": {Role.OFFICE_ADMIN, Role.INFO_OFFICER},
    "can_review_confidentiality": {Role.CONFIDENTIALITY_REVIEWER},
    "can_approve_publication": {Role.APPROVING_LEADER},
    "can_withdraw_record": {Role.APPROVING_LEADER, Role.OFFICE_ADMIN},
    "can_handle_request": {Role.OFFICE_ADMIN, Role.REQUEST_HANDLER},
    "can_post_village_affairs": {Role.VILLAGE_CLERK},
    "can_view_catalogue": ALL - {Role.VILLAGE_CLERK},  # villages compile no catalogue
    "can_edit_catalogue": {Role.OFFICE_ADMIN, Role.INFO_OFFICER},
    "can_finalise_catalogue": {Role.OFFICE_ADMIN, Role.INFO_OFFICER},
}
GLOBAL_ALLOWED = {
    "can_access_admin": ALL,
    "can_view_audit_log": {Role.OFFICE_ADMIN},
    "can_load_calendar": {Role.OFFICE_ADMIN},
}


@pytest.fixture
def bodies(county):
    other_county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(91))
    foreign_dept = create_body(SYSTEM, parent=other_county, kind=BodyKind.DEPARTMENT, name="邻县教育局",
                               code=code(92))
    named = {k: getattr(county, k) for k in county.__dataclass_fields__}
    named["foreign_dept"] = foreign_dept
    return named


@pytest.mark.parametrize("action", sorted(ALLOWED_OWN))
@pytest.mark.parametrize("role", list(Role))
def test_role_action_matrix(bodies, make_user, role, action):
    held_at, own, other = PLACEMENT[role]
    user = make_user(role, bodies[held_at])
    check = getattr(rules, action)
    assert check(user, bodies[own]) is (role in ALLOWED_OWN[action]), f"{role} {action} own body"
    assert check(user, bodies[other]) is False, f"{role} {action} other body"


@pytest.mark.parametrize("action", sorted(GLOBAL_ALLOWED))
@pytest.mark.parametrize("role", list(Role))
def test_global_actions(bodies, make_user, role, action):
    user = make_user(role, bodies[PLACEMENT[role][0]])
    assert getattr(rules, action)(user) is (role in GLOBAL_ALLOWED[action])


@pytest.mark.parametrize("action", sorted(ALLOWED_OWN))
def test_no_role_anonymous_and_inactive_get_nothing(bodies, make_user, action):
    nobody = make_user(None, bodies["dept_a"])
    inactive = make_user(Role.OFFICE_ADMIN, bodies["office"])
    inactive.is_active = False
    for user in (AnonymousUser(), nobody, inactive):
        for target in ("dept_a", "village_a", "office"):
            assert getattr(rules, action)(user, bodies[target]) is False


@pytest.mark.parametrize("action", sorted(ALLOWED_OWN))
def test_superuser_and_system_may_do_everything(bodies, superuser, action):
    for actor in (superuser, SYSTEM):
        assert getattr(rules, action)(actor, bodies["village_a"] if "village" in action else bodies["dept_b"])


def test_roles_reach_sections_inside_their_body_only(bodies, make_user):
    officer_a = make_user(Role.INFO_OFFICER, bodies["dept_a"])
    officer_b = make_user(Role.INFO_OFFICER, bodies["dept_b"])
    assert rules.can_draft_record(officer_a, bodies["section_a"])
    assert not rules.can_draft_record(officer_b, bodies["section_a"])


def test_office_admin_scope_is_the_whole_county(bodies, make_user):
    admin = make_user(Role.OFFICE_ADMIN, bodies["office"])
    for name in ("county", "dept_b", "township_b", "village_b", "section_a"):
        assert rules.can_manage_people(admin, bodies[name]), name
    assert rules.can_post_village_affairs(admin, bodies["village_b"])
    assert not rules.can_post_village_affairs(admin, bodies["dept_a"])  # not a village
    visible = set(rules.bodies_visible_to(admin))
    assert bodies["village_b"] in visible and bodies["foreign_dept"] not in visible


def test_visible_bodies_for_an_officer(bodies, make_user):
    officer = make_user(Role.INFO_OFFICER, bodies["dept_a"])
    assert set(rules.bodies_visible_to(officer)) == {bodies["dept_a"], bodies["section_a"]}


def test_revoked_roles_stop_counting(bodies, make_user):
    from gongkai.core.models import Membership
    from gongkai.core.services.people import revoke_role

    officer = make_user(Role.INFO_OFFICER, bodies["dept_a"])
    revoke_role(SYSTEM, Membership.objects.get(user=officer))
    officer.refresh_from_db()
    assert not rules.can_draft_record(officer, bodies["dept_a"])
    assert not officer.groups.exists()

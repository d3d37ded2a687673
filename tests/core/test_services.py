"""Services: permission checks, validation with Chinese messages, nothing half-written."""

import pytest
from django.core.exceptions import PermissionDenied

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Body, BodyKind, Membership, Role
from gongkai.core.services import ServiceError
from gongkai.core.services.bodies import create_body, update_body
from gongkai.core.services.people import assign_role, create_person, set_password, update_person
from tests.conftest import code


def test_create_body_checks_tree_shape(county):
    with pytest.raises(ServiceError, match="村（社区）不能设在县直部门之下"):
        create_body(SYSTEM, parent=county.dept_a, kind=BodyKind.VILLAGE, name="错位村", code=code(50, "54"))
    with pytest.raises(ServiceError, match="未知的机构类型"):
        create_body(SYSTEM, parent=county.county, kind="city", name="某市")


def test_create_body_validates_the_credit_code_and_writes_nothing_on_error(county):
    count, events = Body.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as info:
        create_body(SYSTEM, parent=county.county, kind=BodyKind.DEPARTMENT, name="测试县审计局",
                    code=code(60)[:-1] + ("0" if code(60)[-1] != "0" else "1"))
    assert "校验位" in str(info.value.message_dict["code"])
    with pytest.raises(ServiceError, match="必须填写统一社会信用代码"):
        create_body(SYSTEM, parent=county.county, kind=BodyKind.DEPARTMENT, name="测试县审计局")
    with pytest.raises(ServiceError):  # duplicate code
        create_body(SYSTEM, parent=county.county, kind=BodyKind.DEPARTMENT, name="重复", code=code(3))
    assert Body.objects.count() == count and AuditEvent.objects.count() == events


def test_information_officer_edits_contacts_but_not_structure(county, make_user):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    update_body(officer, county.dept_a, phone="0797-5220000", fax="0797-5220001")
    county.dept_a.refresh_from_db()
    assert county.dept_a.phone == "0797-5220000"
    with pytest.raises(PermissionDenied):
        update_body(officer, county.dept_a, name="改名")
    with pytest.raises(PermissionDenied):
        update_body(officer, county.dept_b, phone="0797-1")


def test_deactivating_a_body_is_its_own_event(county, office_admin):
    update_body(office_admin, county.dept_b, is_active=False)
    assert AuditEvent.objects.order_by("-seq").first().event_type == "body.deactivated"


def test_office_admin_role_only_on_the_competent_office(county, make_user):
    user = make_user(None, county.dept_a)
    with pytest.raises(ServiceError, match="主管部门"):
        assign_role(SYSTEM, user=user, body=county.dept_a, role=Role.OFFICE_ADMIN)
    with pytest.raises(ServiceError, match="不能授予"):
        assign_role(SYSTEM, user=user, body=county.dept_a, role=Role.VILLAGE_CLERK)


def test_people_services_check_scope(county, make_user, office_admin):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    with pytest.raises(PermissionDenied):
        create_person(officer, body=county.dept_a, username="newbie", full_name="新人")
    person = create_person(office_admin, body=county.dept_b, username="newbie", full_name="新人",
                           password="a-Long-passphrase-2026")
    membership = assign_role(office_admin, user=person, body=county.dept_b, role=Role.INFO_OFFICER)
    assert membership.role == Role.INFO_OFFICER
    assert person.groups.filter(name="政务公开工作人员").exists()
    with pytest.raises(ServiceError, match="已存在"):
        create_person(office_admin, body=county.dept_b, username="newbie", full_name="重名")
    with pytest.raises(ServiceError):
        create_person(office_admin, body=county.dept_b, username="weak", full_name="弱密码", password="123")
    with pytest.raises(PermissionDenied):
        set_password(officer, person, "Another-long-pass-2026")
    set_password(person, person, "Another-long-pass-2026")
    update_person(office_admin, person, is_active=False)
    assert AuditEvent.objects.order_by("-seq").first().event_type == "person.deactivated"
    assert Membership.objects.filter(user=person).count() == 1

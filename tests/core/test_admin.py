"""Admin screens go through the services and the rules: role-scoped lists, Chinese form errors,
audit entries, no 500 on bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent, Body, BodyKind, CalendarYear, Membership, Role
from tests.conftest import PASSWORD, code


@pytest.fixture
def login(client):
    def login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("wagtailadmin_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录政务公开管理后台" in html and "政务公开管理后台" in html


def test_every_role_can_enter_the_admin_but_not_a_user_without_role(login, county, make_user, client):
    for role, body in ((Role.INFO_OFFICER, county.dept_a), (Role.VILLAGE_CLERK, county.village_a)):
        assert login(make_user(role, body)).get(reverse("wagtailadmin_home")).status_code == 200
    client.logout()
    assert login(make_user(None, county.dept_a)).get(reverse("wagtailadmin_home")).status_code == 302


def test_office_admin_creates_a_body_through_the_service(login, county, office_admin):
    c = login(office_admin)
    assert c.get(reverse("bodies:add")).status_code == 200
    response = c.post(reverse("bodies:add"), {
        "parent": county.county.pk, "kind": BodyKind.DEPARTMENT, "name": "测试县审计局",
        "code": code(70), "phone": "0797-5221118",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Body.objects.get(name="测试县审计局")
    assert body.get_parent() == county.county
    assert AuditEvent.objects.filter(event_type="body.created", object_id=str(body.pk)).count() == 1


def test_bad_credit_code_in_the_admin_is_a_form_error(login, county, office_admin):
    count = Body.objects.count()
    response = login(office_admin).post(reverse("bodies:add"), {
        "parent": county.county.pk, "kind": BodyKind.DEPARTMENT, "name": "<script>alert(1)</script>局",
        "code": "91350100M000100Y44",
    })
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert Body.objects.count() == count


def test_information_officer_sees_and_edits_only_own_body(login, county, make_user):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    c = login(officer)
    listing = c.get(reverse("bodies:index")).content.decode()
    assert "测试县农业农村局" in listing and "测试县教育局" not in listing
    assert c.get(reverse("bodies:edit", args=[county.dept_b.pk])).status_code in (403, 404)
    response = c.post(reverse("bodies:edit", args=[county.dept_a.pk]), {
        "name": "测试县农业农村局", "code": county.dept_a.code, "is_active": "on",
        "phone": "0797-5220202", "email": "nyj@example.cn",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    county.dept_a.refresh_from_db()
    assert county.dept_a.phone == "0797-5220202"
    assert AuditEvent.objects.filter(event_type="body.updated", actor_id=officer.pk).exists()


def test_audit_log_is_for_office_admins(login, county, office_admin, make_user, client):
    assert login(office_admin).get(reverse("audit:index")).status_code == 200
    client.logout()
    assert login(make_user(Role.INFO_OFFICER, county.dept_a)).get(reverse("audit:index")).status_code in (302, 403)


def test_role_assignment_and_revocation_in_the_admin(login, county, office_admin, make_user):
    person = make_user(None, county.dept_b)
    c = login(office_admin)
    response = c.post(reverse("memberships:add"), {"user": person.pk, "body": county.dept_b.pk,
                                                    "role": Role.CONFIDENTIALITY_REVIEWER})
    assert response.status_code == 302, response.context["form"].errors
    membership = Membership.objects.get(user=person)
    response = c.post(reverse("memberships:delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(event_type="role.revoked").exists()


def test_calendar_upload_validates_the_file(login, county, office_admin):
    c = login(office_admin)
    bad = SimpleUploadedFile("2027.csv", "2027-01-01,休\n2027-02-30,休\n".encode())
    response = c.post(reverse("calendar:add"), {"year": 2027, "notice": "", "file": bad})
    assert response.status_code == 200 and "第2行" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    binary = SimpleUploadedFile("2027.csv", b"\xff\xfe\x00\x00garbage\x81")
    response = c.post(reverse("calendar:add"), {"year": 2027, "notice": "", "file": binary})
    assert response.status_code == 200
    good = SimpleUploadedFile("2027.csv", "2027-01-01,休,元旦\n2027-02-20,班,春节\n".encode("gbk"))
    response = c.post(reverse("calendar:add"), {"year": 2027, "notice": "测试", "file": good})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).days.count() == 2


def test_officer_cannot_load_the_calendar(login, county, make_user):
    c = login(make_user(Role.INFO_OFFICER, county.dept_a))
    good = SimpleUploadedFile("2027.csv", b"2027-01-01,holiday\n")
    response = c.post(reverse("calendar:add"), {"year": 2027, "notice": "", "file": good})
    assert response.status_code in (302, 403)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_audit_entries_of_another_county_are_hidden_in_the_admin(login, county, office_admin):
    from gongkai.core.actors import SYSTEM
    from gongkai.core.services.bodies import create_body

    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(83))
    foreign = AuditEvent.objects.get(event_type="body.created", object_id=str(other.pk))
    c = login(office_admin)
    assert "邻县人民政府" not in c.get(reverse("audit:index")).content.decode()
    assert c.get(reverse("audit:inspect", args=[foreign.pk])).status_code in (403, 404)
    own = AuditEvent.objects.get(event_type="body.created", object_id=str(county.dept_a.pk))
    assert c.get(reverse("audit:inspect", args=[own.pk])).status_code == 200


def test_office_admin_edits_a_person_and_resets_the_password(login, county, office_admin, make_user):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    c = login(office_admin)
    url = reverse("people:edit", args=[officer.pk])
    weak = c.post(url, {"full_name": "新名字", "email": "a@example.cn", "is_active": "on", "new_password": "123"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    officer.refresh_from_db()
    assert officer.first_name != "新名字"  # nothing half-written
    response = c.post(url, {"full_name": "新名字", "email": "a@example.cn", "is_active": "on",
                            "new_password": "Strong-passphrase-2026"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.first_name == "新名字" and officer.check_password("Strong-passphrase-2026")
    assert AuditEvent.objects.filter(event_type="person.password_set", object_id=str(officer.pk)).exists()

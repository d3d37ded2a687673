"""Annual-report rules as a role × action × own-body/other-body matrix (core/rules.py)."""

import pytest

from gongkai.core import rules
from gongkai.core.models import Role

ACTIONS = {
    "view": rules.can_view_annual_report,
    "edit": rules.can_edit_annual_report,
    "publish": rules.can_publish_annual_report,
}

# role held at dept_a → allowed actions on dept_a's report, and on dept_b's report.
MATRIX = [
    (Role.INFO_OFFICER, {"view", "edit"}, set()),
    (Role.APPROVING_LEADER, {"view", "publish"}, set()),
    (Role.CONFIDENTIALITY_REVIEWER, {"view"}, set()),
    (Role.REQUEST_HANDLER, {"view"}, set()),
]


@pytest.mark.parametrize(("role", "own", "other"), MATRIX)
def test_body_roles(county, make_user, role, own, other):
    user = make_user(role, county.dept_a)
    for name, rule in ACTIONS.items():
        assert rule(user, county.dept_a) is (name in own), name
        assert rule(user, county.dept_b) is (name in other), name
    assert not rules.can_oversee_annual_reports(user, county.county)


def test_office_admin_covers_every_reporting_body(county, office_admin):
    for body in (county.county, county.dept_a, county.dept_b, county.township_a):
        assert all(rule(office_admin, body) for rule in ACTIONS.values())
    assert rules.can_oversee_annual_reports(office_admin, county.county)


def test_no_report_for_villages_sections_or_anonymous(county, office_admin, superuser):
    from django.contrib.auth.models import AnonymousUser

    for body in (county.village_a, county.section_a):
        assert not any(rule(user, body) for rule in ACTIONS.values() for user in (office_admin, superuser))
    assert not any(rule(AnonymousUser(), county.dept_a) for rule in ACTIONS.values())

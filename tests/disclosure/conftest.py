"""A county with the roles a record passes through."""

import datetime as dt
from dataclasses import dataclass

import pytest

from gongkai.core.models import Role


@dataclass
class Staff:
    officer: object
    reviewer: object
    leader: object
    other_officer: object
    other_reviewer: object
    office_admin: object


@pytest.fixture
def staff(county, make_user, office_admin):
    return Staff(
        officer=make_user(Role.INFO_OFFICER, county.dept_a),
        reviewer=make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_a),
        leader=make_user(Role.APPROVING_LEADER, county.dept_a),
        other_officer=make_user(Role.INFO_OFFICER, county.dept_b),
        other_reviewer=make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_b),
        office_admin=office_admin,
    )


@pytest.fixture
def draft(county, staff):
    from gongkai.disclosure.services.records import create_record

    return create_record(staff.officer, body=county.dept_a, title="关于下达2026年耕地地力保护补贴资金的通知",
                         summary="下达2026年耕地地力保护补贴资金", content="<p>各乡镇：现将补贴资金下达如下。</p>",
                         doc_number="青农发[2026]12号", formed_date=dt.date(2026, 3, 2), doc_type="other_document",
                         topic="agriculture")

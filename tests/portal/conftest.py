"""The county from tests/conftest.py with its public website, contacts filled in as an office would."""

from __future__ import annotations

import pytest

from gongkai.core.actors import SYSTEM
from gongkai.core.services.bodies import update_body
from gongkai.portal.setup import ensure_county_site


@pytest.fixture
def home(county):
    update_body(SYSTEM, county.office, phone="0797-5221000", address="测试县人民路1号", email="gkb@example.gov.cn",
                disclosure_office="测试县人民政府办公室政务公开股")
    update_body(SYSTEM, county.dept_a, phone="0797-5223003", address="测试县人民路8号", postcode="341900",
                office_hours="工作日上午8:30—12:00，下午14:30—17:30", disclosure_office="测试县农业农村局办公室")
    return ensure_county_site(county.county)

"""The resident lookup after a restore onto a server with another ID-hash key (issue 13 §3): an
error naming the cause, and a log line for the administrator, never "not found"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from gongkai.core import keys
from gongkai.core.actors import SYSTEM
from gongkai.portal.setup import ensure_county_site
from gongkai.villages.services.lookup import KEY_MISMATCH, NOT_FOUND, LookupRefused, lookup
from gongkai.villages.services.subsidies import import_payouts
from tests.villages.conftest import csv_bytes, make_id, rows_for

OTHER_KEY = "Vq3-f8ZkL0pTw9xRb2NcYh7mJd4sGe6uAa1"


def test_lookup_says_the_keys_differ_instead_of_not_found(county, villages, programme, settings, caplog):
    ensure_county_site(county.county)
    rows = rows_for(["甲村"], per_village=2)
    with freeze_time("2026-03-01 09:00:00+08:00"):
        import_payouts(SYSTEM, data=csv_bytes(rows), filename="a.csv", programme=programme, year=2025,
                       township=county.township_a, today=dt.date(2026, 3, 1))
    keys.record()
    assert lookup(name=rows[0][1], id_number=make_id(1), client_ip="10.9.0.1").rows
    with pytest.raises(LookupRefused) as err:
        lookup(name="王五", id_number=make_id(1), client_ip="10.9.0.1")
    assert err.value.message == NOT_FOUND  # keys match: a plain miss is still "not found"

    settings.GONGKAI_ID_HASH_KEY = OTHER_KEY
    with pytest.raises(LookupRefused) as err:
        lookup(name=rows[0][1], id_number=make_id(1), client_ip="10.9.0.2")
    assert err.value.message == KEY_MISMATCH == "系统密钥与数据不一致，暂时无法查询，请联系管理员"
    assert any("ID-hash key" in r.getMessage() for r in caplog.records)
    page = Client().post("/cwgk/lookup/", {"name": rows[0][1], "id_number": make_id(1)}, REMOTE_ADDR="10.9.0.3")
    assert page.status_code == 503 and KEY_MISMATCH in page.text and "未查到" not in page.text
    assert make_id(1) not in page.text

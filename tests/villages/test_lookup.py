"""Personal lookup: own rows only, one answer for every failure, rate-limited, no ID numbers kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent
from gongkai.villages.services.lookup import NOT_FOUND, LookupRefused, lookup
from gongkai.villages.services.subsidies import import_payouts
from tests.villages.conftest import csv_bytes, make_id, rows_for


@pytest.fixture
def payouts(county, villages, programme, programme2):
    rows = rows_for(["甲村"], per_village=3)
    import_payouts(SYSTEM, data=csv_bytes(rows), filename="a.csv", programme=programme, year=2025,
                   township=county.township_a, today=dt.date(2026, 1, 10))
    import_payouts(SYSTEM, data=csv_bytes(rows[:1]), filename="b.csv", programme=programme2, year=2025,
                   township=county.township_a, today=dt.date(2026, 1, 10))
    return rows


def test_finds_own_rows_only(payouts):
    result = lookup(name=payouts[0][1], id_number=make_id(1).lower()[:-1] + make_id(1)[-1].lower(),
                    client_ip="10.0.0.1")
    assert len(result.rows) == 2 and {r.name for r in result.rows} == {payouts[0][1]}
    assert {r.programme.name for r in result.rows} == {"耕地地力保护补贴", "生态公益林补偿"}


@pytest.mark.parametrize("name, number", [
    ("张一甲", make_id(2)),  # right ID of someone else, wrong name
    ("王五", make_id(1)),  # wrong name
    ("张一甲", make_id(999)),  # valid ID not in the data
    ("张一甲", "360102"),  # malformed
    ("", make_id(1)),
])
def test_every_failure_says_the_same(payouts, name, number):
    with pytest.raises(LookupRefused) as err:
        lookup(name=name, id_number=number, client_ip="10.0.0.2")
    assert err.value.message == NOT_FOUND and not err.value.limited


def test_rate_limited_per_ip_and_per_id(payouts, monkeypatch):
    monkeypatch.setenv("GONGKAI_SUBSIDY_LOOKUP_PER_IP", "3")
    monkeypatch.setenv("GONGKAI_SUBSIDY_LOOKUP_PER_ID", "2")
    for _ in range(3):
        with pytest.raises(LookupRefused):
            lookup(name="x", id_number=make_id(5), client_ip="10.0.0.3")
    with pytest.raises(LookupRefused) as err:
        lookup(name=payouts[0][1], id_number=make_id(1), client_ip="10.0.0.3")
    assert err.value.limited and err.value.message.startswith("查询过于频繁，请") and 0 < err.value.retry_after <= 3600
    cache.clear()
    name = payouts[0][1]
    lookup(name=name, id_number=make_id(1), client_ip="10.0.0.4")
    lookup(name=name, id_number=make_id(1), client_ip="10.0.0.5")
    with pytest.raises(LookupRefused) as err:  # a third address cannot go on probing the same ID
        lookup(name=name, id_number=make_id(1), client_ip="10.0.0.6")
    assert err.value.limited


def test_no_id_number_is_kept(payouts):
    before = AuditEvent.objects.count()
    lookup(name=payouts[0][1], id_number=make_id(1), client_ip="10.0.0.7")
    assert AuditEvent.objects.count() == before
    keys = str(getattr(cache, "_cache", {}).keys())
    assert make_id(1) not in keys

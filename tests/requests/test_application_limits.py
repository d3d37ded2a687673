"""Abuse limits on the online application form (issue 13 §5), over HTTP and in the shared database
cache: per client address and per contact per hour, 429 with a Chinese message on the normal page
and Retry-After; invalid forms and resubmissions do not count; a forged X-Forwarded-For does not
move an attacker to a fresh counter."""

from __future__ import annotations

import pytest
from django.test import Client
from freezegun import freeze_time

from gongkai.requests.models import Case
from tests.core.test_limits import DB_CACHE, LOCMEM
from tests.requests.test_public import BASE, form_data, site  # noqa: F401  (fixture)

URL = BASE + "apply/"


@pytest.fixture(autouse=True)
def _shared_cache(settings, db):
    settings.CACHES = {"default": DB_CACHE}
    settings.GONGKAI_LIMIT_APPLICATIONS_PER_IP_HOUR = 3
    settings.GONGKAI_LIMIT_APPLICATIONS_PER_CONTACT_HOUR = 2
    with freeze_time("2026-03-10 10:45:00+08:00") as frozen:
        yield frozen
    settings.CACHES = {"default": LOCMEM}


def apply(county, n: int, ip: str, **changes):
    client = Client(REMOTE_ADDR=ip, **changes.pop("headers", {}))
    data = form_data(county, **{"nonce": f"n-{n}", "phone": f"139000000{n:02d}", "email": f"a{n}@example.com",
                                **changes})
    return client.post(URL, data)


def test_applications_per_address(county, site):  # noqa: F811
    for n in range(3):
        assert apply(county, n, "198.51.100.1").status_code == 200
    refused = apply(county, 3, "198.51.100.1")
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == str(15 * 60)
    assert "提交过于频繁，请15分钟后再试" in html and "同一网络地址每小时最多提交3件申请" in html
    assert '<html lang="zh-CN">' in html and "Traceback" not in html
    assert 'value="2025年农村公路建设项目资金安排"' in html  # what the applicant wrote is kept
    assert Case.objects.count() == 3
    assert apply(county, 4, "198.51.100.2").status_code == 200  # another address is not affected


def test_invalid_forms_and_resubmissions_do_not_count(county, site):  # noqa: F811
    for n in range(5):
        assert apply(county, n, "198.51.100.3", subject="").status_code == 400
    first = apply(county, 10, "198.51.100.3")
    assert first.status_code == 200
    for _ in range(4):  # the same nonce again: "请勿重复提交", not counted, not registered
        assert apply(county, 10, "198.51.100.3").status_code == 200
    assert Case.objects.count() == 1
    assert apply(county, 11, "198.51.100.3").status_code == 200
    assert apply(county, 12, "198.51.100.3").status_code == 200
    assert apply(county, 13, "198.51.100.3").status_code == 429


def test_applications_per_contact_from_many_addresses(county, site):  # noqa: F811
    same = {"phone": "139 1234 5678", "email": "LiSi@example.com"}
    assert apply(county, 0, "198.51.100.10", **same).status_code == 200
    assert apply(county, 1, "198.51.100.11", **{**same, "phone": "+86 13912345678"}).status_code == 200
    refused = apply(county, 2, "198.51.100.12", **{**same, "phone": "13912345678", "email": "other@example.com"})
    assert refused.status_code == 429 and "同一联系电话或电子邮箱每小时最多提交2件" in refused.content.decode()
    by_mail = apply(county, 3, "198.51.100.13", **{**same, "phone": "13700000000", "email": "lisi@EXAMPLE.com"})
    assert by_mail.status_code == 429
    assert Case.objects.count() == 2


def test_limit_resets_after_the_hour(county, site, _shared_cache):  # noqa: F811
    for n in range(3):
        apply(county, n, "198.51.100.20")
    assert apply(county, 3, "198.51.100.20").status_code == 429
    _shared_cache.move_to("2026-03-10 11:00:05+08:00")
    assert apply(county, 4, "198.51.100.20").status_code == 200


def test_forged_forwarded_for_is_ignored(county, site, settings):  # noqa: F811
    for n in range(3):
        forged = {"headers": {"HTTP_X_FORWARDED_FOR": f"10.99.0.{n}"}}
        assert apply(county, n, "198.51.100.30", **forged).status_code == 200
    assert apply(county, 3, "198.51.100.30", headers={"HTTP_X_FORWARDED_FOR": "10.99.0.200"}).status_code == 429
    # Behind a trusted proxy, the address the proxy appended counts, not what the client wrote.
    settings.GONGKAI_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(4, 7):
        via_proxy = {"headers": {"HTTP_X_FORWARDED_FOR": f"10.98.0.{n}, 203.0.113.5"}}
        assert apply(county, n, "127.0.0.1", **via_proxy).status_code == 200
    assert apply(county, 7, "127.0.0.1", headers={"HTTP_X_FORWARDED_FOR": "203.0.113.5"}).status_code == 429
    assert apply(county, 8, "127.0.0.1", headers={"HTTP_X_FORWARDED_FOR": "203.0.113.6"}).status_code == 200


def test_status_lookup_limit_over_http(county, site, settings):  # noqa: F811
    settings.GONGKAI_LIMIT_STATUS_LOOKUPS_PER_IP_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.40")
    for n in range(2):
        assert client.post(BASE + "status/", {"code": f"2026-AAAAAAA{n}", "digits": "1234"}).status_code == 200
    refused = client.post(BASE + "status/", {"code": "2026-AAAAAAAB", "digits": "1234"})
    assert refused.status_code == 429 and refused["Retry-After"] == str(15 * 60)
    assert "查询次数过多，请15分钟后再试" in refused.content.decode()

"""Abuse limits (issue 13 §5): counted in the shared cache (the database table, or Redis), the same
for every worker; exact under concurrency; reset with the window; keyed so that no address or
phone number is stored in clear; the client address is REMOTE_ADDR unless a trusted proxy says
otherwise."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import RequestFactory
from freezegun import freeze_time

import gongkai.settings as project_settings
from gongkai.core import limits

REDIS_URL = "redis://127.0.0.1:6379/5"
DB_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": project_settings.CACHE_TABLE}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings):
    """The project's shared cache: the database table made by the migration, or Redis."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"Redis not reachable at {REDIS_URL}")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": REDIS_URL, "KEY_PREFIX": "gongkai-test"}}
    else:
        request.getfixturevalue("db")
        settings.CACHES = {"default": DB_CACHE}
    caches["default"].clear()
    yield request.param
    caches["default"].clear()
    settings.CACHES = {"default": LOCMEM}  # before the database goes: tests/conftest.py clears it


@pytest.fixture
def db_cache(settings, db):
    settings.CACHES = {"default": DB_CACHE}
    yield
    settings.CACHES = {"default": LOCMEM}


def test_settings_choose_the_database_table_or_redis():
    # Without REDIS_URL (the test environment), the database cache on the migrated table.
    assert project_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert project_settings.CACHES["default"]["LOCATION"] == "gongkai_cache"


@pytest.mark.django_db
def test_migration_created_the_cache_table():
    assert "gongkai_cache" in connection.introspection.table_names()


def test_limit_refuses_after_n_attempts_and_says_when_to_retry(shared_cache):
    with freeze_time("2026-03-10 10:40:00+08:00"):
        decisions = [limits.hit("t", "10.0.0.1", limit=3) for _ in range(5)]
        assert [d.allowed for d in decisions] == [True, True, True, False, False]
        assert decisions[3].retry_after == 20 * 60 and decisions[3].retry_minutes == 20
        assert not limits.check("t", "10.0.0.1", limit=3).allowed
        # Other subjects and other scopes have their own counts.
        assert limits.hit("t", "10.0.0.2", limit=3).allowed
        assert limits.hit("u", "10.0.0.1", limit=3).allowed


def test_limit_resets_with_the_window(shared_cache):
    with freeze_time("2026-03-10 10:59:30+08:00") as frozen:
        for _ in range(2):
            assert limits.hit("t", "10.0.0.1", limit=2).allowed
        refused = limits.hit("t", "10.0.0.1", limit=2)
        assert not refused.allowed and refused.retry_after == 30
        frozen.move_to("2026-03-10 11:00:01+08:00")
        assert limits.check("t", "10.0.0.1", limit=2).allowed
        assert limits.hit("t", "10.0.0.1", limit=2).allowed


def test_check_does_not_count(shared_cache):
    for _ in range(10):
        assert limits.check("t", "a", limit=1).allowed
    assert limits.hit("t", "a", limit=1).allowed
    assert not limits.hit("t", "a", limit=1).allowed


def test_two_workers_share_the_database_counts(db_cache, settings, monkeypatch):
    """Two processes are two cache objects on one table: the limit holds across both."""
    workers = [DatabaseCache(project_settings.CACHE_TABLE, {}), DatabaseCache(project_settings.CACHE_TABLE, {})]
    turn = iter(range(100))
    monkeypatch.setattr(limits, "_cache", lambda: workers[next(turn) % 2])
    allowed = [limits.hit("status-ip", "10.0.0.9", limit=4).allowed for _ in range(8)]
    assert allowed == [True] * 4 + [False] * 4
    # The same for the query-code lookups of 依申请公开 and the resident payout lookup.
    from gongkai.requests import public

    settings.GONGKAI_LIMIT_STATUS_LOOKUPS_PER_IP_HOUR = 3
    for _ in range(3):
        assert public.refusal("10.0.0.10", "2026-AAAAAAAA") is None
        public.lookup("10.0.0.10", "2026-AAAAAAAA", "1234")
    assert public.refusal("10.0.0.10", "2026-AAAAAAAA") is not None


def test_concurrent_attempts_never_exceed_the_limit(shared_cache, request):
    if shared_cache == "database":
        if connection.vendor == "sqlite":
            pytest.skip("the in-memory SQLite test database locks tables without waiting; a deployment's "
                        "file database waits up to 20 s (settings: timeout)")
        # Threads need their own committed connections: the transactional database.
        request.getfixturevalue("transactional_db")
    limit, threads, results = 5, 16, []
    barrier = threading.Barrier(threads)

    def attempt():
        barrier.wait()
        try:
            results.append(limits.hit("burst", "10.0.0.1", limit=limit).allowed)
        finally:
            from django.db import connections

            connections.close_all()

    pool = [threading.Thread(target=attempt) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert len(results) == threads
    assert results.count(True) == limit


def test_cache_keys_hold_no_address_or_phone(db_cache):
    limits.APPLICATIONS_PER_ADDRESS.hit("203.0.113.77")
    for subject in limits.contact_subjects("13912345678", "LiSi@Example.com"):
        limits.APPLICATIONS_PER_CONTACT.hit(subject)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM gongkai_cache")
        rows = " ".join(f"{k} {v}" for k, v in cursor.fetchall())
    assert rows and "limit:apply-ip:" in rows
    for secret in ("203.0.113.77", "13912345678", "lisi@example.com", "LiSi"):
        assert secret not in rows


def test_contacts_are_normalised():
    assert limits.contact_subjects("+86 139-1234-5678", " LiSi@Example.COM ") == ["tel:13912345678",
                                                                                 "mail:lisi@example.com"]
    assert limits.contact_subjects("0086 13912345678") == limits.contact_subjects("13912345678")
    assert limits.contact_subjects("0797-5221000") == ["tel:07975221000"]
    assert limits.contact_subjects("", "") == [] and limits.contact_subjects("12", "no-at-sign") == []


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    ([], "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no trusted proxy: the header is ignored
    (["10.0.0.0/8"], "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # not from a trusted proxy
    (["10.0.0.5"], "10.0.0.5", "203.0.113.1", "203.0.113.1"),
    # A forged entry on the left is the client's own writing: the proxy appended the real address.
    (["10.0.0.5"], "10.0.0.5", "1.2.3.4, 203.0.113.1", "203.0.113.1"),
    (["10.0.0.0/8"], "10.0.0.5", "203.0.113.1, 10.0.0.6", "203.0.113.1"),  # two proxies
    (["10.0.0.5"], "10.0.0.5", "", "10.0.0.5"),
    (["10.0.0.5"], "10.0.0.5", "garbage", "10.0.0.5"),
    (["::1"], "::1", "[2001:db8::1]:443", "2001:db8::1"),
    (["10.0.0.5"], "10.0.0.5", "203.0.113.1:5555", "203.0.113.1"),
])
def test_client_address(settings, trusted, remote, forwarded, expected):
    settings.GONGKAI_TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert limits.client_address(RequestFactory().get("/", **meta)) == expected


def test_bad_trusted_proxy_setting_fails_loudly(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("GONGKAI_TRUSTED_PROXIES", "10.0.0.1,not-an-address")
    with pytest.raises(ImproperlyConfigured, match="not-an-address"):
        importlib.reload(project_settings)
    monkeypatch.delenv("GONGKAI_TRUSTED_PROXIES")
    importlib.reload(project_settings)


def test_a_failing_cache_lets_citizens_through(monkeypatch, caplog):
    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis down")

        add = set = get

    monkeypatch.setattr(limits, "_cache", lambda: Broken())
    assert limits.hit("t", "a", limit=1).allowed and limits.check("t", "a", limit=1).allowed
    assert "cache failed" in caplog.text

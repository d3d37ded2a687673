"""Typed environment readers fail loudly on values they cannot parse."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.environment import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False),
                                               ("no", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("GONGKAI_X", raw)
    assert env_bool("GONGKAI_X", not expected) is expected


def test_bad_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("GONGKAI_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_X='maybe'"):
        env_bool("GONGKAI_X", False)
    monkeypatch.setenv("GONGKAI_N", "two")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_N"):
        env_int("GONGKAI_N", 1)
    monkeypatch.setenv("GONGKAI_N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("GONGKAI_N", 1, minimum=1)


def test_defaults_and_lists(monkeypatch):
    monkeypatch.delenv("GONGKAI_UNSET", raising=False)
    assert env_str("GONGKAI_UNSET", "d") == "d" and env_int("GONGKAI_UNSET", 7) == 7
    assert env_list("GONGKAI_UNSET", ["a"]) == ["a"]
    monkeypatch.setenv("GONGKAI_HOSTS", " a.example , b.example,, ")
    assert env_list("GONGKAI_HOSTS", []) == ["a.example", "b.example"]


def test_unsupported_database_url_is_refused(monkeypatch):
    import subprocess
    import sys

    env = {"DATABASE_URL": "mysql://root@127.0.0.1/test", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import gongkai.settings"], capture_output=True, text=True,
                            env=env)
    assert result.returncode != 0
    assert "only sqlite:// and postgres://" in result.stderr

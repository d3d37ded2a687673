"""Fixtures for 依申请公开: handlers of two bodies, the leader who approves extensions, a case factory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.models import Role
from gongkai.requests.services.cases import register

APPLICANT = {"name": "张三", "id_type": "resident_id", "id_number": "360702199001011234", "phone": "13800001234",
             "email": "zhangsan@example.com", "address": "测试县城关镇1号"}


@pytest.fixture
def handler_a(county, make_user):
    return make_user(Role.REQUEST_HANDLER, county.dept_a)


@pytest.fixture
def handler_b(county, make_user):
    return make_user(Role.REQUEST_HANDLER, county.dept_b)


@pytest.fixture
def leader_a(county, make_user):
    return make_user(Role.APPROVING_LEADER, county.dept_a)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00"))


@pytest.fixture
def make_case(county, handler_a):
    def make(day: str = "2026-03-02", channel: str = "in_person", confirmed_on: str | None = None, actor=None,
             body=None, **kw):
        return register(actor or handler_a, body=body or county.dept_a, channel=channel, arrived_at=at(day),
                        confirmed_on=dt.date.fromisoformat(confirmed_on) if confirmed_on else None,
                        applicant_type=kw.pop("applicant_type", "natural_person"),
                        subject=kw.pop("subject", "2025年耕地地力保护补贴发放名单"),
                        applicant=kw.pop("applicant", dict(APPLICANT)), **kw)

    return make

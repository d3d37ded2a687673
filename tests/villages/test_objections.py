"""公示期, objections, corrections and the archive, with frozen time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.villages.models import Notice, NoticeStatus, ObjectionStatus, Payout
from gongkai.villages.services.subsidies import (
    archive_ended_notices,
    file_objection,
    handle_objection,
    import_payouts,
    issue_correction,
    publish_notices,
)
from tests.villages.conftest import csv_bytes, rows_for


@pytest.fixture
def notice(county, villages, programme):
    with freeze_time("2026-03-01 09:00:00+08:00"):
        import_payouts(SYSTEM, data=csv_bytes(rows_for(["甲村"], per_village=3)), filename="f.csv",
                       programme=programme, year=2025, township=county.township_a)
        (n,) = publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                               supervision_phone="0797-5231001")
    assert (n.starts_on, n.ends_on) == (dt.date(2026, 3, 1), dt.date(2026, 3, 7))
    return n


def test_objection_only_while_open(notice):
    with freeze_time("2026-03-07 23:00:00+08:00"):
        objection = file_objection(notice=notice, name="李四", phone="139 0797 0001", content="面积少算了")
    assert objection.phone == "13907970001"
    event = AuditEvent.objects.get(event_type="subsidy.objection_filed")
    assert "13907970001" not in str(event.data) and "李四" not in event.object_label
    with freeze_time("2026-03-08 00:30:00+08:00"), pytest.raises(ServiceError, match="不在公示期"):
        file_objection(notice=notice, name="李四", phone="13907970001", content="x")
    with freeze_time("2026-03-02 10:00:00+08:00"), pytest.raises(ServiceError) as err:
        file_objection(notice=notice, name="<script>", phone="abc", content="")
    assert set(err.value.message_dict) == {"name", "phone", "content"}


def test_township_handles_objection_and_corrects(notice, county, make_user):
    officer = make_user(Role.INFO_OFFICER, county.township_a)
    other = make_user(Role.INFO_OFFICER, county.township_b)
    clerk = make_user(Role.VILLAGE_CLERK, county.village_a)
    with freeze_time("2026-03-03 10:00:00+08:00"):
        objection = file_objection(notice=notice, name="李四", phone="13907970001", content="面积少算了")
        for user in (other, clerk):
            with pytest.raises(PermissionDenied):
                handle_objection(user, objection, upheld=True, reason="核实")
        with pytest.raises(ServiceError, match="理由"):
            handle_objection(officer, objection, upheld=True, reason=" ")
        handled = handle_objection(officer, objection, upheld=True, reason="经核实，面积漏计0.5亩")
        assert handled.status == ObjectionStatus.UPHELD
        with pytest.raises(ServiceError, match="已处理"):
            handle_objection(officer, objection, upheld=False, reason="x")
    payout = Payout.objects.filter(village=county.village_a).order_by("row_number").first()
    with freeze_time("2026-03-04 10:00:00+08:00"):
        corrected = issue_correction(officer, notice, changes={payout.pk: Decimal("999.99")},
                                     reason="补计漏算面积")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SUPERSEDED and corrected.corrects == notice
    assert (corrected.starts_on, corrected.ends_on) == (dt.date(2026, 3, 4), dt.date(2026, 3, 10))
    assert corrected.total_amount == sum(Payout.objects.filter(village=county.village_a).values_list(
        "amount", flat=True))
    event = AuditEvent.objects.get(event_type="subsidy.notice_corrected")
    assert event.data["changes"][0]["new"] == "999.99" and event.data["original"] == notice.pk
    with pytest.raises(ServiceError, match="已被更正"):
        issue_correction(officer, notice, changes={payout.pk: Decimal("1.00")}, reason="x")


def test_archive_job_is_idempotent(notice, settings):
    settings.GONGKAI_SUBSIDY_RETENTION_YEARS = 5
    with freeze_time("2026-03-07 23:59:00+08:00"):
        assert archive_ended_notices(SYSTEM) == []
    with freeze_time("2026-03-08 08:00:00+08:00"):
        (archived,) = archive_ended_notices(SYSTEM)
        assert archive_ended_notices(SYSTEM) == []
        call_command("subsidy", "tick")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ARCHIVED and notice.retain_until == dt.date(2031, 3, 7)
    assert AuditEvent.objects.filter(event_type="subsidy.notice_archived").count() == 1
    assert Notice.objects.count() == 1


def test_only_the_system_runs_the_archive_job(notice, office_admin):
    with pytest.raises(PermissionDenied):
        archive_ended_notices(office_admin)

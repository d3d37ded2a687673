"""Deadline reminders (条例第四十九条): two weeks before, once when overdue, never twice, never for a
published report; mail to the body's officers and the county office."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from gongkai.core.models import AuditEvent, Role
from gongkai.reports import services
from gongkai.reports.jobs import remind
from gongkai.reports.models import DeadlineReminder
from tests.reports.conftest import generate_finished


@pytest.fixture
def staffed(county, make_user, office_admin):
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    officer.email = "officer@example.com"
    officer.save()
    office_admin.email = "office@example.com"
    office_admin.save()
    return officer


def test_due_soon_then_overdue_once_each(county, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        early = remind(dt.date(2026, 1, 16))
    assert early.sent == [] and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        first = remind(dt.date(2026, 1, 20))
    # county (deadline 31 March) is not reminded yet; office, dept_a, dept_b, two townships are.
    assert first.sent == [county.office.name, county.dept_a.name, county.dept_b.name, county.township_a.name,
                          county.township_b.name]
    to_dept_a = [m for m in mail.outbox if county.dept_a.name in m.subject]
    assert len(to_dept_a) == 1 and sorted(to_dept_a[0].to) == ["office@example.com", "officer@example.com"]
    assert "须于2026-01-31前发布" in to_dept_a[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(dt.date(2026, 1, 25)).sent == []  # rerun: nothing twice
        late = remind(dt.date(2026, 2, 2))
    assert county.dept_a.name in late.sent and county.county.name not in late.sent
    assert any("已逾期" in m.subject for m in mail.outbox)
    assert DeadlineReminder.objects.filter(body=county.dept_a, year=2025).count() == 2
    assert AuditEvent.objects.filter(event_type="report.reminder_sent").count() == 10


def test_published_report_gets_no_reminder(county, office_admin):
    report = generate_finished(office_admin, county.dept_a, 2025)
    services.publish(office_admin, report, today=dt.date(2026, 1, 10))
    assert county.dept_a.name not in remind(dt.date(2026, 1, 20)).sent


def test_cli_remind(county):
    out = io.StringIO()
    call_command("report", "remind", "--date", "2026-03-20", stdout=out)
    assert out.getvalue().startswith("2025年度报告：发出提醒6条")

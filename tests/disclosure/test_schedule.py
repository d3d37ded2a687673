"""定时发布 / 定时撤回: a revision approved for a later time goes live when the scheduler runs after
that time — audited, indexed, on the public list — exactly once, whoever runs it."""

import datetime as dt
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from freezegun import freeze_time

from gongkai import search
from gongkai.core.models import AuditEvent
from gongkai.disclosure import publication, scheduler
from gongkai.disclosure.models import Record
from gongkai.disclosure.services import schedule
from gongkai.disclosure.services.records import save_draft, update_record
from gongkai.portal.models import ProactiveIndexPage
from gongkai.portal.setup import ensure_county_site
from tests.disclosure.test_review_flow import events, review_and_approve

UTC = dt.UTC
APPROVED = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Beijing time
GO_LIVE = dt.datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 the next morning


@pytest.fixture
def column(county):
    ensure_county_site(county.county)
    return ProactiveIndexPage.objects.get()


def set_schedule(staff, record, *, go_live_at=None, expire_at=None):
    draft = record.get_latest_revision_as_object()
    draft.go_live_at, draft.expire_at = go_live_at, expire_at
    return save_draft(staff.officer, draft, creating=False)[0]


def scheduled_record(draft, staff, go_live_at=GO_LIVE):
    # The draft was written at the real time; move it before the frozen times used below, so that
    # Wagtail's "latest revision" (by creation time) is the latest one written.
    draft.revisions.update(created_at=APPROVED - dt.timedelta(days=1))
    with freeze_time(APPROVED):
        set_schedule(staff, draft, go_live_at=go_live_at)
        assert review_and_approve(draft, staff) is True
    draft.refresh_from_db()
    return draft


def found(record) -> bool:
    return search.key_for(record) in [r.key for r in search.search(record.title).results]


def run(at, *args):
    with freeze_time(at):
        call_command("disclosure", "publish-scheduled", *args)


def test_approval_with_a_later_time_only_schedules(draft, staff, client, column, county):
    record = scheduled_record(draft, staff)
    assert not record.live and record.index_number  # the 索引号 is taken at approval
    assert events(record)[-2:] == ["record.approved", "record.scheduled"]
    scheduled = AuditEvent.objects.get(event_type="record.scheduled")
    assert scheduled.data["go_live_at"] == "2026-03-03T08:00:00+08:00" and scheduled.data["scheduled"] is False
    assert record.get_latest_revision().approved_go_live_at == GO_LIVE
    assert not found(record)
    assert record.title not in client.get(column.body_records_url(county.dept_a)).content.decode()


def test_due_revision_goes_live_once_audited_indexed_and_listed(draft, staff, client, column, county):
    record = scheduled_record(draft, staff)
    run(GO_LIVE - dt.timedelta(minutes=1))  # not yet due
    record.refresh_from_db()
    assert not record.live and not found(record)

    run(GO_LIVE + dt.timedelta(seconds=30))
    record.refresh_from_db()
    assert record.live and record.index_number
    assert record.first_published_at == GO_LIVE + dt.timedelta(seconds=30)
    published = AuditEvent.objects.get(event_type="record.published")
    assert published.data["scheduled"] is True and published.data["go_live_at"] == "2026-03-03T08:00:00+08:00"
    assert published.actor_label.startswith("定时任务（") and published.actor_id is None
    assert published.scope_body_id == county.dept_a.pk
    assert found(record)
    assert record.title in client.get(column.body_records_url(county.dept_a)).content.decode()
    assert client.get(column.record_url(record)).status_code == 200

    run(GO_LIVE + dt.timedelta(minutes=1))  # every minute from cron: nothing more happens
    call_command("publish_scheduled")  # nor from Wagtail's command, overridden
    assert AuditEvent.objects.filter(event_type="record.published").count() == 1


def test_a_claimed_revision_is_not_published_twice(draft, staff):
    """Two runs at once (cron and the server's scheduler): the second finds the claim taken."""
    record = scheduled_record(draft, staff)
    revision = record.get_latest_revision()
    with freeze_time(GO_LIVE + dt.timedelta(minutes=1)):
        now = GO_LIVE + dt.timedelta(minutes=1)
        assert schedule._publish_one(schedule.SCHEDULER, revision.pk, now)[1] is not None
        assert schedule._publish_one(schedule.SCHEDULER, revision.pk, now) == ("published", None)
    assert events(record).count("record.published") == 1


def test_wagtails_command_publishes_through_the_service(draft, staff):
    record = scheduled_record(draft, staff)
    with freeze_time(GO_LIVE + dt.timedelta(minutes=5)):
        call_command("publish_scheduled")
    record.refresh_from_db()
    assert record.live and events(record)[-1] == "record.published" and found(record)


def test_a_scheduled_edit_replaces_the_public_text_at_its_time(draft, staff, client, column):
    review_and_approve(draft, staff)
    draft.refresh_from_db()
    first_published = draft.first_published_at
    with freeze_time(APPROVED):
        update_record(staff.officer, draft, title="关于下达2026年耕地地力保护补贴资金的通知（修订）")
        set_schedule(staff, draft, go_live_at=GO_LIVE)
        review_and_approve(draft, staff)
    draft.refresh_from_db()
    assert draft.title == "关于下达2026年耕地地力保护补贴资金的通知"  # public text unchanged until then
    run(GO_LIVE + dt.timedelta(minutes=1))
    draft.refresh_from_db()
    assert draft.title.endswith("（修订）") and draft.first_published_at == first_published
    assert found(draft) and "（修订）" in client.get(column.record_url(draft)).content.decode()


def test_a_revision_the_gate_now_refuses_is_cancelled_not_retried(draft, staff):
    record = scheduled_record(draft, staff)

    def body_merged(record, revision):
        return ["发布机构已合并，请重新确认"]

    publication.register_gate(body_merged)
    try:
        run(GO_LIVE + dt.timedelta(minutes=1))
    finally:
        publication.unregister_gate(body_merged)
    record.refresh_from_db()
    assert not record.live
    cancelled = AuditEvent.objects.get(event_type="record.schedule_cancelled")
    assert "发布机构已合并" in cancelled.data["reasons"][0]
    assert not schedule.scheduled_revisions().exists()
    run(GO_LIVE + dt.timedelta(minutes=2))
    assert AuditEvent.objects.filter(event_type="record.schedule_cancelled").count() == 1


def test_scheduled_withdrawal(draft, staff, client, column):
    expire = dt.datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # midnight, 1 April Beijing time
    with freeze_time(APPROVED):
        set_schedule(staff, draft, expire_at=expire)
        review_and_approve(draft, staff)
    draft.refresh_from_db()
    assert draft.live and draft.expire_at == expire and found(draft)
    run(expire - dt.timedelta(minutes=1))
    draft.refresh_from_db()
    assert draft.live
    run(expire + dt.timedelta(minutes=1))
    draft.refresh_from_db()
    assert not draft.live and draft.expired
    assert draft.withdrawn_at == expire + dt.timedelta(minutes=1)  # the annual report's year-end count
    withdrawn = AuditEvent.objects.get(event_type="record.withdrawn")
    assert withdrawn.data == {"reason": schedule.EXPIRY_REASON, "scheduled": True,
                              "expire_at": "2026-04-01T00:00:00+08:00"}
    assert not found(draft) and client.get(column.record_url(draft)).status_code == 404
    run(expire + dt.timedelta(minutes=2))
    assert AuditEvent.objects.filter(event_type="record.withdrawn").count() == 1


def test_schedule_times_are_validated(draft, staff):
    from gongkai.core.services import ServiceError

    with freeze_time(APPROVED), pytest.raises(ServiceError, match="定时撤回时间必须晚于定时发布时间"):
        set_schedule(staff, draft, go_live_at=GO_LIVE, expire_at=GO_LIVE - dt.timedelta(hours=1))
    with freeze_time(APPROVED), pytest.raises(ServiceError, match="定时撤回时间已过"):
        set_schedule(staff, draft, expire_at=APPROVED - dt.timedelta(days=1))


def test_dry_run_and_json_contract(draft, staff, capsys):
    record = scheduled_record(draft, staff)
    run(GO_LIVE + dt.timedelta(minutes=1), "--dry-run")
    assert "将发布" in capsys.readouterr().out
    record.refresh_from_db()
    assert not record.live
    run(GO_LIVE + dt.timedelta(minutes=1), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is False and set(data) == {"dry_run", "records", "other"}
    assert set(data["records"]) == {"published", "withdrawn", "cancelled", "failed"}
    [item] = data["records"]["published"]
    assert item == {"record": record.pk, "title": record.title, "at": "2026-03-03T08:00:00+08:00",
                    "revision": record.get_latest_revision().pk, "detail": ""}
    run(GO_LIVE + dt.timedelta(minutes=2))
    assert capsys.readouterr().out == ""  # silent when nothing is due: cron mails any output


def test_one_failure_does_not_stop_the_others(draft, staff, county, monkeypatch, capsys):
    from gongkai.disclosure.services.records import create_record

    other = create_record(staff.officer, body=county.dept_a, title="另一条定时发布的信息", formed_date=dt.date(2026, 3, 2))
    first, second = scheduled_record(draft, staff), scheduled_record(other, staff)
    real = schedule.publish_revision

    def flaky(actor, record, revision, **kwargs):
        if record.pk == first.pk:
            raise RuntimeError("磁盘已满")
        return real(actor, record, revision, **kwargs)

    monkeypatch.setattr(schedule, "publish_revision", flaky)
    with pytest.raises(CommandError, match="1 条定时任务失败") as info:
        run(GO_LIVE + dt.timedelta(minutes=1))
    assert info.value.returncode == 1
    assert "失败" in capsys.readouterr().out
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.live and second.live
    assert first.get_latest_revision().approved_go_live_at == GO_LIVE  # rolled back: retried next time
    monkeypatch.setattr(schedule, "publish_revision", real)
    run(GO_LIVE + dt.timedelta(minutes=2))
    first.refresh_from_db()
    assert first.live


def test_the_scheduler_loop_reports_and_survives_errors(monkeypatch, db):
    stop, rounds = threading.Event(), []

    def run_once(actor):
        rounds.append(actor)
        if len(rounds) == 1:
            raise RuntimeError("数据库暂时不可用")
        stop.set()
        return scheduler.RunResult(schedule.ScheduleResult())

    monkeypatch.setattr(scheduler, "run_once", run_once)
    scheduler.run_forever(0.01, stop=stop, report=lambda result: None)
    assert len(rounds) == 2


def test_the_scheduler_stops_when_its_server_is_gone(monkeypatch, db):
    monkeypatch.setattr(scheduler, "run_once", lambda actor: scheduler.RunResult(schedule.ScheduleResult()))
    scheduler.run_forever(60, parent_pid=-1)  # returns at once: its parent is not process -1


def test_the_admin_offers_the_schedule_fields(client, draft, staff):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    assert client.login(username=staff.officer.username, password=PASSWORD)
    html = client.get(reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])).content.decode()
    assert 'name="go_live_at"' in html and 'name="expire_at"' in html
    assert "定时发布时间" in html and "定时撤回时间" in html


def test_records_stay_out_of_wagtails_own_lists(draft, staff):
    scheduled_record(draft, staff)
    with freeze_time(GO_LIVE + dt.timedelta(minutes=1)):
        revisions, expired = scheduler.other_due(GO_LIVE + dt.timedelta(minutes=1))
    assert revisions == [] and expired == []
    assert Record.objects.get(pk=draft.pk).live is False


def test_serve_starts_the_scheduler_unless_switched_off(monkeypatch):
    import os

    from gongkai.core.management.commands import serve

    started, served = [], []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda argv, **kwargs: started.append(argv))
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: served.append(argv))
    monkeypatch.setattr(serve, "key_problems", lambda debug: "")  # keys: tests/core/test_keys.py
    monkeypatch.setattr(serve, "prepare_static", lambda out: None)  # static: tests/core/test_serve.py
    monkeypatch.delenv("GONGKAI_SCHEDULER", raising=False)
    call_command("serve", "--port", "18000")
    assert started == [[*started[0][:3], "disclosure", "scheduler", "--interval", "60", "--parent-pid", str(os.getpid())]]
    assert started[0][1:3] == ["-m", "gongkai.cli"] and len(served) == 1
    monkeypatch.setenv("GONGKAI_SCHEDULER", "off")
    call_command("serve", "--port", "18000")
    assert len(started) == 1 and len(served) == 2
    monkeypatch.setenv("GONGKAI_SCHEDULER", "sometimes")
    with pytest.raises(CommandError, match="GONGKAI_SCHEDULER"):
        call_command("serve", "--port", "18000")


def test_the_scheduler_process_survives_errors_and_leaves_with_its_parent(tmp_path):
    """As started by `gongkai serve`, on a database that is not even migrated: the round fails,
    is logged, and the process exits because its (pretended) parent is gone."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(GONGKAI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="gongkai.settings")
    done = subprocess.run([sys.executable, "-m", "gongkai.cli", "disclosure", "scheduler", "--interval", "5",
                           "--parent-pid=-1"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "scheduled publishing round failed" in done.stderr and "no such table" in done.stderr


def test_a_newer_revision_in_review_stays_in_review(draft, staff):
    """Revision A approved for tomorrow; meanwhile revision B is submitted. A goes live on time and
    B's review goes on (Wagtail alone would cancel it)."""
    from gongkai.disclosure.services.review import submit_for_review

    record = scheduled_record(draft, staff)
    with freeze_time(APPROVED + dt.timedelta(hours=2)):
        update_record(staff.officer, record, title="关于下达2026年耕地地力保护补贴资金的通知（第二版）")
        submit_for_review(staff.officer, record)
    run(GO_LIVE + dt.timedelta(minutes=1))
    record.refresh_from_db()
    assert record.live and record.title == "关于下达2026年耕地地力保护补贴资金的通知"
    assert record.workflow_in_progress and record.has_unpublished_changes
    assert record.current_workflow_task_state.revision_id == record.get_latest_revision().pk
    from gongkai.disclosure.services.review import decide_approval, decide_confidentiality

    decide_confidentiality(staff.reviewer, record.current_workflow_task_state.specific, outcome="passed",
                           basis="no_secret")
    record.refresh_from_db()
    decide_approval(staff.leader, record.current_workflow_task_state.specific, approve=True)
    record.refresh_from_db()
    assert record.title.endswith("（第二版）") and not record.has_unpublished_changes


def test_the_leader_calls_back_a_scheduled_record(client, draft, staff):
    """Approved for tomorrow, then called back from the admin: it never goes live."""
    from django.urls import reverse

    from tests.conftest import PASSWORD

    record = scheduled_record(draft, staff)
    url = reverse("wagtailsnippets_disclosure_record:withdraw", args=[record.pk])
    assert client.login(username=staff.officer.username, password=PASSWORD)
    assert url not in client.get(reverse("wagtailsnippets_disclosure_record:list")).content.decode()
    client.logout()
    assert client.login(username=staff.leader.username, password=PASSWORD)
    listing = client.get(reverse("wagtailsnippets_disclosure_record:list")).content.decode()
    assert url in listing and "取消定时发布" in listing
    page = client.get(url).content.decode()
    assert "确认取消定时发布" in page and 'name="reason"' in page
    assert client.post(url, {"reason": "预算调整，暂缓公开"}).status_code == 302
    cancelled = AuditEvent.objects.get(event_type="record.schedule_cancelled")
    assert cancelled.data == {"revisions": [record.get_latest_revision().pk], "reason": "预算调整，暂缓公开"}
    assert cancelled.actor_id == staff.leader.pk
    run(GO_LIVE + dt.timedelta(minutes=1))
    record.refresh_from_db()
    assert not record.live and "record.published" not in events(record)
    assert "无需撤回" in client.get(url).content.decode()

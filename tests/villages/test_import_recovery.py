"""Issue 13 §4: imports write in bounded transactions and stay all-or-nothing; a job whose process
died (no heartbeat) becomes failed, its partial rows and its uploaded file are removed, and it can
be retried or cancelled over HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.villages import conf, import_jobs, selectors
from gongkai.villages.models import ImportJob, ImportJobStatus, Payout, PayoutBatch
from gongkai.villages.services import subsidies
from tests.villages.conftest import csv_bytes, make_id, rows_for


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-01-10 10:00:00+08:00"):
        yield


@pytest.fixture(autouse=True)
def private(tmp_path):
    fields = [ImportJob._meta.get_field("file"), ImportJob._meta.get_field("rejects")]
    saved = [f.storage for f in fields]
    for f in fields:
        f.storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    yield fields[0].storage
    for f, storage in zip(fields, saved, strict=True):
        f.storage = storage


def queued(officer, programme, body, data, name="f.csv"):
    job = import_jobs.upload(officer, data=data, filename=name, programme=programme, year=2025, body=body)
    return import_jobs.confirm_mapping(officer, job, header_row=job.header_row, columns=job.columns)


def test_rows_are_written_in_bounded_transactions(settings, county, villages, programme, officer_a, monkeypatch):
    settings.GONGKAI_WRITE_BATCH_ROWS = 100
    job = queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村", "甲二村"], per_village=150)))
    original, writes = subsidies._insert_payouts, []

    def spy(rows):
        # Each chunk runs in a transaction of its own (one more atomic level than the test's own),
        # and the batch is hidden until the last one.
        writes.append((len(rows), len(connection.savepoint_ids), PayoutBatch.objects.get().complete))
        original(rows)

    monkeypatch.setattr(subsidies, "_insert_payouts", spy)
    base = len(connection.savepoint_ids)
    import_jobs.run_job(job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.SUCCEEDED and Payout.objects.count() == 300
    assert job.batch.complete and not job.file
    assert writes == [(100, base + 1, False)] * 3
    assert AuditEvent.objects.filter(event_type="subsidy.imported").count() == 1


def test_a_failure_mid_write_leaves_nothing(settings, county, villages, programme, officer_a, monkeypatch):
    settings.GONGKAI_WRITE_BATCH_ROWS = 100
    job = queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村", "甲二村"], per_village=150)))
    original, calls = subsidies._insert_payouts, []
    seen_by_readers = []

    def failing(rows):
        calls.append(len(rows))
        if len(calls) == 2:  # the first 100 rows are committed; readers must not see them
            seen_by_readers.append((Payout.objects.count(),
                                    len(selectors.village_years(2025, township=county.township_a))))
            raise RuntimeError("disk full")
        original(rows)

    monkeypatch.setattr(subsidies, "_insert_payouts", failing)
    import_jobs.run_job(job)
    job.refresh_from_db()
    assert seen_by_readers == [(100, 0)]  # written but hidden
    assert job.status == ImportJobStatus.FAILED and "内部错误" in job.message
    assert Payout.objects.count() == 0 and PayoutBatch.objects.count() == 0 and not job.file
    assert not AuditEvent.objects.filter(event_type="subsidy.imported").exists()


def test_a_concurrent_import_of_the_same_person_removes_the_whole_file(settings, county, villages, programme,
                                                                       officer_a, monkeypatch):
    """Another import commits a person of this file while it is being written: the unique
    constraint stops the third transaction, and the two already written are removed."""
    settings.GONGKAI_WRITE_BATCH_ROWS = 100
    job = queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村", "甲二村"], per_village=150)))
    original, calls = subsidies._insert_payouts, []

    def racing(rows):
        calls.append(1)
        original(rows)
        if len(calls) == 2:  # commits with this transaction: person 251 (in the third) is taken
            other = PayoutBatch.objects.create(programme=programme, year=2025, body=county.township_a,
                                               source_name="other.csv", sha256="0" * 64, row_count=1,
                                               imported_by="另一位")
            original([(other.pk, programme.pk, 2025, villages["甲村"].pk, 1, "张一甲", conf.id_hash(make_id(251)),
                       "360102********2511", "", None, None, Decimal("1.00"), None, False)])

    monkeypatch.setattr(subsidies, "_insert_payouts", racing)
    import_jobs.run_job(job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and "已有发放记录" in job.message
    assert Payout.objects.count() == 1 and PayoutBatch.objects.get().source_name == "other.csv"


def _kill(job, minutes_ago: int):
    """What a killed worker leaves: the job running, its heartbeat old, some rows of an incomplete
    batch written, the uploaded file still on disk."""
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    batch = PayoutBatch.objects.create(programme=job.programme, year=job.year, body=job.body,
                                       source_name=job.source_name, sha256=job.sha256, row_count=2,
                                       imported_by="x", complete=False)
    subsidies._insert_payouts([(batch.pk, job.programme.pk, 2025, job.body.get_children()[0].pk
                                if job.body.get_children() else job.body.pk, 3, "张三", f"{job.pk:064d}",
                                "360702********1234", "", None, None, "100.00", None, False)])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, started_at=then,
                                               heartbeat_at=then, batch=batch)
    job.refresh_from_db()
    return job


def test_killed_job_becomes_failed_when_the_list_is_viewed(client, settings, county, villages, programme,
                                                           officer_a, private):
    settings.GONGKAI_JOB_STALE_MINUTES = 10
    job = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2))), 11)
    name = job.file.name
    assert private.exists(name) and Payout.objects.count() == 1
    fresh = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2, start=50))), 2)

    client.force_login(officer_a)
    page = client.get(reverse("villages_imports:list"))
    assert page.status_code == 200
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.message.startswith("处理进程中断")
    assert not job.file and not private.exists(name)  # the file with full ID numbers is gone
    assert not PayoutBatch.objects.filter(pk=job.batch_id or 0).exists() and job.batch_id is None
    assert fresh.status == ImportJobStatus.RUNNING and fresh.file  # its heartbeat is recent
    failed = AuditEvent.objects.get(event_type="subsidy.import_failed")
    assert failed.data["stale"] is True and failed.object_id == str(job.pk)
    detail = client.get(reverse("villages_imports:job", args=[job.pk])).content.decode()
    assert "处理进程中断" in detail and 'value="retry"' in detail and 'value="cancel"' in detail


def test_scheduler_tick_fails_stale_jobs(settings, county, villages, programme, officer_a, private):
    from gongkai.disclosure.scheduler import run_once

    settings.GONGKAI_JOB_STALE_MINUTES = 5
    job = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2))), 6)
    run_once()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and not job.file and Payout.objects.count() == 0


def test_failed_job_is_retried_over_http_with_the_file_again(client, settings, county, villages, programme,
                                                             officer_a):
    job = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 3))), 30)
    client.force_login(officer_a)
    url = reverse("villages_imports:job", args=[job.pk])
    assert "处理进程中断" in client.get(url).content.decode()
    response = client.post(url, {"do": "retry", "file": SimpleUploadedFile("f.csv", csv_bytes(rows_for(["甲村"], 3)))})
    assert response.status_code == 302
    new = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("villages_imports:job", args=[new.pk])
    assert new.retry_of_id == job.pk and new.status == ImportJobStatus.QUEUED  # the mapping was reused
    import_jobs.run_queued_imports()
    new.refresh_from_db()
    assert new.status == ImportJobStatus.SUCCEEDED and Payout.objects.count() == 3 and not new.file
    # Only failed jobs are retried.
    page = client.post(reverse("villages_imports:job", args=[new.pk]),
                       {"do": "retry", "file": SimpleUploadedFile("f.csv", b"x")}, follow=True)
    assert "只有导入失败的任务可以重试" in page.content.decode()


def test_failed_and_stale_jobs_can_be_cancelled_over_http(client, settings, county, villages, programme,
                                                          officer_a, private):
    settings.GONGKAI_JOB_STALE_MINUTES = 10
    failed = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2))), 30)
    import_jobs.fail_stale()
    client.force_login(officer_a)
    assert client.post(reverse("villages_imports:job", args=[failed.pk]), {"do": "cancel"}).status_code == 302
    failed.refresh_from_db()
    assert failed.status == ImportJobStatus.CANCELLED

    # A running job whose heartbeat stopped, cancelled before any tick noticed: the service (the
    # view runs fail_stale first, so the service is called directly here).
    dead = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2, start=40))), 30)
    name = dead.file.name
    import_jobs.cancel(officer_a, dead)
    dead.refresh_from_db()
    assert dead.status == ImportJobStatus.CANCELLED and not private.exists(name) and Payout.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="subsidy.import_cancelled").count() == 2

    # A job that is really running (recent heartbeat) cannot be cancelled.
    alive = _kill(queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2, start=80))), 1)
    with pytest.raises(ServiceError, match="正在导入"):
        import_jobs.cancel(officer_a, alive)


def test_a_job_ended_from_outside_stops_writing(settings, county, villages, programme, officer_a, monkeypatch):
    """The stale sweep (or a cancel) ends a job whose worker was only frozen: when it wakes, its next
    heartbeat sees it and it removes what it wrote instead of completing the batch."""
    settings.GONGKAI_WRITE_BATCH_ROWS = 100
    job = queued(officer_a, programme, county.township_a, csv_bytes(rows_for(["甲村", "甲二村"], per_village=150)))
    original, calls = subsidies._insert_payouts, []

    def frozen_worker(rows):
        calls.append(1)
        original(rows)
        if len(calls) == 1:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED, message="处理进程中断")

    monkeypatch.setattr(subsidies, "_insert_payouts", frozen_worker)
    monkeypatch.setattr(import_jobs, "HEARTBEAT_EVERY", dt.timedelta(0))
    import_jobs.run_job(job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and Payout.objects.count() == 0 and PayoutBatch.objects.count() == 0
    assert not job.file

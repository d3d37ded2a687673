"""The admin's payout import: upload, header mapping by hand with a masked preview, the background
job (states, progress, all or nothing, rejects), the scheduler and command-line runners, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from gongkai.core.encryption import FILE_MAGIC, EncryptedFileSystemStorage
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.villages import import_jobs
from gongkai.villages.models import ImportJob, ImportJobStatus, Payout, PayoutBatch
from tests.villages.conftest import HEADER, csv_bytes, make_id, rows_for, xlsx_bytes

# Headers the synonyms do not know: every column is mapped by hand.
ODD_HEADER = ["编号", "农户", "证件", "卡", "所属村组", "计税亩数", "单价", "应付款", "拨款日", "手机"]


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-01-10 10:00:00+08:00"):
        yield


@pytest.fixture(autouse=True)
def _private_storage(tmp_path):
    """Uploads and rejects go to a temporary directory, not the checkout's var/; encrypted on disk
    as in production (gongkai.core.encryption)."""
    fields = [ImportJob._meta.get_field("file"), ImportJob._meta.get_field("rejects")]
    saved = [f.storage for f in fields]
    for f in fields:
        f.storage = EncryptedFileSystemStorage(location=tmp_path / "private", base_url=None)
    yield tmp_path / "private"
    for f, storage in zip(fields, saved, strict=True):
        f.storage = storage


def odd_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["2025年耕地地力保护补贴发放清册"])
    w.writerow(ODD_HEADER)
    w.writerows(rows)
    return out.getvalue().encode("gbk")


def counts():
    return PayoutBatch.objects.count(), Payout.objects.count()


def upload(client, programme, body, data, name="f.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("villages_imports:list"), {
        "programme": programme.pk, "year": 2025, "body": body.pk,
        "file": SimpleUploadedFile(name, data), **extra})


def test_non_standard_headers_are_mapped_by_hand_with_a_masked_preview(client, county, villages, programme,
                                                                        officer_a):
    rows = rows_for(["甲村", "甲二村"], per_village=3)
    client.force_login(officer_a)
    response = upload(client, programme, county.township_a, odd_csv(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("villages_imports:job", args=[job.pk])
    assert job.status == ImportJobStatus.MAPPING and job.header_row == 1  # nothing recognised: first row
    page = client.get(reverse("villages_imports:job", args=[job.pk])).content.decode()
    assert "未能自动识别" in page and "姓名" in page and "身份证号" in page
    # Reading the header from row 2 (the title is row 1): the cells are offered for mapping.
    page = client.post(reverse("villages_imports:job", args=[job.pk]), {"header_row": 2, "do": "reread"})
    html = page.content.decode()
    assert all(h in html for h in ODD_HEADER)
    # Preview: before mapping, ID numbers in any column are masked by the privacy masker; the
    # account column (12+ digits) too; the phone numbers never appear in full.
    for r in rows:
        assert r[2] not in html and r[3] not in html and r[9] not in html
    assert make_id(rows[0][0])[:6] in html
    choices = {"col_1": "name", "col_2": "id_number", "col_3": "account", "col_4": "village", "col_5": "area",
               "col_6": "standard", "col_7": "amount", "col_8": "paid_on", "col_9": "phone"}
    before = AuditEvent.objects.count()
    response = client.post(reverse("villages_imports:job", args=[job.pk]),
                           {"header_row": 2, "do": "confirm", **choices})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.QUEUED and job.header_row == 2
    assert job.columns == {"name": 1, "id_number": 2, "account": 3, "village": 4, "area": 5, "standard": 6,
                           "amount": 7, "paid_on": 8, "phone": 9}
    queued = AuditEvent.objects.filter(event_type="subsidy.import_queued").get()
    assert queued.data["columns"]["id_number"] == "证件" and AuditEvent.objects.count() == before + 1
    assert import_jobs.run_queued_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.SUCCEEDED, job.message
    assert job.rows_done == job.rows_total == 6 and job.progress == 100
    assert job.batch.row_count == 6 and job.batch.total_amount == sum(Decimal(r[7]) for r in rows)
    assert not job.file  # the uploaded file (full ID numbers) is deleted once the job ends
    assert {p.village.name for p in Payout.objects.select_related("village")} == {"甲村", "甲二村"}
    page = client.get(reverse("villages_imports:job", args=[job.pk])).content.decode()
    assert "导入成功" in page and "已导入 6 行" in page and 'http-equiv="refresh"' not in page


def test_mapping_errors_are_shown_and_nothing_is_queued(client, county, villages, programme, officer_a):
    client.force_login(officer_a)
    upload(client, programme, county.township_a, odd_csv(rows_for(["甲村"], 2)))
    job = ImportJob.objects.get()
    url = reverse("villages_imports:job", args=[job.pk])
    page = client.post(url, {"header_row": 2, "do": "confirm", "col_1": "name", "col_2": "id_number",
                             "col_7": "amount"})
    assert page.status_code == 400 and "请为村（社区）选择对应的列" in page.content.decode()
    page = client.post(url, {"header_row": 2, "do": "confirm", "col_1": "name", "col_2": "id_number",
                             "col_4": "village", "col_6": "amount", "col_7": "amount"})
    assert page.status_code == 400 and "同时选择了第 7 列和第 8 列" in page.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.MAPPING


def test_ambiguous_and_complete_detection(client, county, villages, programme, officer_a):
    client.force_login(officer_a)
    rows = rows_for(["甲村"], 2)
    upload(client, programme, county.township_a, csv_bytes(rows))
    job = ImportJob.objects.get()
    assert job.header_row == 2 and job.columns["amount"] == 7 and job.columns["village"] == 4
    page = client.get(reverse("villages_imports:job", args=[job.pk])).content.decode()
    assert "已自动识别全部必需的列" in page
    # The ID column is masked as an ID (first 6 + last 4), the account as last 4, the phone hidden.
    assert make_id(rows[0][0])[:6] + "*" * 8 + make_id(rows[0][0])[-4:] in page
    assert "*" * 15 + rows[0][3][-4:] in page and "（不显示）" in page
    # Two columns that both look like 补贴金额: the officer has to choose.
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([*HEADER, "实发金额"])
    w.writerows([[*r, r[7]] for r in rows])
    upload(client, programme, county.township_a, out.getvalue().encode("utf-8"))
    job2 = ImportJob.objects.latest("pk")
    page = client.get(reverse("villages_imports:job", args=[job2.pk])).content.decode()
    assert "有多列都像是：补贴金额" in page


def test_job_states_and_progress(county, villages, programme, officer_a, monkeypatch, _private_storage):
    rows = rows_for(["甲村", "甲二村"], per_village=5)
    job = import_jobs.upload(officer_a, data=csv_bytes(rows), filename="清册.csv", programme=programme, year=2025,
                             body=county.township_a)
    assert job.status == ImportJobStatus.MAPPING and job.file
    waiting = (_private_storage / job.file.name).read_bytes()  # the upload waiting for import: encrypted
    assert waiting.startswith(FILE_MAGIC) and make_id(1).encode() not in waiting
    assert import_jobs.run_queued_imports() == 0  # not confirmed yet: not run
    job = import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    assert job.status == ImportJobStatus.QUEUED
    seen = []
    original = import_jobs.subsidies.import_payouts
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 3)

    def spy(*args, progress, **kw):
        def watch(done):
            progress(done)
            j = ImportJob.objects.get(pk=job.pk)
            seen.append((j.status, j.rows_done, j.rows_total))
        return original(*args, progress=watch, **kw)

    monkeypatch.setattr(import_jobs.subsidies, "import_payouts", spy)
    with pytest.raises(ServiceError):  # a confirmed job cannot be confirmed again
        import_jobs.confirm_mapping(officer_a, job, header_row=2, columns=job.columns)
    import_jobs.run_queued_imports()
    # Progress is visible in the database while the rows are checked (rows_total counts the total row).
    assert seen == [("running", 3, 11), ("running", 6, 11), ("running", 9, 11)]
    job.refresh_from_db()
    assert job.status == ImportJobStatus.SUCCEEDED and job.rows_done == job.rows_total == 10
    assert job.started_at and job.finished_at and job.batch.row_count == 10
    assert import_jobs.run_queued_imports() == 0  # ran once
    assert AuditEvent.objects.filter(event_type="subsidy.imported").get().actor_id == officer_a.pk


def test_refused_file_writes_nothing(client, county, villages, programme, officer_a, _private_storage):
    rows = rows_for(["甲村", "甲二村"], per_village=5)
    rows[1][2] = rows[1][2][:17] + ("0" if rows[1][2][17] != "0" else "1")
    rows[4][7] = "1.00"  # not area × standard
    rows[8][4] = "不存在村"
    job = import_jobs.upload(officer_a, data=xlsx_bytes(rows, total=False), filename="f.xlsx", programme=programme, year=2025,
                             body=county.township_a)
    import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    before = counts()
    import_jobs.run_queued_imports()
    job.refresh_from_db()
    assert counts() == before == (0, 0)
    assert job.status == ImportJobStatus.FAILED and job.batch is None
    assert [e["row"] for e in job.errors] == [4, 7, 11] and job.error_count == 3
    assert "第 4、7、11 行有错误" in job.message and "未写入任何数据" in job.message
    assert not job.file and not any(p.is_file() for p in _private_storage.rglob("*"))
    failed = AuditEvent.objects.filter(event_type="subsidy.import_failed").get()
    assert failed.data["rows"] == [4, 7, 11] and failed.actor_id == officer_a.pk
    client.force_login(officer_a)
    page = client.get(reverse("villages_imports:job", args=[job.pk])).content.decode()
    assert "导入失败" in page and "校验位不正确" in page and "<td>11</td>" in page


def test_skip_invalid_keeps_rejects_for_download(client, county, villages, programme, officer_a, officer_b,
                                                _private_storage):
    rows = rows_for(["甲村"], per_village=4)
    rows[2][7] = "abc"
    job = import_jobs.upload(officer_a, data=csv_bytes(rows, total=False), filename="f.csv", programme=programme,
                             year=2025, body=county.township_a, skip_invalid=True)
    import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    import_jobs.run_queued_imports()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.SUCCEEDED and job.batch.row_count == 3 and job.error_count == 1
    assert "剔除错误行 1 行" in job.message and job.rejects
    on_disk = (_private_storage / job.rejects.name).read_bytes()  # full ID numbers: encrypted at rest
    assert on_disk.startswith(FILE_MAGIC) and rows[2][2].encode() not in on_disk
    client.force_login(officer_b)
    assert client.get(reverse("villages_imports:rejects", args=[job.pk])).status_code == 404
    client.force_login(officer_a)
    response = client.get(reverse("villages_imports:rejects", args=[job.pk]))
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "行号,错误原因" in text and rows[2][2] in text  # the row as it was, for correction
    assert AuditEvent.objects.filter(event_type="subsidy.import_rejects_downloaded").count() == 1
    with freeze_time("2026-02-20"):
        import_jobs.run_queued_imports()
    job.refresh_from_db()
    assert not job.rejects  # deleted 30 days after the import


def test_scheduler_and_command_line_run_queued_jobs(county, villages, programme, officer_a):
    from gongkai.disclosure.scheduler import run_once

    jobs = []
    for start in (1, 100):
        job = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 2, start=start)), filename="f.csv",
                                 programme=programme, year=2025, body=county.township_a)
        jobs.append(import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns))
    run_once()
    jobs[0].refresh_from_db()
    assert jobs[0].status == ImportJobStatus.SUCCEEDED
    job = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 2, start=200)), filename="f.csv",
                             programme=programme, year=2025, body=county.township_a)
    import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    out = io.StringIO()
    call_command("subsidy", "run-imports", stdout=out)
    assert "执行导入任务 1 个" in out.getvalue()
    assert Payout.objects.count() == 6


def test_stale_and_abandoned_jobs_end(county, villages, programme, officer_a):
    stale = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 2)), filename="f.csv",
                               programme=programme, year=2025, body=county.township_a)
    ImportJob.objects.filter(pk=stale.pk).update(status=ImportJobStatus.RUNNING,
                                                 started_at=timezone.now() - dt.timedelta(hours=3))
    abandoned = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 2)), filename="g.csv",
                                   programme=programme, year=2025, body=county.township_a)
    with freeze_time("2026-01-18 10:00:00+08:00"):
        import_jobs.run_queued_imports()
    stale.refresh_from_db()
    abandoned.refresh_from_db()
    assert stale.status == ImportJobStatus.FAILED and "处理进程中断" in stale.message and not stale.file
    assert abandoned.status == ImportJobStatus.CANCELLED and not abandoned.file


def test_cancel(client, county, villages, programme, officer_a):
    client.force_login(officer_a)
    upload(client, programme, county.township_a, csv_bytes(rows_for(["甲村"], 2)))
    job = ImportJob.objects.get()
    response = client.post(reverse("villages_imports:job", args=[job.pk]), {"do": "cancel", "header_row": 2})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CANCELLED and not job.file
    assert AuditEvent.objects.filter(event_type="subsidy.import_cancelled").count() == 1
    with pytest.raises(ServiceError):
        import_jobs.cancel(officer_a, job)


def test_bad_uploads_get_chinese_messages(client, county, villages, programme, officer_a):
    client.force_login(officer_a)
    page = upload(client, programme, county.township_a, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls")
    assert page.status_code == 400 and "不支持旧版 Excel" in page.content.decode()
    page = upload(client, programme, county.township_a, csv_bytes(rows_for(["甲村"], 1)), declared_total="12.345")
    assert page.status_code == 400 and "精确到分" in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_role_lost_before_the_job_runs(county, villages, programme, officer_a):
    from gongkai.core.models import Membership

    job = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 2)), filename="f.csv",
                             programme=programme, year=2025, body=county.township_a)
    import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    Membership.objects.filter(user=officer_a).delete()
    import_jobs.run_queued_imports()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and "权限" in job.message and counts() == (0, 0)


# ---- permission matrix ---------------------------------------------------------------------------

# role, body attribute on the County fixture → may import for (county, township_a, township_b)
MATRIX = [
    (Role.OFFICE_ADMIN, "office", (True, True, True)),
    (Role.INFO_OFFICER, "township_a", (False, True, False)),
    (Role.APPROVING_LEADER, "township_a", (False, True, False)),
    (Role.INFO_OFFICER, "township_b", (False, False, True)),
    (Role.VILLAGE_CLERK, "village_a", (False, False, False)),
    (Role.INFO_OFFICER, "dept_a", (False, False, False)),
    (Role.CONFIDENTIALITY_REVIEWER, "township_a", (False, False, False)),
]


@pytest.mark.parametrize(("role", "where", "allowed"), MATRIX, ids=[f"{r}@{w}" for r, w, _ in MATRIX])
def test_permission_matrix(client, county, villages, programme, make_user, officer_a, role, where, allowed):
    user = make_user(role, getattr(county, where))
    scopes = (county.county, county.township_a, county.township_b)
    assert [b in import_jobs.import_scopes(user) for b in scopes] == list(allowed)
    # Service: upload refused (nothing stored) where not allowed.
    for body, ok in zip(scopes, allowed, strict=True):
        before = ImportJob.objects.count()
        if ok:
            job = import_jobs.upload(user, data=csv_bytes(rows_for(["甲村"], 1)), filename="f.csv",
                                     programme=programme, year=2025, body=body)
            assert job.body == body
        else:
            with pytest.raises(PermissionDenied):
                import_jobs.upload(user, data=csv_bytes(rows_for(["甲村"], 1)), filename="f.csv",
                                   programme=programme, year=2025, body=body)
            assert ImportJob.objects.count() == before
    # Admin: a job of 甲镇 (uploaded by its officer) is visible only to those who may import for 甲镇.
    job = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 1)), filename="jia.csv",
                             programme=programme, year=2025, body=county.township_a)
    client.force_login(user)
    listing = client.get(reverse("villages_imports:list"))
    if any(allowed):
        assert listing.status_code == 200 and ("jia.csv" in listing.content.decode()) == allowed[1]
    else:  # Wagtail turns PermissionDenied into a redirect to the dashboard with a message
        assert listing.status_code in (302, 403) and "jia.csv" not in listing.content.decode()
    detail = client.get(reverse("villages_imports:job", args=[job.pk]))
    assert detail.status_code == (200 if allowed[1] else 404)
    confirm = client.post(reverse("villages_imports:job", args=[job.pk]),
                          {"header_row": job.header_row, "do": "confirm",
                           **{f"col_{i}": f for f, i in job.columns.items()}})
    job.refresh_from_db()
    assert (job.status == ImportJobStatus.QUEUED) == allowed[1]
    if not allowed[1]:
        assert confirm.status_code == 404
    if any(allowed) and not allowed[1]:
        # The form does not accept a township outside the user's scope.
        page = upload(client, programme, county.township_a, csv_bytes(rows_for(["甲村"], 1)))
        assert page.status_code == 400 and ImportJob.objects.filter(created_by=user, body=county.township_a).count() == 0


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(reverse("villages_imports:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_progress_page_refreshes_itself_while_the_job_is_queued_or_running(client, county, villages, programme,
                                                                           officer_a):
    job = import_jobs.upload(officer_a, data=csv_bytes(rows_for(["甲村"], 4)), filename="f.csv",
                             programme=programme, year=2025, body=county.township_a)
    import_jobs.confirm_mapping(officer_a, job, header_row=job.header_row, columns=job.columns)
    client.force_login(officer_a)
    url = reverse("villages_imports:job", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh" content="3"' in page and "排队中" in page and "取消导入" in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, rows_done=2000, rows_total=8000)
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in page and "已校验 2000/8000 行（25%）" in page and 'value="25"' in page
    listing = client.get(reverse("villages_imports:list")).content.decode()
    assert "导入中" in listing and "2000/8000（25%）" in listing

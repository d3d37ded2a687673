"""The privacy guard on the publication path: the gate, the reviewer's exception and one-click
masking, and the sweep of what is already public (issue 4, points 5 and 6)."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.demo.leaks import payout_sheet, people
from gongkai.disclosure import publication
from gongkai.disclosure.models import Record, RecordAttachment
from gongkai.disclosure.services.records import save_draft
from gongkai.disclosure.services.review import decide_approval, decide_confidentiality, submit_for_review
from gongkai.privacy import gate, services
from gongkai.privacy.models import FindingStatus, PublicationException, Rectification, SweepFinding
from gongkai.privacy.scanning import scan_file
from tests.disclosure.test_review_flow import current_task_state, events, review_and_approve

ROWS = people(random.Random(7), 6)


@pytest.fixture
def leaky(county, staff):
    """A draft subsidy notice whose attachment lists full ID numbers, accounts and phones."""
    record = Record(body=county.dept_a, title="2026年耕地地力保护补贴发放名单", formed_date=dt.date(2026, 3, 2),
                    content="<p>现将发放名单予以公示，详见附件。</p>")
    record.attachments = [RecordAttachment(title="发放名单.xlsx", file=payout_sheet("发放名单", "甲村", ROWS))]
    return save_draft(staff.officer, record, creating=True)[0]


def test_the_gate_blocks_an_unmasked_subsidy_list(leaky, staff):
    assert review_and_approve(leaky, staff) is False
    leaky.refresh_from_db()
    assert not leaky.live
    returned = AuditEvent.objects.filter(event_type="record.returned", object_id=str(leaky.pk)).get()
    assert "身份证号 6 处" in returned.data["blockers"][0] and "银行账号" in returned.data["blockers"][0]
    assert ROWS[0]["id"] not in str(returned.data)  # the audit log never copies the personal data


def test_an_audited_exception_with_a_legal_basis_lets_it_through(leaky, staff):
    submit_for_review(staff.officer, leaky)
    with pytest.raises(PermissionDenied):
        services.grant_exception(staff.officer, leaky, basis="required_by_law", legal_basis="《某法》第十条")
    with pytest.raises(ServiceError) as problem:
        services.grant_exception(staff.reviewer, leaky, basis="required_by_law", legal_basis="")
    assert "法律依据" in str(problem.value)
    exception = services.grant_exception(staff.reviewer, leaky, basis="required_by_law",
                                         legal_basis="《中华人民共和国农业法》第三十八条")
    assert {f["kind"] for f in exception.findings} >= {"id_card", "bank_card", "mobile"}
    assert all(ROWS[0]["id"] not in f["masked"] for f in exception.findings)
    decide_confidentiality(staff.reviewer, current_task_state(leaky), outcome="passed", basis="no_secret")
    assert decide_approval(staff.leader, current_task_state(leaky), approve=True) is True
    leaky.refresh_from_db()
    assert leaky.live
    assert "privacy.exception_granted" in events(leaky)
    history = ModelLogEntry.objects.filter(object_id=str(leaky.pk)).values_list("action", flat=True)
    assert "gongkai.privacy_exception" in history  # shown in the record's history in the admin


def test_an_exception_covers_only_the_revision_it_was_granted_for(leaky, staff):
    services.grant_exception(staff.reviewer, leaky, basis="consent", legal_basis="权利人书面同意（附件）")
    from gongkai.disclosure.services.records import update_record

    update_record(staff.officer, leaky, summary="补充说明")
    assert review_and_approve(leaky, staff) is False


def test_one_click_masking_clears_it_and_restarts_review(leaky, staff, client, county):
    from gongkai.portal.models import ProactiveIndexPage
    from gongkai.portal.setup import ensure_county_site

    submit_for_review(staff.officer, leaky)
    first_task = current_task_state(leaky)
    services.mask_record(staff.reviewer, leaky)
    assert "record.masked" in events(leaky)
    restarted = current_task_state(leaky)
    assert restarted.pk != first_task.pk and restarted.revision_id == leaky.get_latest_revision().pk
    assert not gate.scan_record(leaky.get_latest_revision().as_object()).blocking
    decide_confidentiality(staff.reviewer, restarted, outcome="passed", basis="no_secret")
    assert decide_approval(staff.leader, current_task_state(leaky), approve=True) is True
    leaky.refresh_from_db()
    attachment = leaky.attachments.get()
    assert attachment.title.endswith("（已脱敏）.xlsx")
    ensure_county_site(county.county)
    column = ProactiveIndexPage.objects.get()
    response = client.get(column.attachment_url(leaky, attachment))
    data = b"".join(response.streaming_content)
    report = scan_file(data, "masked.xlsx")
    assert report.clean, report.findings
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == len(ROWS) + 2 and sheet["C3"].value == ROWS[0]["name"]  # the table is intact


def test_office_contacts_do_not_block(county, staff):
    from gongkai.core.actors import SYSTEM
    from gongkai.core.services.bodies import update_body

    update_body(SYSTEM, county.dept_a, phone="0797-5223003", email="nyj@example.gov.cn")
    record = Record(body=county.dept_a, title="关于开展春耕检查的通知", formed_date=dt.date(2026, 3, 2),
                    content="<p>联系电话：0797-5223003，邮箱：nyj@example.gov.cn。</p>")
    record = save_draft(staff.officer, record, creating=True)[0]
    assert review_and_approve(record, staff) is True


def test_check_screen_lists_findings_and_is_scoped(leaky, staff, client):
    url = f"/admin/privacy/records/{leaky.pk}/"
    client.force_login(staff.reviewer)
    html = client.get(url).content.decode()
    assert "身份证号" in html and "一键遮盖此附件" in html and "登记例外" in html
    assert ROWS[0]["id"] not in html  # masked forms and masked context only
    masked = ROWS[0]["id"][:6] + "********" + ROWS[0]["id"][-4:]
    assert masked in html
    response = client.post(url, {"do": "exception", "basis": "", "legal_basis": "依法公示"})
    assert response.status_code == 400 and "请选择例外情形" in response.content.decode()
    assert "依法公示" in response.content.decode()  # the form keeps what was typed
    client.force_login(staff.other_officer)
    assert client.get(url).status_code == 404


@pytest.fixture
def public_leak(leaky, staff):
    """The leaky record published before the guard existed."""
    publication.unregister_gate(gate.no_unmasked_personal_data)
    try:
        review_and_approve(leaky, staff)
    finally:
        publication.register_gate(gate.no_unmasked_personal_data)
    leaky.refresh_from_db()
    assert leaky.live
    return leaky


def test_sweep_finds_published_leaks_and_acts_in_one_step(public_leak, staff, county, client):
    sweep = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    found = SweepFinding.objects.filter(sweep=sweep, record=public_leak)
    assert sweep.status == "done" and sweep.files == 1
    assert {f.kind for f in found} >= {"id_card", "bank_card", "mobile"}
    assert all(ROWS[0]["id"] not in f.masked + f.context for f in found)
    with pytest.raises(PermissionDenied):
        services.handle_findings(staff.officer, public_leak, sweep, "withdraw")
    services.handle_findings(staff.leader, public_leak, sweep, "mask")
    public_leak.refresh_from_db()
    assert not public_leak.live  # taken down at once
    assert not gate.scan_record(public_leak.get_latest_revision().as_object()).blocking
    assert set(found.values_list("status", flat=True)) == {FindingStatus.MASKED}
    assert "privacy.finding_handled" in events(public_leak)
    client.force_login(staff.office_admin)
    html = client.get(f"/admin/privacy/sweeps/{sweep.pk}/").content.decode()
    assert "测试县农业农村局" in html and public_leak.title in html
    xlsx = client.get(f"/admin/privacy/sweeps/{sweep.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    exported = AuditEvent.objects.filter(event_type="privacy.sweep_exported").get()  # issue 13: every export
    assert exported.data["rows"] == found.count() and exported.scope_body_id == county.county.pk
    client.force_login(staff.officer)
    assert client.get(f"/admin/privacy/sweeps/{sweep.pk}/").status_code == 404


def test_a_finding_becomes_a_rectification_item(public_leak, staff, county):
    sweep = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    item = services.handle_findings(staff.office_admin, public_leak, sweep, "rectify", due_date=dt.date(2026, 12, 31))
    assert isinstance(item, Rectification) and item.body == county.dept_a and item.findings.count() >= 3
    with pytest.raises(ServiceError):
        services.close_rectification(staff.leader, item, outcome="")
    services.close_rectification(staff.leader, item, outcome="已遮盖后重新发布")
    item.refresh_from_db()
    assert item.status == "done"


def test_sweep_command(public_leak, county, capsys):
    with pytest.raises(SystemExit) as exit_code:
        call_command("privacy", "sweep", "--json")
    assert exit_code.value.code == 1
    out = capsys.readouterr().out
    assert public_leak.title in out and ROWS[0]["id"] not in out


def test_only_one_sweep_at_a_time_and_office_only(county, staff):
    with pytest.raises(PermissionDenied):
        services.start_sweep(staff.leader, county.county)
    services.start_sweep(staff.office_admin, county.county)
    with pytest.raises(ServiceError):
        services.start_sweep(staff.office_admin, county.county)
    assert services.run_queued_sweeps() == 1 and PublicationException.objects.count() == 0


def test_a_sweep_whose_process_died_fails_and_another_can_start(public_leak, county, staff, client, settings):
    """Issue 13 §4: a sweep left running by a dead process (no heartbeat for
    GONGKAI_JOB_STALE_MINUTES) becomes failed, is audited, and no longer blocks a new sweep."""
    from django.utils import timezone

    from gongkai.privacy.models import Sweep, SweepStatus

    settings.GONGKAI_JOB_STALE_MINUTES = 10
    dead = services.start_sweep(staff.office_admin, county.county)
    Sweep.objects.filter(pk=dead.pk).update(status=SweepStatus.RUNNING, scanned=3, total=9,
                                            started_at=timezone.now() - dt.timedelta(minutes=30),
                                            heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    alive = Sweep.objects.create(county=county.county, status=SweepStatus.RUNNING,
                                 started_at=timezone.now() - dt.timedelta(minutes=30),
                                 heartbeat_at=timezone.now() - dt.timedelta(minutes=2))
    assert services.fail_stale_sweeps() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == SweepStatus.FAILED and "排查进程中断" in dead.error and dead.finished_at
    assert alive.status == SweepStatus.RUNNING  # a recent heartbeat: still working
    failed = AuditEvent.objects.filter(event_type="privacy.sweep_failed").get()
    assert failed.data["stale"] is True and failed.data["scanned"] == 3
    with pytest.raises(ServiceError):  # the live one still blocks a second sweep
        services.start_sweep(staff.office_admin, county.county)
    Sweep.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=20))
    client.force_login(staff.office_admin)
    page = client.get("/admin/privacy/sweeps/").content.decode()  # the list fails it too
    assert Sweep.objects.get(pk=alive.pk).status == SweepStatus.FAILED and "失败" in page
    fresh = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    assert fresh.status == SweepStatus.DONE and fresh.heartbeat_at is not None


def test_a_running_sweep_failed_as_stale_stops_writing(public_leak, county, staff):
    from gongkai.privacy.models import Sweep, SweepStatus

    sweep = services.start_sweep(staff.office_admin, county.county)

    def failed_meanwhile(progress_sweep):
        raise AssertionError("a sweep failed as stale must not report progress")

    Sweep.objects.filter(pk=sweep.pk).update(status=SweepStatus.QUEUED)
    original = services._scan_all

    def scan_then_fail(*args, **kwargs):
        for results in original(*args, **kwargs):
            Sweep.objects.filter(pk=sweep.pk).update(status=SweepStatus.FAILED, error="排查进程中断")
            yield results

    services._scan_all, saved = scan_then_fail, services._scan_all
    try:
        ended = services.run_sweep(sweep, progress=failed_meanwhile)
    finally:
        services._scan_all = saved
    assert ended.status == SweepStatus.FAILED and ended.scanned == 0
    assert not AuditEvent.objects.filter(event_type="privacy.sweep_finished").exists()


def test_a_stored_pdf_with_a_script_blocks_publication_and_is_listed_by_the_sweep(county, staff):
    """PDFs stored before the upload check refused scripts: the gate blocks a draft that has one,
    and the sweep lists a published one as an error with the reason."""
    from django.core.files.base import ContentFile

    from tests.disclosure.test_admin import script_pdf
    from tests.privacy.test_attachments import pdf

    def with_pdf(title: str) -> Record:
        record = Record(body=county.dept_a, title=title, formed_date=dt.date(2026, 3, 2), content="<p>见附件。</p>")
        record.attachments = [RecordAttachment(title="通知.pdf", file=ContentFile(pdf(), name="通知.pdf"))]
        return save_draft(staff.officer, record, creating=True)[0]

    def replace_file(record: Record) -> None:  # behind the upload check's back
        with record.attachments.get().file.open("wb") as handle:
            handle.write(script_pdf())

    published = with_pdf("已公开的通知")
    assert review_and_approve(published, staff) is True
    replace_file(published)
    draft = with_pdf("待发布的通知")
    replace_file(draft)
    scan = gate.scan_record(draft)
    part = next(p for p in scan.parts if p.attachment_id)
    assert scan.blocking and "JavaScript" in part.message and "不予接收" in part.message
    assert review_and_approve(draft, staff) is False
    draft.refresh_from_db()
    assert not draft.live
    sweep = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    error = SweepFinding.objects.get(sweep=sweep, record=published)
    assert error.kind == "error" and "JavaScript 脚本（/OpenAction /JavaScript）" in error.context

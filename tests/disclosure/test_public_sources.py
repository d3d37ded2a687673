"""The privacy gate on every public path, and the sweep of every public source (issue 12): rich text
in lists, tables and separate paragraphs; editorial pages; village postings; subsidy notices; the
search index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongkai.disclosure import publication
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.records import save_draft
from gongkai.privacy import gate, public_sources, services
from gongkai.privacy.models import FindingStatus, SweepFinding
from tests.disclosure.test_review_flow import review_and_approve
from tests.privacy.corpus import gb11643_check, luhn_complete


def ident(first17: str) -> str:
    return first17 + gb11643_check(first17)


IDS = [ident(f"3604281978061533{i}") for i in range(1, 9)]
MOBILES = [f"1381234{i:04d}" for i in range(1, 9)]
CARD = luhn_complete("622202120000123456")

BODIES = {
    "bullet list": f"<p>名单如下：</p><ul><li>{IDS[0]}</li><li>{IDS[1]}</li></ul>",
    "separate paragraphs": f"<p>姓名：王五</p><p>{IDS[2]}</p><p>{MOBILES[0]}</p><p>{CARD}</p>",
    "name+ID then phone": f"<p>申请人赵六，身份证号{IDS[3]}</p><p>{MOBILES[1]}</p>",
    "low-income table": "<table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr>"
                        + "".join(f"<tr><td>张{i}</td><td>{IDS[i]}</td><td>{MOBILES[i]}</td></tr>" for i in range(4, 8))
                        + "</table>",
}


def make_record(staff, county, title: str, content: str) -> Record:
    record = Record(body=county.dept_a, title=title, formed_date=dt.date(2026, 3, 2), content=content)
    return save_draft(staff.officer, record, creating=True)[0]


@pytest.mark.parametrize("shape", list(BODIES))
def test_the_gate_stops_each_rich_text_shape(shape, staff, county):
    record = make_record(staff, county, f"公示（{shape}）", BODIES[shape])
    assert review_and_approve(record, staff) is False
    record.refresh_from_db()
    assert not record.live
    scan = gate.scan_record(record)
    assert {f.kind.value for _p, f in scan.findings} >= {"id_card"}
    assert all(number not in "".join(scan.summary()[i]["masked"] for i in range(len(scan.summary())))
               for number in IDS + MOBILES)


@pytest.fixture
def planted(staff, county):
    """Records in every shape, published before the guard read rich text right."""
    publication.unregister_gate(gate.no_unmasked_personal_data)
    try:
        records = []
        for shape, content in BODIES.items():
            record = make_record(staff, county, f"公示（{shape}）", content)
            review_and_approve(record, staff)
            record.refresh_from_db()
            assert record.live
            records.append(record)
    finally:
        publication.register_gate(gate.no_unmasked_personal_data)
    return records


def test_the_sweep_reports_every_planted_item(planted, staff, county):
    sweep = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    assert sweep.status == "done"
    findings = SweepFinding.objects.filter(sweep=sweep, source="disclosure.record")
    masked = " ".join(findings.values_list("masked", flat=True))
    assert findings.filter(kind="id_card").count() == len(IDS)
    assert findings.filter(kind="mobile").count() == 6  # MOBILES[0:2] in paragraphs, [4:8] in the table
    assert findings.filter(kind="bank_card").count() == 1
    assert not any(number in masked for number in IDS + MOBILES + [CARD])
    assert set(findings.values_list("record_id", flat=True)) == {r.pk for r in planted}


def test_one_click_masking_masks_rich_text_in_place(planted, staff):
    record = planted[0]
    services.mask_record(staff.officer, record)
    draft = record.get_latest_revision_as_object()
    assert "<ul><li>" in draft.content and IDS[0] not in draft.content and IDS[0][:6] in draft.content
    assert not gate.scan_record(draft).blocking


def test_search_never_holds_unmasked_personal_data(planted):
    from gongkai import search
    from gongkai.search.models import SearchText

    texts = " ".join(SearchText.objects.values_list("text", flat=True))
    assert texts and not any(number in texts for number in IDS + MOBILES)
    page = search.search(IDS[0])
    assert not any(IDS[0] in (hit.snippet_html or "") + hit.title for hit in page.results)


def test_reanalyze_cleans_an_index_written_before_masking(planted):
    from gongkai.search import api
    from gongkai.search.models import SearchEntry, SearchText

    entry = SearchEntry.objects.get(key=f"disclosure.record:{planted[0].pk}")
    SearchText.objects.filter(entry=entry).update(text=f"旧索引 {IDS[0]}")  # as an old index held it
    SearchEntry.objects.filter(pk=entry.pk).update(analyzer_version="old")
    assert api.reanalyze() >= 1
    assert IDS[0] not in SearchText.objects.get(entry=entry).text


def test_editorial_pages_refuse_unmasked_numbers(county):
    from gongkai.portal.models import PolicyPage

    page = PolicyPage(title="关于公开工作的制度", body=f"<p>联系人：张三</p><ul><li>{MOBILES[0]}</li></ul>")
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert "body" in refused.value.message_dict and MOBILES[0] not in str(refused.value)
    PolicyPage(title="制度", body="<p>咨询电话见各单位公开指南。</p>").clean()


def test_a_village_posting_with_a_list_of_numbers_is_refused(county):
    from gongkai.villages.services.catalogue import text_findings

    lines = text_findings("低保公示", f"1. 张三 {IDS[0]}\n2. 李四 {MOBILES[0]}")
    assert len(lines) == 2 and all(IDS[0] not in line and MOBILES[0] not in line for line in lines)
    assert "公开内容" in lines[0]


def test_sweep_lists_other_public_sources_with_their_place(county, staff, client):
    """A number that reached a page another way (here: an introduction written before pages were
    checked) is found by the sweep, filed under its source with a link to act on it."""
    from gongkai.portal.models import HomePage
    from gongkai.portal.setup import ensure_county_site

    ensure_county_site(county.county)
    home = HomePage.objects.get(county=county.county)
    HomePage.objects.filter(pk=home.pk).update(intro=f"<p>网站简介</p><p>值班手机：{MOBILES[2]}</p>")
    sweep = services.run_sweep(services.start_sweep(staff.office_admin, county.county))
    finding = SweepFinding.objects.get(sweep=sweep, source="portal.page", object_id=str(home.pk))
    assert finding.kind == "mobile" and MOBILES[2] not in finding.masked + finding.context
    assert finding.admin_url == f"/admin/pages/{home.pk}/edit/" and finding.record is None
    client.force_login(staff.office_admin)
    html = client.get(f"/admin/privacy/sweeps/{sweep.pk}/").content.decode()
    assert "网站栏目页面" in html and home.title in html and MOBILES[2] not in html
    services.handle_source_findings(staff.office_admin, sweep, "portal.page", str(home.pk), "rectify")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING


def test_the_sweep_runs_in_worker_processes(planted, staff, county):
    sweep = services.start_sweep(staff.office_admin, county.county)
    done = services.run_sweep(sweep, jobs=2, batch=1)
    assert done.status == "done" and done.scanned == done.total
    assert SweepFinding.objects.filter(sweep=done, kind="id_card").count() == len(IDS)
    assert set(SweepFinding.objects.filter(sweep=done).values_list("status", flat=True)) == {FindingStatus.OPEN}


def test_every_source_can_be_read_for_the_county(county):
    """Each registered source lists its live objects and reads their parts without error."""
    for key, source in public_sources.sources().items():
        for obj in list(source.live(county.county))[:5]:
            public_sources.check(key, obj)


@pytest.mark.parametrize("field", ["title", "summary"])
def test_the_gate_reads_title_and_summary_too(field, staff, county):
    values = {"title": "公示", "summary": "公示摘要", field: f"公示（联系人手机{MOBILES[3]}）"}
    record = Record(body=county.dept_a, formed_date=dt.date(2026, 3, 2), content="<p>正文</p>", **values)
    record = save_draft(staff.officer, record, creating=True)[0]
    assert review_and_approve(record, staff) is False
    record.refresh_from_db()
    assert not record.live

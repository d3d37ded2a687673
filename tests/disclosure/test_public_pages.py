"""The public sees a record only after review and approval, and no longer after withdrawal."""

import pytest

from gongkai.disclosure.services.records import update_record
from gongkai.disclosure.services.review import withdraw_record
from gongkai.portal.models import ProactiveIndexPage
from gongkai.portal.setup import ensure_county_site
from tests.disclosure.test_review_flow import review_and_approve


@pytest.fixture
def column(county):
    ensure_county_site(county.county)
    return ProactiveIndexPage.objects.get()


def test_draft_never_public_then_published_then_withdrawn(client, column, draft, staff, county):
    record_url = column.record_url(draft)
    body_url = column.body_records_url(county.dept_a)
    assert client.get(record_url).status_code == 404
    assert draft.title not in client.get(body_url).content.decode()

    review_and_approve(draft, staff)
    page = client.get(record_url)
    html = page.content.decode()
    assert page.status_code == 200
    draft.refresh_from_db()
    for text in (draft.title, draft.index_number, "青农发〔2026〕12号", "测试县农业农村局", "农业、林业、水利"):
        assert text in html
    assert draft.title in client.get(body_url).content.decode()
    assert "共 1 条" in client.get(column.url).content.decode()

    update_record(staff.officer, draft, title="草稿中的新标题")  # an unreviewed edit stays private
    assert "草稿中的新标题" not in client.get(record_url).content.decode()

    withdraw_record(staff.leader, draft, reason="撤回更正")
    assert client.get(record_url).status_code == 404
    assert draft.title not in client.get(body_url).content.decode()


def test_repealed_records_show_the_banner(client, column, draft, staff):
    import datetime as dt

    from gongkai.disclosure.services.records import set_validity

    review_and_approve(draft, staff)
    set_validity(staff.leader, draft, "repealed", date=dt.date(2026, 6, 1), note="已被新文件替代")
    html = client.get(column.record_url(draft)).content.decode()
    assert "本文件已废止" in html and "已被新文件替代" in html


def test_script_in_a_title_is_escaped(client, column, county, staff):
    import datetime as dt

    from gongkai.disclosure.services.records import create_record

    record = create_record(staff.officer, body=county.dept_a, title="<script>alert('x')</script>通知",
                           formed_date=dt.date(2026, 3, 2))
    review_and_approve(record, staff)
    html = client.get(column.record_url(record)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_list_filters_and_bad_parameters(client, column, draft, staff, county):
    review_and_approve(draft, staff)
    url = column.body_records_url(county.dept_a)
    assert draft.title in client.get(url, {"type": "other_document"}).content.decode()
    assert draft.title not in client.get(url, {"type": "regulation"}).content.decode()
    for params in ({"year": "abc"}, {"type": "<script>"}, {"page": "999"}, {"page": "-1"}):
        assert client.get(url, params).status_code == 200
    assert client.get(column.url + "body/NOPE/").status_code == 404


def test_feeds_and_sitemap_follow_publication(client, column, draft, staff, county):
    review_and_approve(draft, staff)
    feed = client.get(column.url + "rss/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/rss+xml")
    assert draft.title in feed.content.decode()
    body_feed = client.get(column.body_records_url(county.dept_a) + "rss/")
    assert draft.title in body_feed.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert column.record_url(draft) in sitemap and "/xxgk/" in sitemap
    withdraw_record(staff.leader, draft, reason="撤回")
    assert draft.title not in client.get(column.url + "rss/").content.decode()
    assert column.record_url(draft) not in client.get("/sitemap.xml").content.decode()


def test_attachments_download_only_from_published_records(client, column, county, staff, settings, tmp_path):
    import datetime as dt

    from django.core.files.base import ContentFile

    from gongkai.disclosure.models import Record, RecordAttachment
    from gongkai.disclosure.services.records import save_draft

    settings.MEDIA_ROOT = tmp_path
    record = Record(body=county.dept_a, title="补贴发放汇总", formed_date=dt.date(2026, 3, 2))
    record.attachments = [RecordAttachment(title="汇总表", file=ContentFile(b"a,b\n1,2\n", name="sum.csv"))]
    record = save_draft(staff.officer, record, creating=True)[0]
    attachment = record.attachments.get()
    url = column.attachment_url(record, attachment)
    assert client.get(url).status_code == 404  # draft
    review_and_approve(record, staff)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert "attachment;" in response["Content-Disposition"]
    assert url in client.get(column.record_url(record)).content.decode()
    withdraw_record(staff.leader, record, reason="撤回")
    assert client.get(url).status_code == 404


def test_standardisation_column_links_items_to_records(client, column, county, staff):
    import datetime as dt

    from gongkai.catalog.models import StandardArea
    from gongkai.catalog.services.catalogues import adopt_areas
    from gongkai.core.actors import SYSTEM
    from gongkai.disclosure.models import Record
    from gongkai.disclosure.services.records import save_draft
    from gongkai.portal.models import StandardisationIndexPage

    area = StandardArea.objects.get(code="agricultural-subsidies")
    adopt_areas(SYSTEM, county.dept_a, [area])
    item = county.dept_a.catalogue.items.filter(area=area).first()
    record = Record(body=county.dept_a, title="耕地地力保护补贴发放结果", formed_date=dt.date(2026, 3, 2))
    record.catalogue_items = [item]
    record = save_draft(staff.officer, record, creating=True)[0]
    standard = StandardisationIndexPage.objects.get()
    index = client.get(standard.url).content.decode()
    assert area.name in index and "1 个单位已编制目录" in index
    page = client.get(standard.area_url(area))
    html = page.content.decode()
    assert page.status_code == 200 and "测试县农业农村局" in html and item.level2 in html
    assert record.title not in html  # not yet published
    review_and_approve(record, staff)
    html = client.get(standard.area_url(area)).content.decode()
    assert record.title in html and column.record_url(record) in html
    assert "按时公开" in html or "逾期公开" in html
    assert client.get(standard.url + "no-such-area/").status_code == 404

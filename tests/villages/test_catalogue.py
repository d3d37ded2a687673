"""村务公开目录: adoption, local items, posting with photos (privacy, bad uploads), the role matrix,
the township dashboard and county overview, the public village page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from freezegun import freeze_time
from PIL import Image

from gongkai.core import rules
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.villages import catalogue_photos, catalogue_selectors
from gongkai.villages.catalogue_schedule import State
from gongkai.villages.catalogue_standard import standard_items
from gongkai.villages.models import CataloguePosting, PostingPhoto, VillageCatalogue, VillageCatalogueItem
from gongkai.villages.services.catalogue import (
    add_local_item,
    adopt_catalogue,
    post_item,
    restore_item,
    stop_item,
    update_item,
)
from tests.conftest import PASSWORD
from tests.villages.conftest import make_id

D = dt.date
ADOPTED = D(2026, 8, 20)


def jpeg(size=(640, 480), exif_make: str | None = "TestPhone", fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, (200, 180, 120))
    out = io.BytesIO()
    kwargs = {}
    if exif_make:
        exif = Image.Exif()
        exif[0x010F] = exif_make  # Make
        exif[0x0112] = 6  # orientation: rotate 90°
        kwargs["exif"] = exif
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast(county, make_user):
    class Cast:
        clerk_a = make_user(Role.VILLAGE_CLERK, county.village_a)
        clerk_b = make_user(Role.VILLAGE_CLERK, county.village_b)
        town_a = make_user(Role.INFO_OFFICER, county.township_a)
        town_b = make_user(Role.INFO_OFFICER, county.township_b)
        leader_a = make_user(Role.APPROVING_LEADER, county.township_a)
        office = make_user(Role.OFFICE_ADMIN, county.office)
        dept = make_user(Role.INFO_OFFICER, county.dept_a)
        reviewer_a = make_user(Role.CONFIDENTIALITY_REVIEWER, county.township_a)

    return Cast


@pytest.fixture
def adopted(county):
    return {v: adopt_catalogue(SYSTEM, v, today=ADOPTED) for v in (county.village_a, county.village_b)}


def item(village, code):
    return VillageCatalogueItem.objects.get(catalogue__village=village, standard_code=code)


FINANCE = "CF-01"  # 村级财务收支明细, monthly
PARTY_FEES = "DW-03"  # 党费收缴, quarterly
HOMESTEAD = "CW-05"  # 宅基地审批, 事时


def post(actor, it, **kw):
    args = {"title": "甲村2026年10月村级财务收支明细", "text": "收入：上级转移支付 30000.00 元。\n支出：道路维修 12000.00 元。",
            "photos": [("board.jpg", jpeg())], "photos_checked": True, "period_key": "2026-10",
            "today": D(2026, 11, 5)}
    args.update(kw)
    return post_item(actor, it, **args)


# ---- the standard catalogue and adoption -----------------------------------------------------

def test_standard_catalogue_covers_the_three_kinds_and_every_cadence():
    items = standard_items()
    names = {i.name for i in items}
    for expected in ("村党组织设置及村“两委”班子成员", "党员发展", "党费收缴", "村级财务收支明细", "集体资产资源",
                     "工程项目", "低保户评议", "宅基地审批", "一事一议筹资筹劳", "惠农补贴"):
        assert expected in names
    assert {i.category for i in items} == {"party", "village", "finance"}
    assert {i.cadence.value for i in items} == {"monthly", "quarterly", "yearly", "event"}
    assert next(i for i in items if i.name == "村级财务收支明细").cadence.value == "monthly"


def test_adoption_copies_the_standard_items_and_is_audited(county, cast):
    catalogue = adopt_catalogue(cast.clerk_a, county.village_a, today=ADOPTED)
    assert catalogue.items.count() == len(standard_items())
    assert catalogue.adopted_on == ADOPTED
    event = AuditEvent.objects.get(event_type="village.catalogue_adopted")
    assert event.scope_body_id == county.village_a.pk and event.data["items"] == len(standard_items())
    with pytest.raises(ServiceError, match="已经启用"):
        adopt_catalogue(cast.clerk_a, county.village_a)
    with pytest.raises(ServiceError, match="不是村"):
        adopt_catalogue(SYSTEM, county.township_a)


def test_local_item(county, cast, adopted):
    local = add_local_item(cast.clerk_a, county.village_a, category="village", name="村集体光伏电站收益",
                           cadence="quarterly", content="发电量和收益", basis="村民代表会议决定")
    assert local.is_local and local.position == len(standard_items()) + 1
    with pytest.raises(ServiceError) as exc:
        add_local_item(cast.clerk_a, county.village_a, category="x", name="村集体光伏电站收益", cadence="weekly")
    assert set(exc.value.message_dict) == {"category", "cadence", "name"}
    with pytest.raises(PermissionDenied):
        add_local_item(cast.clerk_b, county.village_a, category="village", name="别村事项", cadence="event")


def test_changing_an_item(county, cast, adopted):
    finance = item(county.village_a, FINANCE)
    update_item(cast.town_a, finance, name=finance.name, cadence="monthly", content="每笔收支的时间、事由、金额",
                basis=finance.basis)
    finance.refresh_from_db()
    assert finance.content == "每笔收支的时间、事由、金额"
    event = AuditEvent.objects.get(event_type="village.item_changed")
    assert event.data["changed"]["content"][1] == "每笔收支的时间、事由、金额" and set(event.data["changed"]) == {"content"}
    update_item(cast.town_a, finance, name=finance.name, cadence="monthly", content=finance.content,
                basis=finance.basis)
    assert AuditEvent.objects.filter(event_type="village.item_changed").count() == 1  # nothing changed: no entry
    with pytest.raises(ServiceError) as exc:  # a standard item keeps its name
        update_item(cast.clerk_a, finance, name="财务收支", cadence="monthly")
    assert "标准事项不能改名" in exc.value.message_dict["name"][0]
    local = add_local_item(cast.clerk_a, county.village_a, category="village", name="光伏收益", cadence="quarterly")
    update_item(cast.clerk_a, local, name="村集体光伏电站收益", cadence="monthly")
    local.refresh_from_db()
    assert (local.name, local.cadence) == ("村集体光伏电站收益", "monthly")
    with pytest.raises(ServiceError) as exc:
        update_item(cast.clerk_a, local, name="村级财务收支明细", cadence="weekly")
    assert set(exc.value.message_dict) == {"name", "cadence"}
    post(cast.clerk_a, finance)
    with pytest.raises(ServiceError) as exc:  # postings were counted under the old cadence
        update_item(cast.clerk_a, finance, name=finance.name, cadence="quarterly")
    assert "不能改变公开时间" in exc.value.message_dict["cadence"][0]
    with pytest.raises(PermissionDenied):
        update_item(cast.clerk_b, finance, name=finance.name, cadence="monthly")
    with pytest.raises(PermissionDenied):
        update_item(cast.dept, finance, name=finance.name, cadence="monthly")


def test_stopping_and_restoring_an_item(county, cast, adopted):
    forest = item(county.village_a, PARTY_FEES)  # quarterly; Q3 2026 due by 15 October
    today = D(2026, 11, 11)

    def late_names():
        row = catalogue_selectors.village_rows([county.village_a], today)[0]
        return {r.item.name for r in row.late}

    assert forest.name in late_names()
    with pytest.raises(ServiceError) as exc:
        stop_item(cast.clerk_a, forest, reason="  ")
    assert "请说明停用原因" in exc.value.message_dict["reason"][0]
    with pytest.raises(PermissionDenied):
        stop_item(cast.clerk_b, forest, reason="不涉及")
    stop_item(cast.town_a, forest, reason="党费由镇党委统一公开", today=D(2026, 11, 10))
    forest.refresh_from_db()
    assert not forest.is_active and forest.stopped_reason == "党费由镇党委统一公开"
    assert forest.name not in late_names()
    with pytest.raises(ServiceError, match="已停用"):
        post(cast.clerk_a, forest, period_key="2026-Q3")
    with pytest.raises(ServiceError, match="已经停用"):
        stop_item(cast.town_a, forest, reason="again")
    # restored in January: the quarters that ended while it was stopped are not late, Q1 2027 counts
    restore_item(cast.clerk_a, forest, today=D(2027, 1, 5))
    forest.refresh_from_db()
    assert forest.is_active and forest.restored_on == D(2027, 1, 5) and not forest.stopped_reason
    row = catalogue_selectors.village_rows([county.village_a], D(2027, 2, 1))[0]
    status = next(r.status for r in row.items if r.item.pk == forest.pk)
    assert not status.late and status.state is not State.LATE
    row = catalogue_selectors.village_rows([county.village_a], D(2027, 4, 16))[0]
    status = next(r.status for r in row.items if r.item.pk == forest.pk)
    assert [p.key for p in status.late] == ["2027-Q1"]
    with pytest.raises(ServiceError, match="无需恢复"):
        restore_item(cast.clerk_a, forest)
    kinds = list(AuditEvent.objects.filter(event_type__startswith="village.item_").order_by("pk")
                 .values_list("event_type", flat=True))
    assert kinds == ["village.item_stopped", "village.item_restored"]


def test_a_stopped_items_postings_stay_on_the_public_page(county, cast, adopted):
    from gongkai.portal.setup import ensure_county_site

    ensure_county_site(county.county)
    finance = item(county.village_a, FINANCE)
    post(cast.clerk_a, finance)
    stop_item(cast.town_a, finance, reason="已并入“村级财务公开”")
    homestead = item(county.village_a, HOMESTEAD)
    stop_item(cast.town_a, homestead, reason="本村宅基地由镇统一审批公开")
    with freeze_time("2026-11-12 10:00:00+08:00"):
        text = Client().get(f"/cwgk/village/{county.village_a.pk}/").text
    assert "村级财务收支明细<span class=\"vc-cadence\">（已停用）</span>" in text
    assert "甲村2026年10月村级财务收支明细" in text
    assert "宅基地审批" not in text  # stopped and never posted: no longer in the catalogue


# ---- the role matrix --------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "village", "post", "manage"), [
    ("clerk_a", "village_a", True, True),
    ("clerk_a", "village_b", False, False),
    ("clerk_b", "village_a", False, False),
    ("town_a", "village_a", False, True),  # the township guides the catalogue; the clerk posts
    ("town_a", "village_b", False, False),
    ("town_b", "village_a", False, False),
    ("leader_a", "village_a", False, True),
    ("reviewer_a", "village_a", False, False),
    ("dept", "village_a", False, False),
    ("office", "village_a", True, True),
    ("office", "village_b", True, True),
    ("anonymous", "village_a", False, False),
])
def test_village_rules(county, cast, who, village, post, manage):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else getattr(cast, who)
    body = getattr(county, village)
    assert rules.can_post_village_affairs(user, body) is post
    assert rules.can_manage_village_catalogue(user, body) is manage


@pytest.mark.parametrize(("who", "town_a", "town_b", "county_wide"), [
    ("clerk_a", False, False, False),
    ("town_a", True, False, False),
    ("leader_a", True, False, False),
    ("reviewer_a", False, False, False),
    ("town_b", False, True, False),
    ("dept", False, False, False),
    ("office", True, True, True),
    ("anonymous", False, False, False),
])
def test_dashboard_rules(county, cast, who, town_a, town_b, county_wide):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else getattr(cast, who)
    assert rules.can_view_village_lateness(user, county.township_a) is town_a
    assert rules.can_view_village_lateness(user, county.township_b) is town_b
    assert rules.can_view_village_lateness(user, county.county) is county_wide
    assert rules.can_view_village_lateness(SYSTEM, county.county)
    assert not rules.can_view_village_lateness(cast.office, county.village_a)  # not a township or county


def test_clerk_posts_only_for_own_village(county, cast, adopted):
    with pytest.raises(PermissionDenied):
        post(cast.clerk_b, item(county.village_a, FINANCE))
    with pytest.raises(PermissionDenied):
        post(cast.town_a, item(county.village_a, FINANCE))
    assert CataloguePosting.objects.count() == 0
    post(cast.clerk_a, item(county.village_a, FINANCE))
    assert CataloguePosting.objects.count() == 1


# ---- posting ----------------------------------------------------------------------------------

def test_posting_stores_cleaned_photos_and_audits(county, cast, adopted, _media):
    it = item(county.village_a, FINANCE)
    posting = post(cast.clerk_a, it, photos=[("a.jpg", jpeg()), ("b.png", jpeg(fmt="PNG", exif_make=None))],
                   caption="村委会门前公开栏")
    assert (posting.period_start, posting.period_end, posting.period_key) == (D(2026, 10, 1), D(2026, 10, 31), "2026-10")
    assert posting.period_label == "2026年10月" and posting.photos_checked
    photos = list(posting.photos.all())
    assert [p.alt_text for p in photos] == ["村委会门前公开栏照片，第1张，共2张", "村委会门前公开栏照片，第2张，共2张"]
    with Image.open(photos[0].image.path) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}  # no camera, no GPS, no orientation left
        assert stored.size == (480, 640)  # turned upright from EXIF orientation 6
    assert (photos[0].width, photos[0].height) == (480, 640)
    event = AuditEvent.objects.get(event_type="village.item_posted")
    assert event.scope_body_id == county.village_a.pk and event.data["period"] == "2026-10"
    assert event.data["photos"] == [p.sha256 for p in photos]
    # the public source the sweep reads: title, text and each photo's caption, and it scans clean
    from gongkai.privacy import public_sources
    from gongkai.villages.public_sources import POSTING

    scan = public_sources.check(POSTING, posting)
    assert [p.name for p in scan.parts] == ["标题", "公开内容", "照片说明", "照片说明"] and not scan.blocking
    # the same period again is refused, naming the earlier posting
    with pytest.raises(ServiceError, match="已于2026年11月05日公开过"):
        post(cast.clerk_a, it)


def test_event_item_takes_the_posting_date_and_many_postings(county, cast, adopted):
    it = item(county.village_a, HOMESTEAD)
    first = post(cast.clerk_a, it, period_key="", title="宅基地审批结果公示", posted_on=D(2026, 11, 3))
    second = post(cast.clerk_a, it, period_key="ignored", title="宅基地审批结果公示（二）")
    assert first.period_key == second.period_key == ""
    assert (first.period_start, second.period_start) == (D(2026, 11, 3), D(2026, 11, 5))
    assert first.period_label == "2026年11月3日"


def refused(fn, *, field=None, match=None):
    before = (CataloguePosting.objects.count(), PostingPhoto.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as exc:
        fn()
    after = (CataloguePosting.objects.count(), PostingPhoto.objects.count(), AuditEvent.objects.count())
    assert before == after
    errors = exc.value.message_dict
    if field:
        assert field in errors, errors
        if match:
            assert any(match in m for m in errors[field]), errors[field]
    return errors


def test_personal_data_in_text_is_refused(county, cast, adopted):
    it = item(county.village_a, "CW-03")
    errors = refused(lambda: post(cast.clerk_a, it, period_key="", title="低保评议结果",
                                  text=f"张三 身份证 {make_id(5)} 联系电话 13907975678 评议通过"),
                     field="text", match="个人信息")
    message = " ".join(errors["text"])
    assert "身份证号" in message and "手机号码" in message
    assert make_id(5) not in message and "13907975678" not in message  # the message shows masked context


def test_county_office_phone_is_not_personal_data(county, cast, adopted):
    it = item(county.village_a, "CW-03")
    posting = post(cast.clerk_a, it, period_key="", title="低保评议结果",
                   text="评议结果如有异议，请致电县政务公开办 0797-5221001。")
    assert posting.pk


JPEG = jpeg()


@pytest.mark.parametrize(("photos", "match"), [
    ([], "至少上传一张"),
    ([("p.jpg", JPEG)] * 7, "最多上传 6 张"),
    ([("notes.jpg", "这不是图片".encode())], "不是可以识别的图片"),
    ([("broken.jpg", JPEG[: len(JPEG) // 2])], "已损坏"),
    ([("empty.jpg", b"")], "空文件"),
    ([("big.jpg", b"\xff" * (catalogue_photos.MAX_PHOTO_BYTES + 1))], "超过每张 10 MB"),
    ([("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")], "HEIC"),
    ([("scan.gif", jpeg(fmt="GIF", exif_make=None))], "不是 JPEG、PNG 或 WebP 照片（GIF）"),
    ([("ok.jpg", JPEG), ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)], "broken.png"),
])
def test_bad_uploads_are_refused_with_chinese_messages(county, cast, adopted, _media, photos, match):
    refused(lambda: post(cast.clerk_a, item(county.village_a, FINANCE), photos=photos), field="photos", match=match)
    assert not any(_media.rglob("*.jpg"))  # no file left behind


def test_decompression_bomb_is_refused(county, cast, adopted):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # 81 Mpx, a few kB
    refused(lambda: post(cast.clerk_a, item(county.village_a, FINANCE), photos=[("bomb.png", out.getvalue())]),
            field="photos", match="像素过多")


def test_other_refusals_name_their_fields(county, cast, adopted):
    it = item(county.village_a, FINANCE)
    errors = refused(lambda: post(cast.clerk_a, it, title=" ", text="", photos_checked=False, period_key="2026-12",
                                  posted_on=D(2026, 11, 6)))
    assert set(errors) == {"title", "text", "photos_checked", "period_key", "posted_on"}
    assert "尚未开始" in errors["period_key"][0]
    refused(lambda: post(cast.clerk_a, it, period_key="2026年10月"), field="period_key", match="格式不对")
    refused(lambda: post(cast.clerk_a, it, period_key=""), field="period_key", match="请选择")


def test_a_failure_after_files_are_written_leaves_nothing(county, cast, adopted, _media, monkeypatch):
    from gongkai.core import audit

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        post(cast.clerk_a, item(county.village_a, FINANCE))
    assert CataloguePosting.objects.count() == PostingPhoto.objects.count() == 0
    assert not any(p.is_file() for p in _media.rglob("*"))


# ---- dashboards --------------------------------------------------------------------------------

def test_township_dashboard_and_county_overview(county, cast, adopted):
    post(cast.clerk_a, item(county.village_a, FINANCE), period_key="2026-08", today=D(2026, 9, 5))
    post(cast.clerk_a, item(county.village_a, FINANCE), period_key="2026-09", today=D(2026, 10, 5))
    post(cast.clerk_b, item(county.village_b, FINANCE), period_key="2026-08", today=D(2026, 9, 5))
    today = D(2026, 11, 11)
    rows = {r.village.name: r for r in catalogue_selectors.township_dashboard(county.township_a, today)}
    assert list(rows) == ["甲村"]
    late = {r.item.name: [p.key for p in r.status.late] for r in rows["甲村"].late}
    # 财务 October is one day late; Q3 items (due 15 Oct) are late too
    assert late["村级财务收支明细"] == ["2026-10"]
    assert late["党费收缴"] == ["2026-Q3"]
    assert all(r.status.state is State.EVENT for r in rows["甲村"].items if r.item.cadence == "event")
    overview = {s.township.name: s for s in catalogue_selectors.county_overview(county.county, today)}
    a, b = overview["测试县甲镇人民政府"], overview["测试县乙乡人民政府"]
    assert (a.villages, a.without_catalogue, a.late_villages) == (1, 0, 1)
    quarterly = sum(1 for s in standard_items() if s.cadence.value == "quarterly")
    assert a.late_items == 1 + quarterly and b.late_items == 1 + quarterly
    assert sum(len(r.status.late) for r in catalogue_selectors.township_dashboard(county.township_b, today)[0].late
               if r.item.standard_code == FINANCE) == 2  # 乙村: September and October


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


BASE = "/admin/cwml/"


def denied(response) -> bool:
    """Wagtail answers PermissionDenied in an admin view with a redirect to the dashboard and a
    message, not a 403 page."""
    return response.status_code == 302 and response.url == "/admin/"


def test_admin_screens_follow_the_rules(county, cast, adopted):
    a, b = county.village_a, county.village_b
    it = item(a, FINANCE)
    with freeze_time("2026-11-12 10:00:00+08:00"):
        clerk = login(cast.clerk_a)
        assert clerk.get(BASE).url == f"{BASE}village/{a.pk}/"
        page = clerk.get(f"{BASE}village/{a.pk}/")
        assert page.status_code == 200 and "逾期未公开" in page.text and "发布" in page.text
        assert clerk.get(f"{BASE}village/{a.pk}/post/{it.pk}/").status_code == 200
        assert denied(clerk.get(f"{BASE}village/{b.pk}/"))
        assert denied(clerk.get(f"{BASE}village/{b.pk}/post/{item(b, FINANCE).pk}/"))
        assert denied(clerk.get(f"{BASE}township/{county.township_a.pk}/"))
        assert denied(clerk.get(f"{BASE}county/{county.county.pk}/"))
        town = login(cast.town_a)
        assert town.get(BASE).url == f"{BASE}township/{county.township_a.pk}/"
        dash = town.get(f"{BASE}township/{county.township_a.pk}/")
        assert dash.status_code == 200 and "甲村" in dash.text and "2026年10月" in dash.text
        assert denied(town.get(f"{BASE}township/{county.township_b.pk}/"))
        assert denied(town.get(f"{BASE}county/{county.county.pk}/"))
        assert denied(town.get(f"{BASE}village/{a.pk}/post/{it.pk}/"))
        office = login(cast.office)
        overview = office.get(f"{BASE}county/{county.county.pk}/")
        assert overview.status_code == 200 and "测试县乙乡人民政府" in overview.text
        assert office.get(f"{BASE}township/{county.township_b.pk}/").status_code == 200
        assert denied(login(cast.dept).get(f"{BASE}township/{county.township_a.pk}/"))
        anonymous = Client().get(f"{BASE}township/{county.township_a.pk}/")
        assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url


def test_form_keeps_the_text_on_a_bad_photo_and_posts_on_a_good_one(county, cast, adopted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = county.village_a
    it = item(a, FINANCE)
    url = f"{BASE}village/{a.pk}/post/{it.pk}/"
    with freeze_time("2026-11-12 10:00:00+08:00"):
        clerk = login(cast.clerk_a)
        form = clerk.get(url)
        # the oldest missing month is offered first; every missing month since adoption can be picked
        assert 'value="2026-08" selected' in form.text and 'value="2026-11"' in form.text
        assert "2026年10月（应于2026年11月10日前公开）" in form.text
        data = {"period_key": "2026-10", "posted_on": "2026-11-12", "title": "甲村十月财务收支明细",
                "text": "收入 30000.00 元，支出 12000.00 元。", "photos_checked": "on"}
        bad = clerk.post(url, {**data, "photos": [SimpleUploadedFile("board.jpg", b"not an image")]})
        assert bad.status_code == 400
        assert "不是可以识别的图片" in bad.text and "甲村十月财务收支明细" in bad.text and "收入 30000.00 元" in bad.text
        assert "照片需要重新选择" in bad.text and CataloguePosting.objects.count() == 0
        good = clerk.post(url, {**data, "photos": [SimpleUploadedFile("board.jpg", JPEG, "image/jpeg")]})
        assert good.status_code == 302
        posting = CataloguePosting.objects.get()
        assert posting.title == "甲村十月财务收支明细" and posting.photos.count() == 1
        assert posting.posted_by == cast.clerk_a.get_full_name() or cast.clerk_a.username
        town = login(cast.town_a).get(f"{BASE}township/{county.township_a.pk}/")
        assert "村级财务收支明细：2026年11月12日" in town.text


def test_adopt_and_local_item_screens(county, cast):
    town = login(cast.town_a)
    page = town.get(f"{BASE}village/{county.village_a.pk}/")
    assert "启用村务公开标准目录" in page.text
    assert town.post(f"{BASE}village/{county.village_a.pk}/adopt/").status_code == 302
    assert VillageCatalogue.objects.filter(village=county.village_a).exists()
    bad = town.post(f"{BASE}village/{county.village_a.pk}/local/", {"category": "village", "name": "",
                                                                    "cadence": "event"})
    assert bad.status_code == 400 and "请填写公开事项名称" in bad.text
    ok = town.post(f"{BASE}village/{county.village_a.pk}/local/", {"category": "finance", "name": "光伏收益",
                                                                   "cadence": "yearly", "basis": "村民代表会议"})
    assert ok.status_code == 302 and VillageCatalogueItem.objects.filter(name="光伏收益").exists()
    assert login(cast.clerk_b).post(f"{BASE}village/{county.village_a.pk}/adopt/").status_code == 302
    assert VillageCatalogue.objects.count() == 1


def test_edit_stop_and_restore_screens(county, cast, adopted):
    a = county.village_a
    finance = item(a, FINANCE)
    url = f"{BASE}village/{a.pk}/item/{finance.pk}/"
    with freeze_time("2026-11-12 10:00:00+08:00"):
        town = login(cast.town_a)
        page = town.get(f"{BASE}village/{a.pk}/")
        assert f'href="{url}"' in page.text
        form = town.get(url)
        assert form.status_code == 200 and "名称不能修改" in form.text and "停用该事项" in form.text
        bad = town.post(url, {"name": "财务收支", "cadence": "monthly", "content": "新的公开内容"})
        assert bad.status_code == 400 and "标准事项不能改名" in bad.text and "新的公开内容" in bad.text
        ok = town.post(url, {"name": finance.name, "cadence": "monthly", "content": "新的公开内容"})
        assert ok.status_code == 302
        finance.refresh_from_db()
        assert finance.content == "新的公开内容"
        refused = town.post(url + "stop/", {"reason": ""})
        assert refused.status_code == 400 and "请说明停用原因" in refused.text
        assert town.post(url + "stop/", {"reason": "本村财务由镇代理记账统一公开"}).status_code == 302
        page = town.get(f"{BASE}village/{a.pk}/")
        assert "已停用的事项" in page.text and "本村财务由镇代理记账统一公开" in page.text
        assert login(cast.clerk_a).get(f"{BASE}village/{a.pk}/post/{finance.pk}/").status_code == 404
        assert denied(login(cast.clerk_b).post(url + "restore/"))
        assert denied(login(cast.dept).get(url))
        assert town.post(url + "restore/").status_code == 302
        finance.refresh_from_db()
        assert finance.is_active and finance.restored_on == D(2026, 11, 12)


# ---- the public village page ---------------------------------------------------------------------

def test_public_village_page_lists_the_catalogue_and_latest_postings(county, cast, adopted):
    from gongkai.portal.setup import ensure_county_site

    ensure_county_site(county.county)
    post(cast.clerk_a, item(county.village_a, FINANCE), caption="村委会门前公开栏上的十月财务明细")
    with freeze_time("2026-11-12 10:00:00+08:00"):
        page = Client().get(f"/cwgk/village/{county.village_a.pk}/")
    text = page.text
    assert page.status_code == 200
    for label in ("村务公开目录", "党务公开", "村务公开", "财务公开", "宅基地审批", "暂无公开记录"):
        assert label in text
    assert "2026年10月：甲村2026年10月村级财务收支明细（2026年11月5日张贴）" in text
    photo = PostingPhoto.objects.get()
    src = f"/cwgk/village/{county.village_a.pk}/photo/{photo.pk}/"
    assert f'src="{src}" alt="村委会门前公开栏上的十月财务明细照片，第1张，共1张"' in text
    served = Client().get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert Client().get(f"/cwgk/village/{county.village_b.pk}/photo/{photo.pk}/").status_code == 404
    assert "逾期" not in text  # lateness is the township's working view
    town = Client().get(f"/cwgk/town/{county.township_a.pk}/").text
    assert "甲村</a>（村务公开目录最近更新：2026年11月5日）" in town


def test_one_click_mask_on_the_posting_form(county, cast, adopted):
    """A refused posting offers 一键遮盖: the typed text comes back with the numbers masked (nothing
    saved), and posting it then goes through with only masked numbers."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = county.village_a
    it = item(a, "CW-03")
    url = f"{BASE}village/{a.pk}/post/{it.pk}/"
    number = make_id(5)
    data = {"period_key": "", "posted_on": "", "title": "低保评议结果", "photos_checked": "on",
            "text": f"评议结果：\n1. 张三 {number}\n2. 李四 13907975678"}
    with freeze_time("2026-11-12 10:00:00+08:00"):
        clerk = login(cast.clerk_a)
        data["posted_on"] = "2026-11-12"
        refused_page = clerk.post(url, {**data, "photos": [SimpleUploadedFile("board.jpg", JPEG, "image/jpeg")]})
        assert refused_page.status_code == 400 and "一键遮盖" in refused_page.text
        assert number not in refused_page.text.split("<textarea")[0]  # the message shows it masked
        masked = clerk.post(url, {**data, "mask": "1"})
        assert masked.status_code == 200 and CataloguePosting.objects.count() == 0
        assert number not in masked.text and "13907975678" not in masked.text
        assert number[:6] in masked.text and "139****5678" in masked.text and "评议结果" in masked.text
        text = masked.text.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
        posted = clerk.post(url, {**data, "text": text.replace("&#x27;", "'"),
                                  "photos": [SimpleUploadedFile("board.jpg", JPEG, "image/jpeg")]})
        assert posted.status_code == 302, posted.text
        posting = CataloguePosting.objects.get()
        assert number not in posting.text and "139****5678" in posting.text

"""The demo county: shape, idempotence, refusal of foreign data, the bodies JSON contract."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Body, BodyKind, Membership, Role
from gongkai.core.services.bodies import create_body
from gongkai.demo.loader import DemoRefused, load_demo
from gongkai.rules.identifiers import is_valid_uscc
from tests.conftest import code


@pytest.fixture
def demo(db):
    return load_demo(records=False)


def test_demo_county_shape(demo):
    counts = {kind: Body.objects.filter(kind=kind).count() for kind in BodyKind.values}
    assert counts[BodyKind.COUNTY] == 1
    assert counts[BodyKind.DEPARTMENT] == 22
    assert counts[BodyKind.TOWNSHIP] == 8
    assert counts[BodyKind.VILLAGE] == 60
    assert counts[BodyKind.SECTION] >= 8
    office = Body.objects.get(is_competent_office=True)
    assert office.name == "青山县人民政府办公室" and office.get_parent().kind == BodyKind.COUNTY
    for body in Body.objects.exclude(kind=BodyKind.SECTION):
        assert is_valid_uscc(body.code), body
        assert re.fullmatch(r"0\d{3}-\d{7}", body.phone), body.phone
    for village in Body.objects.filter(kind=BodyKind.VILLAGE):
        assert village.get_parent().kind == BodyKind.TOWNSHIP


def test_one_demo_user_per_role_and_body_type(demo):
    held = {(m.role, m.body.kind) for m in Membership.objects.select_related("body")}
    for role in (Role.INFO_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.APPROVING_LEADER, Role.REQUEST_HANDLER):
        for kind in (BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP):
            assert (role, kind) in held, (role, kind)
    assert (Role.OFFICE_ADMIN, BodyKind.DEPARTMENT) in held
    assert (Role.VILLAGE_CLERK, BodyKind.VILLAGE) in held
    admin = get_user_model().objects.get(username="gkb_admin")
    assert admin.check_password("gongkai-demo-2026")
    assert admin.groups.filter(name="公开办管理员").exists()


def test_demo_is_idempotent(demo):
    bodies, users, events = Body.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count()
    again = load_demo(records=False)
    assert (again.created_bodies, again.created_users) == (0, 0)
    assert Body.objects.count() == bodies and get_user_model().objects.count() == users
    assert AuditEvent.objects.count() == events
    assert len(again.logins) == len(demo.logins)


def test_demo_refuses_foreign_data(db, capsys):
    create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="真实县人民政府", code=code(99))
    with pytest.raises(DemoRefused, match="真实县人民政府"):
        load_demo()
    with pytest.raises(CommandError, match="非演示数据"):
        call_command("demo")
    call_command("demo", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    assert Body.objects.count() == 1


def test_demo_command_prints_logins(db):
    out = io.StringIO()
    call_command("demo", "--without-records", stdout=out)
    text = out.getvalue()
    assert "gkb_admin" in text and "公开办管理员" in text and "gongkai-demo-2026" in text


def test_bodies_list_json_contract(demo):
    out = io.StringIO()
    call_command("bodies", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert all(set(row) == {"code", "name", "kind", "parent"} for row in rows)
    by_code = {row["code"]: row for row in rows if row["code"]}
    county = next(row for row in rows if row["kind"] == "county")
    assert county["parent"] is None and county["name"] == "青山县人民政府"
    village = next(row for row in rows if row["name"] == "东岭村")
    assert by_code[village["parent"]]["name"] == "青山县青石镇人民政府"
    out = io.StringIO()
    call_command("bodies", "list", "--kind", "township", "--json", stdout=out)
    townships = json.loads(out.getvalue())
    assert len(townships) == 8 and {row["kind"] for row in townships} == {"township"}
    assert all(row["parent"] == county["code"] for row in townships)


def test_demo_site_shows_its_identifiers_in_the_footer(demo, client):
    html = client.get("/").content.decode()
    assert "9901010001" in html and "青ICP备20260001号-1" in html and "青公网安备" in html
    assert AuditEvent.objects.filter(event_type="site.settings_updated").count() == 1


def test_demo_records_went_through_review(db):
    import datetime as dt

    from gongkai.core.audit import verify_chain
    from gongkai.disclosure.models import ConfidentialityReview, Record
    from gongkai.disclosure.selectors import timeliness
    from gongkai.rules.timeliness import Timeliness

    result = load_demo()
    records = Record.objects.all()
    assert result.created_records == records.count() >= 300
    live = records.filter(live=True)
    assert live.count() >= 250
    unpublished = [r for r in records.filter(live=False)]
    assert any(r.workflow_in_progress for r in unpublished)  # waiting for review
    assert any(not r.workflow_states.exists() for r in unpublished)  # drafts
    assert live.filter(validity="repealed").exists() and live.filter(validity="expired").exists()
    for record in live:
        assert ConfidentialityReview.objects.filter(record=record, revision_id=record.live_revision_id,
                                                    outcome="passed").exists()
    statuses = {timeliness(r, today=dt.date(2026, 11, 28)) for r in live}
    assert Timeliness.LATE in statuses and Timeliness.ON_TIME in statuses
    assert {r.body.kind for r in live} == {"county", "department", "township"}
    assert not records.exclude(keywords="").exists()  # keywords are typed by an officer, never made up
    assert verify_chain() == []
    _demo_search_finds_the_right_records(live)
    _demo_privacy_leaks_are_found_and_stopped()


def _demo_search_finds_the_right_records(live):
    """Issue 3's acceptance searches, on whichever database the suite runs: each finds the right
    demo records, highlighted, and results carry their record's publication date."""
    from django.utils import timezone

    from gongkai import search

    def keys(page):
        return {int(r.url.removeprefix("record:")) for r in page.results}

    by_pk = {r.pk: r for r in live}
    for query, word in (("补贴", "补贴"), ("耕地地力保护补贴", "耕地地力保护补贴"), ("信息公开", "信息公开")):
        page = search.search(query, page_size=50)
        expected = {r.pk for r in live if word in r.title}
        assert page.total >= len(expected) > 0, query
        assert expected & keys(page), query
        top = page.results[0]
        assert word in top.title and f"<mark>{word}" in top.title_html.replace("</mark><mark>", ""), query
        assert all(pk in by_pk for pk in keys(page))  # only public records are found
        for result in page.results:
            record = by_pk[int(result.url.removeprefix("record:"))]
            assert result.published_at == record.first_published_at.replace(microsecond=0), query
            assert timezone.localtime(result.published_at).year == result.year
    numbered = next(r for r in live if r.doc_number)
    variant = numbered.doc_number.replace("〔", "[").replace("〕", "]")
    page = search.search(variant)
    assert page.mode == "doc_number" and numbered.pk in keys(page)
    indexed = live.exclude(index_number=None).first()
    page = search.search(indexed.index_number)
    assert page.mode == "index_number" and keys(page) == {indexed.pk}


def _demo_privacy_leaks_are_found_and_stopped():
    """Issue 4's acceptance on the demo county: the sweep finds the planted leaks (and nothing
    else), and the gate stops the unmasked list waiting in review until it is masked."""
    from gongkai.core.models import Body, Membership
    from gongkai.demo.leaks import LEAKS
    from gongkai.disclosure.models import Record
    from gongkai.disclosure.services.review import decide_approval, decide_confidentiality
    from gongkai.privacy import services
    from gongkai.privacy.models import SweepFinding

    county = Body.objects.get(depth=1)
    sweep = services.run_sweep(services.start_sweep(SYSTEM, county))
    flagged = set(SweepFinding.objects.filter(sweep=sweep).values_list("record__title", flat=True))
    assert flagged == {title for _body, title, _kind, _village, in_review in LEAKS if not in_review}
    assert {"id_card", "bank_card", "mobile"} <= set(SweepFinding.objects.filter(sweep=sweep).values_list("kind", flat=True))

    waiting = Record.objects.get(title=next(t for _b, t, _k, _v, in_review in LEAKS if in_review))
    staff = {m.role: m.user for m in Membership.objects.filter(body=waiting.body).select_related("user")}
    task = waiting.current_workflow_task_state.specific
    decide_confidentiality(staff["confidentiality_reviewer"], task, outcome="passed", basis="no_secret")
    waiting.refresh_from_db()
    assert decide_approval(staff["approving_leader"], waiting.current_workflow_task_state.specific, approve=True) is False
    waiting.refresh_from_db()
    assert not waiting.live

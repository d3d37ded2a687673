"""The audit log: closed vocabulary, append-only, hash chain, `gongkai audit verify`."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongkai.core import audit
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent
from gongkai.core.services.bodies import update_body


def _events(county):
    for i in range(5):
        update_body(SYSTEM, county.dept_a, phone=f"0797-522110{i}")
    return list(AuditEvent.objects.order_by("seq"))


def test_every_service_call_writes_one_entry(county, office_admin):
    before = AuditEvent.objects.count()
    update_body(office_admin, county.dept_a, phone="0797-5229999")
    entry = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert entry.event_type == "body.updated"
    assert entry.actor_id == office_admin.pk and "测试人员" in entry.actor_label
    assert entry.object_type == "core.body" and entry.object_id == str(county.dept_a.pk)
    assert entry.object_label == "测试县农业农村局"
    assert entry.data == {"phone": {"old": "", "new": "0797-5229999"}}


def test_unknown_event_type_is_rejected(db):
    with pytest.raises(audit.UnknownEventType):
        audit.record("body.teleported", SYSTEM)


def test_entries_are_append_only(county):
    entry = AuditEvent.objects.first()
    entry.object_label = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=entry.pk).update(object_label="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_chain_links_each_entry_to_the_one_before(county):
    events = _events(county)
    assert events[0].prev_hash == audit.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert audit.verify_chain() == []


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_catches_an_altered_row(county, capsys):
    events = _events(county)
    call_command("audit", "verify")
    assert "校验通过" in capsys.readouterr().out
    target = events[3]
    _raw("UPDATE core_auditevent SET object_label = %s WHERE id = %s", ["被改过的标签", target.pk])
    problems = audit.verify_chain()
    assert [(p.seq, p.kind) for p in problems] == [(target.seq, "altered")]
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("audit", "verify")
    assert f"altered\t#{target.seq}" in capsys.readouterr().out


def test_verify_catches_altered_json_data(county):
    target = _events(county)[2]
    _raw("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"phone": {"old": "", "new": "x"}}', target.pk])
    assert [p.kind for p in audit.verify_chain()] == ["altered"]


def test_verify_catches_a_deleted_row_and_a_deleted_tail(county):
    events = _events(county)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    assert [(p.seq, p.kind) for p in audit.verify_chain()] == [(events[3].seq, "deleted")]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    kinds = [p.kind for p in audit.verify_chain()]
    assert kinds == ["deleted", "deleted"]


def test_verify_catches_reordered_rows(county):
    events = _events(county)
    a, b = events[1], events[2]
    # Swap the content of two entries but keep their positions, recomputing nothing.
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [10_000, a.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    kinds = {p.kind for p in audit.verify_chain()}
    assert "reordered" in kinds and "altered" in kinds


def test_office_admins_read_their_own_countys_entries_only(county, office_admin, make_user):
    from gongkai.core import rules
    from gongkai.core.models import BodyKind
    from gongkai.core.services.bodies import create_body
    from gongkai.core.services.calendar import load_calendar_year
    from gongkai.rules.workdays import parse_year_file
    from tests.conftest import code

    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(81))
    other_dept = create_body(SYSTEM, parent=other, kind=BodyKind.DEPARTMENT, name="邻县教育局", code=code(82))
    update_body(SYSTEM, other_dept, phone="0797-1111111")
    load_calendar_year(SYSTEM, 2027, parse_year_file(2027, "2027-01-01,休"))
    visible = rules.audit_events_visible_to(office_admin)
    labels = set(visible.values_list("object_label", flat=True))
    assert "测试县农业农村局" in labels and "2027年" in labels
    assert "邻县教育局" not in labels and "邻县人民政府" not in labels
    assert not rules.audit_events_visible_to(make_user("info_officer", county.dept_a)).exists()
    assert rules.audit_events_visible_to(SYSTEM).count() == AuditEvent.objects.count()


def test_scope_is_part_of_the_hash(county):
    target = _events(county)[1]
    _raw("UPDATE core_auditevent SET scope_body_id = %s WHERE id = %s", [county.dept_b.pk, target.pk])
    assert [p.kind for p in audit.verify_chain()] == ["altered"]

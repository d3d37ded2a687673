"""The keyed audit chain (issue 13 §2): HMAC with GONGKAI_AUDIT_KEY, legacy SHA-256 entries,
attacks by someone with database access but without the key, signed checkpoints, retention."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.actors import SYSTEM, command_line_actor
from gongkai.core.models import AuditChainHead, AuditEvent
from gongkai.core.services import ServiceError
from gongkai.core.services.audit_log import latest_prune_date, prune
from gongkai.core.services.bodies import update_body

KEY = "test-audit-key-0123456789abcdef"


@pytest.fixture
def keyed(settings):
    settings.GONGKAI_AUDIT_KEY = KEY
    return KEY


def _events(county, n=5):
    for i in range(n):
        update_body(SYSTEM, county.dept_a, phone=f"0797-52211{i:02d}")
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite(event, hash_of, **changes):
    """What an attacker with database access does: change columns and store a recomputed hash."""
    event = AuditEvent.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    event.hash = hash_of(event)
    _raw("UPDATE core_auditevent SET object_label = %s, key_id = %s, prev_hash = %s, hash = %s WHERE id = %s",
         [event.object_label, event.key_id, event.prev_hash, event.hash, event.pk])
    return event


def _recompute_from(events, start, hash_of, key_id=None, label_changes=()):
    """Change the rows at ``label_changes`` and recompute the chain from ``start`` to the end."""
    prev = events[start - 1].hash if start else audit.GENESIS_HASH
    for i in range(start, len(events)):
        changes = {"prev_hash": prev}
        if key_id is not None:
            changes["key_id"] = key_id
        if i in label_changes:
            changes["object_label"] = "被改写的对象"
        prev = _rewrite(events[i], hash_of, **changes).hash
    _raw("UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def _plain_sha256(event):
    content = {**audit._content(event)}
    if event.key_id != audit.LEGACY_KEY_ID:
        content["key_id"] = event.key_id
    return hashlib.sha256(audit._canonical(content).encode()).hexdigest()


def test_new_entries_are_hmac_keyed_with_the_audit_key(keyed, county):
    entry = _events(county, 1)[-1]
    assert entry.key_id == audit.key_fingerprint(KEY.encode()) == audit.current_key_id()
    content = {**audit._content(entry), "key_id": entry.key_id}
    expected = hmac.new(KEY.encode(), audit._canonical(content).encode(), hashlib.sha256).hexdigest()
    assert entry.hash == expected
    assert entry.hash != _plain_sha256(entry)
    assert audit.verify_chain() == []


def test_key_fingerprint_is_the_hmac_of_a_fixed_label():
    expected = hmac.new(b"k", b"gongkai-audit-key-id", hashlib.sha256).hexdigest()[:16]
    assert audit.key_fingerprint(b"k") == expected and len(expected) == 16


def test_without_a_key_the_development_key_is_used_and_verify_says_so(settings, county, capsys):
    settings.GONGKAI_AUDIT_KEY = ""
    _events(county, 1)
    assert audit.uses_development_key()
    assert AuditEvent.objects.order_by("-seq").first().key_id == audit.DEVELOPMENT_KEY_ID
    call_command("audit", "verify")
    captured = capsys.readouterr()
    assert "开发用审计密钥" in captured.err and "校验通过" in captured.out


def test_legacy_sha256_entries_still_verify_and_keyed_entries_follow(keyed, county, capsys):
    events = _events(county, 4)
    # Turn the chain into what an install before issue 13 holds: plain SHA-256, key_id "sha256".
    _recompute_from(events, 0, _plain_sha256, key_id=audit.LEGACY_KEY_ID)
    assert audit.verify_chain() == []
    update_body(SYSTEM, county.dept_a, phone="0797-5000000")
    newest = AuditEvent.objects.order_by("-seq").first()
    assert newest.key_id == audit.current_key_id()
    assert audit.verify_chain() == []
    call_command("audit", "verify")
    assert "旧格式（SHA-256）" in capsys.readouterr().out


def test_two_rows_changed_and_chain_recomputed_with_plain_sha256_fails(keyed, county):
    events = _events(county, 6)
    _recompute_from(events, 2, _plain_sha256, label_changes={2, 3})
    kinds = {p.kind for p in audit.verify_chain()}
    assert kinds == {"altered"}
    with pytest.raises(CommandError, match="处问题"):
        call_command("audit", "verify")


def test_recomputed_as_legacy_entries_after_keyed_ones_is_a_downgrade(keyed, county):
    events = _events(county, 6)
    _recompute_from(events, 2, _plain_sha256, key_id=audit.LEGACY_KEY_ID, label_changes={2, 3})
    problems = audit.verify_chain()
    assert problems and {p.kind for p in problems} == {"downgraded"}
    assert problems[0].seq == events[2].seq


def test_recomputed_with_a_wrong_key_fails(keyed, county):
    events = _events(county, 6)
    wrong = b"not-the-key"

    def with_wrong_key(event):
        return audit.compute_hash(event, wrong)

    _recompute_from(events, 2, with_wrong_key, label_changes={2, 3})
    assert {p.kind for p in audit.verify_chain()} == {"altered"}
    # ...also when the attacker names their own key: the entries cannot be checked, which is a problem.
    _recompute_from(events, 2, with_wrong_key, key_id=audit.key_fingerprint(wrong), label_changes={2, 3})
    assert {p.kind for p in audit.verify_chain()} == {"key"}


def test_rewritten_with_the_public_development_key_after_real_key_entries_fails(keyed, county):
    events = _events(county, 5)
    dev = audit.DEVELOPMENT_AUDIT_KEY.encode()
    _recompute_from(events, 3, lambda e: audit.compute_hash(e, dev), key_id=audit.DEVELOPMENT_KEY_ID,
                    label_changes={3})
    assert "downgraded" in {p.kind for p in audit.verify_chain()}


def test_entries_made_with_another_key_are_reported(settings, county):
    settings.GONGKAI_AUDIT_KEY = "first-key-aaaaaaaaaaaaaaaa"
    _events(county, 2)
    settings.GONGKAI_AUDIT_KEY = "second-key-bbbbbbbbbbbbbbbb"
    problems = audit.verify_chain()
    assert problems and all(p.kind == "key" for p in problems)
    assert "另一密钥" in problems[0].message


# --- Checkpoints -------------------------------------------------------------------------------


def test_checkpoint_is_signed_and_names_the_chain_end(keyed, county, tmp_path, capsys):
    events = _events(county, 3)
    call_command("audit", "checkpoint")
    printed = json.loads(capsys.readouterr().out)
    assert printed["count"] == events[-1].seq and printed["hash"] == events[-1].hash
    assert printed["key_id"] == audit.current_key_id()
    assert set(printed) == {"version", "created_at", "count", "hash", "key_id", "signature"}
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--output", str(out))
    assert json.loads(out.read_text())["count"] == events[-1].seq
    _events(county, 2)  # the chain grows after the checkpoint: still fine
    call_command("audit", "verify", "--checkpoint", str(out))
    assert "检查点核对通过" in capsys.readouterr().out


def test_deleting_the_newest_rows_and_rewriting_the_head_is_caught_by_the_checkpoint(keyed, county, tmp_path):
    events = _events(county, 6)
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--output", str(out))
    keep = events[3]
    _raw("DELETE FROM core_auditevent WHERE seq > %s", [keep.seq])
    _raw("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [keep.seq, keep.hash])
    assert audit.verify_chain() == []  # without the checkpoint the cut is invisible
    problems = audit.verify_checkpoint(json.loads(out.read_text()))
    assert [p.kind for p in problems] == ["truncated"]
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify", "--checkpoint", str(out))
    assert exc.value.returncode == 1


def test_truncated_then_refilled_chain_is_caught_by_the_checkpoint(keyed, county, tmp_path):
    events = _events(county, 4)
    checkpoint = audit.make_checkpoint()
    keep = events[-3]
    _raw("DELETE FROM core_auditevent WHERE seq > %s", [keep.seq])
    _raw("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [keep.seq, keep.hash])
    _events(county, 4)  # new, validly keyed entries take the deleted entries' numbers
    assert audit.verify_chain() == []
    assert [p.kind for p in audit.verify_checkpoint(checkpoint)] == ["altered"]


def test_a_forged_or_foreign_checkpoint_is_refused(keyed, county, settings, tmp_path):
    _events(county, 3)
    checkpoint = audit.make_checkpoint()
    assert audit.verify_checkpoint(checkpoint) == []
    forged = {**checkpoint, "count": checkpoint["count"] - 1}
    assert "签名不符" in audit.verify_checkpoint(forged)[0].message
    assert audit.verify_checkpoint({"count": 1})[0].kind == "checkpoint"
    settings.GONGKAI_AUDIT_KEY = "another-key-cccccccccccccccc"
    assert "另一密钥" in audit.verify_checkpoint(checkpoint)[0].message
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("audit", "verify", "--checkpoint", str(bad))
    with pytest.raises(CommandError, match="无法读取检查点文件"):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "missing.json"))


# --- Model protection and retention ------------------------------------------------------------


def test_the_orm_refuses_every_change_and_deletion(county):
    entry = AuditEvent.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(object_label="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.bulk_update([entry], ["object_label"])
    assert AuditEvent.objects.filter(pk=entry.pk).exists()


def _age(days):
    """Backdate every entry by ``days`` and re-key the chain, as if it had been written then."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = audit.GENESIS_HASH
    for event in events:
        event.created_at = event.created_at - dt.timedelta(days=days)
        event.prev_hash = prev
        event.hash = audit.compute_hash(event)
        _raw("UPDATE core_auditevent SET created_at = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [event.created_at, event.prev_hash, event.hash, event.pk])
        prev = event.hash
    _raw("UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [prev])
    return events


def test_prune_refuses_any_date_inside_the_retention_period(keyed, county, settings):
    limit = latest_prune_date()
    assert limit == timezone.localdate() - dt.timedelta(days=180)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match="180天"):
        prune(command_line_actor(), limit + dt.timedelta(days=1))
    with pytest.raises(CommandError, match="不能清理保存期限") as exc:
        call_command("audit", "prune", "--before", timezone.localdate().isoformat())
    assert exc.value.returncode == 1
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(ServiceError, match="365天"):
        prune(command_line_actor(), timezone.localdate() - dt.timedelta(days=200))
    settings.GONGKAI_AUDIT_RETENTION_DAYS = 30  # below the legal minimum: 180 still applies
    with pytest.raises(ServiceError, match="180天"):
        prune(command_line_actor(), timezone.localdate() - dt.timedelta(days=100))
    assert AuditEvent.objects.count() == before
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("audit", "prune", "--before", "2026-13-45")


def test_retention_setting_cannot_go_below_180_days(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from gongkai.environment import env_int

    monkeypatch.setenv("GONGKAI_AUDIT_RETENTION_DAYS", "90")
    with pytest.raises(ImproperlyConfigured):
        env_int("GONGKAI_AUDIT_RETENTION_DAYS", 180, minimum=180)


def test_only_the_command_line_may_prune(keyed, county, office_admin):
    with pytest.raises(PermissionDenied, match="命令行"):
        prune(office_admin, latest_prune_date())


def test_prune_keeps_the_chain_verifiable_and_audits_itself(keyed, county, tmp_path, capsys):
    old = _age(400)
    checkpoint = tmp_path / "old.json"
    call_command("audit", "checkpoint", "--output", str(checkpoint))
    update_body(SYSTEM, county.dept_a, phone="0797-5999999")  # a recent entry, kept
    assert audit.verify_chain() == []
    call_command("audit", "prune", "--before", latest_prune_date().isoformat(), "--dry-run")
    assert f"共 {len(old)} 条（未删除）" in capsys.readouterr().out
    assert AuditEvent.objects.count() == len(old) + 1
    call_command("audit", "prune", "--before", latest_prune_date().isoformat())
    assert f"共 {len(old)} 条" in capsys.readouterr().out
    remaining = list(AuditEvent.objects.order_by("seq"))
    assert [e.event_type for e in remaining] == ["body.updated", "audit.pruned"]
    marker = remaining[-1]
    assert marker.data["last_seq"] == old[-1].seq and marker.data["last_hash"] == old[-1].hash
    assert marker.data["count"] == len(old) and marker.scope_body_id is None
    head = AuditChainHead.objects.get(pk=1)
    assert (head.genesis_seq, head.genesis_hash) == (old[-1].seq, old[-1].hash)
    assert audit.verify_chain() == []
    call_command("audit", "verify", "--checkpoint", str(checkpoint))
    assert "已按保存期限清理" in capsys.readouterr().out


def test_a_chain_start_without_a_prune_entry_is_a_deletion(keyed, county):
    events = _events(county, 5)
    # An attacker deletes the oldest entries and moves the chain's start, without the key.
    _raw("DELETE FROM core_auditevent WHERE seq <= %s", [events[2].seq])
    _raw("UPDATE core_auditchainhead SET genesis_seq = %s, genesis_hash = %s WHERE id = 1",
         [events[2].seq, events[2].hash])
    problems = audit.verify_chain()
    assert [p.kind for p in problems] == ["deleted"] and "没有相应的清理记录" in problems[0].message

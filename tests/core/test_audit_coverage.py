"""Issue 13 §2: every way a file leaves the system is either audited or public, and the audit screen
filters by actor, event type and date within what the user may read."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from gongkai.core import audit
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, BodyKind
from gongkai.core.services.bodies import create_body, update_body
from tests.conftest import code

SRC = Path(audit.__file__).resolve().parents[1]

# Every place that serves or writes a file, and how it is accounted for: the audit event it
# records, or why it needs none (public content). A new download or export path fails the test
# below until it is added here — and audited, unless it is public.
DOWNLOAD_PATHS = {
    "catalog/admin_views.py": "catalogue.exported",  # xlsx_response: body and standard catalogues
    "catalog/management/commands/catalog.py": "catalogue.exported",
    "requests/admin_views.py": "request.letter_downloaded request.id_document_downloaded",  # templates: no data
    "requests/management/commands/requests.py": "request.exported",
    "reports/admin_views.py": "report.exported",
    "reports/management/commands/report.py": "report.exported",
    "reports/public_views.py": "public",  # the published annual report, on the portal
    "privacy/admin_views.py": "privacy.sweep_exported",
    "villages/import_admin.py": "subsidy.import_rejects_downloaded",
    "villages/subsidy_admin.py": "subsidy.summary_exported",  # the year summary as XLSX
    "villages/models.py": "public",  # photos of the village board, served on the portal
    "villages/management/commands/subsidy.py": "subsidy.notices_exported",
    "portal/models.py": "public",  # attachments of published records
}

_SERVES = re.compile(r"FileResponse\(|StreamingHttpResponse\(|Content-Disposition|\.write_bytes\(|\.write_text\(|"
                     r"book\.save\(|write_notices\(")


def _paths_that_serve_files() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.startswith(("core/management/commands/audit.py", "demo/")):
            continue  # the audit command writes only the checkpoint; the demo writes its own fixtures
        if rel.endswith("management/commands/serve.py"):
            continue
        text = path.read_text(encoding="utf-8")
        is_command = "/management/commands/" in rel
        is_view = rel.endswith(("admin_views.py", "public_views.py", "import_admin.py", "subsidy_admin.py", "models.py"))
        if (is_command or is_view) and _SERVES.search(text):
            found.add(rel)
    return found


def test_every_download_and_export_path_is_accounted_for():
    found = _paths_that_serve_files()
    assert found - set(DOWNLOAD_PATHS) == set(), "new download/export path: audit it and list it here"
    for rel, events in DOWNLOAD_PATHS.items():
        if events == "public":
            continue
        for event in events.split():
            assert event in audit.EVENT_TYPES
        assert (SRC / rel).is_file(), rel


def test_every_audited_download_event_is_recorded_by_a_service():
    """The events named above are written from code (services), not only declared."""
    code_text = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if "migrations" not in p.parts)
    for events in DOWNLOAD_PATHS.values():
        for event in events.split():
            if event != "public":
                assert code_text.count(f'"{event}"') >= 2, event  # declared once, recorded at least once


# --- The audit screen's filters ------------------------------------------------------------------


def _log_in(client, user):
    client.force_login(user)
    return client


def test_audit_screen_filters_by_actor_event_type_and_date(client, county, office_admin, make_user):
    officer = make_user("info_officer", county.dept_a)
    with freeze_time("2026-01-05 10:00:00+08:00"):
        update_body(office_admin, county.dept_a, phone="0797-5220001")
    with freeze_time("2026-02-05 10:00:00+08:00"):
        update_body(SYSTEM, county.dept_b, phone="0797-5220002")
    url = reverse("audit:index")
    c = _log_in(client, office_admin)
    page = c.get(url).content.decode()
    assert "操作人" in page and "事件类型" in page and "日期" in page and "修改机构信息（body.updated）" in page

    def labels(query):
        response = c.get(url, query)
        assert response.status_code == 200
        return response.context["object_list"]

    by_actor = labels({"actor": office_admin.username})
    assert by_actor and all(office_admin.username in e.actor_label for e in by_actor)
    by_type = labels({"event_type": "body.updated"})
    assert {e.event_type for e in by_type} == {"body.updated"} and len(by_type) == 2
    january = labels({"created_at_from": "2026-01-01", "created_at_to": "2026-01-31"})
    assert [e.data for e in january if e.event_type == "body.updated"] == [
        {"phone": {"old": "", "new": "0797-5220001"}}]
    both = labels({"event_type": "body.updated", "created_at_from": "2026-02-05", "created_at_to": "2026-02-05"})
    assert [e.object_label for e in both] == ["测试县教育局"]
    assert officer  # an officer's entries are filtered like anyone's
    # Bad input is ignored with the form's message, never a 500.
    assert c.get(url, {"created_at_from": "2026-13-45", "event_type": "no.such"}).status_code == 200


def test_audit_screen_filters_never_widen_the_scope(client, county, office_admin):
    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(91))
    update_body(SYSTEM, other, phone="0797-1111111")
    c = _log_in(client, office_admin)
    shown = c.get(reverse("audit:index"), {"event_type": "body.updated", "actor": "系统"}).context["object_list"]
    assert "邻县人民政府" not in {e.object_label for e in shown}
    today = timezone.localdate()
    shown = c.get(reverse("audit:index"), {"created_at_from": (today - dt.timedelta(days=1)).isoformat()})
    assert "邻县人民政府" not in {e.object_label for e in shown.context["object_list"]}
    assert AuditEvent.objects.filter(object_label="邻县人民政府").exists()

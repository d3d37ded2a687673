"""Issue 13 §2: reading an applicant's personal data is audited over HTTP — the case screen, the
identity document, letters — and so are refusals and the case-register export."""

from __future__ import annotations

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.requests.models import Applicant, Letter, LetterTemplate

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    for field in (Letter._meta.get_field("file"), LetterTemplate._meta.get_field("file"),
                  Applicant._meta.get_field("id_document")):
        monkeypatch.setattr(field, "storage", storage)
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


def _entries(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def test_each_view_of_the_case_screen_records_one_personal_data_entry(client, make_case, handler_a, leader_a,
                                                                       county):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    url = reverse("requests_admin:detail", args=[case.pk])
    assert "360702199001011234" in client.get(url).content.decode()
    client.get(url)
    viewed = _entries("request.personal_data_viewed")
    assert len(viewed) == 2
    assert viewed[0].actor_id == handler_a.pk and viewed[0].object_id == str(case.pk)
    assert viewed[0].data == {"case": case.number} and viewed[0].scope_body_id == county.dept_a.pk
    # The leader sees the case but not the applicant: nothing read, nothing recorded.
    client.force_login(leader_a)
    assert "360702199001011234" not in client.get(url).content.decode()
    assert len(_entries("request.personal_data_viewed")) == 2


def test_id_document_download_is_audited_and_scoped(client, make_case, handler_a, handler_b, leader_a):
    case = make_case("2026-03-02", id_document=SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf"))
    url = reverse("requests_admin:id_document", args=[case.pk])
    client.force_login(handler_a)
    assert url in client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    [entry] = _entries("request.id_document_downloaded")
    assert entry.actor_id == handler_a.pk and entry.data == {"case": case.number}
    for other in (handler_b, leader_a):
        client.force_login(other)
        assert client.get(url).status_code == 404
    assert len(_entries("request.id_document_downloaded")) == 1
    denied = _entries("security.permission_denied")
    assert {e.actor_id for e in denied} == {handler_b.pk, leader_a.pk}
    assert all(e.data["status"] == 404 and e.data["path"] == url for e in denied)


def test_a_case_without_id_document_has_nothing_to_download(client, make_case, handler_a):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    assert client.get(reverse("requests_admin:id_document", args=[case.pk])).status_code == 404
    assert not _entries("request.id_document_downloaded")


def test_letter_download_is_audited(client, make_case, handler_a, handler_b, county):
    case = make_case("2026-03-02")
    client.force_login(handler_a)
    client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "receipt"})
    letter = Letter.objects.get()
    url = reverse("requests_admin:letter_download", args=[case.pk, letter.pk])
    assert client.get(url).status_code == 200
    [entry] = _entries("request.letter_downloaded")
    assert entry.data == {"case": case.number, "kind": "receipt", "doc_number": letter.doc_number}
    assert entry.scope_body_id == county.dept_a.pk and entry.object_type == "gongkai_requests.letter"
    client.force_login(handler_b)
    assert client.get(url).status_code == 404
    assert len(_entries("request.letter_downloaded")) == 1
    [denied] = _entries("security.permission_denied")
    assert denied.actor_id == handler_b.pk and denied.scope_body_id == county.dept_a.pk


def test_permission_denied_in_a_staff_view_is_audited(client, handler_a, county):
    client.force_login(handler_a)  # letter templates are the office's
    response = client.get(reverse("requests_admin:letter_templates"))
    assert response.status_code == 302  # Wagtail answers a PermissionDenied with a message and a redirect
    [entry] = _entries("security.permission_denied")
    assert entry.actor_id == handler_a.pk and entry.data["status"] == 403
    # The same refusal asked for by script is a plain 403, recorded once.
    response = client.get(reverse("requests_admin:letter_templates"), headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403 and len(_entries("security.permission_denied")) == 2
    assert entry.data["path"] == reverse("requests_admin:letter_templates") and entry.data["method"] == "GET"
    assert entry.scope_body_id == county.dept_a.pk  # the user's own body: their county's office reads it


def test_anonymous_misses_are_not_audited(client, make_case):
    case = make_case("2026-03-02")
    before = AuditEvent.objects.count()
    assert client.get(reverse("requests_admin:detail", args=[case.pk])).status_code == 302  # to the login page
    assert client.get("/no-such-page/").status_code == 404
    assert AuditEvent.objects.count() == before


def test_case_register_export_is_audited(make_case, county, tmp_path):
    make_case("2026-03-02")
    make_case("2026-03-03")
    out = tmp_path / "cases.xlsx"
    call_command("requests", "export", "--xlsx", str(out), "--body", county.dept_a.code)
    [entry] = _entries("request.exported")
    assert entry.data == {"format": "xlsx", "rows": 2, "body": county.dept_a.code, "year": None, "file": str(out)}
    assert entry.scope_body_id == county.dept_a.pk and "命令行" in entry.actor_label

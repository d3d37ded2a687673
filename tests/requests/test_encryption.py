"""Personal data at rest (issue 13 §3): applicants' ID numbers, phones, e-mails and addresses and
objectors' phones are encrypted columns; ID documents, letters and payout files are encrypted files;
`gongkai keys rotate` re-encrypts both and the old key can then be dropped."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from docx import Document

from gongkai.core import encryption, keys
from gongkai.core.encryption import EncryptedFileSystemStorage
from gongkai.core.models import AuditEvent, KeyFingerprint
from gongkai.requests.models import Applicant, Letter, LetterTemplate
from gongkai.requests.services.cases import transition
from tests.requests.conftest import APPLICANT

PLAIN = [APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["email"], APPLICANT["address"]]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def raw_row(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number, phone, email, address FROM {Applicant._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def private(tmp_path, monkeypatch):
    """The private storages in a temporary directory, encrypted as in production."""
    storage = EncryptedFileSystemStorage(location=tmp_path / "private")
    for model, name in ((Applicant, "id_document"), (Letter, "file"), (LetterTemplate, "file")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    monkeypatch.setattr(encryption, "encrypted_storages", lambda: [storage])
    return storage


def test_columns_hold_no_plain_values_while_the_model_reads_them(make_case):
    case = make_case()
    stored = raw_row(case.applicant.pk)
    for plain, value in zip(PLAIN, stored, strict=True):
        assert value.startswith("enc1$") and plain not in value
    applicant = Applicant.objects.get(pk=case.applicant.pk)
    assert [applicant.id_number, applicant.phone, applicant.email, applicant.address] == PLAIN
    assert list(Applicant.objects.values_list("phone", flat=True)) == [APPLICANT["phone"]]
    # Blank values stay blank (and can be filtered on); a value search is refused, never silently empty.
    assert Applicant.objects.filter(email="").count() == 0
    with pytest.raises(FieldError, match="加密字段"):
        Applicant.objects.filter(phone=APPLICANT["phone"]).count()


def test_a_value_that_looks_encrypted_is_still_encrypted(make_case):
    case = make_case(applicant={**APPLICANT, "address": "enc1$gAAAAA-not-a-token"})
    assert raw_row(case.applicant.pk)[3] != "enc1$gAAAAA-not-a-token"
    assert Applicant.objects.get(pk=case.applicant.pk).address == "enc1$gAAAAA-not-a-token"


def test_rows_written_before_encryption_are_read_and_encrypted_by_reencrypt(make_case, settings, tmp_path):
    case = make_case()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Applicant._meta.db_table} SET phone = %s WHERE id = %s", ["13900000000", case.applicant.pk])
    assert Applicant.objects.get(pk=case.applicant.pk).phone == "13900000000"
    settings.VAR_DIR = tmp_path
    call_command("keys", "reencrypt", stdout=io.StringIO())
    assert raw_row(case.applicant.pk)[1].startswith("enc1$")
    assert Applicant.objects.get(pk=case.applicant.pk).phone == "13900000000"


def test_the_migration_encrypts_existing_rows_in_batches(make_case, monkeypatch):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongkai.requests.migrations.0005_encrypt_personal_data")
    cases = [make_case(), make_case(), make_case()]
    with connection.cursor() as cursor:  # as the rows were before the migration
        for case in cases:
            cursor.execute(f"UPDATE {Applicant._meta.db_table} SET id_number = %s, phone = %s, email = %s, "
                           f"address = %s WHERE id = %s", [*PLAIN, case.applicant.pk])
    assert all(value in PLAIN for value in raw_row(cases[0].applicant.pk))
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.encrypt_rows(apps, None)
    for case in cases:
        assert all(value.startswith("enc1$") for value in raw_row(case.applicant.pk))
        applicant = Applicant.objects.get(pk=case.applicant.pk)
        assert [applicant.id_number, applicant.phone, applicant.email, applicant.address] == PLAIN


def test_the_status_lookup_by_last_digits_still_works(make_case):
    from gongkai.requests.public import lookup

    case = make_case()
    assert lookup("10.1.0.1", case.query_code, APPLICANT["phone"][-4:]) is not None
    assert lookup("10.1.0.2", case.query_code, APPLICANT["id_number"][-4:]) is not None
    assert lookup("10.1.0.3", case.query_code, "0000") is None


def test_objection_phone_is_encrypted(county):
    import datetime as dt

    from gongkai.villages.models import Notice, Objection, SubsidyProgramme
    from gongkai.villages.services.subsidies import file_objection

    programme = SubsidyProgramme.objects.order_by("position").first()
    notice = Notice.objects.create(programme=programme, year=2025, village=county.village_a,
                                   starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 8),
                                   supervision_phone="0797-5231001")
    objection = file_objection(notice=notice, name="李四", phone="13907970001", content="面积少算",
                               today=dt.date(2026, 3, 3))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Objection._meta.db_table} WHERE id = %s", [objection.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc1$") and "13907970001" not in stored
    assert Objection.objects.get().phone == "13907970001"


def test_id_document_is_encrypted_on_disk(county, private):
    from gongkai.requests.services.cases import submit_online

    secret = PNG + b"ID-360702199001011234"
    upload = SimpleUploadedFile("id.png", secret, content_type="image/png")
    case = submit_online(body=county.dept_a, subject="2025年耕地地力保护补贴发放名单", applicant_type="natural_person",
                         preferred_form="electronic", delivery_method="email", applicant=dict(APPLICANT),
                         id_document=upload)
    name = case.applicant.id_document.name
    with open(private.path(name), "rb") as fh:
        on_disk = fh.read()
    assert on_disk.startswith(encryption.FILE_MAGIC)
    assert b"360702199001011234" not in on_disk and PNG not in on_disk
    with Applicant.objects.get(pk=case.applicant.pk).id_document.open("rb") as fh:
        assert fh.read() == secret
    assert private.size(name) == len(secret)


def test_letter_is_encrypted_on_disk_and_downloads_as_written(client, make_case, handler_a, private):
    case = transition(handler_a, make_case("2026-03-02"), "decide", disposition="not_processed.repeat")
    client.force_login(handler_a)
    client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "reply", "reason": "2026年2月已答复。"})
    letter = Letter.objects.get()
    with open(private.path(letter.file.name), "rb") as fh:
        on_disk = fh.read()
    assert on_disk.startswith(encryption.FILE_MAGIC) and b"PK\x03\x04" not in on_disk  # no plain DOCX (zip)
    download = client.get(reverse("requests_admin:letter_download", args=[case.pk, letter.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and int(download["Content-Length"]) == len(body)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "2026年2月已答复。" in text


def test_files_large_and_empty_and_plain_legacy(private):
    big = bytes(range(256)) * (5 * 4096 + 17)  # over 5 MiB: several chunks
    for content in (big, b""):
        name = private.save("t/blob.bin", ContentFile(content))
        with private.open(name) as fh:
            assert fh.read() == content
    reopened = private.open(name)
    reopened.close()
    with reopened.open("rb") as fh:  # what FieldFile.open does the second time
        assert fh.read() == b""
    legacy = private.path("t/legacy.csv")
    with open(legacy, "wb") as fh:
        fh.write("姓名,身份证号\n".encode())
    with private.open("t/legacy.csv") as fh:  # written before encryption: read as it is
        assert fh.read().decode() == "姓名,身份证号\n"
    private.reencrypt("t/legacy.csv")
    assert private.is_encrypted_file("t/legacy.csv")
    with private.open("t/legacy.csv") as fh:
        assert fh.read().decode() == "姓名,身份证号\n"


def test_a_cut_or_reordered_file_is_refused(private):
    name = private.save("t/two.bin", ContentFile(b"x" * (encryption.CHUNK_SIZE + 10)))
    path = private.path(name)
    data = open(path, "rb").read()
    with open(path, "wb") as fh:
        fh.write(data[: len(data) // 2 + 200])  # the last chunk gone
    with pytest.raises(encryption.DecryptionError):
        private.open(name)


def _file_keys(settings, tmp_path) -> list[str]:
    """A key file holding the test's current keys, so rotation writes there."""
    settings.VAR_DIR = tmp_path
    data = {"secret_key": settings.SECRET_KEY, "audit_key": settings.GONGKAI_AUDIT_KEY,
            "id_hash_key": settings.GONGKAI_ID_HASH_KEY, "data_keys": list(settings.GONGKAI_DATA_KEYS)}
    keys.write_file(tmp_path / "keys.json", data)
    settings.GONGKAI_KEY_SOURCES = {**settings.GONGKAI_KEY_SOURCES, "data_keys": "file"}
    return data["data_keys"]


def test_rotate_reencrypts_and_the_old_key_can_be_dropped(make_case, client, handler_a, private, settings, tmp_path):
    keys.record()
    old = _file_keys(settings, tmp_path / "var")
    case = transition(handler_a, make_case("2026-03-02"), "decide", disposition="not_processed.repeat")
    client.force_login(handler_a)
    client.post(reverse("requests_admin:letter_generate", args=[case.pk]), {"kind": "reply", "reason": "已答复。"})
    letter = Letter.objects.get()
    before = raw_row(case.applicant.pk)

    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    stored = json.loads((tmp_path / "var" / "keys.json").read_text())
    new = stored["data_keys"][0]
    assert stored["data_keys"] == [new, *old] and new not in old
    assert (tmp_path / "var" / "keys.json").stat().st_mode & 0o777 == 0o600
    assert "已更换数据加密密钥" in out.getvalue()
    after = raw_row(case.applicant.pk)
    only_new = Fernet(new)
    for value, was in zip(after, before, strict=True):
        assert value != was
        only_new.decrypt(value[len("enc1$"):].encode())  # encrypted under the new key
    assert {r.purpose for r in KeyFingerprint.objects.filter(fingerprint=keys.fingerprint(new, "data"))} == {"data"}
    assert AuditEvent.objects.filter(event_type="keys.data_key_rotated").exists()

    call_command("keys", "rotate", "--drop-old", stdout=io.StringIO())
    assert json.loads((tmp_path / "var" / "keys.json").read_text())["data_keys"] == [new]
    assert settings.GONGKAI_DATA_KEYS == [new]
    applicant = Applicant.objects.get(pk=case.applicant.pk)
    assert applicant.phone == APPLICANT["phone"] and applicant.address == APPLICANT["address"]
    download = client.get(reverse("requests_admin:letter_download", args=[case.pk, letter.pk]))
    assert "已答复。" in "\n".join(p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs)
    assert KeyFingerprint.objects.get(purpose="data", fingerprint=keys.fingerprint(old[0], "data")).retired_at
    assert keys.check() == {}
    settings.GONGKAI_DATA_KEYS = old  # the old key alone no longer reads anything
    with pytest.raises(encryption.DecryptionError):
        Applicant.objects.get(pk=case.applicant.pk)


def test_rotate_with_keys_from_the_environment_prints_the_new_list(settings, make_case):
    settings.GONGKAI_KEY_SOURCES = {**settings.GONGKAI_KEY_SOURCES, "data_keys": "env"}
    case = make_case()
    before = raw_row(case.applicant.pk)
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    line = [x for x in out.getvalue().splitlines() if x.startswith("GONGKAI_DATA_KEYS=")][0]
    listed = line.split("=", 1)[1].split(",")
    assert listed[1:] == list(settings.GONGKAI_DATA_KEYS) and len(listed) == 2
    assert raw_row(case.applicant.pk) == before  # nothing re-encrypted under a key only printed

"""A generated letter opens in LibreOffice (libreoffice-writer-nogui) and converts to PDF carrying its
发文字号, fonts embedded (issue 5 acceptance: "the letter opens in LibreOffice and converts to PDF")."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.files.storage import FileSystemStorage
from freezegun import freeze_time
from pypdf import PdfReader

from gongkai.requests.models import Letter
from gongkai.requests.services.cases import transition
from gongkai.requests.services.letters import generate_letter

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_reply_letter_converts_to_pdf(tmp_path, monkeypatch, make_case, handler_a):
    monkeypatch.setattr(Letter._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "private"))
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = transition(handler_a, make_case("2026-03-02"), "decide", disposition="withheld.third_party_rights")
        letter = generate_letter(handler_a, case, "reply", inputs={"reason": "名单含有农户身份证号码和银行账号。"})
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: parallel runs do not share a lock
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out),
         letter.file.path], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    pdf = out / (letter.file.path.rsplit("/", 1)[1].removesuffix(".docx") + ".pdf")
    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    squeezed = "".join(text.split())
    assert letter.doc_number in squeezed
    assert "第十五条" in squeezed and "应当先申请行政复议" in squeezed
    fonts = {str(ref.get_object()["/BaseFont"]) for page in reader.pages
             for ref in page["/Resources"]["/Font"].values()}
    assert any("NotoSerifCJK" in f.replace(" ", "") for f in fonts), fonts
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width) / 72 * 25.4), round(float(mediabox.height) / 72 * 25.4)) == (210, 297)

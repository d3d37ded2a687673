"""Reading an applicant's personal data: every read is audited (等保2.0 安全审计, 个人信息保护法
第五十一条 access control and records).

- :func:`view_applicant`: the case screen shows the applicant (one "request.personal_data_viewed"
  entry per display);
- :func:`open_id_document`: the uploaded 身份证明材料;
- :func:`open_letter`: a letter (it carries the applicant's name and address).

Each checks the same rule as the screen and returns what the view serves.
"""

from __future__ import annotations

from pathlib import PurePath

from gongkai.core import audit, rules
from gongkai.core.services import ServiceError, require
from gongkai.requests.models import Applicant, Case, Letter


def view_applicant(actor, case: Case) -> Applicant | None:
    """The applicant of ``case`` if ``actor`` may see it (else None, nothing recorded)."""
    if not rules.can_view_applicant(actor, case):
        return None
    applicant = Applicant.objects.filter(case=case).first()
    if applicant is None:
        return None
    audit.record("request.personal_data_viewed", actor, case, {"case": case.number}, label=case.number,
                 scope=case.body)
    return applicant


def open_id_document(actor, case: Case) -> tuple[object, str]:
    """The applicant's uploaded identity document of ``case``: (open binary file, download name).
    Raises PermissionDenied, or ServiceError when none was uploaded or the file is gone."""
    require(rules.can_view_applicant(actor, case), "您没有查看该申请人身份证明材料的权限")
    applicant = Applicant.objects.filter(case=case).first()
    if applicant is None or not applicant.id_document:
        raise ServiceError("该申请没有上传身份证明材料")
    try:
        handle = applicant.id_document.open("rb")
    except FileNotFoundError:
        raise ServiceError("身份证明材料文件已不存在") from None
    audit.record("request.id_document_downloaded", actor, case, {"case": case.number}, label=case.number,
                 scope=case.body)
    return handle, f"{case.number}-身份证明材料{PurePath(applicant.id_document.name).suffix}"


def open_letter(actor, letter: Letter) -> tuple[object, str]:
    """A generated letter's Word file: (open binary file, download name). Raises PermissionDenied,
    or ServiceError when the file is gone."""
    case = letter.case
    require(rules.can_issue_letter(actor, case), "您没有下载该文书的权限")
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError:
        raise ServiceError("文书文件已不存在") from None
    audit.record("request.letter_downloaded", actor, letter,
                 {"case": case.number, "kind": letter.kind, "doc_number": letter.doc_number},
                 label=f"{case.number} {letter.doc_number}", scope=case.body)
    return handle, f"{case.number}-{letter.kind_label}-{letter.doc_number}.docx"

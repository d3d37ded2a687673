"""What a privacy scan reports: kinds of finding, one finding, the report on one file. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """Kinds of finding. The values are the stable codes of the JSON output."""

    ID_CARD = "id_card"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    LANDLINE = "landline"
    ADDRESS = "address"
    CLASSIFIED_MARKING = "classified_marking"
    SENSITIVE_WORD = "sensitive_word"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def personal(self) -> bool:
        """Personal information (个人信息保护法 Art. 28 and domain facts §6): masked on publication."""
        return self in PERSONAL_KINDS


KIND_LABELS = {
    Kind.ID_CARD: "身份证号",
    Kind.MOBILE: "手机号码",
    Kind.BANK_CARD: "银行账号",
    Kind.EMAIL: "电子邮箱",
    Kind.LANDLINE: "固定电话",
    Kind.ADDRESS: "详细住址",
    Kind.CLASSIFIED_MARKING: "密级或内部标识",
    Kind.SENSITIVE_WORD: "敏感词",
}


def kind_label(code: str) -> str:
    """The Chinese label of a stored kind code, for every screen and export: the Kind's label,
    "无法读取" for a file a sweep could not read (code "error"), "其他" for a code no longer known."""
    if code in Kind._value2member_map_:
        return Kind(code).label
    return "无法读取" if code == "error" else "其他"


PERSONAL_KINDS = frozenset({Kind.ID_CARD, Kind.MOBILE, Kind.BANK_CARD, Kind.EMAIL, Kind.LANDLINE, Kind.ADDRESS})
# The four kinds measured for recall and precision (tests/privacy/test_corpus.py).
CORE_KINDS = (Kind.ID_CARD, Kind.MOBILE, Kind.BANK_CARD, Kind.EMAIL)


@dataclass(slots=True)
class Finding:
    """One match.

    ``start``/``end``: character offsets of ``text`` in the scanned text (for a file: in its
    extracted text, see ``extraction``). ``text``: the matched characters exactly as they appear
    there (full-width digits, spaces and hyphens kept). ``confidence``: 0..1. ``location``: where
    in the file (``第12行``, ``名单!C5``, ``表格1第3行第2列``, ``第2页``; empty for plain text).
    ``masked``: ``text`` after the configured mask policy (same length; empty for kinds that are not
    masked). ``note``: a short Chinese reason when the match is uncertain (e.g. a wrong check digit).
    """

    kind: Kind
    start: int
    end: int
    text: str
    confidence: float
    location: str = ""
    masked: str = ""
    note: str = ""

    def moved(self, offset: int, location: str | None = None) -> Finding:
        """A copy shifted by ``offset``, optionally with a location."""
        return Finding(self.kind, self.start + offset, self.end + offset, self.text, self.confidence,
                       self.location if location is None else location, self.masked, self.note)

    def as_json(self, path: str) -> dict:
        """The stable JSON contract of ``gongkai privacy scan --json`` (one object per line)."""
        return {"path": path, "kind": self.kind.value, "text": self.text, "location": self.location,
                "confidence": self.confidence, "masked": self.masked, "note": self.note}


class ScanStatus(StrEnum):
    OK = "ok"  # text read and scanned (findings may or may not be empty)
    UNVERIFIABLE = "unverifiable"  # no text to scan: image, scanned PDF, legacy binary format
    ERROR = "error"  # unreadable: damaged, refused (zip bomb), permission denied, not a regular file

    @property
    def label(self) -> str:
        return {"ok": "已扫描", "unverifiable": "无法核查（需人工检查）", "error": "读取失败"}[self.value]


@dataclass
class FileReport:
    """The scan of one file. ``message`` is a Chinese explanation when ``status`` is not OK.

    A file is *clean* only when its status is OK and it has no findings: an unverifiable or
    unreadable file never passes as "no personal data"."""

    path: str
    status: ScanStatus = ScanStatus.OK
    findings: list[Finding] = field(default_factory=list)
    message: str = ""
    encoding: str = ""  # text and HTML files: the encoding read (utf-8, utf-8-sig, gb18030, utf-16)
    finding_count: int = 0  # findings found, also when they were streamed to a callback

    @property
    def clean(self) -> bool:
        return self.status is ScanStatus.OK and not self.findings and not self.finding_count

    def problems_as_json(self) -> list[dict]:
        """Findings and, for an unverifiable or unreadable file, one pseudo-finding of kind
        ``unverifiable`` or ``error`` carrying the Chinese message (JSON contract of the CLI)."""
        rows = [f.as_json(self.path) for f in self.findings]
        if self.status is not ScanStatus.OK:
            rows.append({"path": self.path, "kind": self.status.value, "text": "", "location": "",
                         "confidence": 1.0, "masked": "", "note": self.message})
        return rows

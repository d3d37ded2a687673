"""The privacy check of a record: its text and attachments scanned as they will be published, the
gate that keeps unmasked personal data off the public site, and the settings the scan uses.

"先审查、后公开" (county plan, task 五) and 条例 Art. 15: personal information is published only where
law requires it or the person consents. The gate refuses a revision whose title, summary, text or
attachments hold anything the scan reports (personal data of any kind, classification markings,
the administrator's sensitive words) unless the body's confidentiality reviewer recorded an
exception for that very revision, naming its legal basis.

Decisions:
* Published office contacts are not personal data: every body's Art. 12 telephone and e-mail and
  the site's 纠错 contacts are allowed automatically, beside the administrator's allow-list file.
* An attachment with no readable text (a scan, a photo) is listed on the check screen as needing
  a manual look; it does not block by itself, because the confidentiality review that must pass
  first is exactly that look. An attachment that cannot be read at all blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.utils.html import strip_tags

from gongkai.privacy.config import PrivacyConfig, normalize_phone
from gongkai.privacy.detectors import scan_text
from gongkai.privacy.findings import Finding, Kind, ScanStatus
from gongkai.privacy.masking import mask_text
from gongkai.privacy.scanning import scan_file

CONTEXT_CHARS = 24
BODY_PART = "正文"


def site_config() -> PrivacyConfig:
    """The scan settings: environment (sensitive words, allow-list file, mask policy) plus every
    body's published telephone number."""
    from gongkai.core.models import Body
    from gongkai.portal.models import SiteSettings

    config = PrivacyConfig.from_env()
    phones = [p for p in Body.objects.exclude(phone="").values_list("phone", flat=True)]
    phones += [p for p in SiteSettings.objects.exclude(correction_phone="").values_list("correction_phone", flat=True)]
    allow = set(config.landline_allow)
    for phone in phones:
        for part in re.split(r"[，,；;、/\s]+", phone):
            digits = normalize_phone(part)
            if len(digits) >= 5:
                allow.add(digits)
                if "-" in part:  # also without the area code
                    allow.add(normalize_phone(part.split("-", 1)[1]))
    return replace(config, landline_allow=frozenset(allow))


def official_emails() -> frozenset[str]:
    from gongkai.core.models import Body
    from gongkai.portal.models import SiteSettings

    emails = set(Body.objects.exclude(email="").values_list("email", flat=True))
    emails |= set(SiteSettings.objects.exclude(correction_email="").values_list("correction_email", flat=True))
    return frozenset(e.strip().lower() for e in emails)


@dataclass
class PartScan:
    """The scan of one part of a record: its text (``attachment_id`` None) or one attachment."""

    name: str
    attachment_id: int | None
    status: ScanStatus
    findings: list[Finding] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # masked context of each finding
    message: str = ""
    maskable: bool = False

    @property
    def blocking(self) -> bool:
        return bool(self.findings) or self.status is ScanStatus.ERROR


@dataclass
class RecordScan:
    parts: list[PartScan]

    @property
    def findings(self) -> list[tuple[PartScan, Finding]]:
        return [(part, f) for part in self.parts for f in part.findings]

    @property
    def blocking(self) -> bool:
        return any(part.blocking for part in self.parts)

    @property
    def unverifiable(self) -> list[PartScan]:
        return [part for part in self.parts if part.status is ScanStatus.UNVERIFIABLE]

    def summary(self) -> list[dict]:
        """Masked description of every finding (what an exception records)."""
        return [{"kind": f.kind.value, "part": part.name, "location": f.location, "masked": f.masked or ""}
                for part, f in self.findings]

    def describe(self) -> str:
        """One Chinese sentence: how many of which kind, where."""
        counts: dict[str, int] = {}
        for _part, finding in self.findings:
            counts[finding.kind.label] = counts.get(finding.kind.label, 0) + 1
        pieces = [f"{label} {n} 处" for label, n in counts.items()]
        pieces += [f"{part.name}无法读取" for part in self.parts if part.status is ScanStatus.ERROR]
        return "、".join(pieces)


MASKABLE_SUFFIXES = (".txt", ".csv", ".html", ".htm", ".docx", ".xlsx")


def record_text(record) -> str:
    """What of a record's own fields the public reads: title, summary, text (tags removed)."""
    return "\n".join(part for part in (record.title, record.summary, strip_tags(record.content or "")) if part)


def _context(text: str, finding: Finding, config: PrivacyConfig) -> str:
    start, end = max(0, finding.start - CONTEXT_CHARS), min(len(text), finding.end + CONTEXT_CHARS)
    snippet = text[start:end].replace("\n", " ")
    return ("…" if start else "") + mask_text(snippet, config=config) + ("…" if end < len(text) else "")


def _keep(finding: Finding, emails: frozenset[str]) -> bool:
    return not (finding.kind is Kind.EMAIL and finding.text.strip().lower() in emails)


def scan_record(record, *, config: PrivacyConfig | None = None) -> RecordScan:
    """Scan ``record`` as given (a revision's object, or the live row) and its attachments."""
    config = config or site_config()
    emails = official_emails()
    text = record_text(record)
    findings = [f for f in scan_text(text, config=config) if _keep(f, emails)]
    parts = [PartScan(BODY_PART, None, ScanStatus.OK, findings, [_context(text, f, config) for f in findings],
                      maskable=True)]
    for attachment in record.attachments.all():
        name = f"附件“{attachment.title}”"
        try:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError, ValueError):
            parts.append(PartScan(name, attachment.pk, ScanStatus.ERROR, message="附件文件缺失，无法核查"))
            continue
        report = scan_file(data, attachment.file.name, config=config)
        kept = [f for f in report.findings if _keep(f, emails)]
        parts.append(PartScan(name, attachment.pk, report.status, kept,
                              [f"{f.location}：{f.masked or f.kind.label}" if f.location else (f.masked or "")
                               for f in kept],
                              message=report.message,
                              maskable=attachment.file.name.lower().endswith(MASKABLE_SUFFIXES)))
    return RecordScan(parts)


def no_unmasked_personal_data(record, revision) -> list[str]:
    """Publication gate (registered in PrivacyAppConfig.ready)."""
    from gongkai.privacy.models import PublicationException

    scan = scan_record(record)
    if not scan.blocking:
        return []
    if revision is not None and PublicationException.objects.filter(record_id=record.pk, revision=revision).exists():
        return []
    return [f"隐私检查发现未遮盖的个人信息或涉密标识（{scan.describe()}）：请遮盖后重新送审，"
            "或由保密审查员在“隐私检查”中登记有法律依据的例外"]

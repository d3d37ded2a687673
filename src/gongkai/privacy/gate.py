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
from dataclasses import replace

from gongkai.privacy.config import PrivacyConfig, normalize_phone
from gongkai.privacy.masking import mask_text
from gongkai.privacy.public_sources import FilePart, PartScan, SourceScan, TextPart, scan_parts
from gongkai.privacy.reading import read_html

BODY_PART = "正文"
__all__ = ["BODY_PART", "PartScan", "RecordScan", "no_unmasked_personal_data", "official_emails", "public_masker",
           "record_parts", "record_text", "scan_record", "site_config"]


def site_config() -> PrivacyConfig:
    """The scan settings: environment (sensitive words, allow-list file, mask policy) plus every
    body's published telephone number."""
    from gongkai.core.models import Body
    from gongkai.portal.models import SiteSettings

    config = PrivacyConfig.from_env()
    phones = [p for p in Body.objects.exclude(phone="").values_list("phone", flat=True)]
    phones += [p for p in SiteSettings.objects.exclude(correction_phone="").values_list("correction_phone", flat=True)]
    return allow_phones(config, phones)


def allow_phones(config: PrivacyConfig, phones) -> PrivacyConfig:
    """``config`` with these published office telephone numbers allowed (with and without area
    code; several in one field split at 、，；/ and spaces)."""
    allow = set(config.landline_allow)
    for phone in phones:
        for part in re.split(r"[，,；;、/\s]+", phone or ""):
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


MASKABLE_SUFFIXES = (".txt", ".csv", ".html", ".htm", ".docx", ".xlsx")
RecordScan = SourceScan  # the scan of a record is the scan of its public source


def record_text(record) -> str:
    """What of a record's own fields the public reads: title, summary and the rich text as
    ``reading.read_html`` reads it (block boundaries kept, attributes and comments included)."""
    return "\n".join(part for part in (record.title, record.summary, read_html(record.content or "").text) if part)


def record_parts(record) -> list[TextPart | FilePart]:
    """The record's public source: its own fields as one text (a label in the summary still
    names a number in the body) and each attachment as a file."""
    parts: list[TextPart | FilePart] = [TextPart(BODY_PART, record_text(record))]
    for attachment in record.attachments.all():
        def read(attachment=attachment) -> bytes:
            with attachment.file.open("rb") as handle:
                return handle.read()
        parts.append(FilePart(f"附件“{attachment.title}”", attachment.file.name, read, attachment.pk,
                              maskable=attachment.file.name.lower().endswith(MASKABLE_SUFFIXES)))
    return parts


def scan_record(record, *, config: PrivacyConfig | None = None) -> RecordScan:
    """Scan ``record`` as given (a revision's object, or the live row) and its attachments."""
    return scan_parts(record_parts(record), config=config)


def public_masker():
    """A function that masks a text with the site's settings (office phones allowed), for text
    that is shown or indexed without a gate of its own: search titles, texts and snippets."""
    config = site_config()

    def mask(text: str) -> str:
        return mask_text(text, config=config) if text else text

    return mask


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

"""Privacy guard: finds personal data and classification markings in texts and files, and masks them.

Pure: nothing here imports Django or touches the database. The API for the publication gate and
the sweep:

- ``scan_text(text, *, config=None) -> list[Finding]`` (``detectors``)
- ``scan_file(path | bytes | file, name=None, *, config=None, on_finding=None) -> FileReport`` and
  ``scan_paths(paths, *, config=None) -> Iterator[FileReport]`` (``scanning``)
- ``mask_text(text, *, config=None) -> str`` and ``mask_file(src, dst, *, config=None) -> MaskResult``
  (``masking``); ``mask_value(kind, text, policy)`` (``mask_rules``)
- ``PrivacyConfig`` / ``MaskPolicy`` (``config``); ``Finding``, ``FileReport``, ``Kind``,
  ``ScanStatus`` (``findings``)
- ``extract(name, data) -> Extracted`` and ``FileRejected`` (``extraction``): the attachment check.

Reading a result: a file passes only when ``FileReport.clean`` (status ``ok`` and no findings); an
``unverifiable`` file (image, scanned PDF, legacy format) or an ``error`` one (damaged, zip bomb,
unreadable) never passes silently. ``Finding.kind.personal`` separates personal data (masked on
publication) from ``classified_marking`` and ``sensitive_word`` (a reviewer decides).
``Finding.start/end`` index the text that ``extract(name, data)`` returns for the same file.
``Finding.confidence`` is below 0.9 for readings that rest on a label or on a near miss (a mistyped
check digit, a 15-digit ID, a passbook under an account column): a gate may ask a reviewer to
confirm those instead of blocking.

Modules import their parsers (lxml, pypdf, ahocorasick-rs) only when a file or list needs them.
"""

from gongkai.privacy.config import MaskPolicy, PrivacyConfig
from gongkai.privacy.detectors import Detector, scan_text
from gongkai.privacy.extraction import Extracted, ExtractionStatus, FileRejected, extract
from gongkai.privacy.findings import FileReport, Finding, Kind, ScanStatus
from gongkai.privacy.mask_rules import mask_value
from gongkai.privacy.masking import MaskResult, mask_file, mask_text
from gongkai.privacy.scanning import scan_file, scan_paths

__all__ = [
    "Detector", "Extracted", "ExtractionStatus", "FileRejected", "FileReport", "Finding", "Kind", "MaskPolicy",
    "MaskResult", "PrivacyConfig", "ScanStatus", "extract", "mask_file", "mask_text", "mask_value", "scan_file",
    "scan_paths", "scan_text",
]

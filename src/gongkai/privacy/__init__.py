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

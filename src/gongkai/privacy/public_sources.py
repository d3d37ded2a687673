"""The registry of public sources: everything that reaches the public, and the gate it passes.

A *public source* is a kind of content that the public site shows or serves — a record with its
attachments, an answer in 答复选登, an annual report, a village posting, a subsidy notice. Each app
registers its sources (``register_source``) with:

* ``parts(obj)``: what of an object the public reads, as :class:`TextPart` (plain or rich text,
  read by ``reading.read_html``) and :class:`FilePart` (a file, read by ``scanning.scan_file``);
* ``live(county)``: the objects of a county that are public now (what the sweep reads);
* ``body(obj)``: the body answerable for the object (where findings are filed);
* ``admin_url(obj)``: where an officer acts on it.

and every public route names the sources it shows (``register_route``). A route that shows none
(a form, a lookup behind a query code) says why in ``note``. ``tests/privacy/test_public_paths.py``
walks every URL pattern and every route of every page type and fails for one that is not
registered, so a new public path cannot be added without its check.

The gate (:func:`check`, :func:`require_clean`) is called by the service that makes an object
public: it scans the parts as they will be published and refuses when personal data (or a
classification marking, or a sensitive word) is found, naming each finding masked and where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gongkai.privacy.findings import Finding, Kind, ScanStatus

CONTEXT_CHARS = 24


@dataclass(frozen=True)
class TextPart:
    """A piece of text that is published: ``name`` says where it shows (标题, 答复摘要, 五、存在的
    主要问题…); ``html``: rich text (read as a browser lays it out); ``field``: the model field it
    comes from, for one-click masking."""

    name: str
    text: str
    html: bool = False
    field: str = ""
    personal_only: bool = False  # see FilePart.personal_only


@dataclass(frozen=True)
class FilePart:
    """A published file: ``read()`` returns its bytes (``OSError`` when it is missing)."""

    name: str
    filename: str
    read: Callable[[], bytes]
    attachment_id: int | None = None
    maskable: bool = False
    # Only personal data counts: for a file generated from a fixed template (an annual report's
    # export), whose labels may read like a stamp (表三's row 不予公开) but are the law's wording.
    personal_only: bool = False


@dataclass(frozen=True)
class PublicSource:
    key: str
    label: str
    parts: Callable[[Any], list[TextPart | FilePart]]
    live: Callable[[Any], Iterable[Any]]
    body: Callable[[Any], Any]
    admin_url: Callable[[Any], str] = lambda obj: ""
    title: Callable[[Any], str] = str
    # Office telephone numbers the object publishes on purpose (a notice's 监督电话): allowed
    # like the bodies' own; a mobile among them is still reported (a person's number).
    contacts: Callable[[Any], list[str]] = lambda obj: []


@dataclass(frozen=True)
class PublicRoute:
    route: str  # "<app_label>.<Model>:<route name>" for a page route, "url:<name or path>" otherwise
    sources: tuple[str, ...]
    note: str = ""


_SOURCES: dict[str, PublicSource] = {}
_ROUTES: dict[str, PublicRoute] = {}


def register_source(source: PublicSource) -> PublicSource:
    if source.key in _SOURCES and _SOURCES[source.key] != source:
        raise ValueError(f"public source {source.key!r} is registered twice")
    _SOURCES[source.key] = source
    return source


def register_route(route: str, *sources: str, note: str = "") -> None:
    """Declare what the public route ``route`` shows. A route with no sources needs ``note``: why
    nothing it shows needs the privacy check (e.g. an empty application form)."""
    if not sources and not note.strip():
        raise ValueError(f"public route {route!r}: name its sources, or say in note why it shows none")
    _ROUTES[route] = PublicRoute(route, tuple(sources), note)


def sources() -> dict[str, PublicSource]:
    return dict(_SOURCES)


def routes() -> dict[str, PublicRoute]:
    return dict(_ROUTES)


def source(key: str) -> PublicSource:
    try:
        return _SOURCES[key]
    except KeyError:
        raise LookupError(f"no public source {key!r} is registered") from None


# --- the gate ----------------------------------------------------------------------------------


@dataclass
class PartScan:
    """The scan of one part: a text (``attachment_id`` None) or one file."""

    name: str
    attachment_id: int | None
    status: ScanStatus
    findings: list[Finding] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # masked context of each finding
    message: str = ""
    maskable: bool = False
    field: str = ""
    file: bool = False  # a file part (an attachment, an export), not a text

    @property
    def blocking(self) -> bool:
        return bool(self.findings) or self.status is ScanStatus.ERROR


@dataclass
class SourceScan:
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
        """Masked description of every finding (what an exception or a refusal records)."""
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

    def lines(self) -> list[str]:
        """One Chinese line per finding: where, what, and its masked context."""
        out = []
        for part in self.parts:
            for finding, context in zip(part.findings, part.contexts, strict=True):
                where = f"{part.name}{finding.location and '（' + finding.location + '）'}"
                out.append(f"{where}：{finding.kind.label}，{context}")
            if part.status is ScanStatus.ERROR:
                out.append(f"{part.name}：{part.message or '无法读取'}")
        return out


def _context(text: str, finding: Finding, mask: Callable[[str], str]) -> str:
    start, end = max(0, finding.start - CONTEXT_CHARS), min(len(text), finding.end + CONTEXT_CHARS)
    snippet = text[start:end].replace("\n", " ").replace("\t", " ")
    return ("…" if start else "") + mask(snippet) + ("…" if end < len(text) else "")


def scan_parts(parts: Iterable[TextPart | FilePart], *, config=None, emails: frozenset[str] | None = None) -> SourceScan:
    """Scan parts as they will be published. The county's published office phones and e-mails
    are allowed (``gate.site_config``, ``gate.official_emails``)."""
    from gongkai.privacy.detectors import detector_for
    from gongkai.privacy.gate import official_emails, site_config
    from gongkai.privacy.masking import mask_text
    from gongkai.privacy.reading import read_html
    from gongkai.privacy.scanning import scan_file

    config = config or site_config()
    emails = official_emails() if emails is None else emails
    detector = detector_for(config)

    def keep(finding: Finding) -> bool:
        return not (finding.kind is Kind.EMAIL and finding.text.strip().lower() in emails)

    def mask(text: str) -> str:
        return mask_text(text, config=config)

    out = []
    for part in parts:
        if isinstance(part, TextPart):
            if part.html:
                html = read_html(part.text or "")
                text = html.text
                found = [f.moved(0, html.locate(f.start)) for f in detector.scan(text, tabular=True) if keep(f)]
            else:
                text = part.text or ""
                found = [f for f in detector.scan(text, tabular=True) if keep(f)]
            if part.personal_only:
                found = [f for f in found if f.kind.personal]
            out.append(PartScan(part.name, None, ScanStatus.OK, found, [_context(text, f, mask) for f in found],
                                maskable=True, field=part.field))
            continue
        try:
            data = part.read()
        except (FileNotFoundError, OSError, ValueError):
            out.append(PartScan(part.name, part.attachment_id, ScanStatus.ERROR, message="文件缺失，无法核查", file=True))
            continue
        report = scan_file(data, part.filename, config=config)
        kept = [f for f in report.findings if keep(f) and (f.kind.personal or not part.personal_only)]
        out.append(PartScan(part.name, part.attachment_id, report.status, kept,
                            [f"{f.location}：{f.masked or f.kind.label}" if f.location else (f.masked or "")
                             for f in kept],
                            message=report.message, maskable=part.maskable, file=True))
    return SourceScan(out)


def check(key: str, obj, *, config=None, emails: frozenset[str] | None = None) -> SourceScan:
    """Scan ``obj`` of the public source ``key`` as it will be published."""
    from gongkai.privacy.gate import allow_phones, site_config

    public = source(key)
    config = config or site_config()
    contacts = public.contacts(obj)
    if contacts:
        config = allow_phones(config, contacts)
    return scan_parts(public.parts(obj), config=config, emails=emails)


class Blocked(Exception):
    """The gate refused: ``scan`` says what was found and where (masked)."""

    def __init__(self, source: PublicSource, scan: SourceScan):
        self.source, self.scan = source, scan
        super().__init__(f"隐私检查发现未遮盖的个人信息或涉密标识（{scan.describe()}），未公开")

    @property
    def messages(self) -> list[str]:
        return [str(self), *self.scan.lines()]


def require_clean(key: str, obj, *, config=None) -> SourceScan:
    """The gate: raise :class:`Blocked` when ``obj`` holds what must not be published."""
    scan = check(key, obj, config=config)
    if scan.blocking:
        raise Blocked(source(key), scan)
    return scan


def field_errors(key: str, obj, *, config=None) -> dict[str, list[str]]:
    """The gate as a form sees it: ``{field: [Chinese lines]}`` for every text part with findings
    (a model's ``clean`` raises them as a ValidationError, beside the field)."""
    scan = check(key, obj, config=config)
    errors: dict[str, list[str]] = {}
    for part in scan.parts:
        if part.blocking and part.field:
            lines = [f"{f.kind.label}{f.location and '（' + f.location + '）'}：{context}"
                     for f, context in zip(part.findings, part.contexts, strict=True)]
            errors[part.field] = [f"隐私检查发现未遮盖的个人信息或涉密标识，请遮盖后再保存：{'；'.join(lines)}"]
    return errors


def mask_fields(key: str, obj, *, config=None) -> dict[str, str]:
    """Masked values of ``obj``'s text fields that hold findings (``{field: masked text}``), as
    the one-click mask (一键遮盖) writes them: rich text is masked in its markup."""
    return mask_parts(source(key).parts(obj), config=config)


def mask_parts(parts: Iterable[TextPart | FilePart], *, config=None) -> dict[str, str]:
    """``{field: masked text}`` for the text parts that change when masked."""
    from gongkai.privacy.detectors import detector_for
    from gongkai.privacy.gate import site_config
    from gongkai.privacy.masking import mask_text
    from gongkai.privacy.reading import mask_html

    config = config or site_config()
    changed = {}
    for part in parts:
        if not isinstance(part, TextPart) or not part.field:
            continue
        masked = mask_html(part.text, detector_for(config))[0] if part.html else mask_text(part.text, config=config)
        if masked != part.text:
            changed[part.field] = masked
    return changed

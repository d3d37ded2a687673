"""How one matched value is masked (去标识化, 个人信息保护法 Art. 51(三) and Art. 73; domain facts §6.2).
Pure.

Every mask keeps the length of the text: each hidden character becomes the mask character, while
spaces, hyphens, a ``+86`` country code and the domain of an e-mail address stay. So a masked value
can replace the original inside a Word run, a spreadsheet cell or a streamed text file without moving
anything else, and a masked document scans clean (``138****5678`` is no longer a number).
"""

from __future__ import annotations

import re

from gongkai.privacy.config import MaskPolicy
from gongkai.privacy.findings import Kind

_DIGITS = frozenset("0123456789０１２３４５６７８９XxＸｘ")
_ADDRESS_NUMBER = re.compile(
    r"(?:[0-9０-９A-Za-z]+|[一二三四五六七八九十百零〇两]+)"
    r"(?=村民小组|[组队栋幢座号单室层楼户弄巷院\-－])"
)


def _keep_ends(text: str, head: int, tail: int, char: str, skip: int = 0) -> str:
    """Mask the digits of ``text`` except the first ``head`` and last ``tail`` (after ``skip``
    leading digits that always stay, e.g. a country code); other characters stay."""
    if not skip and (text.isdigit() or (text[:-1].isdigit() and text[-1:] in "XxＸｘ")):
        n = len(text)  # the common case: one unbroken number
        if head + tail >= n:
            return text
        return text[:head] + char * (n - head - tail) + (text[n - tail:] if tail else "")
    positions = [i for i, ch in enumerate(text) if ch in _DIGITS]
    number = positions[skip:]
    hidden = number[head:len(number) - tail if tail else None] if head + tail < len(number) else []
    chars = list(text)
    for i in hidden:
        chars[i] = char
    return "".join(chars)


def mask_value(kind: Kind, text: str, policy: MaskPolicy | None = None) -> str:
    """The masked form of a matched ``text`` of ``kind`` under ``policy`` (defaults: ID 6+4 with
    the birth date always hidden, mobile 3+4, bank account last 4, landline area code + last 4).
    Classified markings are not masked (the document must not be published at all): ``""``."""
    policy = policy or MaskPolicy()
    char = policy.mask_char
    if kind is Kind.ID_CARD:
        digits = len(text) if len(text) in (15, 18) else sum(ch in _DIGITS for ch in text)
        head, tail = policy.id_card
        # GB 11643: the birth date is positions 7–14 (18 digits) or 7–12 (15 digits): never shown.
        head, tail = min(head, 6), min(tail, 4 if digits == 18 else 3)
        return _keep_ends(text, head, tail, char)
    if kind is Kind.MOBILE:
        digits = sum(ch in _DIGITS for ch in text)
        head, tail = policy.mobile
        return _keep_ends(text, head, tail, char, skip=max(0, digits - 11))
    if kind is Kind.BANK_CARD:
        head, tail = policy.bank_card
        return _keep_ends(text, head, tail, char)
    if kind is Kind.LANDLINE:
        digits = [ch for ch in text if ch in _DIGITS]
        head, tail = policy.landline
        if digits and digits[0] not in "0０":
            head = 0  # a local number without area code: only the tail may show
        elif len(digits) >= 2 and digits[1] in "12１２":
            head = min(head, 3)  # 010 and 02x: 3-digit area codes
        return _keep_ends(text, head, tail, char)
    if kind is Kind.EMAIL:
        local, at, domain = text.rpartition("@") if "@" in text else text.rpartition("＠")
        if not at:
            return char * len(text)
        return local[:1] + char * (len(local) - 1) + at + domain
    if kind is Kind.ADDRESS:
        return _ADDRESS_NUMBER.sub(lambda m: char * len(m.group()), text)
    if kind is Kind.SENSITIVE_WORD:
        return char * len(text)
    return ""


def apply_masks(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace each ``(start, end, masked)`` span (masked has the span's length; ``""`` = leave)."""
    if not spans:
        return text
    chars = list(text)
    for start, end, masked in spans:
        if masked and len(masked) == end - start:
            chars[start:end] = masked
    return "".join(chars)

"""Checks of official identifiers.

统一社会信用代码 (unified social credit code), GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》:
18 characters = registration authority (1) + organisation category (1) + administrative division
code (6) + organisation code (9, GB 11714) + check character (1). The character set is the digits
and the 21 capital letters other than I, O, Z, S, V; the check character is MOD 31-3 over the first
17 characters with weights 3^i mod 31.
"""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, ...


class IdentifierError(ValueError):
    """An identifier failed validation; the message is fit to show a user."""


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise IdentifierError("统一社会信用代码前17位应由数字和大写字母（不含I、O、Z、S、V）组成")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(code: str) -> str:
    """Upper-case and strip spaces (people type codes with lower case and spaces)."""
    return "".join(code.split()).upper()


def validate_uscc(code: str) -> str:
    """Return the normalised code, or raise IdentifierError with a Chinese message (GB 32100-2015 §4)."""
    value = normalize_uscc(code)
    if len(value) != 18:
        raise IdentifierError(f"统一社会信用代码应为18位，实际为{len(value)}位：{value}")
    bad = [ch for ch in value if ch not in _USCC_VALUE]
    if bad:
        raise IdentifierError(f"统一社会信用代码含有无效字符“{bad[0]}”（不使用I、O、Z、S、V）")
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise IdentifierError(f"统一社会信用代码校验位错误：{value} 的第18位应为 {expected}")
    return value


def is_valid_uscc(code: str) -> bool:
    try:
        validate_uscc(code)
    except IdentifierError:
        return False
    return True


ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(first8: str) -> str:
    """The GB 11714-1997 check character of a 9-character 组织机构代码 (characters 9-17 of a credit code)."""
    if len(first8) != 8 or any(ch not in ORG_CODE_ALPHABET for ch in first8):
        raise IdentifierError("组织机构代码前8位应由数字和大写字母组成")
    total = sum(ORG_CODE_ALPHABET.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(authority_and_category: str, division: str, org_body: str) -> str:
    """Compose a credit code from its parts, computing both check characters (GB 11714, GB 32100).

    ``authority_and_category``: 2 characters, e.g. ``11`` (机构编制·机关), ``54`` (村民委员会);
    ``division``: 6-digit administrative division code; ``org_body``: the first 8 characters of the
    organisation code. Used for the demo county and for tests."""
    org = org_body + org_code_check_char(org_body)
    first17 = authority_and_category + division + org
    return first17 + uscc_check_char(first17)

"""Structure and checksum rules of the numbers the privacy guard looks for. Pure: no Django imports.

Every function takes a normalised digit string (ASCII digits, an ID's check character upper-case)
and answers one question, citing the standard it implements.
"""

from __future__ import annotations

import datetime as dt

# GB/T 2260 province-level codes (the first two digits of an administrative division code), plus
# 71 台湾, 81 香港, 82 澳门 and 83 (港澳台居民居住证, 2018).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643-1999 《公民身份号码》 §8: the check character is ISO 7064 MOD 11-2 over the first
    17 digits, weights 2^(17-i) mod 11 (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2);
    the remainder 0..10 maps to 1 0 X 9 8 7 6 5 4 3 2."""
    # The weights are 2^(17-i) mod 11, and 13 ≡ 2 (mod 11), so the weighted sum is 2 × (the digits
    # read as a base-13 number) mod 11 — one C-level int() instead of 17 multiplications.
    return _ID_CHECK[2 * int(first17, 13) % 11]


def _valid_date(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= today


_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def id18_structure_ok(number: str, today: dt.date) -> bool:
    """GB 11643-1999 §5: 6-digit address code (GB/T 2260) + 8-digit birth date (YYYYMMDD, GB/T 7408)
    + 3-digit sequence + check character. Checks the province code and that the birth date is a
    real date between 1900-01-01 and ``today``; the check character is not looked at."""
    if len(number) != 18 or number[:2] not in PROVINCE_CODES or not number[:17].isdigit():
        return False
    born = number[6:14]
    known = _BIRTH_DATES.get(born)
    if known is None or known[1] != today:
        known = (_valid_date(int(born[:4]), int(born[4:6]), int(born[6:]), today), today)
        if len(_BIRTH_DATES) < 100_000:  # 1900–today has about 46,000 dates; serials add noise
            _BIRTH_DATES[born] = known
    return known[0]


_BIRTH_DATES: dict[str, tuple[bool, dt.date]] = {}  # YYYYMMDD -> (verdict, the day it was given for)


def id18_loose_ok(number: str, today: dt.date) -> bool:
    """An 18-character number whose birth date is real and whose GB 11643 check character is
    right, whatever its address code (codes are retired and re-issued over the decades; a correct
    MOD 11-2 check on a real date is strong evidence on its own)."""
    if len(number) != 18 or number[0] == "0" or not number[:17].isdigit() or not id18_check_ok(number):
        return False
    return _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14]), today)


def id18_check_ok(number: str) -> bool:
    """The 18th character equals the GB 11643-1999 MOD 11-2 check character (``x`` already upper-cased)."""
    return id_check_char(number[:17]) == number[17]


def id15_structure_ok(number: str, today: dt.date) -> bool:
    """First-generation 15-digit numbers (1984–2004, GB 11643-1989): 6-digit address code + birth
    date as YYMMDD in the 1900s + 3-digit sequence, no check digit."""
    if len(number) != 15 or number[:2] not in PROVINCE_CODES:
        return False
    return _valid_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), today)


def luhn_ok(number: str) -> bool:
    """ISO/IEC 7812-1 Annex B (Luhn, mod 10): double every second digit from the right, sum the
    digits, the total must be a multiple of 10. Bank cards pass it; passbook accounts do not."""
    data = number.encode("ascii")
    # Every second digit from the right doubled, its digits summed: 0246813579 (e.g. 2×7=14 -> 5).
    return (sum(data[-1::-2]) + sum(data[-2::-2].translate(_LUHN_DOUBLE)) - 48 * len(data)) % 10 == 0


_LUHN_DOUBLE = bytes.maketrans(b"0123456789", b"0246813579")


# Issuer identification prefixes (ISO/IEC 7812 IIN) of cards that Chinese subsidies are paid
# into: 62 China UnionPay (nearly every debit, 一卡通 and social-security card), 60 early UnionPay
# and bank BINs, 95 old 19-digit ICBC/ABC cards (9558…, 95599…). Visa and Mastercard numbers (4, 5)
# are reported only under an account label: unlabelled, too many 16-digit serials pass Luhn.
CARD_PREFIXES = {
    16: ("62", "60"),
    17: ("62", "60"),
    18: ("62", "60", "95"),
    19: ("62", "60", "95"),
}


def card_prefix_ok(number: str) -> bool:
    return number.startswith(CARD_PREFIXES.get(len(number), ()))


# 3-digit mobile prefixes allocated by MIIT (工业和信息化部 numbering plan, 2019 edition with later
# additions): 13x, 145–149, 15x except 154, 162/165/166/167, 170–178, 18x, 19x except 194.
MOBILE_PREFIXES = frozenset(
    [f"13{i}" for i in range(10)] + ["145", "146", "147", "148", "149"]
    + [f"15{i}" for i in range(10) if i != 4] + ["162", "165", "166", "167"]
    + [f"17{i}" for i in range(9)] + [f"18{i}" for i in range(10)]
    + [f"19{i}" for i in range(10) if i != 4]
)


def mobile_shape_ok(number: str) -> bool:
    """11 digits, 1 then 3–9 (the mainland mobile numbering range, E.164 country code 86)."""
    return len(number) == 11 and number[0] == "1" and "3" <= number[1] <= "9"


def mobile_allocated(number: str) -> bool:
    return number[:3] in MOBILE_PREFIXES


def split_landline(number: str) -> tuple[str, str] | None:
    """Split a trunk-prefixed landline into (area code, local number), or None.

    Area codes (YD/T 2130, national numbering plan): 010 and 02x are 3 digits with 8-digit local
    numbers; others are 0 + 3 digits (second digit 3–9) with 7- or 8-digit local numbers. Local
    numbers never start with 0 or 1."""
    if len(number) == 11 and (number.startswith("010") or number.startswith("02")):
        area, local = number[:3], number[3:]
    elif number[:1] == "0" and "3" <= number[1:2] <= "9" and len(number) in (11, 12):
        area, local = number[:4], number[4:]
    else:
        return None
    if local[0] in "01":
        return None
    return area, local


def local_landline_ok(number: str) -> bool:
    return len(number) in (7, 8) and number[0] not in "01"

"""文号 (document numbers) and 索引号 (index numbers).

文号, GB/T 9704-2012 《党政机关公文格式》 §7.2.4: 发文机关代字 + year in 六角括号 〔〕 + serial + 号, e.g.
``青农发〔2026〕12号``. The year is the full four digits, the serial has no leading zeros, and no
"第" is written before it. People type the brackets as [], （）, () or 【】: those are normalised to
〔〕, everything else that departs from the standard is refused with a reason.

索引号: no national rule (domain facts §7.4); provinces set their own patterns. The default is
``<统一社会信用代码>/<year>-<5-digit serial>`` (e.g. ``113708280043326001/2024-02411``), and the
pattern is configurable.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "（": "〔", "）": "〕", "(": "〔", ")": "〕", "【": "〔",
                           "】": "〕", "﹝": "〔", "﹞": "〕", "［": "〔", "］": "〕"})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DOC_NUMBER = re.compile(r"(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,20})〔(?P<year>\d+)〕(?P<first>第?)(?P<serial>\d+)号")


class DocumentNumberError(ValueError):
    """The message is fit to show a user."""


@dataclass(frozen=True)
class DocNumber:
    prefix: str  # 发文机关代字, e.g. 青农发
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


def normalize_doc_number(text: str) -> str:
    """Spaces removed, bracket variants and full-width digits made standard."""
    return "".join(text.split()).translate(_BRACKETS).translate(_FULLWIDTH_DIGITS)


def parse_doc_number(text: str) -> DocNumber:
    """Parse and validate a 文号 (GB/T 9704-2012 §7.2.4). Raises DocumentNumberError with the reason."""
    value = normalize_doc_number(text)
    match = _DOC_NUMBER.fullmatch(value)
    if not match:
        raise DocumentNumberError(f"文号“{text.strip()}”格式不正确，应为“机关代字〔年份〕序号号”，如：青农发〔2026〕12号")
    if len(match["year"]) != 4:
        raise DocumentNumberError(f"文号“{text.strip()}”的年份应写全四位，如〔2026〕")
    if match["first"]:
        raise DocumentNumberError(f"文号“{text.strip()}”的序号前不加“第”字")
    if match["serial"].startswith("0"):
        raise DocumentNumberError(f"文号“{text.strip()}”的序号不编虚位，如 1 不写作 01")
    year = int(match["year"])
    if not 1949 <= year <= 2100:
        raise DocumentNumberError(f"文号“{text.strip()}”的年份 {year} 不合理")
    return DocNumber(match["prefix"], year, int(match["serial"]))


def looks_like_doc_number(text: str) -> bool:
    return bool(_DOC_NUMBER.fullmatch(normalize_doc_number(text)))


DEFAULT_INDEX_PATTERN = "{code}/{year}-{serial:05d}"
_INDEX_FIELDS = {"code", "year", "serial", "area"}


def check_index_pattern(pattern: str) -> str:
    """Validate a configurable 索引号 pattern: Python format fields among {code}, {year},
    {serial} (required, usually {serial:05d}) and {area}."""
    try:
        fields = {name for _lit, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise DocumentNumberError(f"索引号格式“{pattern}”无效：{exc}") from None
    unknown = fields - _INDEX_FIELDS
    if unknown:
        raise DocumentNumberError(f"索引号格式“{pattern}”含未知字段：{', '.join(sorted(unknown))}")
    if "serial" not in fields:
        raise DocumentNumberError(f"索引号格式“{pattern}”必须包含 {{serial}}，否则无法保证唯一")
    return pattern


def format_index_number(pattern: str, *, code: str, year: int, serial: int, area: str = "") -> str:
    """The 索引号 for the ``serial``-th record of a body in ``year`` under ``pattern``."""
    return check_index_pattern(pattern).format(code=code, year=year, serial=serial, area=area)


def normalize_index_number(text: str) -> str:
    """For exact look-up: spaces removed, full-width characters and dashes made ASCII, upper case."""
    value = "".join(text.split()).translate(_FULLWIDTH_DIGITS)
    return value.replace("／", "/").replace("－", "-").replace("—", "-").replace("–", "-").upper()

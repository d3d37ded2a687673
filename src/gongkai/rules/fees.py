"""信息处理费: the fee for information provided on application (条例 Art. 42; 国办函〔2020〕109号
《政府信息公开信息处理费管理办法》; domain facts §3).

Providing information on application is free (条例 Art. 42); a fee may be charged only when the
quantity or frequency clearly exceeds a reasonable range, and the 办法 draws that line:

- Art. 3: per item (按件计收) or per page (按量计收), both progressive (超额累进); the agency picks
  one mode per application, never both.
- Art. 4 (per item, any decision type): items are counted per applicant over one natural month
  (自然月), after splitting a multi-item application into the smallest reasonable units (一事一申请).
  Items 1–10 are free, 11–30 cost 100 元 each, and from 31 on every band of 10 items costs 100 元
  more per item than the band before (31–40: 200, 41–50: 300, …).
- Art. 5 (per page; paper copies, e-mail, copies of electronic data), per application: pages 1–30
  free, 31–100 at 10 元, 101–200 at 20 元, 201 and above at 40 元 (confirmed via official fee lists).

Amounts are integer 元 (every rate is a whole number of 元), never floats.

Decisions on ambiguous points:

- The first band above 30 items costs 200 元 per item: facts §3.2 call this the natural reading of
  "以10件为一档，每增加一档，收费标准提高100元/件" (INFERRED); the worked example (35 items → 3,000 元)
  follows from it and is a test.
- An application counts in the natural month of its receipt date (条例 Art. 31). The caller splits
  applications (一事一申请) and passes the items already counted for the applicant in that month.
- No exemption or reduction is applied: the facts found none (§3.3 UNCONFIRMED). The amounts are
  the most the 办法 allows; whether to charge at all remains the agency's decision (Art. 42 "可以").
- The rest of Art. 5 (information already proactively disclosed; converting e-mail/e-copy volumes
  to pages) was not visible: the caller supplies the page count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gongkai.rules.dispositions import FEE_MEASURES


class FeeError(ValueError):
    """Invalid fee input; the message is fit to show a user."""


class ChargingMode(StrEnum):
    PER_ITEM = "per_item"
    PER_PAGE = "per_page"

    @property
    def label(self) -> str:
        return {"per_item": "按件计收", "per_page": "按量计收"}[self.value]

    @property
    def basis(self) -> str:
        return f"{FEE_MEASURES}{'第四条' if self is ChargingMode.PER_ITEM else '第五条'}"

    @property
    def unit(self) -> str:
        return "件" if self is ChargingMode.PER_ITEM else "页"


@dataclass(frozen=True)
class Band:
    """Units ``first``..``last`` (inclusive; ``last`` None = no upper end) at ``yuan`` each."""

    first: int
    last: int | None
    yuan: int

    def contains(self, n: int) -> bool:
        return n >= self.first and (self.last is None or n <= self.last)


#: 办法 Art. 5, per application.
PAGE_BANDS: tuple[Band, ...] = (Band(1, 30, 0), Band(31, 100, 10), Band(101, 200, 20), Band(201, None, 40))

#: 办法 Art. 4, per applicant and natural month, up to 30 items; above 30 see :func:`item_band`.
ITEM_BANDS: tuple[Band, ...] = (Band(1, 10, 0), Band(11, 30, 100))
ITEM_BAND_SIZE = 10  # Art. 4(三): 以10件为一档
ITEM_BAND_STEP_YUAN = 100  # Art. 4(三): 每增加一档，收费标准提高100元/件


def item_band(ordinal: int) -> Band:
    """The Art. 4 band holding the applicant's ``ordinal``-th item of the month (1-based)."""
    if ordinal < 1:
        raise FeeError("件数序号应从1开始")
    for band in ITEM_BANDS:
        if band.contains(ordinal):
            return band
    top = ITEM_BANDS[-1]
    steps = (ordinal - top.last - 1) // ITEM_BAND_SIZE + 1
    first = top.last + (steps - 1) * ITEM_BAND_SIZE + 1
    return Band(first, first + ITEM_BAND_SIZE - 1, top.yuan + steps * ITEM_BAND_STEP_YUAN)


def page_band(ordinal: int) -> Band:
    """The Art. 5 band holding the ``ordinal``-th page of an application (1-based)."""
    if ordinal < 1:
        raise FeeError("页数序号应从1开始")
    return next(band for band in PAGE_BANDS if band.contains(ordinal))


@dataclass(frozen=True)
class FeeLine:
    """One band's share of a quote, for the 收费通知书 (which must state the standard and amount)."""

    first: int
    last: int
    unit_yuan: int
    unit: str  # 件 or 页

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.count * self.unit_yuan

    @property
    def label(self) -> str:
        span = f"第{self.first}{self.unit}" if self.first == self.last else f"第{self.first}—{self.last}{self.unit}"
        if self.unit_yuan == 0:
            return f"{span}：{self.count}{self.unit}，不收费"
        return f"{span}：{self.count}{self.unit}×{self.unit_yuan}元/{self.unit}={self.amount}元"


@dataclass(frozen=True)
class FeeQuote:
    mode: ChargingMode
    lines: tuple[FeeLine, ...]

    @property
    def amount(self) -> int:
        """Total in 元."""
        return sum(line.amount for line in self.lines)

    @property
    def basis(self) -> str:
        return self.mode.basis


def _quote(mode: ChargingMode, first: int, last: int, band_of) -> FeeQuote:
    lines: list[FeeLine] = []
    n = first
    while n <= last:
        band = band_of(n)
        end = last if band.last is None else min(band.last, last)
        lines.append(FeeLine(n, end, band.yuan, mode.unit))
        n = end + 1
    return FeeQuote(mode, tuple(lines))


def quote_per_item(items: int, earlier_in_month: int = 0) -> FeeQuote:
    """The 按件计收 fee (办法 Art. 3, 4) for ``items`` items (after 一事一申请 splitting) of one
    application, when the same applicant already has ``earlier_in_month`` items in the same natural
    month. Progressive: each item pays the rate of the band its monthly ordinal falls in.

    >>> quote_per_item(35).amount  # facts §3.2: 10×0 + 20×100 + 5×200
    3000
    """
    if items < 0 or earlier_in_month < 0:
        raise FeeError("件数不能为负数")
    return _quote(ChargingMode.PER_ITEM, earlier_in_month + 1, earlier_in_month + items, item_band)


def quote_per_page(pages: int) -> FeeQuote:
    """The 按量计收 fee (办法 Art. 3, 5) for one application of ``pages`` pages: progressive, the
    first 30 pages free."""
    if pages < 0:
        raise FeeError("页数不能为负数")
    return _quote(ChargingMode.PER_PAGE, 1, pages, page_band)


def quote(mode: ChargingMode, units: int, earlier_in_month: int = 0) -> FeeQuote:
    """The fee of one application in ``mode`` (办法 Art. 3: one mode per application): ``units``
    items (with ``earlier_in_month`` items of the applicant earlier in the natural month, Art. 4)
    or pages (Art. 5; ``earlier_in_month`` does not apply and must be 0)."""
    if mode is ChargingMode.PER_ITEM:
        return quote_per_item(units, earlier_in_month)
    if earlier_in_month:
        raise FeeError("按量计收按每件申请的页数计算，不累计本月此前的申请")
    return quote_per_page(units)


def items_in_month(history: Iterable[tuple[dt.date, int]], month_of: dt.date) -> int:
    """Items the applicant already has in the natural month of ``month_of`` (办法 Art. 4:
    同一申请人一个自然月内累计申请). ``history``: (receipt date, item count after splitting) of the
    applicant's earlier applications; those in other months are ignored."""
    return sum(n for day, n in history if (day.year, day.month) == (month_of.year, month_of.month))

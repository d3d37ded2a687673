"""Reading the State Council's annual holiday notice (《国务院办公厅关于YYYY年部分节假日安排的通知》,
published each November or December) pasted as text, into the calendar's days.

The notice is the legal source of the working-day calendar (rules.workdays, domain facts §10.1):
each numbered item names a festival and says which days are off ("放假", "放假调休") and which
weekend days are worked ("上班"), for example (2026 notice, 国办发明电〔2025〕7号, item 二):

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。

Rules of reading, each one checked so that a wrong paste is refused rather than half-read:

- a sentence holding "放假" gives the holiday range before it: ``M月D日`` alone, ``M月D日至D日``
  or ``M月D日至M月D日``; a date may carry its year (``2022年12月31日``) when a range crosses the
  new year;
- a sentence holding "上班" lists the make-up working days before it; each must be a weekend day;
- any other sentence (such as the encouragement to let staff rest on 除夕) gives no day;
- a weekday printed beside a date (``（周六）``, ``（星期日）``, ``（农历除夕、周二）``) must be that
  date's weekday in the year read: a notice of another year pasted by mistake is refused at once;
- "共N天" must equal the number of days of the range;
- a day named twice, or a notice that gives no day, is an error.

Days of another year (the last days of December before a New Year holiday) are returned apart, so
that the caller stores only the year being loaded and says what it left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from gongkai.rules.workdays import HOLIDAY, WORKDAY, CalendarError

_CN_NUMERALS = "一二三四五六七八九十"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ITEM = re.compile(rf"^\s*[{_CN_NUMERALS}]+\s*[、.．]\s*([^：:]{{1,20}})[：:](.*)$")
# A date: optional year, month, day, then an optional parenthesis (weekday, lunar date).
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(\s*[（(][^）)]*[）)])?")
_WEEKDAY_MARK = re.compile(r"(?:周|星期)([一二三四五六日天])")
_ITEM_START = re.compile(rf"(?<![{_CN_NUMERALS}])([{_CN_NUMERALS}]{{1,2}}\s*[、.．]\s*(?=[^：:，。（()）\n]{{1,12}}[：:]))")
_TOTAL = re.compile(r"共\s*(\d{1,2})\s*天")


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    kind: str  # rules.workdays.HOLIDAY or WORKDAY
    name: str  # the festival, as the notice names it


@dataclass
class ParsedNotice:
    year: int
    days: list[NoticeDay] = field(default_factory=list)
    other_years: list[NoticeDay] = field(default_factory=list)  # read, but not of ``year``
    festivals: list[str] = field(default_factory=list)

    def triples(self) -> list[tuple[dt.date, str, str]]:
        """``(date, kind, name)`` for ``core.services.calendar.load_calendar_year``."""
        return [(d.date, d.kind, d.name) for d in self.days]


def _dates(text: str, year: int, festival: str) -> list[tuple[dt.date, str]]:
    """Every date written in ``text``, in order, with the parenthesis that follows it. A day without
    a month takes the month of the date before it ("2月15日至23日")."""
    out: list[tuple[dt.date, str]] = []
    month = None
    current_year = year
    for match in _DATE.finditer(text):
        y, m, d, note = match.groups()
        if y:
            current_year = int(y)
        if m:
            month = int(m)
        if month is None:
            raise CalendarError(f"“{festival}”：日期“{match.group(0)}”缺少月份")
        try:
            day = dt.date(current_year, month, int(d))
        except ValueError:
            raise CalendarError(f"“{festival}”：{current_year}年{month}月{d}日不是有效日期") from None
        out.append((day, note or ""))
    return out


def _check_weekday(day: dt.date, note: str, festival: str) -> None:
    """The weekday printed in the notice must be the date's: 《通知》 always prints it, and a notice
    of another year pasted by mistake shows here first."""
    mark = _WEEKDAY_MARK.search(note)
    if mark and _WEEKDAYS[mark.group(1)] != day.weekday():
        actual = "一二三四五六日"[day.weekday()]
        raise CalendarError(
            f"“{festival}”：通知写{day.month}月{day.day}日是周{mark.group(1)}，但{day.year}年{day.month}月{day.day}日"
            f"是周{actual}；请核对粘贴的是否为{day.year}年的通知")


def _holiday_range(sentence: str, year: int, festival: str) -> list[dt.date]:
    head = sentence.split("放假", 1)[0]
    dates = _dates(head, year, festival)
    if not dates:
        raise CalendarError(f"“{festival}”：“{sentence.strip()}”中没有放假日期")
    for day, note in dates:
        _check_weekday(day, note, festival)
    if len(dates) == 1:
        days = [dates[0][0]]
    elif len(dates) == 2 and "至" in head:
        start, end = dates[0][0], dates[1][0]
        if end < start or (end - start).days > 14:
            raise CalendarError(f"“{festival}”：放假起止日期 {start.isoformat()} 至 {end.isoformat()} 不合理")
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    else:
        days = [d for d, _note in dates]  # several single days listed ("1月1日、1月2日放假")
    total = _TOTAL.search(sentence)
    if total and int(total.group(1)) != len(days):
        raise CalendarError(f"“{festival}”：通知写共{total.group(1)}天，但 {days[0].isoformat()} 至 "
                            f"{days[-1].isoformat()} 是{len(days)}天")
    return days


def _workdays(sentence: str, year: int, festival: str) -> list[dt.date]:
    head = sentence.split("上班", 1)[0]
    dates = _dates(head, year, festival)
    if not dates:
        raise CalendarError(f"“{festival}”：“{sentence.strip()}”中没有上班日期")
    out = []
    for day, note in dates:
        _check_weekday(day, note, festival)
        if day.weekday() < 5:
            raise CalendarError(f"“{festival}”：{day.isoformat()} 是周一至周五，不会是调休上班日")
        out.append(day)
    return out


def parse_notice(year: int, text: str) -> ParsedNotice:
    """The days of ``year`` in the pasted notice (Art. 2 of 《全国年节及纪念日放假办法》 gives the
    festivals; the annual notice gives the dates). Raises CalendarError naming the festival and
    the sentence at the first thing that cannot be read with certainty."""
    parsed = ParsedNotice(year)
    seen: dict[dt.date, str] = {}
    # Items may be pasted on one line or many; each starts with a Chinese numeral and "、".
    # An item starts where a numeral and "、" are followed by a short festival name and "：" (not
    # at "初七、周一）", a lunar date inside a parenthesis).
    normal = _ITEM_START.sub(r"\n\1", (text or "").replace("\r", "\n").replace("\u3000", " "))
    for line in normal.split("\n"):
        item = _ITEM.match(line)
        if not item:
            continue
        festival, body = item.group(1).strip(), item.group(2)
        found = []
        for sentence in re.split(r"[。；;]", body):
            if "放假" in sentence:
                found += [(d, HOLIDAY) for d in _holiday_range(sentence, year, festival)]
            elif "上班" in sentence:
                found += [(d, WORKDAY) for d in _workdays(sentence, year, festival)]
        if not found:
            continue  # a numbered paragraph that is no festival (e.g. closing remarks)
        parsed.festivals.append(festival)
        for day, kind in found:
            if day in seen:
                raise CalendarError(f"{day.isoformat()} 在“{seen[day]}”和“{festival}”中都出现")
            seen[day] = festival
            entry = NoticeDay(day, kind, festival)
            (parsed.days if day.year == year else parsed.other_years).append(entry)
    if not parsed.days:
        raise CalendarError(f"没有读到{year}年的任何放假或上班日期；请粘贴《国务院办公厅关于{year}年部分节假日安排的通知》正文")
    parsed.days.sort(key=lambda d: d.date)
    return parsed


#: The State Council has published next year's notice between late October and December in recent
#: years; from this month on, next year's days are awaited.
AWAITED_FROM_MONTH = 11


def missing_year(today: dt.date, loaded_years) -> int | None:
    """The year whose holiday calendar is missing and needed now, or None.

    This year's is needed at once (no working day of it can be counted); next year's from
    1 November, because a 20-working-day reply period (条例第三十三条第二款) started in November
    or December ends in January, and the notice is published in those months."""
    years = set(loaded_years)
    if today.year not in years:
        return today.year
    if today.month >= AWAITED_FROM_MONTH and today.year + 1 not in years:
        return today.year + 1
    return None

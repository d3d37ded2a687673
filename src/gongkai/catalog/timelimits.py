"""Reading the 公开时限 wording of a catalogue row into a machine-checkable TimeLimit.

Domain facts §4.4: the default wording is the formula of 条例 Art. 26 ("信息形成或者变更之日起20个
工作日内，法律法规另有规定的从其规定"); social-assistance catalogues use 10 working days; name lists
put up for comment add a 公示期 (7 working days is common, e.g. 最低生活保障 审核信息 "10个工作日内，
公示7个工作日"; 教师职称评审 "3个工作日内…公示期不少于7个工作日"); other wordings are "及时公开",
"实时公开", "同上".

The reading, in order:

1. a 公示/公告/披露 period counted in working days → ``PUBLICITY_PERIOD`` (days = that period;
   publish_within = the "N个工作日内" the wording also gives, else Art. 26's 20);
2. "N个工作日" → ``WORKDAYS_FROM_FORMATION`` with N;
3. "N日内" / "N天内" / "N个自然日内" (a period in calendar days within which the information is
   published) → ``CALENDAR_DAYS`` with N, unless the wording is periodic or tied to a fixed date
   ("每年…", "按月", "3月31日前"): "经本级人民代表大会…批准后20日内" (预算法 Art. 14), "收到评标报告
   之日起3日内公示" (招标投标法实施条例 Art. 54). Where a law says "日" without "工作日" it means
   calendar days (see gongkai.rules.timeliness);
4. wording without such a number → ``NONE``: "及时/实时/即时/随时/长期/常态/动态", periodic or
   fixed-date wording, and day counts that are not a publication deadline — a minimum duration
   ("公告至少30日", 土地管理法 Art. 47; "征求公众意见期限不得少于30日"; "至提交投标文件截止之日止不得少于
   20日") or a time before a future event ("出让活动开始前至少20日", "采购活动开始前30日"), which a
   record's formation date cannot check. Such an item is not checked automatically; its wording is
   always kept with the item, and nothing is guessed.

Anything else (no number, no known word) is not understood and raises TimeLimitError. This module
has no Django imports.
"""

from __future__ import annotations

import re
import unicodedata

from gongkai.rules.timeliness import ART_26_WORKDAYS, LimitKind, TimeLimit

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")

_WORKDAYS = re.compile(r"(\d+)个?工作日")
_PUBLICITY = re.compile(
    r"(?:公示|公告|披露)(?:信息)?(?:期|时间|期限)?(?:为|应当|应|不少于|不得少于|不低于|至少)*(\d+)个?工作日"
)
_NO_NUMBER_WORDS = ("及时", "实时", "即时", "随时", "长期", "常态", "动态", "定期", "每年", "每季", "每月", "每半年",
                    "年度", "季度", "按月", "按季", "同步", "常年", "持续", "立即")
_CALENDAR = re.compile(r"\d+个?(?:日|天|月|年)")
# "20日内", "3天内", "20个自然日内": a deadline in calendar days ("个工作日内" never matches: 工作
# stands between the number and 日).
_CALENDAR_DAYS_WITHIN = re.compile(r"(\d+)个?(?:自然)?(?:日|天)(?:以)?内")
_PERIODIC_WORDS = ("每年", "每季", "每月", "每半年", "每周", "按月", "按季", "按年", "定期", "次月", "次年")
_FIXED_DATE = re.compile(r"\d+月\d+日")


class TimeLimitError(ValueError):
    """The 公开时限 wording cannot be read; the message is Chinese and fit to show the user."""


def _cn_to_int(text: str) -> int:
    """二十 → 20, 十五 → 15, 七 → 7, 一百二十 → 120 (numbers as written in official wording)."""
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current


def normalise(text: str) -> str:
    """Fold full-width digits and letters, write Chinese numerals as digits, drop spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CN_NUMBER.sub(lambda m: str(_cn_to_int(m.group(0))), text)
    return re.sub(r"\s+", "", text)


def parse_time_limit(wording: str) -> TimeLimit:
    """The TimeLimit a 公开时限 wording states (see the module docstring for the rules).

    >>> parse_time_limit("信息形成或者变更之日起20个工作日内")
    TimeLimit(kind=<LimitKind.WORKDAYS_FROM_FORMATION: 'workdays'>, days=20, publish_within=20)

    Raises TimeLimitError for empty or unreadable wording.
    """
    text = normalise(wording)
    if not text:
        raise TimeLimitError("公开时限为空")
    publicity = _PUBLICITY.search(text)
    workdays = [m for m in _WORKDAYS.finditer(text) if publicity is None or m.start(1) != publicity.start(1)]
    if publicity:
        within = int(workdays[0].group(1)) if workdays else ART_26_WORKDAYS
        return TimeLimit(LimitKind.PUBLICITY_PERIOD, days=int(publicity.group(1)), publish_within=within)
    if workdays:
        return TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, days=int(workdays[0].group(1)))
    calendar_days = _CALENDAR_DAYS_WITHIN.search(text)
    if calendar_days and not any(word in text for word in _PERIODIC_WORDS) and not _FIXED_DATE.search(text):
        return TimeLimit(LimitKind.CALENDAR_DAYS, days=int(calendar_days.group(1)))
    if any(word in text for word in _NO_NUMBER_WORDS) or _CALENDAR.search(text):
        return TimeLimit(LimitKind.NONE)
    raise TimeLimitError(
        f"无法识别公开时限“{wording.strip()}”：应写明工作日数（如“信息形成或者变更之日起20个工作日内”"
        f"“公示7个工作日”）或“及时公开”等"
    )


def describe(limit: TimeLimit) -> str:
    """Short Chinese description of a TimeLimit, for lists and the inspect screens."""
    if limit.kind == LimitKind.WORKDAYS_FROM_FORMATION:
        return f"{limit.days}个工作日内公开"
    if limit.kind == LimitKind.PUBLICITY_PERIOD:
        return f"{limit.publish_within}个工作日内公开，公示{limit.days}个工作日"
    if limit.kind == LimitKind.CALENDAR_DAYS:
        return f"{limit.days}日内公开（自然日）"
    return "无明确时限（不自动校验）"

"""rules.holiday_notice: the State Council's annual holiday notice, pasted as text.

The notices below are our transcriptions of the festival items of 《国务院办公厅关于YYYY年部分节假日
安排的通知》 as published on www.gov.cn: 2023 (国办发明电〔2022〕16号), 2024 (国办发明电〔2023〕7号),
2025 (国办发明电〔2024〕12号), 2026 (国办发明电〔2025〕7号). Each must give, day by day, the same
working days as the `chinesecalendar` package, which the calendar was seeded from."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.rules.calendar_seed import package_days
from gongkai.rules.holiday_notice import parse_notice
from gongkai.rules.workdays import HOLIDAY, WORKDAY, CalendarError, WorkCalendar, is_workday

NOTICES = {
    2023: """国务院办公厅关于2023年部分节假日安排的通知
国办发明电〔2022〕16号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2023年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。""",
    2024: """一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。""",
    2025: """一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。""",
    2026: """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。""",
}


def working_days(year: int, days) -> list[dt.date]:
    cal = WorkCalendar.build([year], [(d, k) for d, k, _n in days if d.year == year])
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(n) for n in range(366 if year % 4 == 0 else 365)
            if is_workday(first + dt.timedelta(n), cal)]


@pytest.mark.parametrize("year", sorted(NOTICES))
@pytest.mark.parametrize("one_line", [False, True], ids=["as-published", "pasted-on-one-line"])
def test_each_notice_gives_the_official_working_days(year, one_line):
    text = NOTICES[year].replace("\n", "") if one_line else NOTICES[year]
    parsed = parse_notice(year, text)
    assert working_days(year, parsed.triples()) == working_days(year, package_days()[year])
    assert len(parsed.festivals) in (6, 7)


def test_the_2026_days_named_and_typed():
    parsed = parse_notice(2026, NOTICES[2026])
    by_date = {d.date: (d.kind, d.name) for d in parsed.days}
    assert by_date[dt.date(2026, 2, 15)] == (HOLIDAY, "春节") and by_date[dt.date(2026, 2, 23)] == (HOLIDAY, "春节")
    assert by_date[dt.date(2026, 2, 14)] == (WORKDAY, "春节") and by_date[dt.date(2026, 9, 20)] == (WORKDAY, "国庆节")
    assert sum(1 for d in parsed.days if d.kind == HOLIDAY) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert [d.date for d in parsed.days] == sorted(d.date for d in parsed.days)


def test_a_new_year_holiday_starting_in_december_is_set_apart():
    parsed = parse_notice(2023, NOTICES[2023])
    assert [(d.date, d.kind) for d in parsed.other_years] == [(dt.date(2022, 12, 31), HOLIDAY)]
    assert all(d.date.year == 2023 for d in parsed.days)
    assert parsed.days[0].date == dt.date(2023, 1, 1)


def test_the_encouragement_to_rest_on_new_years_eve_is_no_holiday():
    parsed = parse_notice(2024, NOTICES[2024])
    assert dt.date(2024, 2, 9) not in {d.date for d in parsed.days}


@pytest.mark.parametrize("year, text, message", [
    # Last year's notice pasted as next year's: the printed weekdays give it away.
    (2027, NOTICES[2026], "通知写1月1日是周四，但2027年1月1日是周五；请核对粘贴的是否为2027年的通知"),
    (2026, "三、清明节：4月4日（周六）至6日（周一）放假，共4天。", "通知写共4天"),
    (2026, "二、春节：2月15日至23日放假调休，共9天。2月16日（周一）上班。", "周一"),
    (2026, "二、春节：2月30日放假。", "2026年2月30日不是有效日期"),
    (2026, "国务院办公厅关于2026年部分节假日安排的通知", "没有读到2026年的任何放假或上班日期"),
    (2026, "", "没有读到2026年"),
    (2026, "一、元旦：1月1日至3日放假调休，共3天。二、春节：1月3日放假。", "都出现"),
    (2026, "四、劳动节：5月9日（周六）上班。5月1日至4月5日放假。", "不合理"),
])
def test_what_cannot_be_read_with_certainty_is_refused(year, text, message):
    with pytest.raises(CalendarError) as exc:
        parse_notice(year, text)
    assert message in str(exc.value)


@pytest.mark.parametrize("today, loaded, expected", [
    (dt.date(2026, 10, 31), {2026}, None),            # next year's not yet awaited
    (dt.date(2026, 11, 1), {2026}, 2027),             # from 1 November
    (dt.date(2026, 12, 7), {2025, 2026}, 2027),
    (dt.date(2026, 12, 7), {2026, 2027}, None),       # loaded
    (dt.date(2027, 1, 4), {2026}, 2027),              # this year's missing: needed at once
    (dt.date(2027, 3, 1), {2026, 2027}, None),
])
def test_which_year_is_missing(today, loaded, expected):
    from gongkai.rules.holiday_notice import missing_year

    assert missing_year(today, loaded) == expected

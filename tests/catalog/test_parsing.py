"""Pure parsing: 公开时限 wording → TimeLimit, and the 公开渠道和载体 cell (domain facts §4.3–4.4)."""

import pytest

from gongkai.catalog.channels import (
    CHANNEL_CODES,
    CHANNELS,
    ChannelError,
    format_channels,
    parse_channels,
    validate_channels,
)
from gongkai.catalog.timelimits import TimeLimitError, describe, parse_time_limit
from gongkai.rules.timeliness import LimitKind, TimeLimit

WD, PUB, NONE = LimitKind.WORKDAYS_FROM_FORMATION, LimitKind.PUBLICITY_PERIOD, LimitKind.NONE
CAL = LimitKind.CALENDAR_DAYS


@pytest.mark.parametrize("wording, expected", [
    # Art. 26 formula and its variants
    ("信息形成或者变更之日起20个工作日内", TimeLimit(WD, 20)),
    ("信息形成或者变更之日起20个工作日内公开，法律法规另有规定的从其规定", TimeLimit(WD, 20)),
    ("自信息形成（变更）之日起二十个工作日内", TimeLimit(WD, 20)),
    ("１０个工作日内", TimeLimit(WD, 10)),
    ("10个工作日内", TimeLimit(WD, 10)),
    ("10 个 工作日内", TimeLimit(WD, 10)),
    ("作出行政处罚决定之日起7个工作日内", TimeLimit(WD, 7)),
    ("自收到批准文件之日起十五个工作日内发布征收土地公告", TimeLimit(WD, 15)),
    # publicity periods (公示期), with and without their own publication limit
    ("公示7个工作日", TimeLimit(PUB, 7, publish_within=20)),
    ("公示期不少于7个工作日", TimeLimit(PUB, 7, publish_within=20)),
    ("公示期为七个工作日", TimeLimit(PUB, 7, publish_within=20)),
    ("信息制作或者获取之日起10个工作日内，公示7个工作日", TimeLimit(PUB, 7, publish_within=10)),
    ("信息形成或者变更之日起3个工作日内公开，公示期不少于7个工作日", TimeLimit(PUB, 7, publish_within=3)),
    ("预公告时间不少于10个工作日", TimeLimit(PUB, 10, publish_within=20)),
    ("正式披露信息时间不少于20个工作日", TimeLimit(PUB, 20, publish_within=20)),
    # no checkable working-day number: kept as wording only
    ("及时公开", TimeLimit(NONE)),
    ("实时", TimeLimit(NONE)),
    ("实时公开", TimeLimit(NONE)),
    ("长期公开", TimeLimit(NONE)),
    ("每年3月31日前", TimeLimit(NONE)),
    ("在拟征收土地所在的乡（镇）和村、村民小组范围内公告至少30日", TimeLimit(NONE)),  # a duration
    ("征求公众意见期限不得少于30日", TimeLimit(NONE)),
    ("出让活动开始前至少20日发布", TimeLimit(NONE)),  # before a future event
    ("原则上不得晚于采购活动开始前30日公开", TimeLimit(NONE)),
    ("依法及时发布；自招标文件开始发出之日起至提交投标文件截止之日止不得少于20日", TimeLimit(NONE)),
    ("每月结束后10日内", TimeLimit(NONE)),  # periodic: tied to the calendar, not to formation
    ("每年6月30日内", TimeLimit(NONE)),
    # calendar days (预算法 Art. 14; 招标投标法实施条例 Art. 54)
    ("经本级人民代表大会或者其常务委员会批准后20日内", TimeLimit(CAL, 20)),
    ("本级财政部门批复之日起二十日内", TimeLimit(CAL, 20)),
    ("收到评标报告之日起3日内公示，公示期不得少于3日", TimeLimit(CAL, 3)),
    ("批准后15天内", TimeLimit(CAL, 15)),
    ("形成之日起20个自然日内", TimeLimit(CAL, 20)),
    ("批复后20日以内", TimeLimit(CAL, 20)),
    # working days win over calendar days in the same wording
    ("项目计划确定之日起10个工作日内公告，公示期不少于10天", TimeLimit(WD, 10)),
    ("20个工作日内（预算公开不超过20日内）", TimeLimit(WD, 20)),
])
def test_time_limit_wording(wording, expected):
    assert parse_time_limit(wording) == expected


@pytest.mark.parametrize("wording", ["", "   ", "按程序办理", "同上", "abc"])
def test_unreadable_time_limits_are_errors_not_guesses(wording):
    with pytest.raises(TimeLimitError) as info:
        parse_time_limit(wording)
    assert "公开时限" in str(info.value)


def test_describe():
    assert describe(TimeLimit(WD, 10)) == "10个工作日内公开"
    assert describe(TimeLimit(PUB, 7, publish_within=10)) == "10个工作日内公开，公示7个工作日"
    assert describe(TimeLimit(CAL, 20)) == "20日内公开（自然日）"
    assert describe(TimeLimit(NONE)).startswith("无明确时限")


def test_the_thirteen_standard_channels_in_order():
    assert [c.label for c in CHANNELS] == [
        "政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点", "政务服务中心",
        "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送", "其他"]
    assert len(set(CHANNEL_CODES)) == 13


def test_channel_text_round_trip_in_canonical_order():
    text = "■政府网站 □政府公报 ■政务服务中心 □社区/企事业单位/村公示栏（电子屏） ■其他（公共资源交易平台）"
    channels, other = parse_channels(text)
    assert channels == {"website": "required", "gazette": "optional", "service_centre": "required",
                        "notice_board": "optional", "other": "required"}
    assert other == "公共资源交易平台"
    assert format_channels(channels, other) == text
    # order of the cell does not matter; output is canonical
    assert format_channels(*parse_channels("□政府公报\n■政府网站")) == "■政府网站 □政府公报"


def test_channel_spellings_and_domain_platforms():
    channels, other = parse_channels("■ 政府网站、□两微一端；■村（居）务公开栏 ■公共资源交易平台 □投资项目在线审批监管平台")
    assert channels == {"website": "required", "new_media": "optional", "notice_board": "required",
                        "other": "required"}
    assert other == "公共资源交易平台、投资项目在线审批监管平台"
    assert parse_channels("☑政府网站 ☐政府公报")[0] == {"website": "required", "gazette": "optional"}


@pytest.mark.parametrize("text, message", [
    ("", "公开渠道和载体为空"),
    ("政府网站", "缺少■（必选）或□（可选）标记"),
    ("■", "后缺少渠道名称"),
])
def test_bad_channel_cells(text, message):
    with pytest.raises(ChannelError, match=message):
        parse_channels(text)


def test_validate_channels():
    assert validate_channels({"other": "optional", "website": "required"}) == {"website": "required",
                                                                               "other": "optional"}
    with pytest.raises(ChannelError, match="未知的公开渠道"):
        validate_channels({"fax": "required"})
    with pytest.raises(ChannelError, match="必选或可选"):
        validate_channels({"website": "maybe"})
    with pytest.raises(ChannelError, match="至少选择一个"):
        validate_channels({})

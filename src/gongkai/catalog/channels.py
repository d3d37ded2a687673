"""The 公开渠道和载体 (disclosure channels and carriers) of the standard catalogues.

Domain facts §4.3: the column is a checkbox list in which ■ marks a mandatory channel and □ an
optional one (legend printed in fsxf.gov.cn); the 13 standard options, in this order, are 政府网站,
政府公报, 两微一端, 发布会/听证会, 广播电视, 纸质媒体, 公开查阅点, 政务服务中心, 便民服务站, 入户/现场,
社区/企事业单位/村公示栏（电子屏）, 精准推送, 其他 (xilinhaote.gov.cn, fsxf.gov.cn, gaizhou.gov.cn).
Some catalogues add domain-specific channels (投资项目在线审批监管平台, 公共资源交易平台, 征地信息公开
平台); they are kept as the wording of the 其他 channel ("■其他（公共资源交易平台）").

This module is the one statement of that list. It has no Django imports: the standard data, the
models, the XLSX reader/writer and the admin forms all use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class ChannelMark(StrEnum):
    REQUIRED = "required"  # ■ 必选
    OPTIONAL = "optional"  # □ 可选

    @property
    def symbol(self) -> str:
        return "■" if self is ChannelMark.REQUIRED else "□"

    @property
    def label(self) -> str:
        return "必选" if self is ChannelMark.REQUIRED else "可选"


@dataclass(frozen=True)
class Channel:
    code: str
    label: str


CHANNELS: tuple[Channel, ...] = (
    Channel("website", "政府网站"),
    Channel("gazette", "政府公报"),
    Channel("new_media", "两微一端"),
    Channel("press_hearing", "发布会/听证会"),
    Channel("broadcast", "广播电视"),
    Channel("print", "纸质媒体"),
    Channel("reading_room", "公开查阅点"),
    Channel("service_centre", "政务服务中心"),
    Channel("service_station", "便民服务站"),
    Channel("on_site", "入户/现场"),
    Channel("notice_board", "社区/企事业单位/村公示栏（电子屏）"),
    Channel("targeted_push", "精准推送"),
    Channel("other", "其他"),
)
CHANNEL_CODES: tuple[str, ...] = tuple(c.code for c in CHANNELS)
CHANNEL_LABELS: dict[str, str] = {c.code: c.label for c in CHANNELS}
OTHER = "other"

_SYMBOLS = {"■": ChannelMark.REQUIRED, "☑": ChannelMark.REQUIRED, "▣": ChannelMark.REQUIRED,
            "□": ChannelMark.OPTIONAL, "☐": ChannelMark.OPTIONAL}
_SPLIT = re.compile(r"([■☑▣□☐])")


class ChannelError(ValueError):
    """The channel text cannot be read; the message is Chinese and fit to show the user."""


def _key(label: str) -> str:
    """Comparison key of a channel label: width-folded, without spaces, separators unified."""
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", text)
    text = text.replace("、", "/").replace("／", "/").replace("（", "(").replace("）", ")")
    return text


_BY_KEY: dict[str, str] = {}
for _channel in CHANNELS:
    _BY_KEY[_key(_channel.label)] = _channel.code
# Spellings seen in county catalogues for the same standard options.
for _alias, _code in {
    "社区/企事业单位/村公示栏": "notice_board",
    "社区/企事业单位/村公示栏(电子屏)": "notice_board",
    "村(居)务公开栏": "notice_board",
    "公示栏": "notice_board",
    "发布会/听证会": "press_hearing",
    "新闻发布会/听证会": "press_hearing",
    "入户/现场": "on_site",
    "入户现场": "on_site",
    "政府网站": "website",
    "政务网站": "website",
    "两微一端(政务微博、微信、客户端)": "new_media",
    "便民服务站(点)": "service_station",
    "政务服务中心(大厅)": "service_centre",
}.items():
    _BY_KEY[_key(_alias)] = _code


def validate_channels(channels: dict[str, str]) -> dict[str, str]:
    """Check a channel dict (code → "required"/"optional"); returns it in canonical order.

    Raises ChannelError for an unknown code or mark, or when no channel is marked at all (every
    catalogue item is published somewhere)."""
    unknown = [code for code in channels if code not in CHANNEL_LABELS]
    if unknown:
        raise ChannelError(f"未知的公开渠道：{'、'.join(unknown)}")
    bad = [code for code, mark in channels.items() if mark not in ChannelMark.__members__.values()]
    if bad:
        raise ChannelError(f"公开渠道“{CHANNEL_LABELS[bad[0]]}”的标记应为必选或可选")
    if not channels:
        raise ChannelError("至少选择一个公开渠道和载体")
    return {code: str(channels[code]) for code in CHANNEL_CODES if code in channels}


def format_channels(channels: dict[str, str], other: str = "") -> str:
    """The catalogue cell text, channels in canonical order: "■政府网站 □两微一端 ■其他（…）".
    Channels not in ``channels`` are absent and not listed."""
    parts = []
    for channel in CHANNELS:
        mark = channels.get(channel.code)
        if mark is None:
            continue
        label = channel.label
        if channel.code == OTHER and other:
            label = f"{label}（{other}）"
        parts.append(ChannelMark(mark).symbol + label)
    return " ".join(parts)


def parse_channels(text: str) -> tuple[dict[str, str], str]:
    """Read a catalogue cell such as "■政府网站 □政府公报 ■政务服务中心" into (channels, other).

    Labels follow the symbols ■ (mandatory) or □ (optional); separators between entries (spaces,
    line breaks, 、，；) are ignored. A label outside the 13 standard options (for example
    "公共资源交易平台") becomes the wording of 其他, keeping the table's information. Raises
    ChannelError when the text has no mark, or a label has no mark before it."""
    text = (text or "").strip()
    if not text:
        raise ChannelError("公开渠道和载体为空")
    pieces = _SPLIT.split(text)
    if pieces[0].strip(" \t\r\n、，,；;"):
        raise ChannelError(f"公开渠道“{pieces[0].strip()}”前缺少■（必选）或□（可选）标记")
    channels: dict[str, str] = {}
    others: list[str] = []
    other_mark: ChannelMark | None = None
    for symbol, raw in zip(pieces[1::2], pieces[2::2], strict=True):
        label = raw.strip(" \t\r\n\u3000、，,；;")
        if not label:
            raise ChannelError(f"标记“{symbol}”后缺少渠道名称")
        mark = _SYMBOLS[symbol]
        code = _BY_KEY.get(_key(label))
        if code is None:
            match = re.fullmatch(r"其他[（(:：]?(.*?)[）)]?", label)
            wording = match.group(1).strip() if match else label
            if wording:
                others.append(wording)
            other_mark = ChannelMark.REQUIRED if ChannelMark.REQUIRED in (mark, other_mark) else mark
            continue
        previous = channels.get(code)
        channels[code] = ChannelMark.REQUIRED if ChannelMark.REQUIRED in (mark, previous) else mark
    if other_mark is not None:
        previous = channels.get(OTHER)
        channels[OTHER] = ChannelMark.REQUIRED if ChannelMark.REQUIRED in (other_mark, previous) else other_mark
    return {code: str(channels[code]) for code in CHANNEL_CODES if code in channels}, "、".join(others)

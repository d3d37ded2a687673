"""One row of a 基层政务公开标准目录, as plain data (no Django imports).

The standard data files, the XLSX reader and writer and the services all speak ``ItemRow``; the
models store the same fields (``gongkai.catalog.models.ItemFields``). The fields follow the standard
column layout of domain facts §4.3: 一级事项, 二级事项, 公开内容（要素）, 公开依据, 公开时限, 公开主体,
公开渠道和载体, 公开对象 (全社会 / 特定群体), 公开方式 (主动 / 依申请), 公开层级 (县级 / 乡级); the
国办发〔2019〕54号 minimum (事项名称、内容、依据、时限、主体、方式、渠道、公开对象, §4.1) is the
required subset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from gongkai.catalog.channels import ChannelError, validate_channels
from gongkai.catalog.timelimits import TimeLimitError, parse_time_limit
from gongkai.rules.timeliness import TimeLimit

# Column labels, in the order of the standard layout (§4.3).
FIELD_LABELS: dict[str, str] = {
    "level1": "一级事项",
    "level2": "二级事项",
    "content": "公开内容（要素）",
    "basis": "公开依据",
    "time_limit_text": "公开时限",
    "subject": "公开主体",
    "channels": "公开渠道和载体",
    "audience_public": "全社会",
    "audience_specific": "特定群体",
    "mode_proactive": "主动",
    "mode_on_request": "依申请",
    "level_county": "县级",
    "level_township": "乡级",
}
TEXT_FIELDS = ("level1", "level2", "content", "basis", "time_limit_text", "subject")
FLAG_FIELDS = ("audience_public", "audience_specific", "mode_proactive", "mode_on_request", "level_county",
               "level_township")
MAX_LENGTHS = {"level1": 100, "level2": 200, "time_limit_text": 500, "subject": 300, "other_channels": 200}
# Every field a catalogue item stores from its row (the TimeLimit columns are derived).
ROW_FIELDS = (*TEXT_FIELDS, "channels", "other_channels", *FLAG_FIELDS)


@dataclass
class ItemRow:
    level1: str
    level2: str
    content: str
    basis: str
    time_limit_text: str
    subject: str
    channels: dict[str, str] = field(default_factory=dict)
    other_channels: str = ""
    audience_public: bool = False
    audience_specific: bool = False
    mode_proactive: bool = False
    mode_on_request: bool = False
    level_county: bool = False
    level_township: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """An item is identified within its area by 一级事项 and 二级事项."""
        return (self.level1, self.level2)

    @property
    def time_limit(self) -> TimeLimit:
        return parse_time_limit(self.time_limit_text)

    def as_dict(self) -> dict:
        return asdict(self)


def row_errors(row: ItemRow) -> dict[str, list[str]]:
    """Chinese messages for each field of ``row`` that a catalogue item cannot hold; empty if valid.

    Required: 一级事项, 公开内容, 公开依据, 公开时限 (readable, see timelimits), 公开主体, at least one
    channel, at least one 公开对象 and one 公开方式 (国办发〔2019〕54号 minimum, §4.1), and at least one
    公开层级."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in TEXT_FIELDS:
        value = getattr(row, name)
        if name != "level2" and not value.strip():
            add(name, f"{FIELD_LABELS[name]}不能为空")
    for name, limit in MAX_LENGTHS.items():
        value = getattr(row, name)
        if len(value) > limit:
            add(name, f"{FIELD_LABELS.get(name, '其他渠道')}不能超过{limit}字（现为{len(value)}字）")
    if row.time_limit_text.strip():
        try:
            parse_time_limit(row.time_limit_text)
        except TimeLimitError as exc:
            add("time_limit_text", str(exc))
    try:
        validate_channels(row.channels)
    except ChannelError as exc:
        add("channels", str(exc))
    if not (row.audience_public or row.audience_specific):
        add("audience_public", "公开对象至少选择“全社会”或“特定群体”之一")
    if not (row.mode_proactive or row.mode_on_request):
        add("mode_proactive", "公开方式至少选择“主动”或“依申请”之一")
    if not (row.level_county or row.level_township):
        add("level_county", "公开层级至少选择“县级”或“乡级”之一")
    return errors

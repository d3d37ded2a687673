"""The 政府信息公开指南 of one body, built from its data.

Art. 12 of the 条例 (国务院令第711号): the guide states how information is classified and arranged,
how to obtain it, and the 政府信息公开工作机构's name, address, office hours, phone, fax and internet
contact. It must be kept current (Art. 53(二)), so it is generated on every request from ``Body``
rather than stored as text. The statutory prose lives in ``portal/body_guide.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Body, BodyKind
from gongkai.portal.selectors import place_name

# 《条例》第二十条: information every administrative organ discloses proactively (statutory wording).
ART20_ITEMS = (
    _("行政法规、规章和规范性文件"),
    _("机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"),
    _("国民经济和社会发展规划、专项规划、区域规划及相关政策"),
    _("国民经济和社会发展统计信息"),
    _("办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"),
    _("实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定"),
    _("财政预算、决算信息"),
    _("行政事业性收费项目及其依据、标准"),
    _("政府集中采购项目的目录、标准及实施情况"),
    _("重大建设项目的批准和实施情况"),
    _("扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"),
    _("突发公共事件的应急预案、预警信息及应对情况"),
    _("环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"),
    _("公务员招考的职位、名额、报考条件等事项以及录用结果"),
    _("法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"),
)

# 《条例》第二十一条: additional items for county governments and their departments, and for 乡（镇）.
ART21_COUNTY = _("市政建设、公共服务、公益事业、土地征收、房屋征收、治安管理、社会救助等方面的政府信息")
ART21_TOWNSHIP = _(
    "贯彻落实农业农村政策、农田水利工程建设运营、农村土地承包经营权流转、宅基地使用情况审核、"
    "土地征收、房屋征收、筹资筹劳、社会救助等方面的政府信息"
)

# Arrangement (编排体系): by subject and by document type, as on the 政府信息公开 column.
TOPICS = (
    _("综合政务"),
    _("国民经济管理"),
    _("财政、审计"),
    _("自然资源"),
    _("农业农村、水利"),
    _("工业、交通"),
    _("商贸、旅游"),
    _("市场监管"),
    _("安全生产、应急管理"),
    _("城乡建设、住房"),
    _("生态环境"),
    _("教育、科技"),
    _("文化、体育"),
    _("卫生健康"),
    _("民政、社会救助"),
    _("人力资源和社会保障"),
    _("公安、司法"),
    _("其他"),
)
DOCUMENT_TYPES = (
    _("规范性文件"),
    _("决定"),
    _("公告、通告"),
    _("意见"),
    _("通知、通报"),
    _("批复、函"),
    _("规划计划"),
    _("统计信息"),
    _("政策解读"),
    _("其他"),
)

MISSING = _("暂未提供")


@dataclass(frozen=True)
class Contact:
    label: str
    value: str
    href: str = ""
    missing: bool = False


@dataclass(frozen=True)
class Guide:
    body: Body
    place: str  # the county's place name, e.g. 青山县
    office_name: str
    local_scope: str
    contacts: tuple[Contact, ...]
    review_authority: str
    art20_items: tuple = ART20_ITEMS
    topics: tuple = TOPICS
    document_types: tuple = DOCUMENT_TYPES

    @property
    def is_township(self) -> bool:
        return self.body.kind == BodyKind.TOWNSHIP

    @property
    def is_county(self) -> bool:
        return self.body.kind == BodyKind.COUNTY


def _contact(label, value: str, scheme: str = "") -> Contact:
    value = value.strip()
    if not value:
        return Contact(str(label), str(MISSING), missing=True)
    return Contact(str(label), value, f"{scheme}{''.join(value.split())}" if scheme else "")


def build(body: Body, county: Body | None = None) -> Guide:
    """The guide of ``body`` (a county, department or township) in ``county`` (looked up if not
    given). Missing contacts read 暂未提供."""
    county = county or body.get_county() or body
    place = place_name(county)
    office_name = body.disclosure_office.strip() or body.name
    # 行政复议法 (2023) Art. 24: the county government reviews acts of its departments and of the
    # townships; acts of the county government itself go to the government one level up.
    review_authority = _("上一级人民政府") if body.kind == BodyKind.COUNTY else f"{place}人民政府"
    return Guide(
        body=body,
        place=place,
        office_name=office_name,
        local_scope=ART21_TOWNSHIP if body.kind == BodyKind.TOWNSHIP else ART21_COUNTY,
        contacts=(
            _contact(_("机构名称"), body.disclosure_office),
            _contact(_("办公地址"), body.address),
            _contact(_("邮政编码"), body.postcode),
            _contact(_("办公时间"), body.office_hours),
            _contact(_("联系电话"), body.phone, "tel:"),
            _contact(_("传真"), body.fax),
            _contact(_("电子邮箱"), body.email, "mailto:"),
        ),
        review_authority=str(review_authority),
    )

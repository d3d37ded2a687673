"""What of the villages app reaches the public, for the privacy gate (privacy.public_sources):
村务公开目录 postings (the posting service checks the text before saving; photos cannot be read
and are confirmed by the clerk) and 惠民惠农补贴 notices with their year summaries (the notice
service checks the notice as the public page and the printable 公示表 show it)."""

from __future__ import annotations

from gongkai.privacy.public_sources import PublicSource, TextPart, register_route, register_source

POSTING = "villages.posting"
SUBSIDY_NOTICE = "villages.subsidy_notice"


def posting_parts(posting) -> list[TextPart]:
    parts = [TextPart("标题", posting.title, field="title"), TextPart("公开内容", posting.text, field="text")]
    if posting.pk:
        parts += [TextPart("照片说明", photo.alt_text) for photo in posting.photos.all() if photo.alt_text]
    return parts


def notice_parts(notice) -> list[TextPart]:
    """The notice as the public reads it: the village's 公示表 of the year (masked rows, the
    supervision phone, the correction note, the year summary), read from its HTML."""
    from gongkai.villages.notices import render_html
    from gongkai.villages.selectors import village_years

    parts = [TextPart(f"{year.village.name}{year.year}年补贴公示表", render_html(year), html=True)
             for year in village_years(notice.year, village=notice.village)]
    return parts + [TextPart("监督电话", notice.supervision_phone), TextPart("更正说明", notice.correction_reason)]


def register() -> None:
    from gongkai.core.models import Body, BodyKind
    from gongkai.villages.models import CataloguePosting, Notice, NoticeStatus

    def villages(county):
        return Body.objects.filter(kind=BodyKind.VILLAGE, path__startswith=county.path)

    register_source(PublicSource(
        key=POSTING, label="村务公开目录事项的公开内容",
        parts=posting_parts,
        live=lambda county: CataloguePosting.objects.filter(item__catalogue__village__in=villages(county))
        .select_related("item__catalogue__village"),
        body=lambda posting: posting.item.catalogue.village,
        title=lambda posting: posting.title,
    ))
    register_source(PublicSource(
        key=SUBSIDY_NOTICE, label="惠民惠农补贴发放公示（公示表、年度汇总）",
        parts=notice_parts,
        live=lambda county: Notice.objects.filter(village__in=villages(county))
        .exclude(status=NoticeStatus.SUPERSEDED).select_related("village", "programme"),
        body=lambda notice: notice.village,
        title=lambda notice: f"{notice.village.name}{notice.year}年{notice.programme.name}公示",
        contacts=lambda notice: [n.supervision_phone for n in Notice.objects.filter(
            village=notice.village, year=notice.year).exclude(status=NoticeStatus.SUPERSEDED)] + [notice.supervision_phone],
    ))
    page = "gongkai_villages.VillageAffairsIndexPage"
    for route in ("index", "index_route"):  # the column lead, townships and villages by name
        register_route(f"{page}:{route}", "portal.page")
    register_route(f"{page}:township", note="村务公开导航：乡镇、村名和各村最近更新日期，不含个人信息")
    register_route(f"{page}:village", POSTING, SUBSIDY_NOTICE)
    register_route(f"{page}:objection", SUBSIDY_NOTICE, note="对公示提出异议的表单，与村务公开页同显公示内容")
    register_route(f"{page}:board_photo", POSTING,
                   note="公开栏照片：图片无法自动核查，由村务专干在发布时确认不含个人信息，存储时去除元数据")
    register_route(f"{page}:objection_status",
                   note="异议结果查询：凭异议查询码，只显示处理结果、日期和乡镇的答复理由，不显示异议人信息")
    register_route(f"{page}:lookup", note="本人补贴查询：凭姓名和身份证号查询本人记录，只显示本人脱敏信息，有频率限制")

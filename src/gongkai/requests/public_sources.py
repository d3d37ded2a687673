"""What of the requests app reaches the public, for the privacy gate (privacy.public_sources):
the answers a body publishes in 答复选登 (services.publication checks them before they go up)."""

from __future__ import annotations

from gongkai.privacy.public_sources import PublicSource, TextPart, register_route, register_source

ANSWER = "requests.answer"


def answer_parts(case) -> list[TextPart]:
    return [TextPart("公开标题", case.public_title or "", field="public_title"),
            TextPart("答复摘要", case.public_summary or "", field="public_summary")]


def register() -> None:
    from django.urls import reverse

    from gongkai.requests.public import published_answers

    register_source(PublicSource(
        key=ANSWER, label="依申请公开答复选登", parts=answer_parts, live=published_answers,
        body=lambda case: case.body, admin_url=lambda case: reverse("requests_admin:detail", args=[case.pk]),
        title=lambda case: case.public_title,
    ))
    page = "gongkai_requests.RequestIndexPage"
    register_route(f"{page}:index", "portal.page")  # the column lead and the how-to: no applicant's data
    register_route(f"{page}:index_route", "portal.page")
    register_route(f"{page}:apply", note="申请表单：只收集、不显示个人信息（提交后只显示查询码）")
    register_route(f"{page}:status", note="进度查询：凭查询码和手机号/证件号后4位，只显示办理阶段和日期，不显示申请人信息")
    register_route(f"{page}:answers", ANSWER)

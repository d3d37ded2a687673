"""The 依申请公开 column of a county site (RequestIndexPage under 政府信息公开, ``/xxgk/ysqgk/``).

Idempotent, like ``portal.setup.ensure_county_site``: a column that exists (even one editors
changed or unpublished) is left alone.
"""

from __future__ import annotations

from django.db import transaction

from gongkai.portal.models import DisclosureIndexPage, HomePage
from gongkai.requests.models import RequestIndexPage

SLUG = "ysqgk"
TITLE = "依申请公开"
SUMMARY = "在线申请获取政府信息，凭查询码查询办理进度，查阅答复选登"
INTRO = ("<p>公民、法人或者其他组织可以依照《中华人民共和国政府信息公开条例》第二十七条，向县人民政府、"
         "县直部门和乡镇人民政府（街道办事处）申请获取相关政府信息。</p>")


@transaction.atomic
def ensure_request_page(home: HomePage) -> RequestIndexPage | None:
    """Create the column under the site's 政府信息公开 column if missing; return it (None when the
    site has no 政府信息公开 column)."""
    disclosure = DisclosureIndexPage.objects.child_of(home).first()
    if disclosure is None:
        return None
    existing = RequestIndexPage.objects.child_of(disclosure).first()
    if existing is not None:
        return existing
    page = RequestIndexPage(title=TITLE, slug=SLUG, show_in_menus=True, search_description=SUMMARY, intro=INTRO)
    disclosure.add_child(instance=page)
    page.save_revision().publish()
    return page

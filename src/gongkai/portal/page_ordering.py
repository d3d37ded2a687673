"""Reordering pages in the admin tree, without Wagtail's crash on the root page.

Wagtail's ``set_page_position`` view asks the parent of the page to move for permission; the root
page has none, so a request for it (anyone who signs in can send one) ended in HTTP 500 (found by
the scope probe, issue 13). The root is never reordered: it answers 404, and every other page goes
to Wagtail's own view, with its permission check, unchanged.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.ordering import set_page_position as wagtail_set_page_position
from wagtail.models import Page


@require_admin_access
def set_page_position(request, page_to_move_id):
    page = get_object_or_404(Page, id=page_to_move_id)
    if page.is_root():
        raise Http404("根页面没有上级页面，不能调整位置")
    return wagtail_set_page_position(request, page_to_move_id)

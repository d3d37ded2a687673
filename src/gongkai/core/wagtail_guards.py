"""Two Wagtail admin views that answer HTTP 500 to requests anyone signed in can send, wrapped so
that they answer 404 or 400 instead (found by the scope probe, issue 13). Each wrapper is routed
before Wagtail's admin URLs (gongkai/urls.py) and hands every well-formed request to Wagtail's own
view, with its own permission checks, unchanged.

- ``set_page_position``: Wagtail asks the parent of the page to move for permission; the root page
  has none. The root is never reordered: 404.
- ``external_link_chooser``: a POST without the URL field makes Wagtail's URL field call
  ``None.startswith``. The chooser's own form always sends the field: a request without it is 400.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ExternalLinkView
from wagtail.admin.views.pages.ordering import set_page_position as wagtail_set_page_position
from wagtail.models import Page

_external_link = ExternalLinkView.as_view()


@require_admin_access
def set_page_position(request, page_to_move_id):
    page = get_object_or_404(Page, id=page_to_move_id)
    if page.is_root():
        raise Http404("根页面没有上级页面，不能调整位置")
    return wagtail_set_page_position(request, page_to_move_id)


@require_admin_access
def external_link_chooser(request):
    field = f"{ExternalLinkView.form_prefix}-url"
    if request.method == "POST" and field not in request.POST:
        return HttpResponseBadRequest("请填写链接地址".encode(), content_type="text/plain; charset=utf-8")
    return _external_link(request)

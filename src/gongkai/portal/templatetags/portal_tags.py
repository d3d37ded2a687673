"""Template tags of the public site. All read-only: templates never write to the database."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from gongkai.portal import selectors
from gongkai.portal.models import SiteSettings

register = template.Library()


@dataclass(frozen=True)
class Link:
    title: str
    url: str | None
    current: bool = False
    active: bool = False


def _site(request) -> Site | None:
    if request is None:
        return None
    if not hasattr(request, "_portal_site"):
        request._portal_site = Site.find_for_request(request)
    return request._portal_site


@register.simple_tag(takes_context=True)
def portal_settings(context) -> SiteSettings:
    """This site's SiteSettings; an unsaved blank instance if none exist yet (never creates one)."""
    request = context.get("request")
    if request is not None and hasattr(request, "_portal_settings"):
        return request._portal_settings
    site = _site(request)
    found = SiteSettings.objects.select_related("site").filter(site=site).first() if site else None
    found = found or SiteSettings(site=site)
    if request is not None:
        request._portal_settings = found
    return found


@register.simple_tag(takes_context=True)
def portal_nav(context) -> list[Link]:
    """首页 plus the menu pages of the two levels below it (政府信息公开 and its sub-columns)."""
    request = context.get("request")
    site = _site(request)
    if site is None:
        return []
    root = site.root_page
    page = context.get("page")
    here = page.path if isinstance(page, Page) and not context.get("extra_crumb") else None
    under = page.path if isinstance(page, Page) else ""
    pages = list(Page.objects.descendant_of(root).live().in_menu().filter(depth__lte=root.depth + 2))
    # Highlight only the deepest menu entry containing the current page.
    section = max((p.path for p in pages if under.startswith(p.path)), key=len, default=None)
    links = [Link(_("首页"), root.get_url(request), current=here == root.path)]
    for item in pages:
        links.append(Link(item.title, item.get_url(request), current=here == item.path, active=item.path == section))
    return links


@register.simple_tag(takes_context=True)
def portal_breadcrumbs(context) -> list[Link]:
    """Site root → … → current page, then ``extra_crumb`` for routed sub-pages (a body's guide)."""
    request = context.get("request")
    page = context.get("page")
    site = _site(request)
    if site is None or not isinstance(page, Page):
        return []
    root_path = site.root_page.path
    ancestors = page.get_ancestors(inclusive=True).filter(path__startswith=root_path)
    extra = context.get("extra_crumb")
    crumbs = []
    for item in ancestors:
        is_last = item.pk == page.pk and not extra
        title = _("首页") if item.path == root_path else item.title
        crumbs.append(Link(title, None if is_last else item.get_url(request), current=is_last))
    if extra:
        crumbs.append(Link(str(extra), None, current=True))
    return crumbs


@register.simple_tag(takes_context=True)
def guide_url(context, body) -> str | None:
    """``{% guide_url body as url %}``: the body's 政府信息公开指南 on its county site."""
    return selectors.guide_url(body, context.get("request"))


def _proactive_index(context):
    """The county site's 法定主动公开内容 column, cached per request."""
    from gongkai.portal.models import ProactiveIndexPage

    request = context.get("request")
    if request is not None and hasattr(request, "_portal_proactive"):
        return request._portal_proactive
    site = _site(request)
    found = ProactiveIndexPage.objects.descendant_of(site.root_page).live().first() if site else None
    if request is not None:
        request._portal_proactive = found
    return found


@register.simple_tag(takes_context=True)
def record_url(context, record) -> str:
    """Public URL of a published record on this site's 法定主动公开内容 column."""
    column = _proactive_index(context)
    return column.record_url(record, context.get("request")) if column else ""


@register.simple_tag(takes_context=True)
def attachment_url(context, record, attachment) -> str:
    column = _proactive_index(context)
    return column.attachment_url(record, attachment, context.get("request")) if column else ""


@register.simple_tag(takes_context=True)
def body_records_url(context, body) -> str:
    column = _proactive_index(context)
    return column.body_records_url(body, context.get("request")) if column else ""


@register.simple_tag(takes_context=True)
def search_url(context) -> str:
    """The county site's search page (on the 法定主动公开内容 column), or "" when there is none."""
    column = _proactive_index(context)
    return column.search_url(context.get("request")) if column else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied (for pagination links keeping filters)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template; None when the mapping is missing or lacks the key."""
    return mapping.get(key) if hasattr(mapping, "get") else None

"""Out-of-range numbers in URLs (issue 13 §9): every URL pattern and every page route with a number in
it is requested with a number too large for the database, with -1 and with 0, by a superuser (who
gets past every permission check into the view) and by an anonymous visitor. The answer is a 404
(or 400/403, a redirect to sign in), never a 500."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from gongkai.portal.setup import ensure_county_site

HUGE = "99999999999999999999999"
NUMBERS = [HUGE, "-1", "0", str(2**63), str(2**31)]
# Filled with sensible words so that the number is what the view trips on.
WORDS = {"action": "accept", "fmt": "html", "kind": "acceptance", "validity": "expired", "action_name": "approve",
         "app_label": "disclosure", "model_name": "record", "app_name": "portal",
         "content_type_app_name": "portal", "content_type_model_name": "policypage", "filter_spec": "original",
         "code": "x", "uidb64": "MQ", "token": "x", "object_id": "1"}


def _walk(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _substitute(route: str, number: str) -> str | None:
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not any(conv == "int" for conv, _name in params):
        return None
    url = route
    for conv, name in params:
        token = f"<{conv}:{name}>" if conv else f"<{name}>"
        url = url.replace(token, number if conv == "int" else WORDS.get(name, "1"), 1)
    return "/" + url


def number_urls(number: str) -> list[str]:
    urls = [u for u in (_substitute(route, number) for route in _walk()) if u]
    for page in Page.objects.live().specific():
        if isinstance(page, RoutablePageMixin):
            for pattern in page.get_subpage_urls():
                sub = _substitute(str(pattern.pattern), number)
                if sub:
                    urls.append(page.url.rstrip("/") + sub)
    return urls


@pytest.mark.django_db
def test_out_of_range_numbers_in_urls_are_not_found(county, superuser):
    ensure_county_site(county.county)
    anonymous, root = Client(raise_request_exception=False), Client(raise_request_exception=False)
    root.force_login(superuser)
    failures, count = [], 0
    for number in NUMBERS:
        for url in number_urls(number):
            for who, client in (("superuser", root), ("anonymous", anonymous)):
                for method in (client.get, client.post):
                    count += 1
                    status = method(url).status_code
                    if status >= 500:
                        failures.append(f"{who} {method.__name__.upper()} {url} → {status}")
    # Numbers in the query string of every screen without path parameters (pages, filters, years).
    query = "&".join(f"{k}={HUGE}" for k in ("p", "page", "year", "id", "parent", "body", "collection_id", "ordering"))
    for route in _walk():
        if route.startswith("admin/") and "<" not in route and "^" not in route and "failwhale" not in route \
                and "logout" not in route:
            for who, client in (("superuser", root), ("anonymous", anonymous)):
                count += 1
                status = client.get(f"/{route}?{query}").status_code
                if status >= 500:
                    failures.append(f"{who} GET /{route}?{query} → {status}")
    assert count > 500, count
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)

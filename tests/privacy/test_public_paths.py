"""Every public path is registered with the privacy gate (privacy.public_sources): a walk of the URL
patterns and of every route of every page type fails for one that names no source."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import get_page_models

from gongkai.privacy import public_sources


def public_routes() -> set[str]:
    """Route ids of everything the site serves outside the admin: each page type (its own serve,
    or each of its sub-routes) and each URL pattern of urls.py other than the page tree."""
    found = set()
    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            found |= {f"{model._meta.label}:{pattern.name}" for pattern in model.get_subpage_urls()}
        else:
            found.add(model._meta.label)
    for pattern in get_resolver().url_patterns:
        prefix = str(pattern.pattern)
        if prefix.startswith("admin/") or (isinstance(pattern, URLResolver) and prefix == ""):
            continue  # the admin is for signed-in staff; "" is the page tree, walked above
        if isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"url:{pattern.name}")
        else:
            found.add(f"url:{prefix}")
    return found


def test_every_public_route_is_registered_with_the_gate():
    missing = sorted(public_routes() - set(public_sources.routes()))
    assert not missing, f"public paths with no registered source (register them in <app>/public_sources.py): {missing}"


def test_every_registered_route_names_known_sources_or_says_why_it_shows_none():
    known = set(public_sources.sources())
    for route in public_sources.routes().values():
        assert set(route.sources) <= known, route
        assert route.sources or route.note.strip(), route


def test_registered_routes_exist():
    """A route renamed or removed must not leave a stale registration behind."""
    stale = sorted(set(public_sources.routes()) - public_routes())
    assert not stale, stale


def test_the_walk_finds_a_new_unregistered_route(monkeypatch):
    """The walk itself works: a page type with a route nobody registered is reported."""
    from types import SimpleNamespace

    from django.urls import path

    from tests.privacy import test_public_paths as walk

    class NewColumn(RoutablePageMixin):
        _meta = SimpleNamespace(label="interaction.ConsultationPage")

        @classmethod
        def get_subpage_urls(cls):
            return [path("", lambda request: None, name="index"), path("<int:pk>/", lambda request: None, name="comment")]

    models = [*get_page_models(), NewColumn]
    monkeypatch.setattr(walk, "get_page_models", lambda: models)
    missing = walk.public_routes() - set(public_sources.routes())
    assert missing == {"interaction.ConsultationPage:index", "interaction.ConsultationPage:comment"}


def test_the_publicly_reachable_sources_are_the_expected_ones():
    assert set(public_sources.sources()) >= {
        "disclosure.record", "requests.answer", "reports.annual_report", "villages.posting",
        "villages.subsidy_notice", "portal.page", "core.body_profile"}

"""Shared fixtures for browser journeys: headless Chromium (Debian package) driven by Playwright.

Without /usr/bin/chromium, Playwright or axe-core the journeys are skipped locally and fail on CI
(environment variable CI set), so a broken CI image cannot pass silently.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, require_browser


@pytest.fixture(scope="session")
def browser(django_db_setup):
    require_browser()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Inside Playwright's sync API an event loop runs in this thread, so Django's asgiref locals
    # hand out new connection objects: allow their use, and give them the snapshot of migrated
    # data (Wagtail's root page, groups, calendar) that serialized rollbacks restore after a flush.
    snapshots = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in snapshots.items():
                connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(browser, live_server, django_db_serialized_rollback):
    """A fresh page (own context, zh-CN, 1280×900) that records console errors and uncaught
    exceptions in ``page.console_errors``. The live server needs a transactional database; the
    serialized rollback restores what migrations created (Wagtail's root page, groups, calendar)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()

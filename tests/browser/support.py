"""Helpers for browser journeys: where Chromium and axe-core live, and how to run axe."""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
def browser_unavailable() -> str | None:
    """Why browser journeys cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    if not AXE.exists():
        return f"{AXE} not found (npm ci)"
    if find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


def require_browser() -> None:
    """Call at module level: skip the module, or fail it when running on CI."""
    reason = browser_unavailable()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser journeys cannot run on CI: {reason}", pytrace=False)
    pytest.skip(f"browser journeys skipped: {reason}", allow_module_level=True)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current document; return violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the pages' Content-Security-Policy forbids inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    # Let short transitions end first: a message fading in (Wagtail's .messages, 0.5 s) would be
    # measured half-transparent, with a contrast its final colours do not have. (Long or endless
    # animations, such as spinners, are not waited for.)
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime <= 3000)
        .map(a => a.finished.catch(() => null)))""")
    result = page.evaluate("async () => await window.axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5])
    return "\n".join(lines)


def sign_in(browser, base_url: str, username: str, viewport: dict, **options):
    """A fresh browser context signed in to the admin as ``username`` (demo/test password); the
    page collects uncaught script errors in ``page.console_errors``."""
    from tests.conftest import PASSWORD

    context = browser.new_context(locale="zh-CN", viewport=viewport, **options)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page


def enrol_authenticator(page, base_url: str) -> None:
    """On the two-factor enrolment page (an office admin's first sign-in): read the key shown for
    manual entry, send the current code as an authenticator app would, and continue past the
    recovery codes to the dashboard."""
    from base64 import b32decode

    from django_otp.oath import totp

    page.wait_for_url(base_url + "/admin/two-factor/enrol/**", wait_until="load", timeout=20_000)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("验证码").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(base_url + "/admin/two-factor/recovery-codes/", wait_until="load", timeout=20_000)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(base_url + "/admin/", wait_until="load", timeout=20_000)

"""The HTML export in Chromium: axe-core finds no serious or critical violation at 1280 and 320 px,
and the merged header cells are exposed as headers of the data cells."""

from __future__ import annotations

import pytest

from gongkai.reports.exports import to_html
from tests.browser.support import axe_violations, describe
from tests.reports.test_exports import sample_document

# Playwright's sync API allows one driver per thread: this test borrows the session's browser
# (tests/browser/conftest.py) rather than starting a second one while the first is still open.


@pytest.mark.parametrize("width", [1280, 320])
def test_report_html_passes_axe(browser, width):
    html = to_html(sample_document(status="superseded", version=2))
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.set_content(html)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        # The page itself never scrolls sideways at 320 px: wide tables scroll inside their region.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        headers = page.evaluate("""() => {
            const td = [...document.querySelectorAll('td')].find(c => c.headers.includes('t3-withheld.state_secret')
                                                                   && c.headers.includes('t3-c-commercial'));
            return td.headers.split(' ').map(id => document.getElementById(id).textContent);
        }""")
        assert headers == ["申请人情况", "法人或其他组织", "商业企业", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    finally:
        context.close()

"""An information officer picks catalogue items for a new record with the keyboard only: the
chooser lists the officer's body's catalogue, searches it, and the chosen item is kept (issue 14 §2)."""

import pytest
from django.test import Client

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from tests.browser.support import require_browser

require_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_chooses_catalogue_items_by_keyboard(browser_page, live_server, county, make_user):
    from gongkai.catalog.models import StandardArea
    from gongkai.catalog.services.catalogues import adopt_areas

    adopt_areas(SYSTEM, county.dept_a, [StandardArea.objects.get(code="social-assistance")])
    adopt_areas(SYSTEM, county.dept_b, [StandardArea.objects.get(code="compulsory-education")])
    target = county.dept_a.catalogue.items.order_by("pk").last()
    foreign = county.dept_b.catalogue.items.order_by("pk").first()
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    client = Client()
    client.force_login(officer)
    page = browser_page
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/snippets/disclosure/record/add/")
    assert page.locator("select[name=body]").input_value() == str(county.dept_a.pk)  # preselected
    add = page.get_by_role("button", name="添加公开目录事项")
    add.focus()
    page.keyboard.press("Enter")
    search = page.locator("#id_q")
    search.wait_for()
    search.focus()
    page.keyboard.type(target.level2 or target.level1)
    row = page.locator(f"input[type=checkbox][value='{target.pk}']")
    row.wait_for()
    assert page.locator(f"input[type=checkbox][value='{foreign.pk}']").count() == 0
    row.focus()
    page.keyboard.press("Space")
    submit = page.locator("[data-multiple-choice-submit]")
    submit.focus()
    page.keyboard.press("Enter")
    chosen = page.locator(f"[data-gk-catalogue-items] input[type=hidden][value='{target.pk}']")
    chosen.wait_for(state="attached")
    assert target.area.name in page.locator("[data-gk-catalogue-items-list]").inner_text()
    assert page.console_errors == []

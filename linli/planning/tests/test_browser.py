"""A planner runs the health check in the browser and reads coverage, the map and recommended sites."""

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_runs_the_check_and_sees_results(page, make_user, community, elders_near_a_canteen):
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    browser_login(page, admin.mobile)
    page.goto(page.base_url + "/planning/communities/shibei/")
    page.select_option("select[name=profile]", "elder")
    page.select_option("select[name=siting_category]", "kindergarten")
    page.fill("input[name=siting_k]", "1")
    page.click("[data-testid=run-form] button[type=submit]")
    page.wait_for_selector("[data-testid=coverage]")
    assert page.inner_text("[data-testid=index-shibei]").strip() != "—"
    assert page.locator("[data-testid=map] svg").count() == 1
    assert "OpenStreetMap" in page.inner_text("[data-testid=map]")
    assert "老年人（尽量避开台阶）" in page.inner_text("[data-testid=walking]")
    screenshot(page, "planning-community-zh")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("[data-testid=coverage]")
    assert "Where to build next" in page.content()
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("[data-testid=coverage]")
    screenshot(page, "planning-community-en-elder")

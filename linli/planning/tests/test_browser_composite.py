"""A planner sites a 民生坊 (a composite facility) in the browser, on a phone, in elder mode."""

import pytest

from linli.accounts.models import Role
from linli.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_sites_a_minsheng_hub_in_elder_mode(page, make_user, community, elders_near_a_canteen):
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(120_000)
    browser_login(page, admin.mobile)
    page.goto(page.base_url + "/planning/communities/shibei/")
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("[data-testid=run-form]")
    options = page.locator("select[name=siting_category] option").all_inner_texts()
    assert options[-1] == "民生坊（综合）"
    page.select_option("select[name=siting_category]", "minsheng_hub")
    page.fill("input[name=siting_k]", "1")
    page.click("[data-testid=run-form] button[type=submit]")
    page.wait_for_selector("[data-testid=coverage]")
    card = page.locator("[data-testid=siting]")
    text = card.inner_text()
    assert "民生坊（综合）" in text and "综合设施" in text and "老年人日间照料中心" in text
    ARTIFACTS.mkdir(exist_ok=True)
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "planning-minsheng-hub-zh-elder.png"))
    card.screenshot(path=str(ARTIFACTS / "planning-minsheng-hub-card-zh-elder.png"))
    page.click("button[name=language][value=en]")
    page.wait_for_selector("[data-testid=siting]")
    assert "Minsheng hub (composite)" in page.locator("[data-testid=siting]").inner_text()
    page.locator("[data-testid=siting]").screenshot(path=str(ARTIFACTS / "planning-minsheng-hub-card-en-elder.png"))

"""Walked on a phone (390×844) in elder mode: the community admin opens 食堂设置, retires the 80+ rule, adds one paid
by the government subsidy (the street's), and raises a menu's price, confirming: the resident who ordered is told."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen import services
from linli.canteen.models import MealOrder, PriceRule
from linli.conftest import browser_login, make_resident, screenshot
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_admin_sets_a_price_rule_and_changes_a_menu_on_a_phone_in_elder_mode(
    page: Any, community: Any, make_user: Any
) -> None:
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    diner_account = make_user(Role.RESIDENT, community)
    canteen = make_canteen_with_tarhai_rules(community)
    day = timezone.localdate() + dt.timedelta(days=1)
    menu = make_menu(canteen, day)
    diner = make_resident(community, name="王德明", birth=day.replace(year=day.year - 85), user=diner_account)
    services.meal_order_create(actor=diner_account, menu=menu, resident=diner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, admin.mobile)

    page.goto(page.base_url + "/canteen/shibei/setup/")
    assert "食堂设置" in page.inner_text("h1")
    assert fits_the_phone(page)
    screenshot(page, "canteen-setup-elder")
    old = PriceRule.objects.get(canteen=canteen, min_age=80)
    page.click(f"[data-testid=rule-{old.pk}] button")  # 停用
    page.wait_for_load_state()
    assert "价格规则已停用" in page.inner_text(".messages")

    page.click("text=添加价格规则")
    page.wait_for_load_state()
    page.fill("input[name=label]", "80岁以上（街道补贴）")
    page.fill("input[name=min_age]", "80")
    page.fill("input[name=resident_pays]", "1")
    page.select_option("select[name=payer]", "government_subsidy")
    assert fits_the_phone(page)
    screenshot(page, "canteen-price-rule-new-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "价格规则已添加" in page.inner_text(".messages")
    rule = PriceRule.objects.get(label="80岁以上（街道补贴）")
    assert (rule.min_age, rule.resident_fen, rule.payer, rule.active) == (80, 100, "government_subsidy", True)
    assert "政府补贴" in page.inner_text(f"[data-testid=rule-{rule.pk}]")

    page.click(f"[data-testid=setup-menu-{menu.pk}] >> text=修改")
    page.wait_for_load_state()
    page.fill("input[name=price]", "12")
    page.fill("input[name=reason]", "食材涨价")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "1 位居民已订" in page.inner_text("main")  # asked, nothing changed yet
    assert MealOrder.objects.get(resident=diner).status == "ordered"
    assert fits_the_phone(page)
    screenshot(page, "canteen-menu-change-confirm-elder")
    page.click("[data-testid=confirm]")
    page.wait_for_load_state()
    assert "菜单已修改" in page.inner_text(".messages")
    assert MealOrder.objects.get(resident=diner).status == "cancelled"
    assert Notification.objects.filter(user=diner_account, body="食材涨价").exists()
    assert "12" in page.inner_text(f"[data-testid=setup-menu-{menu.pk}]")
    screenshot(page, "canteen-setup-after-elder")

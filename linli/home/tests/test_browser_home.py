"""A 76-year-old on a phone (390×844, elder mode): from the home, a canteen meal in at most 4 taps, points and
why they changed in at most 2, a product bought and its redemption code whole on the screen."""

import datetime as dt
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import make_resident, screenshot
from linli.ledger.models import Merchant, Product
from linli.ledger.tests.conftest import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def elder(community: Any, make_user: Any) -> Any:
    user = make_user(Role.RESIDENT, community)
    user.elder_mode = True  # remembered on the account: no cookie needed
    user.save(update_fields=["elder_mode"])
    return make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), seq=3, user=user)


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    pg = context.new_page()
    pg.set_default_timeout(30_000)  # a loaded CI machine can take a while to start a page
    pg.base_url = live_server.url
    yield pg
    context.close()


class Taps:
    """Clicks counted: each is one tap of the resident's finger."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0

    def __call__(self, selector: str) -> None:
        target = self.page.locator(selector).first
        box = target.bounding_box()
        assert box and box["height"] >= 48, f"{selector} is a small target: {box}"
        target.click()
        self.page.wait_for_load_state()
        self.count += 1


def _login(page: Any, mobile: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=mobile]", mobile)
    page.fill("input[name=password]", "pass-word-123")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.goto(page.base_url + "/")


def _inside_viewport(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    scroll_width = page.evaluate(f"document.querySelector('{selector}').scrollWidth")
    client_width = page.evaluate(f"document.querySelector('{selector}').clientWidth")
    assert scroll_width <= client_width, (scroll_width, client_width)  # nothing hidden past its own edge
    return box


def test_the_home_is_in_elder_mode_with_a_compact_header_and_tiles(phone, elder):
    _login(phone, elder.user.mobile)
    assert phone.evaluate("document.documentElement.classList.contains('elder')")
    header = phone.locator("header.top").bounding_box()
    screenshot(phone, "home-elder-phone")
    assert header["height"] / PHONE["height"] < 0.12, header  # it took 28 % before
    for tile in ("canteen", "report", "points", "shop", "services", "activities", "roundtable", "notices", "me"):
        box = phone.locator(f"[data-testid=tile-{tile}]").bounding_box()
        assert box["height"] >= 48 and box["x"] + box["width"] <= PHONE["width"], (tile, box)
    assert phone.locator("[data-testid=nav-me]").is_visible()
    Taps(phone)("[data-testid=nav-me]")
    assert phone.locator("[data-testid=me-points]").is_visible()
    screenshot(phone, "home-me")


def test_a_canteen_meal_is_booked_from_the_home_in_four_taps_at_most(phone, elder):
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu

    make_menu(make_canteen_with_tarhai_rules(elder.community), dt.date.today() + dt.timedelta(days=1))
    _login(phone, elder.user.mobile)
    tap = Taps(phone)
    tap("[data-testid=tile-canteen]")
    tap("form.price-who button")
    assert tap.count <= 4
    assert phone.locator("[data-testid^=order-]").count() == 1
    screenshot(phone, "home-canteen-booked")


def test_points_and_why_they_changed_are_two_taps_away_at_most(phone, elder):
    fund(elder, 25)
    _login(phone, elder.user.mobile)
    assert "25" in phone.inner_text("[data-testid=tile-points-balance]")
    tap = Taps(phone)
    tap("[data-testid=tile-points]")
    assert tap.count <= 2
    assert phone.inner_text("[data-testid=points-balance]") == "25"
    reason = phone.inner_text("[data-testid=reason]")
    assert "志愿服务" in reason and "volunteer" not in reason.lower() and "获得积分" not in reason
    _inside_viewport(phone, "[data-testid=statement]")
    screenshot(phone, "home-points-why")


def test_a_product_is_bought_after_one_confirmation_and_its_code_is_whole_on_the_screen(phone, elder, community):
    merchant = Merchant.objects.create(
        community=community, name="小北鲜市", status=Merchant.Status.APPROVED, applied_at="2026-01-01T00:00:00+08:00"
    )
    greens = Product.objects.create(merchant=merchant, community=community, name="青菜一把", price_points=10, stock=9)
    eggs = Product.objects.create(
        merchant=merchant, community=community, name="土鸡蛋", price_points=5, price_fen=500, stock=9
    )
    fund(elder, 25)
    _login(phone, elder.user.mobile)
    tap = Taps(phone)
    tap("[data-testid=tile-shop]")
    assert phone.inner_text(f"[data-testid=price-{eggs.pk}]") == "¥5.00 + 5 积分"
    assert "入驻" not in phone.content()  # no merchant sign-up in a resident's shop
    screenshot(phone, "home-shop")
    tap(f"[data-testid=buy-{greens.pk}]")
    assert phone.inner_text("[data-testid=after]") == "15 积分"
    tap("[data-testid=confirm-buy]")
    code = phone.inner_text("[data-testid=order-code]").strip()
    assert len(code) == 10
    box = _inside_viewport(phone, "[data-testid=order-code]")
    assert box["height"] < 60, box  # ten digits on one line on a 390 px phone, even in elder mode
    qr = _inside_viewport(phone, "[data-testid=order-qr] svg")
    assert qr["width"] >= 150
    screenshot(phone, "home-order-code")

    phone.goto(phone.base_url + f"/ledger/shop/{eggs.pk}/order/")
    assert "¥5.00 + 5 积分" in phone.inner_text("[data-testid=pay-online]")  # paid through linli.payments
    assert phone.locator("[data-testid=confirm-buy]").count() == 0
    screenshot(phone, "home-pay-online")

    phone.goto(phone.base_url + "/ledger/")
    assert "青菜一把" in phone.inner_text("[data-testid=statement]")

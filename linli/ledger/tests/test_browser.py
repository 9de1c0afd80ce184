import pytest

from linli.conftest import browser_login, screenshot

from .conftest import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_redeems_a_product_and_the_merchant_confirms_it(page, shopper, product, merchant, merchant_user):
    fund(shopper, 25)
    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/ledger/shop/")
    page.click(f"[data-testid=buy-{product.pk}]")
    page.wait_for_load_state()
    page.click("[data-testid=confirm-buy]")  # spending asks once
    page.wait_for_load_state()
    code = page.inner_text("[data-testid=order-code]").strip()
    assert len(code) == 10
    screenshot(page, "ledger-my-orders")
    page.goto(page.base_url + "/ledger/")
    assert page.inner_text("[data-testid=points-balance]") == "15"
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    screenshot(page, "ledger-my-points-elder")

    page.context.clear_cookies()
    browser_login(page, merchant_user.mobile)
    page.goto(page.base_url + f"/ledger/merchant/{merchant.pk}/")
    page.fill("input[name=code]", code)
    page.click("[data-testid=redeem]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=unsettled]") == "10"
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Redemption code" in page.content()
    screenshot(page, "ledger-merchant-en")

    page.context.clear_cookies()
    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/ledger/orders/")
    assert "已核销" in page.inner_text("[data-testid=order-status]") or "Redeemed" in page.inner_text(
        "[data-testid=order-status]"
    )

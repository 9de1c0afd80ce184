"""Walked on a phone (390×844) in elder mode: the books keeper allows stored value up to ¥100; a resident tops up
¥20 through the gateway (QR page, wallet, notification), pays a ¥5 + 5 积分 product from the balance and reads the
balance and its history under 我的."""

import pytest

from linli.conftest import browser_login, screenshot
from linli.ledger.models import Order
from linli.payments.models import Payment

from .conftest import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_tops_up_at_the_gateway_and_pays_from_the_balance(page, shopper, yuan_product, users, community):
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60_000)
    browser_login(page, users["community_admin"].mobile)
    page.goto(page.base_url + f"/payments/c/{community.code}/stored-value/")
    page.check("input[name=enabled]")
    page.fill("input[name=limit]", "100")
    page.click("[data-testid=stored-value-save]")
    page.wait_for_load_state()
    assert "已保存" in page.content()

    page.context.clear_cookies()
    fund(shopper, 20)
    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/accounts/me/")
    page.click("[data-testid=me-elder-on]")
    page.wait_for_load_state()
    page.click("[data-testid=me-balance]")
    page.wait_for_load_state()
    page.fill("input[name=topup-amount]", "20")
    page.click("[data-testid=topup]")
    page.wait_for_load_state()
    assert "¥20.00" in page.inner_text("[data-testid=amount]")
    assert page.locator("[data-testid=payment-qr] svg").count() == 1
    page.click("[data-testid=open-wallet]")  # what the phone's wallet shows after scanning
    page.wait_for_load_state()
    page.click("[data-testid=wallet-confirm]")  # the gateway notifies the platform, which credits the balance
    page.wait_for_load_state()
    assert "已支付" in page.inner_text("[data-testid=payment-status]")
    page.click("[data-testid=see-balance]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=balance]") == "¥20.00"

    page.goto(page.base_url + f"/ledger/shop/{yuan_product.pk}/order/")
    assert "¥20.00" in page.inner_text("[data-testid=balance-covers]")
    screenshot(page, "stored-value-order-elder")
    assert fits(page)
    page.click("[data-testid=pay-from-balance]")  # ¥5.00 + 5 积分, no gateway
    page.wait_for_load_state()
    order = Order.objects.get(resident=shopper)
    assert len(page.inner_text("[data-testid=order-code]").strip()) == 10 and order.fen == 500
    assert not Payment.objects.filter(order=order).exists()

    page.goto(page.base_url + "/payments/balance/")
    assert page.inner_text("[data-testid=balance]") == "¥15.00"
    history = page.inner_text("[data-testid=balance-history]")
    assert "在线充值" in history and "手工豆腐" in history and "-¥5.00" in history
    screenshot(page, "stored-value-balance-elder")
    assert fits(page)

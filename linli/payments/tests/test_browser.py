import pytest

from linli.conftest import browser_login, screenshot
from linli.payments.models import Payment

from .conftest import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_pays_yuan_and_points_online_and_an_operator_takes_cash(
    page, shopper, yuan_product, merchant, merchant_user, operator, community
):
    fund(shopper, 20)
    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/ledger/")
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    page.goto(page.base_url + f"/ledger/shop/{yuan_product.pk}/order/")
    page.click("[data-testid=pay-online]")  # ¥5.00 + 5 积分
    page.wait_for_load_state()
    assert "¥5.00" in page.inner_text("[data-testid=amount]")
    assert page.locator("[data-testid=payment-qr] svg").count() == 1
    screenshot(page, "payments-qr-elder")
    page.click("[data-testid=open-wallet]")  # what the phone's wallet shows after scanning
    page.wait_for_load_state()
    screenshot(page, "payments-wallet-elder")
    page.click("[data-testid=wallet-confirm]")  # the gateway notifies the platform, which places the order
    page.wait_for_load_state()
    assert "已支付" in page.inner_text("[data-testid=payment-status]")
    page.click("[data-testid=see-order]")
    page.wait_for_load_state()
    code = page.inner_text("[data-testid=order-code]").strip()
    assert len(code) == 10
    screenshot(page, "payments-order-code-elder")

    page.context.clear_cookies()
    browser_login(page, merchant_user.mobile)
    page.goto(page.base_url + f"/ledger/merchant/{merchant.pk}/")
    page.fill("input[name=code]", code)
    page.click("[data-testid=redeem]")
    page.wait_for_load_state()

    page.context.clear_cookies()
    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/ledger/orders/")
    assert "已核销" in page.inner_text("[data-testid=order-status]")

    page.context.clear_cookies()
    browser_login(page, operator.mobile)
    page.goto(page.base_url + f"/payments/c/{community.code}/counter/")
    page.fill("input[name=resident]", shopper.name)
    page.select_option("select[name=product]", str(yuan_product.pk))
    page.select_option("select[name=method]", "cash")
    screenshot(page, "payments-counter")
    page.click("[data-testid=counter-take]")
    page.wait_for_load_state()
    receipt = Payment.objects.get(provider="counter").receipt_no
    assert page.inner_text("[data-testid=receipt-no]") == receipt
    page.goto(page.base_url + f"/payments/c/{community.code}/cashup/")
    assert "¥5.00" in page.inner_text("[data-testid=cashup-cash]")
    screenshot(page, "payments-cashup")

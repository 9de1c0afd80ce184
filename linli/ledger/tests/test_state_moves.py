"""Every state move of an order decides on the locked row: an order object read before someone else moved it on
(a resident's cancel page opened before the merchant redeemed) is refused, in the user's language, and moves
nothing."""

from typing import Any

import pytest
from django.utils import translation

from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger import services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Merchant, Order, Product, Transaction

from .conftest import fund

pytestmark = pytest.mark.django_db


def books() -> tuple[Any, ...]:
    return Transaction.objects.count(), Entry.objects.count(), tuple(Product.objects.values_list("stock", flat=True))


@pytest.mark.parametrize(("language", "words"), [("en", "redeemed"), ("zh-hans", "核销")])
def test_a_resident_cannot_cancel_an_order_redeemed_since_they_read_it(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any, language: str, words: str
) -> None:
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    stale = Order.objects.get(pk=order.pk)  # the resident's view: paid, to redeem
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    before = books()
    with translation.override(language), pytest.raises(Conflict) as refused:
        services.order_refund(actor=shopper.user, order=stale, reason="cancelled")
    assert words in str(refused.value.message)
    assert books() == before
    held = Order.objects.get(pk=order.pk)
    assert held.status == Order.Status.REDEEMED and held.refund_id is None
    assert services.resident_account(shopper).balance == 40 and services.merchant_account(merchant).balance == 10
    check = ledger_check()
    assert check.ok, check.problems


def test_the_merchant_still_refunds_a_redeemed_order(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any
) -> None:
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    stale = Order.objects.get(pk=order.pk)
    services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    refunded = services.order_refund(actor=merchant_user, order=stale, reason="wilted")
    assert refunded.status == Order.Status.REFUNDED and refunded.redemption_id is not None
    assert services.resident_account(shopper).balance == 50 and services.merchant_account(merchant).balance == 0
    check = ledger_check()
    assert check.ok, check.problems


def test_a_merchant_suspended_since_it_was_read_cannot_redeem(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any
) -> None:
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="o")
    stale = Merchant.objects.get(pk=merchant.pk)  # approved when the page was opened
    Merchant.objects.filter(pk=merchant.pk).update(status=Merchant.Status.SUSPENDED)
    before = books()
    with pytest.raises(NotAllowed):
        services.order_redeem(actor=merchant_user, merchant=stale, code=order.code)
    assert books() == before
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@pytest.mark.parametrize("change", ["product off sale", "merchant suspended"])
def test_an_order_of_a_product_taken_off_sale_since_it_was_read_is_refused(
    shopper: Any, product: Product, merchant: Merchant, change: str
) -> None:
    fund(shopper, 50)
    stale = Product.objects.select_related("merchant").get(pk=product.pk)  # the shop page: on sale
    if change == "product off sale":
        Product.objects.filter(pk=product.pk).update(active=False)
    else:
        Merchant.objects.filter(pk=merchant.pk).update(status=Merchant.Status.SUSPENDED)
    before = books()
    with pytest.raises(DomainError) as refused:
        services.order_place(actor=shopper.user, resident=shopper, product=stale, idempotency_key="late")
    assert refused.value.code == "not_on_sale"
    assert books() == before and not Order.objects.exists()
    assert services.resident_account(shopper).balance == 50

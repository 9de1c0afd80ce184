"""On PostgreSQL, with real concurrent transactions: a notification booked once however often it comes, and a
cancel racing the payment ends in one payment or one closed trade, never both."""

from typing import Any

import pytest

from linli.core.errors import Conflict
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Order, Transaction
from linli.ledger.tests.test_concurrency import run_threads
from linli.payments import services
from linli.payments.models import GatewayTrade, Payment, Refund
from linli.payments.providers import ProviderError
from linli.payments.providers.simulated import SimulatedGateway

from .conftest import notification, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_notification_delivered_ten_times_at_once_books_one_payment(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment)

    results = run_threads(10, lambda i: services.notification_receive(provider="simulated", body=body, headers=headers))

    assert not [r for r in results if isinstance(r, Exception)], results
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert Order.objects.filter(resident=shopper).count() == 1
    assert Transaction.objects.filter(idempotency_key=f"payment:{payment.out_trade_no}").count() == 1
    yuan_product.refresh_from_db()
    assert yuan_product.stock == 9
    assert ledger_check().ok, ledger_check().problems


@pytest.mark.parametrize("round_", range(2))
def test_a_cancel_racing_the_wallet_ends_in_one_payment_or_one_closed_trade(
    shopper: Any, yuan_product: Any, round_: int
) -> None:
    payment = start(shopper, yuan_product)

    def work(i: int) -> Any:
        if i == 0:  # the payer confirms; the gateway's notification follows (tasks run at once in tests)
            return SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
        return services.payment_cancel(actor=shopper.user, payment=payment)

    results = run_threads(2, work)

    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, Conflict | ProviderError), r
    payment.refresh_from_db()
    trade = GatewayTrade.objects.get(out_trade_no=payment.out_trade_no, out_refund_no="")
    orders = Order.objects.filter(resident=shopper).count()
    if payment.status == Payment.Status.PAID:
        assert trade.state == GatewayTrade.State.SUCCESS and orders == 1 and payment.transaction_id is not None
        assert isinstance(results[1], Conflict)
    else:
        assert payment.status == Payment.Status.CLOSED
        assert trade.state == GatewayTrade.State.CLOSED and orders == 0 and payment.transaction_id is None
        assert isinstance(results[0], ProviderError)
    assert not Refund.objects.exists()  # never both a payment and its refund
    assert ledger_check().ok, ledger_check().problems


def test_cancelling_the_order_racing_a_late_duplicate_notification_refunds_once(
    shopper: Any, yuan_product: Any
) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment)
    services.notification_receive(provider="simulated", body=body, headers=headers)
    payment.refresh_from_db()
    order = payment.order

    def work(i: int) -> Any:
        if i % 2 == 0:
            return ledger.order_refund(actor=shopper.user, order=order, reason="不要了")
        return services.notification_receive(provider="simulated", body=body, headers=headers)

    results = run_threads(6, work)

    assert not [r for r in results if isinstance(r, Exception)], results
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_fen == 500
    assert Refund.objects.filter(payment=payment).count() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    assert ledger_check().ok, ledger_check().problems

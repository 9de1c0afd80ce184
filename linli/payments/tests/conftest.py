from typing import Any

import pytest

from linli.accounts.models import Role
from linli.ledger.models import Product
from linli.ledger.tests.conftest import fund, key, merchant, merchant_user, shopper  # noqa: F401
from linli.payments import services
from linli.payments.models import Payment
from linli.payments.providers.simulated import SimulatedGateway

__all__ = ["fund", "key"]


@pytest.fixture
def yuan_product(merchant: Any) -> Product:  # noqa: F811
    """¥5 + 5 积分."""
    return Product.objects.create(
        merchant=merchant, community=merchant.community, name="手工豆腐", price_points=5, price_fen=500, stock=10
    )


@pytest.fixture
def operator(make_user: Any, community: Any) -> Any:
    return make_user(Role.OPERATOR, community)


def start(shopper: Any, product: Product, quantity: int = 1) -> Payment:  # noqa: F811
    fund(shopper, 100)
    return services.payment_start(actor=shopper.user, resident=shopper, product=product, quantity=quantity)


def notification(payment: Payment, amount: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The gateway's signed notification that `payment` was paid (the trade is marked paid at the gateway)."""
    gateway = SimulatedGateway()
    trade = gateway.trade(payment.out_trade_no)
    assert trade is not None
    trade.state = trade.State.SUCCESS
    trade.finished_at = payment.created_at
    if amount is not None:
        trade.amount_fen = amount
    trade.save()
    body, headers = gateway.notification_of(trade, "TRANSACTION.SUCCESS")
    return body.encode(), headers

"""A purchase, its redemption and its refund are the marketplace's busiest writes: each is counted in statements
(the transaction's begin and commit, here savepoints, included) so that none grows unnoticed. On PostgreSQL each
step is one call of its function; on SQLite the step is written row by row, so its counts are higher."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.ledger import services
from linli.ledger.models import Order, Product
from linli.ledger.services import marketplace
from linli.notifications.models import Notification

from .conftest import fund, key

pytestmark = pytest.mark.django_db

# On PostgreSQL each step is one call of its function (migration ledger/0010), the staff member checked in it, here
# in a savepoint; outside any transaction the savepoint's two statements go (`test_market_functions`).
# On SQLite: place: begin, the stock taken (the product locked), the accounts, the posting, the order, its audit
# row, commit. redeem: the staff member checked, begin, the merchant locked, the order locked (with its product and
# resident), the resident told, the accounts, the posting (with its audit row), the order marked, commit.
# refund (by the staff, of the order as it was placed): the staff member checked, begin, the order locked, the
# right checked again (the order was redeemed since), the resident told, the accounts, the posting (with its audit
# row), the order marked, commit.
STATEMENTS = {
    "postgresql": {"place": 3, "redeem": 3, "refund": 3},
    "sqlite": {"place": 10, "redeem": 13, "refund": 13},
}


def statements(run: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, len(captured)


def test_a_purchase_its_redemption_and_its_refund_each_cost_a_fixed_number_of_statements(
    shopper, product, merchant, merchant_user
):
    fund(shopper, 100)
    ceiling = STATEMENTS[connection.vendor]

    def cycle() -> dict[str, int]:
        order, place = statements(
            lambda: services.order_place(
                actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o")
            )
        )
        _redeemed, redeem = statements(
            lambda: services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
        )
        refunded, refund = statements(lambda: services.order_refund(actor=merchant_user, order=order, reason="坏了"))
        assert refunded.status == Order.Status.REFUNDED
        return {"place": place, "redeem": redeem, "refund": refund}

    cycle()  # the first purchase opens the escrow and merchant accounts
    counts = cycle()
    grown = {step: n for step, n in counts.items() if n > ceiling[step]}
    assert not grown, f"statements per step {counts}, pinned at {ceiling}"
    # what the fewer statements do is all done: the points are back with the resident (the goods were handed
    # over, so the stock is not), and the resident was told of both redemptions and both refunds
    assert Product.objects.get(pk=product.pk).stock == 998
    assert services.resident_account(shopper).balance == 100
    assert Notification.objects.filter(user=shopper.user).count() == 4


def test_a_code_already_given_is_drawn_again(shopper, product, monkeypatch):
    fund(shopper, 100)
    first = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    codes = iter([first.code, "1234567890"])
    monkeypatch.setattr(marketplace, "_new_code", lambda: next(codes))
    second = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    assert second.code == "1234567890"
    assert Product.objects.get(pk=product.pk).stock == 998
    assert services.resident_account(shopper).balance == 80
    assert Order.objects.filter(resident=shopper).count() == 2

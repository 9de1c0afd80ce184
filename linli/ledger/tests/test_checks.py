"""`ledger_check` proves more than balances: each order's state has the postings it needs for its amounts (and
none it must not have), and so do settlements, donations, grant tranches, project reports and volunteer hours."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from linli.conftest import make_resident
from linli.ledger import services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Merchant, Order, Product, Transaction, TransactionKind, Unit
from linli.ledger.services import marketplace, posting

from .conftest import fund, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def trading(
    community: Any, other_community: Any, shopper: Any, product: Product, merchant: Merchant, merchant_user: Any, users
) -> dict[str, Any]:
    """A day at the market, as the demo has it: orders paid, redeemed, cancelled by the resident before
    redemption, refunded by the merchant after it, one across communities, points and yuan, and a settlement."""
    fund(shopper, 500)
    neighbour = make_resident(other_community, name="王建国", seq=3, user=None)
    fund(neighbour, 100)
    place = lambda who, p=product, n=1: services.order_place(  # noqa: E731
        actor=who.user, resident=who, product=p, quantity=n, idempotency_key=key("o")
    )
    paid = place(shopper)
    redeemed = place(shopper, n=2)
    services.order_redeem(actor=merchant_user, merchant=merchant, code=redeemed.code)
    cancelled = place(shopper)
    services.order_refund(actor=shopper.user, order=cancelled)
    returned = place(shopper)
    services.order_redeem(actor=merchant_user, merchant=merchant, code=returned.code)
    services.order_refund(actor=merchant_user, order=Order.objects.get(pk=returned.pk), reason="wilted")
    across = services.order_place(actor=None, resident=neighbour, product=product, idempotency_key=key("x"))
    services.order_redeem(actor=merchant_user, merchant=merchant, code=across.code)
    services.money_transfer(
        community=community,
        from_account=services.external_account(community),
        to_account=services.resident_account(shopper, Unit.FEN),
        amount_fen=1000,
        idempotency_key=key("cash"),
        memo="",
        kind="deposit",
    )
    tea = Product.objects.create(
        merchant=merchant, community=community, name="茶叶", price_points=5, price_fen=300, stock=10
    )
    both = place(shopper, p=tea)
    services.order_redeem(actor=merchant_user, merchant=merchant, code=both.code)
    services.merchant_settle(actor=users["community_admin"], merchant=merchant, idempotency_key=key("s"))
    return {"paid": paid, "redeemed": redeemed, "cancelled": cancelled, "returned": returned, "both": both}


def test_a_demo_like_market_passes(trading: dict[str, Any], capsys: Any) -> None:
    check = ledger_check()
    assert check.ok, check.problems
    assert check.orders == 6
    call_command("ledger_check")
    assert "6 orders agree with their postings" in capsys.readouterr().out


def _refund_as_the_race_left_it(order: Order, actor: Any) -> None:
    """What a resident's cancel racing the merchant's redemption wrote before the fix: a balanced refund out of
    the merchant's account, by the resident, on an order already redeemed."""
    legs = marketplace._negate(
        marketplace._order_legs(order.resident, order.merchant, {"points": order.points}, "merchant")
    )
    with transaction.atomic():
        txn = posting._post(
            community=order.community,
            kind=TransactionKind.REFUND,
            key=f"refund:{order.pk}",
            fingerprint="race",
            legs=legs,
            actor=actor,
            now=timezone.now(),
        )
        Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED, refund=txn, refunded_at=timezone.now())


def test_an_order_redeemed_and_then_cancelled_by_its_resident_is_reported(
    trading: dict[str, Any], shopper: Any
) -> None:
    order = Order.objects.get(pk=trading["paid"].pk)
    services.order_redeem(actor=order.merchant.staff.first(), merchant=order.merchant, code=order.code)
    order.refresh_from_db()
    _refund_as_the_race_left_it(order, shopper.user)
    check = ledger_check()
    # every balance still matches its entries: only the states and postings tell
    assert not [p for p in check.problems if p.startswith(("account", "transaction"))]
    assert check.problems == [
        f"order {order.pk} was both redeemed and refunded (cancelled by the resident after redemption)"
    ]
    with pytest.raises(Exception, match="does NOT balance"):
        call_command("ledger_check")


def test_states_without_their_postings_are_reported(trading: dict[str, Any]) -> None:
    paid, redeemed, cancelled, both = (trading[k] for k in ("paid", "redeemed", "cancelled", "both"))
    # a redeemed order that lost its redemption, a paid order marked redeemed without one
    Order.objects.filter(pk=redeemed.pk).update(redemption=None)
    Order.objects.filter(pk=paid.pk).update(status=Order.Status.REDEEMED)
    # a refunded order without its reversal
    Order.objects.filter(pk=cancelled.pk).update(refund=None)
    # an order whose payment is some other transaction (an earning of the right size)
    earning = Transaction.objects.filter(kind=TransactionKind.EARN).first()
    Order.objects.filter(pk=both.pk).update(payment=earning)
    problems = "\n".join(ledger_check().problems)
    assert f"order {redeemed.pk}: redeemed_at and its redemption posting disagree" in problems
    assert f"order {redeemed.pk} is redeemed but has no redemption posting" in problems
    assert f"order {paid.pk} is redeemed but has no redemption posting" in problems
    assert f"order {cancelled.pk} is refunded but has no refund posting" in problems
    assert f"order {both.pk}: its payment {earning.pk} is a earn, not an order payment" in problems


def test_amounts_that_disagree_with_the_postings_are_reported(trading: dict[str, Any]) -> None:
    redeemed, returned = trading["redeemed"], trading["returned"]
    Order.objects.filter(pk=redeemed.pk).update(points=redeemed.points + 5)  # settled at the old amount
    Order.objects.filter(pk=returned.pk).update(fen=1)
    problems = "\n".join(ledger_check().problems)
    assert f"order {redeemed.pk} payment: transaction {redeemed.payment_id} moves -20 points" in problems
    assert f"order {redeemed.pk} redemption" in problems
    assert "settlement" in problems and "order(s) hold" in problems
    assert f"order {returned.pk} refund" in problems and "expected +1" in problems


def test_a_settled_order_refunded_is_reported(trading: dict[str, Any]) -> None:
    redeemed = Order.objects.get(pk=trading["redeemed"].pk)
    assert redeemed.settlement_id is not None
    Order.objects.filter(pk=redeemed.pk).update(status=Order.Status.PAID, redemption=None, redeemed_at=None)
    problems = "\n".join(ledger_check().problems)
    assert f"order {redeemed.pk} is settled with the merchant but is paid" in problems


def test_volunteer_hours_and_fund_postings_are_checked(community: Any, resident: Any, users: Any) -> None:
    from linli.volunteering.models import Activity, ActivityType, ServiceRecord, SignUp

    fund(resident, 30)
    earning = Transaction.objects.get(kind=TransactionKind.EARN)
    starts = timezone.now() - dt.timedelta(days=1)
    activity = Activity.objects.create(
        community=community,
        type=ActivityType.objects.create(community=community, name="志愿服务"),
        title="清扫",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=5,
        organiser=users["social_worker"],
    )
    signup = SignUp.objects.create(activity=activity, resident=resident, status="confirmed", created_at=starts)
    record = ServiceRecord.objects.create(
        community=community,
        signup=signup,
        activity=activity,
        resident=resident,
        minutes=120,
        served_on=starts.date(),
        status="confirmed",
        points=30,
        earning=earning,
    )
    assert ledger_check().ok, ledger_check().problems
    ServiceRecord.objects.filter(pk=record.pk).update(points=40, status="pending")
    problems = "\n".join(ledger_check().problems)
    assert f"volunteer hours {record.pk} earned points but are pending" in problems
    assert f"volunteer hours {record.pk}: 40 points shown but the earning moves 30" in problems

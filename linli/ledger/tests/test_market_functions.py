"""What a purchase, its redemption and its refund write is the same whichever path writes it (on PostgreSQL one
function a step, migration ledger/0010; on SQLite, and on PostgreSQL when a step is refused, the services row by
row): the resident told in their own language, each posting audited with its order and legs, the keys and
fingerprints of the redemption and the refund, and a refusal that leaves the books and the stock as they were."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from linli.audit.models import AuditEntry
from linli.core.errors import NotAllowed
from linli.ledger import services
from linli.ledger.models import Entry, Merchant, Order, Product, Transaction
from linli.ledger.services.posting import InsufficientBalance, _fingerprint
from linli.notifications.models import Notification

from .conftest import fund, key


def cycle(shopper: Any, product: Product, merchant: Merchant, merchant_user: Any) -> tuple[Order, Order, Order]:
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    redeemed = services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    refunded = services.order_refund(actor=merchant_user, order=order, reason="坏了")
    return order, redeemed, refunded


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans", ""])
def test_the_resident_is_told_in_their_own_language(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any, language: str
) -> None:
    shopper.user.language = language
    shopper.user.save(update_fields=["language"])
    fund(shopper, 50)
    with translation.override("en" if language != "en" else "zh-hans"):  # the staff's language is not theirs
        cycle(shopper, product, merchant, merchant_user)
    with translation.override(language or "zh-hans"):
        expected = [
            (_("Redeemed: %(product)s") % {"product": product.name}, merchant.name, "/market/orders/"),
            (_("Refunded: %(product)s") % {"product": product.name}, "坏了", "/ledger/"),
        ]
    told = Notification.objects.filter(user=shopper.user).order_by("pk")
    assert [(n.title, n.body, n.url) for n in told] == expected
    assert all(n.community_id == shopper.community_id for n in told)


@pytest.mark.django_db
def test_a_resident_cancelling_their_own_order_is_not_told_of_it(shopper: Any, product: Product) -> None:
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    refunded = services.order_refund(actor=shopper.user, order=order, reason="")
    assert refunded.status == Order.Status.REFUNDED and refunded.refunded_at is not None
    assert not Notification.objects.filter(user=shopper.user).exists()
    assert Product.objects.get(pk=product.pk).stock == 1000
    assert Transaction.objects.get(pk=refunded.refund_id).memo == f"{product.merchant.name} · {product.name}"


@pytest.mark.django_db
def test_each_step_audits_its_posting_with_the_order_and_its_legs(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any
) -> None:
    fund(shopper, 50)
    order, redeemed, refunded = cycle(shopper, product, merchant, merchant_user)
    steps = [
        ("order.place", order.payment_id, {"order": order.pk}, shopper.user.pk),
        ("order.redeem", redeemed.redemption_id, {"order": order.pk}, merchant_user.pk),
        ("order.refund", refunded.refund_id, {"order": order.pk, "reason": "坏了"}, merchant_user.pk),
    ]
    for action, txn_id, details, actor in steps:
        legs = [
            {"account": e.account_id, "unit": e.unit, "amount": e.amount}
            for e in Entry.objects.filter(transaction_id=txn_id).order_by("pk")
        ]
        row = AuditEntry.objects.get(action=action, object_id=str(txn_id))
        assert row.object_type == "ledger.transaction"
        assert row.actor_id == actor and row.community_id == merchant.community_id
        assert row.after == {**details, "legs": legs}
    memos = list(Transaction.objects.filter(pk__in=[s[1] for s in steps]).order_by("pk").values_list("memo", flat=True))
    assert memos == [f"{merchant.name} · {product.name} × 1", f"{merchant.name} · {product.name}", "坏了"]


@pytest.mark.django_db
def test_the_redemption_and_the_refund_are_keyed_by_their_order(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any
) -> None:
    fund(shopper, 50)
    order, redeemed, refunded = cycle(shopper, product, merchant, merchant_user)
    for op, txn_id in (("redeem", redeemed.redemption_id), ("refund", refunded.refund_id)):
        txn = Transaction.objects.get(pk=txn_id)
        assert txn.idempotency_key == f"{op}:{order.pk}"
        assert txn.fingerprint == _fingerprint(op=op, order=order.pk)
    held = Order.objects.get(pk=order.pk)
    assert (held.status, held.redemption_id, held.refund_id) == (
        Order.Status.REFUNDED,
        redeemed.redemption_id,
        refunded.refund_id,
    )
    assert held.redeemed_by_id == merchant_user.pk and held.redeemed_at == redeemed.redeemed_at


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_order_the_resident_cannot_afford_takes_no_stock_and_moves_nothing(
    shopper: Any, product: Product, language: str
) -> None:
    fund(shopper, 25)
    before = (Transaction.objects.count(), Entry.objects.count(), AuditEntry.objects.count(), Order.objects.count())
    with translation.override(language), pytest.raises(InsufficientBalance) as refused:
        services.order_place(
            actor=shopper.user, resident=shopper, product=product, quantity=3, idempotency_key=key("o")
        )
    assert ("Not enough" if language == "en" else "不足") in str(refused.value.message)
    assert "25" in str(refused.value.message) and "30" in str(refused.value.message)
    after = (Transaction.objects.count(), Entry.objects.count(), AuditEntry.objects.count(), Order.objects.count())
    assert after == before
    assert Product.objects.get(pk=product.pk).stock == 1000
    assert services.resident_account(shopper).balance == 25


# Outside any transaction (as the pages and the API call them) each step on PostgreSQL is one statement, the staff
# member checked in it: no BEGIN, no COMMIT (the actor's roles read once before, as a page reads them anyway).
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the functions are PostgreSQL's")
def test_outside_a_transaction_each_step_is_one_statement(
    shopper: Any, product: Product, merchant: Merchant, merchant_user: Any
) -> None:
    fund(shopper, 50)
    cycle(shopper, product, merchant, merchant_user)  # the first purchase opens the escrow and merchant accounts
    with CaptureQueriesContext(connection) as place:
        order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    with CaptureQueriesContext(connection) as redeem:
        services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
    with CaptureQueriesContext(connection) as refund:
        services.order_refund(actor=merchant_user, order=order, reason="坏了")
    counts = {"place": len(place), "redeem": len(redeem), "refund": len(refund)}
    assert counts == {"place": 1, "redeem": 1, "refund": 1}
    assert services.resident_account(shopper).balance == 50
    assert Product.objects.get(pk=product.pk).stock == 998


@pytest.mark.django_db
def test_someone_not_on_the_merchants_staff_can_neither_redeem_nor_refund(
    shopper: Any, product: Product, merchant: Merchant, make_user: Any
) -> None:
    fund(shopper, 50)
    order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
    outsider = make_user()

    def state() -> tuple[int, int, int]:
        return Transaction.objects.count(), Notification.objects.count(), Product.objects.get(pk=product.pk).stock

    before = state()
    with pytest.raises(NotAllowed):
        services.order_redeem(actor=outsider, merchant=merchant, code=order.code)
    with pytest.raises(NotAllowed):
        services.order_refund(actor=outsider, order=order, reason="")
    assert state() == before
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID

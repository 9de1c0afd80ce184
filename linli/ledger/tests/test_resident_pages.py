"""What a resident reads in the ledger: prices in yuan then points, why each points line moved, a confirm step
before spending, the yuan part paid online (or at the shop without a payment provider), the redemption code with
its QR code."""

from typing import Any

import pytest

from linli.conftest import client_for, make_resident
from linli.ledger import money, services
from linli.ledger.models import Order, Product, Transaction
from linli.ledger.reasons import describer_register, reasons_for

from .conftest import fund, key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("points", "fen", "zh", "en"),
    [
        (5, 500, "¥5.00 + 5 积分", "¥5.00 + 5 points"),
        (0, 123456, "¥1,234.56", "¥1,234.56"),
        (1, 0, "1 积分", "1 point"),
        (2500, 5, "¥0.05 + 2,500 积分", "¥0.05 + 2,500 points"),
    ],
)
def test_prices_read_in_yuan_with_two_decimals_then_points(points, fen, zh, en):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert money.price_text(points, fen) == zh
    with translation.override("en"):
        assert money.price_text(points, fen) == en
    assert money.yuan(-50) == "-¥0.50"


@pytest.fixture
def eggs(merchant: Any) -> Product:
    return Product.objects.create(
        merchant=merchant, community=merchant.community, name="土鸡蛋", price_points=5, price_fen=500, stock=4
    )


def test_each_line_says_why_in_the_readers_language_never_a_code_or_a_memo(shopper, product, community, users):
    fund(shopper, 30)
    services.points_earn(
        community=community,
        resident=shopper,
        rule_code="consultation_support",
        idempotency_key="consultation:support:73:1",
        memo="matter 73",
    )
    order = services.order_place(
        actor=shopper.user, resident=shopper, product=product, quantity=1, idempotency_key=key()
    )
    services.order_refund(actor=shopper.user, order=order, reason="Cancelled by the resident")
    zh = client_for(shopper.user).get("/ledger/").content.decode()
    assert "志愿服务（每小时）" in zh
    assert "兑换：小北鲜市 的青菜一把 × 1" in zh and "退回：小北鲜市 的青菜一把 × 1" in zh
    assert "matter" not in zh and "Cancelled by the resident" not in zh and "获得积分</td>" not in zh
    en = client_for(shopper.user, "en").get("/ledger/").content.decode()
    assert "Bought: 青菜一把 × 1 at 小北鲜市" in en and "Volunteer hour" in en


def test_a_domain_describes_its_own_earnings_and_a_reversal_names_what_it_undid(shopper, community, users):
    describer_register("test-garden", lambda txns: {t.pk: "社区花园认养" for t in txns})
    earned = services.points_earn(
        community=community, resident=shopper, rule_code="activity_attendance", idempotency_key="test-garden:1"
    ).transaction
    undo = services.transaction_reverse(
        community=community, original=earned, idempotency_key=key(), reason="录错了", actor=users["social_worker"]
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        reasons = reasons_for(Transaction.objects.filter(pk__in=[earned.pk, undo.pk]))
    assert reasons[earned.pk].endswith("· 社区花园认养")
    assert reasons[undo.pk].startswith("已撤销：") and "社区花园认养" in reasons[undo.pk]


def test_spending_asks_once_then_shows_the_code_and_its_qr_code(shopper, product):
    fund(shopper, 25)
    client = client_for(shopper.user)
    confirm = client.get(f"/ledger/shop/{product.pk}/order/").content.decode()
    assert "确定，花 10 积分" in confirm and "兑换后剩" in confirm
    assert not Order.objects.exists()  # looking costs nothing
    placed = client.post(f"/ledger/shop/{product.pk}/order/", {"idempotency_key": "once", "quantity": "1"})
    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/ledger/orders/{order.pk}/"
    page = client.get(placed["Location"]).content.decode()
    assert order.code in page and "<svg" in page and 'class="redeem-code"' in page


def test_a_product_that_needs_money_is_paid_online_and_the_order_page_moves_nothing(shopper, eggs):
    fund(shopper, 25)
    client = client_for(shopper.user)
    shop = client.get("/ledger/shop/").content.decode()
    assert "¥5.00 + 5 积分" in shop and "购买并付款" in shop and "分）" not in shop
    assert "入驻街坊汇" not in shop  # merchant sign-up is not in a resident's shop
    confirm = client.get(f"/ledger/shop/{eggs.pk}/order/").content.decode()
    # the yuan part is paid through the payment provider (linli.payments), not from the order page
    assert f"/payments/checkout/{eggs.pk}/" in confirm and "确定，花" not in confirm
    refused = client.post(f"/ledger/shop/{eggs.pk}/order/", {"idempotency_key": "k", "quantity": "1"}, follow=True)
    assert "不足" in refused.content.decode()
    assert not Order.objects.exists() and services.resident_account(shopper).balance == 25


def test_without_a_payment_provider_a_product_that_needs_money_says_pay_at_the_shop(shopper, eggs, monkeypatch):
    from linli.ledger.hooks import payment_hooks

    monkeypatch.setattr(payment_hooks, "checkout_url", None)
    fund(shopper, 25)
    client = client_for(shopper.user)
    assert "到店付款" in client.get("/ledger/shop/").content.decode()
    confirm = client.get(f"/ledger/shop/{eggs.pk}/order/").content.decode()
    assert "到店付款" in confirm and "确定，花" not in confirm
    refused = client.post(f"/ledger/shop/{eggs.pk}/order/", {"idempotency_key": "k", "quantity": "1"}, follow=True)
    assert "需到店付款" in refused.content.decode()
    assert not Order.objects.exists()


def test_missing_points_say_how_many_and_where_to_earn_them(shopper, product):
    fund(shopper, 4)
    page = client_for(shopper.user).get(f"/ledger/shop/{product.pk}/order/").content.decode()
    assert "还差 6 积分" in page and "/volunteer/" in page and "确定，花" not in page


def test_another_residents_order_is_not_found(shopper, product, community, make_user):
    fund(shopper, 25)
    order = services.order_place(
        actor=shopper.user, resident=shopper, product=product, quantity=1, idempotency_key=key()
    )
    other = make_resident(community, name="别人", seq=9, user=make_user())
    assert client_for(other.user).get(f"/ledger/orders/{order.pk}/").status_code == 404
    assert client_for(shopper.user).get("/ledger/orders/").content.decode().count(order.code) == 1

"""Stored value (储值): staff allow it with a limit, residents top up (online or at the counter), pay orders from
the balance, get cancelled orders back on it and withdraw it through the provider; every step a ledger move."""

from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Order, Unit
from linli.ledger.selectors import resident_balances
from linli.payments import stored_value
from linli.payments.models import GatewayTrade, Payment, Refund, StoredValuePolicy
from linli.payments.providers.simulated import SimulatedGateway

from .conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(users: dict[str, Any], community: Any) -> StoredValuePolicy:
    """市北 allows a balance of up to ¥100."""
    return stored_value.stored_value_policy_set(
        actor=users["community_admin"], community=community, enabled=True, limit_fen=10_000
    )


def topped_up(resident: Any, amount: int, capture: Any) -> Payment:
    """An online top-up, paid in the wallet; the gateway's notification books it."""
    payment = stored_value.topup_start(actor=resident.user, resident=resident, amount_fen=amount)
    with capture(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    return payment


def fen(resident: Any) -> int:
    return resident_balances(resident)[Unit.FEN]


def test_staff_set_the_limit_and_it_is_audited(users: dict[str, Any], community: Any) -> None:
    admin = users["community_admin"]
    for role in ("resident", "operator", "merchant_staff"):
        with pytest.raises(NotAllowed):
            stored_value.stored_value_policy_set(actor=users[role], community=community, enabled=True, limit_fen=100)
    with pytest.raises(DomainError) as no_limit:
        stored_value.stored_value_policy_set(actor=admin, community=community, enabled=True, limit_fen=0)
    assert no_limit.value.field == "limit"
    with pytest.raises(DomainError) as too_high:
        stored_value.stored_value_policy_set(actor=admin, community=community, enabled=True, limit_fen=500_001)
    assert "¥5,000.00" in str(too_high.value.message)
    assert not StoredValuePolicy.objects.exists()
    policy = stored_value.stored_value_policy_set(actor=admin, community=community, enabled=True, limit_fen=20_000)
    assert (policy.enabled, policy.limit_fen, policy.updated_by) == (True, 20_000, admin)
    entry = AuditEntry.objects.get(action="stored_value.policy")
    assert entry.actor == admin and entry.after["limit_fen"] == 20_000


def test_an_online_top_up_grows_the_balance_when_the_notification_arrives(
    shopper: Any, policy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=3_000)
    assert payment.status == Payment.Status.CREATED and fen(shopper) == 0
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.order_id is None
    assert fen(shopper) == 3_000
    clearing = ledger.clearing_account(shopper.community, "simulated")
    clearing.refresh_from_db()
    assert clearing.balance == -3_000
    assert ledger_check().ok, ledger_check().problems


def test_a_top_up_started_in_english_reads_in_chinese_and_the_other_way_round(shopper: Any, policy: Any) -> None:
    from django.utils import translation

    with translation.override("en"):
        payment = stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=3_000)
    assert "Top-up" not in payment.description  # it keeps no words of the language it was made in
    page = client_for(shopper.user).get(f"/payments/p/{payment.out_trade_no}/").content.decode()
    assert "储值充值" in page and "Top-up" not in page
    api = client_for(shopper.user, "en").get(f"/api/v1/payments/{payment.out_trade_no}").json()
    assert api["description"] == "Top-up of the stored balance"


def test_a_top_up_over_the_limit_is_refused_and_nothing_is_saved(
    shopper: Any, policy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    topped_up(shopper, 8_000, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=2_001)
    assert refused.value.code == "over_limit" and refused.value.field == "amount"
    assert "¥100.00" in str(refused.value.message) and "¥20.00" in str(refused.value.message)
    assert Payment.objects.count() == 1 and GatewayTrade.objects.count() == 1
    stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=2_000)  # up to the limit is fine


def test_a_top_up_is_refused_where_stored_value_is_off(shopper: Any) -> None:
    with pytest.raises(DomainError) as refused:
        stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=100)
    assert refused.value.code == "stored_value_off" and not Payment.objects.exists()


def test_two_top_ups_paid_at_once_over_the_limit_the_second_is_refunded(
    shopper: Any, policy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=6_000)
    second = stored_value.topup_start(actor=shopper.user, resident=shopper, amount_fen=6_000)  # each fits alone
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=first.out_trade_no)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=second.out_trade_no)
    second.refresh_from_db()
    assert second.status == Payment.Status.REFUNDED
    assert "¥120.00" in Refund.objects.get(payment=second).reason
    assert fen(shopper) == 6_000
    assert ledger_check().ok, ledger_check().problems


def test_an_order_paid_from_the_balance_and_cancelled_comes_back_to_it(
    shopper: Any, policy: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fund(shopper, 20)
    topped_up(shopper, 2_000, django_capture_on_commit_callbacks)
    client = client_for(shopper.user)
    page = client.get(f"/ledger/shop/{yuan_product.pk}/order/").content.decode()
    assert 'data-testid="pay-from-balance"' in page and "¥20.00" in page
    r = client.post(f"/ledger/shop/{yuan_product.pk}/order/", {"quantity": 1, "idempotency_key": "balance-1"})
    order = Order.objects.get(resident=shopper)
    assert r.status_code == 302 and (order.fen, order.points) == (500, 5)
    assert not Payment.objects.filter(order=order).exists()  # no provider: the balance paid
    assert fen(shopper) == 1_500
    with django_capture_on_commit_callbacks(execute=True):
        ledger.order_refund(actor=shopper.user, order=order, reason="不要了")
    assert fen(shopper) == 2_000 and Refund.objects.count() == 0  # back on the balance, not through the gateway
    assert ledger_check().ok, ledger_check().problems


def test_the_order_page_offers_the_balance_only_when_it_covers_the_price(
    shopper: Any, policy: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fund(shopper, 20)
    topped_up(shopper, 400, django_capture_on_commit_callbacks)
    page = client_for(shopper.user).get(f"/ledger/shop/{yuan_product.pk}/order/").content.decode()
    assert 'data-testid="pay-from-balance"' not in page and 'data-testid="pay-online"' in page


def test_withdrawing_refunds_online_top_ups_from_the_phone_and_the_rest_at_the_counter(
    shopper: Any, policy: Any, users: dict[str, Any], yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fund(shopper, 20)
    at_counter = stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=3_000)
    online = topped_up(shopper, 2_000, django_capture_on_commit_callbacks)
    ledger.order_place(actor=shopper.user, resident=shopper, product=yuan_product, idempotency_key="spend")
    assert fen(shopper) == 4_500
    with pytest.raises(Conflict) as too_much:  # from the phone: only what was paid online goes back
        stored_value.balance_withdraw(actor=shopper.user, resident=shopper, amount_fen=2_001)
    assert "¥20.00" in str(too_much.value.message) and "服务台" in str(too_much.value.message)
    assert not Refund.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        refunds = stored_value.balance_withdraw(actor=shopper.user, resident=shopper)
    assert [(r.payment_id, r.amount_fen) for r in refunds] == [(online.pk, 2_000)]
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED  # the gateway's refund notification came
    assert SimulatedGateway().query(out_trade_no=online.out_trade_no).state == "REFUND"
    with pytest.raises(NotAllowed):
        stored_value.balance_withdraw(actor=shopper.user, resident=shopper, at_counter=True)
    with pytest.raises(Conflict):
        stored_value.balance_withdraw(actor=users["operator"], resident=shopper, amount_fen=2_501, at_counter=True)
    refunds = stored_value.balance_withdraw(actor=users["operator"], resident=shopper, at_counter=True)
    assert [(r.payment_id, r.amount_fen) for r in refunds] == [(at_counter.pk, 2_500)]
    online.refresh_from_db()
    at_counter.refresh_from_db()
    assert online.status == Payment.Status.REFUNDED and at_counter.status == Payment.Status.PARTIALLY_REFUNDED
    assert fen(shopper) == 0
    with pytest.raises(Conflict) as empty:
        stored_value.balance_withdraw(actor=shopper.user, resident=shopper)
    assert empty.value.code == "empty_balance"
    assert ledger_check().ok, ledger_check().problems


def test_the_counter_top_up_is_refused_over_the_limit_and_shows_in_the_cashup(
    shopper: Any, policy: Any, role_client: Any, community: Any
) -> None:
    client = role_client("operator")
    url = f"/payments/c/{community.code}/counter/topup/"
    assert "充值" in client.get(url).content.decode()
    over = client.post(url, {"resident": shopper.name, "amount": "100.01", "method": "cash"})
    assert over.status_code == 400 and "¥100.00" in over.content.decode()
    assert not Payment.objects.exists()
    r = client.post(url, {"resident": shopper.name, "amount": "30.50", "method": "cash"})
    payment = Payment.objects.get()
    assert r.status_code == 302 and payment.receipt_no and payment.amount_fen == 3_050
    assert fen(shopper) == 3_050
    cashup = client.get(f"/payments/c/{community.code}/cashup/").content.decode()
    assert payment.receipt_no in cashup
    back = client.post(url, {"action": "withdraw", "withdraw-resident": shopper.name, "withdraw-amount": "10"})
    assert back.status_code == 302 and fen(shopper) == 2_050
    assert "¥10.00" in client.get(url).content.decode()  # the message: hand back ¥10.00
    assert role_client("resident").post(url, {"resident": shopper.name, "amount": "1"}).status_code in (403, 404)


def test_the_balance_page_shows_the_history_with_reasons_in_each_language(
    shopper: Any, policy: Any, users: dict[str, Any], yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    fund(shopper, 20)
    stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=1_000)
    topped_up(shopper, 2_000, django_capture_on_commit_callbacks)
    ledger.order_place(actor=shopper.user, resident=shopper, product=yuan_product, idempotency_key="spend")
    zh = client_for(shopper.user).get("/payments/balance/").content.decode()
    assert "¥25.00" in zh and "服务台充值" in zh and "在线充值" in zh and "手工豆腐" in zh
    en = client_for(shopper.user, "en").get("/payments/balance/").content.decode()
    assert "Top-up at the service counter" in en and "Top-up online" in en and "Bought: 手工豆腐" in en
    me = client_for(shopper.user).get("/accounts/me/").content.decode()
    assert "/payments/balance/" in me


def test_the_balance_page_tops_up_and_withdraws(
    shopper: Any, policy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(shopper.user)
    bad = client.post("/payments/balance/", {"action": "topup", "topup-amount": "150"})
    assert bad.status_code == 400 and "¥100.00" in bad.content.decode() and not Payment.objects.exists()
    r = client.post("/payments/balance/", {"action": "topup", "topup-amount": "12.34"})
    payment = Payment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/payments/p/{payment.out_trade_no}/"
    assert payment.amount_fen == 1_234 and payment.purpose == "topup"
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    assert 'data-testid="see-balance"' in client.get(r["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        w = client.post("/payments/balance/", {"action": "withdraw", "withdraw-amount": "2"})
    assert w.status_code == 302 and fen(shopper) == 1_034


def test_the_api_tops_up_withdraws_and_staff_set_the_policy(
    shopper: Any, users: dict[str, Any], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = client_for(users["community_admin"])
    url = f"/api/v1/communities/{community.code}/payments/stored-value"
    assert staff.get(url).json()["enabled"] is False
    r = staff.put(url, {"enabled": True, "limit_fen": 5_000}, content_type="application/json")
    assert r.status_code == 200 and r.json()["limit_fen"] == 5_000
    refused = client_for(users["operator"]).put(url, {"enabled": True, "limit_fen": 1}, content_type="application/json")
    assert refused.status_code in (403, 404)
    api = client_for(shopper.user)
    over = api.post("/api/v1/stored-value/topups", {"amount_fen": 5_001}, content_type="application/json")
    assert over.status_code == 400 and over.json()["error"]["code"] == "over_limit"
    r = api.post("/api/v1/stored-value/topups", {"amount_fen": 4_000}, content_type="application/json")
    assert r.status_code == 201 and r.json()["purpose"] == "topup" and r.json()["code_url"]
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=r.json()["out_trade_no"])
    mine = api.get("/api/v1/stored-value").json()
    assert (mine["balance_fen"], mine["room_fen"]) == (4_000, 1_000)
    assert mine["history"][0]["reason"] == "在线充值" and mine["history"][0]["amount_fen"] == 4_000
    w = api.post("/api/v1/stored-value/withdrawals", {"amount_fen": 1_500}, content_type="application/json")
    assert w.status_code == 201 and w.json()["balance_fen"] == 2_500 and w.json()["refunds"][0]["amount_fen"] == 1_500
    assert staff.get(url).json()["held_fen"] == 2_500
    counter = client_for(users["operator"]).post(
        f"/api/v1/communities/{community.code}/payments/counter/topups",
        {"resident": shopper.name, "amount_fen": 2_501, "method": "cash"},
        content_type="application/json",
    )
    assert counter.status_code == 400 and counter.json()["error"]["code"] == "over_limit"
    desk = client_for(users["operator"]).post(
        f"/api/v1/communities/{community.code}/payments/counter/withdrawals",
        {"resident": shopper.name},
        content_type="application/json",
    )
    assert desk.status_code == 201 and desk.json()["amount_fen"] == 2_500 and desk.json()["balance_fen"] == 0
    assert desk.json()["refunds"][0]["provider"] == "simulated"


def test_ledger_check_finds_an_order_whose_payment_disagrees(
    shopper: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from .conftest import start

    payment = start(shopper, yuan_product)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    assert ledger_check().ok, ledger_check().problems
    Order.objects.filter(pk=payment.order_id).update(status=Order.Status.REFUNDED, refunded_at=timezone.now())
    problems = ledger_check().problems
    assert any(f"order {payment.order_id} is refunded but its payment" in p for p in problems), problems
    Order.objects.filter(pk=payment.order_id).update(status=Order.Status.PAID, refunded_at=None)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CLOSED)
    problems = ledger_check().problems
    assert any(f"order {payment.order_id} was placed by payment" in p for p in problems), problems

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Order, Unit
from linli.ledger.selectors import resident_balances
from linli.payments import services
from linli.payments.models import Difference, Payment, Refund
from linli.payments.providers import BadNotification
from linli.payments.providers.simulated import HEADER_SIGNATURE, SimulatedGateway

from .conftest import fund, notification, start

pytestmark = pytest.mark.django_db


def test_paying_online_places_the_order_and_moves_yuan_through_the_ledger(
    shopper: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = start(shopper, yuan_product)
    assert payment.status == Payment.Status.CREATED and payment.amount_fen == 500
    assert payment.code_url.endswith(f"/payments/gateway/pay/{payment.out_trade_no}/")
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    order = payment.order
    assert order is not None and order.status == Order.Status.PAID and (order.fen, order.points) == (500, 5)
    assert resident_balances(shopper) == {Unit.POINTS: 95, Unit.FEN: 0}  # the yuan went on to escrow
    clearing = ledger.clearing_account(shopper.community, "simulated")
    clearing.refresh_from_db()
    assert clearing.balance == -500
    assert ledger_check().ok, ledger_check().problems


def test_cancelling_the_paid_order_refunds_through_the_gateway(
    shopper: Any, yuan_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = start(shopper, yuan_product)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        ledger.order_refund(actor=shopper.user, order=payment.order, reason="不要了")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_fen == 500
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED  # the gateway's refund notification arrived
    assert resident_balances(shopper) == {Unit.POINTS: 100, Unit.FEN: 0}
    assert SimulatedGateway().query(out_trade_no=payment.out_trade_no).state == "REFUND"
    assert ledger_check().ok, ledger_check().problems


def test_a_forged_signature_is_refused_and_logged(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment)
    headers[HEADER_SIGNATURE] = "0" * 64
    with pytest.raises(BadNotification):
        services.notification_receive(provider="simulated", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert AuditEntry.objects.filter(action="payment.notification_refused").count() == 1


def test_a_signed_notification_with_another_amount_is_refused(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment, amount=1)
    with pytest.raises(BadNotification):
        services.notification_receive(provider="simulated", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED and payment.transaction is None


def test_the_notify_url_answers_400_to_a_forgery_and_200_once_booked(
    client: Any, shopper: Any, yuan_product: Any
) -> None:
    payment = start(shopper, yuan_product)
    body, headers = notification(payment)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    bad = dict(extra, HTTP_LINLI_GATEWAY_SIGNATURE="f" * 64)
    assert client.post("/payments/notify/simulated/", body, content_type="application/json", **bad).status_code == 400
    for _ in range(2):  # the duplicate is answered the same and books nothing more
        response = client.post("/payments/notify/simulated/", body, content_type="application/json", **extra)
        assert response.status_code == 200 and response.json()["code"] == "SUCCESS"
    assert Order.objects.filter(resident=shopper).count() == 1


def test_cancel_closes_at_the_gateway_so_the_wallet_cannot_pay(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    services.payment_cancel(actor=shopper.user, payment=payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CLOSED
    with pytest.raises(Exception, match="ORDERCLOSED"):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)


def test_cancel_after_the_wallet_paid_is_refused(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)  # its notification is still on its way
    with pytest.raises(Conflict):
        services.payment_cancel(actor=shopper.user, payment=payment)
    # the notification never came: checking with the gateway books it
    payment = services.payment_check(actor=shopper.user, payment=payment)
    assert payment.status == Payment.Status.PAID and payment.order is not None


def test_a_payment_arriving_after_its_close_is_booked_and_refunded_at_once(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.CLOSED)  # closed here, paid there
    body, headers = notification(payment)
    services.notification_receive(provider="simulated", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.order is None
    assert resident_balances(shopper)[Unit.FEN] == 0


def test_out_of_stock_when_the_money_arrives_refunds_it(shopper: Any, yuan_product: Any) -> None:
    payment = start(shopper, yuan_product)
    yuan_product.stock = 0
    yuan_product.save()
    body, headers = notification(payment)
    services.notification_receive(provider="simulated", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.order is None
    assert "库存" in Refund.objects.get(payment=payment).reason or Refund.objects.get(payment=payment).reason
    assert ledger_check().ok, ledger_check().problems


def test_paying_needs_the_points_and_the_right(shopper: Any, yuan_product: Any, make_user: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.payment_start(actor=shopper.user, resident=shopper, product=yuan_product)
    assert exc.value.code == "not_enough_points"
    fund(shopper, 10)
    with pytest.raises(NotAllowed):
        services.payment_start(actor=make_user(), resident=shopper, product=yuan_product)
    assert not Payment.objects.exists()


def test_counter_takes_cash_with_a_receipt_and_the_cashup_counts_it(
    shopper: Any, yuan_product: Any, operator: Any
) -> None:
    from linli.payments import selectors

    fund(shopper, 20)
    p1 = services.counter_take(actor=operator, resident=shopper, product=yuan_product, method="cash")
    p2 = services.counter_take(actor=operator, resident=shopper, product=yuan_product, quantity=2, method="card")
    assert p1.status == p2.status == Payment.Status.PAID
    assert p1.receipt_no.endswith("-0001") and p2.receipt_no.endswith("-0002")
    assert Order.objects.filter(resident=shopper, status=Order.Status.PAID).count() == 2
    ledger.order_refund(actor=shopper.user, order=p1.order, reason="退货")
    day = selectors.cashup(user=operator, community=shopper.community, operator=operator, day=timezone.localdate())
    assert day.taken == {"cash": 500, "card": 1000}
    assert day.returned == 500 and day.cash_in_drawer == 0
    assert ledger_check().ok, ledger_check().problems


def test_only_the_front_desk_takes_money_at_the_counter(shopper: Any, yuan_product: Any) -> None:
    fund(shopper, 20)
    with pytest.raises(NotAllowed):
        services.counter_take(actor=shopper.user, resident=shopper, product=yuan_product)


def _paid(shopper: Any, product: Any) -> Payment:
    payment = start(shopper, product)
    body, headers = notification(payment)
    return services.notification_receive(provider="simulated", body=body, headers=headers)  # type: ignore[return-value]


def test_a_statement_with_one_line_missing_and_one_extra_gives_exactly_those_two_differences(
    shopper: Any, yuan_product: Any, users: dict[str, Any]
) -> None:
    paid = [_paid(shopper, yuan_product) for _ in range(3)]
    day = timezone.localdate(paid[0].paid_at)
    gateway = SimulatedGateway()
    lines = gateway.statement(mch_id=shopper.community.code, day=day).decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # the header and three payments
    dropped = lines.pop(2)
    lines.append(f"{day:%Y-%m-%d} 10:00:00,{shopper.community.code},LLFOREIGN0001,,SIMX,SUCCESS,12.34")
    content = "\n".join(lines).encode()
    recon = services.reconciliation_import(
        actor=users["community_admin"], community=shopper.community, provider="simulated", day=day, content=content
    )
    diffs = {(d.kind, d.trade_no, d.ours_fen, d.theirs_fen) for d in Difference.objects.filter(reconciliation=recon)}
    missing_no = dropped.split(",")[2]
    assert diffs == {
        (Difference.Kind.MISSING_THEIRS, missing_no, 500, 0),
        (Difference.Kind.MISSING_OURS, "LLFOREIGN0001", 0, 1234),
    }
    assert recon.matched == 2 and recon.lines == 3
    suspense = ledger.payment_suspense_account(shopper.community)
    suspense.refresh_from_db()
    assert suspense.balance == 1234 - 500
    with pytest.raises(Conflict):
        services.reconciliation_import(
            actor=users["community_admin"], community=shopper.community, provider="simulated", day=day, content=content
        )
    with pytest.raises(NotAllowed):
        services.reconciliation_import(
            actor=shopper.user,
            community=shopper.community,
            provider="simulated",
            day=day + dt.timedelta(1),
            content=content,
        )
    with pytest.raises(DomainError):
        services.reconciliation_import(
            actor=users["community_admin"],
            community=shopper.community,
            provider="simulated",
            day=day + dt.timedelta(1),
            content=b"not,a,statement",
        )


def test_ledger_check_compares_payments_with_their_postings_and_the_gateway(shopper: Any, yuan_product: Any) -> None:
    paid = _paid(shopper, yuan_product)
    assert ledger_check().ok, ledger_check().problems
    # the gateway's books say the trade was never paid; ours say 5 yuan came in
    from linli.payments.models import GatewayTrade

    GatewayTrade.objects.filter(out_trade_no=paid.out_trade_no).update(state=GatewayTrade.State.NOTPAY)
    Payment.objects.filter(pk=paid.pk).update(refunded_fen=100)
    problems = ledger_check().problems
    assert any("NOTPAY at the provider" in p for p in problems), problems
    assert any("refunds sum to 0" in p for p in problems), problems


@pytest.mark.parametrize(
    ("staff_language", "payer_language", "title"), [("en", "zh-hans", "已支付："), ("zh-hans", "en", "Paid: ")]
)
def test_a_counter_payment_tells_the_payer_in_the_payers_language_and_the_ledger_keeps_names_only(
    shopper: Any,
    yuan_product: Any,
    operator: Any,
    staff_language: str,
    payer_language: str,
    title: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.utils import translation

    from linli.ledger.models import Transaction
    from linli.notifications.models import Notification

    shopper.user.language = payer_language
    shopper.user.save(update_fields=["language"])
    fund(shopper, 20)
    with translation.override(staff_language), django_capture_on_commit_callbacks(execute=True):
        payment = services.counter_take(actor=operator, resident=shopper, product=yuan_product, method="cash")
        assert payment.described == payment.description  # the staff member's view of the payment is left alone
    told = Notification.objects.get(user=shopper.user)
    assert told.title == f"{title}{payment.description}"
    with translation.override(staff_language), django_capture_on_commit_callbacks(execute=True):
        ledger.order_refund(actor=shopper.user, order=payment.order, reason="退货")
    memos = set(
        Transaction.objects.filter(idempotency_key__contains=payment.out_trade_no).values_list("memo", flat=True)
    )
    assert memos == {payment.description}  # neutral: each statement says why in its reader's language

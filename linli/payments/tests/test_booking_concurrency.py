"""On PostgreSQL: a resident cancelling a booking while the payment's notification arrives ends with the booking
paid and kept, or cancelled with its trade closed (or its payment refunded once) — never cancelled and paid."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.core.errors import Conflict
from linli.facilities import services as facility_services
from linli.facilities.models import Booking
from linli.facilities.tests.factories import make_facility, make_service, make_slot
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.tests.test_concurrency import run_threads
from linli.payments import services
from linli.payments.models import GatewayTrade, Payment, Purpose, Refund
from linli.payments.providers import ProviderError
from linli.payments.providers.simulated import SimulatedGateway

from .conftest import notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _unpaid_booking(community: Any, shopper: Any) -> tuple[Booking, Payment]:
    service = make_service(make_facility(community, "hub"), kind="barber", name="理发", price_fen=1500)
    slot = make_slot(service, starts_at=timezone.now() + dt.timedelta(days=1), capacity=1)
    booking = facility_services.booking_create(actor=shopper.user, slot=slot, resident=shopper)
    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    return booking, payment


def _one_outcome(booking: Booking, payment: Payment) -> str:
    booking.refresh_from_db()
    payment.refresh_from_db()
    refunds = Refund.objects.filter(payment=payment).count()
    trade = GatewayTrade.objects.get(out_trade_no=payment.out_trade_no, out_refund_no="")
    prepaid = ledger.payment_prepaid_account(booking.community)
    prepaid.refresh_from_db()
    if booking.status == Booking.Status.CONFIRMED:
        assert payment.status == Payment.Status.PAID and refunds == 0 and prepaid.balance == 1500
        return "paid"
    assert booking.status == Booking.Status.CANCELLED and prepaid.balance == 0
    if payment.status == Payment.Status.CLOSED:
        assert trade.state == GatewayTrade.State.CLOSED and refunds == 0 and payment.transaction_id is None
        return "closed"
    assert payment.status == Payment.Status.REFUNDED and refunds == 1 and payment.refunded_fen == 1500
    return "refunded"


@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_racing_the_wallet_ends_paid_or_closed_never_both(community: Any, shopper: Any, round_: int) -> None:
    booking, payment = _unpaid_booking(community, shopper)

    def work(i: int) -> Any:
        if i == 0:  # the payer confirms in the wallet; the notification follows (tasks run at once in tests)
            return SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
        return facility_services.booking_cancel(actor=shopper.user, booking=booking)

    results = run_threads(2, work)

    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, Conflict | ProviderError), r
    outcome = _one_outcome(booking, payment)
    if outcome == "paid":
        assert isinstance(results[1], Conflict)
    assert ledger_check().ok, ledger_check().problems


@pytest.mark.parametrize("round_", range(2))
def test_a_cancel_racing_duplicate_notifications_refunds_at_most_once(
    community: Any, shopper: Any, round_: int
) -> None:
    booking, payment = _unpaid_booking(community, shopper)
    body, headers = notification(payment)  # the wallet has paid; its notification comes four times

    def work(i: int) -> Any:
        if i == 0:
            return facility_services.booking_cancel(actor=shopper.user, booking=booking)
        return services.notification_receive(provider="simulated", body=body, headers=headers)

    results = run_threads(5, work)

    for r in results:
        assert not isinstance(r, Exception) or isinstance(r, Conflict), r
    assert _one_outcome(booking, payment) in ("paid", "refunded")
    assert ledger_check().ok, ledger_check().problems

"""Booking fees paid through payments: a booking with a fee holds its place until paid, is confirmed by the payment,
given up when not paid in time, and refunded when cancelled."""

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.company.services.collect import revenue_collect
from linli.conftest import make_resident
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.facilities import services as facility_services
from linli.facilities.models import Booking, Slot
from linli.facilities.tests.factories import make_facility, make_service, make_slot
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Unit
from linli.ledger.selectors import resident_balances
from linli.payments import services
from linli.payments.models import Method, Payment, Purpose, Refund
from linli.payments.providers.simulated import SimulatedGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def barber_slot(community: Any) -> Slot:
    """理发 ¥15, one place, cancel up to 2 hours before."""
    facility = make_facility(community, "hub")
    service = make_service(facility, kind="barber", name="理发", price_fen=1500, cancel_hours=2)
    return make_slot(service, starts_at=timezone.now() + dt.timedelta(days=1), capacity=1)


def book(shopper: Any, slot: Slot) -> Booking:
    return facility_services.booking_create(actor=shopper.user, slot=slot, resident=shopper)


def pay_online(shopper: Any, booking: Booking, capture: Any) -> Payment:
    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    with capture(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    return payment


def prepaid_balance(community: Any) -> int:
    account = ledger.payment_prepaid_account(community)
    account.refresh_from_db()
    return account.balance


def test_a_booking_with_a_fee_holds_its_place_until_paid_online(
    shopper: Any, barber_slot: Slot, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    assert booking.status == Booking.Status.UNPAID and booking.price_fen == 1500 and booking.pay_by is not None
    barber_slot.refresh_from_db()
    assert barber_slot.booked == 1  # the place is held

    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    assert (payment.amount_fen, payment.subject_id, payment.status) == (1500, booking.pk, Payment.Status.CREATED)
    # opening it again shows the same QR code, not a second payment
    again = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    assert again.pk == payment.pk
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)

    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert booking.status == Booking.Status.CONFIRMED and booking.pay_by is None
    # the money is held for the service, not left on the resident's account
    assert resident_balances(shopper)[Unit.FEN] == 0
    assert prepaid_balance(shopper.community) == 1500
    assert ledger_check().ok, ledger_check().problems


def test_cancelling_before_the_deadline_refunds_the_fee_in_full(
    shopper: Any, barber_slot: Slot, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    payment = pay_online(shopper, booking, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        facility_services.booking_cancel(actor=shopper.user, booking=booking)
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_fen == 1500
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED  # the gateway's refund notification came
    assert prepaid_balance(shopper.community) == 0 and resident_balances(shopper)[Unit.FEN] == 0
    barber_slot.refresh_from_db()
    assert barber_slot.booked == 0
    assert ledger_check().ok, ledger_check().problems


def test_after_the_deadline_the_resident_cannot_cancel_and_keeps_paying(
    shopper: Any, barber_slot: Slot, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    payment = pay_online(shopper, booking, django_capture_on_commit_callbacks)
    late = barber_slot.starts_at - dt.timedelta(hours=1)
    with pytest.raises(DomainError) as exc:
        facility_services.booking_cancel(actor=shopper.user, booking=booking, now=late)
    assert exc.value.code == "cancel_too_late"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and not Refund.objects.exists()


def test_the_front_desk_cancelling_late_and_the_community_cancelling_the_slot_refund(
    shopper: Any, barber_slot: Slot, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    payment = pay_online(shopper, booking, django_capture_on_commit_callbacks)
    late = barber_slot.starts_at - dt.timedelta(hours=1)
    facility_services.booking_cancel(actor=users["operator"], booking=booking, now=late)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED

    second = book(shopper, barber_slot)
    paid = pay_online(shopper, second, django_capture_on_commit_callbacks)
    facility_services.slot_cancel(actor=users["community_admin"], slot=barber_slot, reason="理发师病了")
    paid.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Booking.Status.CANCELLED and paid.status == Payment.Status.REFUNDED
    assert ledger_check().ok, ledger_check().problems


def test_cancelling_an_unpaid_booking_closes_its_payment_and_frees_the_place(shopper: Any, barber_slot: Slot) -> None:
    booking = book(shopper, barber_slot)
    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    facility_services.booking_cancel(actor=shopper.user, booking=booking)
    payment.refresh_from_db()
    barber_slot.refresh_from_db()
    assert payment.status == Payment.Status.CLOSED and barber_slot.booked == 0
    assert SimulatedGateway().query(out_trade_no=payment.out_trade_no).state == "CLOSED"
    assert not Refund.objects.exists()


def test_an_unpaid_booking_expires_and_its_place_goes_to_the_waiting_list(
    shopper: Any, barber_slot: Slot, users: dict[str, Any], community: Any
) -> None:
    booking = book(shopper, barber_slot)
    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    neighbour = make_resident(community, name="王大伯", seq=41)
    waiting = facility_services.booking_create(actor=users["operator"], slot=barber_slot, resident=neighbour)
    assert waiting.status == Booking.Status.WAITLISTED

    assert facility_services.bookings_expire_unpaid(now=booking.pay_by + dt.timedelta(minutes=1)) == 1

    booking.refresh_from_db()
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and payment.status == Payment.Status.CLOSED
    # the next person holds the place now, and is asked to pay
    assert waiting.status == Booking.Status.UNPAID and waiting.pay_by is not None
    with pytest.raises(DomainError) as exc:
        services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    assert exc.value.code == "not_payable"


def test_a_payment_arriving_after_the_booking_expired_is_refunded_at_once(
    shopper: Any, barber_slot: Slot, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    payment = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    gateway = SimulatedGateway()
    trade = gateway.trade(payment.out_trade_no)
    assert trade is not None
    # the wallet paid, the notification is late, and the booking expired meanwhile: the close is refused, the
    # booking stays held for the notification
    trade.state = trade.State.SUCCESS
    trade.save()
    assert facility_services.bookings_expire_unpaid(now=booking.pay_by + dt.timedelta(minutes=1)) == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.UNPAID
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_check(actor=shopper.user, payment=payment)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert ledger_check().ok, ledger_check().problems


def test_the_front_desk_takes_the_fee_at_the_counter_and_a_resident_cannot(
    shopper: Any, barber_slot: Slot, users: dict[str, Any]
) -> None:
    booking = book(shopper, barber_slot)
    online = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    with pytest.raises(NotAllowed):
        services.subject_counter_take(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    with pytest.raises(DomainError) as exc:
        services.subject_counter_take(
            actor=users["operator"], purpose=Purpose.BOOKING, subject_id=booking.pk, method="gold"
        )
    assert exc.value.field == "method"

    payment = services.subject_counter_take(
        actor=users["operator"], purpose=Purpose.BOOKING, subject_id=booking.pk, method=Method.CASH
    )

    online.refresh_from_db()
    booking.refresh_from_db()
    assert online.status == Payment.Status.CLOSED  # the QR code opened first can no longer be paid
    assert payment.status == Payment.Status.PAID and payment.receipt_no and payment.method == Method.CASH
    assert booking.status == Booking.Status.CONFIRMED
    assert AuditEntry.objects.filter(action="payment.counter", object_id=str(payment.pk)).exists()
    with pytest.raises(DomainError):  # paid: nothing more to take
        services.subject_counter_take(actor=users["operator"], purpose=Purpose.BOOKING, subject_id=booking.pk)
    assert ledger_check().ok, ledger_check().problems


def test_someone_else_cannot_pay_or_see_a_booking(
    shopper: Any, barber_slot: Slot, make_user: Any, community: Any
) -> None:
    booking = book(shopper, barber_slot)
    stranger = make_user(Role.RESIDENT, community)
    with pytest.raises(NotFound):
        services.subject_payment_start(actor=stranger, purpose=Purpose.BOOKING, subject_id=booking.pk)
    assert not Payment.objects.exists()


def test_ledger_check_finds_a_booking_that_disagrees_with_its_payment(
    shopper: Any, barber_slot: Slot, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    pay_online(shopper, booking, django_capture_on_commit_callbacks)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)  # cancelled without a refund
    problems = ledger_check().problems
    assert any(f"booking {booking.pk}" in p and "cancelled" in p for p in problems), problems


def test_the_company_collects_a_paid_booking_from_the_prepaid_fees_once(
    shopper: Any, barber_slot: Slot, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(shopper, barber_slot)
    pay_online(shopper, booking, django_capture_on_commit_callbacks)
    facility_services.booking_check_in(actor=users["operator"], booking=booking, now=barber_slot.starts_at)
    # the day is over (the nightly job posts only past days)
    starts = barber_slot.starts_at - dt.timedelta(days=3)
    Slot.objects.filter(pk=barber_slot.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    day = timezone.localtime(starts).date()
    external = ledger.external_account(shopper.community, Unit.FEN)
    external.refresh_from_db()
    before_external = external.balance

    revenue_collect(community=shopper.community, day=day)
    revenue_collect(community=shopper.community, day=day)  # the nightly job runs again: nothing twice

    assert prepaid_balance(shopper.community) == 0  # the fee moved from the prepaid fees to the company
    external.refresh_from_db()
    assert external.balance == before_external  # not counted a second time as money from outside
    assert ledger_check().ok, ledger_check().problems


def test_the_database_refuses_a_second_live_payment_for_one_booking(shopper: Any, barber_slot: Slot) -> None:
    booking = book(shopper, barber_slot)
    first = services.subject_payment_start(actor=shopper.user, purpose=Purpose.BOOKING, subject_id=booking.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            community=first.community,
            payer=first.payer,
            purpose=Purpose.BOOKING,
            subject_id=booking.pk,
            description="x",
            amount_fen=1500,
            provider="simulated",
            out_trade_no="DUP1",
            created_at=timezone.now(),
        )


def test_the_pay_page_and_the_api_for_a_booking_fee(shopper: Any, barber_slot: Slot, users: dict[str, Any]) -> None:
    from linli.conftest import client_for

    booking = book(shopper, barber_slot)
    page = client_for(shopper.user).get(f"/payments/for/booking/{booking.pk}/").content.decode()
    assert "在线支付 ¥15.00" in page and "柜台收款" not in page  # the counter form is the front desk's
    assert (
        "Pay ¥15.00 online"
        in client_for(shopper.user, "en").get(f"/payments/for/booking/{booking.pk}/").content.decode()
    )
    assert "柜台收款" in client_for(users["operator"]).get(f"/payments/for/booking/{booking.pk}/").content.decode()

    api = client_for(shopper.user)
    opened = api.post(
        "/api/v1/payments/for", {"purpose": "booking", "subject_id": booking.pk}, content_type="application/json"
    )
    assert opened.status_code == 201 and opened.json()["amount_fen"] == 1500 and opened.json()["code_url"]
    assert (
        api.post(
            "/api/v1/communities/shibei/payments/counter/for",
            {"purpose": "booking", "subject_id": booking.pk},
            content_type="application/json",
        ).status_code
        == 403
    )
    desk = client_for(users["operator"])
    bad = desk.post(
        "/api/v1/communities/shibei/payments/counter/for",
        {"purpose": "booking", "subject_id": booking.pk, "method": "gold"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "method" in bad.json()["error"]["fields"]
    taken = desk.post(
        "/api/v1/communities/shibei/payments/counter/for",
        {"purpose": "booking", "subject_id": booking.pk, "method": "cash"},
        content_type="application/json",
    )
    assert taken.status_code == 201 and taken.json()["status"] == "paid" and taken.json()["receipt_no"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Payment.objects.get(out_trade_no=opened.json()["out_trade_no"]).status == Payment.Status.CLOSED

"""Walked on a phone (390×844) in elder mode: a resident books a ¥15 haircut, which holds the place until paid, pays
it through the simulated gateway (QR page, the wallet, its notification) and sees the booking confirmed; the front
desk takes another resident's fee in cash at the counter from the day sheet."""

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import browser_login, make_resident, screenshot
from linli.facilities.models import Booking
from linli.facilities.tests.factories import make_facility, make_service, make_slot
from linli.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_pays_a_booking_fee_online_and_the_desk_takes_one_in_cash(page, shopper, community, make_user):
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60_000)
    hub = make_facility(community, "hub", name="喜柿天地")
    service = make_service(hub, name="爱心理发", kind="barber", price_fen=1500)
    now = timezone.localtime()
    slot = make_slot(service, starts_at=now.replace(hour=23, minute=0, second=0, microsecond=0), capacity=3)
    if slot.starts_at <= timezone.now():  # run just before midnight: tomorrow's
        slot.starts_at += timezone.timedelta(days=1)
        slot.ends_at += timezone.timedelta(days=1)
        slot.save()

    browser_login(page, shopper.user.mobile)
    page.goto(page.base_url + "/services/my/")
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    page.goto(page.base_url + f"/services/{community.code}/facilities/{hub.pk}/?date={slot.day:%Y-%m-%d}")
    page.click(f"form[action$='/slots/{slot.pk}/book/'] button")
    page.wait_for_load_state()
    booking = Booking.objects.get(resident=shopper)
    assert booking.status == "unpaid"
    assert f"/payments/for/booking/{booking.pk}/" in page.url  # straight to paying
    assert "¥15" in page.inner_text("[data-testid=amount]")
    assert fits(page)
    screenshot(page, "payments-booking-due-elder")
    page.click("[data-testid=pay-online]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=payment-qr] svg").count() == 1
    screenshot(page, "payments-booking-qr-elder")
    page.click("[data-testid=open-wallet]")  # what the phone's wallet shows after scanning
    page.wait_for_load_state()
    page.click("[data-testid=wallet-confirm]")  # the gateway notifies the platform, which confirms the booking
    page.wait_for_load_state()
    assert "已支付" in page.inner_text("[data-testid=payment-status]")
    page.click("[data-testid=see-subject]")
    page.wait_for_load_state()
    assert "已确认" in page.inner_text(f"[data-testid=booking-status-{booking.pk}]")
    assert fits(page)
    screenshot(page, "payments-booking-confirmed-elder")
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    # the front desk: a neighbour booked by phone, pays in cash at the counter
    operator = make_user(Role.OPERATOR, community, display_name="黄涛")
    neighbour = make_resident(community, name="王大伯", seq=41)
    from linli.facilities import services as facility_services

    held = facility_services.booking_create(actor=operator, slot=slot, resident=neighbour)
    page.context.clear_cookies()
    browser_login(page, operator.mobile)
    page.goto(page.base_url + f"/services/{community.code}/day/?date={slot.day:%Y-%m-%d}")
    assert "待支付" in page.inner_text(f"[data-testid=desk-booking-{held.pk}]")
    page.click(f"[data-testid=desk-pay-{held.pk}]")
    page.wait_for_load_state()
    page.select_option("select[name=method]", "cash")
    page.click("[data-testid=pay-counter] button")
    page.wait_for_load_state()
    receipt = Payment.objects.get(subject_id=held.pk, provider="counter").receipt_no
    assert page.inner_text("[data-testid=receipt-no]") == receipt
    screenshot(page, "payments-booking-counter")
    held.refresh_from_db()
    assert held.status == "confirmed"

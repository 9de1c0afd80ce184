from typing import Any

from django import template

from linli.facilities.hooks import booking_payment

register = template.Library()


@register.filter
def pay_url(booking: Any) -> str:
    """Where a booking awaiting payment is paid (the resident online, the front desk at the counter); "" if nowhere."""
    if booking.status != "unpaid" or booking_payment.pay_url is None:
        return ""
    return booking_payment.pay_url(booking)

"""How bookings reach the payments app without importing it (payments sits above facilities): it registers here
in its `AppConfig.ready`. With nothing registered, a fee is paid at the desk and a booking is confirmed at once."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BookingPaymentHooks:
    # where the booking's fee is paid: pay_url(booking) -> a page's path; None: no payment before confirming
    pay_url: Callable[[Any], str] | None = None
    # how long an unpaid booking holds its place before it is given up
    hold: dt.timedelta = dt.timedelta(minutes=30)
    # called inside `booking_cancel` (and a slot's cancel), the slot and the booking locked, before the booking
    # is cancelled: on_cancel(booking=, actor=, now=, reason=) closes an unpaid payment or refunds a paid one;
    # raising refuses the cancel and nothing changes
    on_cancel: list[Callable[..., None]] = field(default_factory=list)


booking_payment = BookingPaymentHooks()

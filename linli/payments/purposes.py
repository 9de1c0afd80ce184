"""What a payment other than a 街坊汇 order pays for (a booking's fee; classes and meals register the same way):
one handler per purpose, told by `Payment.subject_id` which booking, enrolment or meal order it is.

Payments sit above facilities and ledger and below the community domains, so a domain above (courses, canteen)
registers its own handler from its `AppConfig.ready`; bookings' is here, as payments may read facilities."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, NotFound
from linli.facilities import rules as facility_rules
from linli.facilities import services as facility_services
from linli.facilities.models import Booking
from linli.people.models import Resident
from linli.places.models import Community

from .models import Purpose


@dataclass(frozen=True)
class Due:
    """What is to be paid for a subject, as the server reads it (never an amount sent by the browser)."""

    community: Community
    payer: Resident
    amount_fen: int
    description: str
    # where the payer sees what they paid for, once paid
    url: str


@dataclass(frozen=True)
class PurposeHandler:
    purpose: str
    # due(subject_id, actor) -> what to pay; NotFound when the actor may not see it, DomainError when it is not
    # awaiting payment (already paid, cancelled, free)
    due: Callable[[int, Any], Due]
    # lock(subject_id): take the subject's locks before the payment's row (the order its own writes take them)
    lock: Callable[[int], None]
    # paid(subject_id, now) -> "" when the subject is now paid for, else why not (the money then goes back)
    paid: Callable[[int, dt.datetime], str]
    # url(subject_id) -> where the payer sees it
    url: Callable[[int], str]
    # for `ledger_check`: states(ids) -> {id: status}; a payment paid and kept must not go with a status in
    # `paid_not`, one awaited or refunded in full not with a status in `unpaid_not`
    states: Callable[[list[int]], dict[int, str]]
    paid_not: frozenset[str]
    unpaid_not: frozenset[str]


HANDLERS: dict[str, PurposeHandler] = {}


def register(handler: PurposeHandler) -> None:
    HANDLERS[handler.purpose] = handler


def handler_for(purpose: str) -> PurposeHandler:
    handler = HANDLERS.get(purpose)
    if handler is None:
        raise DomainError(_("This cannot be paid here."), code="unknown_purpose", field="purpose")
    return handler


# --- bookings with a fee ------------------------------------------------------------------------------------


def _booking_due(booking_id: int, actor: Any) -> Due:
    booking = (
        Booking.objects.select_related("resident__community", "slot__service__facility", "community")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not (
        facility_rules.may_act_for(actor, booking.resident)
        or facility_rules.can_run_front_desk(actor, booking.community)
    ):
        raise NotFound(_("No such booking."))
    if booking.status != Booking.Status.UNPAID:
        raise DomainError(_("This booking is not awaiting payment."), code="not_payable")
    if booking.pay_by is not None and booking.pay_by < timezone.now():
        raise DomainError(
            _("The time to pay for this booking has passed; book again if places are free."), code="pay_by_passed"
        )
    local = timezone.localtime(booking.slot.starts_at)
    service = booking.slot.service
    return Due(
        community=booking.community,
        payer=booking.resident,
        amount_fen=booking.price_fen,
        description=f"{service.facility.name} · {service.name} {local:%m-%d %H:%M}"[:120],
        url="/services/my/",
    )


def _booking_paid(booking_id: int, now: dt.datetime) -> str:
    return facility_services.booking_paid(booking_id=booking_id, now=now)


def _booking_lock(booking_id: int) -> None:
    facility_services.booking_lock(booking_id=booking_id)


register(
    PurposeHandler(
        purpose=Purpose.BOOKING,
        due=_booking_due,
        lock=_booking_lock,
        paid=_booking_paid,
        url=lambda booking_id: "/services/my/",
        states=lambda ids: dict(Booking.objects.filter(pk__in=ids).values_list("pk", "status")),
        paid_not=frozenset({Booking.Status.UNPAID, Booking.Status.CANCELLED, Booking.Status.WAITLISTED}),
        unpaid_not=frozenset({Booking.Status.CONFIRMED, Booking.Status.ATTENDED}),
    )
)

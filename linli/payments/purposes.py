"""What a payment other than a 街坊汇 order pays for (a booking's fee; classes and meals register the same way):
one handler per purpose, told by `Payment.subject_id` which booking, enrolment or meal order it is.

Payments sit above facilities and ledger and below the community domains, so a domain above (courses, canteen)
registers its own handler from its `AppConfig.ready`; bookings' is here, as payments may read facilities."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotFound
from linli.facilities import rules as facility_rules
from linli.facilities import services as facility_services
from linli.facilities.models import Booking
from linli.people.models import Resident
from linli.places.models import Community

from .models import Purpose

Subject = TypeVar("Subject", bound=models.Model)

# where a resident sees their bookings, classes and meals
MY_SERVICES_URL = "/services/my/"


@dataclass(frozen=True)
class Due:
    """What is to be paid for a subject, as the server reads it (never an amount sent by the browser)."""

    community: Community
    payer: Resident
    amount_fen: int
    description: str
    # where the payer sees what they paid for, once paid
    url: str = MY_SERVICES_URL


@dataclass(frozen=True)
class PurposeHandler:
    purpose: str
    # due(subject_id, actor, now) -> what to pay at `now`; NotFound when the actor may not see it, DomainError when
    # it is not awaiting payment (already paid, cancelled, free, its time to pay passed)
    due: Callable[[int, Any, dt.datetime], Due]
    # lock(subject_id): take the subject's locks before the payment's row (the order its own writes take them)
    lock: Callable[[int], None]
    # paid(subject_id, now) -> "" when the subject is now paid for, else why not (the money then goes back)
    paid: Callable[[int, dt.datetime], str]
    # for `ledger_check`: states(ids) -> {id: status}; a payment paid and kept must not go with a status in
    # `paid_not`, one awaited or refunded in full not with a status in `unpaid_not`
    states: Callable[[list[int]], dict[int, str]]
    paid_not: frozenset[str]
    unpaid_not: frozenset[str]
    # url(subject_id) -> where the payer sees it
    url: Callable[[int], str] = lambda subject_id: MY_SERVICES_URL
    # describe(subject_ids) -> {id: what was paid for, in the active language}, for a purpose whose stored
    # description would leave out words the reader reads in their own language (a meal's name); None: the stored
    # description says it all (names, dates, times)
    describe: Callable[[list[int]], dict[int, str]] | None = None


HANDLERS: dict[str, PurposeHandler] = {}


def register(handler: PurposeHandler) -> None:
    HANDLERS[handler.purpose] = handler


def statuses_of(model: type[models.Model]) -> Callable[[list[int]], dict[int, str]]:
    """A handler's `states` for a subject whose model keeps a `status`."""

    def states(ids: list[int]) -> dict[int, str]:
        return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "status"))

    return states


def payable_subject(
    model: type[Subject],
    subject_id: int,
    actor: Actor,
    *,
    related: tuple[str, ...],
    missing: str,
    staff: Callable[[Any, Community], bool] | None = None,
) -> tuple[Subject, Resident]:
    """The booking, enrolment or meal order and its payer, if the actor may see what it costs: the payer and those
    who act for them, the front desk, and `staff` where the domain names more; else `NotFound` saying `missing`."""
    rows = model._default_manager.select_related("resident__community", "community", *related)
    found = rows.filter(pk=subject_id).first()
    payer: Resident | None = getattr(found, "resident", None)
    community: Community | None = getattr(found, "community", None)
    if (
        found is None
        or payer is None
        or community is None
        or not (
            facility_rules.may_act_for(actor, payer)
            or facility_rules.can_run_front_desk(actor, community)
            or (staff is not None and staff(actor, community))
        )
    ):
        raise NotFound(missing)
    return found, payer


def ensure_before_pay_by(pay_by: dt.datetime | None, passed: str, *, now: dt.datetime) -> None:
    """A held place's time to pay has not passed at `now` (`passed` says what to do instead)."""
    if pay_by is not None and pay_by < now:
        raise DomainError(passed, code="pay_by_passed")


def handler_for(purpose: str) -> PurposeHandler:
    handler = HANDLERS.get(purpose)
    if handler is None:
        raise DomainError(_("This cannot be paid here."), code="unknown_purpose", field="purpose")
    return handler


# --- bookings with a fee ------------------------------------------------------------------------------------


def _booking_due(booking_id: int, actor: Actor, now: dt.datetime) -> Due:
    booking, payer = payable_subject(
        Booking, booking_id, actor, related=("slot__service__facility",), missing=_("No such booking.")
    )
    if booking.status != Booking.Status.UNPAID:
        raise DomainError(_("This booking is not awaiting payment."), code="not_payable")
    ensure_before_pay_by(
        booking.pay_by, _("The time to pay for this booking has passed; book again if places are free."), now=now
    )
    local = timezone.localtime(booking.slot.starts_at)
    service = booking.slot.service
    return Due(
        community=booking.community,
        payer=payer,
        amount_fen=booking.price_fen,
        description=f"{service.facility.name} · {service.name} {local:%m-%d %H:%M}"[:120],
    )


register(
    PurposeHandler(
        purpose=Purpose.BOOKING,
        due=_booking_due,
        lock=lambda booking_id: facility_services.booking_lock(booking_id=booking_id),
        paid=lambda booking_id, now: facility_services.booking_paid(booking_id=booking_id, now=now),
        states=statuses_of(Booking),
        paid_not=frozenset({Booking.Status.UNPAID, Booking.Status.CANCELLED, Booking.Status.WAITLISTED}),
        unpaid_not=frozenset({Booking.Status.CONFIRMED, Booking.Status.ATTENDED}),
    )
)

"""Class fees paid through payments: the handler the payments app calls for an enrolment (registered in `apps`)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, NotFound
from linli.facilities import rules as facility_rules
from linli.payments.models import Purpose
from linli.payments.purposes import Due, PurposeHandler

from . import rules, services
from .models import Enrolment


def _due(enrolment_id: int, actor: Any) -> Due:
    enrolment = (
        Enrolment.objects.select_related("resident__community", "course", "community").filter(pk=enrolment_id).first()
    )
    if (
        enrolment is None
        or enrolment.resident is None
        or not (
            facility_rules.may_act_for(actor, enrolment.resident)
            or rules.can_manage_courses(actor, enrolment.community)
            or facility_rules.can_run_front_desk(actor, enrolment.community)
        )
    ):
        raise NotFound(_("No such enrolment."))
    if enrolment.status != Enrolment.Status.UNPAID:
        raise DomainError(_("This enrolment is not awaiting payment."), code="not_payable")
    if enrolment.pay_by is not None and enrolment.pay_by < timezone.now():
        raise DomainError(
            _("The time to pay for this seat has passed; enrol again if seats are free."), code="pay_by_passed"
        )
    return Due(
        community=enrolment.community,
        payer=enrolment.resident,
        amount_fen=enrolment.price_fen,
        description=f"{enrolment.course.title} · {enrolment.resident.name}"[:120],
        url="/services/my/",
    )


def _paid(enrolment_id: int, now: dt.datetime) -> str:
    return services.enrolment_paid(enrolment_id=enrolment_id, now=now)


def _lock(enrolment_id: int) -> None:
    services.enrolment_lock(enrolment_id=enrolment_id)


def _states(ids: list[int]) -> dict[int, str]:
    return dict(Enrolment.objects.filter(pk__in=ids).values_list("pk", "status"))


HANDLER = PurposeHandler(
    purpose=Purpose.COURSE,
    due=_due,
    lock=_lock,
    paid=_paid,
    url=lambda enrolment_id: "/services/my/",
    states=_states,
    # a seat paid for may be withdrawn later with part of the fee back (the cancellation rule)
    paid_not=frozenset({Enrolment.Status.UNPAID, Enrolment.Status.WAITLISTED}),
    unpaid_not=frozenset({Enrolment.Status.ENROLLED}),
)

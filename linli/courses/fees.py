"""Class fees paid through payments: the handler the payments app calls for an enrolment (registered in `apps`)."""

import datetime as dt

from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError
from linli.payments.models import Purpose
from linli.payments.purposes import Due, PurposeHandler, ensure_before_pay_by, payable_subject, statuses_of

from . import rules, services
from .models import Enrolment


def _due(enrolment_id: int, actor: Actor, now: dt.datetime) -> Due:
    enrolment, payer = payable_subject(
        Enrolment,
        enrolment_id,
        actor,
        related=("course",),
        missing=_("No such enrolment."),
        staff=rules.can_manage_courses,
    )
    if enrolment.status != Enrolment.Status.UNPAID:
        raise DomainError(_("This enrolment is not awaiting payment."), code="not_payable")
    ensure_before_pay_by(
        enrolment.pay_by, _("The time to pay for this seat has passed; enrol again if seats are free."), now=now
    )
    return Due(
        community=enrolment.community,
        payer=payer,
        amount_fen=enrolment.price_fen,
        description=f"{enrolment.course.title} · {payer.name}"[:120],
    )


HANDLER = PurposeHandler(
    purpose=Purpose.COURSE,
    due=_due,
    lock=lambda enrolment_id: services.enrolment_lock(enrolment_id=enrolment_id),
    paid=lambda enrolment_id, now: services.enrolment_paid(enrolment_id=enrolment_id, now=now),
    states=statuses_of(Enrolment),
    # a seat paid for may be withdrawn later with part of the fee back (the cancellation rule)
    paid_not=frozenset({Enrolment.Status.UNPAID, Enrolment.Status.WAITLISTED}),
    unpaid_not=frozenset({Enrolment.Status.ENROLLED}),
)

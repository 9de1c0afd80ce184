"""Recording a waste-sorting check. A correct result earns points by the community's `waste_sorting` rule, with
its daily and yearly caps, for the household's head (or its oldest member living there)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.ledger.codes import RuleCode
from linli.ledger.services import points_earn
from linli.people.models import Resident
from linli.people.rules import current
from linli.places.models import Household

from . import rules
from .models import SortingCheck


def points_holder(household: Household) -> Resident | None:
    """Who a household's points go to: its head if living here, else its oldest member living here."""
    members = Resident.objects.filter(current(), household=household)
    return (
        members.filter(relation_to_head=Resident.Relation.HEAD).order_by("pk").first()
        or members.order_by("birth_date", "pk").first()
    )


def sorting_check_record(
    *,
    actor: Actor,
    household: Household,
    result: str,
    on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> SortingCheck:
    """`on` is the day of the check (default today); `today` the day it is recorded (the demo plays past days)."""
    community = household.community
    if not rules.can_check(actor, community):
        raise NotAllowed(_("You may not record waste-sorting checks in this community."))
    if result not in SortingCheck.Result.values:
        raise DomainError(_("Choose one of the results."), field="result")
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise DomainError(_("A check cannot be recorded for a future day."), field="checked_on")
    if on < today - dt.timedelta(days=7):
        raise DomainError(_("Record a check within a week of the day it was made."), field="checked_on")
    note = note.strip()
    if len(note) > 200:
        raise DomainError(_("Keep the note under 200 characters."), field="note")
    holder = points_holder(household)
    if holder is None:
        raise NotFound(_("Nobody lives in this household now."), field="household", code="empty_household")
    try:
        with transaction.atomic():
            check = SortingCheck.objects.create(
                community=community,
                household=household,
                checked_on=on,
                result=result,
                note=note,
                inspector=account_of(actor),
            )
            if result == SortingCheck.Result.CORRECT:
                earned = points_earn(
                    community=community,
                    resident=holder,
                    rule_code=RuleCode.WASTE_SORTING,
                    idempotency_key=f"waste-sorting:{check.pk}",
                    actor=actor,
                    memo=str(household),
                    now=timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
                    if on != timezone.localdate()
                    else None,
                )
                check.awarded_to, check.points = holder, earned.points
                check.save(update_fields=["awarded_to", "points"])
            audit_record(actor=actor, action="waste.check", instance=check, after=snapshot(check))
    except IntegrityError:
        raise Conflict(
            _("This household's sorting has already been checked on %(day)s.") % {"day": on},
            code="already_checked",
        ) from None
    return check

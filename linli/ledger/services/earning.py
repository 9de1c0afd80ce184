"""Earning points by the community's rules, within their daily and yearly caps."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, NotFound
from linli.people.models import Resident
from linli.places.models import Community

from .. import selectors
from ..models import Account, EarningRule, Entry, Transaction, TransactionKind, Unit
from .accounts import earning_rules_seed, funding_account, resident_account
from .posting import _fingerprint, _key, _once, _post, lock_accounts, whole_amount


@dataclass(frozen=True)
class EarnResult:
    points: int
    transaction: Transaction | None
    asked: int = 0

    @property
    def capped(self) -> bool:
        return self.points < self.asked


# --- earning --------------------------------------------------------------------------------------------------


def _local_day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    day = timezone.make_aware(dt.datetime(local.year, local.month, local.day))
    return day, day + dt.timedelta(days=1), selectors.year_start(local.year), selectors.year_start(local.year + 1)


def _already_earned(
    account: Account, rule: EarningRule, start: dt.datetime, end: dt.datetime, day: tuple[dt.datetime, dt.datetime]
) -> tuple[int, int]:
    """What the account earned by the rule from `start` to `end`, and within `day` (inside that span), in one query."""
    totals = Entry.objects.filter(
        account=account,
        transaction__kind=TransactionKind.EARN,
        transaction__rule_code=rule.code,
        occurred_at__gte=start,
        occurred_at__lt=end,
        transaction__reversed_by__isnull=True,
    ).aggregate(span=Sum("amount"), day=Sum("amount", filter=Q(occurred_at__gte=day[0], occurred_at__lt=day[1])))
    return int(totals["span"] or 0), int(totals["day"] or 0)


def earning_rule_get(community: Community, code: str) -> EarningRule:
    rule = EarningRule.objects.filter(community=community, code=code).first()
    if rule is None:  # the community's first use of its rules: store the defaults, then read again
        earning_rules_seed(community)
        rule = EarningRule.objects.filter(community=community, code=code).first()
    if rule is None:
        raise DomainError(
            _("There is no earning rule “%(code)s” in this community.") % {"code": code},
            code="unknown_rule",
            field="rule_code",
        )
    if not rule.enabled:
        raise DomainError(
            _("The earning rule “%(name)s” is switched off in this community.") % {"name": rule.label},
            code="rule_disabled",
            field="rule_code",
        )
    return rule


def points_earn(
    *,
    community: Community,
    resident: Resident,
    rule_code: str,
    quantity: int = 1,
    idempotency_key: str,
    actor: Any = None,
    memo: str = "",
    now: dt.datetime | None = None,
) -> EarnResult:
    """Award points by the community's rule `rule_code` for `quantity` units (hours, attendances…).

    Daily and yearly caps apply per resident and rule: the award may be smaller than asked, or 0 (then
    `transaction` is None). The rule's funding source pays. Other domains earn points only through here."""
    key = _key(idempotency_key)
    quantity = whole_amount(quantity, field="quantity", maximum=10_000)
    if not isinstance(resident, Resident) or resident.pk is None:
        raise NotFound(_("No such resident."), field="resident", code="unknown_resident")
    if resident.community_id != community.pk:
        raise NotFound(
            _("This resident is not registered in this community."), field="resident", code="other_community"
        )
    rule = earning_rule_get(community, rule_code)
    now = now or timezone.now()
    fingerprint = _fingerprint(op="earn", resident=resident.pk, rule=rule.code, quantity=quantity)

    def operation() -> EarnResult:
        to = resident_account(resident, Unit.POINTS)
        source = funding_account(community, rule.funding_code, Unit.POINTS)
        locked = lock_accounts([to, source])  # the resident's row serialises the cap check
        asked = rule.points * quantity
        day_start, day_end, year_start, year_end = _local_day_bounds(now)
        room = asked
        if rule.daily_cap is not None or rule.yearly_cap is not None:
            # the year's and the day's earnings in one query (the day lies within its year)
            year, day = _already_earned(
                to,
                rule,
                *((year_start, year_end) if rule.yearly_cap is not None else (day_start, day_end)),
                day=(day_start, day_end),
            )
            if rule.daily_cap is not None:
                room = min(room, rule.daily_cap - day)
            if rule.yearly_cap is not None:
                room = min(room, rule.yearly_cap - year)
        points = max(0, room)
        legs = [(source, -points), (to, points)] if points else []
        txn = _post(
            community=community,
            kind=TransactionKind.EARN,
            key=key,
            fingerprint=fingerprint,
            legs=legs,
            actor=actor,
            memo=memo,
            now=now,
            rule_code=rule.code,
            locked=locked,
            audit=("points.earn", {"rule": rule.code, "quantity": quantity, "asked": asked, "awarded": points}),
        )
        return EarnResult(points=points, transaction=txn if points else None, asked=asked)

    def replay(txn: Transaction) -> EarnResult:
        points = sum(e.amount for e in txn.entries.all() if e.amount > 0)
        return EarnResult(points=points, transaction=txn if points else None, asked=rule.points * quantity)

    return _once(community, key, fingerprint, operation, replay)

"""Earning points by the community's rules, within their daily and yearly caps."""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, audit_row, snapshot
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.people.models import Resident
from linli.places.models import Community

from .. import rules
from ..codes import FUNDING_CODES, FundingCode
from ..models import MAX_CAP, MAX_RULE_POINTS, Account, EarningRule, Entry, Transaction, TransactionKind, Unit
from .accounts import earning_rules_seed, funding_account, resident_account
from .posting import WrittenEntry, _fingerprint, _key, _once, _post, _prepared_cursor, lock_accounts, whole_amount


@dataclass(frozen=True)
class EarnResult:
    points: int
    transaction: Transaction | None
    asked: int = 0

    @property
    def capped(self) -> bool:
        return self.points < self.asked


# --- the community's earning rules ----------------------------------------------------------------------------

RULE_FIELDS = frozenset({"name", "points", "daily_cap", "monthly_cap", "yearly_cap", "funding_code", "enabled"})
CODE_FORMAT = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _rule_values(changes: dict[str, Any]) -> dict[str, Any]:
    """Check the fields of a rule being added or changed; return them cleaned."""
    if set(changes) - RULE_FIELDS:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(changes) - RULE_FIELDS))}
        )
    if "name" in changes:
        name = (changes["name"] or "").strip() if isinstance(changes["name"], str | None) else None
        if name is None or len(name) > 60:
            raise DomainError(_("Enter at most %(n)s characters.") % {"n": 60}, field="name", code="too_long")
        changes["name"] = name
    if "points" in changes:
        whole_amount(changes["points"], field="points", maximum=MAX_RULE_POINTS)
    for cap in ("daily_cap", "monthly_cap", "yearly_cap"):
        if changes.get(cap) is not None:
            whole_amount(changes[cap], field=cap, maximum=MAX_CAP)
    if "funding_code" in changes and changes["funding_code"] not in FUNDING_CODES:
        raise DomainError(_("Unknown funding source."), field="funding_code")
    return changes


def _caps_in_order(rule: EarningRule) -> None:
    """A day's cap no higher than the month's, the month's no higher than the year's (where both are set)."""
    pairs = [("daily_cap", "monthly_cap"), ("monthly_cap", "yearly_cap"), ("daily_cap", "yearly_cap")]
    for small, large in pairs:
        low, high = getattr(rule, small), getattr(rule, large)
        if low is not None and high is not None and low > high:
            raise DomainError(
                _("The daily cap cannot be higher than the monthly or yearly cap.")
                if small == "daily_cap"
                else _("The monthly cap cannot be higher than the yearly cap."),
                field=small,
                code="caps_out_of_order",
            )


def earning_rule_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    points: int,
    code: str = "",
    daily_cap: int | None = None,
    monthly_cap: int | None = None,
    yearly_cap: int | None = None,
    funding_code: str = FundingCode.COMMUNITY_FUND,
    enabled: bool = True,
) -> EarningRule:
    """A rule of the community's own (e.g. points per hour at a free clinic, paid by the 街道). Without a `code`
    one is made up (`rule_2`, …); the code names the rule to the services that earn by it."""
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not change this community's earning rules."))
    values = _rule_values(
        {
            "name": name,
            "points": points,
            "daily_cap": daily_cap,
            "monthly_cap": monthly_cap,
            "yearly_cap": yearly_cap,
            "funding_code": funding_code,
            "enabled": bool(enabled),
        }
    )
    if not values["name"]:
        raise DomainError(_("This field is required."), field="name", code="required")
    code = (code or "").strip()
    if code and (not CODE_FORMAT.match(code) or code == "new"):
        raise DomainError(
            _("A code is 2 to 40 small letters, digits or underscores, starting with a letter."),
            field="code",
            code="bad_code",
        )
    with transaction.atomic():
        earning_rules_seed(community)
        existing = EarningRule.objects.select_for_update().filter(community=community)
        taken = set(existing.values_list("code", flat=True))
        names = {r.label for r in existing}
        if values["name"] in names:
            raise DomainError(_("A rule of this name already exists."), field="name", code="duplicate")
        if code in taken:
            raise DomainError(_("A rule with this code already exists."), field="code", code="duplicate")
        if not code:
            code = next(f"rule_{n}" for n in range(len(taken) + 1, len(taken) + 1000) if f"rule_{n}" not in taken)
        rule = EarningRule(community=community, code=code, **values)
        _caps_in_order(rule)
        rule.save()
        audit_record(actor=actor, action="earning_rule.create", instance=rule, after=snapshot(rule))
    return rule


def earning_rule_update(*, actor: Actor, rule: EarningRule, **changes: Any) -> EarningRule:
    """Change a rule: name, points per unit, the daily, monthly and yearly caps (None: no cap), who pays, on or
    off. The new values apply to points earned from now on."""
    if not rules.can_manage_ledger(actor, rule.community):
        raise NotAllowed(_("You may not change this community's earning rules."))
    changes = _rule_values(dict(changes))
    with transaction.atomic():
        earning_rules_seed(rule.community)  # a rule still at its defaults is stored first
        locked = EarningRule.objects.select_for_update().get(community=rule.community, code=rule.code)
        before = snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        _caps_in_order(locked)
        locked.save(update_fields=list(changes))
        audit_record(actor=actor, action="earning_rule.update", instance=locked, before=before, after=snapshot(locked))
    return locked


# --- earning --------------------------------------------------------------------------------------------------


class _Bounds(NamedTuple):
    day_start: dt.datetime
    day_end: dt.datetime
    month_start: dt.datetime
    month_end: dt.datetime
    year_start: dt.datetime
    year_end: dt.datetime


def _local_bounds(now: dt.datetime) -> _Bounds:
    """The local day, month and year that `now` falls in (the caps count by them), worked out once a day."""
    local = timezone.localtime(now)
    return _bounds_of(local.date(), local.tzinfo)


@functools.lru_cache(maxsize=16)
def _bounds_of(day: dt.date, zone: dt.tzinfo | None) -> _Bounds:
    def midnight(year: int, month: int, day: int = 1) -> dt.datetime:
        return timezone.make_aware(dt.datetime(year, month, day), zone)

    start = midnight(day.year, day.month, day.day)
    return _Bounds(
        start,
        start + dt.timedelta(days=1),
        midnight(day.year, day.month),
        midnight(day.year + day.month // 12, day.month % 12 + 1),
        midnight(day.year, 1),
        midnight(day.year + 1, 1),
    )


def _local_day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    bounds = _local_bounds(now)
    return bounds.day_start, bounds.day_end, bounds.year_start, bounds.year_end


def _local_month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    bounds = _local_bounds(now)
    return bounds.month_start, bounds.month_end


def _already_earned(
    account: Account,
    rule: EarningRule,
    start: dt.datetime,
    end: dt.datetime,
    *,
    day: tuple[dt.datetime, dt.datetime],
    month: tuple[dt.datetime, dt.datetime],
) -> tuple[int, int, int]:
    """What the account earned by the rule from `start` to `end`, and within `day` and `month` (inside that span),
    in one query."""
    totals = Entry.objects.filter(
        account=account,
        transaction__kind=TransactionKind.EARN,
        transaction__rule_code=rule.code,
        occurred_at__gte=start,
        occurred_at__lt=end,
        transaction__reversed_by__isnull=True,
    ).aggregate(
        span=Sum("amount"),
        day=Sum("amount", filter=Q(occurred_at__gte=day[0], occurred_at__lt=day[1])),
        month=Sum("amount", filter=Q(occurred_at__gte=month[0], occurred_at__lt=month[1])),
    )
    return int(totals["span"] or 0), int(totals["day"] or 0), int(totals["month"] or 0)


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
    actor: "Actor | None" = None,
    memo: str = "",
    now: dt.datetime | None = None,
) -> EarnResult:
    """Award points by the community's rule `rule_code` for `quantity` units (hours, attendances…).

    Daily, monthly and yearly caps apply per resident and rule: the award may be smaller than asked, or 0 (then
    `transaction` is None). The rule's funding source pays. Other domains earn points only through here."""
    key = _key(idempotency_key)
    quantity = whole_amount(quantity, field="quantity", maximum=10_000)
    if not isinstance(resident, Resident) or resident.pk is None:
        raise NotFound(_("No such resident."), field="resident", code="unknown_resident")
    if resident.community_id != community.pk:
        raise NotFound(
            _("This resident is not registered in this community."), field="resident", code="other_community"
        )
    now = now or timezone.now()
    fingerprint = _fingerprint(op="earn", resident=resident.pk, rule=rule_code, quantity=quantity)

    def operation() -> EarnResult:
        rule = earning_rule_get(community, rule_code)
        to = resident_account(resident, Unit.POINTS)
        source = funding_account(community, rule.funding_code, Unit.POINTS)
        locked = lock_accounts([to, source])  # the resident's row serialises the cap check
        asked = rule.points * quantity
        day_start, day_end, year_start, year_end = _local_day_bounds(now)
        room = asked
        if rule.daily_cap is not None or rule.monthly_cap is not None or rule.yearly_cap is not None:
            # the year's, month's and day's earnings in one query (each lies within the one before)
            day_span, month_span = (day_start, day_end), _local_month_bounds(now)
            span = (year_start, year_end) if rule.yearly_cap is not None else month_span
            year, day, month = _already_earned(to, rule, *span, day=day_span, month=month_span)
            if rule.daily_cap is not None:
                room = min(room, rule.daily_cap - day)
            if rule.monthly_cap is not None:
                room = min(room, rule.monthly_cap - month)
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

    def one_statement() -> EarnResult:
        earned = _earn_pg(community, resident, rule_code, quantity, key, fingerprint, actor, memo, now)
        if earned is not None:
            return earned
        with transaction.atomic():  # the rule or an account to open first, or a refusal to word
            return operation()

    def replay(txn: Transaction) -> EarnResult:
        points = sum(e.amount for e in txn.entries.all() if e.amount > 0)
        return EarnResult(
            points=points,
            transaction=txn if points else None,
            asked=earning_rule_get(community, rule_code).points * quantity,
        )

    if connection.vendor == "postgresql":
        return _once(community, key, fingerprint, one_statement, replay, one_statement=True)
    return _once(community, key, fingerprint, operation, replay)


# One call of the earning function (migration ledger/0009): the rule and both accounts found, locked in key order,
# the caps summed and the award posted in one statement. No row: the general path decides.
_EARN_SQL = """SELECT * FROM ledger_earn(
    %(community)s, %(resident)s, %(rule_code)s, %(quantity)s, %(key)s, %(fingerprint)s, %(memo)s, %(occurred_at)s,
    %(actor)s, %(day_start)s, %(day_end)s, %(month_start)s, %(month_end)s, %(year_start)s, %(year_end)s, %(at)s,
    %(audit_actor)s, %(object_type)s, %(after)s)"""


def _earn_pg(
    community: Community,
    resident: Resident,
    rule_code: str,
    quantity: int,
    key: str,
    fingerprint: str,
    actor: "Actor | None",
    memo: str,
    now: dt.datetime,
) -> EarnResult | None:
    bounds = _local_bounds(now)
    txn = Transaction(
        community=community,
        kind=TransactionKind.EARN,
        idempotency_key=key,
        fingerprint=fingerprint,
        rule_code=rule_code,
        memo=memo[:200],
        actor=account_of(actor) if getattr(actor, "is_authenticated", False) else None,
        occurred_at=now,
    )
    row = audit_row(
        actor=txn.actor,
        action="points.earn",
        object_type=Transaction._meta.label_lower,
        community=community,
        after={"rule": rule_code, "quantity": quantity},
    )
    params = {
        "community": community.pk,
        "resident": resident.pk,
        "rule_code": rule_code,
        "quantity": quantity,
        "key": key,
        "fingerprint": fingerprint,
        "memo": txn.memo,
        "occurred_at": now,
        "actor": txn.actor_id,
        "day_start": bounds.day_start,
        "day_end": bounds.day_end,
        "month_start": bounds.month_start,
        "month_end": bounds.month_end,
        "year_start": bounds.year_start,
        "year_end": bounds.year_end,
        "at": timezone.now(),
        "audit_actor": row["actor_id"],
        "object_type": row["object_type"],
        "after": Jsonb(row["after"]),
    }
    with _prepared_cursor() as cursor:
        cursor.execute(_EARN_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    awarded, asked = int(rows[0][0]), int(rows[0][1])
    if not awarded:
        return EarnResult(points=0, transaction=None, asked=asked)
    txn.pk = rows[0][3]
    txn._state.adding = False
    txn._state.db = connection.alias
    txn._written_entries = [  # type: ignore[attr-defined]
        WrittenEntry(pk, account, unit, amount, after) for _a, _b, pk, _txn, account, unit, amount, after in rows
    ]
    return EarnResult(points=awarded, transaction=txn, asked=asked)

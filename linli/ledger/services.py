"""Moving value. Every function here that moves points or money:

- takes an idempotency key (unique per community): a retry with the same key returns the first result and moves
  nothing; the same key with different arguments is refused;
- writes one `Transaction` whose entries sum to zero per unit, in one database transaction;
- locks every account it touches (`select_for_update`, primary-key order, after any product or order row),
  updates their balances in that transaction and refuses to take any account below its floor;
- records an audit row in the same transaction.
"""

import copy
import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import BigIntegerField, Case, F, Q, Sum, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from linli.accounts.models import Role, RoleAssignment
from linli.audit.services import audit_record, audit_row, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import notify
from linli.people.models import Resident
from linli.places.models import Community

from . import rules, selectors
from .codes import FUNDING_CODES
from .models import (
    MAX_CAP,
    MAX_ORDER_QUANTITY,
    MAX_POLICY_NUMBER,
    MAX_PRICE_FEN,
    MAX_PRICE_POINTS,
    MAX_RULE_POINTS,
    MAX_STOCK,
    Account,
    AccountKind,
    EarningRule,
    Entry,
    ExpiryNotice,
    LedgerSettings,
    Merchant,
    Order,
    Product,
    Settlement,
    Transaction,
    TransactionKind,
    Unit,
)

T = TypeVar("T")
MAX_AMOUNT = 10**12  # a trillion fen or points: anything larger is a mistake, not a payment
MONEY_KINDS = frozenset(
    {
        TransactionKind.TRANSFER,
        TransactionKind.DEPOSIT,
        TransactionKind.SUBSIDY,
        TransactionKind.REVENUE,
        TransactionKind.GRANT,
    }
)
REVERSIBLE_KINDS = MONEY_KINDS | {TransactionKind.EARN, TransactionKind.EXPIRE}


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


@dataclass(frozen=True)
class EarnResult:
    points: int
    transaction: Transaction | None
    asked: int = 0

    @property
    def capped(self) -> bool:
        return self.points < self.asked


# --- checking input -------------------------------------------------------------------------------------------


def whole_amount(value: Any, *, field: str = "amount", maximum: int = MAX_AMOUNT) -> int:
    """A positive whole number, or a clear refusal. Booleans, floats, decimals and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Enter a whole number."), field=field, code="not_whole_number")
    if value <= 0:
        raise DomainError(_("The amount must be greater than zero."), field=field, code="amount_not_positive")
    if value > maximum:
        raise DomainError(_("The amount is too large."), field=field, code="amount_too_large")
    return value


def _key(value: Any) -> str:
    key = value.strip() if isinstance(value, str) else ""
    if not key or len(key) > 120:
        raise DomainError(
            _("An idempotency key of 1–120 characters is required."), field="idempotency_key", code="idempotency_key"
        )
    return key


def _fingerprint(**params: Any) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


def _in_community(account: Any, community: Community, field: str) -> Account:
    if not isinstance(account, Account) or account.pk is None:
        raise NotFound(_("No such account."), field=field, code="unknown_account")
    if account.community_id != community.pk:
        raise NotFound(_("This account belongs to another community."), field=field, code="other_community")
    return account


# --- the core: post a transaction -----------------------------------------------------------------------------


def _existing(community: Community, key: str, fingerprint: str) -> Transaction | None:
    existing = Transaction.objects.filter(community=community, idempotency_key=key).first()
    if existing is not None and existing.fingerprint != fingerprint:
        raise Conflict(
            _("This idempotency key was already used for a different operation."), code="idempotency_key_reused"
        )
    return existing


def _once(
    community: Community,
    key: str,
    fingerprint: str,
    operation: Callable[[], T],
    replay: Callable[[Transaction], T],
    *,
    precheck: bool = False,
    one_statement: bool = False,
) -> T:
    """Run `operation` once per (community, key). A retry, even one racing the first call, gets `replay`.

    The unique (community, key) index decides: the operation inserts its transaction row first thing, and a
    second attempt with the key waits for the first to commit, then fails on the index and replays it.
    Operations that may refuse before writing (out of stock, nothing to settle) look the key up first
    (`precheck`), so that a retry of a success is never refused. An operation that is `one_statement` on
    PostgreSQL (a lone posting) runs as that statement's own transaction when no transaction is open."""
    if precheck:
        existing = _existing(community, key, fingerprint)
        if existing is not None:
            return replay(existing)
    try:
        if one_statement and connection.vendor == "postgresql" and not connection.in_atomic_block:
            return operation()
        with transaction.atomic():
            return operation()
    except IntegrityError as exc:
        if "idempotency" not in str(exc):
            raise
    existing = _existing(community, key, fingerprint)
    if existing is None:  # pragma: no cover - the clash was on the key, so the row is there
        raise Conflict(_("Please try again."))
    return replay(existing)


def lock_accounts(accounts: Iterable[Account]) -> dict[int, Account]:
    """Lock the accounts in primary-key order (so two transfers never wait on each other in a cycle)."""
    ids = sorted({a.pk for a in accounts})
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(locked) != len(ids):
        raise NotFound(_("No such account."), code="unknown_account")
    return locked


def _post(
    *,
    community: Community,
    kind: str,
    key: str,
    fingerprint: str,
    legs: Sequence[tuple[Account, int]],
    actor: Any = None,
    memo: str = "",
    now: dt.datetime | None = None,
    rule_code: str = "",
    reverses: Transaction | None = None,
    locked: dict[int, Account] | None = None,
    audit: tuple[str, dict[str, Any]] | None = None,
) -> Transaction:
    """Write one balanced transaction, and its audit row when `audit` = (action, details) is given.
    Must run inside `transaction.atomic()`, or alone on PostgreSQL, where one statement does it all (`_POST_SQL`)."""
    totals: dict[str, int] = defaultdict(int)
    for account, amount in legs:
        if amount == 0:
            raise DomainError(_("A leg of a transaction cannot be zero."))
        totals[account.unit] += amount
    if any(totals.values()):
        raise DomainError(_("The legs of a transaction must balance in every unit."), code="unbalanced")
    txn = Transaction(
        community=community,
        kind=kind,
        idempotency_key=key,
        fingerprint=fingerprint,
        rule_code=rule_code,
        memo=memo[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reverses=reverses,
        occurred_at=now or timezone.now(),
    )
    if legs and connection.vendor == "postgresql":
        _post_pg(txn, legs, audit)
        return txn
    txn.save(force_insert=True)
    if legs:
        deltas: dict[int, int] = defaultdict(int)
        for account, amount in legs:
            deltas[account.pk] += amount
        finals = _apply_deltas_orm(deltas, locked)
        # balance after each leg, walking forward from the balance before the transaction
        running = {pk: finals[pk] - delta for pk, delta in deltas.items()}
        entries = []
        for account, amount in legs:
            running[account.pk] += amount
            entries.append(
                Entry(
                    transaction=txn,
                    account_id=account.pk,
                    unit=account.unit,
                    amount=amount,
                    balance_after=running[account.pk],
                )
            )
        txn._written_entries = Entry.objects.bulk_create(entries)  # type: ignore[attr-defined]
    if audit is not None:
        _audit_txn(actor, txn, audit[0], **audit[1])
    return txn


# One call of the posting function (migration ledger/0005), prepared so that PostgreSQL plans it once per
# connection: it inserts the transaction, updates the accounts in the order given (sorted by primary key, so two
# postings never wait on each other in a cycle) unless one would fall below its floor, and writes the entries
# (with the balance after each leg) and the audit row. It returns the entries, or raises `ledger:short` or
# `ledger:unknown` and writes nothing.
_POST_SQL = """SELECT * FROM ledger_post(
    %(community)s, %(kind)s, %(key)s, %(fingerprint)s, %(rule_code)s, %(memo)s, %(occurred_at)s, %(actor)s,
    %(reverses)s, %(ids)s::bigint[], %(deltas)s::bigint[], %(leg_accounts)s::bigint[], %(leg_units)s::varchar[],
    %(leg_amounts)s::bigint[], %(at)s, %(audit_actor)s, %(action)s, %(object_type)s, %(after)s)"""


def _post_pg(txn: Transaction, legs: Sequence[tuple[Account, int]], audit: tuple[str, dict[str, Any]] | None) -> None:
    deltas: dict[int, int] = defaultdict(int)
    for account, amount in legs:
        deltas[account.pk] += amount
    ids = sorted(deltas)
    row = audit_row(
        actor=txn.actor,
        action=audit[0] if audit else "",
        object_type=Transaction._meta.label_lower,
        community=txn.community,
        after={**audit[1], "legs": _legs_json((a.pk, a.unit, m) for a, m in legs)} if audit else None,
    )
    params = {
        "ids": _array(ids),
        "deltas": _array(deltas[i] for i in ids),
        "community": txn.community_id,
        "kind": txn.kind,
        "key": txn.idempotency_key,
        "fingerprint": txn.fingerprint,
        "rule_code": txn.rule_code,
        "memo": txn.memo,
        "occurred_at": txn.occurred_at,
        "actor": txn.actor_id,
        "reverses": txn.reverses_id,
        "leg_accounts": _array(a.pk for a, _amount in legs),
        "leg_units": _array(a.unit for a, _amount in legs),
        "leg_amounts": _array(amount for _a, amount in legs),
        "at": timezone.now(),
        "audit_actor": row["actor_id"],
        "action": row["action"],
        "object_type": row["object_type"],
        "after": Jsonb(row["after"]),
    }
    try:
        with _prepared_cursor() as cursor:
            cursor.execute(_POST_SQL, params)
            rows = cursor.fetchall()
    except DatabaseError as exc:
        refusal = _posting_refusal(exc, legs, deltas)
        if refusal is None:
            raise
        raise refusal from None
    txn.pk = rows[0][1]
    txn._state.adding = False
    txn._state.db = connection.alias
    txn._written_entries = [  # type: ignore[attr-defined]
        WrittenEntry(pk, account, unit, amount, after) for pk, _txn, account, unit, amount, after in rows
    ]


def _posting_refusal(
    exc: DatabaseError, legs: Sequence[tuple[Account, int]], deltas: dict[int, int]
) -> DomainError | None:
    """The refusal the posting function raised (an account short or missing), in the user's words."""
    diag = getattr(exc.__cause__, "diag", None)
    message = getattr(diag, "message_primary", None)
    if message == "ledger:unknown":
        return NotFound(_("No such account."), code="unknown_account")
    if message != "ledger:short":
        return None
    pk, balance, floor = map(int, diag.message_detail.split())  # type: ignore[union-attr]
    account = copy.copy(next(a for a, _amount in legs if a.pk == pk))
    account.balance, account.floor = balance, floor  # as the function found them
    return _refusal(account, deltas[pk])


class WrittenEntry(NamedTuple):
    """An entry as the posting statement returned it (no model instance needed on the hot path)."""

    pk: int
    account_id: int
    unit: str
    amount: int
    balance_after: int


def _array(values: Iterable[int | str]) -> str:
    """A PostgreSQL array literal of integers or unit codes (no quoting needed), cheaper to send than a list."""
    return "{" + ",".join(map(str, values)) + "}"


class _PreparingCursor(psycopg.Cursor[Any]):
    """Binds parameters on the server and prepares each statement, so PostgreSQL plans it once per connection."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, **kwargs)


def _prepared_cursor() -> Any:
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    return CursorDebugWrapper(raw, connection) if connection.queries_logged else CursorWrapper(raw, connection)


def _legs_json(legs: Iterable[tuple[int, str, int]]) -> list[dict[str, Any]]:
    return [{"account": account, "unit": unit, "amount": amount} for account, unit, amount in legs]


def _apply_deltas_orm(deltas: dict[int, int], locked: dict[int, Account] | None) -> dict[int, int]:
    if locked is None or not deltas.keys() <= locked.keys():
        locked = lock_accounts(Account(pk=pk) for pk in deltas)
    for pk, delta in deltas.items():
        held = locked[pk]
        if held.floor is not None and held.balance + delta < held.floor:
            raise _refusal(held, delta)
    finals = {pk: locked[pk].balance + delta for pk, delta in deltas.items()}
    Account.objects.filter(pk__in=finals).update(
        balance=Case(*(When(pk=pk, then=Value(b)) for pk, b in finals.items()), output_field=BigIntegerField())
    )
    for pk, balance in finals.items():
        locked[pk].balance = balance
    return finals


def _refusal(account: Account, delta: int) -> InsufficientBalance:
    return InsufficientBalance(
        _("Not enough %(unit)s: %(account)s has %(balance)s, needs %(needed)s, and may not go below %(floor)s.")
        % {
            "unit": account.get_unit_display(),
            "account": account.label if account.kind not in ("resident", "merchant") else _("the account"),
            "balance": account.balance,
            "needed": -delta,
            "floor": account.floor,
        },
        details={"account": account.pk},
    )


def _audit_txn(actor: Any, txn: Transaction, action: str, **extra: Any) -> None:
    written = getattr(txn, "_written_entries", None)
    entries = written if written is not None else txn.entries.all()
    legs = _legs_json((e.account_id, e.unit, e.amount) for e in entries)
    audit_record(actor=actor, action=action, instance=txn, community=txn.community, after={**extra, "legs": legs})


# --- earning --------------------------------------------------------------------------------------------------


def _local_day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    day = timezone.make_aware(dt.datetime(local.year, local.month, local.day))
    return day, day + dt.timedelta(days=1), selectors.year_start(local.year), selectors.year_start(local.year + 1)


def _already_earned(account: Account, rule: EarningRule, start: dt.datetime, end: dt.datetime) -> int:
    total = Entry.objects.filter(
        account=account,
        transaction__kind=TransactionKind.EARN,
        transaction__rule_code=rule.code,
        transaction__occurred_at__gte=start,
        transaction__occurred_at__lt=end,
        transaction__reversed_by__isnull=True,
    ).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def earning_rule_get(community: Community, code: str) -> EarningRule:
    rule = selectors.earning_rules(community).filter(code=code).first()
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
        to = selectors.resident_account(resident, Unit.POINTS)
        source = selectors.funding_account(community, rule.funding_code, Unit.POINTS)
        locked = lock_accounts([to, source])  # the resident's row serialises the cap check
        asked = rule.points * quantity
        day_start, day_end, year_start, year_end = _local_day_bounds(now)
        room = asked
        if rule.daily_cap is not None:
            room = min(room, rule.daily_cap - _already_earned(to, rule, day_start, day_end))
        if rule.yearly_cap is not None:
            room = min(room, rule.yearly_cap - _already_earned(to, rule, year_start, year_end))
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


# --- transfers ------------------------------------------------------------------------------------------------


def _transfer(
    *,
    unit: str,
    community: Community,
    from_account: Account,
    to_account: Account,
    amount: int,
    idempotency_key: str,
    memo: str,
    actor: Any,
    kind: str,
    now: dt.datetime | None,
) -> Transaction:
    key = _key(idempotency_key)
    amount = whole_amount(amount)
    from_account = _in_community(from_account, community, "from_account")
    to_account = _in_community(to_account, community, "to_account")
    if from_account.unit != unit or to_account.unit != unit:
        raise DomainError(_("Both accounts must be in %(unit)s.") % {"unit": Unit(unit).label}, code="wrong_unit")
    if from_account.pk == to_account.pk:
        raise DomainError(_("An account cannot pay itself."), code="same_account")
    if kind not in MONEY_KINDS:
        raise DomainError(_("Unknown kind of transfer “%(kind)s”.") % {"kind": kind}, field="kind")
    fingerprint = _fingerprint(op=unit, src=from_account.pk, dst=to_account.pk, amount=amount, kind=kind)

    def operation() -> Transaction:
        txn = _post(
            community=community,
            kind=kind,
            key=key,
            fingerprint=fingerprint,
            legs=[(from_account, -amount), (to_account, amount)],
            actor=actor,
            memo=memo,
            now=now,
            audit=(f"{unit}.{kind}", {"memo": memo}),
        )
        return txn

    return _once(community, key, fingerprint, operation, lambda txn: txn, one_statement=True)


def money_transfer(
    *,
    community: Community,
    from_account: Account,
    to_account: Account,
    amount_fen: int,
    idempotency_key: str,
    memo: str,
    actor: Any = None,
    kind: str = TransactionKind.TRANSFER,
    now: dt.datetime | None = None,
) -> Transaction:
    """Move yuan (integer fen) between two accounts of the community. `kind` is one of transfer, deposit,
    subsidy, revenue, grant. Get the accounts from `selectors.funding_account`, `resident_account(r, "fen")`,
    `merchant_account(m, "fen")`, `external_account`."""
    return _transfer(
        unit=Unit.FEN,
        community=community,
        from_account=from_account,
        to_account=to_account,
        amount=amount_fen,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
        kind=kind,
        now=now,
    )


def points_transfer(
    *,
    community: Community,
    from_account: Account,
    to_account: Account,
    points: int,
    idempotency_key: str,
    memo: str,
    actor: Any = None,
    kind: str = TransactionKind.TRANSFER,
    now: dt.datetime | None = None,
) -> Transaction:
    """Move points between two accounts of the community (a staff adjustment, a gift to a charity…)."""
    return _transfer(
        unit=Unit.POINTS,
        community=community,
        from_account=from_account,
        to_account=to_account,
        amount=points,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
        kind=kind,
        now=now,
    )


def transaction_reverse(
    *,
    community: Community,
    original: Transaction,
    idempotency_key: str,
    reason: str,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> Transaction:
    """Correct a transaction by a new one with every leg negated. A transaction is reversed at most once;
    orders are undone by refunds, not reversals."""
    if actor is not None and not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not correct this community's books."))
    key = _key(idempotency_key)
    if original.community_id != community.pk:
        raise NotFound(_("No such transaction in this community."), code="unknown_transaction")
    if original.kind not in REVERSIBLE_KINDS or original.reverses_id is not None:
        raise DomainError(_("This kind of transaction cannot be reversed."), code="not_reversible")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the transaction is reversed."), field="reason")
    fingerprint = _fingerprint(op="reverse", original=original.pk)

    def operation() -> Transaction:
        # the original's row is locked, so that two corrections of it (with different keys) take turns and the
        # second is told it was already reversed
        Transaction.objects.select_for_update().filter(pk=original.pk).values_list("pk").first()
        if Transaction.objects.filter(reverses=original).exists():
            raise Conflict(_("This transaction has already been reversed."), code="already_reversed")
        legs = [(e.account, -e.amount) for e in original.entries.select_related("account")]
        txn = _post(
            community=community,
            kind=TransactionKind.REVERSAL,
            key=key,
            fingerprint=fingerprint,
            legs=legs,
            actor=actor,
            memo=reason,
            now=now,
            rule_code=original.rule_code,
            reverses=original,
            audit=("ledger.reverse", {"reverses": original.pk, "reason": reason}),
        )
        return txn

    return _once(community, key, fingerprint, operation, lambda txn: txn, precheck=True)


# --- expiry ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiryResult:
    accounts: int
    points: int


def _expiring_by_account(community: Community, policy: LedgerSettings, year: int) -> list[tuple[Account, int]]:
    since = selectors.year_start(year - policy.expiry_years + 1)
    accounts = Account.objects.filter(
        community=community, kind=AccountKind.RESIDENT, unit=Unit.POINTS, balance__gt=0
    ).annotate(
        recent=Sum("entries__amount", filter=Q(entries__amount__gt=0, entries__transaction__occurred_at__gte=since))
    )
    return [
        (a, a.balance - int(a.recent or 0))
        for a in accounts.select_related("resident__user")
        if a.balance > (a.recent or 0)
    ]


def points_expire(
    *, community: Community, year: int, now: dt.datetime | None = None, actor: Any = None
) -> ExpiryResult:
    """Expire the points due at the end of `year`, one transaction per resident into the community's pool.
    Safe to run again: each resident's expiry has the key `expire:<year>:<account>`."""
    now = now or timezone.now()
    policy = selectors.ledger_settings(community)
    if not policy.expiry_enabled:
        return ExpiryResult(0, 0)
    if now < selectors.year_start(year + 1):
        raise DomainError(_("Points due to expire at the end of %(year)s cannot expire before then.") % {"year": year})
    pool = selectors.pool_account(community, Unit.POINTS)
    count = total = 0
    for account, _due in _expiring_by_account(community, policy, year):
        key = f"expire:{year}:{account.pk}"
        fingerprint = _fingerprint(op="expire", account=account.pk, year=year)

        def operation(account: Account = account, key: str = key, fingerprint: str = fingerprint) -> int:
            locked = lock_accounts([account, pool])
            held = locked[account.pk]
            amount = max(
                0, held.balance - selectors.recent_credits(held, selectors.year_start(year - policy.expiry_years + 1))
            )
            legs = [(held, -amount), (pool, amount)] if amount else []
            _post(
                community=community,
                kind=TransactionKind.EXPIRE,
                key=key,
                fingerprint=fingerprint,
                legs=legs,
                actor=actor,
                memo=_("Points earned in %(year)s or before expired") % {"year": year - policy.expiry_years},
                now=now,
                locked=locked,
                audit=("points.expire", {"year": year}) if amount else None,
            )
            return amount

        amount = _once(community, key, fingerprint, operation, lambda txn: 0)
        if amount:
            count += 1
            total += amount
    return ExpiryResult(count, total)


def points_expiry_notify(*, community: Community, now: dt.datetime | None = None) -> int:
    """Tell each resident, once, how many points expire at the end of this year, `expiry_notice_days` ahead."""
    now = now or timezone.now()
    policy = selectors.ledger_settings(community)
    year = timezone.localtime(now).year
    if not policy.expiry_enabled or selectors.year_start(year + 1) - now > dt.timedelta(days=policy.expiry_notice_days):
        return 0
    sent = 0
    for account, points in _expiring_by_account(community, policy, year):
        user = account.resident.user if account.resident else None
        if user is None or points <= 0:
            continue
        with transaction.atomic():
            _notice, created = ExpiryNotice.objects.get_or_create(
                account=account, year=year, defaults={"points": points}
            )
            if not created:
                continue
            with translation.override(user.language or "zh-hans"):
                notify(
                    user=user,
                    community=community,
                    title=_("%(points)s of your points expire on 31 December") % {"points": points},
                    body=_("Spend them at the 街坊汇 shop before the end of %(year)s.") % {"year": year},
                    url="/ledger/",
                    sms=True,
                )
        sent += 1
    return sent


# --- settings and rules ---------------------------------------------------------------------------------------


def earning_rule_update(*, actor: Any, rule: EarningRule, **changes: Any) -> EarningRule:
    if not rules.can_manage_ledger(actor, rule.community):
        raise NotAllowed(_("You may not change this community's earning rules."))
    allowed = {"name", "points", "daily_cap", "yearly_cap", "funding_code", "enabled"}
    if set(changes) - allowed:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(changes) - allowed))}
        )
    if "points" in changes:
        whole_amount(changes["points"], field="points", maximum=MAX_RULE_POINTS)
    for cap in ("daily_cap", "yearly_cap"):
        if changes.get(cap) is not None:
            whole_amount(changes[cap], field=cap, maximum=MAX_CAP)
    if "funding_code" in changes and changes["funding_code"] not in FUNDING_CODES:
        raise DomainError(_("Unknown funding source."), field="funding_code")
    with transaction.atomic():
        locked = EarningRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        audit_record(actor=actor, action="earning_rule.update", instance=locked, before=before, after=snapshot(locked))
    return locked


def ledger_settings_update(*, actor: Any, community: Community, **changes: Any) -> LedgerSettings:
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not change this community's points policy."))
    allowed = {"fen_per_point", "expiry_enabled", "expiry_years", "expiry_notice_days"}
    if set(changes) - allowed:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(changes) - allowed))}
        )
    for name in ("fen_per_point", "expiry_years", "expiry_notice_days"):
        if name in changes:
            whole_amount(changes[name], field=name, maximum=MAX_POLICY_NUMBER)
    with transaction.atomic():
        selectors.ledger_settings(community)
        locked = LedgerSettings.objects.select_for_update().get(community=community)
        before = snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        audit_record(
            actor=actor, action="ledger_settings.update", instance=locked, before=before, after=snapshot(locked)
        )
    return locked


def funding_deposit(
    *, actor: Any, community: Community, code: str, amount_fen: int, idempotency_key: str, memo: str
) -> Transaction:
    """Money paid into a funding source from outside (a grant, the cooperative's dividend, the company's profit)."""
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not post money for this community."))
    return money_transfer(
        community=community,
        from_account=selectors.external_account(community, Unit.FEN),
        to_account=selectors.funding_account(community, code, Unit.FEN),
        amount_fen=amount_fen,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
        kind=TransactionKind.DEPOSIT,
    )


# --- merchants ------------------------------------------------------------------------------------------------


def merchant_apply(
    *,
    actor: Any,
    community: Community,
    name: str,
    kind: str = Merchant.Kind.SHOP,
    description: str = "",
    address: str = "",
    contact_mobile: str = "",
    open_to_all_communities: bool = False,
    now: dt.datetime | None = None,
) -> Merchant:
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Log in to apply as a merchant."))
    if not rules.can_apply_as_merchant(actor, community):
        raise NotAllowed(
            _("Only residents of %(community)s may apply to sell there.") % {"community": community.name},
            field="community",
            code="not_a_resident",
        )
    name = name.strip()
    if not name:
        raise DomainError(_("Enter the merchant's name."), field="name")
    if kind not in Merchant.Kind.values:
        raise DomainError(_("Choose a kind of merchant."), field="kind")
    if Merchant.objects.filter(community=community, name=name).exists():
        raise DomainError(_("A merchant of this name is already registered here."), field="name", code="duplicate")
    with transaction.atomic():
        merchant = Merchant.objects.create(
            community=community,
            name=name,
            kind=kind,
            description=description,
            address=address,
            contact_mobile=contact_mobile,
            open_to_all_communities=open_to_all_communities,
            applied_by=actor,
            applied_at=now or timezone.now(),
        )
        merchant.staff.add(actor)
        audit_record(actor=actor, action="merchant.apply", instance=merchant, after=snapshot(merchant))
    return merchant


def merchant_decide(
    *, actor: Any, merchant: Merchant, approve: bool, settles_with: str = "", now: dt.datetime | None = None
) -> Merchant:
    """Approve (or reject) an application; an approved merchant's staff get the merchant role in the community."""
    if not rules.can_decide_merchant(actor, merchant.community):
        raise NotAllowed(_("You may not decide on merchants in this community."))
    if settles_with and settles_with not in FUNDING_CODES:
        raise DomainError(_("Unknown funding source."), field="settles_with")
    with transaction.atomic():
        locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
        if locked.status != Merchant.Status.PENDING:
            raise Conflict(_("This application has already been decided."))
        before = snapshot(locked)
        locked.status = Merchant.Status.APPROVED if approve else Merchant.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = now or timezone.now()
        fields = ["status", "decided_by", "decided_at"]
        if settles_with:
            locked.settles_with = settles_with
            fields.append("settles_with")
        locked.save(update_fields=fields)
        staff = list(locked.staff.all())
        if approve:
            for user in staff:
                RoleAssignment.objects.get_or_create(user=user, role=Role.MERCHANT_STAFF, community=locked.community)
        audit_record(actor=actor, action="merchant.decide", instance=locked, before=before, after=snapshot(locked))
        for user in staff:
            notify(
                user=user,
                community=locked.community,
                title=_("Your merchant application was approved")
                if approve
                else _("Your merchant application was declined"),
                body=locked.name,
                url=f"/market/merchant/{locked.pk}/",
            )
    return locked


def product_save(
    *,
    actor: Any,
    merchant: Merchant,
    name: str,
    price_points: int = 0,
    price_fen: int = 0,
    stock: int = 0,
    kind: str = Product.Kind.GOODS,
    description: str = "",
    active: bool = True,
    product: Product | None = None,
) -> Product:
    """List a product or service voucher, or change one. Prices are whole points and/or fen; at least one."""
    if not rules.can_sell(actor, merchant):
        raise NotAllowed(_("Only an approved merchant's staff may list products."))
    for field, value, maximum in (
        ("price_points", price_points, MAX_PRICE_POINTS),
        ("price_fen", price_fen, MAX_PRICE_FEN),
        ("stock", stock, MAX_STOCK),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(_("Enter a whole number of at least 0."), field=field)
        if value > maximum:
            raise DomainError(
                _("Enter a whole number of at most %(n)s.") % {"n": maximum}, field=field, code="number_too_large"
            )
    if price_points == 0 and price_fen == 0:
        raise DomainError(_("Give a price in points, in yuan, or both."), field="price_points")
    if kind not in Product.Kind.values:
        raise DomainError(_("Choose goods or a service voucher."), field="kind")
    name = name.strip()
    if not name:
        raise DomainError(_("Enter the product's name."), field="name")
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "description": description,
        "price_points": price_points,
        "price_fen": price_fen,
        "stock": stock,
        "active": active,
    }
    with transaction.atomic():
        if product is None:
            product = Product.objects.create(merchant=merchant, community=merchant.community, **values)
            audit_record(actor=actor, action="product.create", instance=product, after=snapshot(product))
        else:
            if product.merchant_id != merchant.pk:
                raise NotFound(_("No such product."))
            locked = Product.objects.select_for_update().get(pk=product.pk)
            before = snapshot(locked)
            for name_, value in values.items():
                setattr(locked, name_, value)
            locked.save(update_fields=list(values))
            audit_record(actor=actor, action="product.update", instance=locked, before=before, after=snapshot(locked))
            product = locked
    return product


# --- orders ---------------------------------------------------------------------------------------------------


def _new_code() -> str:
    while True:
        code = f"{secrets.randbelow(10**10):010d}"
        if not Order.objects.filter(code=code).exists():
            return code


def _order_legs(
    order_resident: Resident, merchant: Merchant, amounts: dict[str, int], to: str
) -> list[tuple[Account, int]]:
    """Legs that move `amounts` from the resident to `to` ("escrow" or "merchant") of the merchant's community;
    across communities, through both communities' pools, which records what one community owes the other."""
    legs: list[tuple[Account, int]] = []
    for unit, amount in amounts.items():
        if amount <= 0:
            continue
        payer = selectors.resident_account(order_resident, unit)
        payee = (
            selectors.escrow_account(merchant.community, unit)
            if to == "escrow"
            else selectors.merchant_account(merchant, unit)
        )
        legs.append((payer, -amount))
        if order_resident.community_id != merchant.community_id:
            legs.append((selectors.pool_account(order_resident.community, unit), amount))
            legs.append((selectors.pool_account(merchant.community, unit), -amount))
        legs.append((payee, amount))
    return legs


def _negate(legs: list[tuple[Account, int]]) -> list[tuple[Account, int]]:
    return [(a, -amount) for a, amount in legs]


def order_place(
    *,
    actor: Any,
    resident: Resident,
    product: Product,
    quantity: int = 1,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Order:
    """A resident buys `quantity` of a product: points (and yuan) are held until the merchant redeems the code."""
    if actor is not None and resident.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("You may only order for yourself."))
    key = _key(idempotency_key)
    quantity = whole_amount(quantity, field="quantity", maximum=MAX_ORDER_QUANTITY)
    merchant = product.merchant
    if not merchant.is_open or not product.active:
        raise DomainError(_("This product is not on sale."), code="not_on_sale")
    if product.community_id != resident.community_id and not merchant.open_to_all_communities:
        raise NotFound(_("This product is not on sale to you."), code="unknown_product")
    community = merchant.community
    now = now or timezone.now()
    fingerprint = _fingerprint(op="order", resident=resident.pk, product=product.pk, quantity=quantity)

    def operation() -> Order:
        held = Product.objects.select_for_update().get(pk=product.pk)
        # decided again on the locked product and the merchant as they are now (taken off sale meanwhile?)
        if (
            not held.active
            or not Merchant.objects.filter(pk=held.merchant_id, status=Merchant.Status.APPROVED).exists()
        ):
            raise DomainError(_("This product is not on sale."), code="not_on_sale")
        if held.stock < quantity:
            raise Conflict(_("Sorry, only %(n)s left in stock.") % {"n": held.stock}, code="out_of_stock")
        points, fen = held.price_points * quantity, held.price_fen * quantity
        if points > MAX_PRICE_POINTS * MAX_ORDER_QUANTITY or fen > MAX_PRICE_FEN * MAX_ORDER_QUANTITY:
            raise DomainError(_("This order is too large."), field="quantity", code="order_too_large")
        legs = _order_legs(resident, merchant, {str(Unit.POINTS): points, str(Unit.FEN): fen}, "escrow")
        txn = _post(
            community=community,
            kind=TransactionKind.ORDER,
            key=key,
            fingerprint=fingerprint,
            legs=legs,
            actor=actor,
            memo=f"{merchant.name} · {held.name} × {quantity}",
            now=now,
        )
        Product.objects.filter(pk=held.pk).update(stock=F("stock") - quantity)
        order = Order.objects.create(
            community=community,
            merchant=merchant,
            product=held,
            resident=resident,
            quantity=quantity,
            points=points,
            fen=fen,
            code=_new_code(),
            payment=txn,
            created_at=now,
        )
        _audit_txn(actor, txn, "order.place", order=order.pk)
        return order

    return _once(community, key, fingerprint, operation, lambda txn: txn.order_paid, precheck=True)


def order_redeem(*, actor: Any, merchant: Merchant, code: str, now: dt.datetime | None = None) -> Order:
    """The merchant scans or types the resident's code: the order is delivered and the merchant is credited."""
    if not rules.can_sell(actor, merchant):
        raise NotAllowed(_("Only an approved merchant's staff may redeem orders."))
    code = "".join(ch for ch in str(code) if ch.isdigit())
    order = Order.objects.filter(merchant=merchant, code=code).select_related("resident__community").first()
    if order is None:
        raise NotFound(_("No order with this code at this merchant."), field="code", code="unknown_code")
    now = now or timezone.now()
    with transaction.atomic():
        # The right to sell is decided again on the merchant's row as it is now (it may have been suspended since
        # it was read); FOR NO KEY UPDATE, so that orders being placed meanwhile (which reference it) need not wait.
        merchant = Merchant.objects.select_for_update(no_key=True).get(pk=merchant.pk)
        if not rules.can_sell(actor, merchant):
            raise NotAllowed(_("Only an approved merchant's staff may redeem orders."))
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == Order.Status.REDEEMED:
            raise Conflict(
                _("This code was already redeemed on %(when)s.")
                % {
                    "when": timezone.localtime(locked.redeemed_at).strftime("%Y-%m-%d %H:%M")
                    if locked.redeemed_at
                    else ""
                },
                code="already_redeemed",
            )
        if locked.status != Order.Status.PAID:
            raise Conflict(_("This order was refunded and cannot be redeemed."), code="refunded")
        amounts = {Unit.POINTS: locked.points, Unit.FEN: locked.fen}
        legs = []
        for unit, amount in amounts.items():
            if amount:
                legs += [
                    (selectors.escrow_account(merchant.community, unit), -amount),
                    (selectors.merchant_account(merchant, unit), amount),
                ]
        txn = _post(
            community=merchant.community,
            kind=TransactionKind.REDEEM,
            key=f"redeem:{locked.pk}",
            fingerprint=_fingerprint(op="redeem", order=locked.pk),
            legs=legs,
            actor=actor,
            memo=f"{merchant.name} · {locked.product.name}",
            now=now,
        )
        locked.status = Order.Status.REDEEMED
        locked.redemption = txn
        locked.redeemed_at = now
        locked.redeemed_by = actor
        locked.save(update_fields=["status", "redemption", "redeemed_at", "redeemed_by"])
        _audit_txn(actor, txn, "order.redeem", order=locked.pk)
        if order.resident.user_id:
            notify(
                user=order.resident.user,
                community=order.resident.community,
                title=_("Redeemed: %(product)s") % {"product": locked.product.name},
                body=merchant.name,
                url="/market/orders/",
            )
    return locked


def order_refund(*, actor: Any, order: Order, reason: str = "", now: dt.datetime | None = None) -> Order:
    """Undo an order: before redemption from the held value (and the stock comes back), after it from the
    merchant (until the merchant is settled). Refunding twice refunds once."""
    if not rules.can_refund_order(actor, order):
        raise NotAllowed(_("You may not refund this order."))
    now = now or timezone.now()
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=order.product_id)
        locked = (  # only the order's row: the merchant's is locked by a redemption, before its order
            Order.objects.select_for_update(of=("self",))
            .select_related("resident__community", "merchant__community")
            .get(pk=order.pk)
        )
        if locked.status == Order.Status.REFUNDED:
            return locked
        # The state and the right are decided on the locked row: the order read before may have been redeemed
        # meanwhile, and then its resident may no longer cancel it (the goods were handed over).
        if not rules.can_refund_order(actor, locked):
            if locked.status == Order.Status.REDEEMED:
                raise Conflict(
                    _("This order has just been redeemed and can no longer be cancelled; ask the merchant."),
                    code="already_redeemed",
                )
            raise NotAllowed(_("You may not refund this order."))
        if locked.settlement_id is not None:
            raise Conflict(_("This order has been settled with the merchant and cannot be refunded here."))
        was_paid = locked.status == Order.Status.PAID
        amounts = {str(Unit.POINTS): locked.points, str(Unit.FEN): locked.fen}
        legs = _negate(_order_legs(locked.resident, locked.merchant, amounts, "escrow" if was_paid else "merchant"))
        txn = _post(
            community=locked.community,
            kind=TransactionKind.REFUND,
            key=f"refund:{locked.pk}",
            fingerprint=_fingerprint(op="refund", order=locked.pk),
            legs=legs,
            actor=actor,
            memo=reason or f"{locked.merchant.name} · {product.name}",
            now=now,
        )
        if was_paid:
            Product.objects.filter(pk=product.pk).update(stock=F("stock") + locked.quantity)
        locked.status = Order.Status.REFUNDED
        locked.refund = txn
        locked.refunded_at = now
        locked.save(update_fields=["status", "refund", "refunded_at"])
        _audit_txn(actor, txn, "order.refund", order=locked.pk, reason=reason)
        if locked.resident.user_id and locked.resident.user_id != getattr(actor, "pk", None):
            notify(
                user=locked.resident.user,
                community=locked.resident.community,
                title=_("Refunded: %(product)s") % {"product": product.name},
                body=reason,
                url="/ledger/",
            )
    return locked


def merchant_settle(
    *, actor: Any, merchant: Merchant, idempotency_key: str, now: dt.datetime | None = None
) -> Settlement:
    """Settle a merchant: the points of its redeemed, unsettled orders go back to the community's pool and the
    funding source the merchant settles with pays their value in yuan, in one transaction."""
    community = merchant.community
    if not rules.can_manage_ledger(actor, community):
        raise NotAllowed(_("You may not settle merchants in this community."))
    key = _key(idempotency_key)
    now = now or timezone.now()
    policy = selectors.ledger_settings(community)
    fingerprint = _fingerprint(op="settle", merchant=merchant.pk)

    def operation() -> Settlement:
        orders = list(
            Order.objects.select_for_update()
            .filter(merchant=merchant, status=Order.Status.REDEEMED, settlement__isnull=True, redeemed_at__lte=now)
            .order_by("pk")
        )
        points = sum(o.points for o in orders)
        if points <= 0:
            raise DomainError(
                _("There is nothing to settle: no redeemed points since the last settlement."), code="nothing_to_settle"
            )
        fen = points * policy.fen_per_point
        legs = [
            (selectors.merchant_account(merchant, Unit.POINTS), -points),
            (selectors.pool_account(community, Unit.POINTS), points),
            (selectors.funding_account(community, merchant.settles_with, Unit.FEN), -fen),
            (selectors.merchant_account(merchant, Unit.FEN), fen),
        ]
        txn = _post(
            community=community,
            kind=TransactionKind.SETTLEMENT,
            key=key,
            fingerprint=fingerprint,
            legs=legs,
            actor=actor,
            memo=merchant.name,
            now=now,
        )
        settlement = Settlement.objects.create(
            community=community,
            merchant=merchant,
            points=points,
            fen_per_point=policy.fen_per_point,
            fen=fen,
            funding_code=merchant.settles_with,
            transaction=txn,
            period_end=now,
            created_at=now,
            created_by=actor,
        )
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(settlement=settlement)
        _audit_txn(actor, txn, "merchant.settle", settlement=settlement.pk, orders=len(orders))
        return settlement

    return _once(community, key, fingerprint, operation, lambda txn: txn.settlement, precheck=True)

"""The posting core: one balanced transaction at a time, locked accounts, idempotency keys, transfers and
reversals, and the one-statement PL/pgSQL path on PostgreSQL."""

import copy
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import BigIntegerField, Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, audit_row
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.places.models import Community

from .. import rules
from ..models import Account, Entry, Transaction, TransactionKind, Unit

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
    Operations that may refuse before writing (out of stock, nothing to settle) look the key up when they refuse
    (`precheck`), so that a retry of a success is replayed, never refused, and a first call pays nothing for it.
    An operation that is `one_statement` on PostgreSQL (a lone posting) runs as that statement's own transaction
    when no transaction is open."""
    try:
        if one_statement and connection.vendor == "postgresql" and not connection.in_atomic_block:
            return operation()
        with transaction.atomic():
            return operation()
    except IntegrityError as exc:
        if "idempotency" not in str(exc):
            raise
    except DomainError:
        if not precheck:
            raise
        existing = _existing(community, key, fingerprint)
        if existing is None:
            raise
        return replay(existing)
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
    actor: "Actor | None" = None,
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
        actor=account_of(actor) if getattr(actor, "is_authenticated", False) else None,
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
                    occurred_at=txn.occurred_at,
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


def _audit_txn(actor: "Actor | None", txn: Transaction, action: str, **extra: Any) -> None:
    written = getattr(txn, "_written_entries", None)
    entries = written if written is not None else txn.entries.all()
    legs = _legs_json((e.account_id, e.unit, e.amount) for e in entries)
    audit_record(actor=actor, action=action, instance=txn, community=txn.community, after={**extra, "legs": legs})


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
    actor: "Actor | None",
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
    actor: "Actor | None" = None,
    kind: str = TransactionKind.TRANSFER,
    now: dt.datetime | None = None,
) -> Transaction:
    """Move yuan (integer fen) between two accounts of the community. `kind` is one of transfer, deposit,
    subsidy, revenue, grant. Get the accounts from `accounts.funding_account`, `resident_account(r, "fen")`,
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
    actor: "Actor | None" = None,
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
    actor: "Actor | None" = None,
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

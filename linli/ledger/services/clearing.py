"""Clearing between two communities (共富): a purchase by a resident of one community at a merchant of another
passes through both communities' pools (`marketplace._order_legs`), so each pool's balance against the other
records what one community owes the other. A settlement pays it: one transaction moving the agreed yuan (and
the points) from the debtor's pools to the creditor's."""

import datetime as dt

from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError
from linli.places.models import Community

from ..models import Account, Transaction, TransactionKind, Unit
from .accounts import pool_account
from .posting import _fingerprint, _key, _once, _post, whole_amount


def pools_clear(
    *,
    debtor: Community,
    creditor: Community,
    amount_fen: int,
    points: int = 0,
    idempotency_key: str,
    memo: str,
    actor: "Actor | None" = None,
    now: dt.datetime | None = None,
) -> Transaction:
    """Pay `amount_fen` from the debtor's yuan pool to the creditor's, and move `points` (signed: negative when
    the creditor's residents spent more points at the debtor's merchants) between their points pools, which
    clears the points the marketplace left there. Idempotent by key in the debtor's community."""
    if debtor.pk == creditor.pk:
        raise DomainError(_("A community cannot settle with itself."), code="same_community")
    amount_fen = whole_amount(amount_fen, field="amount_fen") if amount_fen else 0
    if isinstance(points, bool) or not isinstance(points, int):
        raise DomainError(_("Enter a whole number."), field="points")
    if not amount_fen and not points:
        raise DomainError(_("There is nothing to settle."), code="nothing_to_settle")
    key = _key(idempotency_key)
    fingerprint = _fingerprint(op="clear", debtor=debtor.pk, creditor=creditor.pk, fen=amount_fen, points=points)
    legs: list[tuple[Account, int]] = []
    if amount_fen:
        legs += [(pool_account(debtor, Unit.FEN), -amount_fen), (pool_account(creditor, Unit.FEN), amount_fen)]
    if points:
        legs += [(pool_account(debtor, Unit.POINTS), -points), (pool_account(creditor, Unit.POINTS), points)]

    def operation() -> Transaction:
        return _post(
            community=debtor,
            kind=TransactionKind.TRANSFER,
            key=key,
            fingerprint=fingerprint,
            legs=legs,
            actor=actor,
            memo=memo,
            now=now,
            audit=("ledger.clear", {"creditor": creditor.pk, "memo": memo}),
        )

    return _once(debtor, key, fingerprint, operation, lambda txn: txn, precheck=True)

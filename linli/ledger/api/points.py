"""A resident's points and yuan: balances, statement, points about to expire."""

from typing import Any

from django.http import HttpRequest
from ninja import Query

from linli.core.api import Page, page_of

from .. import selectors
from ..models import Entry, Unit
from ..schemas import ExpiringOut, LedgerMeOut, LedgerStatementOut
from .common import acting_resident, expiring_of, router

# --- residents: balance and statement ------------------------------------------------------------------------


@router.get(
    "/ledger/me",
    response=LedgerMeOut,
    summary="My balances and points about to expire",
    operation_id="linli_ledger_api_me",
)
def me(request: HttpRequest) -> dict[str, Any]:
    resident = acting_resident(request)
    return {
        "resident_id": resident.pk,
        "community": resident.community.code,
        "balances": selectors.resident_balances(resident),
        "expiring": expiring_of(resident),
    }


class StatementFilter(Page):
    unit: str = Unit.POINTS


@router.get(
    "/ledger/me/statement",
    response=LedgerStatementOut,
    summary="My statement, newest first, with the balance",
    operation_id="linli_ledger_api_my_statement",
)
def my_statement(request: HttpRequest, filters: Query[StatementFilter]) -> dict[str, Any]:
    """Each line is one entry on my account; `balance_after` is the running balance after it."""
    resident = acting_resident(request)
    account = selectors.resident_account_find(resident, filters.unit)
    qs = selectors.statement(account)
    lines: list[Entry] = list(page_of(qs, filters))
    return {
        "unit": filters.unit,
        "balance": selectors.balance_of(account),
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [
            {
                "entry_id": e.pk,
                "transaction_id": e.transaction_id,
                "occurred_at": e.transaction.occurred_at,
                "kind": e.transaction.kind,
                "kind_label": str(e.transaction.get_kind_display()),
                "memo": e.transaction.memo,
                "amount": e.amount,
                "balance_after": e.balance_after,
                "reversed": hasattr(e.transaction, "reversed_by"),
            }
            for e in lines
        ],
    }


@router.get(
    "/ledger/me/expiring",
    response=ExpiringOut,
    summary="My points that expire at the end of this year",
    operation_id="linli_ledger_api_my_expiring",
)
def my_expiring(request: HttpRequest) -> dict[str, Any]:
    return expiring_of(acting_resident(request))

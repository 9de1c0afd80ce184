"""A resident's points and yuan: balances, statement, points about to expire."""

from typing import Any

from django.http import HttpRequest
from ninja import Query

from linli.core.api import Page, RowId, page_of
from linli.people.models import Resident
from linli.people.selectors import resident_whose_points

from .. import selectors
from ..models import Entry, Unit
from ..reasons import reasons_for
from ..schemas import ExpiringOut, LedgerMeOut, LedgerStatementOut
from .common import acting_resident, expiring_of, router

# --- residents: balance and statement ------------------------------------------------------------------------


@router.get("/ledger/me", response=LedgerMeOut, summary="My balances and points about to expire")
def me(request: HttpRequest) -> dict[str, Any]:
    return _balances_of(acting_resident(request))


@router.get(
    "/ledger/residents/{resident_id}",
    response=LedgerMeOut,
    summary="The balances of an elder I help as family (read only)",
)
def family_balances(request: HttpRequest, resident_id: RowId) -> dict[str, Any]:
    """Yourself, or an elder you help through an active family link (亲情账号); helpers never spend for them."""
    return _balances_of(resident_whose_points(user=request.user, pk=resident_id))


def _balances_of(resident: Resident) -> dict[str, Any]:
    return {
        "resident_id": resident.pk,
        "community": resident.community.code,
        "balances": selectors.resident_balances(resident),
        "expiring": expiring_of(resident),
    }


class StatementFilter(Page):
    unit: str = Unit.POINTS


@router.get("/ledger/me/statement", response=LedgerStatementOut, summary="My statement, newest first, with the balance")
def my_statement(request: HttpRequest, filters: Query[StatementFilter]) -> dict[str, Any]:
    """Each line is one entry on my account; `balance_after` is the running balance after it."""
    return _statement_of(acting_resident(request), filters)


@router.get(
    "/ledger/residents/{resident_id}/statement",
    response=LedgerStatementOut,
    summary="The statement of an elder I help as family (read only)",
)
def family_statement(request: HttpRequest, resident_id: RowId, filters: Query[StatementFilter]) -> dict[str, Any]:
    return _statement_of(resident_whose_points(user=request.user, pk=resident_id), filters)


def _statement_of(resident: Resident, filters: StatementFilter) -> dict[str, Any]:
    account = selectors.resident_account_find(resident, filters.unit)
    qs = selectors.statement(account)
    lines: list[Entry] = list(page_of(qs, filters))
    reasons = reasons_for(e.transaction for e in lines)
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
                "reason": reasons.get(e.transaction_id, ""),
                "amount": e.amount,
                "balance_after": e.balance_after,
                "reversed": hasattr(e.transaction, "reversed_by"),
            }
            for e in lines
        ],
    }


@router.get("/ledger/me/expiring", response=ExpiringOut, summary="My points that expire at the end of this year")
def my_expiring(request: HttpRequest) -> dict[str, Any]:
    return expiring_of(acting_resident(request))

"""The ledger API's router and what its modules share: the acting resident, idempotency keys, the
shapes of products, orders, merchants, rules, accounts and transactions."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from linli.accounts.api_auth import AUTH
from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotFound
from linli.people.models import Resident
from linli.people.selectors import resident_of_user

from .. import rules, selectors
from ..models import Account, EarningRule, LedgerSettings, Merchant, Order, Product, Settlement, Transaction, Unit
from ..reasons import reasons_for


class _LedgerRouter(Router):
    """Names each operation `linli_ledger_api_<function>`, whichever of the package's modules holds it, so that
    moving a function between modules never changes the published API."""

    def add_api_operation(self, path: str, methods: list[str], view_func: Callable[..., Any], **options: Any) -> None:
        options["operation_id"] = options.get("operation_id") or f"linli_ledger_api_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, **options)


router = _LedgerRouter(tags=["ledger"], auth=AUTH)
BOOKS = "/communities/{code}/ledger"
MAX_CLIENT_KEY = 80


# --- shared helpers -------------------------------------------------------------------------------------------


def acting_resident(request: HttpRequest) -> Resident:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."), code="no_resident")
    return resident


def idempotency_key_of(request: HttpRequest, body_key: str, op: str) -> str:
    """The client's key, from the `Idempotency-Key` header or the body, kept apart per user and operation."""
    header = request.headers.get("Idempotency-Key", "").strip()
    body = (body_key or "").strip()
    if header and body and header != body:
        raise DomainError(
            _("The Idempotency-Key header and the idempotency_key field differ."),
            field="idempotency_key",
            code="idempotency_key",
        )
    key = header or body
    if not key:
        raise DomainError(
            _("An idempotency key is required: send the Idempotency-Key header or the idempotency_key field."),
            field="idempotency_key",
            code="idempotency_key",
        )
    if len(key) > MAX_CLIENT_KEY:
        raise DomainError(
            _("An idempotency key has at most %(n)s characters.") % {"n": MAX_CLIENT_KEY},
            field="idempotency_key",
            code="idempotency_key",
        )
    return f"api:{op}:{request.user.pk}:{key}"


def patch_changes(payload: Schema, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a PATCH sent. `null` is refused for fields that cannot be empty."""
    changes = payload.dict(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in nullable:
            raise DomainError(_("This field cannot be empty."), field=name)
    return changes


def _masked(name: str) -> str:
    return f"{name[:1]}**"


def product_out(p: Product) -> dict[str, Any]:
    return {
        "id": p.pk,
        **{k: getattr(p, k) for k in ("name", "kind", "description", "price_points", "price_fen", "stock", "active")},
        "merchant_id": p.merchant_id,
        "merchant": p.merchant.name,
        "merchant_kind": p.merchant.kind,
        "community": p.community.code,
        "open_to_all_communities": p.merchant.open_to_all_communities,
    }


def order_out(o: Order, *, user: Actor, for_merchant: bool = False) -> dict[str, Any]:
    return {
        "id": o.pk,
        "product_id": o.product_id,
        "product": o.product.name,
        "merchant_id": o.merchant_id,
        "merchant": o.merchant.name,
        "community": o.community.code,
        "quantity": o.quantity,
        "points": o.points,
        "fen": o.fen,
        "status": o.status,
        "status_label": str(o.get_status_display()),
        "code": None if for_merchant else o.code,
        "resident": _masked(o.resident.name) if for_merchant else None,
        "resident_community": o.resident.community.code if for_merchant else None,
        "created_at": o.created_at,
        "redeemed_at": o.redeemed_at,
        "refunded_at": o.refunded_at,
        "can_cancel": o.status != Order.Status.REFUNDED and o.settlement_id is None and rules.can_refund_order(user, o),
    }


def merchant_out(m: Merchant) -> dict[str, Any]:
    return {
        "id": m.pk,
        "community": m.community.code,
        **{k: getattr(m, k) for k in ("name", "kind", "description", "address", "contact_mobile", "status")},
        "status_label": str(m.get_status_display()),
        **{k: getattr(m, k) for k in ("open_to_all_communities", "settles_with", "applied_at", "decided_at")},
    }


def settlement_out(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "merchant_id": s.merchant_id,
        "merchant": s.merchant.name,
        "points": s.points,
        "fen_per_point": s.fen_per_point,
        "fen": s.fen,
        "funding_code": s.funding_code,
        "period_end": s.period_end,
        "created_at": s.created_at,
        "transaction_id": s.transaction_id,
    }


_RULE_FIELDS = ("code", "label", "name", "points", "daily_cap", "monthly_cap", "yearly_cap", "funding_code", "enabled")


def rule_out(r: EarningRule) -> dict[str, Any]:
    return {k: getattr(r, k) for k in _RULE_FIELDS}


def policy_out(p: LedgerSettings) -> dict[str, Any]:
    return {
        "fen_per_point": p.fen_per_point,
        "expiry_enabled": p.expiry_enabled,
        "expiry_years": p.expiry_years,
        "expiry_notice_days": p.expiry_notice_days,
    }


def account_out(a: Account) -> dict[str, Any]:
    return {
        "id": a.pk,
        **{k: getattr(a, k) for k in ("kind", "code", "label", "unit", "balance", "floor")},
    }


def transaction_out(t: Transaction, reasons: dict[int, str] | None = None) -> dict[str, Any]:
    """`reasons` (see `reasons_for`) when listing many; a single transaction's is read here."""
    reversed_by = getattr(t, "reversed_by", None)
    reason = (reasons if reasons is not None else reasons_for([t])).get(t.pk, "")
    return {
        "id": t.pk,
        "kind": t.kind,
        "kind_label": str(t.get_kind_display()),
        "occurred_at": t.occurred_at,
        "memo": t.memo,
        "reason": reason,
        "rule_code": t.rule_code,
        "reverses_id": t.reverses_id,
        "reversed_by_id": reversed_by.pk if reversed_by else None,
        "entries": [
            {
                "account_id": e.account_id,
                "account": str(e.account.label if e.account.kind not in ("resident", "merchant") else e.account),
                "unit": e.unit,
                "amount": e.amount,
                "balance_after": e.balance_after,
            }
            for e in t.entries.all()
        ],
    }


def expiring_of(resident: Resident) -> dict[str, Any]:
    policy = selectors.ledger_settings(resident.community)
    year = timezone.localdate().year
    account = selectors.resident_account_find(resident, Unit.POINTS)
    points = selectors.expiring_points(account, year=year, years=policy.expiry_years) if policy.expiry_enabled else 0
    return {
        "enabled": policy.expiry_enabled,
        "points": points,
        "year": year,
        "expires_on": dt.date(year, 12, 31) if policy.expiry_enabled else None,
        "notice_days": policy.expiry_notice_days,
    }

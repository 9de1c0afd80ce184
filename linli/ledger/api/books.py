"""The community's books, for its staff: earning rules, points policy, accounts, deposits, reversals,
merchant applications and the year's report."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status

from linli.accounts.types import Actor
from linli.core.api import Page, page_of
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.places.selectors import community_get

from .. import rules, selectors, services
from ..codes import FUNDING_CODES
from ..models import Account, AccountKind, Transaction, Unit
from ..reasons import reasons_for
from ..schemas import (
    AccountOut,
    DecideIn,
    DepositIn,
    EarningRuleIn,
    EarningRuleOut,
    EarningRulePatch,
    LedgerReportOut,
    LedgerSettingsOut,
    LedgerSettingsPatch,
    MerchantOut,
    ReverseIn,
    TransactionOut,
)
from .common import (
    BOOKS,
    account_out,
    idempotency_key_of,
    merchant_out,
    patch_changes,
    policy_out,
    router,
    rule_out,
    transaction_out,
)

# --- the community's books (staff) ----------------------------------------------------------------------------


def _books(request: HttpRequest, code: str) -> Any:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_ledger(request.user, community):
        raise NotAllowed(_("You may not see this community's books."))
    return community


@router.get(f"{BOOKS}/rules", response=list[EarningRuleOut], summary="Earning rules")
def earning_rules(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = _books(request, code)
    return [rule_out(r) for r in selectors.earning_rules(community)]


@router.post(f"{BOOKS}/rules", response={201: EarningRuleOut}, summary="Add an earning rule")
def earning_rule_create(request: HttpRequest, code: str, payload: EarningRuleIn) -> Status:
    """A rule of the community's own: points per unit, daily, monthly and yearly caps (null: none), who pays."""
    community = _books(request, code)
    return Status(
        201, rule_out(services.earning_rule_create(actor=request.user, community=community, **payload.dict()))
    )


@router.patch(f"{BOOKS}/rules/{{rule_code}}", response=EarningRuleOut, summary="Change an earning rule")
def earning_rule_update(request: HttpRequest, code: str, rule_code: str, payload: EarningRulePatch) -> dict[str, Any]:
    """Points per unit, daily and yearly caps (null: none), the funding source that pays, on or off."""
    community = _books(request, code)
    rule = selectors.earning_rule_find(community, rule_code)
    if rule is None:
        raise NotFound(
            _("There is no earning rule “%(code)s” in this community.") % {"code": rule_code}, code="unknown_rule"
        )
    changes = patch_changes(payload, nullable=frozenset({"daily_cap", "monthly_cap", "yearly_cap", "name"}))
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    return rule_out(services.earning_rule_update(actor=request.user, rule=rule, **changes))


@router.get(f"{BOOKS}/settings", response=LedgerSettingsOut, summary="The points policy")
def ledger_settings(request: HttpRequest, code: str) -> dict[str, Any]:
    return policy_out(selectors.ledger_settings(_books(request, code)))


@router.patch(f"{BOOKS}/settings", response=LedgerSettingsOut, summary="Change the points policy")
def ledger_settings_update(request: HttpRequest, code: str, payload: LedgerSettingsPatch) -> dict[str, Any]:
    """What a point is worth to a merchant (fen), whether and when points expire, and the notice before."""
    community = _books(request, code)
    changed = services.ledger_settings_update(actor=request.user, community=community, **patch_changes(payload))
    return policy_out(changed)


@router.get(f"{BOOKS}/accounts", response=list[AccountOut], summary="Pools and funding sources, with balances")
def community_accounts(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.community_accounts(user=request.user, community=community)
    return [account_out(a) for a in qs]


def _posted_once(community: Any, key: str, post: Callable[[], Transaction]) -> Status[Any]:
    """201 with the transaction `post` writes; 200 with the first one when the idempotency key was used before."""
    replay = selectors.idempotency_key_used(community=community, key=key)
    return Status(200 if replay else 201, transaction_out(post()))


def _funding_account(user: Actor, community: Any, payload: DepositIn) -> Account:
    if payload.account_id is not None:
        account = selectors.deposit_account_get(user=user, community=community, pk=payload.account_id)
        if account.kind != AccountKind.FUNDING or account.unit != Unit.FEN:
            raise DomainError(
                _("Deposits go into a funding source's yuan account."), field="account_id", code="not_funding"
            )
        if payload.funding_code and payload.funding_code != account.code:
            raise DomainError(_("The account and the funding source differ."), field="funding_code")
        return account
    if not payload.funding_code:
        raise DomainError(_("Choose the funding source to pay into."), field="funding_code")
    if payload.funding_code not in FUNDING_CODES:
        raise DomainError(
            _("Unknown funding source “%(code)s”.") % {"code": payload.funding_code},
            field="funding_code",
            code="unknown_funding_source",
        )
    return services.funding_account(community, payload.funding_code, Unit.FEN)


@router.post(
    f"{BOOKS}/deposits",
    response={200: TransactionOut, 201: TransactionOut},
    summary="Money paid into a funding source (yuan, in fen)",
)
def funding_deposit(request: HttpRequest, code: str, payload: DepositIn) -> Status[Any]:
    """A grant, the cooperative's dividend, the company's profit. `amount_fen` is a whole number of fen above 0.
    A retry with the same idempotency key answers 200 with the first deposit."""
    community = _books(request, code)
    if not rules.can_manage_ledger(request.user, community):
        raise NotAllowed(_("You may not post money for this community."))
    key = idempotency_key_of(request, payload.idempotency_key, "deposit")
    account = _funding_account(request.user, community, payload)
    amount = services.whole_amount(payload.amount_fen, field="amount_fen")
    return _posted_once(
        community,
        key,
        lambda: services.funding_deposit(
            actor=request.user,
            community=community,
            code=account.code,
            amount_fen=amount,
            idempotency_key=key,
            memo=payload.memo.strip(),
        ),
    )


class TransactionFilter(Page):
    kind: str = ""


@router.get(f"{BOOKS}/transactions", response=list[TransactionOut], summary="The community's transactions")
def transactions(request: HttpRequest, code: str, filters: Query[TransactionFilter]) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.transactions_of_community(user=request.user, community=community, kind=filters.kind or "")
    rows = list(page_of(qs, filters))
    reasons = reasons_for(rows)
    return [transaction_out(t, reasons) for t in rows]


@router.post(
    f"{BOOKS}/transactions/{{transaction_id}}/reverse",
    response={200: TransactionOut, 201: TransactionOut},
    summary="Correct a transaction by reversing it",
)
def transaction_reverse(request: HttpRequest, code: str, transaction_id: int, payload: ReverseIn) -> Status[Any]:
    """Earnings, expiries and money movements can be reversed, once; orders are undone by refunds."""
    community = _books(request, code)
    if not rules.can_manage_ledger(request.user, community):
        raise NotAllowed(_("You may not correct this community's books."))
    key = idempotency_key_of(request, payload.idempotency_key, "reverse")
    original = selectors.transaction_get(user=request.user, community=community, pk=transaction_id)
    return _posted_once(
        community,
        key,
        lambda: services.transaction_reverse(
            community=community, original=original, idempotency_key=key, reason=payload.reason, actor=request.user
        ),
    )


class MerchantFilter(Page):
    status: str = ""


@router.get(f"{BOOKS}/merchants", response=list[MerchantOut], summary="The community's merchants and applications")
def community_merchants(request: HttpRequest, code: str, filters: Query[MerchantFilter]) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.merchants_of_community(user=request.user, community=community, status=filters.status or "")
    return [merchant_out(m) for m in page_of(qs, filters)]


@router.post(
    f"{BOOKS}/merchants/{{merchant_id}}/decide", response=MerchantOut, summary="Approve or decline an application"
)
def merchant_decide(request: HttpRequest, code: str, merchant_id: int, payload: DecideIn) -> dict[str, Any]:
    community = _books(request, code)
    merchant = selectors.merchant_of_community_get(user=request.user, community=community, pk=merchant_id)
    merchant = services.merchant_decide(
        actor=request.user, merchant=merchant, approve=payload.approve, settles_with=payload.settles_with
    )
    return merchant_out(merchant)


class YearFilter(Schema):
    year: int | None = None


@router.get(f"{BOOKS}/report", response=LedgerReportOut, summary="The year's report")
def report(request: HttpRequest, code: str, filters: Query[YearFilter]) -> dict[str, Any]:
    community = _books(request, code)
    year = filters.year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    data = selectors.community_report(user=request.user, community=community, year=year)
    data["merchants"] = list(data["merchants"])
    data["settled"] = {k: int(v or 0) for k, v in data["settled"].items()}
    return data

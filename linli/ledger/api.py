"""The ledger API: points and yuan, the 街坊汇 marketplace and the community's books.

Thin functions: each resolves what the user may see (through the selectors and `rules`), calls one service and
shapes the answer. Amounts are whole numbers (points; yuan in fen). Refusals answer in the project's one error
shape and move nothing.

- `/ledger/…`: the signed-in resident (balance, statement, shop, orders) and merchant staff (apply, products,
  orders, redemption, settlements);
- `/communities/{code}/ledger/…`: the community's staff (earning rules, points policy, accounts, deposits,
  reversals, merchant applications, the year's report).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from linli.core.api import AUTH, Page, page_of
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.people.models import Resident
from linli.people.selectors import resident_of_user
from linli.places.selectors import community_get, community_get_public

from . import rules, selectors, services
from .codes import FUNDING_CODES
from .models import (
    Account,
    AccountKind,
    EarningRule,
    Entry,
    LedgerSettings,
    Merchant,
    Order,
    Product,
    Settlement,
    Transaction,
    Unit,
)
from .schemas import (
    AccountOut,
    DecideIn,
    DepositIn,
    EarningRuleOut,
    EarningRulePatch,
    ExpiringOut,
    LedgerSettingsOut,
    LedgerSettingsPatch,
    MeOut,
    MerchantApplyIn,
    MerchantDetailOut,
    MerchantOut,
    OrderIn,
    OrderOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    ReasonIn,
    RedeemIn,
    ReportOut,
    ReverseIn,
    SettleIn,
    SettlementDetailOut,
    SettlementOut,
    StatementOut,
    TransactionOut,
)

router = Router(tags=["ledger"], auth=AUTH)
BOOKS = "/communities/{code}/ledger"
MAX_CLIENT_KEY = 80


# --- shared helpers -------------------------------------------------------------------------------------------


def _resident(request: HttpRequest) -> Resident:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."), code="no_resident")
    return resident


def _idempotency_key(request: HttpRequest, body_key: str, op: str) -> str:
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


def _changes(payload: Schema, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
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
        "name": p.name,
        "kind": p.kind,
        "description": p.description,
        "price_points": p.price_points,
        "price_fen": p.price_fen,
        "stock": p.stock,
        "active": p.active,
        "merchant_id": p.merchant_id,
        "merchant": p.merchant.name,
        "merchant_kind": p.merchant.kind,
        "community": p.community.code,
        "open_to_all_communities": p.merchant.open_to_all_communities,
    }


def order_out(o: Order, *, user: Any, for_merchant: bool = False) -> dict[str, Any]:
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
        "name": m.name,
        "kind": m.kind,
        "description": m.description,
        "address": m.address,
        "contact_mobile": m.contact_mobile,
        "status": m.status,
        "status_label": str(m.get_status_display()),
        "open_to_all_communities": m.open_to_all_communities,
        "settles_with": m.settles_with,
        "applied_at": m.applied_at,
        "decided_at": m.decided_at,
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


def rule_out(r: EarningRule) -> dict[str, Any]:
    return {
        "code": r.code,
        "label": r.label,
        "name": r.name,
        "points": r.points,
        "daily_cap": r.daily_cap,
        "yearly_cap": r.yearly_cap,
        "funding_code": r.funding_code,
        "enabled": r.enabled,
    }


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
        "kind": a.kind,
        "code": a.code,
        "label": a.label,
        "unit": a.unit,
        "balance": a.balance,
        "floor": a.floor,
    }


def transaction_out(t: Transaction) -> dict[str, Any]:
    reversed_by = getattr(t, "reversed_by", None)
    return {
        "id": t.pk,
        "kind": t.kind,
        "kind_label": str(t.get_kind_display()),
        "occurred_at": t.occurred_at,
        "memo": t.memo,
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


def _expiring(resident: Resident) -> dict[str, Any]:
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


# --- residents: balance, statement, shop, orders --------------------------------------------------------------


@router.get("/ledger/me", response=MeOut, summary="My balances and points about to expire")
def me(request: HttpRequest) -> dict[str, Any]:
    resident = _resident(request)
    return {
        "resident_id": resident.pk,
        "community": resident.community.code,
        "balances": selectors.resident_balances(resident),
        "expiring": _expiring(resident),
    }


class StatementFilter(Page):
    unit: str = Unit.POINTS


@router.get("/ledger/me/statement", response=StatementOut, summary="My statement, newest first, with the balance")
def my_statement(request: HttpRequest, filters: Query[StatementFilter]) -> dict[str, Any]:
    """Each line is one entry on my account; `balance_after` is the running balance after it."""
    resident = _resident(request)
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


@router.get("/ledger/me/expiring", response=ExpiringOut, summary="My points that expire at the end of this year")
def my_expiring(request: HttpRequest) -> dict[str, Any]:
    return _expiring(_resident(request))


class ShopFilter(Page):
    kind: str = ""
    search: str = ""


@router.get("/ledger/shop", response=list[ProductOut], summary="What I can buy")
def shop(request: HttpRequest, filters: Query[ShopFilter]) -> list[dict[str, Any]]:
    """Products of approved merchants of my community, and of 共富 merchants of any community open to all."""
    resident = resident_of_user(user=request.user)
    qs = selectors.shop_products(resident=resident, kind=filters.kind, search=filters.search.strip())
    return [product_out(p) for p in page_of(qs, filters)]


def _product_for_order(resident: Resident, pk: int) -> Product:
    """The product a resident may order, in stock or not (a retry of the order that bought the last one must
    still find it: the service decides on stock, after looking up the key)."""
    product = Product.objects.select_related("merchant", "community").filter(pk=pk).first()
    if (
        product is None
        or product.merchant.status != Merchant.Status.APPROVED
        or (product.community_id != resident.community_id and not product.merchant.open_to_all_communities)
    ):
        raise NotFound(_("This product is not on sale to you."), code="unknown_product", field="product_id")
    return product


@router.post("/ledger/orders", response={200: OrderOut, 201: OrderOut}, summary="Order from the shop")
def order_place(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """Pays with my points (and yuan): held until the merchant redeems the code. Send an `Idempotency-Key`
    header (or `idempotency_key`): a retry with the same key answers 200 with the first order and moves nothing."""
    resident = _resident(request)
    key = _idempotency_key(request, payload.idempotency_key, "order")
    product = _product_for_order(resident, payload.product_id)
    now = timezone.now()
    order = services.order_place(
        actor=request.user,
        resident=resident,
        product=product,
        quantity=payload.quantity,
        idempotency_key=key,
        now=now,
    )
    return Status(201 if order.created_at == now else 200, order_out(order, user=request.user))


class OrderFilter(Page):
    status: str = ""


@router.get("/ledger/orders", response=list[OrderOut], summary="My orders")
def my_orders(request: HttpRequest, filters: Query[OrderFilter]) -> list[dict[str, Any]]:
    qs = selectors.orders_of_resident(_resident(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [order_out(o, user=request.user) for o in page_of(qs, filters)]


@router.get("/ledger/orders/{order_id}", response=OrderOut, summary="One of my orders")
def my_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = selectors.order_of_resident(resident=_resident(request), pk=order_id)
    return order_out(order, user=request.user)


@router.post("/ledger/orders/{order_id}/cancel", response=OrderOut, summary="Cancel my order before redemption")
def my_order_cancel(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """My points (and yuan) come back and so does the stock. Once redeemed, only the merchant or the community's
    caseworkers may refund it."""
    order = selectors.order_of_resident(resident=_resident(request), pk=order_id)
    order = services.order_refund(actor=request.user, order=order, reason=_("Cancelled by the resident"))
    return order_out(order, user=request.user)


# --- merchants ------------------------------------------------------------------------------------------------


@router.post("/ledger/merchants", response={201: MerchantOut}, summary="Apply to sell at 街坊汇")
def merchant_apply(request: HttpRequest, payload: MerchantApplyIn) -> Status[Any]:
    """Residents of the community (and its merchants' staff) may apply; anyone else is refused with 403
    (`not_a_resident`). The community's caseworkers approve. The applicant becomes its staff."""
    try:
        community = community_get_public(code=payload.community)
    except NotFound as exc:
        exc.field = "community"
        raise
    data = payload.dict()
    data.pop("community")
    merchant = services.merchant_apply(actor=request.user, community=community, **data)
    return Status(201, merchant_out(merchant))


@router.get("/ledger/merchants", response=list[MerchantOut], summary="The merchants I work for")
def my_merchants(request: HttpRequest) -> list[dict[str, Any]]:
    return [merchant_out(m) for m in selectors.merchants_of_user(request.user)]


@router.get("/ledger/merchants/{merchant_id}", response=MerchantDetailOut, summary="A merchant and its balances")
def merchant_detail(request: HttpRequest, merchant_id: int) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    return {
        **merchant_out(merchant),
        "points_balance": selectors.merchant_balance(merchant, Unit.POINTS),
        "fen_balance": selectors.merchant_balance(merchant, Unit.FEN),
        "unsettled_points": selectors.unsettled_points(merchant),
        "can_sell": rules.can_sell(request.user, merchant),
    }


@router.get("/ledger/merchants/{merchant_id}/products", response=list[ProductOut], summary="A merchant's products")
def merchant_products(request: HttpRequest, merchant_id: int, page: Query[Page]) -> list[dict[str, Any]]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    qs = merchant.products.select_related("merchant", "community").order_by("name", "pk")
    return [product_out(p) for p in page_of(qs, page)]


@router.post("/ledger/merchants/{merchant_id}/products", response={201: ProductOut}, summary="List a product")
def product_create(request: HttpRequest, merchant_id: int, payload: ProductIn) -> Status[Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    product = services.product_save(actor=request.user, merchant=merchant, **payload.dict())
    return Status(201, product_out(product))


@router.patch(
    "/ledger/merchants/{merchant_id}/products/{product_id}",
    response=ProductOut,
    summary="Change a product's price, stock, or whether it is on sale",
)
def product_update(request: HttpRequest, merchant_id: int, product_id: int, payload: ProductPatch) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    product = merchant.products.filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such product."), code="unknown_product")
    values = {
        "name": product.name,
        "kind": product.kind,
        "description": product.description,
        "price_points": product.price_points,
        "price_fen": product.price_fen,
        "stock": product.stock,
        "active": product.active,
        **_changes(payload),
    }
    product = services.product_save(actor=request.user, merchant=merchant, product=product, **values)
    return product_out(product)


@router.get("/ledger/merchants/{merchant_id}/orders", response=list[OrderOut], summary="A merchant's orders")
def merchant_orders(request: HttpRequest, merchant_id: int, filters: Query[OrderFilter]) -> list[dict[str, Any]]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    qs = selectors.merchant_orders(user=request.user, merchant=merchant, status=filters.status)
    qs = qs.select_related("community", "merchant")
    return [order_out(o, user=request.user, for_merchant=True) for o in page_of(qs, filters)]


@router.post("/ledger/merchants/{merchant_id}/redeem", response=OrderOut, summary="Redeem a resident's code")
def merchant_redeem(request: HttpRequest, merchant_id: int, payload: RedeemIn) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    order = services.order_redeem(actor=request.user, merchant=merchant, code=payload.code)
    return order_out(order, user=request.user, for_merchant=True)


@router.post("/ledger/merchants/{merchant_id}/orders/{order_id}/refund", response=OrderOut, summary="Refund an order")
def merchant_refund(request: HttpRequest, merchant_id: int, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """The merchant's staff, or the community's caseworkers, until the merchant is settled."""
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    order = selectors.order_for_merchant(user=request.user, merchant=merchant, pk=order_id)
    order = services.order_refund(actor=request.user, order=order, reason=payload.reason.strip())
    return order_out(order, user=request.user, for_merchant=True)


@router.get(
    "/ledger/merchants/{merchant_id}/settlements", response=list[SettlementOut], summary="Settlement statements"
)
def merchant_settlements(request: HttpRequest, merchant_id: int, page: Query[Page]) -> list[dict[str, Any]]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    return [settlement_out(s) for s in page_of(merchant.settlements.select_related("merchant"), page)]


@router.get(
    "/ledger/merchants/{merchant_id}/settlements/{settlement_id}",
    response=SettlementDetailOut,
    summary="One settlement statement, with its orders",
)
def merchant_settlement(request: HttpRequest, merchant_id: int, settlement_id: int) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    settlement = selectors.settlement_get(user=request.user, merchant=merchant, pk=settlement_id)
    orders = settlement.orders.select_related("product", "resident__community").order_by("redeemed_at", "pk")
    return {
        **settlement_out(settlement),
        "orders": [
            {
                "order_id": o.pk,
                "product": o.product.name,
                "quantity": o.quantity,
                "points": o.points,
                "redeemed_at": o.redeemed_at,
                "resident_community": o.resident.community.code,
            }
            for o in orders
        ],
    }


@router.post(
    "/ledger/merchants/{merchant_id}/settle",
    response={200: SettlementOut, 201: SettlementOut},
    summary="Settle a merchant (the community's caseworkers)",
)
def merchant_settle(request: HttpRequest, merchant_id: int, payload: SettleIn) -> Status[Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    if not rules.can_manage_ledger(request.user, merchant.community):
        raise NotAllowed(_("You may not settle merchants in this community."))
    key = _idempotency_key(request, payload.idempotency_key, "settle")
    now = timezone.now()
    settlement = services.merchant_settle(actor=request.user, merchant=merchant, idempotency_key=key, now=now)
    return Status(201 if settlement.created_at == now else 200, settlement_out(settlement))


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


@router.patch(f"{BOOKS}/rules/{{rule_code}}", response=EarningRuleOut, summary="Change an earning rule")
def earning_rule_update(request: HttpRequest, code: str, rule_code: str, payload: EarningRulePatch) -> dict[str, Any]:
    """Points per unit, daily and yearly caps (null: none), the funding source that pays, on or off."""
    community = _books(request, code)
    rule = selectors.earning_rule_find(community, rule_code)
    if rule is None:
        raise NotFound(
            _("There is no earning rule “%(code)s” in this community.") % {"code": rule_code}, code="unknown_rule"
        )
    changes = _changes(payload, nullable=frozenset({"daily_cap", "yearly_cap", "name"}))
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
    return policy_out(services.ledger_settings_update(actor=request.user, community=community, **_changes(payload)))


@router.get(f"{BOOKS}/accounts", response=list[AccountOut], summary="Pools and funding sources, with balances")
def community_accounts(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.community_accounts(user=request.user, community=community).order_by("kind", "code", "unit")
    return [account_out(a) for a in qs]


def _funding_account(community: Any, payload: DepositIn) -> Account:
    if payload.account_id is not None:
        account = Account.objects.filter(pk=payload.account_id).first()
        if account is None:
            raise NotFound(_("No such account."), field="account_id", code="unknown_account")
        if account.community_id != community.pk:
            raise NotFound(_("This account belongs to another community."), field="account_id", code="other_community")
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
    key = _idempotency_key(request, payload.idempotency_key, "deposit")
    account = _funding_account(community, payload)
    amount = services.whole_amount(payload.amount_fen, field="amount_fen")
    replay = Transaction.objects.filter(community=community, idempotency_key=key).exists()
    txn = services.funding_deposit(
        actor=request.user,
        community=community,
        code=account.code,
        amount_fen=amount,
        idempotency_key=key,
        memo=payload.memo.strip(),
    )
    return Status(200 if replay else 201, transaction_out(txn))


class TransactionFilter(Page):
    kind: str = ""


@router.get(f"{BOOKS}/transactions", response=list[TransactionOut], summary="The community's transactions")
def transactions(request: HttpRequest, code: str, filters: Query[TransactionFilter]) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.transactions_of_community(user=request.user, community=community)
    qs = qs.select_related("reversed_by").prefetch_related("entries__account__resident", "entries__account__merchant")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return [transaction_out(t) for t in page_of(qs, filters)]


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
    key = _idempotency_key(request, payload.idempotency_key, "reverse")
    original = Transaction.objects.filter(community=community, pk=transaction_id).first()
    if original is None:
        raise NotFound(_("No such transaction in this community."), code="unknown_transaction")
    replay = Transaction.objects.filter(community=community, idempotency_key=key).exists()
    txn = services.transaction_reverse(
        community=community, original=original, idempotency_key=key, reason=payload.reason, actor=request.user
    )
    return Status(200 if replay else 201, transaction_out(txn))


class MerchantFilter(Page):
    status: str = ""


@router.get(f"{BOOKS}/merchants", response=list[MerchantOut], summary="The community's merchants and applications")
def community_merchants(request: HttpRequest, code: str, filters: Query[MerchantFilter]) -> list[dict[str, Any]]:
    community = _books(request, code)
    qs = selectors.merchants_of_community(user=request.user, community=community).select_related("community")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [merchant_out(m) for m in page_of(qs.order_by("name"), filters)]


@router.post(
    f"{BOOKS}/merchants/{{merchant_id}}/decide", response=MerchantOut, summary="Approve or decline an application"
)
def merchant_decide(request: HttpRequest, code: str, merchant_id: int, payload: DecideIn) -> dict[str, Any]:
    community = _books(request, code)
    merchant = Merchant.objects.filter(community=community, pk=merchant_id).select_related("community").first()
    if merchant is None:
        raise NotFound(_("No such merchant."), code="unknown_merchant")
    merchant = services.merchant_decide(
        actor=request.user, merchant=merchant, approve=payload.approve, settles_with=payload.settles_with
    )
    return merchant_out(merchant)


class YearFilter(Schema):
    year: int | None = None


@router.get(f"{BOOKS}/report", response=ReportOut, summary="The year's report")
def report(request: HttpRequest, code: str, filters: Query[YearFilter]) -> dict[str, Any]:
    community = _books(request, code)
    year = filters.year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    data = selectors.community_report(user=request.user, community=community, year=year)
    data["merchants"] = list(data["merchants"])
    data["settled"] = {k: int(v or 0) for k, v in data["settled"].items()}
    return data

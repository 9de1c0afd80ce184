"""街坊汇: residents shop and order; merchant staff apply, list products, redeem, refund and settle."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status

from linli.core.api import Page, page_of
from linli.core.errors import NotAllowed, NotFound
from linli.people.selectors import resident_of_user
from linli.places.selectors import community_get_public

from .. import rules, selectors, services
from ..models import Unit
from ..schemas import (
    MarketOrderIn,
    MarketOrderOut,
    MerchantApplyIn,
    MerchantDetailOut,
    MerchantOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    RedeemIn,
    RefundReasonIn,
    SettleIn,
    SettlementDetailOut,
    SettlementOut,
)
from .common import (
    acting_resident,
    idempotency_key_of,
    merchant_out,
    order_out,
    patch_changes,
    product_out,
    router,
    settlement_out,
)

# --- residents: shop and orders -------------------------------------------------------------------------------


class ShopFilter(Page):
    kind: str = ""
    search: str = ""


@router.get("/ledger/shop", response=list[ProductOut], summary="What I can buy")
def shop(request: HttpRequest, filters: Query[ShopFilter]) -> list[dict[str, Any]]:
    """Products of approved merchants of my community, and of 共富 merchants of any community open to all."""
    resident = resident_of_user(user=request.user)
    qs = selectors.shop_products(resident=resident, kind=filters.kind, search=filters.search.strip())
    return [product_out(p) for p in page_of(qs, filters)]


@router.post("/ledger/orders", response={200: MarketOrderOut, 201: MarketOrderOut}, summary="Order from the shop")
def order_place(request: HttpRequest, payload: MarketOrderIn) -> Status[Any]:
    """Pays with my points (and yuan): held until the merchant redeems the code. Send an `Idempotency-Key`
    header (or `idempotency_key`): a retry with the same key answers 200 with the first order and moves nothing."""
    resident = acting_resident(request)
    key = idempotency_key_of(request, payload.idempotency_key, "order")
    product = selectors.product_to_order(resident=resident, pk=payload.product_id)
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


@router.get("/ledger/orders", response=list[MarketOrderOut], summary="My orders")
def my_orders(request: HttpRequest, filters: Query[OrderFilter]) -> list[dict[str, Any]]:
    qs = selectors.orders_of_resident(acting_resident(request), status=filters.status or "")
    return [order_out(o, user=request.user) for o in page_of(qs, filters)]


@router.get("/ledger/orders/{order_id}", response=MarketOrderOut, summary="One of my orders")
def my_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = selectors.order_of_resident(resident=acting_resident(request), pk=order_id)
    return order_out(order, user=request.user)


@router.post("/ledger/orders/{order_id}/cancel", response=MarketOrderOut, summary="Cancel my order before redemption")
def my_order_cancel(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """My points (and yuan) come back and so does the stock. Once redeemed, only the merchant or the community's
    caseworkers may refund it."""
    order = selectors.order_of_resident(resident=acting_resident(request), pk=order_id)
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
    qs = selectors.merchant_products(user=request.user, merchant=merchant)
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
    product = selectors.merchant_product_get(user=request.user, merchant=merchant, pk=product_id)
    values = {
        "name": product.name,
        "kind": product.kind,
        "description": product.description,
        "price_points": product.price_points,
        "price_fen": product.price_fen,
        "stock": product.stock,
        "active": product.active,
        **patch_changes(payload),
    }
    product = services.product_save(actor=request.user, merchant=merchant, product=product, **values)
    return product_out(product)


@router.get("/ledger/merchants/{merchant_id}/orders", response=list[MarketOrderOut], summary="A merchant's orders")
def merchant_orders(request: HttpRequest, merchant_id: int, filters: Query[OrderFilter]) -> list[dict[str, Any]]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    qs = selectors.merchant_orders(user=request.user, merchant=merchant, status=filters.status)
    return [order_out(o, user=request.user, for_merchant=True) for o in page_of(qs, filters)]


@router.post("/ledger/merchants/{merchant_id}/redeem", response=MarketOrderOut, summary="Redeem a resident's code")
def merchant_redeem(request: HttpRequest, merchant_id: int, payload: RedeemIn) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    order = services.order_redeem(actor=request.user, merchant=merchant, code=payload.code)
    return order_out(order, user=request.user, for_merchant=True)


@router.post(
    "/ledger/merchants/{merchant_id}/orders/{order_id}/refund", response=MarketOrderOut, summary="Refund an order"
)
def merchant_refund(request: HttpRequest, merchant_id: int, order_id: int, payload: RefundReasonIn) -> dict[str, Any]:
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
    return [
        settlement_out(s) for s in page_of(selectors.merchant_settlements(user=request.user, merchant=merchant), page)
    ]


@router.get(
    "/ledger/merchants/{merchant_id}/settlements/{settlement_id}",
    response=SettlementDetailOut,
    summary="One settlement statement, with its orders",
)
def merchant_settlement(request: HttpRequest, merchant_id: int, settlement_id: int) -> dict[str, Any]:
    merchant = selectors.merchant_get(user=request.user, pk=merchant_id)
    settlement = selectors.settlement_get(user=request.user, merchant=merchant, pk=settlement_id)
    orders = selectors.settlement_orders(user=request.user, settlement=settlement)
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
    key = idempotency_key_of(request, payload.idempotency_key, "settle")
    now = timezone.now()
    settlement = services.merchant_settle(actor=request.user, merchant=merchant, idempotency_key=key, now=now)
    return Status(201 if settlement.created_at == now else 200, settlement_out(settlement))

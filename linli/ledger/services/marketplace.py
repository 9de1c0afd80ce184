"""街坊汇, the neighbourhood marketplace: merchants, products, orders, redemption, refunds and settlement."""

import copy
import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from linli.accounts.models import Role, RoleAssignment
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import in_language_of, notify, notify_with_change
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from .. import rules, selectors
from ..codes import FUNDING_CODES
from ..hooks import payment_hooks
from ..models import (
    MAX_ORDER_QUANTITY,
    MAX_PRICE_FEN,
    MAX_PRICE_POINTS,
    MAX_STOCK,
    Account,
    AccountKind,
    Merchant,
    Order,
    Product,
    Settlement,
    Transaction,
    TransactionKind,
    Unit,
)
from .accounts import escrow_account, funding_account, merchant_account, pool_account, resident_account
from .posting import _audit_txn, _fingerprint, _key, _once, _post, _prepared_cursor, whole_amount

M = TypeVar("M", bound=Model)

# --- merchants ------------------------------------------------------------------------------------------------


def merchant_apply(
    *,
    actor: Actor,
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
            applied_by=account_of(actor),
            applied_at=now or timezone.now(),
        )
        merchant.staff.add(account_of(actor))
        audit_record(actor=actor, action="merchant.apply", instance=merchant, after=snapshot(merchant))
    return merchant


def merchant_decide(
    *, actor: Actor, merchant: Merchant, approve: bool, settles_with: str = "", now: dt.datetime | None = None
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
        locked.decided_by = account_of(actor)
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
            with in_language_of(user):
                title = (
                    _("Your merchant application was approved")
                    if approve
                    else _("Your merchant application was declined")
                )
            notify(
                user=user,
                community=locked.community,
                title=title,
                body=locked.name,
                url=f"/market/merchant/{locked.pk}/",
            )
    return locked


def product_save(
    *,
    actor: Actor,
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
    """Ten random digits. The unique index refuses a code already given; the order is then placed again with
    another (`order_place`), which is cheaper than looking every code up first."""
    return f"{secrets.randbelow(10**10):010d}"


def _code_taken(exc: IntegrityError) -> bool:
    message = str(exc)
    return "ledger_order_code" in message or "ledger_order.code" in message


# An account wanted for a posting: its holder ("resident", "merchant", "escrow" or "pool"), the holder's id (the
# community's for escrow and pool), and how to open it when it is not there yet.
Wanted = tuple[str, int, Callable[[str], Account]]


def _accounts(wanted: list[Wanted], units: list[str]) -> dict[tuple[str, int, str], Account]:
    """The accounts of the holders `wanted` in `units`, read in one query; one not opened yet is opened."""
    found: dict[tuple[str, int, str], Account] = {}
    if not units:
        return found
    match = Q()
    for holder, pk, _open in wanted:
        if holder == "resident":
            match |= Q(resident_id=pk)
        elif holder == "merchant":
            match |= Q(merchant_id=pk)
        else:
            match |= Q(community_id=pk, kind=holder, code="")
    for account in Account.objects.filter(match, unit__in=units):
        if account.resident_id is not None:
            found["resident", account.resident_id, account.unit] = account
        elif account.merchant_id is not None:
            found["merchant", account.merchant_id, account.unit] = account
        else:
            found[account.kind, account.community_id, account.unit] = account
    for holder, pk, open_ in wanted:
        for unit in units:
            if (holder, pk, unit) not in found:
                found[holder, pk, unit] = open_(unit)
    return found


def _order_legs(
    order_resident: Resident, merchant: Merchant, amounts: dict[str, int], to: str
) -> list[tuple[Account, int]]:
    """Legs that move `amounts` from the resident to `to` ("escrow" or "merchant") of the merchant's community;
    across communities, through both communities' pools, which records what one community owes the other."""
    units = [unit for unit, amount in amounts.items() if amount > 0]
    payee: Wanted = (
        (AccountKind.ESCROW, merchant.community_id, lambda unit: escrow_account(merchant.community, unit))
        if to == "escrow"
        else (AccountKind.MERCHANT, merchant.pk, lambda unit: merchant_account(merchant, unit))
    )
    wanted = [(AccountKind.RESIDENT, order_resident.pk, lambda unit: resident_account(order_resident, unit)), payee]
    across = order_resident.community_id != merchant.community_id
    if across:
        wanted.append(
            (AccountKind.POOL, order_resident.community_id, lambda u: pool_account(order_resident.community, u))
        )
        wanted.append((AccountKind.POOL, merchant.community_id, lambda unit: pool_account(merchant.community, unit)))
    accounts = _accounts(wanted, units)
    legs: list[tuple[Account, int]] = []
    for unit in units:
        amount = amounts[unit]
        legs.append((accounts[AccountKind.RESIDENT, order_resident.pk, unit], -amount))
        if across:
            legs.append((accounts[AccountKind.POOL, order_resident.community_id, unit], amount))
            legs.append((accounts[AccountKind.POOL, merchant.community_id, unit], -amount))
        legs.append((accounts[payee[0], payee[1], unit], amount))
    return legs


def _negate(legs: list[tuple[Account, int]]) -> list[tuple[Account, int]]:
    return [(a, -amount) for a, amount in legs]


def order_place(
    *,
    actor: "Actor | None",
    resident: Resident,
    product: Product,
    quantity: int = 1,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Order:
    """A resident buys `quantity` of a product: points (and yuan) are held until the merchant redeems the code."""
    if actor is not None and resident.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("You may only order for yourself."))
    ensure_current(resident)
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
        # the stock is taken first: its statement locks the product, and decides again on it and its merchant as
        # they are now (taken off sale meanwhile?); the product is locked before the accounts, as by a refund
        name, price_points, price_fen = _take_stock(product.pk, quantity)
        points, fen = price_points * quantity, price_fen * quantity
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
            memo=f"{merchant.name} · {name} × {quantity}",
            now=now,
        )
        order = Order.objects.create(
            community=community,
            merchant=merchant,
            product=product,
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

    def fast() -> Order | None:
        return _place_pg(actor, resident, product, community, quantity, key, fingerprint, now)

    def replay(txn: Transaction) -> Order:
        return txn.order_paid

    for attempt in range(3):
        try:
            if connection.vendor == "postgresql":
                try:  # in a savepoint of its own inside a caller's transaction (`_once`)
                    placed = _once(community, key, fingerprint, fast, replay, precheck=True, one_statement=True)
                except DatabaseError as exc:
                    if not _short(exc):
                        raise
                    placed = None  # the statement was undone: the general path words the refusal
                if placed is not None:
                    return placed
            return _once(community, key, fingerprint, operation, replay, precheck=True)
        except IntegrityError as exc:  # the code drawn was taken: nothing was written, try with another
            if attempt == 2 or not _code_taken(exc):
                raise
    raise AssertionError("unreachable")


# One call of the purchase function (migration ledger/0010): the product locked and decided on, the stock taken,
# the value held in escrow, the order written and audited. No row: the general path decides.
_PLACE_SQL = """SELECT * FROM ledger_order_place(
    %(community)s, %(merchant)s, %(merchant_name)s, %(product)s, %(resident)s, %(resident_community)s,
    %(quantity)s, %(max_points)s, %(max_fen)s, %(key)s, %(fingerprint)s, %(code)s, %(occurred_at)s, %(actor)s,
    %(at)s, %(audit_actor)s, %(object_type)s)"""


def _place_pg(
    actor: "Actor | None",
    resident: Resident,
    product: Product,
    community: Community,
    quantity: int,
    key: str,
    fingerprint: str,
    now: dt.datetime,
) -> Order | None:
    merchant = product.merchant
    user = account_of(actor) if getattr(actor, "is_authenticated", False) else None
    code = _new_code()
    row = _call(
        _PLACE_SQL,
        {
            "community": merchant.community_id,
            "merchant": merchant.pk,
            "merchant_name": merchant.name,
            "product": product.pk,
            "resident": resident.pk,
            "resident_community": resident.community_id,
            "quantity": quantity,
            "max_points": MAX_PRICE_POINTS * MAX_ORDER_QUANTITY,
            "max_fen": MAX_PRICE_FEN * MAX_ORDER_QUANTITY,
            "key": key,
            "fingerprint": fingerprint,
            "code": code,
            "occurred_at": now,
            "actor": getattr(user, "pk", None),
            "at": timezone.now(),
            "audit_actor": getattr(user, "pk", None),
            "object_type": Transaction._meta.label_lower,
        },
    )
    if row is None:
        return None
    order_id, txn_id, points, fen, memo = row
    txn = _written(
        Transaction(
            pk=txn_id,
            community=community,
            kind=TransactionKind.ORDER,
            idempotency_key=key,
            fingerprint=fingerprint,
            memo=memo,
            actor=user,
            occurred_at=now,
        )
    )
    return _written(
        Order(
            pk=order_id,
            community=community,
            merchant=merchant,
            product=product,
            resident=resident,
            quantity=quantity,
            points=points,
            fen=fen,
            status=Order.Status.PAID,
            code=code,
            payment=txn,
            created_at=now,
        )
    )


def _call(sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """The one row a market function returns, or None (it wrote nothing: the general path decides)."""
    with _prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _short(exc: DatabaseError) -> bool:
    """Whether a market function's posting found an account short of its floor (then its statement was undone)."""
    if isinstance(exc, IntegrityError):
        return False
    return getattr(getattr(exc.__cause__, "diag", None), "message_primary", None) in ("ledger:short", "ledger:unknown")


def _in_one_statement(step: Callable[[], Order | None]) -> Order | None:
    """Run a market function's step (in a savepoint inside a caller's transaction): its order, or None when the
    general path must decide (the function wrote nothing, or its posting found an account short and the statement
    was undone; the general path then words the refusal)."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return step()
        return step()
    except DatabaseError as exc:
        if not _short(exc):
            raise
        return None


def _written(instance: M) -> M:
    """A model instance for a row a function wrote."""
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def _titles(text: Callable[[], str]) -> Jsonb:
    """A notification's title in every language of the site, for a function that picks the resident's."""
    titles = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            titles[language] = text()
    return Jsonb(titles)


# Takes `quantity` from the stock of a product on sale by an approved merchant, in one statement that locks the
# product's row; returns its name and prices as they are now, or no row (then `_take_stock` says why).
_TAKE_STOCK_SQL = f"""UPDATE {Product._meta.db_table} SET stock = stock - %s
    WHERE id = %s AND active AND stock >= %s
        AND merchant_id IN (SELECT id FROM {Merchant._meta.db_table} WHERE status = %s)
    RETURNING name, price_points, price_fen"""


def _take_stock(product_id: int, quantity: int) -> tuple[str, int, int]:
    """Take the stock of an order and return the product's name and prices, or refuse."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_STOCK_SQL, [quantity, product_id, quantity, Merchant.Status.APPROVED])
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1], row[2]
    held = Product.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=product_id)
    if not held.active or held.merchant.status != Merchant.Status.APPROVED:
        raise DomainError(_("This product is not on sale."), code="not_on_sale")
    if held.stock < quantity:
        raise Conflict(_("Sorry, only %(n)s left in stock.") % {"n": held.stock}, code="out_of_stock")
    # on sale and in stock after all (it changed between the two statements): take it now
    Product.objects.filter(pk=held.pk).update(stock=F("stock") - quantity)
    return held.name, held.price_points, held.price_fen


def order_redeem(*, actor: Actor, merchant: Merchant, code: str, now: dt.datetime | None = None) -> Order:
    """The merchant scans or types the resident's code: the order is delivered and the merchant is credited."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    now = now or timezone.now()
    if connection.vendor == "postgresql" and merchant.is_open and getattr(actor, "is_authenticated", False):
        redeemed = _in_one_statement(lambda: _redeem_pg(actor, merchant, code, now))  # the staff checked there
        if redeemed is not None:
            return redeemed
    if not rules.can_sell(actor, merchant):
        raise NotAllowed(_("Only an approved merchant's staff may redeem orders."))
    with transaction.atomic():
        # The merchant's state is decided again on its row as it is now (it may have been suspended since it was
        # read); FOR NO KEY UPDATE, so that orders being placed meanwhile (which reference it) need not wait.
        merchant = (
            Merchant.objects.select_for_update(no_key=True, of=("self",))
            .select_related("community")
            .get(pk=merchant.pk)
        )
        if not merchant.is_open:
            raise NotAllowed(_("Only an approved merchant's staff may redeem orders."))
        locked = (
            Order.objects.select_for_update(of=("self",))
            .select_related("product", "resident__community", "resident__user")
            .filter(merchant=merchant, code=code)
            .first()
        )
        if locked is None:
            raise NotFound(_("No order with this code at this merchant."), field="code", code="unknown_code")
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
        resident = locked.resident
        if resident.user_id:  # written with the redemption, before its posting holds the escrow account
            with in_language_of(resident.user):
                title = _("Redeemed: %(product)s") % {"product": locked.product.name}
            notify_with_change(
                user=resident.user, community=resident.community, title=title, body=merchant.name, url="/market/orders/"
            )
        amounts = {str(Unit.POINTS): locked.points, str(Unit.FEN): locked.fen}
        units = [unit for unit, amount in amounts.items() if amount]
        accounts = _accounts(
            [
                (AccountKind.ESCROW, merchant.community_id, lambda unit: escrow_account(merchant.community, unit)),
                (AccountKind.MERCHANT, merchant.pk, lambda unit: merchant_account(merchant, unit)),
            ],
            units,
        )
        legs = []
        for unit in units:
            amount = amounts[unit]
            legs += [
                (accounts[AccountKind.ESCROW, merchant.community_id, unit], -amount),
                (accounts[AccountKind.MERCHANT, merchant.pk, unit], amount),
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
            audit=("order.redeem", {"order": locked.pk}),
        )
        locked.status = Order.Status.REDEEMED
        locked.redemption = txn
        locked.redeemed_at = now
        locked.redeemed_by = account_of(actor)
        locked.save(update_fields=["status", "redemption", "redeemed_at", "redeemed_by"])
    return locked


def order_refund(*, actor: Actor, order: Order, reason: str = "", now: dt.datetime | None = None) -> Order:
    """Undo an order: before redemption from the held value (and the stock comes back), after it from the
    merchant (until the merchant is settled). Refunding twice refunds once."""
    now = now or timezone.now()
    # yuan paid through a provider goes back through it, inside the refund's transaction: the general path
    if connection.vendor == "postgresql" and not (order.fen and payment_hooks.order_refunded):
        right = rules.refund_right(actor, order)
        if right:
            refunded = _in_one_statement(lambda: _refund_pg(actor, order, reason, now, right))
            if refunded is not None:
                return refunded
    if not rules.can_refund_order(actor, order):
        raise NotAllowed(_("You may not refund this order."))
    with transaction.atomic():
        locked = (  # only the order's row: the merchant's is locked by a redemption, before its order
            Order.objects.select_for_update(of=("self",))
            .select_related("product", "community", "resident__community", "resident__user", "merchant__community")
            .get(pk=order.pk)
        )
        if locked.status == Order.Status.REFUNDED:
            return locked
        # The state and the right are decided again on the locked row when the state changed since `order` was
        # read (redeemed meanwhile): then its resident may no longer cancel it (the goods were handed over).
        if locked.status != order.status and not rules.can_refund_order(actor, locked):
            if locked.status == Order.Status.REDEEMED:
                raise Conflict(
                    _("This order has just been redeemed and can no longer be cancelled; ask the merchant."),
                    code="already_redeemed",
                )
            raise NotAllowed(_("You may not refund this order."))
        if locked.settlement_id is not None:
            raise Conflict(_("This order has been settled with the merchant and cannot be refunded here."))
        was_paid = locked.status == Order.Status.PAID
        if was_paid:  # the stock comes back; the product is locked before the accounts, as by a purchase
            Product.objects.filter(pk=locked.product_id).update(stock=F("stock") + locked.quantity)
        resident, product = locked.resident, locked.product
        if resident.user_id and resident.user_id != getattr(actor, "pk", None):
            with in_language_of(resident.user):
                title = _("Refunded: %(product)s") % {"product": product.name}
            notify_with_change(
                user=resident.user, community=resident.community, title=title, body=reason, url="/ledger/"
            )
        amounts = {str(Unit.POINTS): locked.points, str(Unit.FEN): locked.fen}
        legs = _negate(_order_legs(resident, locked.merchant, amounts, "escrow" if was_paid else "merchant"))
        txn = _post(
            community=locked.community,
            kind=TransactionKind.REFUND,
            key=f"refund:{locked.pk}",
            fingerprint=_fingerprint(op="refund", order=locked.pk),
            legs=legs,
            actor=actor,
            memo=reason or f"{locked.merchant.name} · {product.name}",
            now=now,
            audit=("order.refund", {"order": locked.pk, "reason": reason}),
        )
        locked.status = Order.Status.REFUNDED
        locked.refund = txn
        locked.refunded_at = now
        locked.save(update_fields=["status", "refund", "refunded_at"])
        for hook in payment_hooks.order_refunded if locked.fen else ():  # yuan paid through a provider goes back
            hook(order=locked, actor=actor, now=now)  # through it
    return locked


# One call of the redemption function (migration ledger/0010): the merchant and the order locked and decided on,
# the resident told, the held value to the merchant (audited), the order marked. No row: the general path decides.
_REDEEM_SQL = """SELECT * FROM ledger_order_redeem(
    %(merchant)s, %(staff_user)s, %(code)s, %(occurred_at)s, %(actor)s, %(redeemed_by)s, %(titles)s, %(language)s,
    %(at)s, %(audit_actor)s, %(object_type)s)"""


def _redeem_pg(actor: Actor, merchant: Merchant, code: str, now: dt.datetime) -> Order | None:
    user = account_of(actor)
    row = _call(
        _REDEEM_SQL,
        {
            "merchant": merchant.pk,
            "staff_user": rules.staff_to_find(user),
            "code": code,
            "occurred_at": now,
            "actor": user.pk,
            "redeemed_by": user.pk,
            "titles": _titles(lambda: _("Redeemed: %(product)s")),
            "language": settings.LANGUAGE_CODE,
            "at": timezone.now(),
            "audit_actor": user.pk,
            "object_type": Transaction._meta.label_lower,
        },
    )
    if row is None:
        return None
    pk, community, product, resident, quantity, points, fen, code, payment, created_at, redemption, settlement = row
    return _written(
        Order(
            pk=pk,
            community_id=community,
            merchant=merchant,
            product_id=product,
            resident_id=resident,
            quantity=quantity,
            points=points,
            fen=fen,
            status=Order.Status.REDEEMED,
            code=code,
            payment_id=payment,
            created_at=created_at,
            redemption_id=redemption,
            redeemed_at=now,
            redeemed_by=user,
            settlement_id=settlement,
        )
    )


# One call of the refund function (migration ledger/0010): the order locked and decided on, the stock back if it
# was not redeemed, the resident told, the value back (audited with the reason), the order marked. No row: the
# general path decides (refunded already, settled, in another state than `order` and only the resident's, or the
# actor not on the merchant's staff).
_REFUND_SQL = """SELECT * FROM ledger_order_refund(
    %(order)s, %(status_read)s, %(any_state)s, %(staff_user)s, %(reason)s, %(occurred_at)s, %(actor)s,
    %(actor_user)s, %(titles)s, %(language)s, %(at)s, %(audit_actor)s, %(object_type)s)"""


def _refund_pg(actor: Actor, order: Order, reason: str, now: dt.datetime, right: str) -> Order | None:
    """`right`: why the actor may refund, as `rules.refund_right` says."""
    user = account_of(actor)
    row = _call(
        _REFUND_SQL,
        {
            "order": order.pk,
            "status_read": order.status,
            # a resident's right is to cancel a paid order: redeemed since, the general path refuses
            "any_state": right != "resident",
            "staff_user": user.pk if right == "staff" else None,
            "reason": reason,
            "occurred_at": now,
            "actor": user.pk,
            "actor_user": user.pk,
            "titles": _titles(lambda: _("Refunded: %(product)s")),
            "language": settings.LANGUAGE_CODE,
            "at": timezone.now(),
            "audit_actor": user.pk,
            "object_type": Transaction._meta.label_lower,
        },
    )
    if row is None:
        return None
    refunded = copy.copy(order)
    (
        refunded.status,
        refunded.redemption_id,
        refunded.redeemed_at,
        refunded.redeemed_by_id,
        refunded.refund_id,
        refunded.refunded_at,
    ) = row
    return _written(refunded)


def merchant_settle(
    *, actor: Actor, merchant: Merchant, idempotency_key: str, now: dt.datetime | None = None
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
            (merchant_account(merchant, Unit.POINTS), -points),
            (pool_account(community, Unit.POINTS), points),
            (funding_account(community, merchant.settles_with, Unit.FEN), -fen),
            (merchant_account(merchant, Unit.FEN), fen),
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
            created_by=account_of(actor),
        )
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(settlement=settlement)
        _audit_txn(actor, txn, "merchant.settle", settlement=settlement.pk, orders=len(orders))
        return settlement

    return _once(community, key, fingerprint, operation, lambda txn: txn.settlement, precheck=True)

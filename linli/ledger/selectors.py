"""Reading the ledger, and only reading: the account finders return None before an account's first movement
(the writes open accounts, in `services.accounts`); the rest are scoped to the user."""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .codes import DEFAULT_RULES, RuleCode
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
    TransactionKind,
    Unit,
)

# --- the well-known accounts, the policy and the rules (found, never opened: see services.accounts) -----------


def unit_known(unit: str) -> str:
    if unit not in Unit.values:
        raise DomainError(_("Unknown unit “%(unit)s”.") % {"unit": unit}, code="unknown_unit", field="unit")
    return unit


def resident_account_find(resident: Resident, unit: str = Unit.POINTS) -> Account | None:
    """The resident's account in `unit`, or None before its first movement."""
    return Account.objects.filter(resident=resident, unit=unit_known(unit)).first()


def merchant_balance(merchant: Merchant, unit: str = Unit.POINTS) -> int:
    return balance_of(Account.objects.filter(merchant=merchant, unit=unit_known(unit)).first())


def ledger_settings(community: Community) -> LedgerSettings:
    """The community's points policy: its stored row, or the defaults (unsaved) before the first change."""
    return LedgerSettings.objects.filter(community=community).first() or LedgerSettings(community=community)


def default_rules(community: Community) -> list[EarningRule]:
    """The default earning rules for the community, unsaved, by code."""
    rules_ = [
        EarningRule(
            community=community,
            code=r.code,
            points=r.points,
            daily_cap=r.daily_cap,
            yearly_cap=r.yearly_cap,
            funding_code=r.funding_code,
        )
        for r in DEFAULT_RULES
    ]
    return sorted(rules_, key=lambda r: r.code)


def earning_rules(community: Community) -> list[EarningRule]:
    """The community's earning rules; the defaults (unsaved, stored on first use) until then."""
    return list(EarningRule.objects.filter(community=community)) or default_rules(community)


def earning_rule_find(community: Community, code: str) -> EarningRule | None:
    return next((r for r in earning_rules(community) if r.code == code), None)


# --- balances and statements ---------------------------------------------------------------------------------


def balance_of(account: Account | None) -> int:
    return account.balance if account is not None else 0


def resident_balances(resident: Resident) -> dict[str, int]:
    rows = dict(Account.objects.filter(resident=resident).values_list("unit", "balance"))
    return {Unit.POINTS: rows.get(Unit.POINTS, 0), Unit.FEN: rows.get(Unit.FEN, 0)}


def resident_accounts(resident: Resident) -> dict[str, Account]:
    """The resident's accounts by unit, in one read (a page that shows the balances and one account's lines)."""
    return {a.unit: a for a in Account.objects.filter(resident=resident)}


def balances_of(accounts: dict[str, Account]) -> dict[str, int]:
    """`resident_balances` from accounts already read."""
    return {unit: accounts[unit].balance if unit in accounts else 0 for unit in (Unit.POINTS, Unit.FEN)}


def statement(account: Account | None) -> QuerySet[Entry]:
    """An account's entries, newest first, each with its transaction and the balance after it.

    The page of entries is read from the entry table alone, on its (account, time) index, and the transactions of
    that page fetched by primary key after it: no join that a planner without statistics could turn into a scan of
    every transaction."""
    if account is None:
        return Entry.objects.none()
    # the transactions, what reversed them and what they reverse (for the reasons), in one read after the page
    transactions = Prefetch("transaction", queryset=Transaction.objects.select_related("reversed_by", "reverses"))
    return Entry.objects.filter(account=account).prefetch_related(transactions).order_by("-occurred_at", "-pk")


def statement_totals(account: Account | None, *, since: dt.datetime) -> tuple[int, int]:
    """In one statement: how many lines the account's statement has, and the credits to it since `since` (what
    `expiring_points` needs). For the points page, which shows both."""
    if account is None:
        return 0, 0
    totals = Entry.objects.filter(account=account).aggregate(
        lines=Count("pk"), credits=Sum("amount", filter=Q(amount__gt=0, occurred_at__gte=since))
    )
    return int(totals["lines"]), int(totals["credits"] or 0)


def recent_credits(account: Account, since: dt.datetime) -> int:
    total = Entry.objects.filter(account=account, amount__gt=0, occurred_at__gte=since).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def year_start(year: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, 1, 1))


def expiring_points(account: Account | None, *, year: int, years: int) -> int:
    """Points on the account that expire at the end of `year`: all but what arrived in the `years` years
    before then (oldest points are spent first)."""
    if account is None:
        return 0
    return max(0, account.balance - recent_credits(account, year_start(year - years + 1)))


# --- the marketplace ------------------------------------------------------------------------------------------


def shop_products(*, resident: Resident | None, kind: str = "", search: str = "") -> QuerySet[Product]:
    """What a resident can buy: approved merchants of their community, and those open to every community."""
    qs = Product.objects.filter(active=True, stock__gt=0, merchant__status=Merchant.Status.APPROVED).select_related(
        "merchant", "community"
    )
    if resident is None:
        qs = qs.filter(merchant__open_to_all_communities=True)
    else:
        qs = qs.filter(Q(community_id=resident.community_id) | Q(merchant__open_to_all_communities=True))
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(merchant__name__icontains=search))
    return qs.order_by("price_points", "pk")


def product_for_resident(*, resident: Resident, pk: int) -> Product:
    # with the merchant's community: the order is booked in it
    product = shop_products(resident=resident).filter(pk=pk).select_related("merchant__community").first()
    if product is None:
        raise NotFound(_("This product is not on sale to you."), code="unknown_product")
    return product


def orders_of_resident(resident: Resident, status: str = "") -> QuerySet[Order]:
    qs = Order.objects.filter(resident=resident).select_related("product", "merchant", "community")
    return qs.filter(status=status) if status else qs


def product_to_order(*, resident: Resident, pk: int) -> Product:
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


def order_of_resident(*, resident: Resident, pk: int) -> Order:
    order = orders_of_resident(resident).filter(pk=pk).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def merchants_of_user(user: Actor) -> QuerySet[Merchant]:
    if not user.is_authenticated:
        return Merchant.objects.none()
    return Merchant.objects.filter(staff=user).select_related("community")


def merchant_get(*, user: Actor, pk: int) -> Merchant:
    """A merchant its staff (or the community's staff) may open; the same 404 for everyone else."""
    merchant = Merchant.objects.select_related("community").filter(pk=pk).first()
    if merchant is None or not rules.can_view_merchant(user, merchant):
        raise NotFound(_("No such merchant."), code="unknown_merchant")
    return merchant


def merchant_orders(*, user: Actor, merchant: Merchant, status: str = "") -> QuerySet[Order]:
    if not rules.can_view_merchant(user, merchant):
        raise NotAllowed(_("You may not see this merchant's orders."))
    qs = Order.objects.filter(merchant=merchant).select_related(
        "product", "resident", "resident__community", "community", "merchant"
    )
    return qs.filter(status=status) if status else qs


def order_for_merchant(*, user: Actor, merchant: Merchant, pk: int) -> Order:
    order = merchant_orders(user=user, merchant=merchant).filter(pk=pk).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def settlement_get(*, user: Actor, merchant: Merchant, pk: int) -> Settlement:
    if not rules.can_view_merchant(user, merchant):
        raise NotFound(_("No such settlement."))
    settlement = Settlement.objects.filter(merchant=merchant, pk=pk).select_related("merchant", "community").first()
    if settlement is None:
        raise NotFound(_("No such settlement."))
    return settlement


def unsettled_points(merchant: Merchant) -> int:
    total = Order.objects.filter(merchant=merchant, status=Order.Status.REDEEMED, settlement__isnull=True).aggregate(
        s=Sum("points")
    )["s"]
    return int(total or 0)


# --- the community's books ------------------------------------------------------------------------------------


def community_accounts(*, user: Actor, community: Community) -> QuerySet[Account]:
    """Pools, funding sources, escrow and the outside world: the community's own accounts."""
    if not rules.can_view_ledger(user, community):
        raise NotAllowed(_("You may not see this community's books."))
    return (
        Account.objects.filter(community=community)
        .exclude(kind__in=[AccountKind.RESIDENT, AccountKind.MERCHANT])
        .order_by("kind", "code", "unit")
    )


def community_report(*, user: Actor, community: Community, year: int) -> dict[str, Any]:
    """The accountant's year: points issued by rule and by funder, spent, refunded, expired, settled; merchants;
    and what residents of other communities redeemed here (and ours there)."""
    if not rules.can_view_ledger(user, community):
        raise NotAllowed(_("You may not see this community's books."))
    start, end = year_start(year), year_start(year + 1)
    in_year = Q(transaction__occurred_at__gte=start, transaction__occurred_at__lt=end)
    resident_points = Entry.objects.filter(in_year, account__community=community, account__kind=AccountKind.RESIDENT)
    resident_points = resident_points.filter(unit=Unit.POINTS)
    by_kind = dict(
        resident_points.values_list("transaction__kind").annotate(s=Sum("amount")).values_list("transaction__kind", "s")
    )
    by_rule = list(
        resident_points.filter(transaction__kind=TransactionKind.EARN)
        .values("transaction__rule_code")
        .annotate(points=Sum("amount"), count=Count("id"))
        .order_by("-points")
    )
    for row in by_rule:  # the rule's name in the reader's language beside its code
        code = row["transaction__rule_code"]
        row["label"] = str(RuleCode(code).label) if code in RuleCode.values else code
    by_funder = list(
        Entry.objects.filter(in_year, account__community=community, account__kind=AccountKind.FUNDING)
        .values("account__code", "unit")
        .annotate(total=Sum("amount"))
        .order_by("account__code", "unit")
    )
    orders = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    cross_in = (
        orders.filter(community=community)
        .exclude(resident__community=community)
        .exclude(status=Order.Status.REFUNDED)
        .values("resident__community__name")
        .annotate(points=Sum("points"), count=Count("id"))
    )
    cross_out = (
        orders.filter(resident__community=community)
        .exclude(community=community)
        .exclude(status=Order.Status.REFUNDED)
        .values("community__name")
        .annotate(points=Sum("points"), count=Count("id"))
    )
    settled = Settlement.objects.filter(community=community, created_at__gte=start, created_at__lt=end).aggregate(
        points=Sum("points"), fen=Sum("fen"), count=Count("id")
    )
    holders = Account.objects.filter(community=community, kind=AccountKind.RESIDENT, unit=Unit.POINTS)
    return {
        "year": year,
        "earned": int(by_kind.get(TransactionKind.EARN, 0) or 0),
        "spent": -int(by_kind.get(TransactionKind.ORDER, 0) or 0),
        "refunded": int(by_kind.get(TransactionKind.REFUND, 0) or 0),
        "expired": -int(by_kind.get(TransactionKind.EXPIRE, 0) or 0),
        "reversed": int(by_kind.get(TransactionKind.REVERSAL, 0) or 0),
        "by_rule": by_rule,
        "by_funder": by_funder,
        "cross_in": list(cross_in),
        "cross_out": list(cross_out),
        "settled": settled,
        "outstanding": int(holders.aggregate(s=Sum("balance"))["s"] or 0),
        "holders": holders.filter(balance__gt=0).count(),
        "merchants": Merchant.objects.filter(community=community).values("status").annotate(n=Count("id")),
        "products": Product.objects.filter(community=community, active=True).count(),
    }


def pending_merchants(*, user: Actor, community: Community) -> QuerySet[Merchant]:
    if not rules.can_decide_merchant(user, community):
        raise NotAllowed(_("You may not decide on merchants in this community."))
    return Merchant.objects.filter(community=community, status=Merchant.Status.PENDING)


def pending_merchant_get(*, user: Actor, community: Community, pk: int) -> Merchant:
    merchant = pending_merchants(user=user, community=community).filter(pk=pk).first()
    if merchant is None:
        raise NotFound(_("No such application."))
    return merchant


def approved_merchants(*, user: Actor, community: Community) -> QuerySet[Merchant]:
    """The community's approved merchants by name, for its books."""
    if not rules.can_view_ledger(user, community):
        raise NotAllowed(_("You may not see this community's merchants."))
    return Merchant.objects.filter(community=community, status=Merchant.Status.APPROVED).order_by("name")


def merchant_products(*, user: Actor, merchant: Merchant) -> QuerySet[Product]:
    """A merchant's products by name, for someone `merchant_get` already admitted."""
    if not rules.can_view_merchant(user, merchant):
        raise NotFound(_("No such merchant."), code="unknown_merchant")
    return merchant.products.select_related("merchant", "community").order_by("name", "pk")


def merchant_product_get(*, user: Actor, merchant: Merchant, pk: int) -> Product:
    product = merchant_products(user=user, merchant=merchant).filter(pk=pk).first()
    if product is None:
        raise NotFound(_("No such product."), code="unknown_product")
    return product


def merchant_settlements(*, user: Actor, merchant: Merchant) -> QuerySet[Settlement]:
    if not rules.can_view_merchant(user, merchant):
        raise NotFound(_("No such merchant."), code="unknown_merchant")
    return merchant.settlements.select_related("merchant")


def settlement_orders(*, user: Actor, settlement: Settlement) -> QuerySet[Order]:
    """The orders a settlement paid, for someone `settlement_get` already admitted."""
    return settlement.orders.select_related("product", "resident__community").order_by("redeemed_at", "pk")


def merchants_of_community(*, user: Actor, community: Community, status: str = "") -> QuerySet[Merchant]:
    if not rules.can_view_ledger(user, community):
        raise NotAllowed(_("You may not see this community's merchants."))
    qs = Merchant.objects.filter(community=community).select_related("community").prefetch_related("accounts")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name")


def merchant_of_community_get(*, user: Actor, community: Community, pk: int) -> Merchant:
    """A merchant of this community, for the staff deciding on it (the service checks who may)."""
    merchant = Merchant.objects.filter(community=community, pk=pk).select_related("community").first()
    if merchant is None:
        raise NotFound(_("No such merchant."), code="unknown_merchant")
    return merchant


def transactions_of_community(*, user: Actor, community: Community, kind: str = "") -> QuerySet[Transaction]:
    if not rules.can_view_ledger(user, community):
        raise NotAllowed(_("You may not see this community's books."))
    qs = (
        Transaction.objects.filter(community=community)
        .select_related("reversed_by")
        .prefetch_related("entries__account__resident", "entries__account__merchant")
    )
    return qs.filter(kind=kind) if kind else qs


def transaction_get(*, user: Actor, community: Community, pk: int) -> Transaction:
    """A transaction of this community, to correct (the caller has checked who may)."""
    original = Transaction.objects.filter(community=community, pk=pk).first()
    if original is None:
        raise NotFound(_("No such transaction in this community."), code="unknown_transaction")
    return original


def idempotency_key_used(*, community: Community, key: str) -> bool:
    """Whether a transaction with this key exists already (a retry answers 200 instead of 201)."""
    return Transaction.objects.filter(community=community, idempotency_key=key).exists()


def deposit_account_get(*, user: Actor, community: Community, pk: int) -> Account:
    """An account named as a deposit's destination: unknown and other communities' accounts are refused apart,
    as the API has always answered."""
    account = Account.objects.filter(pk=pk).first()
    if account is None:
        raise NotFound(_("No such account."), field="account_id", code="unknown_account")
    if account.community_id != community.pk:
        raise NotFound(_("This account belongs to another community."), field="account_id", code="other_community")
    return account

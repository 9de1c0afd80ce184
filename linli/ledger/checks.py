"""Proving the books: every transaction balances per unit, every balance equals the sum of its entries, and
every object that points at its transactions (orders, settlements, donations, grant tranches, project reports,
volunteer hours) agrees with them: its state has the postings it needs, of the right kind, for its amounts."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce

from .hooks import payment_hooks
from .models import Account, AccountKind, Entry, Order, Settlement, TransactionKind, Unit


@dataclass(frozen=True)
class CheckResult:
    accounts: int
    entries: int
    problems: list[str]
    orders: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_check(*, community_id: int | None = None) -> CheckResult:
    problems: list[str] = []
    entries = Entry.objects.all()
    accounts = Account.objects.all()
    if community_id is not None:
        entries = entries.filter(transaction__community_id=community_id)
        accounts = accounts.filter(community_id=community_id)
    for row in (
        entries.values("transaction_id", "unit")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    ):
        problems.append(f"transaction {row['transaction_id']} does not balance in {row['unit']}: {row['total']:+d}")
    mismatched = Entry.objects.exclude(unit=F("account__unit"))
    if community_id is not None:
        mismatched = mismatched.filter(account__community_id=community_id)
    for entry in mismatched[:100]:
        problems.append(f"entry {entry.pk} is in {entry.unit} but its account {entry.account_id} is not")
    sums = accounts.annotate(
        total=Coalesce(Sum("entries__amount"), 0), last=Max("entries__id"), n=Count("entries")
    ).values_list("pk", "balance", "total", "floor", "last", "n")
    n_entries = 0
    last_ids = []
    for pk, balance, total, floor, last, n in sums:
        n_entries += n
        if balance != total:
            problems.append(f"account {pk}: balance {balance} but its entries sum to {total}")
        if floor is not None and balance < floor:
            problems.append(f"account {pk}: balance {balance} is below its floor {floor}")
        if last is not None:
            last_ids.append((pk, balance, last))
    after = dict(Entry.objects.filter(pk__in=[x[2] for x in last_ids]).values_list("pk", "balance_after"))
    for pk, balance, last in last_ids:
        if after.get(last) != balance:
            problems.append(f"account {pk}: last entry says {after.get(last)} but the balance is {balance}")
    n_orders = _check_orders(community_id, problems)
    _check_settlements(community_id, problems)
    _check_linked(community_id, problems)
    for check in payment_hooks.checks:  # payments against the provider's records (`linli.ledger.hooks`)
        check(community_id, problems)
    return CheckResult(accounts=len(sums), entries=n_entries, problems=problems, orders=n_orders)


# --- states and postings --------------------------------------------------------------------------------------

# (transaction, holder, unit) -> the sum of that transaction's legs on the holder's accounts; a holder is
# ("resident", resident pk), ("merchant", merchant pk) or ("escrow", community pk)
Legs = dict[tuple[int, tuple[str, int], str], int]
# The tables the checks join: a bulk writer refreshes their statistics before it runs them.
LEDGER_TABLES = ("ledger_entry", "ledger_transaction", "ledger_account", "ledger_order")
UNITS = (str(Unit.POINTS), str(Unit.FEN))


def _legs(community_id: int | None, kinds: Iterable[str]) -> Legs:
    entries = Entry.objects.filter(transaction__kind__in=list(kinds))
    if community_id is not None:
        entries = entries.filter(transaction__community_id=community_id)
    fields = (
        "transaction_id",
        "account__kind",
        "account__resident_id",
        "account__merchant_id",
        "account__community_id",
        "unit",
    )
    legs: Legs = defaultdict(int)
    rows = entries.values(*fields).annotate(total=Sum("amount")).values_list(*fields, "total").order_by()
    for txn, kind, resident, merchant, community, unit, total in rows:
        if kind == AccountKind.RESIDENT:
            legs[(txn, ("resident", resident), unit)] += total
        elif kind == AccountKind.MERCHANT:
            legs[(txn, ("merchant", merchant), unit)] += total
        elif kind == AccountKind.ESCROW:
            legs[(txn, ("escrow", community), unit)] += total
    return legs


def _moves(
    problems: list[str],
    what: str,
    legs: Legs,
    txn: int,
    amounts: dict[str, int],
    holders: dict[tuple[str, int], int],
) -> None:
    """Report unless the transaction moved `amounts` (per unit) on each holder, with the sign given (+1 or -1)."""
    for holder, sign in holders.items():
        for unit in UNITS:
            moved = legs.get((txn, holder, unit), 0)
            if moved != sign * amounts[unit]:
                problems.append(
                    f"{what}: transaction {txn} moves {moved:+d} {unit} on the {holder[0]} {holder[1]}, "
                    f"expected {sign * amounts[unit]:+d}"
                )


def _check_orders(community_id: int | None, problems: list[str]) -> int:
    """Each order's state against its payment, redemption and refund."""
    orders = Order.objects.all()
    if community_id is not None:
        orders = orders.filter(community_id=community_id)
    legs = _legs(community_id, [TransactionKind.ORDER, TransactionKind.REDEEM, TransactionKind.REFUND])
    n = 0
    for o in orders.values(
        "pk",
        "status",
        "points",
        "fen",
        "community_id",
        "resident_id",
        "resident__user_id",
        "merchant_id",
        "payment_id",
        "payment__kind",
        "redemption_id",
        "redemption__kind",
        "redemption__occurred_at",
        "redeemed_at",
        "refund_id",
        "refund__kind",
        "refund__actor_id",
        "refund__occurred_at",
        "refunded_at",
        "settlement_id",
    ).order_by("pk"):
        n += 1
        what = f"order {o['pk']}"
        amounts = {str(Unit.POINTS): o["points"], str(Unit.FEN): o["fen"]}
        resident, merchant = ("resident", o["resident_id"]), ("merchant", o["merchant_id"])
        escrow = ("escrow", o["community_id"])
        status, redeemed, refunded = o["status"], o["redemption_id"] is not None, o["refund_id"] is not None
        if o["payment__kind"] != TransactionKind.ORDER:
            problems.append(f"{what}: its payment {o['payment_id']} is a {o['payment__kind']}, not an order payment")
        else:
            _moves(problems, what + " payment", legs, o["payment_id"], amounts, {resident: -1, escrow: +1})
        if redeemed != (o["redeemed_at"] is not None):
            problems.append(f"{what}: redeemed_at and its redemption posting disagree")
        if refunded != (o["refunded_at"] is not None):
            problems.append(f"{what}: refunded_at and its refund posting disagree")
        if status == Order.Status.PAID and (redeemed or refunded):
            problems.append(f"{what} is paid (to redeem) but has a redemption or refund posting")
        if status == Order.Status.REDEEMED and (not redeemed or refunded):
            problems.append(f"{what} is redeemed but has no redemption posting, or has a refund posting")
        if status == Order.Status.REFUNDED and not refunded:
            problems.append(f"{what} is refunded but has no refund posting")
        if o["settlement_id"] is not None and status != Order.Status.REDEEMED:
            problems.append(f"{what} is settled with the merchant but is {status}")
        if redeemed:
            if o["redemption__kind"] != TransactionKind.REDEEM:
                problems.append(f"{what}: its redemption {o['redemption_id']} is a {o['redemption__kind']}")
            else:
                _moves(problems, what + " redemption", legs, o["redemption_id"], amounts, {escrow: -1, merchant: +1})
        if refunded:
            if o["refund__kind"] != TransactionKind.REFUND:
                problems.append(f"{what}: its refund {o['refund_id']} is a {o['refund__kind']}")
            else:
                # before redemption the held value comes back; after it, the merchant pays it back
                source = merchant if redeemed else escrow
                _moves(problems, what + " refund", legs, o["refund_id"], amounts, {source: -1, resident: +1})
        if redeemed and refunded:
            # only the merchant or the community may refund an order once its goods were handed over
            if o["resident__user_id"] is not None and o["refund__actor_id"] == o["resident__user_id"]:
                problems.append(f"{what} was both redeemed and refunded (cancelled by the resident after redemption)")
            if o["refund__occurred_at"] < o["redemption__occurred_at"]:
                problems.append(f"{what} was both redeemed and refunded (refunded before its redemption)")
    return n


def _check_settlements(community_id: int | None, problems: list[str]) -> None:
    """Each settlement against its orders and its transaction."""
    settlements = Settlement.objects.annotate(
        order_points=Coalesce(Sum("orders__points"), 0), n=Count("orders")
    ).values(
        "pk",
        "merchant_id",
        "points",
        "fen",
        "fen_per_point",
        "transaction_id",
        "transaction__kind",
        "order_points",
        "n",
    )
    if community_id is not None:
        settlements = settlements.filter(community_id=community_id)
    legs = _legs(community_id, [TransactionKind.SETTLEMENT])
    for s in settlements:
        what = f"settlement {s['pk']}"
        if s["order_points"] != s["points"]:
            problems.append(f"{what}: {s['points']} points but its {s['n']} order(s) hold {s['order_points']}")
        if s["fen"] != s["points"] * s["fen_per_point"]:
            problems.append(f"{what}: pays {s['fen']} fen for {s['points']} points at {s['fen_per_point']} fen each")
        if s["transaction__kind"] != TransactionKind.SETTLEMENT:
            problems.append(f"{what}: its transaction {s['transaction_id']} is a {s['transaction__kind']}")
            continue
        merchant = ("merchant", s["merchant_id"])
        for unit, expected in ((str(Unit.POINTS), -s["points"]), (str(Unit.FEN), s["fen"])):
            moved = legs.get((s["transaction_id"], merchant, unit), 0)
            if moved != expected:
                problems.append(f"{what}: moves {moved:+d} {unit} on the merchant, expected {expected:+d}")


def _paid_in(queryset, amount: str, link: str):  # type: ignore[no-untyped-def]
    """Annotate the sum of the positive legs of each row's transaction (what it paid to its payee)."""
    return queryset.annotate(
        moved=Coalesce(Sum(f"{link}__entries__amount", filter=Q(**{f"{link}__entries__amount__gt": 0})), 0)
    ).exclude(moved=F(amount))


def _check_linked(community_id: int | None, problems: list[str]) -> None:
    """Donations, grant tranches, project reports and volunteer hours against the transactions they point at."""
    scope = {} if community_id is None else {"transaction__community_id": community_id}
    Donation = apps.get_model("fund", "Donation")
    Tranche = apps.get_model("fund", "Tranche")
    ProjectReport = apps.get_model("fund", "ProjectReport")
    ServiceRecord = apps.get_model("volunteering", "ServiceRecord")
    for pk, kind in (
        Donation.objects.filter(**scope)
        .exclude(transaction__kind=TransactionKind.DEPOSIT)
        .values_list("pk", "transaction__kind")
    ):
        problems.append(f"donation {pk}: its transaction is a {kind}, not a deposit")
    for pk, amount, moved in _paid_in(Donation.objects.filter(**scope), "amount_fen", "transaction").values_list(
        "pk", "amount_fen", "moved"
    ):
        problems.append(f"donation {pk}: {amount} fen received but its transaction moves {moved}")
    tranches = Tranche.objects.filter(**scope)
    for pk, kind in tranches.exclude(transaction__kind=TransactionKind.GRANT).values_list("pk", "transaction__kind"):
        problems.append(f"grant tranche {pk}: its transaction is a {kind}, not a grant")
    for pk, amount, moved in _paid_in(tranches, "amount_fen", "transaction").values_list("pk", "amount_fen", "moved"):
        problems.append(f"grant tranche {pk}: {amount} fen paid but its transaction moves {moved}")
    for pk, status in tranches.exclude(application__status__in=["approved", "completed"]).values_list(
        "pk", "application__status"
    ):
        problems.append(f"grant tranche {pk} pays an application that is {status}")
    Application = Tranche._meta.get_field("application").related_model
    applications = Application.objects.annotate(paid=Sum("tranches__amount_fen")).filter(paid__gt=F("approved_fen"))
    if community_id is not None:
        applications = applications.filter(community_id=community_id)
    for pk, paid, approved in applications.values_list("pk", "paid", "approved_fen"):
        problems.append(f"grant application {pk}: {paid} fen paid of {approved} approved")
    reports = ProjectReport.objects.all()
    if community_id is not None:
        reports = reports.filter(application__community_id=community_id)
    for pk in reports.filter(
        Q(spent_fen__gt=0, transaction__isnull=True) | Q(spent_fen=0, transaction__isnull=False)
    ).values_list("pk", flat=True):
        problems.append(f"project report {pk}: money reported spent and its posting disagree")
    for pk, amount, moved in _paid_in(
        reports.filter(transaction__isnull=False), "spent_fen", "transaction"
    ).values_list("pk", "spent_fen", "moved"):
        problems.append(f"project report {pk}: {amount} fen spent but its transaction moves {moved}")
    records = ServiceRecord.objects.all()
    if community_id is not None:
        records = records.filter(community_id=community_id)
    for pk, status in records.filter(earning__isnull=False).exclude(status="confirmed").values_list("pk", "status"):
        problems.append(f"volunteer hours {pk} earned points but are {status}")
    for pk in records.filter(earning__isnull=True, points__gt=0).values_list("pk", flat=True):
        problems.append(f"volunteer hours {pk} show points but have no earning posting")
    for pk, points, moved in _paid_in(records.filter(earning__isnull=False), "points", "earning").values_list(
        "pk", "points", "moved"
    ):
        problems.append(f"volunteer hours {pk}: {points} points shown but the earning moves {moved}")

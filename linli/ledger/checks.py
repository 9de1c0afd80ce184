"""Proving the books: every transaction balances per unit, and every balance equals the sum of its entries."""

from dataclasses import dataclass

from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Coalesce

from .models import Account, Entry


@dataclass(frozen=True)
class CheckResult:
    accounts: int
    entries: int
    problems: list[str]

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
    return CheckResult(accounts=len(sums), entries=n_entries, problems=problems)

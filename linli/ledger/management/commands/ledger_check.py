from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.ledger.checks import ledger_check


class Command(BaseCommand):
    help = (
        "Recompute every balance from its entries, check that every transaction balances, and that every order, "
        "settlement, donation, grant tranche, project report and volunteer record agrees with its postings "
        "(no order both redeemed and refunded by its resident, every paid, redeemed and refunded order with its "
        "posting for its amounts), and what registers in linli.ledger.hooks (payments against their postings and "
        "the provider's records). Fails on a mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", type=int, default=None, help="Only this community's id.")

    def handle(self, *args: Any, community: int | None, **options: Any) -> None:
        result = ledger_check(community_id=community)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"the ledger does NOT balance: {len(result.problems)} problem(s)")
        self.stdout.write(
            f"ledger OK: {result.accounts} accounts, {result.entries} entries, every balance matches; "
            f"{result.orders} orders agree with their postings"
        )

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linli.cockpit.services import snapshots_refresh_all
from linli.places.models import Community


class Command(BaseCommand):
    help = (
        "Compute a month's cockpit figures again and store them (all communities, or one with --community). "
        "A closed month is stored once it ends and then only read: run this after records of that month were "
        "entered late or corrected (a back-dated move out, a report resolved late), so that it counts them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--community", default=None, help="Only the community with this code.")

    def handle(self, *args: Any, month: str, community: str | None, **options: Any) -> None:
        try:
            first = dt.datetime.strptime(month.strip(), "%Y-%m").date()
        except ValueError:
            raise CommandError("give the month as YYYY-MM, e.g. 2026-11") from None
        if first > timezone.localdate():
            raise CommandError(f"{first:%Y-%m} has not begun yet")
        communities = Community.objects.order_by("code")
        if community:
            communities = communities.filter(code=community)
            if not communities.exists():
                raise CommandError(f"no community has the code {community!r}")
        count = snapshots_refresh_all(month=first, communities=communities)
        self.stdout.write(f"{first:%Y-%m}: figures stored again for {count} community(ies)")

"""What the ledger does when something below it happens."""

from typing import Any

from linli.places.models import Community

from .services import funding_accounts_open


def community_created(
    sender: type[Community], instance: Community, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        funding_accounts_open(instance)


def unused_accounts_clear(place: Any) -> None:
    """A community deleted from the set-up pages: its funding accounts go with it while nothing was ever booked."""
    from .models import Account

    if isinstance(place, Community):
        Account.objects.filter(
            community=place, resident__isnull=True, merchant__isnull=True, entries__isnull=True
        ).delete()

"""What the ledger does when something below it happens."""

from typing import Any

from linli.places.models import Community

from .services import funding_accounts_open


def community_created(
    sender: type[Community], instance: Community, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        funding_accounts_open(instance)

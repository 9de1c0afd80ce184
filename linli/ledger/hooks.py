"""How the ledger reaches a payment provider without importing it: the payments app registers here in its
`AppConfig.ready`. With nothing registered, a price in yuan is paid at the shop, as before."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PaymentHooks:
    # where a resident pays the yuan part of a product: checkout_url(product) -> a page's path
    checkout_url: Callable[[Any], str] | None = None
    # called inside `order_refund`'s transaction when the order had a price in yuan, after the yuan came back to
    # the resident's account, so that the money goes back the way it came in: on_order_refunded(order=, actor=, now=)
    order_refunded: list[Callable[..., None]] = field(default_factory=list)
    # extra checks of `ledger_check`: check(community_id, problems) appends what does not agree
    checks: list[Callable[[int | None, list[str]], None]] = field(default_factory=list)


payment_hooks = PaymentHooks()

"""The ledger API: points and yuan, the 街坊汇 marketplace and the community's books.

Thin functions: each resolves what the user may see (through the selectors and `rules`), calls one service and
shapes the answer. Amounts are whole numbers (points; yuan in fen). Refusals answer in the project's one error
shape and move nothing.

- `/ledger/…`: the signed-in resident (balance, statement, shop, orders) and merchant staff (apply, products,
  orders, redemption, settlements);
- `/communities/{code}/ledger/…`: the community's staff (earning rules, points policy, accounts, deposits,
  reversals, merchant applications, the year's report).
"""

# The routes register in this order (the order of the OpenAPI document); the router names their operations after
# the functions alone, so that moving a function between modules never changes the published API.
# isort: off
from . import points, marketplace, books  # noqa: F401

# isort: on
from .common import router

__all__ = ["router"]

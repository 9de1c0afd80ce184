"""The resident's points page (/ledger/) is read lean: a statement with a few lines of every kind (earnings,
purchases, refunds, reversals) and one with many cost the same number of queries, within a ceiling."""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import client_for
from linli.ledger import services
from linli.ledger.models import Transaction

from .conftest import fund, key

pytestmark = pytest.mark.django_db

# session, user, resident, accounts, policy, the statement's totals, its page, the page's transactions, the
# earning rules' names, the orders behind them, family links, roles, merchants
CEILING = 13


def cost(client: Any, assert_max: Any) -> int:
    assert client.get("/ledger/").status_code == 200  # warms the session and the caches
    with assert_max(CEILING) as captured:
        response = client.get("/ledger/")
    assert response.status_code == 200
    return len(captured)


def add_lines(shopper: Any, product: Any, community: Any, admin: Any, n: int) -> None:
    """`n` of each kind of line: earnings, purchases and their refunds, reversals of earnings."""
    for _ in range(n):
        fund(shopper, 30)
        order = services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
        services.order_refund(actor=shopper.user, order=order)
        services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key=key("o"))
        earned = Transaction.objects.filter(kind="earn", reversed_by__isnull=True).order_by("-pk").first()
        services.transaction_reverse(
            community=community, original=earned, idempotency_key=key("r"), reason="wrong day", actor=admin
        )


def test_the_points_page_costs_the_same_for_a_few_lines_and_many(
    shopper, product, community, make_user, django_assert_max_num_queries
):
    client = client_for(shopper.user)
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    fund(shopper, 100)
    add_lines(shopper, product, community, admin, 1)
    few = cost(client, django_assert_max_num_queries)
    add_lines(shopper, product, community, admin, 3)
    many = cost(client, django_assert_max_num_queries)
    page = client.get("/ledger/").content.decode()
    assert page.count('data-testid="reason"') == 20 and "青菜一把" in page and "撤销" in page
    assert many == few, f"{few} queries for a few lines, {many} for many"

"""On PostgreSQL, with real concurrent transactions: parallel spends from one balance never overdraw it, parallel
top-ups never take it over the community's limit, and parallel withdrawals never send back more than it holds."""

from typing import Any

import pytest

from linli.core.errors import Conflict, DomainError
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Order, Product, Unit
from linli.ledger.selectors import resident_balances
from linli.ledger.tests.test_concurrency import run_threads
from linli.payments import stored_value
from linli.payments.models import Payment, Refund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def policy(users: dict[str, Any], community: Any) -> Any:
    return stored_value.stored_value_policy_set(
        actor=users["community_admin"], community=community, enabled=True, limit_fen=1_000
    )


def test_parallel_spends_from_one_balance_never_overdraw_it(
    shopper: Any, policy: Any, users: dict[str, Any], merchant: Any
) -> None:
    stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=1_000)
    tea = Product.objects.create(
        merchant=merchant, community=merchant.community, name="茶叶", price_points=0, price_fen=300, stock=50
    )

    results = run_threads(
        8,
        lambda i: ledger.order_place(actor=shopper.user, resident=shopper, product=tea, idempotency_key=f"tea-{i}"),
    )

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(placed) == 3 and len(refused) == 5, results
    assert resident_balances(shopper)[Unit.FEN] == 100
    tea.refresh_from_db()
    assert tea.stock == 47
    assert ledger_check().ok, ledger_check().problems


def test_parallel_top_ups_at_the_counter_never_pass_the_limit(shopper: Any, policy: Any, users: dict[str, Any]) -> None:
    results = run_threads(
        6, lambda i: stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=300)
    )

    done = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(done) == 3 and len(refused) == 3, results
    assert all(r.code == "over_limit" for r in refused)
    assert Payment.objects.count() == 3 and len({p.receipt_no for p in done}) == 3
    assert resident_balances(shopper)[Unit.FEN] == 900
    assert ledger_check().ok, ledger_check().problems


def test_parallel_withdrawals_never_send_back_more_than_the_balance(
    shopper: Any, policy: Any, users: dict[str, Any]
) -> None:
    stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=600)
    stored_value.topup_at_counter(actor=users["operator"], resident=shopper, amount_fen=400)

    results = run_threads(
        4,
        lambda i: stored_value.balance_withdraw(
            actor=users["operator"], resident=shopper, amount_fen=400, at_counter=True
        ),
    )

    done = [r for r in results if isinstance(r, list)]
    assert len(done) == 2 and all(isinstance(r, Conflict) for r in results if not isinstance(r, list)), results
    assert sum(r.amount_fen for r in Refund.objects.all()) == 800
    assert resident_balances(shopper)[Unit.FEN] == 200
    assert ledger_check().ok, ledger_check().problems

"""On PostgreSQL, with real concurrent transactions: no account below its floor, no lost entry, no double move."""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from linli.core.errors import DomainError
from linli.ledger import selectors, services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Order, Product, Transaction

from .conftest import fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * n
    start = threading.Barrier(n)

    def target(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and inspected by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_100_concurrent_redemptions_against_a_resident_who_can_afford_10(shopper, product):
    fund(shopper, 100)  # 10 × 10 points
    entries_before = Entry.objects.count()

    results = run_threads(
        100,
        lambda i: services.order_place(
            actor=shopper.user, resident=shopper, product=product, idempotency_key=f"race-{i}"
        ),
    )
    ok = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, services.InsufficientBalance)]
    assert len(ok) == 10 and len(refused) == 90, Counter(type(r).__name__ for r in results)
    account = selectors.resident_account(shopper)
    assert account.balance == account.floor == 0
    assert Entry.objects.count() == entries_before + 10 * 2  # no lost entry, none extra
    assert Product.objects.get(pk=product.pk).stock == 1000 - 10
    check = ledger_check()
    assert check.ok, check.problems


def test_the_same_idempotency_key_sent_concurrently_moves_value_once(shopper, product):
    fund(shopper, 100)
    results = run_threads(
        20, lambda i: services.order_place(actor=shopper.user, resident=shopper, product=product, idempotency_key="one")
    )
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert selectors.resident_account(shopper).balance == 90
    assert Transaction.objects.filter(idempotency_key="one").count() == 1


def test_concurrent_earnings_respect_the_daily_cap(community, resident):
    results = run_threads(
        30,
        lambda i: services.points_earn(
            community=community, resident=resident, rule_code="volunteer_hour", idempotency_key=f"h-{i}"
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.points for r in results) == 80  # the default daily cap
    assert selectors.resident_account(resident).balance == 80


def test_transfers_in_both_directions_do_not_deadlock(community):
    a = selectors.funding_account(community, "community_fund")
    b = selectors.funding_account(community, "community_company")

    def work(i: int) -> Any:
        src, dst = (a, b) if i % 2 else (b, a)
        return services.money_transfer(
            community=community, from_account=src, to_account=dst, amount_fen=100 + i, idempotency_key=f"t{i}", memo=""
        )

    results = run_threads(40, work)
    assert not [r for r in results if isinstance(r, Exception | DomainError)], results
    assert ledger_check().ok

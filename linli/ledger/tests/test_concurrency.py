"""On PostgreSQL, with real concurrent transactions: no account below its floor, no lost entry, no double move."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from linli.audit.models import AuditEntry
from linli.core.errors import DomainError, NotFound
from linli.ledger import services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Account, Entry, Order, Product, Transaction

from .conftest import fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_connections() -> int:
    """How many more connections the server will take now (it is shared: keep a margin for others)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        return int(cursor.fetchone()[0]) - 15


def run_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Start n threads at once. Each opens its own connection; if the server cannot take n more, the threads
    queue for a connection slot (all still racing on the same rows)."""
    results: list[Any] = [None] * n
    start = threading.Barrier(n)
    slots = threading.BoundedSemaphore(max(8, min(n, free_connections())))

    def target(i: int) -> None:
        try:
            start.wait()
            with slots:
                try:
                    results[i] = work(i)
                finally:
                    connection.close()
        except Exception as exc:  # collected and inspected by the test
            results[i] = exc

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
    assert len(ok) == 10 and len(refused) == 90, [
        r for r in results if not isinstance(r, Order | services.InsufficientBalance)
    ]
    account = services.resident_account(shopper)
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
    assert services.resident_account(shopper).balance == 90
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
    assert services.resident_account(resident).balance == 80


def test_transfers_in_both_directions_do_not_deadlock(community):
    a = services.funding_account(community, "economic_cooperative")  # two sources without a floor
    b = services.funding_account(community, "community_company")

    def work(i: int) -> Any:
        src, dst = (a, b) if i % 2 else (b, a)
        return services.money_transfer(
            community=community, from_account=src, to_account=dst, amount_fen=100 + i, idempotency_key=f"t{i}", memo=""
        )

    results = run_threads(40, work)
    assert not [r for r in results if isinstance(r, Exception | DomainError)], results
    assert ledger_check().ok


def test_the_database_refuses_to_change_or_delete_ledger_rows(community, resident):
    from django.db import DatabaseError, transaction

    fund(resident, 5)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.update(amount=6)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Transaction.objects.update(memo="edited")
    assert ledger_check().ok


# A lone transfer outside any transaction is one statement, its own transaction (no BEGIN, no COMMIT).


def test_concurrent_lone_transfers_from_a_resident_who_can_afford_10(community, resident):
    fund(resident, 10)
    source = services.resident_account(resident)
    charity = services.funding_account(community, "community_fund", "points")
    audits_before = AuditEntry.objects.count()
    assert not connection.in_atomic_block

    results = run_threads(
        30,
        lambda i: services.points_transfer(
            community=community, from_account=source, to_account=charity, points=1, idempotency_key=f"gift-{i}", memo=""
        ),
    )
    ok = [r for r in results if isinstance(r, Transaction)]
    refused = [r for r in results if isinstance(r, services.InsufficientBalance)]
    assert len(ok) == 10 and len(refused) == 20, results
    assert refused[0].details == {"account": source.pk}
    assert "0" in str(refused[0]) and "积分" in str(refused[0])  # balance and floor, in the user's language
    source.refresh_from_db()
    assert source.balance == source.floor == 0
    assert Transaction.objects.filter(idempotency_key__startswith="gift-").count() == 10  # refusals wrote nothing
    assert AuditEntry.objects.count() == audits_before + 10
    check = ledger_check()
    assert check.ok, check.problems


def test_a_lone_transfer_sent_twice_concurrently_moves_once_and_a_retry_gets_the_first(community, resident):
    fund(resident, 10)
    source = services.resident_account(resident)
    charity = services.funding_account(community, "community_fund", "points")

    def send(_i: int) -> Any:
        return services.points_transfer(
            community=community, from_account=source, to_account=charity, points=3, idempotency_key="once", memo=""
        )

    results = run_threads(10, send)
    assert all(isinstance(r, Transaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert send(0).pk == results[0].pk
    source.refresh_from_db()
    assert source.balance == 7


def test_a_lone_transfer_to_an_account_that_does_not_exist_writes_nothing(community, resident):
    fund(resident, 10)
    source = services.resident_account(resident)
    ghost = Account(pk=source.pk + 10_000, community=community, kind="funding", unit="points")
    with pytest.raises(NotFound) as refused:
        services.points_transfer(
            community=community, from_account=source, to_account=ghost, points=1, idempotency_key="ghost", memo=""
        )
    assert refused.value.code == "unknown_account"
    assert not Transaction.objects.filter(idempotency_key="ghost").exists()
    source.refresh_from_db()
    assert source.balance == 10


def test_a_redemption_racing_the_residents_cancel_pays_once(shopper, product, merchant, merchant_user):
    """The merchant redeems the code at the moment the resident cancels: one of them wins, the other is refused,
    and the order and the books agree (never goods handed over and points returned)."""
    from linli.core.errors import Conflict

    fund(shopper, 200)
    outcomes = []
    for trial in range(12):
        order = services.order_place(
            actor=shopper.user, resident=shopper, product=product, idempotency_key=f"race-cancel-{trial}"
        )
        seen = Order.objects.get(pk=order.pk)  # what the resident's cancel request read: paid, to redeem

        def work(i: int, order: Order = order, seen: Order = seen) -> Any:
            if i == 0:
                return services.order_redeem(actor=merchant_user, merchant=merchant, code=order.code)
            return services.order_refund(actor=shopper.user, order=seen, reason="cancelled")

        redeemed, refunded = run_threads(2, work)
        wins = [r for r in (redeemed, refunded) if isinstance(r, Order)]
        assert len(wins) == 1, (redeemed, refunded)
        loser = refunded if wins[0] is redeemed else redeemed
        assert isinstance(loser, Conflict), loser
        held = Order.objects.get(pk=order.pk)
        if wins[0] is redeemed:
            assert held.status == Order.Status.REDEEMED and held.refund_id is None and held.redeemed_at is not None
        else:
            assert held.status == Order.Status.REFUNDED and held.redemption_id is None and held.redeemed_at is None
        outcomes.append(held.status)
    redeemed_n = outcomes.count(Order.Status.REDEEMED)
    assert services.merchant_account(merchant).balance == 10 * redeemed_n
    assert services.resident_account(shopper).balance == 200 - 10 * redeemed_n
    check = ledger_check()
    assert check.ok, check.problems


def test_two_corrections_of_one_transaction_at_once_reverse_it_once(community, resident, users):
    from linli.core.errors import Conflict

    for trial in range(10):
        earned = services.points_earn(
            community=community, resident=resident, rule_code="volunteer_hour", idempotency_key=f"earn-{trial}"
        ).transaction
        results = run_threads(
            2,
            lambda i, earned=earned, trial=trial: services.transaction_reverse(
                community=community,
                original=earned,
                idempotency_key=f"fix-{trial}-{i}",
                reason="录错了",
                actor=users["community_admin"],
            ),
        )
        assert len([r for r in results if isinstance(r, Transaction)]) == 1, results
        assert len([r for r in results if isinstance(r, Conflict) and r.code == "already_reversed"]) == 1, results
    assert services.resident_account(resident).balance == 0
    check = ledger_check()
    assert check.ok, check.problems

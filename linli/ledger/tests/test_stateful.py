"""Random sequences of earn / order / redeem / refund / expire / reverse / retry keep the books exact:
every unit sums to zero, and every balance equals the sum of its entries and respects its floor."""

import contextlib
import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linli.accounts.models import Role, RoleAssignment, User
from linli.conftest import make_resident
from linli.core.errors import DomainError
from linli.ledger import services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Merchant, Order, Product, Transaction, Unit

RULES = ["volunteer_hour", "activity_attendance", "waste_sorting", "vote_cast"]
_ids = itertools.count()


def build_machine(community: Any, other: Any) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()  # each example starts from the same empty books
            n = next(_ids)
            self.clock = timezone.make_aware(dt.datetime(2025, 1, 5, 9))
            self.residents = []
            for i, where in enumerate((community, community, other)):
                user = User.objects.create_user(mobile=f"137{n:05d}{i:03d}", password="x-pass-word")
                self.residents.append(make_resident(where, name=f"r{n}-{i}", seq=i + 1, user=user))
            self.seller = User.objects.create_user(mobile=f"136{n:05d}001", password="x-pass-word")
            self.merchant = Merchant.objects.create(
                community=community,
                name=f"m{n}",
                status="approved",
                applied_at=self.clock,
                open_to_all_communities=True,
            )
            self.merchant.staff.add(self.seller)
            RoleAssignment.objects.create(user=self.seller, role=Role.MERCHANT_STAFF, community=community)
            self.product = Product.objects.create(
                merchant=self.merchant, community=community, name="p", price_points=7, price_fen=0, stock=10_000
            )
            self.earned: list[Transaction] = []
            self.orders: list[Order] = []
            self.keys: list[tuple[str, Any]] = []

        def _key(self) -> str:
            return f"hk-{next(_ids)}"

        @rule(who=st.integers(0, 2), rule_code=st.sampled_from(RULES), quantity=st.integers(1, 12))
        def earn(self, who: int, rule_code: str, quantity: int) -> None:
            resident = self.residents[who]
            key = self._key()
            result = services.points_earn(
                community=resident.community,
                resident=resident,
                rule_code=rule_code,
                quantity=quantity,
                idempotency_key=key,
                now=self.clock,
            )
            assert 0 <= result.points <= result.asked
            if result.transaction:
                self.earned.append(result.transaction)
            self.keys.append((key, (resident, rule_code, quantity)))

        @precondition(lambda self: self.keys)
        @rule(data=st.data())
        def retry_earn(self, data: Any) -> None:
            key, (resident, rule_code, quantity) = data.draw(st.sampled_from(self.keys))
            before = Entry.objects.count()
            services.points_earn(
                community=resident.community,
                resident=resident,
                rule_code=rule_code,
                quantity=quantity,
                idempotency_key=key,
                now=self.clock,
            )
            assert Entry.objects.count() == before

        @rule(who=st.integers(0, 2), quantity=st.integers(1, 4))
        def order(self, who: int, quantity: int) -> None:
            resident = self.residents[who]
            try:
                order = services.order_place(
                    actor=resident.user,
                    resident=resident,
                    product=self.product,
                    quantity=quantity,
                    idempotency_key=self._key(),
                    now=self.clock,
                )
            except services.InsufficientBalance:
                return
            self.orders.append(order)

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def redeem(self, data: Any) -> None:
            order = data.draw(st.sampled_from(self.orders))
            try:
                services.order_redeem(actor=self.seller, merchant=self.merchant, code=order.code, now=self.clock)
            except DomainError:
                assert Order.objects.get(pk=order.pk).status != Order.Status.PAID

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def refund(self, data: Any) -> None:
            order = Order.objects.get(pk=data.draw(st.sampled_from(self.orders)).pk)
            with contextlib.suppress(DomainError):  # a settled order (never here)
                services.order_refund(actor=self.seller, order=order, now=self.clock)

        @precondition(lambda self: self.earned)
        @rule(data=st.data())
        def reverse(self, data: Any) -> None:
            txn = data.draw(st.sampled_from(self.earned))
            with contextlib.suppress(DomainError):  # already reversed, or the points were spent (the floor holds)
                services.transaction_reverse(
                    community=txn.community, original=txn, idempotency_key=self._key(), reason="test", now=self.clock
                )

        @rule(days=st.integers(1, 200))
        def advance(self, days: int) -> None:
            self.clock += dt.timedelta(days=days)

        @rule()
        def expire(self) -> None:
            year = timezone.localtime(self.clock).year - 1
            for c in (community, other):
                services.points_expire(community=c, year=year, now=self.clock)

        @rule(amount=st.one_of(st.integers(max_value=0), st.floats(allow_nan=False), st.text(max_size=3)))
        def bad_input(self, amount: Any) -> None:
            before = Entry.objects.count()
            with pytest.raises(DomainError):
                services.points_transfer(
                    community=community,
                    from_account=services.resident_account(self.residents[0]),
                    to_account=services.pool_account(community),
                    points=amount,
                    idempotency_key=self._key(),
                    memo="",
                )
            assert Entry.objects.count() == before

        def teardown(self) -> None:
            if hasattr(self, "savepoint"):
                transaction.savepoint_rollback(self.savepoint)

        @invariant()
        def books_balance(self) -> None:
            for unit in Unit.values:
                assert (Entry.objects.filter(unit=unit).aggregate(s=Sum("amount"))["s"] or 0) == 0
            result = ledger_check()
            assert result.ok, result.problems

    return LedgerMachine


@pytest.mark.django_db
def test_random_sequences_keep_the_books_exact(community, other_community):
    machine = build_machine(community, other_community)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

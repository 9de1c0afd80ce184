"""Statements and caps are planned on the entry table's own index even before PostgreSQL has statistics: no sort
of the joined transactions, whatever ANALYZE has or has not seen."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from linli.conftest import make_resident
from linli.ledger import selectors, services
from linli.ledger.models import EarningRule, Entry, TransactionKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def accounts(community: Any) -> list[Any]:
    source = services.funding_account(community, "community_fund", "points")
    made = []
    for r in range(6):
        resident = make_resident(community, name=f"居民{r}", seq=r + 1)
        account = services.resident_account(resident)
        for n in range(20):
            services.points_transfer(
                community=community,
                from_account=source,
                to_account=account,
                points=5,
                idempotency_key=f"plan-{r}-{n}",
                memo="",
                kind="grant",
                now=timezone.now() - dt.timedelta(days=n),
            )
        made.append(account)
    with connection.cursor() as cursor:  # as on a freshly loaded database: no statistics at all
        cursor.execute("SELECT pg_stat_reset()")
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'ledger_entry'::regclass")
    return made


def test_a_statement_page_reads_the_time_index_without_sorting(accounts: list[Any]) -> None:
    plan = selectors.statement(accounts[3])[:20].explain()
    assert "ledger_transaction" not in plan, plan  # the transactions of the page are fetched by key afterwards
    assert "ledger_entry_account_time_idx" in plan, plan


def test_the_cap_sum_reads_the_entry_index(accounts: list[Any], community: Any) -> None:
    rule = EarningRule.objects.filter(community=community).first() or services.earning_rule_get(
        community, "volunteer_hour"
    )
    now = timezone.now()
    plan = (
        Entry.objects.filter(
            account=accounts[5],
            transaction__kind=TransactionKind.EARN,
            transaction__rule_code=rule.code,
            occurred_at__gte=now - dt.timedelta(days=365),
            occurred_at__lt=now,
        )
        .values("account")
        .explain()
    )
    assert "Seq Scan on ledger_entry" not in plan, plan

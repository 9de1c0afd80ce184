"""On PostgreSQL an earning is one statement (the function of migration ledger/0009) once the rule and the accounts
exist; it must award, cap, record and audit exactly as the general path does, and hand back to it when it cannot
decide alone."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.core.errors import DomainError
from linli.ledger import services
from linli.ledger.checks import ledger_check
from linli.ledger.models import Entry, Transaction, Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h))


def earn(community, resident, key: str, *, rule: str = "volunteer_hour", quantity: int = 1, now=None):
    return services.points_earn(
        community=community, resident=resident, rule_code=rule, quantity=quantity, idempotency_key=key, now=now
    )


def test_the_first_earning_opens_what_is_missing_and_the_next_is_one_statement(community, resident):
    first = earn(community, resident, "s1", now=at(2026, 5, 4))  # the rules and accounts opened on the way
    assert first.points == 10
    with CaptureQueriesContext(connection) as queries:
        second = earn(community, resident, "s2", quantity=2, now=at(2026, 5, 4))
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test runs in a transaction
    assert len(statements) == 1 and "ledger_earn" in statements[0]
    assert second.points == 20 and second.transaction is not None and second.transaction.pk
    txn = Transaction.objects.get(pk=second.transaction.pk)
    assert (txn.kind, txn.rule_code, txn.idempotency_key) == ("earn", "volunteer_hour", "s2")
    to = services.resident_account(resident)
    source = services.funding_account(community, "community_fund", Unit.POINTS)
    assert (to.balance, source.balance) == (30, -30)
    assert sorted(Entry.objects.filter(transaction=txn).values_list("account_id", "amount", "balance_after")) == sorted(
        [(to.pk, 20, 30), (source.pk, -20, -30)]
    )
    audit = AuditEntry.objects.get(action="points.earn", object_id=str(txn.pk))
    assert audit.after == {
        "rule": "volunteer_hour",
        "quantity": 2,
        "asked": 20,
        "awarded": 20,
        "legs": [
            {"account": source.pk, "unit": "points", "amount": -20},
            {"account": to.pk, "unit": "points", "amount": 20},
        ],
    }
    assert ledger_check().ok


def test_caps_of_day_month_and_year_and_reversals_as_on_the_general_path(community, resident, make_user):
    rule = services.earning_rule_get(community, "volunteer_hour")
    rule.daily_cap, rule.monthly_cap, rule.yearly_cap = 25, 40, 45
    rule.save()
    got = [earn(community, resident, f"c{i}", now=at(2026, 3, 1 + i // 3)).points for i in range(6)]
    assert got == [10, 10, 5, 10, 5, 0]  # 25 on the 1st; the month's 40 reached on the 2nd
    assert earn(community, resident, "c-april", quantity=3, now=at(2026, 4, 1)).points == 5  # the year's 45
    # a reversed earning no longer counts against the caps
    staff = make_user(role=Role.COMMUNITY_ADMIN, community=community)
    original = Transaction.objects.get(idempotency_key="c0")
    services.transaction_reverse(
        community=community, original=original, idempotency_key="r0", reason="wrong day", actor=staff
    )
    assert earn(community, resident, "c-may", quantity=3, now=at(2026, 5, 1)).points == 10
    capped = earn(community, resident, "c-none", now=at(2026, 5, 1))
    assert (capped.points, capped.transaction, capped.asked) == (0, None, 10)
    nothing = Transaction.objects.get(idempotency_key="c-none")  # recorded, so that a retry is recognised
    assert not nothing.entries.exists()
    after = AuditEntry.objects.get(action="points.earn", object_id=str(nothing.pk)).after
    assert after is not None and (after["awarded"], after["legs"]) == (0, [])
    # a retry replays what was decided, whatever the caps say now
    assert earn(community, resident, "c-may", quantity=3, now=at(2026, 6, 1)).points == 10
    assert ledger_check().ok


def test_a_switched_off_rule_and_an_unknown_rule_are_refused_in_words(community, resident):
    earn(community, resident, "o1")
    rule = services.earning_rule_get(community, "volunteer_hour")
    rule.enabled = False
    rule.save()
    with pytest.raises(DomainError) as off:
        earn(community, resident, "o2")
    assert off.value.code == "rule_disabled"
    with pytest.raises(DomainError) as unknown:
        earn(community, resident, "o3", rule="no_such_rule")
    assert unknown.value.code == "unknown_rule"
    assert not Transaction.objects.filter(idempotency_key__in=["o2", "o3"]).exists()

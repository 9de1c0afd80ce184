"""On PostgreSQL, with real concurrent transactions: no posting lands in a month after it was closed, and the
figures the close recorded are the month's postings, exactly."""

import datetime as dt

import pytest

from linli.company import selectors, services
from linli.company.models import MonthClose, Posting
from linli.conftest import run_together
from linli.core.errors import Conflict
from linli.ledger.checks import ledger_check

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 1, 10, 10, tzinfo=TZ)


def test_postings_racing_the_close_of_their_month_either_land_before_it_or_are_refused(community, users):
    admin, operator = users["community_admin"], users["operator"]
    for month in range(1, 7):  # six races, one per month of 2025
        day = dt.date(2025, month, 28)

        def post(i: int, day: dt.date = day) -> None:
            services.entry_post(
                actor=admin,
                community=community,
                direction="revenue",
                source="rent",
                amount_fen=1000 * (i + 1),
                day=day,
                counterparty="商户",
                idempotency_key=f"{day}-{i}",
                now=NOW,
            )

        jobs = [lambda i=i: post(i) for i in range(3)]
        jobs.append(
            lambda m=month: services.month_close(actor=operator, community=community, year=2025, month=m, now=NOW)
        )
        errors = run_together(jobs)
        assert all(isinstance(e, Conflict) and e.code == "month_closed" for e in errors), errors
        closed = MonthClose.objects.get(community=community, month=dt.date(2025, month, 1))
        statement = selectors.statement_of(community, 2025, month)
        assert closed.revenue_fen == statement.revenue_fen == statement.ledger_total_fen
        assert Posting.objects.filter(day__month=month).count() == 3 - len(errors)
    assert ledger_check(community_id=community.pk).ok

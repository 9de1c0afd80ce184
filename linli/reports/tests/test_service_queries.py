"""A report's life through the services costs a fixed number of queries per operation (savepoints included),
whatever the number of reports, events and supporters already there: the report's row is locked alone, the related
rows the caller holds kept, a rating closes the report it has already locked, and the clock reads the communities and
categories of the due reports once. Told nobody (a past recorded after the fact) it works out no one to tell."""

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.db import connection

from linli.accounts.models import Role
from linli.conftest import make_resident
from linli.notifications.services import telling_no_one
from linli.places.models import Building
from linli.reports import services
from linli.reports.models import Report

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

# (operation, told nobody, told as always): the queries each costs, savepoints included
COSTS = {
    # the category's fields, the report, its event, its audit row
    "submit": (6, 6),
    # the report locked; the report, event, audit row; the reporter's resident and the points through the ledger
    # (rule, accounts, caps, transaction, entries, audit)
    "accept": (17, 18),
    "start": (6, 7),  # (told) and the supporters
    "resolve": (6, 7),
    # the report locked once; the rating and the closing, each with its event and audit row
    "rate": (9, 10),
    # the due reports, their communities and categories; then each locked, raised, its event and audit row (and its
    # level told)
    "escalate": (9, 10),
    "close": (8, 9),  # the periods, the ended reports; then each locked, closed, its event and audit row
}
OPENING_ACCOUNTS = 12  # the community's first points earning opens the reporter's and the funding's accounts
EARNED_IN_ONE_STATEMENT = 7  # on PostgreSQL, once the accounts are open, the ledger earns in one statement


def _submit(community: Any, category: Any, building: Any, **given: Any) -> Report:
    """A lamp out at the building, on the first floor."""
    return services.report_submit(
        community=community,
        category=category,
        description="3幢门口路灯不亮",
        building=building,
        attributes={"floor": ["1"]},
        **given,
    )


def _life(
    community: Any,
    category: Any,
    steward: Any,
    fixer: Any,
    reporter: Any,
    building: Any,
    assert_num: Any,
    told: int,
    first: bool,
) -> None:
    def costs(name: str) -> Any:
        if name != "accept":
            return assert_num(COSTS[name][told])
        if first:
            return assert_num(COSTS[name][told] + OPENING_ACCOUNTS)
        return assert_num(COSTS[name][told] - (EARNED_IN_ONE_STATEMENT if connection.vendor == "postgresql" else 0))

    with costs("submit"):
        report = _submit(community, category, building, actor=reporter, now=T0)
    with costs("escalate"):
        assert services.reports_escalate_overdue(now=T0 + 5 * HOUR) == 1
    with costs("accept"):
        report = services.report_accept(actor=steward, report=report, note="已收到", now=T0 + 6 * HOUR)
    with costs("start"):
        report = services.report_start(actor=fixer, report=report, note="已派人", now=T0 + 7 * HOUR)
    with costs("resolve"):
        report = services.report_resolve(actor=fixer, report=report, note="已更换", now=T0 + 8 * HOUR)
    with costs("rate"):
        report = services.report_rate(actor=reporter, report=report, rating=5, now=T0 + 9 * HOUR)
    assert report.status == Report.Status.CLOSED
    guest = _submit(community, category, building, actor=None, guest_mobile="15500001234", now=T0 + 10 * HOUR)
    guest = services.report_accept(actor=steward, report=guest, now=T0 + 10 * HOUR)
    services.report_resolve(actor=fixer, report=guest, note="已更换", now=T0 + 11 * HOUR)
    with costs("close"):
        assert services.reports_close_resolved(now=T0 + dt.timedelta(days=8)) == 1


@pytest.mark.parametrize("quiet", [True, False], ids=["told-nobody", "told"])
@pytest.mark.parametrize("before", [0, 6], ids=["first", "after-others"])
def test_each_operation_costs_the_same_fixed_number_of_queries(
    community: Any,
    category: Any,
    steward: Any,
    fixer: Any,
    resident_user: Any,
    make_user: Any,
    django_assert_num_queries: Any,
    quiet: bool,
    before: int,
) -> None:
    resident = make_resident(community, name="周丽君")
    resident.user = resident_user
    resident.save(update_fields=["user"])
    building = Building.objects.filter(community=community).select_related("grid__steward").first()
    with telling_no_one() if quiet else contextlib.nullcontext():
        for _n in range(before):  # other reports, their events, supporters and points: the costs stay the same
            other = _submit(community, category, building, actor=resident_user, now=T0 - dt.timedelta(days=1))
            services.report_support(actor=make_user(Role.RESIDENT, community), report=other, now=T0)
            services.report_accept(actor=steward, report=other, now=T0 - HOUR)
        _life(
            community,
            category,
            steward,
            fixer,
            resident_user,
            building,
            django_assert_num_queries,
            told=int(not quiet),
            first=not before,
        )

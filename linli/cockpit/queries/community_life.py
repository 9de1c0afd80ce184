"""Volunteering, partners, the community fund and the community company, for the cockpit."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum

from linli.company.selectors import month_entries, statement_of
from linli.fund.selectors import fund_summary
from linli.ledger.codes import FundingCode
from linli.ledger.models import Entry, TransactionKind
from linli.partners.models import Partner, Project
from linli.volunteering.models import Activity, ServiceRecord

from .people import last_day, living
from .registry import figure, month_bounds, month_span, query


def _confirmed(community: Any, month: dt.date) -> Any:
    start, end = month_bounds(month)
    return ServiceRecord.objects.filter(
        community=community, status=ServiceRecord.Status.CONFIRMED, served_on__gte=start, served_on__lt=end
    )


@query("volunteer_hours_per_100")
def volunteer_hours_per_100(community: Any, month: dt.date) -> float | None:
    """Confirmed volunteer service hours in the month per 100 residents."""
    residents = living(community, month).count()
    minutes = _confirmed(community, month).aggregate(m=Sum("minutes"))["m"] or 0
    return 100 * (minutes / 60) / residents if residents else None


def _subsidies(community: Any, month: dt.date) -> Any:
    """What funding sources (government, community fund, cooperative) paid out as subsidies in the month.

    The community company's own support of its affordable and free spaces is not a subsidy: it is paid from
    its revenue, which is what this figure is weighed against.
    """
    start, end = month_span(month)
    return Entry.objects.filter(
        transaction__community=community,
        transaction__kind=TransactionKind.SUBSIDY,
        transaction__occurred_at__gte=start,
        transaction__occurred_at__lt=end,
        account__kind="funding",
        amount__lt=0,
    ).exclude(account__code=FundingCode.COMMUNITY_COMPANY)


def _operating_revenue_fen(community: Any, month: dt.date) -> int:
    """The community company's takings in the month (bookings, diners' share of meals, commission): the money
    paid into its account, less the subsidies paid into it."""
    entries = month_entries(community, month.year, month.month, until=month_span(month)[1]).filter(amount__gt=0)
    return int(entries.exclude(transaction__kind=TransactionKind.SUBSIDY).aggregate(s=Sum("amount"))["s"] or 0)


@query("operating_revenue_vs_subsidy")
def operating_revenue_vs_subsidy(community: Any, month: dt.date) -> float | None:
    """The community company's operating revenue in the month as a percentage of the subsidies paid in it."""
    subsidy = -(_subsidies(community, month).aggregate(s=Sum("amount"))["s"] or 0)
    return 100 * _operating_revenue_fen(community, month) / subsidy if subsidy else None


@figure("subsidies")
def subsidies(community: Any, month: dt.date) -> dict[str, int]:
    """Subsidies paid in the month by payer (funding source code), in yuan."""
    rows = _subsidies(community, month).values_list("account__code").annotate(s=Sum("amount")).order_by("account__code")
    return {code: -int(fen) // 100 for code, fen in rows}


@figure("volunteering")
def volunteering(community: Any, month: dt.date) -> dict[str, float | int]:
    records = _confirmed(community, month)
    start, end = month_span(month)
    totals = records.aggregate(m=Sum("minutes"), people=Count("resident", distinct=True))
    return {
        "hours": round((totals["m"] or 0) / 60, 1),
        "volunteers": totals["people"] or 0,
        "activities": Activity.objects.filter(community=community, starts_at__gte=start, starts_at__lt=end).count(),
    }


@figure("partners")
def partners(community: Any, month: dt.date) -> dict[str, int]:
    """Partners that had joined and not yet left, and projects that had started, by the month's last day (an
    inactive partner whose leaving day is not recorded counts as gone before any month)."""
    day = last_day(month)
    still_there = Q(active=True) | Q(ended_on__gt=day)
    return {
        "partners": Partner.objects.filter(still_there, community=community, joined_on__lte=day).count(),
        "projects": Project.objects.filter(community=community, starts_on__lte=day).count(),
    }


@figure("fund")
def fund(community: Any, month: dt.date) -> dict[str, int]:
    """The fund as it stood at the end of the month (today for the month under way)."""
    summary = fund_summary(community=community, until=month_span(month)[1])
    return {
        "raised_yuan": summary.raised_fen // 100,
        "granted_yuan": summary.granted_fen // 100,
        "spent_yuan": summary.spent_fen // 100,
        "grants": summary.grants,
    }


@figure("company")
def company(community: Any, month: dt.date) -> dict[str, Any]:
    statement = statement_of(community, month.year, month.month, until=month_span(month)[1])
    return {
        "revenue_yuan": statement.revenue_fen // 100,
        "support_yuan": statement.support_fen // 100,
        "by_nature": {line.nature: line.net_fen // 100 for line in statement.by_nature()},
        "covered_percent": statement.covered_percent,
    }

"""The operating statement: the company account's ledger entries of a month, grouped by space and nature."""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotFound
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, AccountKind, Entry, Unit
from linli.ledger.reasons import reasons_for
from linli.places.models import Community

from . import rules
from .models import EXPENSE_SOURCES, REVENUE_SOURCES, MonthClose, Nature, Posting, Settlement, Source


@dataclass
class Line:
    facility_id: int | None
    name: str
    nature: str
    revenue_fen: int = 0
    support_fen: int = 0
    entries: int = 0

    @property
    def net_fen(self) -> int:
        return self.revenue_fen - self.support_fen

    @property
    def nature_label(self) -> str:
        return str(Nature(self.nature).label) if self.nature in Nature.values else _("Not booked to a space")


@dataclass
class SourceLine:
    source: str
    revenue_fen: int = 0
    expense_fen: int = 0
    entries: int = 0

    @property
    def label(self) -> str:
        return str(Source(self.source).label) if self.source in Source.values else _("Not booked to a space")


@dataclass
class Statement:
    community: Community
    year: int
    month: int | None  # None: the whole year
    lines: list[Line] = field(default_factory=list)
    sources: list[SourceLine] = field(default_factory=list)
    ledger_total_fen: int = 0  # the period's net change of the company account, straight from the ledger

    @property
    def period(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    def by_nature(self) -> list[Line]:
        out = {n: Line(None, str(label), n) for n, label in Nature.choices}
        for line in self.lines:
            target = out.setdefault(line.nature, Line(None, line.nature_label, line.nature))
            target.revenue_fen += line.revenue_fen
            target.support_fen += line.support_fen
            target.entries += line.entries
        return list(out.values())

    @property
    def revenue_fen(self) -> int:
        return sum(line.revenue_fen for line in self.lines)

    @property
    def support_fen(self) -> int:
        return sum(line.support_fen for line in self.lines)

    @property
    def net_fen(self) -> int:
        return self.revenue_fen - self.support_fen

    @property
    def earning_surplus_fen(self) -> int:
        return sum(line.net_fen for line in self.lines if line.nature == Nature.EARNING)

    @property
    def others_need_fen(self) -> int:
        """What the affordable and free spaces cost the company beyond what they brought in."""
        return max(0, -sum(line.net_fen for line in self.lines if line.nature in (Nature.AFFORDABLE, Nature.FREE)))

    @property
    def covered_percent(self) -> int | None:
        if not self.others_need_fen:
            return None
        return round(100 * min(max(self.earning_surplus_fen, 0), self.others_need_fen) / self.others_need_fen)

    @property
    def traced(self) -> bool:
        return self.net_fen == self.ledger_total_fen


def month_bounds(year: int, month: int | None) -> tuple[dt.datetime, dt.datetime]:
    """The local start and end of a month (or of the year, when `month` is None)."""
    if not (2000 <= year <= 2100 and (month is None or 1 <= month <= 12)):
        raise DomainError(_("Choose a month between 2000 and 2100."), field="month")
    tz = timezone.get_current_timezone()
    if month is None:
        return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def company_account_find(community: Community) -> Account | None:
    """The company's money account (`services.company_account`), without opening it: the ledger opens every
    funding source's account when a community is created (and migration `ledger.0006` did for older ones)."""
    return Account.objects.filter(
        community=community, kind=AccountKind.FUNDING, code=FundingCode.COMMUNITY_COMPANY, unit=Unit.FEN
    ).first()


def month_entries(
    community: Community, year: int, month: int | None, *, until: dt.datetime | None = None
) -> QuerySet[Entry]:
    """The company account's entries of the month (or year); with `until`, only those before it (a month to date)."""
    start, end = month_bounds(year, month)
    if until is not None:
        end = min(end, until)
    account = company_account_find(community)
    if account is None:
        return Entry.objects.none()
    return Entry.objects.filter(account=account, occurred_at__gte=start, occurred_at__lt=end)


def operating_statement(*, user: Actor, community: Community, year: int, month: int | None) -> Statement:
    if not rules.can_view_statement(user, community):
        raise NotFound(_("No such statement."))
    return statement_of(community, year, month)


def statement_of(community: Community, year: int, month: int | None, *, until: dt.datetime | None = None) -> Statement:
    """The month's (or year's) statement, for callers that checked the viewer's rights (or aggregate for the
    cockpit); with `until`, of the entries before it only. Each entry of the company's account counts as revenue or
    as expense by the source of its posting (a reversal of revenue is less revenue); an entry without a posting
    counts by its sign."""
    entries = month_entries(community, year, month, until=until)
    rows = (
        entries.values(
            "transaction__company_posting__facility_id",
            "transaction__company_posting__facility__name",
            "transaction__company_posting__nature",
            "transaction__company_posting__source",
        )
        .annotate(total=Sum("amount"), plus=Sum("amount", filter=Q(amount__gt=0)), n=Count("pk"))
        .order_by("transaction__company_posting__nature", "transaction__company_posting__facility__name")
    )
    statement = Statement(community=community, year=year, month=month)
    lines: dict[tuple[int | None, str], Line] = {}
    sources: dict[str, SourceLine] = {}
    for row in rows:
        nature = row["transaction__company_posting__nature"] or ""
        source = row["transaction__company_posting__source"] or ""
        facility_id = row["transaction__company_posting__facility_id"]
        name = row["transaction__company_posting__facility__name"] or (
            _("Online marketplace (街坊汇)")
            if source == Source.MARKETPLACE
            else _("The company as a whole")
            if source
            else _("Other (not booked to a space)")
        )
        total, plus, n = int(row["total"] or 0), int(row["plus"] or 0), int(row["n"] or 0)
        if source in REVENUE_SOURCES:
            revenue, expense = total, 0
        elif source in EXPENSE_SOURCES:
            revenue, expense = 0, -total
        else:
            revenue, expense = plus, plus - total
        line = lines.setdefault((facility_id, nature if facility_id else name), Line(facility_id, name, nature))
        line.revenue_fen += revenue
        line.support_fen += expense
        line.entries += n
        by_source = sources.setdefault(source, SourceLine(source))
        by_source.revenue_fen += revenue
        by_source.expense_fen += expense
        by_source.entries += n
    statement.lines = list(lines.values())
    order = {s: i for i, s in enumerate(Source.values)}
    statement.sources = sorted(sources.values(), key=lambda x: order.get(x.source, len(order)))
    statement.ledger_total_fen = int(entries.aggregate(s=Sum("amount"))["s"] or 0)
    return statement


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: by space, by nature, and every ledger entry behind it."""
    from openpyxl import Workbook

    from linli.core.exports import append_row
    from linli.facilities.money import fen_to_yuan

    def yuan(fen: int) -> float:
        return float(fen_to_yuan(fen))

    wb = Workbook()
    ws = wb.active
    ws.title = _("By space")[:31]
    append_row(ws, [f"{statement.community.name} {statement.period} " + _("Operating statement")])
    append_row(
        ws,
        [
            _("Space"),
            _("Nature"),
            _("Revenue (yuan)"),
            _("Expenses and support (yuan)"),
            _("Net (yuan)"),
            _("Ledger entries"),
        ],
    )
    for line in statement.lines:
        append_row(
            ws,
            [
                line.name,
                line.nature_label,
                yuan(line.revenue_fen),
                yuan(line.support_fen),
                yuan(line.net_fen),
                line.entries,
            ],
        )
    append_row(
        ws,
        [
            _("Total"),
            "",
            yuan(statement.revenue_fen),
            yuan(statement.support_fen),
            yuan(statement.net_fen),
            sum(x.entries for x in statement.lines),
        ],
    )
    append_row(ws, [_("Company account change in the ledger"), "", "", "", yuan(statement.ledger_total_fen)])
    nature = wb.create_sheet(_("By nature")[:31])
    append_row(nature, [_("Nature"), _("Revenue (yuan)"), _("Expenses and support (yuan)"), _("Net (yuan)")])
    for line in statement.by_nature():
        append_row(nature, [line.name, yuan(line.revenue_fen), yuan(line.support_fen), yuan(line.net_fen)])
    append_row(nature, [_("Earning surplus"), "", "", yuan(statement.earning_surplus_fen)])
    append_row(nature, [_("Needed by affordable and free spaces"), "", "", yuan(statement.others_need_fen)])
    trace = wb.create_sheet(_("Ledger entries")[:31])
    append_row(
        trace, [_("Entry"), _("Transaction"), _("When"), _("Space"), _("Source"), _("Details"), _("Amount (yuan)")]
    )
    entries = list(
        month_entries(statement.community, statement.year, statement.month)
        .select_related("transaction__company_posting__facility")
        .order_by("transaction__occurred_at", "pk")
    )
    reasons = reasons_for(e.transaction for e in entries)
    for e in entries:
        posting = getattr(e.transaction, "company_posting", None)
        append_row(
            trace,
            [
                e.pk,
                e.transaction_id,
                timezone.localtime(e.transaction.occurred_at).strftime("%Y-%m-%d %H:%M"),
                posting.facility.name if posting and posting.facility else "",
                posting.get_source_display() if posting else "",
                posting_details(posting) if posting else reasons[e.transaction_id],
                yuan(e.amount),
            ],
        )
    kinds = wb.create_sheet(_("By item")[:31])
    append_row(kinds, [_("Item"), _("Revenue (yuan)"), _("Expenses and support (yuan)"), _("Ledger entries")])
    for item in statement.sources:
        append_row(kinds, [item.label, yuan(item.revenue_fen), yuan(item.expense_fen), item.entries])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def posting_details(posting: Posting) -> str:
    """What a posting was for beyond its space and source, in the reader's language: how many bookings, meals or
    orders it counts, who paid or was paid and staff's words (a support payment keeps them in its memo); a
    reversal says so."""
    note = posting.note or (posting.transaction.memo if posting.source == Source.SUPPORT else "")
    parts = [
        _("reversal") if posting.reverses_id else "",
        _("%(n)s items") % {"n": posting.items} if posting.items else "",
        posting.counterparty,
        note,
    ]
    return " · ".join(p for p in parts if p)


# --- the books ------------------------------------------------------------------------------------------------


def postings(*, user: Actor, community: Community, year: int, month: int | None) -> QuerySet[Posting]:
    """The company's postings dated in the month (or year), newest first, for those who see its statement."""
    if not rules.can_view_statement(user, community):
        raise NotFound(_("No such statement."))
    start, end = month_bounds(year, month)
    return (
        Posting.objects.filter(community=community, day__gte=start.date(), day__lt=end.date())
        .select_related("facility", "transaction", "reverses", "reversed_by", "posted_by")
        .order_by("-day", "-pk")
    )


def posting_get(*, user: Actor, community: Community, pk: int) -> Posting:
    if not rules.can_view_statement(user, community):
        raise NotFound(_("No such posting."))
    posting = Posting.objects.filter(community=community, pk=pk).select_related("transaction", "facility").first()
    if posting is None:
        raise NotFound(_("No such posting."))
    return posting


def posting_amount(posting: Posting) -> int:
    """The posting's signed effect on the company's account (revenue in, expense out)."""
    account = company_account_find(posting.community)
    return sum(e.amount for e in posting.transaction.entries.all() if account and e.account_id == account.pk)


def closes(*, user: Actor, community: Community) -> QuerySet[MonthClose]:
    if not rules.can_view_statement(user, community):
        raise NotFound(_("No such statement."))
    return MonthClose.objects.filter(community=community).select_related("closed_by")


def month_closed(community: Community, year: int, month: int) -> bool:
    return MonthClose.objects.filter(community=community, month=dt.date(year, month, 1)).exists()


def spaces(*, community: Community) -> QuerySet[Any]:
    from linli.facilities.models import Facility

    return Facility.objects.filter(community=community).order_by("name")


# --- 共富 settlements -------------------------------------------------------------------------------------------


def settlements(*, user: Actor, community: Community) -> QuerySet[Settlement]:
    """A community's settlements with the others, for those who may see its books."""
    if not rules.can_view_settlement(user, community):
        raise NotFound(_("No such settlement."))
    return (
        Settlement.objects.filter(Q(first=community) | Q(second=community))
        .select_related("first", "second", "disputed_by")
        .order_by("-month", "pk")
    )


def settlement_get(*, user: Actor, community: Community, pk: int) -> Settlement:
    found = settlements(user=user, community=community).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found


def street_settlements(*, user: Actor, street: Any) -> QuerySet[Settlement]:
    """The street office's view: every settlement with a side in the street."""
    from linli.accounts.rules import can_view_street

    if not can_view_street(user, street):
        raise NotFound(_("No such street."))
    return (
        Settlement.objects.filter(Q(first__street=street) | Q(second__street=street))
        .select_related("first", "second", "disputed_by")
        .order_by("-month", "pk")
    )


def space_get(*, community: Community, pk: int | None, field: str = "facility") -> Any:
    """A space of the community (or None for none), else 404."""
    if pk is None:
        return None
    found = spaces(community=community).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such facility."), field=field)
    return found


def other_community(*, code: str, field: str = "other") -> Community:
    found = Community.objects.filter(code=code).first()
    if found is None:
        raise NotFound(_("No such community."), field=field)
    return found

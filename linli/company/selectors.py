"""The operating statement: the company account's ledger entries of a month, grouped by space and nature."""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError, NotFound
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, AccountKind, Entry, Unit
from linli.places.models import Community

from . import rules
from .models import Nature


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
class Statement:
    community: Community
    year: int
    month: int
    lines: list[Line] = field(default_factory=list)
    ledger_total_fen: int = 0  # the month's net change of the company account, straight from the ledger

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


def _month(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DomainError(_("Choose a month between 2000 and 2100."), field="month")
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def company_account_find(community: Community) -> Account | None:
    """The company's money account (`services.company_account`), without opening it: the ledger opens every
    funding source's account when a community is created (and migration `ledger.0006` did for older ones)."""
    return Account.objects.filter(
        community=community, kind=AccountKind.FUNDING, code=FundingCode.COMMUNITY_COMPANY, unit=Unit.FEN
    ).first()


def month_entries(community: Community, year: int, month: int) -> QuerySet[Entry]:
    start, end = _month(year, month)
    account = company_account_find(community)
    if account is None:
        return Entry.objects.none()
    return Entry.objects.filter(account=account, occurred_at__gte=start, occurred_at__lt=end)


def operating_statement(*, user: Any, community: Community, year: int, month: int) -> Statement:
    if not rules.can_view_statement(user, community):
        raise NotFound(_("No such statement."))
    return statement_of(community, year, month)


def statement_of(community: Community, year: int, month: int) -> Statement:
    """The month's statement, for callers that checked the viewer's rights (or aggregate for the cockpit)."""
    entries = month_entries(community, year, month)
    rows = (
        entries.values(
            "transaction__company_posting__facility_id",
            "transaction__company_posting__facility__name",
            "transaction__company_posting__nature",
        )
        .annotate(
            revenue=Sum("amount", filter=Q(amount__gt=0)), support=Sum("amount", filter=Q(amount__lt=0)), n=Count("pk")
        )
        .order_by("transaction__company_posting__nature", "transaction__company_posting__facility__name")
    )
    statement = Statement(community=community, year=year, month=month)
    for row in rows:
        nature = row["transaction__company_posting__nature"] or ""
        name = row["transaction__company_posting__facility__name"] or (
            _("Online marketplace (街坊汇)") if nature == Nature.EARNING else _("Other (not booked to a space)")
        )
        statement.lines.append(
            Line(
                row["transaction__company_posting__facility_id"],
                name,
                nature,
                int(row["revenue"] or 0),
                -int(row["support"] or 0),
                int(row["n"] or 0),
            )
        )
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
    append_row(ws, [f"{statement.community.name} {statement.year}-{statement.month:02d} " + _("Operating statement")])
    append_row(
        ws,
        [_("Space"), _("Nature"), _("Revenue (yuan)"), _("Support paid (yuan)"), _("Net (yuan)"), _("Ledger entries")],
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
    append_row(nature, [_("Nature"), _("Revenue (yuan)"), _("Support paid (yuan)"), _("Net (yuan)")])
    for line in statement.by_nature():
        append_row(nature, [line.name, yuan(line.revenue_fen), yuan(line.support_fen), yuan(line.net_fen)])
    append_row(nature, [_("Earning surplus"), "", "", yuan(statement.earning_surplus_fen)])
    append_row(nature, [_("Needed by affordable and free spaces"), "", "", yuan(statement.others_need_fen)])
    trace = wb.create_sheet(_("Ledger entries")[:31])
    append_row(trace, [_("Entry"), _("Transaction"), _("When"), _("Space"), _("Source"), _("Memo"), _("Amount (yuan)")])
    entries = (
        month_entries(statement.community, statement.year, statement.month)
        .select_related("transaction__company_posting__facility")
        .order_by("transaction__occurred_at", "pk")
    )
    for e in entries.iterator():
        posting = getattr(e.transaction, "company_posting", None)
        append_row(
            trace,
            [
                e.pk,
                e.transaction_id,
                timezone.localtime(e.transaction.occurred_at).strftime("%Y-%m-%d %H:%M"),
                posting.facility.name if posting and posting.facility else "",
                posting.get_source_display() if posting else "",
                e.transaction.memo,
                yuan(e.amount),
            ],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

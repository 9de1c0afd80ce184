"""The company's books kept by hand: revenue and expenses posted by space and nature, corrections by reversal,
and the monthly close after which a month cannot change."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.validators import text_clean
from linli.facilities.models import Facility
from linli.ledger import services as ledger
from linli.ledger.models import TransactionKind
from linli.places.models import Community

from .. import rules
from ..models import MANUAL_EXPENSE, MANUAL_REVENUE, CompanySettings, MonthClose, Posting, Source
from ..selectors import month_bounds, statement_of
from .collect import _end_of, company_account, month_open_lock, posting_make, settings_lock

MAX_FEN = 10**11  # a billion yuan: anything larger is a typing mistake
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def _whole(value: Any, field: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(_("Enter a whole number of at least 0."), field=field)
    if value > maximum:
        raise DomainError(_("Enter a whole number of at most %(n)s.") % {"n": maximum}, field=field)
    return value


def _day(day: Any, now: dt.datetime) -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DomainError(_("Enter a date."), field="day", code="invalid_date")
    if day > timezone.localdate(now):
        raise DomainError(_("A posting cannot be dated in the future."), field="day", code="future_day")
    if day.year < 2000:
        raise DomainError(_("Choose a month between 2000 and 2100."), field="day", code="date_out_of_range")
    return day


def _evidence(evidence: Any) -> Any:
    if not evidence:
        return None
    name = str(getattr(evidence, "name", "")).lower()
    if not name.endswith(EVIDENCE_TYPES):
        raise DomainError(_("Attach a PDF, JPEG or PNG file."), field="evidence", code="evidence_type")
    if getattr(evidence, "size", 0) > MAX_EVIDENCE_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="evidence", code="evidence_too_large")
    return evidence


def entry_post(
    *,
    actor: Actor,
    community: Community,
    direction: str,
    source: str,
    amount_fen: int,
    day: dt.date,
    idempotency_key: str,
    facility: Facility | None = None,
    counterparty: str = "",
    note: str = "",
    evidence: Any = None,
    now: dt.datetime | None = None,
) -> Posting:
    """Post one item of revenue (money from outside into the company's account) or of expense (out of it),
    booked to a space (or to the company as a whole) and a nature (rent, childcare fees, staff, utilities…).
    A retry with the same key returns the first posting."""
    if not rules.can_post_company(actor, community):
        raise NotAllowed(_("You may not post the community company's books."))
    now = now or timezone.now()
    allowed: tuple[str, ...]
    if direction == "revenue":
        allowed, kind = MANUAL_REVENUE, TransactionKind.REVENUE
    elif direction == "expense":
        allowed, kind = MANUAL_EXPENSE, TransactionKind.TRANSFER
    else:
        raise DomainError(_("Choose revenue or expense."), field="direction", code="invalid_direction")
    if source not in allowed:
        raise DomainError(_("Choose what the money is for."), field="source", code="invalid_source")
    if facility is not None and facility.community_id != community.pk:
        raise NotFound(_("No such facility."), field="facility")
    amount_fen = ledger.whole_amount(amount_fen, field="amount_fen", maximum=MAX_FEN)
    day = _day(day, now)
    counterparty = text_clean(counterparty, "counterparty", 80)
    note = text_clean(note, "note", 200, required=False)
    evidence = _evidence(evidence)
    key = text_clean(idempotency_key, "idempotency_key", 100)
    company = company_account(community)
    outside = ledger.external_account(community)
    label = str(Source(source).label)
    return posting_make(
        community=community,
        facility=facility,
        nature=facility.nature if facility else "",
        source=source,
        day=day,
        items=0,
        from_account=outside if direction == "revenue" else company,
        to_account=company if direction == "revenue" else outside,
        amount_fen=amount_fen,
        key=f"company:entry:{key}",
        memo=" · ".join(x for x in (label, counterparty, note) if x)[:200],
        kind=kind,
        actor=actor,
        counterparty=counterparty,
        note=note,
        evidence=evidence,
    )


def posting_reverse(
    *,
    actor: Actor,
    posting: Posting,
    reason: str,
    idempotency_key: str = "",
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Posting:
    """Correct a posting by its reversal, dated `day` (today by default), which must be in an open month; the
    original stays as it was. A posting is reversed at most once and a reversal is not reversed."""
    community = posting.community
    if not rules.can_post_company(actor, community):
        raise NotAllowed(_("You may not post the community company's books."))
    now = now or timezone.now()
    day = _day(day or timezone.localdate(now), now)
    reason = text_clean(reason, "reason", 200)
    if posting.reverses_id is not None:
        raise DomainError(_("A reversal cannot be reversed: post the item again."), code="not_reversible")
    company = company_account(community)
    with transaction.atomic():
        month_open_lock(community, day)
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        if Posting.objects.filter(reverses=locked).exists():
            raise Conflict(_("This posting has already been reversed."), code="already_reversed")
        txn = ledger.transaction_reverse(
            community=community,
            original=locked.transaction,
            idempotency_key=f"company:reverse:{locked.pk}",
            reason=reason,
            now=now if day == timezone.localdate(now) else _end_of(day),
        )
        return posting_make(
            community=community,
            facility=locked.facility,
            nature=locked.nature,
            source=locked.source,
            day=day,
            items=0,
            from_account=company,
            to_account=company,
            amount_fen=-sum(e.amount for e in locked.transaction.entries.all() if e.account_id == company.pk),
            key=txn.idempotency_key,
            memo=reason,
            actor=actor,
            counterparty=locked.counterparty,
            note=reason,
            reverses=locked,
            txn=txn,
        )


def month_close(
    *, actor: Actor, community: Community, year: int, month: int, now: dt.datetime | None = None
) -> MonthClose:
    """Close a month that is over: from then on no posting dated in it is accepted (a correction goes into an
    open month as a reversal). Records the month's revenue and expenses as closed."""
    if not rules.can_close_month(actor, community):
        raise NotAllowed(_("You may not close the community company's books."))
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    if end > now:
        raise DomainError(_("Only a month that is over can be closed."), field="month", code="month_not_over")
    with transaction.atomic():
        settings_lock(community)
        first = start.date()
        if MonthClose.objects.filter(community=community, month=first).exists():
            raise Conflict(
                _("The books of %(month)s are already closed.") % {"month": f"{first:%Y-%m}"}, code="month_closed"
            )
        statement = statement_of(community, year, month)
        closed = create_audited(
            actor=actor,
            action="company.month_close",
            model=MonthClose,
            community=community,
            month=first,
            closed_by=account_of(actor) if getattr(actor, "is_authenticated", False) else None,
            closed_at=now,
            revenue_fen=statement.revenue_fen,
            expense_fen=statement.support_fen,
        )
    return closed


def settings_update(*, actor: Actor, community: Community, commission_bps: int, shared_use_fen: int) -> CompanySettings:
    """The company's rates: its commission on marketplace sales, and what a use of a space by another
    community's resident costs that community in the 共富 settlement."""
    if not rules.can_close_month(actor, community):
        raise NotAllowed(_("You may not change the community company's settings."))
    commission_bps = _whole(commission_bps, "commission_bps", 10_000)
    shared_use_fen = _whole(shared_use_fen, "shared_use_fen", 100_000)
    with transaction.atomic():
        locked = settings_lock(community)
        before = snapshot(locked)
        locked.commission_bps, locked.shared_use_fen = commission_bps, shared_use_fen
        locked.save(update_fields=["commission_bps", "shared_use_fen"])
        audit_record(actor=actor, action="company.settings", instance=locked, before=before, after=snapshot(locked))
    return locked

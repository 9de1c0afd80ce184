"""共富 settlement between communities: a month's purchases by one community's residents at the other's
merchants (yuan and points) and their uses of the other's spaces, confirmed or disputed by each side, then paid
through the ledger between the two communities' pools."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.audit.services import audit_record, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities.models import Booking
from linli.ledger import selectors as ledger_selectors
from linli.ledger.models import Order
from linli.ledger.services.clearing import pools_clear
from linli.places.models import Community

from .. import rules
from ..models import CompanySettings, Settlement
from ..selectors import month_bounds


@dataclass(frozen=True)
class Owed:
    fen: int = 0
    points: int = 0
    points_fen: int = 0
    uses: int = 0
    uses_fen: int = 0


def owed(debtor: Community, creditor: Community, year: int, month: int) -> Owed:
    """What the debtor's residents owe the creditor for the month: the yuan and points of their orders redeemed at
    the creditor's merchants (the points valued as the creditor pays its merchants for them), and their attended
    bookings of the creditor's spaces at the creditor's charge per use."""
    start, end = month_bounds(year, month)
    orders = Order.objects.filter(
        community=creditor,
        resident__community=debtor,
        status=Order.Status.REDEEMED,
        redeemed_at__gte=start,
        redeemed_at__lt=end,
    ).aggregate(fen=Sum("fen"), points=Sum("points"))
    fen, points = int(orders["fen"] or 0), int(orders["points"] or 0)
    uses = Booking.objects.filter(
        community=creditor,
        resident__community=debtor,
        status=Booking.Status.ATTENDED,
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
    ).count()
    charge = CompanySettings.objects.filter(community=creditor).values_list("shared_use_fen", flat=True).first() or 0
    rate = ledger_selectors.ledger_settings(creditor).fen_per_point
    return Owed(fen=fen, points=points, points_fen=points * rate, uses=uses, uses_fen=uses * charge)


def counterparts(community: Community, year: int, month: int) -> list[Community]:
    """The communities whose residents bought or booked at this one, or whose merchants and spaces this one's
    residents used, in the month."""
    start, end = month_bounds(year, month)
    ids: set[int] = set()
    orders = Order.objects.filter(status=Order.Status.REDEEMED, redeemed_at__gte=start, redeemed_at__lt=end)
    ids |= set(
        orders.filter(community=community)
        .exclude(resident__community=community)
        .values_list("resident__community", flat=True)
    )
    ids |= set(
        orders.filter(resident__community=community).exclude(community=community).values_list("community", flat=True)
    )
    bookings = Booking.objects.filter(
        status=Booking.Status.ATTENDED, slot__starts_at__gte=start, slot__starts_at__lt=end
    )
    ids |= set(
        bookings.filter(community=community)
        .exclude(resident__community=community)
        .values_list("resident__community", flat=True)
    )
    ids |= set(
        bookings.filter(resident__community=community).exclude(community=community).values_list("community", flat=True)
    )
    ids.discard(community.pk)
    return list(Community.objects.filter(pk__in=ids).order_by("pk"))


def _amounts(first: Community, second: Community, year: int, month: int) -> dict[str, int]:
    a, b = owed(first, second, year, month), owed(second, first, year, month)
    return {
        "first_fen": a.fen,
        "first_points": a.points,
        "first_points_fen": a.points_fen,
        "first_uses": a.uses,
        "first_uses_fen": a.uses_fen,
        "second_fen": b.fen,
        "second_points": b.points,
        "second_points_fen": b.points_fen,
        "second_uses": b.uses,
        "second_uses_fen": b.uses_fen,
    }


def settlement_prepare(
    *, actor: Actor, community: Community, other: Community, year: int, month: int, now: dt.datetime | None = None
) -> Settlement:
    """Draw up (or draw up again, after a dispute) the month's statement between two communities. A statement
    drawn up again starts over: both sides confirm it anew. A paid statement is final."""
    if not (rules.can_prepare_settlement(actor, community) or rules.can_prepare_settlement(actor, other)):
        raise NotAllowed(_("You may not draw up 共富 settlements for this community."))
    if community.pk == other.pk:
        raise DomainError(_("A community cannot settle with itself."), field="other", code="same_community")
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    if end > now:
        raise DomainError(_("Only a month that is over can be settled."), field="month", code="month_not_over")
    first, second = sorted((community, other), key=lambda c: c.pk)
    amounts = _amounts(first, second, year, month)
    with transaction.atomic():
        settlement, created = Settlement.objects.select_for_update().get_or_create(
            first=first, second=second, month=start.date(), defaults={**amounts, "created_at": now}
        )
        if created:
            audit_record(
                actor=actor,
                action="company.settlement_prepare",
                instance=settlement,
                community=first,
                after=snapshot(settlement),
            )
            return settlement
        if settlement.status == Settlement.Status.PAID:
            raise Conflict(_("This settlement has been paid and cannot change."), code="settlement_paid")
        before = snapshot(settlement)
        for name, value in amounts.items():
            setattr(settlement, name, value)
        settlement.status = Settlement.Status.OPEN
        settlement.first_confirmed_by = settlement.second_confirmed_by = None
        settlement.first_confirmed_at = settlement.second_confirmed_at = None
        settlement.disputed_by = None
        settlement.dispute_reason = ""
        settlement.created_at = now
        save_audited(
            actor=actor, action="company.settlement_redraw", instance=settlement, before=before, community=first
        )
    return settlement


def settlements_prepare(
    *, actor: Actor, community: Community, year: int, month: int, now: dt.datetime | None = None
) -> list[Settlement]:
    """Draw up the month's statements of a community with every community it traded with (paid ones stay)."""
    out = []
    for other in counterparts(community, year, month):
        first, second = sorted((community, other), key=lambda c: c.pk)
        paid = Settlement.objects.filter(
            first=first, second=second, month=month_bounds(year, month)[0].date(), status=Settlement.Status.PAID
        ).first()
        out.append(
            paid or settlement_prepare(actor=actor, community=community, other=other, year=year, month=month, now=now)
        )
    return out


def _side(actor: Actor, settlement: Settlement, community: Community) -> str:
    """The community's side of the statement, when the actor may confirm or dispute it for the community."""
    if community.pk not in (settlement.first_id, settlement.second_id):
        raise NotFound(_("No such settlement."))
    if not rules.can_confirm_settlement(actor, community):
        raise NotAllowed(_("You may not confirm 共富 settlements for this community."))
    return settlement.side_of(community.pk)


def _locked_unpaid(settlement: Settlement, *related: str) -> Settlement:
    """The statement's row locked (with `related` read along); a paid statement is final."""
    rows = Settlement.objects.select_for_update()
    locked = (rows.select_related(*related) if related else rows).get(pk=settlement.pk)
    if locked.status == Settlement.Status.PAID:
        raise Conflict(_("This settlement has already been paid."), code="settlement_paid")
    return locked


def _pay(actor: Actor, settlement: Settlement, now: dt.datetime) -> None:
    net = settlement.net_fen
    points = settlement.first_points - settlement.second_points
    if net < 0 or (net == 0 and points < 0):
        debtor, creditor, net, points = settlement.second, settlement.first, -net, -points
    else:
        debtor, creditor = settlement.first, settlement.second
    if net or points:
        settlement.transaction = pools_clear(
            debtor=debtor,
            creditor=creditor,
            amount_fen=net,
            points=points,
            idempotency_key=f"gongfu:{settlement.first_id}:{settlement.second_id}:{settlement.month:%Y-%m}",
            memo=f"{settlement.month:%Y-%m} {debtor.name} → {creditor.name}",
            actor=actor,
            now=now,
        )
    settlement.status = Settlement.Status.PAID


def settlement_confirm(
    *, actor: Actor, settlement: Settlement, community: Community, now: dt.datetime | None = None
) -> Settlement:
    """One side confirms the statement; when both have, it is paid through the ledger in the same transaction.
    The side that disputed it withdraws its dispute by confirming."""
    side = _side(actor, settlement, community)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_unpaid(settlement, "first", "second")
        if getattr(locked, f"{side}_confirmed_at") is not None:
            raise Conflict(_("Your community has already confirmed this settlement."), code="already_confirmed")
        if locked.status == Settlement.Status.DISPUTED and locked.disputed_by_id != community.pk:
            raise Conflict(
                _("The other community disputes this statement; it must be drawn up again or the dispute withdrawn."),
                code="settlement_disputed",
            )
        before = snapshot(locked)
        setattr(locked, f"{side}_confirmed_by", actor)
        setattr(locked, f"{side}_confirmed_at", now)
        locked.status, locked.disputed_by, locked.dispute_reason = Settlement.Status.OPEN, None, ""
        if locked.first_confirmed_at and locked.second_confirmed_at:
            _pay(actor, locked, now)
        save_audited(
            actor=actor, action="company.settlement_confirm", instance=locked, before=before, community=community
        )
    return locked


def settlement_dispute(*, actor: Actor, settlement: Settlement, community: Community, reason: str) -> Settlement:
    """One side disputes the statement, with its reason: nothing is paid until it is drawn up again or the
    dispute is withdrawn. A side's confirmation is withdrawn by its dispute."""
    side = _side(actor, settlement, community)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(_("Say what is wrong with the statement."), field="reason", code="required")
    if len(reason) > 200:
        raise DomainError(_("Enter at most %(n)s characters.") % {"n": 200}, field="reason", code="too_long")
    with transaction.atomic():
        locked = _locked_unpaid(settlement)
        before = snapshot(locked)
        setattr(locked, f"{side}_confirmed_by", None)
        setattr(locked, f"{side}_confirmed_at", None)
        locked.status, locked.disputed_by, locked.dispute_reason = Settlement.Status.DISPUTED, community, reason
        save_audited(
            actor=actor, action="company.settlement_dispute", instance=locked, before=before, community=community
        )
    return locked

"""Posting the community company's money. Each source of revenue posts in ONE place, here, through the
ledger's `money_transfer`, once per (source, space, day), with a deterministic idempotency key, so the daily
job may run again (or late) without posting twice."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.canteen.models import MealCharge, MealOrder, Payer
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.facilities.models import Booking, Facility
from linli.ledger import selectors as ledger_selectors
from linli.ledger import services as ledger
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, Order, TransactionKind, Unit
from linli.places.models import Community

from . import rules
from .models import CompanySettings, Nature, Posting, Source


def company_account(community: Community) -> Account:
    return ledger_selectors.funding_account(community, FundingCode.COMMUNITY_COMPANY, Unit.FEN)


def company_settings(community: Community) -> CompanySettings:
    settings, _created = CompanySettings.objects.get_or_create(community=community)
    return settings


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def posting_make(
    *,
    community: Community,
    facility: Facility | None,
    nature: str,
    source: str,
    day: dt.date,
    items: int,
    from_account: Account,
    to_account: Account,
    amount_fen: int,
    key: str,
    memo: str,
    kind: str = TransactionKind.REVENUE,
    actor: Any = None,
) -> Posting:
    """One ledger transaction and the row saying which space, nature and source it belongs to."""
    with transaction.atomic():
        txn = ledger.money_transfer(
            community=community,
            from_account=from_account,
            to_account=to_account,
            amount_fen=amount_fen,
            idempotency_key=key,
            memo=memo,
            actor=actor,
            kind=kind,
            now=_end_of(day),
        )
        posting, created = Posting.objects.get_or_create(
            transaction=txn,
            defaults={
                "community": community,
                "facility": facility,
                "nature": nature,
                "source": source,
                "day": day,
                "items": items,
            },
        )
        if created:
            audit_record(
                actor=actor,
                action="company.post",
                instance=posting,
                after={"source": source, "amount_fen": amount_fen, "key": key},
            )
    return posting


@dataclass(frozen=True)
class CollectResult:
    postings: int
    fen: int


def revenue_collect(*, community: Community, day: dt.date) -> CollectResult:
    """Post a closed day's revenue of the community's spaces to the company's account:
    bookings attended (the price each resident paid at the desk), canteen meals served (the diners' share, and
    the subsidy each funding source owes for them), and the commission on marketplace sales in yuan."""
    if day >= timezone.localdate():
        raise DomainError(_("Only a day that is over can be posted."), field="day", code="day_not_over")
    company = company_account(community)
    outside = ledger_selectors.external_account(community, Unit.FEN)
    made: list[Posting] = []
    total = 0
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=1)

    bookings = (
        Booking.objects.filter(
            community=community,
            status=Booking.Status.ATTENDED,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
            price_fen__gt=0,
        )
        .values("slot__service__facility")
        .annotate(fen=Sum("price_fen"), n=Count("pk"))
        .order_by("slot__service__facility")
    )
    facilities = {f.pk: f for f in Facility.objects.filter(community=community)}
    for row in bookings:
        facility = facilities[row["slot__service__facility"]]
        made.append(
            posting_make(
                community=community,
                facility=facility,
                nature=facility.nature,
                source=Source.BOOKINGS,
                day=day,
                items=row["n"],
                from_account=outside,
                to_account=company,
                amount_fen=row["fen"],
                key=f"company:bookings:{facility.pk}:{day}",
                memo=f"{facility.name} {day} bookings ×{row['n']}",
            )
        )
        total += row["fen"]

    meals = (
        MealOrder.objects.filter(community=community, status=MealOrder.Status.SERVED, menu__day=day, resident_fen__gt=0)
        .values("menu__canteen")
        .annotate(fen=Sum("resident_fen"), n=Count("pk"))
        .order_by("menu__canteen")
    )
    for row in meals:
        facility = facilities[row["menu__canteen"]]
        made.append(
            posting_make(
                community=community,
                facility=facility,
                nature=facility.nature,
                source=Source.CANTEEN,
                day=day,
                items=row["n"],
                from_account=outside,
                to_account=company,
                amount_fen=row["fen"],
                key=f"company:canteen:{facility.pk}:{day}",
                memo=f"{facility.name} {day} meals ×{row['n']}",
            )
        )
        total += row["fen"]
    subsidies = (
        MealCharge.objects.filter(community=community, order__status=MealOrder.Status.SERVED, order__menu__day=day)
        .exclude(payer__in=[Payer.RESIDENT, Payer.COMMUNITY_COMPANY])
        .values("order__menu__canteen", "payer")
        .annotate(fen=Sum("amount_fen"), n=Count("order", distinct=True))
        .order_by("order__menu__canteen", "payer")
    )
    for row in subsidies:
        if row["fen"] <= 0:
            continue
        facility = facilities[row["order__menu__canteen"]]
        made.append(
            posting_make(
                community=community,
                facility=facility,
                nature=facility.nature,
                source=Source.CANTEEN_SUBSIDY,
                day=day,
                items=row["n"],
                from_account=ledger_selectors.funding_account(community, row["payer"], Unit.FEN),
                to_account=company,
                amount_fen=row["fen"],
                key=f"company:canteen:{facility.pk}:{day}:{row['payer']}",
                kind=TransactionKind.SUBSIDY,
                memo=f"{facility.name} {day} {row['payer']} subsidy ×{row['n']}",
            )
        )
        total += row["fen"]

    settings = company_settings(community)
    if settings.commission_bps:
        sales = (
            Order.objects.filter(
                community=community,
                status=Order.Status.REDEEMED,
                redeemed_at__gte=start,
                redeemed_at__lt=end,
                fen__gt=0,
            )
            .values("merchant")
            .annotate(fen=Sum("fen"), n=Count("pk"))
            .order_by("merchant")
        )
        space = settings.marketplace_facility
        for row in sales:
            commission = row["fen"] * settings.commission_bps // 10_000
            if commission <= 0:
                continue
            merchant = Order.objects.filter(merchant_id=row["merchant"]).select_related("merchant").first().merchant  # type: ignore[union-attr]
            made.append(
                posting_make(
                    community=community,
                    facility=space,
                    nature=space.nature if space else Nature.EARNING,
                    source=Source.MARKETPLACE,
                    day=day,
                    items=row["n"],
                    from_account=ledger_selectors.merchant_account(merchant, Unit.FEN),
                    to_account=company,
                    amount_fen=commission,
                    key=f"company:commission:{merchant.pk}:{day}",
                    memo=f"{merchant.name} {day} commission",
                )
            )
            total += commission
    return CollectResult(postings=len(made), fen=total)


def support_post(
    *,
    actor: Any,
    community: Community,
    facility: Facility,
    amount_fen: int,
    day: dt.date,
    memo: str,
    idempotency_key: str,
) -> Posting:
    """The company pays for an affordable or free space (rent, staff, utilities, subsidised services): money
    leaves its account, booked to that space. It cannot pay more than it holds."""
    if not rules.can_post_company(actor, community):
        raise NotAllowed(_("You may not post the community company's books."))
    if facility.community_id != community.pk:
        raise NotFound(_("No such facility."), field="facility")
    amount_fen = ledger.whole_amount(amount_fen, field="amount_fen")
    memo = (memo or "").strip()
    if not memo:
        raise DomainError(_("Say what the money paid for."), field="memo")
    company = company_account(community)
    with transaction.atomic():
        held = Account.objects.select_for_update().get(pk=company.pk)
        if (
            held.balance < amount_fen
            and not Posting.objects.filter(transaction__idempotency_key=f"company:support:{idempotency_key}").exists()
        ):
            raise ledger.InsufficientBalance(
                _("The company holds %(held)s fen and cannot pay %(n)s fen.") % {"held": held.balance, "n": amount_fen},
                field="amount_fen",
            )
        return posting_make(
            community=community,
            facility=facility,
            nature=facility.nature,
            source=Source.SUPPORT,
            day=day,
            items=0,
            from_account=company,
            to_account=ledger_selectors.external_account(community, Unit.FEN),
            amount_fen=amount_fen,
            key=f"company:support:{idempotency_key}",
            memo=memo[:200],
            kind=TransactionKind.SUBSIDY,
            actor=actor,
        )

"""Posting the community company's money. Each source of revenue posts in ONE place, here, through the
ledger's `money_transfer`, once per (source, space, day), with a deterministic idempotency key, so the daily
job may run again (or late) without posting twice."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.accounts.types import Actor
from linli.audit.services import audit_record
from linli.canteen.models import MealCharge, MealOrder, Payer
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities.models import Booking, Facility
from linli.ledger import services as ledger
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, Merchant, Order, Transaction, TransactionKind, Unit
from linli.payments.models import Payment, Purpose
from linli.places.models import Community

from .. import rules
from ..models import CompanySettings, MonthClose, Nature, Posting, Source


def company_account(community: Community) -> Account:
    return ledger.funding_account(community, FundingCode.COMMUNITY_COMPANY, Unit.FEN)


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
    actor: "Actor | None" = None,
    counterparty: str = "",
    note: str = "",
    evidence: Any = None,
    reverses: Posting | None = None,
    txn: Transaction | None = None,
) -> Posting:
    """One ledger transaction and the row saying which space, nature and source it belongs to. Refused when
    the month of `day` is closed: the company's settings row is locked first, as the close locks it, so a
    posting and the close of its month take turns and no posting lands in a month after it was closed.
    `txn` is a transaction already written in this database transaction (a reversal) to describe instead."""
    with transaction.atomic():
        month_open_lock(community, day)
        if txn is None:
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
                "counterparty": counterparty,
                "note": note,
                "evidence": evidence or "",
                "reverses": reverses,
                "posted_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        if created:
            audit_record(
                actor=actor,
                action="company.reverse" if reverses else "company.post",
                instance=posting,
                after={"source": source, "amount_fen": amount_fen, "key": key, "day": str(day)},
            )
    return posting


def settings_lock(community: Community) -> CompanySettings:
    """The community's company settings row (made when missing), locked: the one lock that postings, the monthly
    close and a change of the rates take, so that none of them runs beside another. Must run inside a
    transaction."""
    company_settings(community)
    return CompanySettings.objects.select_for_update().get(community=community)


def month_open_lock(community: Community, day: dt.date) -> CompanySettings:
    """Lock the community's company settings row (`settings_lock`) and refuse a closed month. Must run inside a
    transaction."""
    locked = settings_lock(community)
    if MonthClose.objects.filter(community=community, month=day.replace(day=1)).exists():
        raise Conflict(
            _("The books of %(month)s are closed: post the correction in an open month.") % {"month": f"{day:%Y-%m}"},
            field="day",
            code="month_closed",
        )
    return locked


@dataclass(frozen=True)
class CollectResult:
    postings: int
    fen: int


# What a day's collection writes in the books, in the site's language (a memo is kept, not translated when read):
# the spaces', merchants' and payers' names as people call them, never their codes.
BOOKINGS_MEMO = gettext_noop("%(space)s %(day)s bookings ×%(n)s")
PREPAID_BOOKINGS_MEMO = gettext_noop("%(space)s %(day)s bookings ×%(n)s (paid in advance)")
MEALS_MEMO = gettext_noop("%(space)s %(day)s meals ×%(n)s")
PREPAID_MEALS_MEMO = gettext_noop("%(space)s %(day)s meals ×%(n)s (paid in advance)")
SUBSIDY_MEMO = gettext_noop("%(space)s %(day)s %(payer)s subsidy ×%(n)s")
COMMISSION_MEMO = gettext_noop("%(merchant)s %(day)s marketplace commission")


def _memo(template: str, **values: Any) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return _(template) % {k: str(v) for k, v in values.items()}


@dataclass(frozen=True)
class _Revenue:
    """One posting due: a source's takings of one space on the day."""

    facility: Facility | None
    nature: str
    source: str
    items: int
    from_account: Account
    fen: int
    key: str
    memo: str
    kind: str = TransactionKind.REVENUE


def _booking_revenue(community: Community, day: dt.date, facilities: dict[int, Facility]) -> list[_Revenue]:
    """Bookings of the day with a fee: one paid through payments (online or at the counter) is taken from the
    fees paid in advance, what was paid and not refunded, whether the resident came or not; one paid at the desk
    the old way (no payment) counts when the resident came, as money from outside."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
    rows = list(
        Booking.objects.filter(
            community=community,
            status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + dt.timedelta(days=1),
            price_fen__gt=0,
        )
        .values_list("pk", "status", "price_fen", "slot__service__facility")
        .order_by("pk")
    )
    paid = {
        subject: amount - refunded
        for subject, amount, refunded in Payment.objects.filter(
            purpose=Purpose.BOOKING,
            subject_id__in=[r[0] for r in rows],
            status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED],
        ).values_list("subject_id", "amount_fen", "refunded_fen")
    }
    at_desk: dict[int, list[int]] = {}
    prepaid: dict[int, list[int]] = {}
    for pk, status, price, facility in rows:
        if pk in paid:
            prepaid.setdefault(facility, []).append(paid[pk])
        elif status == Booking.Status.ATTENDED:
            at_desk.setdefault(facility, []).append(price)
    lines = []
    for fees, source_account, tag in (
        (at_desk, ledger.external_account(community, Unit.FEN), ""),
        (prepaid, ledger.payment_prepaid_account(community), "prepaid:"),
    ):
        for facility_id in sorted(fees):
            f = facilities[facility_id]
            n = len(fees[facility_id])
            lines.append(
                _Revenue(
                    facility=f,
                    nature=f.nature,
                    source=Source.BOOKINGS,
                    items=n,
                    from_account=source_account,
                    fen=sum(fees[facility_id]),
                    key=f"company:bookings:{tag}{f.pk}:{day}",
                    memo=_memo(PREPAID_BOOKINGS_MEMO if tag else BOOKINGS_MEMO, space=f.name, day=day, n=n),
                )
            )
    return lines


def _canteen_revenue(community: Community, day: dt.date, facilities: dict[int, Facility]) -> list[_Revenue]:
    """The diners' own share of the meals served, then what each subsidy payer owes for them."""
    served = MealOrder.objects.filter(
        community=community, status=MealOrder.Status.SERVED, menu__day=day, resident_fen__gt=0
    )
    # a share paid beforehand through payments is held in the fees paid in advance: taken from there, not twice
    paid = {
        subject: amount - refunded
        for subject, amount, refunded in Payment.objects.filter(
            purpose=Purpose.CANTEEN,
            subject_id__in=served.values("pk"),
            status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED],
        ).values_list("subject_id", "amount_fen", "refunded_fen")
    }
    meals = (
        served.exclude(pk__in=list(paid))
        .values("menu__canteen")
        .annotate(fen=Sum("resident_fen"), n=Count("pk"))
        .order_by("menu__canteen")
    )
    prepaid: dict[int, list[int]] = {}
    for pk, canteen in served.filter(pk__in=list(paid)).values_list("pk", "menu__canteen").order_by("pk"):
        prepaid.setdefault(canteen, []).append(paid[pk])
    subsidies = (
        MealCharge.objects.filter(community=community, order__status=MealOrder.Status.SERVED, order__menu__day=day)
        .exclude(payer__in=[Payer.RESIDENT, Payer.COMMUNITY_COMPANY])
        .values("order__menu__canteen", "payer")
        .annotate(fen=Sum("amount_fen"), n=Count("order", distinct=True))
        .order_by("order__menu__canteen", "payer")
    )
    outside = ledger.external_account(community, Unit.FEN)
    due = [
        _Revenue(
            facility=(f := facilities[row["menu__canteen"]]),
            nature=f.nature,
            source=Source.CANTEEN,
            items=row["n"],
            from_account=outside,
            fen=row["fen"],
            key=f"company:canteen:{f.pk}:{day}",
            memo=_memo(MEALS_MEMO, space=f.name, day=day, n=row["n"]),
        )
        for row in meals
    ]
    prepaid_account = ledger.payment_prepaid_account(community)
    due += [
        _Revenue(
            facility=(f := facilities[canteen]),
            nature=f.nature,
            source=Source.CANTEEN,
            items=len(fees),
            from_account=prepaid_account,
            fen=sum(fees),
            key=f"company:canteen:prepaid:{f.pk}:{day}",
            memo=_memo(PREPAID_MEALS_MEMO, space=f.name, day=day, n=len(fees)),
        )
        for canteen, fees in sorted(prepaid.items())
    ]
    due += [
        _Revenue(
            facility=(f := facilities[row["order__menu__canteen"]]),
            nature=f.nature,
            source=Source.CANTEEN_SUBSIDY,
            items=row["n"],
            from_account=ledger.funding_account(community, row["payer"], Unit.FEN),
            fen=row["fen"],
            key=f"company:canteen:{f.pk}:{day}:{row['payer']}",
            memo=_memo(SUBSIDY_MEMO, space=f.name, day=day, payer=Payer(row["payer"]).label, n=row["n"]),
            kind=TransactionKind.SUBSIDY,
        )
        for row in subsidies
    ]
    return due


def _commission_revenue(community: Community, day: dt.date) -> list[_Revenue]:
    """The company's commission (in basis points) on the day's marketplace sales in yuan, per merchant."""
    settings = company_settings(community)
    if not settings.commission_bps:
        return []
    start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
    rows = (
        Order.objects.filter(
            community=community,
            status=Order.Status.REDEEMED,
            redeemed_at__gte=start,
            redeemed_at__lt=start + dt.timedelta(days=1),
            fen__gt=0,
        )
        .values("merchant")
        .annotate(fen=Sum("fen"), n=Count("pk"))
        .order_by("merchant")
    )
    merchants = Merchant.objects.in_bulk([row["merchant"] for row in rows])
    space = settings.marketplace_facility
    return [
        _Revenue(
            facility=space,
            nature=space.nature if space else Nature.EARNING,
            source=Source.MARKETPLACE,
            items=row["n"],
            from_account=ledger.merchant_account(merchants[row["merchant"]], Unit.FEN),
            fen=row["fen"] * settings.commission_bps // 10_000,
            key=f"company:commission:{row['merchant']}:{day}",
            memo=_memo(COMMISSION_MEMO, merchant=merchants[row["merchant"]].name, day=day),
        )
        for row in rows
    ]


def revenue_collect(*, community: Community, day: dt.date) -> CollectResult:
    """Post a closed day's revenue of the community's spaces to the company's account:
    bookings attended (the price each resident paid at the desk), canteen meals served (the diners' share, and
    the subsidy each funding source owes for them), and the commission on marketplace sales in yuan."""
    if day >= timezone.localdate():
        raise DomainError(_("Only a day that is over can be posted."), field="day", code="day_not_over")
    company = company_account(community)
    facilities = {f.pk: f for f in Facility.objects.filter(community=community)}
    due = [
        line
        for line in (
            *_booking_revenue(community, day, facilities),
            *_canteen_revenue(community, day, facilities),
            *_commission_revenue(community, day),
        )
        if line.fen > 0
    ]
    for line in due:
        posting_make(
            community=community,
            facility=line.facility,
            nature=line.nature,
            source=line.source,
            day=day,
            items=line.items,
            from_account=line.from_account,
            to_account=company,
            amount_fen=line.fen,
            key=line.key,
            memo=line.memo,
            kind=line.kind,
        )
    return CollectResult(postings=len(due), fen=sum(line.fen for line in due))


def support_post(
    *,
    actor: Actor,
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
    if facility.nature not in (Nature.AFFORDABLE, Nature.FREE):
        raise DomainError(
            _("Support goes to an affordable or free space; an earning space pays its own way."),
            field="facility",
            code="not_supported_space",
        )
    company = company_account(community)
    with transaction.atomic():
        month_open_lock(community, day)  # the settings row first, as every posting takes it, then the account
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
            to_account=ledger.external_account(community, Unit.FEN),
            amount_fen=amount_fen,
            key=f"company:support:{idempotency_key}",
            memo=memo[:200],
            kind=TransactionKind.SUBSIDY,
            actor=actor,
        )

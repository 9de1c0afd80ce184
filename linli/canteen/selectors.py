"""Reading menus, orders and subsidy statements, scoped by community and the acting user's rights."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.facilities import rules as facility_rules
from linli.facilities.mine import day_labels, status_labels
from linli.facilities.models import Facility
from linli.facilities.selectors import facilities_for, household_of
from linli.payments.models import Payment, Purpose
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import MealCharge, MealOrder, Menu, Payer, PriceRule


def canteens_for(*, user: Actor, community: Community, include_shared: bool = True) -> QuerySet[Facility]:
    """The community's canteens, and those neighbours share with it unless `include_shared` is false."""
    return facilities_for(user=user, community=community, include_shared=include_shared).filter(
        category__code="elderly_canteen"
    )


def canteen_get(*, user: Actor, community: Community, pk: int) -> Facility:
    return first_or_not_found(
        canteens_for(user=user, community=community).filter(pk=pk), _("No such canteen in this community.")
    )


def own_canteen_get(*, user: Actor, community: Community, pk: int) -> Facility:
    """A canteen this community runs (not one a neighbour shares), for setting it up."""
    return first_or_not_found(
        canteens_for(user=user, community=community, include_shared=False).filter(pk=pk),
        _("No such canteen in this community."),
    )


def menus_upcoming(*, user: Actor, community: Community, days: int = 7, today: dt.date | None = None) -> QuerySet[Menu]:
    today = today or timezone.localdate()
    canteens = canteens_for(user=user, community=community)
    return (
        Menu.objects.filter(
            canteen__in=canteens, day__gte=today, day__lt=today + dt.timedelta(days=days), withdrawn=False
        )
        .select_related("canteen")
        .order_by("day", "meal")
    )


def menu_get(*, user: Actor, community: Community, pk: int) -> Menu:
    return first_or_not_found(
        Menu.objects.filter(pk=pk, canteen__in=canteens_for(user=user, community=community)), _("No such menu.")
    )


def active_price_rules(*, canteen_ids: Iterable[int]) -> list[PriceRule]:
    """Every active price rule of these canteens, in one query: `services.quote(rules_of_canteen=…)` prices from it."""
    return list(PriceRule.objects.filter(canteen_id__in=list(canteen_ids), active=True))


def ordered_menu_ids(*, residents: Iterable[Any], menu_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(menu, resident) pairs with an open or served order, in one query."""
    rows = MealOrder.objects.filter(
        menu_id__in=list(menu_ids),
        resident_id__in=[r.pk for r in residents],
        status__in=[MealOrder.Status.ORDERED, MealOrder.Status.SERVED],
    ).values_list("menu_id", "resident_id")
    return set(rows)


@dataclass(frozen=True)
class HouseholdMenus:
    """The coming week's menus as a household sees them, read in a constant number of queries: the members, the
    canteens' active price rules (each member is priced in Python, `services.quote(rules_of_canteen=…)`) and the
    (menu, resident) pairs already ordered."""

    menus: list[Menu]
    members: list[Resident]
    price_rules: list[PriceRule]
    ordered: set[tuple[int, int]]


def household_menus(*, user: Actor, community: Community) -> HouseholdMenus:
    members = household_of(user=user)
    menus = list(menus_upcoming(user=user, community=community))
    price_rules = active_price_rules(canteen_ids={m.canteen_id for m in menus})
    ordered = ordered_menu_ids(residents=members, menu_ids=[m.pk for m in menus]) if members else set()
    return HouseholdMenus(menus=menus, members=members, price_rules=price_rules, ordered=ordered)


# --- set-up (staff) ------------------------------------------------------------------------------------------


def _front_desk(user: Actor, community: Community) -> None:
    if not facility_rules.can_run_front_desk(user, community):
        raise NotAllowed(_("You may not publish menus in this community."))


def setup_menus(
    *, user: Actor, community: Community, canteen: Facility, today: dt.date | None = None
) -> QuerySet[Menu]:
    """The canteen's menus from today on, withdrawn ones included (marked), for its staff."""
    _front_desk(user, community)
    today = today or timezone.localdate()
    return Menu.objects.filter(canteen=canteen, community=community, day__gte=today).order_by("day", "meal", "pk")


def setup_menu_get(*, user: Actor, community: Community, pk: int) -> Menu:
    """A menu of a canteen this community runs; another community's → not found."""
    _front_desk(user, community)
    return first_or_not_found(
        Menu.objects.filter(pk=pk, community=community).select_related("canteen"), _("No such menu.")
    )


def price_rules_of(*, user: Actor, community: Community, canteen: Facility) -> QuerySet[PriceRule]:
    """All the canteen's rules, retired ones too (the active first)."""
    _front_desk(user, community)
    return PriceRule.objects.filter(canteen=canteen, community=community).order_by("-active", "min_age", "pk")


def price_rule_get(*, user: Actor, community: Community, pk: int) -> PriceRule:
    if not rules.can_configure_canteen(user, community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    return first_or_not_found(PriceRule.objects.filter(pk=pk, community=community), _("No such price rule."))


def _paid_fen() -> Coalesce:
    """What the diner paid beforehand for the order (online or at the counter) and was not refunded; 0 if nothing."""
    paid = Payment.objects.filter(
        purpose=Purpose.CANTEEN,
        subject_id=OuterRef("pk"),
        status__in=[Payment.Status.PAID, Payment.Status.PARTIALLY_REFUNDED],
    ).annotate(kept=F("amount_fen") - F("refunded_fen"))
    return Coalesce(Subquery(paid.values("kept")[:1]), Value(0))


def orders_of_user(
    *, user: Actor, with_charges: bool = False, members: list[Resident] | None = None, with_paid: bool = True
) -> QuerySet[MealOrder]:
    """Meal orders of the user's household and the elders they help (`members`: that list, if the caller has it),
    each with what was paid for it (`paid_fen`) unless `with_paid` is False."""
    ids = [r.pk for r in (household_of(user=user) if members is None else members)]
    orders = (
        MealOrder.objects.filter(resident_id__in=ids)
        .select_related("menu__canteen", "resident", "ordered_by__resident", "community")
        .order_by("-menu__day", "pk")
    )
    if with_paid:
        orders = orders.annotate(paid_fen=_paid_fen())
    return orders.prefetch_related("charges") if with_charges else orders


def orders_listed(*, user: Actor, members: list[Resident], limit: int) -> list[MealOrder]:
    """The first `limit` of `orders_of_user`, reading only what "my bookings" shows of them (the resident and who
    ordered are set from `members` by the page)."""
    rows: list[Any] = list(
        MealOrder.objects.filter(resident_id__in=[r.pk for r in members])
        .select_related("menu__canteen", "community")
        .only(
            "status",
            "price_fen",
            "resident_fen",
            "resident_id",
            "ordered_by_id",
            "community__code",
            "menu__day",
            "menu__meal",
            "menu__canteen__name",
        )
        .annotate(paid_fen=_paid_fen())
        .order_by("-menu__day", "pk")[:limit]
    )
    status_labels(rows, MealOrder.Status.choices)
    day_labels(rows, lambda o: o.menu.day, with_time=False)
    meals = {value: str(label) for value, label in Menu.Meal.choices}
    for row in rows:
        row.meal_label = meals.get(row.menu.meal, row.menu.meal)
    return rows


def order_get(*, user: Actor, community: Community, pk: int) -> MealOrder:
    order = MealOrder.objects.filter(pk=pk).select_related("menu__canteen", "resident", "community").first()
    if order is None or not (
        facility_rules.can_run_front_desk(user, order.community)
        or facility_rules.may_see_records_of(user, order.resident)
    ):
        raise NotFound(_("No such order."))
    if community.pk not in (order.community_id, order.resident.community_id):
        raise NotFound(_("No such order."))
    return order


def orders_of_day(
    *, user: Actor, community: Community, day: dt.date, with_charges: bool = False
) -> QuerySet[MealOrder]:
    if not facility_rules.can_run_front_desk(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    orders = (
        MealOrder.objects.filter(community=community, menu__day=day)
        .exclude(status=MealOrder.Status.CANCELLED)
        .select_related("menu", "resident__household__building", "ordered_by__resident")
        .annotate(paid_fen=_paid_fen())
        .order_by("menu__meal", "resident__name", "pk")
    )
    return orders.prefetch_related("charges") if with_charges else orders


@dataclass
class Statement:
    community: Community
    payer: str
    year: int
    month: int
    charges: list[MealCharge]
    total_fen: int
    meals: int
    by_rule: dict[str, tuple[int, int]] = field(default_factory=dict)  # label → (meals, fen)

    @property
    def payer_label(self) -> str:
        return str(Payer(self.payer).label)


def subsidy_statement(*, user: Actor, community: Community, payer: str, year: int, month: int) -> Statement:
    """Everything one payer owes for one month: each meal's charge (reversals included), and the net total."""
    if not rules.can_view_statements(user, community):
        raise NotAllowed(_("You may not see the canteen's statements."))
    if payer not in Payer.values:
        raise NotFound(_("Unknown payer."))
    if not 1 <= month <= 12:
        raise NotFound(_("Unknown month."))
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    charges = list(
        MealCharge.objects.filter(community=community, payer=payer, day__gte=first, day__lt=after)
        .select_related("order__resident", "order__menu", "order__rule")
        .order_by("day", "order__menu__meal", "pk")
    )
    total = sum(c.amount_fen for c in charges)
    by_rule: dict[str, tuple[int, int]] = {}
    for c in charges:
        label = c.order.rule.label if c.order.rule else _("List price")
        meals, fen = by_rule.get(label, (0, 0))
        by_rule[label] = (meals + (1 if c.amount_fen > 0 else -1 if c.amount_fen < 0 else 0), fen + c.amount_fen)
    meals = sum(m for m, _fen in by_rule.values())
    return Statement(community, payer, year, month, charges, total, meals, by_rule)


def totals_by_payer(*, community: Community, first: dt.date, after: dt.date) -> dict[str, int]:
    rows = (
        MealCharge.objects.filter(community=community, day__gte=first, day__lt=after)
        .values_list("payer")
        .annotate(total=Sum("amount_fen"))
    )
    return {payer: total for payer, total in rows}

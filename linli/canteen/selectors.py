"""Reading menus, orders and subsidy statements, scoped by community and the acting user's rights."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import NotAllowed, NotFound
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.facilities.selectors import facilities_for, household_of
from linli.places.models import Community

from . import rules
from .models import MealCharge, MealOrder, Menu, Payer


def canteens_for(*, user: Any, community: Community, include_shared: bool = True) -> QuerySet[Facility]:
    """The community's canteens, and those neighbours share with it unless `include_shared` is false."""
    return facilities_for(user=user, community=community, include_shared=include_shared).filter(
        category__code="elderly_canteen"
    )


def canteen_get(*, user: Any, community: Community, pk: int) -> Facility:
    canteen = canteens_for(user=user, community=community).filter(pk=pk).first()
    if canteen is None:
        raise NotFound(_("No such canteen in this community."))
    return canteen


def menus_upcoming(*, user: Any, community: Community, days: int = 7, today: dt.date | None = None) -> QuerySet[Menu]:
    today = today or timezone.localdate()
    canteens = canteens_for(user=user, community=community)
    return (
        Menu.objects.filter(canteen__in=canteens, day__gte=today, day__lt=today + dt.timedelta(days=days))
        .select_related("canteen")
        .order_by("day", "meal")
    )


def menu_get(*, user: Any, community: Community, pk: int) -> Menu:
    menu = Menu.objects.filter(pk=pk, canteen__in=canteens_for(user=user, community=community)).first()
    if menu is None:
        raise NotFound(_("No such menu."))
    return menu


def orders_of_user(*, user: Any, with_charges: bool = False) -> QuerySet[MealOrder]:
    members = [r.pk for r in household_of(user=user)]
    orders = (
        MealOrder.objects.filter(resident_id__in=members)
        .select_related("menu__canteen", "resident", "ordered_by__resident", "community")
        .order_by("-menu__day", "pk")
    )
    return orders.prefetch_related("charges") if with_charges else orders


def order_get(*, user: Any, community: Community, pk: int) -> MealOrder:
    order = MealOrder.objects.filter(pk=pk).select_related("menu__canteen", "resident", "community").first()
    if order is None or not (
        facility_rules.can_run_front_desk(user, order.community)
        or facility_rules.may_see_records_of(user, order.resident)
    ):
        raise NotFound(_("No such order."))
    if community.pk not in (order.community_id, order.resident.community_id):
        raise NotFound(_("No such order."))
    return order


def orders_of_day(*, user: Any, community: Community, day: dt.date, with_charges: bool = False) -> QuerySet[MealOrder]:
    if not facility_rules.can_run_front_desk(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    orders = (
        MealOrder.objects.filter(community=community, menu__day=day)
        .exclude(status=MealOrder.Status.CANCELLED)
        .select_related("menu", "resident__household__building", "ordered_by__resident")
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


def subsidy_statement(*, user: Any, community: Community, payer: str, year: int, month: int) -> Statement:
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

"""The canteen's writes: price rules, menus, meal orders (with their charge rows), serving.

Charge rows are the accounting record: per meal one row for the diner and one per funding source, appended
only. `linli.company.services.revenue_collect` posts a served day's rows to the ledger.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.notifications.services import notify
from linli.people.models import Resident
from linli.people.rules import ensure_current

from . import rules
from .models import FUNDING_PAYERS, MealCharge, MealOrder, Menu, Payer, PriceRule

CANTEEN_CATEGORIES = ("elderly_canteen",)


@dataclass(frozen=True)
class Quote:
    """What one meal costs one diner on the menu's day, and who pays the rest."""

    age: int
    price_fen: int
    resident_fen: int
    payer: str
    rule: PriceRule | None

    @property
    def subsidy_fen(self) -> int:
        return self.price_fen - self.resident_fen


def _check_canteen(canteen: Facility) -> None:
    if canteen.category.code not in CANTEEN_CATEGORIES:
        raise DomainError(_("This facility is not a canteen."), field="canteen")


def price_rule_add(
    *,
    actor: Any,
    canteen: Facility,
    label: str,
    resident_fen: int,
    payer: str,
    min_age: int = 0,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> PriceRule:
    if not rules.can_configure_canteen(actor, canteen.community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    _check_canteen(canteen)
    if resident_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="resident_fen", code="negative_price")
    if payer not in [p.value for p in FUNDING_PAYERS]:
        raise DomainError(_("Choose who pays the rest."), field="payer")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    with transaction.atomic():
        rule = PriceRule.objects.create(
            community=canteen.community,
            canteen=canteen,
            label=label.strip()[:60],
            min_age=min_age,
            starts_on=starts_on,
            ends_on=ends_on,
            resident_fen=resident_fen,
            payer=payer,
        )
        audit_record(actor=actor, action="canteen.price_rule_add", instance=rule, after=snapshot(rule))
    return rule


def price_rule_retire(*, actor: Any, rule: PriceRule) -> PriceRule:
    if not rules.can_configure_canteen(actor, rule.community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    with transaction.atomic():
        before = snapshot(rule)
        rule.active = False
        rule.save(update_fields=["active"])
        audit_record(
            actor=actor, action="canteen.price_rule_retire", instance=rule, before=before, after=snapshot(rule)
        )
    return rule


def quote(*, menu: Menu, resident: Resident) -> Quote:
    """Of the rules that apply to the diner's age on the menu's day, the one leaving the diner least to pay."""
    age = resident.age(menu.day)
    candidates = PriceRule.objects.filter(canteen_id=menu.canteen_id, active=True, min_age__lte=age).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=menu.day), Q(ends_on__isnull=True) | Q(ends_on__gte=menu.day)
    )
    best: PriceRule | None = None
    for rule in candidates:
        key = (min(rule.resident_fen, menu.price_fen), rule.starts_on is None, -rule.min_age, rule.pk)
        if best is None or key < (
            min(best.resident_fen, menu.price_fen),
            best.starts_on is None,
            -best.min_age,
            best.pk,
        ):
            best = rule
    if best is None or best.resident_fen >= menu.price_fen:
        return Quote(age, menu.price_fen, menu.price_fen, Payer.RESIDENT, None)
    return Quote(age, menu.price_fen, best.resident_fen, best.payer, best)


def menu_create(
    *,
    actor: Any,
    canteen: Facility,
    day: dt.date,
    meal: str,
    dishes: str,
    price_fen: int,
    capacity: int,
    order_until: dt.time,
    now: dt.datetime | None = None,
) -> Menu:
    now = now or timezone.now()
    if not facility_rules.can_run_front_desk(actor, canteen.community):
        raise NotAllowed(_("You may not publish menus in this community."))
    _check_canteen(canteen)
    if day < timezone.localdate(now):
        raise DomainError(_("A menu cannot be for a day in the past."), field="day", code="menu_in_past")
    if price_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    if capacity < 1:
        raise DomainError(_("A menu needs at least one portion."), field="capacity")
    if not dishes.strip():
        raise DomainError(_("List at least one dish."), field="dishes")
    if meal not in Menu.Meal.values:
        raise DomainError(_("Choose a meal."), field="meal")
    if Menu.objects.filter(canteen=canteen, day=day, meal=meal).exists():
        raise Conflict(_("There is already a menu for this meal."), field="meal", code="duplicate_menu")
    with transaction.atomic():
        menu = Menu.objects.create(
            community=canteen.community,
            canteen=canteen,
            day=day,
            meal=meal,
            dishes=dishes.strip(),
            price_fen=price_fen,
            capacity=capacity,
            order_until=order_until,
        )
        audit_record(actor=actor, action="canteen.menu_create", instance=menu, after=snapshot(menu))
    return menu


def _closes_at(menu: Menu) -> dt.datetime:
    return dt.datetime.combine(menu.day, menu.order_until, tzinfo=timezone.get_current_timezone())


def _charge(order: MealOrder, payer: str, amount: int, now: dt.datetime) -> MealCharge:
    return MealCharge.objects.create(
        community=order.community,
        order=order,
        day=order.menu.day,
        payer=payer,
        amount_fen=amount,
        key=f"meal:{order.pk}:{payer}",
        created_at=now,
    )


def meal_order_create(*, actor: Any, menu: Menu, resident: Resident, now: dt.datetime | None = None) -> MealOrder:
    """Order a meal for the diner; the price follows the rules for their age on the day, and the split is
    recorded as charge rows (diner, and the funding source for the rest)."""
    now = now or timezone.now()
    ensure_current(resident)
    if not facility_rules.may_act_for(actor, resident):
        raise NotAllowed(
            _("You can order only for yourself, your household and the elders you help as family."),
            code="not_household",
            field="resident",
        )
    with transaction.atomic():
        menu = Menu.objects.select_for_update(of=("self",)).select_related("canteen").get(pk=menu.pk)
        if not facility_rules.may_use_facility(resident, menu.canteen):
            raise NotAllowed(_("This facility is not open to residents of your community."), code="not_shared")
        if now >= _closes_at(menu):
            raise DomainError(_("Orders for this meal are closed."), code="orders_closed")
        if MealOrder.objects.filter(menu=menu, resident=resident, status__in=["ordered", "served"]).exists():
            raise Conflict(
                _("%(name)s has already ordered this meal.") % {"name": resident.name}, code="already_ordered"
            )
        if menu.ordered >= menu.capacity:
            raise Conflict(_("This meal is sold out."), code="sold_out")
        q = quote(menu=menu, resident=resident)
        Menu.objects.filter(pk=menu.pk).update(ordered=F("ordered") + 1)
        order = MealOrder.objects.create(
            community=menu.community,
            menu=menu,
            resident=resident,
            ordered_by=actor,
            age=q.age,
            rule=q.rule,
            price_fen=q.price_fen,
            resident_fen=q.resident_fen,
            created_at=now,
        )
        _charge(order, Payer.RESIDENT, q.resident_fen, now)
        if q.subsidy_fen:
            _charge(order, q.payer, q.subsidy_fen, now)
        audit_record(
            actor=actor,
            action="canteen.order_create",
            instance=order,
            after={**snapshot(order), "payer": q.payer, "subsidy_fen": q.subsidy_fen},
        )
        user = resident.user or actor
        notify(
            user=user,
            community=menu.community,
            url="/services/my/",
            title=_("Meal ordered: %(day)s %(meal)s") % {"day": menu.day, "meal": menu.get_meal_display()},
        )
    return order


def meal_order_cancel(*, actor: Any, order: MealOrder, now: dt.datetime | None = None) -> MealOrder:
    """Until orders close (staff: until served). The charges are reversed by appending negative rows."""
    now = now or timezone.now()
    staff = facility_rules.can_run_front_desk(actor, order.community)
    if not (staff or facility_rules.may_act_for(actor, order.resident)):
        raise NotAllowed(_("You may not cancel this order."))
    with transaction.atomic():
        menu = Menu.objects.select_for_update(of=("self",)).get(pk=order.menu_id)
        order = MealOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if order.status != MealOrder.Status.ORDERED:
            raise DomainError(_("This order can no longer be cancelled."), code="not_cancellable")
        if now >= _closes_at(menu) and not staff:
            raise DomainError(_("Orders for this meal are closed; please tell the canteen."), code="orders_closed")
        before = snapshot(order)
        order.status = MealOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        Menu.objects.filter(pk=menu.pk).update(ordered=F("ordered") - 1)
        for charge in MealCharge.objects.filter(order=order, reverses__isnull=True, reversed_by__isnull=True):
            MealCharge.objects.create(
                community=order.community,
                order=order,
                day=charge.day,
                payer=charge.payer,
                amount_fen=-charge.amount_fen,
                reverses=charge,
                key=f"{charge.key}:reversal",
                created_at=now,
            )
        audit_record(actor=actor, action="canteen.order_cancel", instance=order, before=before, after=snapshot(order))
    return order


def meal_order_serve(*, actor: Any, order: MealOrder, now: dt.datetime | None = None) -> MealOrder:
    """Check the diner in at the counter, on the day of the meal."""
    now = now or timezone.now()
    if not facility_rules.can_run_front_desk(actor, order.community):
        raise NotAllowed(_("Only canteen staff check diners in."))
    with transaction.atomic():
        order = MealOrder.objects.select_for_update(of=("self",)).select_related("menu").get(pk=order.pk)
        if order.status != MealOrder.Status.ORDERED:
            raise DomainError(_("Only an open order can be served."), code="not_servable")
        if timezone.localtime(now).date() != order.menu.day:
            raise DomainError(_("Check-in is possible only on the day of the booking."), code="wrong_day")
        before = snapshot(order)
        order.status = MealOrder.Status.SERVED
        order.served_at = now
        order.served_by = actor
        order.save(update_fields=["status", "served_at", "served_by"])
        audit_record(actor=actor, action="canteen.order_serve", instance=order, before=before, after=snapshot(order))
    return order


def meal_orders_cancel_at_move_out(*, actor: Any, resident: Resident, now: dt.datetime) -> list[str]:
    """迁出: the resident's meal orders from today on that are not served are cancelled (charges reversed)."""
    lines = []
    for order in (
        MealOrder.objects.filter(
            resident=resident, status=MealOrder.Status.ORDERED, menu__day__gte=timezone.localtime(now).date()
        )
        .select_related("menu")
        .order_by("menu__day", "pk")
    ):
        meal_order_cancel(actor=actor, order=order, now=now)
        lines.append(_("Meal order: %(day)s %(meal)s") % {"day": order.menu.day, "meal": order.menu.get_meal_display()})
    return lines

"""The canteen's writes: price rules, menus, meal orders (with their charge rows), serving.

Charge rows are the accounting record: per meal one row for the diner and one per funding source, appended
only. `linli.company.services.revenue_collect` posts a served day's rows to the ledger.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, audit_records, create_audited, save_audited, snapshot, update_audited
from linli.core.confirm import require_confirmation
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.core.locking import locked_in_order
from linli.core.waiting_list import place_give_back, places_take
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.notifications.services import in_language_of, notify, notify_many
from linli.payments import services as payment_services
from linli.payments.models import Purpose
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


def _overlaps(a_from: dt.date | None, a_to: dt.date | None, b_from: dt.date | None, b_to: dt.date | None) -> bool:
    """Two date ranges (None: open-ended) share at least one day."""
    return (a_to is None or b_from is None or b_from <= a_to) and (b_to is None or a_from is None or a_from <= b_to)


def price_rule_add(
    *,
    actor: Actor,
    canteen: Facility,
    label: str,
    resident_fen: int,
    payer: str,
    min_age: int = 0,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> PriceRule:
    """A price tier from `min_age` on (a trial between two dates). Refused if an active rule of the same canteen
    for the same age already covers any of these days: retire it first."""
    if not rules.can_configure_canteen(actor, canteen.community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    _check_canteen(canteen)
    label = label.strip()
    if not label:
        raise DomainError(_("Give the rule a name residents understand, e.g. “80岁以上”."), field="label")
    if not 0 <= min_age <= 120:
        raise DomainError(_("The age must be between 0 and 120."), field="min_age")
    if resident_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="resident_fen", code="negative_price")
    if payer not in [p.value for p in FUNDING_PAYERS]:
        raise DomainError(_("Choose who pays the rest."), field="payer")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    with transaction.atomic():
        Facility.objects.select_for_update(of=("self",)).filter(pk=canteen.pk).first()  # one rule change at a time
        for other in PriceRule.objects.filter(canteen=canteen, active=True, min_age=min_age).order_by("pk"):
            if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
                raise Conflict(
                    _("“%(label)s” already prices from age %(age)s on these days: retire it or choose other dates.")
                    % {"label": other.label, "age": min_age},
                    field="min_age",
                    code="overlapping_rule",
                )
        rule = create_audited(
            actor=actor,
            action="canteen.price_rule_add",
            model=PriceRule,
            community=canteen.community,
            canteen=canteen,
            label=label[:60],
            min_age=min_age,
            starts_on=starts_on,
            ends_on=ends_on,
            resident_fen=resident_fen,
            payer=payer,
        )
    return rule


def price_rule_retire(*, actor: Actor, rule: PriceRule) -> PriceRule:
    """From now on the rule prices no new order; orders already placed keep the price they were given."""
    if not rules.can_configure_canteen(actor, rule.community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    with transaction.atomic():
        rule = PriceRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
        if not rule.active:
            raise DomainError(_("This rule is already retired."), code="already_retired")
        before = snapshot(rule)
        rule.active = False
        save_audited(
            actor=actor, action="canteen.price_rule_retire", instance=rule, before=before, update_fields=["active"]
        )
    return rule


def _covers(rule: PriceRule, age: int, day: dt.date) -> bool:
    return (
        rule.active
        and rule.min_age <= age
        and (rule.starts_on is None or rule.starts_on <= day)
        and (rule.ends_on is None or rule.ends_on >= day)
    )


def price_for(*, rules_of_canteen: Iterable[PriceRule], price_fen: int, age: int, day: dt.date) -> Quote:
    """Pure: of the rules (already loaded) that apply to the age on the day, the one leaving the diner least to
    pay (on a tie the more specific: a dated rule, then the higher age). No query: the menu page prices every
    menu for every member of the household from one list of rules."""
    best: PriceRule | None = None
    best_key: tuple[int, bool, int, int] | None = None
    for rule in rules_of_canteen:
        if not _covers(rule, age, day):
            continue
        key = (min(rule.resident_fen, price_fen), rule.starts_on is None, -rule.min_age, rule.pk)
        if best_key is None or key < best_key:
            best, best_key = rule, key
    if best is None or best.resident_fen >= price_fen:
        return Quote(age, price_fen, price_fen, Payer.RESIDENT, None)
    return Quote(age, price_fen, best.resident_fen, best.payer, best)


def quote(*, menu: Menu, resident: Resident, rules_of_canteen: Iterable[PriceRule] | None = None) -> Quote:
    """What the diner pays for the menu, by the rules for their age on the menu's day. Pass `rules_of_canteen`
    (e.g. `selectors.active_price_rules`) to price many menus without a query each."""
    age = resident.age(menu.day)
    if rules_of_canteen is None:
        rules_of_canteen = PriceRule.objects.filter(canteen_id=menu.canteen_id, active=True)
    else:
        rules_of_canteen = [r for r in rules_of_canteen if r.canteen_id == menu.canteen_id]
    return price_for(rules_of_canteen=rules_of_canteen, price_fen=menu.price_fen, age=age, day=menu.day)


def menu_create(
    *,
    actor: Actor,
    canteen: Facility,
    day: dt.date,
    meal: str,
    dishes: str,
    price_fen: int,
    capacity: int,
    order_until: dt.time,
    serve_from: dt.time | None = None,
    serve_until: dt.time | None = None,
    now: dt.datetime | None = None,
) -> Menu:
    now = now or timezone.now()
    if not facility_rules.can_run_front_desk(actor, canteen.community):
        raise NotAllowed(_("You may not publish menus in this community."))
    _check_canteen(canteen)
    _check_serving(order_until, serve_from, serve_until)
    _check_menu_fields(day=day, meal=meal, dishes=dishes, price_fen=price_fen, capacity=capacity, now=now)
    duplicate = Conflict(_("There is already a menu for this meal."), field="meal", code="duplicate_menu")
    if Menu.objects.filter(canteen=canteen, day=day, meal=meal, withdrawn=False).exists():
        raise duplicate
    menu = create_audited(
        actor=actor,
        action="canteen.menu_create",
        model=Menu,
        on_duplicate=duplicate,
        community=canteen.community,
        canteen=canteen,
        day=day,
        meal=meal,
        dishes=dishes.strip(),
        price_fen=price_fen,
        capacity=capacity,
        order_until=order_until,
        serve_from=serve_from,
        serve_until=serve_until,
    )
    return menu


def _check_serving(order_until: dt.time, serve_from: dt.time | None, serve_until: dt.time | None) -> None:
    """Serving hours are both given or neither; the meal is served after it starts, and ordering closes before the
    serving ends."""
    if (serve_from is None) != (serve_until is None):
        field = "serve_until" if serve_from is not None else "serve_from"
        raise DomainError(_("Give both the start and the end of serving, or neither."), field=field)
    if serve_from is None or serve_until is None:
        return
    if serve_until <= serve_from:
        raise DomainError(_("Serving must end after it starts."), field="serve_until")
    if order_until > serve_until:
        raise DomainError(_("Orders must close before serving ends."), field="order_until")


def _closes_at(menu: Menu) -> dt.datetime:
    return dt.datetime.combine(menu.day, menu.order_until, tzinfo=timezone.get_current_timezone())


def orders_closed(menu: Menu, now: dt.datetime | None = None) -> bool:
    """Past the menu's cut-off (order_until on its day): residents can no longer order or cancel."""
    return (now or timezone.now()) >= _closes_at(menu)


def _charge_row(order: MealOrder, payer: str, amount: int, now: dt.datetime) -> MealCharge:
    return MealCharge(
        community=order.community,
        order=order,
        day=order.menu.day,
        payer=payer,
        amount_fen=amount,
        key=f"meal:{order.pk}:{payer}",
        created_at=now,
    )


def meal_order_create(*, actor: Actor, menu: Menu, resident: Resident, now: dt.datetime | None = None) -> MealOrder:
    """Order a meal for the diner; the price follows the rules for their age on the day, and the split is
    recorded as charge rows (diner, and the funding source for the rest)."""
    return meal_orders_create(actor=actor, menu=menu, residents=[resident], now=now)[0]


def meal_orders_create(
    *, actor: Actor, menu: Menu, residents: Sequence[Resident], now: dt.datetime | None = None
) -> list[MealOrder]:
    """Order the meal for several diners at once (front-desk staff taking a care station's list by phone), with
    the checks, prices and charge rows of one order each: all are ordered, or none. Each diner with a login is
    told; so is whoever ordered for diners without one."""
    now = now or timezone.now()
    for resident in residents:
        ensure_current(resident)
        facility_rules.ensure_acts_for(
            actor, resident, _("You can order only for yourself, your household and the elders you help as family.")
        )
    with transaction.atomic():
        menu = Menu.objects.select_for_update(of=("self",)).select_related("canteen").get(pk=menu.pk)
        for resident in residents:
            facility_rules.ensure_may_use_facility(resident, menu.canteen)
        if menu.withdrawn:
            raise DomainError(_("This menu has been withdrawn."), code="menu_withdrawn")
        if now >= _closes_at(menu):
            raise DomainError(_("Orders for this meal are closed."), code="orders_closed")
        already = set(
            MealOrder.objects.filter(
                menu=menu, resident__in=[r.pk for r in residents], status__in=["ordered", "served"]
            ).values_list("resident_id", flat=True)
        )
        seen: set[int] = set()
        for resident in residents:
            if resident.pk in already or resident.pk in seen:
                raise Conflict(
                    _("%(name)s has already ordered this meal.") % {"name": resident.name}, code="already_ordered"
                )
            seen.add(resident.pk)
        if places_take(menu, taken="ordered", capacity=menu.capacity, count=len(residents)) < len(residents):
            raise Conflict(_("This meal is sold out."), code="sold_out")
        rules_of_canteen = list(PriceRule.objects.filter(canteen_id=menu.canteen_id, active=True))
        quotes = [quote(menu=menu, resident=r, rules_of_canteen=rules_of_canteen) for r in residents]
        orders = MealOrder.objects.bulk_create(
            [
                MealOrder(
                    community=menu.community,
                    menu=menu,
                    resident=resident,
                    ordered_by=account_of(actor),
                    age=q.age,
                    rule=q.rule,
                    price_fen=q.price_fen,
                    resident_fen=q.resident_fen,
                    created_at=now,
                )
                for resident, q in zip(residents, quotes, strict=True)
            ]
        )
        charges = []
        for order, q in zip(orders, quotes, strict=True):
            charges.append(_charge_row(order, Payer.RESIDENT, q.resident_fen, now))
            if q.subsidy_fen:
                charges.append(_charge_row(order, q.payer, q.subsidy_fen, now))
        MealCharge.objects.bulk_create(charges)
        audit_records(
            actor=actor,
            action="canteen.order_create",
            changes=(
                (order, None, {**snapshot(order), "payer": q.payer, "subsidy_fen": q.subsidy_fen})
                for order, q in zip(orders, quotes, strict=True)
            ),
        )
        diners_with_login = [r.user for r in residents if r.user is not None]
        told = diners_with_login + ([actor] if len(diners_with_login) < len(residents) else [])
        messages = []
        for user in told:  # each in their own language
            with in_language_of(user):
                title = _("Meal ordered: %(day)s %(meal)s") % {"day": menu.day, "meal": menu.get_meal_display()}
            messages.append({"user": user, "community": menu.community, "url": "/services/my/", "title": title})
        notify_many(messages)
    return orders


def meal_order_cancel(*, actor: Actor, order: MealOrder, now: dt.datetime | None = None) -> MealOrder:
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
        if order.resident_fen:  # the diner's share, if paid beforehand, goes back the way it came
            payment_services.subject_cancelled(
                purpose=Purpose.CANTEEN, subject_id=order.pk, actor=actor, now=now, reason=_("Meal cancelled")
            )
        before = snapshot(order)
        order.status = MealOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        place_give_back(menu, taken="ordered")
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


def meal_order_serve(*, actor: Actor, order: MealOrder, now: dt.datetime | None = None) -> MealOrder:
    """Check the diner in at the counter, on the day of the meal."""
    return meal_orders_serve(actor=actor, orders=[order], now=now)[0]


def meal_orders_serve(*, actor: Actor, orders: Sequence[MealOrder], now: dt.datetime | None = None) -> list[MealOrder]:
    """Check several diners in at the counter at once (a sitting served from its list), on the day of the meal:
    all of them, or none if one cannot be."""
    now = now or timezone.now()
    if any(not facility_rules.can_run_front_desk(actor, o.community) for o in orders):
        raise NotAllowed(_("Only canteen staff check diners in."))
    with transaction.atomic():
        served = locked_in_order(MealOrder.objects.select_related("menu"), orders)
        day = timezone.localtime(now).date()
        for order in served:
            if order.status != MealOrder.Status.ORDERED:
                raise DomainError(_("Only an open order can be served."), code="not_servable")
            if order.menu.day != day:
                raise DomainError(_("A meal order is served only on the day of the meal."), code="wrong_day")
        update_audited(
            actor=actor,
            action="canteen.order_serve",
            instances=served,
            status=MealOrder.Status.SERVED,
            served_at=now,
            served_by=actor,
        )
    return served


# --- changing a published menu ------------------------------------------------------------------------------


def _check_menu_fields(
    *, day: dt.date, meal: str, dishes: str, price_fen: int, capacity: int, now: dt.datetime, field_day: str = "day"
) -> None:
    if day < timezone.localdate(now):
        raise DomainError(_("A menu cannot be for a day in the past."), field=field_day, code="menu_in_past")
    if price_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    if capacity < 1:
        raise DomainError(_("A menu needs at least one portion."), field="capacity")
    if not dishes.strip():
        raise DomainError(_("List at least one dish."), field="dishes")
    if meal not in Menu.Meal.values:
        raise DomainError(_("Choose a meal."), field="meal")


def orders_cancelled_by_change(
    *, menu: Menu, day: dt.date, meal: str, price_fen: int, capacity: int, withdraw: bool = False
) -> list[MealOrder]:
    """The open orders a change would cancel: all of them when the menu is withdrawn or its day, meal or price
    changes (the diners ordered another meal or at another price); else, when the portions drop below the
    orders, the latest orders beyond the new number."""
    open_orders = list(
        MealOrder.objects.filter(menu=menu, status=MealOrder.Status.ORDERED)
        .select_related("resident__user", "ordered_by", "menu")
        .order_by("created_at", "pk")
    )
    if withdraw or day != menu.day or meal != menu.meal or price_fen != menu.price_fen:
        return open_orders
    served = MealOrder.objects.filter(menu=menu, status=MealOrder.Status.SERVED).count()
    keep = max(0, capacity - served)
    return open_orders[keep:]


def _require_confirmation(affected: list[MealOrder], confirmed: int | None) -> None:
    require_confirmation(
        affected=len(affected),
        confirmed=confirmed,
        message=ngettext(
            "%(n)s resident has already ordered this meal: this change cancels the order, refunds it "
            "and tells them. Confirm to go on.",
            "%(n)s residents have already ordered this meal: this change cancels their orders, refunds them "
            "and tells them. Confirm to go on.",
            len(affected),
        )
        % {"n": len(affected)},
    )


def _cancel_for_change(actor: Actor, orders: list[MealOrder], title: Any, reason: str, now: dt.datetime) -> None:
    """Cancel each order through `meal_order_cancel` (charges reversed) and tell the diner (or whoever ordered),
    in their own language: `title` is a lazy text with %(what)s for the meal."""
    for order in orders:
        meal_order_cancel(actor=actor, order=order, now=now)
        user = order.resident.user or order.ordered_by
        if user is not None:
            with in_language_of(user):
                text = str(title) % {"what": _describe_menu(order.menu)}
            notify(user=user, title=text, body=reason, community=order.community, url="/services/my/")


def _orders_told_of_new_time(menu: Menu, cancelled: list[MealOrder]) -> list[MealOrder]:
    """The open orders that stay when the serving time changes: each diner is told the new time."""
    gone = {o.pk for o in cancelled}
    orders = MealOrder.objects.filter(menu=menu, status=MealOrder.Status.ORDERED).select_related(
        "resident__user", "ordered_by"
    )
    return [o for o in orders.order_by("created_at", "pk") if o.pk not in gone]


def _describe_menu(menu: Menu) -> str:
    return f"{menu.canteen.name} {menu.day:%m-%d} {menu.get_meal_display()}"


def menu_update(
    *,
    actor: Actor,
    menu: Menu,
    day: dt.date,
    meal: str,
    dishes: str,
    price_fen: int,
    capacity: int,
    order_until: dt.time,
    serve_from: dt.time | None = None,
    serve_until: dt.time | None = None,
    reason: str = "",
    confirm_affected: int | None = None,
    now: dt.datetime | None = None,
) -> Menu:
    """Change a published menu. If residents already ordered and the change concerns them (another day, meal or
    price, fewer portions than ordered), it goes through only with `confirm_affected` equal to their number
    (`orders_cancelled_by_change`); their orders are then cancelled and refunded, and each is told why. A new
    serving time keeps the orders: it too needs their number confirmed, and each diner is told the new time."""
    now = now or timezone.now()
    if not facility_rules.can_run_front_desk(actor, menu.community):
        raise NotAllowed(_("You may not publish menus in this community."))
    _check_menu_fields(day=day, meal=meal, dishes=dishes, price_fen=price_fen, capacity=capacity, now=now)
    _check_serving(order_until, serve_from, serve_until)
    with transaction.atomic():
        menu = Menu.objects.select_for_update(of=("self",)).select_related("canteen").get(pk=menu.pk)
        if menu.withdrawn:
            raise DomainError(_("This menu has been withdrawn."), code="menu_withdrawn")
        if menu.day < timezone.localdate(now):
            raise DomainError(_("This meal's day has passed; it can no longer be changed."), code="menu_past")
        moved = day != menu.day or meal != menu.meal or price_fen != menu.price_fen
        served = MealOrder.objects.filter(menu=menu, status=MealOrder.Status.SERVED).count()
        if moved and served:
            raise DomainError(
                _("Meals of this menu have already been served: its day, meal and price can no longer change."),
                code="already_served",
            )
        if capacity < served:
            raise DomainError(
                _("%(n)s meals have already been served: the portions cannot be fewer.") % {"n": served},
                field="capacity",
            )
        if (day, meal) != (menu.day, menu.meal) and (
            Menu.objects.filter(canteen=menu.canteen, day=day, meal=meal, withdrawn=False).exclude(pk=menu.pk).exists()
        ):
            raise Conflict(_("There is already a menu for this meal."), field="meal", code="duplicate_menu")
        affected = orders_cancelled_by_change(menu=menu, day=day, meal=meal, price_fen=price_fen, capacity=capacity)
        retimed = (serve_from, serve_until) != (menu.serve_from, menu.serve_until)
        told = _orders_told_of_new_time(menu, affected) if retimed and serve_from is not None else []
        if affected or not told:  # orders cancelled: that is what the number confirms; the others are told
            _require_confirmation(affected, confirm_affected)
        else:
            require_confirmation(
                affected=len(told),
                confirmed=confirm_affected,
                message=ngettext(
                    "%(n)s resident has already ordered this meal: they keep the order and are told the new serving "
                    "time. Confirm to go on.",
                    "%(n)s residents have already ordered this meal: they keep their orders and are told the new "
                    "serving time. Confirm to go on.",
                    len(told),
                )
                % {"n": len(told)},
            )
        before = snapshot(menu)
        _cancel_for_change(
            actor,
            affected,
            gettext_lazy("Your meal order was cancelled and refunded: %(what)s changed"),
            reason,
            now,
        )
        menu.refresh_from_db(fields=["ordered"])
        menu.day, menu.meal, menu.dishes = day, meal, dishes.strip()
        menu.price_fen, menu.capacity, menu.order_until = price_fen, capacity, order_until
        menu.serve_from, menu.serve_until = serve_from, serve_until
        menu.save(
            update_fields=["day", "meal", "dishes", "price_fen", "capacity", "order_until", "serve_from", "serve_until"]
        )
        for order in told:
            user = order.resident.user or order.ordered_by
            if user is not None:
                with in_language_of(user):
                    title = _("New serving time for %(what)s: %(time)s") % {
                        "what": _describe_menu(menu),
                        "time": menu.serving,
                    }
                notify(
                    user=user,
                    title=title,
                    body=reason,
                    community=order.community,
                    url="/services/my/",
                )
        audit_record(
            actor=actor,
            action="canteen.menu_update",
            instance=menu,
            before=before,
            after={**snapshot(menu), "orders_cancelled": len(affected), "told_new_time": len(told), "reason": reason},
        )
    return menu


def menu_withdraw(
    *, actor: Actor, menu: Menu, reason: str = "", confirm_affected: int | None = None, now: dt.datetime | None = None
) -> Menu:
    """Take a menu back: residents no longer see it; open orders (confirmed by their number) are cancelled,
    refunded, and their diners told. A menu with meals already served stays."""
    now = now or timezone.now()
    if not facility_rules.can_run_front_desk(actor, menu.community):
        raise NotAllowed(_("You may not publish menus in this community."))
    with transaction.atomic():
        menu = Menu.objects.select_for_update(of=("self",)).select_related("canteen").get(pk=menu.pk)
        if menu.withdrawn:
            raise DomainError(_("This menu has been withdrawn."), code="menu_withdrawn")
        if MealOrder.objects.filter(menu=menu, status=MealOrder.Status.SERVED).exists():
            raise DomainError(
                _("Meals of this menu have already been served: it can no longer be withdrawn."),
                code="already_served",
            )
        affected = orders_cancelled_by_change(
            menu=menu, day=menu.day, meal=menu.meal, price_fen=menu.price_fen, capacity=menu.capacity, withdraw=True
        )
        _require_confirmation(affected, confirm_affected)
        before = snapshot(menu)
        _cancel_for_change(
            actor,
            affected,
            gettext_lazy("Your meal order was cancelled and refunded: %(what)s was withdrawn"),
            reason,
            now,
        )
        menu.withdrawn = True
        menu.save(update_fields=["withdrawn"])
        audit_record(
            actor=actor,
            action="canteen.menu_withdraw",
            instance=menu,
            before=before,
            after={**snapshot(menu), "orders_cancelled": len(affected), "reason": reason},
        )
    return menu


def meal_orders_cancel_at_move_out(*, actor: Actor, resident: Resident, now: dt.datetime) -> list[str]:
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

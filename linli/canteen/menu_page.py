"""The residents' menu page, worded once per page: a week of menus (some fifty) each priced for every member of the
household (some two hundred lines). The words that repeat from menu to menu (a member's "name (age)" and button,
what one pays and the subsidy, the cut-off and serving times, a meal's name, a weekday) are worded once each, the
order URL reversed once, and each line's form written by one tag per menu (`canteen_menus.order_forms`), not by the
template's nodes on every line. The page reads as the template filters and tags would write it."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.core.links import RowLinks
from linli.facilities.money import fen_to_yuan
from linli.people.models import Resident

from . import services
from .models import Menu
from .selectors import HouseholdMenus


@dataclass(frozen=True)
class MenuRow:
    menu: Menu
    day: str  # as `date:"m-d D"`
    meal: str
    price: str  # as the `yuan` filter
    dishes: list[str]
    serving: str  # "Served 11:00–12:30", or "" when the canteen has not said
    closed: bool
    order_by: str  # "Order by 10:00 on the day"
    left: str  # "12 portions left"
    can_order: bool
    order_url: str
    quotes: list[tuple[Resident, tuple[str, str], bool, str, str]]  # see `canteen_menus.order_forms`


def _once(make: Callable[..., str]) -> Callable[..., str]:
    """`make`, remembering each answer for the page."""
    known: dict[tuple[Any, ...], str] = {}

    def worded(*key: Any) -> str:
        if key not in known:
            known[key] = make(*key)
        return known[key]

    return worded


def menu_rows(*, week: HouseholdMenus, code: str, now: dt.datetime) -> list[MenuRow]:
    """The rows of community `code`'s menu page: `week`'s menus, each priced for every member of the household."""
    members = week.members
    weekdays = [str(WEEKDAYS_ABBR[number]) for number in range(7)]
    meals = {value: str(label) for value, label in Menu.Meal.choices}
    order_for = {m.pk: _("Order for %(name)s") % {"name": m.name} for m in members}
    pays_word, subsidy_word = _("pays"), _("subsidy")
    who = _once(lambda name, age: f"{name} ({_('%(a)s years') % {'a': age}})")
    pays = _once(lambda fen: f"{pays_word} ¥{fen_to_yuan(fen)}")
    subsidy = _once(lambda fen, rule: f"{subsidy_word} ¥{fen_to_yuan(fen)}{f' ({rule})' if rule else ''}")
    served = _once(lambda serving: _("Served %(t)s") % {"t": serving})
    order_by = _once(lambda until: _("Order by %(t)s on the day") % {"t": f"{until:%H:%M}"})
    left = _once(lambda n: ngettext("%(n)s portion left", "%(n)s portions left", n) % {"n": n})
    links = RowLinks()
    rows = []
    for menu in week.menus:
        quotes = []
        for m in members:
            q = services.quote(menu=menu, resident=m, rules_of_canteen=week.price_rules)
            rule = q.rule.label if q.rule else ""
            line = (pays(q.resident_fen), subsidy(q.subsidy_fen, rule) if q.subsidy_fen else "")
            quotes.append((m, line, (menu.pk, m.pk) in week.ordered, who(m.name, q.age), order_for[m.pk]))
        closed = services.orders_closed(menu, now)
        rows.append(
            MenuRow(
                menu=menu,
                day=f"{menu.day:%m-%d} {weekdays[menu.day.weekday()]}",
                meal=meals.get(menu.meal, menu.meal),
                price=f"¥{fen_to_yuan(menu.price_fen)}",
                dishes=menu.dish_list,
                serving=served(menu.serving) if menu.serving else "",
                closed=closed,
                order_by=order_by(menu.order_until),
                left=left(menu.left),
                can_order=not closed and menu.left > 0,
                order_url=links("canteen:order", code, menu.pk),
                quotes=quotes,
            )
        )
    return rows

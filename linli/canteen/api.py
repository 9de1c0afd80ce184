"""The canteen over HTTP: menus with your household's prices, orders, the counter, subsidy statements."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts import rules
from linli.accounts.api_auth import AUTH
from linli.core.errors import NotFound
from linli.core.file_responses import file_response
from linli.core.parsing import date_in_range, parse_month
from linli.facilities import rules as facility_rules
from linli.facilities.selectors import resident_for_booking
from linli.people.selectors import acted_by
from linli.places.selectors import community_get

from . import selectors, services
from .excel import statement_xlsx
from .models import MealOrder, Menu, PriceRule
from .schemas import (
    CanteenPriceRuleIn,
    CanteenPriceRuleOut,
    MealOrderIn,
    MealOrderOut,
    MealStatementOut,
    MenuChangeIn,
    MenuIn,
    MenuOut,
    MenuWithdrawIn,
)

router = Router(tags=["canteen"], auth=AUTH)


def menu_out(
    menu: Menu,
    members: list[Any],
    *,
    price_rules: list[PriceRule] | None = None,
    ordered: set[tuple[int, int]] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    quotes = []
    for m in members:
        q = services.quote(menu=menu, resident=m, rules_of_canteen=price_rules)
        quotes.append(
            {
                "resident_id": m.pk,
                "name": m.name,
                "age": q.age,
                "resident_fen": q.resident_fen,
                "subsidy_fen": q.subsidy_fen,
                "payer": q.payer,
                "rule": q.rule.label if q.rule else None,
                "ordered": (menu.pk, m.pk) in (ordered or set()),
            }
        )
    return {
        "id": menu.pk,
        "canteen_id": menu.canteen_id,
        "canteen": menu.canteen.name,
        "day": menu.day,
        "meal": menu.meal,
        "dishes": menu.dish_list,
        "price_fen": menu.price_fen,
        "capacity": menu.capacity,
        "left": menu.left,
        "order_until": menu.order_until,
        "serve_from": menu.serve_from,
        "serve_until": menu.serve_until,
        "ordered": menu.ordered,
        "closed": services.orders_closed(menu, now),
        "withdrawn": menu.withdrawn,
        "quotes": quotes,
    }


def rule_out(r: PriceRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "canteen_id": r.canteen_id,
        "label": r.label,
        "min_age": r.min_age,
        "resident_fen": r.resident_fen,
        "payer": r.payer,
        "starts_on": r.starts_on,
        "ends_on": r.ends_on,
        "active": r.active,
    }


def order_out(o: MealOrder, *, exact_age: bool = True) -> dict[str, Any]:
    """`exact_age` off for staff who may not see birth dates: the age by calendar year instead (docs/privacy.md)."""
    return {
        "id": o.pk,
        "menu_id": o.menu_id,
        "day": o.menu.day,
        "meal": o.menu.meal,
        "resident_id": o.resident_id,
        "resident": o.resident.name,
        "age": o.age if exact_age else o.age_by_year,
        "status": o.status,
        "price_fen": o.price_fen,
        "resident_fen": o.resident_fen,
        "charges": [{"payer": c.payer, "amount_fen": c.amount_fen, "key": c.key} for c in o.charges.all()],
        "ordered_by": acted_by(o.ordered_by, o.resident),
    }


@router.get("/communities/{code}/canteen/menus", response=list[MenuOut])
def menu_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    week = selectors.household_menus(user=request.user, community=community)
    now = timezone.now()
    return [menu_out(m, week.members, price_rules=week.price_rules, ordered=week.ordered, now=now) for m in week.menus]


@router.post("/communities/{code}/canteen/menus", response={201: MenuOut})
def menu_create(request: HttpRequest, code: str, payload: MenuIn) -> Status:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    canteen = selectors.canteen_get(user=request.user, community=community, pk=data.pop("canteen_id"))
    menu = services.menu_create(actor=request.user, canteen=canteen, **data)
    return Status(201, menu_out(menu, []))


@router.post("/communities/{code}/canteen/menus/{menu_id}/orders", response={201: MealOrderOut})
def order_create(request: HttpRequest, code: str, menu_id: int, payload: MealOrderIn) -> Status:
    community = community_get(code=code, user=request.user)
    menu = selectors.menu_get(user=request.user, community=community, pk=menu_id)
    diner = resident_for_booking(user=request.user, community=community, pk=payload.resident_id)
    return Status(201, order_out(services.meal_order_create(actor=request.user, menu=menu, resident=diner)))


@router.get("/me/meal-orders", response=list[MealOrderOut])
def my_orders(request: HttpRequest) -> list[dict[str, Any]]:
    return [order_out(o) for o in selectors.orders_of_user(user=request.user, with_charges=True)[:200]]


@router.post("/communities/{code}/canteen/orders/{order_id}/{action}", response=MealOrderOut)
def order_action(request: HttpRequest, code: str, order_id: int, action: str) -> dict[str, Any]:
    """`cancel` (reverses the charges) or `serve` (the counter checks the diner in)."""
    community = community_get(code=code, user=request.user)
    order = selectors.order_get(user=request.user, community=community, pk=order_id)
    operation = {"cancel": services.meal_order_cancel, "serve": services.meal_order_serve}.get(action)
    if operation is None:
        raise NotFound(_("Not found."))
    # the diner's household sees the age its price went by; staff see what rules.can_view_birth_date allows
    exact = rules.can_view_birth_date(request.user, community) or not facility_rules.can_run_front_desk(
        request.user, community
    )
    return order_out(operation(actor=request.user, order=order), exact_age=exact)


@router.get("/communities/{code}/canteen/orders", response=list[MealOrderOut])
def orders_of_day(request: HttpRequest, code: str, date: dt.date | None = None) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    day = date_in_range(date) if date else timezone.localdate()
    rows = selectors.orders_of_day(user=request.user, community=community, day=day, with_charges=True)
    exact = rules.can_view_birth_date(request.user, community)
    return [order_out(o, exact_age=exact) for o in rows]


@router.get("/communities/{code}/canteen/statements/{payer}/{month}", response=MealStatementOut)
def statement(request: HttpRequest, code: str, payer: str, month: str, format: str = "json") -> Any:
    """One payer's month (`2026-05`): every charged meal and the total. `?format=xlsx` for the Excel file."""
    community = community_get(code=code, user=request.user)
    year, mon = parse_month(month)
    result = selectors.subsidy_statement(user=request.user, community=community, payer=payer, year=year, month=mon)
    if format == "xlsx":
        return file_response(statement_xlsx(result), filename=f"canteen-{code}-{payer}-{month}.xlsx")
    return {
        "payer": payer,
        "month": f"{year}-{mon:02d}",
        "meals": result.meals,
        "total_fen": result.total_fen,
        "rows": [
            {
                "day": c.day,
                "order_id": c.order_id,
                "diner": c.order.resident.name,
                "age": c.order.age,
                "rule": c.order.rule.label if c.order.rule else None,
                "amount_fen": c.amount_fen,
                "key": c.key,
            }
            for c in result.charges
        ],
    }


# --- set-up: menus and price rules, for the community's staff --------------------------------------------------


@router.get("/communities/{code}/canteen/canteens/{canteen_id}/menus", response=list[MenuOut])
def setup_menu_list(request: HttpRequest, code: str, canteen_id: int) -> list[dict[str, Any]]:
    """The canteen's menus from today on, withdrawn ones included, with how many have ordered."""
    community = community_get(code=code, user=request.user)
    canteen = selectors.own_canteen_get(user=request.user, community=community, pk=canteen_id)
    return [menu_out(m, []) for m in selectors.setup_menus(user=request.user, community=community, canteen=canteen)]


@router.patch("/communities/{code}/canteen/menus/{menu_id}", response=MenuOut)
def menu_change(request: HttpRequest, code: str, menu_id: int, payload: MenuChangeIn) -> dict[str, Any]:
    """Change a menu. A change that cancels orders answers 409 `confirm_needed` (their number in `details`)
    until `confirm_affected` repeats that number; those orders are then cancelled, refunded, their diners told."""
    community = community_get(code=code, user=request.user)
    menu = selectors.setup_menu_get(user=request.user, community=community, pk=menu_id)
    sent = payload.dict(exclude_unset=True)
    fields = ("day", "meal", "dishes", "price_fen", "capacity", "order_until")
    values = {f: sent[f] if sent.get(f) is not None else getattr(menu, f) for f in fields}
    for f in ("serve_from", "serve_until"):  # null clears a serving time; leaving it out keeps it
        values[f] = sent[f] if f in sent else getattr(menu, f)
    changed = services.menu_update(
        actor=request.user,
        menu=menu,
        reason=payload.reason,
        confirm_affected=payload.confirm_affected,
        **values,
    )
    return menu_out(changed, [])


@router.post("/communities/{code}/canteen/menus/{menu_id}/withdraw", response=MenuOut)
def menu_withdraw(request: HttpRequest, code: str, menu_id: int, payload: MenuWithdrawIn) -> dict[str, Any]:
    """Withdraw a menu; as for a change, orders already placed need `confirm_affected`."""
    community = community_get(code=code, user=request.user)
    menu = selectors.setup_menu_get(user=request.user, community=community, pk=menu_id)
    withdrawn = services.menu_withdraw(
        actor=request.user, menu=menu, reason=payload.reason, confirm_affected=payload.confirm_affected
    )
    return menu_out(withdrawn, [])


@router.get("/communities/{code}/canteen/canteens/{canteen_id}/price-rules", response=list[CanteenPriceRuleOut])
def price_rule_list(request: HttpRequest, code: str, canteen_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    canteen = selectors.own_canteen_get(user=request.user, community=community, pk=canteen_id)
    return [rule_out(r) for r in selectors.price_rules_of(user=request.user, community=community, canteen=canteen)]


@router.post("/communities/{code}/canteen/canteens/{canteen_id}/price-rules", response={201: CanteenPriceRuleOut})
def price_rule_add(request: HttpRequest, code: str, canteen_id: int, payload: CanteenPriceRuleIn) -> Status:
    """An age tier (from `min_age`), what the diner pays and which funding source pays the rest; with
    `starts_on`/`ends_on` a trial period. 409 `overlapping_rule` if an active rule for that age covers those days."""
    community = community_get(code=code, user=request.user)
    canteen = selectors.own_canteen_get(user=request.user, community=community, pk=canteen_id)
    rule = services.price_rule_add(actor=request.user, canteen=canteen, **payload.dict())
    return Status(201, rule_out(rule))


@router.post("/communities/{code}/canteen/price-rules/{rule_id}/retire", response=CanteenPriceRuleOut)
def price_rule_retire(request: HttpRequest, code: str, rule_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    rule = selectors.price_rule_get(user=request.user, community=community, pk=rule_id)
    return rule_out(services.price_rule_retire(actor=request.user, rule=rule))

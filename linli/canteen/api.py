"""The canteen over HTTP: menus with your household's prices, orders, the counter, subsidy statements."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts import rules
from linli.accounts.api_auth import AUTH
from linli.core.errors import NotFound
from linli.core.parsing import date_in_range, parse_month
from linli.facilities import rules as facility_rules
from linli.facilities.selectors import household_of, resident_for_booking
from linli.people.selectors import acted_by
from linli.places.selectors import community_get

from . import selectors, services
from .excel import statement_xlsx
from .models import MealOrder, Menu
from .schemas import MealOrderIn, MealOrderOut, MealStatementOut, MenuIn, MenuOut

router = Router(tags=["canteen"], auth=AUTH)


def menu_out(menu: Menu, members: list[Any]) -> dict[str, Any]:
    quotes = []
    for m in members:
        q = services.quote(menu=menu, resident=m)
        quotes.append(
            {
                "resident_id": m.pk,
                "name": m.name,
                "age": q.age,
                "resident_fen": q.resident_fen,
                "subsidy_fen": q.subsidy_fen,
                "payer": q.payer,
                "rule": q.rule.label if q.rule else None,
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
        "quotes": quotes,
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
    members = household_of(user=request.user)
    return [menu_out(m, members) for m in selectors.menus_upcoming(user=request.user, community=community)]


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
        response = HttpResponse(
            statement_xlsx(result), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="canteen-{code}-{payer}-{month}.xlsx"'
        return response
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

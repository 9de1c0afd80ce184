"""Canteen pages: residents see menus and order for their household; staff serve at the counter, publish
menus and download the monthly subsidy statements."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts import rules as account_rules
from linli.core.buttons import buttons_on, press, submit
from linli.core.confirm import confirm_step
from linli.core.errors import DomainError, NotAllowed
from linli.core.file_responses import file_response
from linli.core.parsing import parse_date, parse_month
from linli.facilities import rules as facility_rules
from linli.facilities.money import fen_to_yuan, yuan_to_fen
from linli.facilities.selectors import resident_posted_for_booking
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .excel import statement_xlsx
from .forms import MenuEditForm, MenuForm, MenuWithdrawForm, PriceRuleForm
from .menu_page import menu_rows
from .models import FUNDING_PAYERS, MealOrder, Menu, Payer, PriceRule


@login_required
def menus(request: HttpRequest, code: str) -> HttpResponse:
    """The coming week's menus, each priced for every member of the household. A constant number of queries:
    the rules are loaded once and priced in Python (`services.quote(rules_of_canteen=…)`)."""
    community = community_get(code=code, user=request.user)
    week = selectors.household_menus(user=request.user, community=community)
    rows = menu_rows(week=week, code=community.code, now=timezone.now())
    return render(
        request,
        "canteen/menus.html",
        {
            "community": community,
            "rows": rows,
            "several": len(week.members) > 1,
            "is_staff": facility_rules.can_run_front_desk(request.user, community),
            "can_statements": rules.can_view_statements(request.user, community),
        },
    )


@login_required
@require_POST
def order(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    menu = selectors.menu_get(user=request.user, community=community, pk=pk)
    try:
        diner = resident_posted_for_booking(
            user=request.user, community=community, posted=request.POST.get("resident", "")
        )
        placed = services.meal_order_create(actor=request.user, menu=menu, resident=diner)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("canteen:menus", code=code)
    messages.success(
        request,
        _("Meal ordered for %(name)s: pays %(pay)s yuan.")
        % {"name": diner.name, "pay": fen_to_yuan(placed.resident_fen)},
    )
    return redirect("facilities:mine")


def _order(request: HttpRequest, code: str, pk: int) -> MealOrder:
    community = community_get(code=code, user=request.user)
    return selectors.order_get(user=request.user, community=community, pk=pk)


order_cancel = buttons_on(_order, name="order", back=lambda **_: reverse("facilities:mine"), follow_next=True)(
    services.meal_order_cancel, gettext_lazy("Order cancelled.")
)


@login_required
def day(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    the_day = parse_date(request.GET.get("date"), default=timezone.localdate())
    orders = selectors.orders_of_day(user=request.user, community=community, day=the_day)
    return render(
        request,
        "canteen/day.html",
        {
            "community": community,
            "day": the_day,
            "orders": orders,
            "exact_age": account_rules.can_view_birth_date(request.user, community),
            "is_today": the_day == timezone.localdate(),
            "prev": the_day - dt.timedelta(days=1),
            "next": the_day + dt.timedelta(days=1),
        },
    )


@login_required
@require_POST
def serve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    placed = selectors.order_get(user=request.user, community=community, pk=pk)
    return press(
        request,
        lambda _data: services.meal_order_serve(actor=request.user, order=placed),
        done=_("%(name)s served.") % {"name": placed.resident.name},
        back=reverse("canteen:day", args=[code]) + f"?date={placed.menu.day}",
    )


@login_required
def menu_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not facility_rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("You may not publish menus in this community."))
    initial: dict[str, Any] = {"day": timezone.localdate() + dt.timedelta(days=1)}
    if request.GET.get("canteen"):
        initial["canteen"] = request.GET["canteen"]
    form = MenuForm(request.POST or None, initial=initial)
    form.fields["canteen"].queryset = selectors.canteens_for(  # type: ignore[attr-defined]
        user=request.user, community=community, include_shared=False
    )

    def publish(data: dict[str, Any]) -> Any:
        data = dict(data)
        data["price_fen"] = yuan_to_fen(data.pop("price"))
        return services.menu_create(actor=request.user, **data)

    saved = submit(request, form, publish, done=_("Menu published."), then=reverse("canteen:setup", args=[code]))
    if saved is not None:
        return saved
    return render(request, "facilities/form.html", {"community": community, "form": form, "title": _("Publish a menu")})


# --- set-up: the staff's page of each canteen ------------------------------------------------------------------


@login_required
def setup(request: HttpRequest, code: str) -> HttpResponse:
    """食堂设置: per canteen the community runs, its menus from today (edit, withdraw) and its price rules."""
    community = community_get(code=code, user=request.user)
    if not facility_rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("You may not publish menus in this community."))
    canteens = [
        (
            c,
            selectors.setup_menus(user=request.user, community=community, canteen=c),
            selectors.price_rules_of(user=request.user, community=community, canteen=c),
        )
        for c in selectors.canteens_for(user=request.user, community=community, include_shared=False)
    ]
    return render(
        request,
        "canteen/setup.html",
        {
            "community": community,
            "canteens": canteens,
            "can_price": rules.can_configure_canteen(request.user, community),
            "today": timezone.localdate(),
        },
    )


@login_required
def menu_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    menu = selectors.setup_menu_get(user=request.user, community=community, pk=pk)
    initial = {
        "day": menu.day,
        "meal": menu.meal,
        "dishes": menu.dishes,
        "price": fen_to_yuan(menu.price_fen),
        "capacity": menu.capacity,
        "order_until": menu.order_until,
        "serve_from": menu.serve_from,
        "serve_until": menu.serve_until,
    }
    form = MenuEditForm(request.POST or None, initial=initial)

    def change(data: dict[str, Any]) -> None:
        data["price_fen"] = yuan_to_fen(data.pop("price"))
        services.menu_update(actor=request.user, menu=menu, **data)

    return _menu_change(request, community, menu, form, change, done=_("Menu changed."), title=_("Change the menu"))


@login_required
def menu_withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    menu = selectors.setup_menu_get(user=request.user, community=community, pk=pk)
    return _menu_change(
        request,
        community,
        menu,
        MenuWithdrawForm(request.POST or None),
        lambda data: services.menu_withdraw(actor=request.user, menu=menu, **data),
        done=_("Menu withdrawn."),
        title=_("Withdraw the menu"),
    )


def _menu_change(
    request: HttpRequest,
    community: Community,
    menu: Menu,
    form: forms.Form,
    change: Callable[[dict[str, Any]], object],
    *,
    done: str,
    title: str,
) -> HttpResponse:
    """A change to a published menu: a valid POST goes to `change` (its cleaned data); when people have already
    ordered, the page asks to confirm with their number before anything is saved."""
    confirm = False
    if request.method == "POST" and form.is_valid():
        try:
            change(dict(form.cleaned_data))
        except DomainError as exc:
            confirm = confirm_step(request, form, exc)
            if not confirm:
                exc.show_on(form)
        else:
            messages.success(request, done)
            return redirect("canteen:setup", code=community.code)
    return render(
        request,
        "canteen/menu_change.html",
        {"community": community, "form": form, "menu": menu, "confirm": confirm, "title": title},
    )


@login_required
def price_rule_new(request: HttpRequest, code: str, canteen: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_canteen(request.user, community):
        raise NotAllowed(_("You may not change the canteen's prices."))
    place = selectors.own_canteen_get(user=request.user, community=community, pk=canteen)
    form = PriceRuleForm(request.POST or None)

    def add(data: dict[str, Any]) -> Any:
        data = dict(data)
        data["resident_fen"] = yuan_to_fen(data.pop("resident_pays"))
        return services.price_rule_add(actor=request.user, canteen=place, **data)

    saved = submit(request, form, add, done=_("Price rule added."), then=reverse("canteen:setup", args=[code]))
    if saved is not None:
        return saved
    return render(
        request,
        "facilities/form.html",
        {"community": community, "form": form, "title": _("Add a price rule"), "facility": place},
    )


def _price_rule_posted(request: HttpRequest, code: str, pk: int) -> PriceRule:
    community = community_get(code=code, user=request.user)
    return selectors.price_rule_get(user=request.user, community=community, pk=pk)


price_rule_retire = buttons_on(
    _price_rule_posted, name="rule", back=lambda code, pk: reverse("canteen:setup", args=[code])
)(services.price_rule_retire, lambda rule: _("Price rule retired: %(label)s") % {"label": rule.label})


@login_required
def statement(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_statements(request.user, community):
        raise NotAllowed(_("You may not see the canteen's statements."))
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month"), default=(today.year, today.month))
    payer = request.GET.get("payer", "economic_cooperative")
    result = selectors.subsidy_statement(user=request.user, community=community, payer=payer, year=year, month=month)
    if request.GET.get("format") == "xlsx":
        return file_response(statement_xlsx(result), filename=f"canteen-{code}-{payer}-{year}-{month:02d}.xlsx")
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    return render(
        request,
        "canteen/statement.html",
        {
            "community": community,
            "statement": result,
            "payers": [(p.value, p.label) for p in FUNDING_PAYERS],
            "month": f"{year}-{month:02d}",
            "totals": [
                (Payer(payer).label if payer in Payer.values else payer, total)
                for payer, total in selectors.totals_by_payer(community=community, first=first, after=after).items()
            ],
        },
    )

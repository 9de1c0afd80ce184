"""Canteen pages: residents see menus and order for their household; staff serve at the counter, publish
menus and download the monthly subsidy statements."""

import datetime as dt
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
from linli.core.errors import DomainError, NotAllowed
from linli.core.parsing import parse_date, parse_id, parse_month
from linli.facilities import rules as facility_rules
from linli.facilities.money import fen_to_yuan, yuan_to_fen
from linli.facilities.selectors import household_of, resident_for_booking
from linli.places.selectors import community_get

from . import rules, selectors, services
from .excel import statement_xlsx
from .models import FUNDING_PAYERS, Menu


class MenuForm(forms.Form):
    canteen: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("canteen"), queryset=None)
    day = forms.DateField(label=gettext_lazy("day"), widget=forms.DateInput(attrs={"type": "date"}))
    meal = forms.ChoiceField(label=gettext_lazy("meal"), choices=Menu.Meal.choices, initial=Menu.Meal.LUNCH)
    dishes = forms.CharField(
        label=gettext_lazy("dishes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One dish per line."),
    )
    price = forms.DecimalField(label=gettext_lazy("price (yuan)"), max_digits=7, decimal_places=2, initial=10)
    capacity = forms.IntegerField(label=gettext_lazy("portions"), min_value=1, initial=120)
    order_until = forms.TimeField(
        label=gettext_lazy("order until"), initial=dt.time(9, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )


@login_required
def menus(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    members = household_of(user=request.user)
    rows = []
    for menu in selectors.menus_upcoming(user=request.user, community=community):
        rows.append((menu, [(m, services.quote(menu=menu, resident=m)) for m in members]))
    return render(
        request,
        "canteen/menus.html",
        {
            "community": community,
            "rows": rows,
            "members": members,
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
        who = parse_id(request.POST["resident"]) if request.POST.get("resident") else None
        diner = resident_for_booking(user=request.user, community=community, pk=who)
        placed = services.meal_order_create(actor=request.user, menu=menu, resident=diner)
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("Choose who the booking is for."))))
        return redirect("canteen:menus", code=code)
    messages.success(
        request,
        _("Meal ordered for %(name)s: pays %(pay)s yuan.")
        % {"name": diner.name, "pay": fen_to_yuan(placed.resident_fen)},
    )
    return redirect("facilities:mine")


@login_required
@require_POST
def order_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    placed = selectors.order_get(user=request.user, community=community, pk=pk)
    try:
        services.meal_order_cancel(actor=request.user, order=placed)
        messages.success(request, _("Order cancelled."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else reverse("facilities:mine"))


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
    try:
        services.meal_order_serve(actor=request.user, order=placed)
        messages.success(request, _("%(name)s served.") % {"name": placed.resident.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("canteen:day", args=[code]) + f"?date={placed.menu.day}")


@login_required
def menu_new(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not facility_rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("You may not publish menus in this community."))
    form = MenuForm(request.POST or None, initial={"day": timezone.localdate() + dt.timedelta(days=1)})
    form.fields["canteen"].queryset = selectors.canteens_for(  # type: ignore[attr-defined]
        user=request.user, community=community, include_shared=False
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        try:
            data["price_fen"] = yuan_to_fen(data.pop("price"))
            services.menu_create(actor=request.user, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Menu published."))
            return redirect("canteen:menus", code=code)
    return render(request, "facilities/form.html", {"community": community, "form": form, "title": _("Publish a menu")})


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
        response = HttpResponse(
            statement_xlsx(result), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="canteen-{code}-{payer}-{year}-{month:02d}.xlsx"'
        return response
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
            "totals": selectors.totals_by_payer(community=community, first=first, after=after),
        },
    )

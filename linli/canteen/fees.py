"""The diner's own share of a meal (after the age-tier subsidy) paid through payments: the handler the payments app
calls for a meal order (registered in `apps`). The meal is ordered either way; paying beforehand online or at the
counter is the diner's choice, and a cancel before the cut-off gives it back."""

import datetime as dt

from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError
from linli.payments.models import Purpose
from linli.payments.purposes import Due, PurposeHandler, payable_subject, statuses_of

from .models import MealOrder, Menu


def _due(order_id: int, actor: Actor, now: dt.datetime) -> Due:
    order, payer = payable_subject(MealOrder, order_id, actor, related=("menu__canteen",), missing=_("No such order."))
    if order.status != MealOrder.Status.ORDERED or not order.resident_fen:
        raise DomainError(_("This meal has nothing to pay."), code="not_payable")
    return Due(
        community=order.community,
        payer=payer,
        amount_fen=order.resident_fen,
        description=_stored_description(order.menu),
    )


def _stored_description(menu: Menu) -> str:
    """What the payment keeps (and the provider is told): names and the day only, in no one's language. Readers
    see `describe`'s words, the meal's name in their own language."""
    return f"{menu.canteen.name} · {menu.day:%m-%d}"[:120]


def _read_description(menu: Menu) -> str:
    return f"{menu.canteen.name} · {menu.day:%m-%d} {menu.get_meal_display()}"[:120]


def describe(order_ids: list[int]) -> dict[int, str]:
    """By meal order id, what its payment paid for in the active language: canteen, day and meal."""
    orders = MealOrder.objects.filter(pk__in=order_ids).select_related("menu__canteen")
    return {order.pk: _read_description(order.menu) for order in orders}


def _lock(order_id: int) -> None:
    """The menu, then the order: the order `meal_order_cancel` takes them."""
    menu_id = MealOrder.objects.filter(pk=order_id).values_list("menu_id", flat=True).first()
    if menu_id is not None:
        Menu.objects.select_for_update(of=("self",)).filter(pk=menu_id).values_list("pk").first()
        MealOrder.objects.select_for_update(of=("self",)).filter(pk=order_id).values_list("pk").first()


def _paid(order_id: int, now: dt.datetime) -> str:
    _lock(order_id)
    status = MealOrder.objects.filter(pk=order_id).values_list("status", flat=True).first()
    if status in (MealOrder.Status.ORDERED, MealOrder.Status.SERVED):
        return ""
    return _("The meal was cancelled before the payment arrived.")


HANDLER = PurposeHandler(
    purpose=Purpose.CANTEEN,
    due=_due,
    lock=_lock,
    paid=_paid,
    describe=describe,
    states=statuses_of(MealOrder),
    paid_not=frozenset({MealOrder.Status.CANCELLED}),
    unpaid_not=frozenset(),
)

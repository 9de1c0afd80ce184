"""The diner's own share of a meal (after the age-tier subsidy) paid beforehand through payments, online or at
the counter; a cancel before the cut-off gives it back; the company takes it once, from the fees paid in advance."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.canteen import services
from linli.canteen.models import MealOrder
from linli.canteen.selectors import orders_of_user
from linli.company.services.collect import revenue_collect
from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check
from linli.ledger.models import Unit
from linli.payments import services as payments
from linli.payments.models import Method, Payment, Purpose
from linli.payments.providers.simulated import SimulatedGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(community: Any, make_user: Any) -> Any:
    """75 years old: pays 3 yuan of a 10 yuan meal (the economic cooperative the rest)."""
    from linli.accounts.models import Role

    return make_resident(community, name="周丽君", birth=dt.date(1950, 3, 8), user=make_user(Role.RESIDENT, community))


@pytest.fixture
def order(community: Any, elder: Any) -> MealOrder:
    menu = make_menu(make_canteen_with_tarhai_rules(community), timezone.localdate() + dt.timedelta(days=1))
    return services.meal_order_create(actor=elder.user, menu=menu, resident=elder)


def prepaid(community: Any) -> int:
    account = ledger.payment_prepaid_account(community)
    account.refresh_from_db()
    return account.balance


def test_the_diner_pays_their_share_online_and_a_cancel_before_the_cut_off_refunds_it(
    elder: Any, order: MealOrder, django_capture_on_commit_callbacks: Any
) -> None:
    assert order.resident_fen == 300
    payment = payments.subject_payment_start(actor=elder.user, purpose=Purpose.CANTEEN, subject_id=order.pk)
    assert payment.amount_fen == 300  # the share after the subsidy, not the menu's price
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and prepaid(elder.community) == 300
    assert orders_of_user(user=elder.user).get(pk=order.pk).paid_fen == 300  # 我的 shows it paid
    with pytest.raises(DomainError):
        payments.subject_payment_start(actor=elder.user, purpose=Purpose.CANTEEN, subject_id=order.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.meal_order_cancel(actor=elder.user, order=order)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and prepaid(elder.community) == 0
    assert ledger_check().ok, ledger_check().problems


def test_after_the_cut_off_the_diner_cannot_cancel_and_nothing_is_refunded(
    elder: Any, order: MealOrder, django_capture_on_commit_callbacks: Any
) -> None:
    payment = payments.subject_payment_start(actor=elder.user, purpose=Purpose.CANTEEN, subject_id=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().payer_confirm(out_trade_no=payment.out_trade_no)
    cut_off = dt.datetime.combine(order.menu.day, order.menu.order_until, tzinfo=timezone.get_current_timezone())
    with pytest.raises(DomainError) as exc:
        services.meal_order_cancel(actor=elder.user, order=order, now=cut_off + dt.timedelta(minutes=1))
    assert exc.value.code == "orders_closed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_the_counter_takes_the_share_and_the_company_collects_it_once_from_the_prepaid_fees(
    elder: Any, order: MealOrder, users: dict[str, Any]
) -> None:
    payment = payments.subject_counter_take(
        actor=users["operator"], purpose=Purpose.CANTEEN, subject_id=order.pk, method=Method.SCANNED
    )
    assert payment.receipt_no and payment.amount_fen == 300
    day = order.menu.day
    services.meal_order_serve(
        actor=users["operator"],
        order=order,
        now=dt.datetime.combine(day, dt.time(11, 30), tzinfo=timezone.get_current_timezone()),
    )
    external = ledger.external_account(elder.community, Unit.FEN)
    external.refresh_from_db()
    before = external.balance
    # the meal's day is over
    menu = order.menu
    menu.day = timezone.localdate() - dt.timedelta(days=1)
    menu.save(update_fields=["day"])

    revenue_collect(community=elder.community, day=menu.day)
    revenue_collect(community=elder.community, day=menu.day)

    assert prepaid(elder.community) == 0
    external.refresh_from_db()
    assert external.balance == before  # the diner's share is not counted again as money from outside
    assert ledger_check().ok, ledger_check().problems


def test_a_meal_paid_in_one_language_reads_in_the_readers_language(
    elder: Any, order: MealOrder, users: dict[str, Any], community: Any
) -> None:
    """The payment keeps no translated word: the receipt, the cash-up and the API name the meal in the reader's
    language, whatever language the payment was made in."""
    from django.utils import translation

    with translation.override("en"):
        taken = payments.subject_counter_take(
            actor=users["operator"], purpose=Purpose.CANTEEN, subject_id=order.pk, method=Method.CASH
        )
    with translation.override("zh-hans"):
        online_order = services.meal_order_create(
            actor=elder.user, menu=make_menu(order.menu.canteen, order.menu.day + dt.timedelta(days=1)), resident=elder
        )
        online = payments.subject_payment_start(actor=elder.user, purpose=Purpose.CANTEEN, subject_id=online_order.pk)
    for payment in (taken, online):
        assert "Lunch" not in payment.description and "午餐" not in payment.description  # names and the day only

    receipt = client_for(elder.user).get(f"/payments/p/{taken.out_trade_no}/").content.decode()
    assert "午餐" in receipt and "Lunch" not in receipt
    cashup_url = f"/payments/c/{community.code}/cashup/"
    cashup = client_for(users["operator"], "en").get(cashup_url).content.decode()
    assert "Lunch" in cashup and "午餐" not in cashup
    assert "午餐" in client_for(users["operator"], "zh-hans").get(cashup_url).content.decode()
    api = client_for(elder.user, "en").get(f"/api/v1/payments/{online.out_trade_no}").json()
    assert api["description"].endswith("Lunch"), api
    api = client_for(elder.user, "zh-hans").get(f"/api/v1/payments/{taken.out_trade_no}").json()
    assert api["description"].endswith("午餐"), api

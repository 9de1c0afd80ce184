import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from linli.canteen import selectors, services
from linli.canteen.excel import statement_xlsx
from linli.canteen.models import MealCharge, MealOrder, Menu
from linli.company import services as company
from linli.company.models import Posting
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.ledger import services as ledger_services
from linli.ledger.models import Entry

pytestmark = pytest.mark.django_db


def born_years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years) - dt.timedelta(days=10)


@pytest.fixture
def day():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def canteen(community):
    return make_canteen_with_tarhai_rules(community)


@pytest.mark.parametrize(("age", "diner_pays", "coop_pays"), [(69, 1000, 0), (70, 300, 700), (80, 0, 1000)])
def test_the_canteen_charges_10_3_0_yuan_at_69_70_80(community, users, canteen, day, age, diner_pays, coop_pays):
    diner = make_resident(community, name="食客", birth=born_years_before(day, age))
    assert diner.age(day) == age
    order = services.meal_order_create(actor=users["social_worker"], menu=make_menu(canteen, day), resident=diner)
    assert (order.price_fen, order.resident_fen, order.age) == (1000, diner_pays, age)
    charges = {c.payer: c.amount_fen for c in order.charges.all()}
    assert charges["resident"] == diner_pays
    assert charges.get("economic_cooperative", 0) == coop_pays
    assert sum(charges.values()) == 1000


def test_the_age_is_taken_on_the_day_of_the_meal(community, users, canteen):
    birthday = timezone.localdate() + dt.timedelta(days=3)
    diner = make_resident(community, name="寿星", birth=birthday.replace(year=birthday.year - 70))
    before = services.quote(menu=make_menu(canteen, birthday - dt.timedelta(days=1)), resident=diner)
    on_the_day = services.quote(menu=make_menu(canteen, birthday), resident=diner)
    assert (before.resident_fen, on_the_day.resident_fen) == (1000, 300)


def test_a_free_trial_period_is_paid_by_its_funder(community, users, day):
    canteen = make_canteen_with_tarhai_rules(community, trial=(day, day + dt.timedelta(days=60)))
    young = make_resident(community, name="年轻人", birth=born_years_before(day, 40))
    order = services.meal_order_create(actor=users["social_worker"], menu=make_menu(canteen, day), resident=young)
    assert order.resident_fen == 0
    assert {c.payer: c.amount_fen for c in order.charges.all()} == {"resident": 0, "community_company": 1000}


def test_the_monthly_statement_sums_to_the_subsidies_charged(community, users, canteen):
    first = timezone.localdate() + dt.timedelta(days=1)
    desk = users["social_worker"]
    diners = [
        make_resident(community, name=f"老人{age}", birth=born_years_before(first, age), seq=age)
        for age in (65, 70, 74, 80, 91)
    ]
    orders = []
    for offset in range(3):
        menu = make_menu(canteen, first + dt.timedelta(days=offset))
        orders += [services.meal_order_create(actor=desk, menu=menu, resident=d) for d in diners]
    services.meal_order_cancel(actor=desk, order=orders[-1])  # a cancelled meal is reversed, not deleted
    charged = sum(o.subsidy_fen for o in MealOrder.objects.filter(status="ordered"))
    months = {(o.menu.day.year, o.menu.day.month) for o in orders}
    total = 0
    for year, month in months:
        statement = selectors.subsidy_statement(
            user=users["community_admin"], community=community, payer="economic_cooperative", year=year, month=month
        )
        total += statement.total_fen
        ws = load_workbook(io.BytesIO(statement_xlsx(statement))).active
        amounts = [r[5] for r in ws.iter_rows(min_row=7, values_only=True) if r[6] and str(r[6]).startswith("meal:")]
        assert round(sum(amounts) * 100) == statement.total_fen
    assert total == charged == 3 * (700 + 700 + 1000 + 1000) - 1000
    assert MealCharge.objects.filter(reverses__isnull=False).count() == 2  # the diner's 0 and the cooperative's 10 yuan


def test_statements_are_for_register_managers_and_the_street(community, users):
    for role in ("resident", "operator", "grid_steward"):
        with pytest.raises(NotAllowed):
            selectors.subsidy_statement(
                user=users[role], community=community, payer="economic_cooperative", year=2026, month=1
            )
    selectors.subsidy_statement(
        user=users["street_admin"], community=community, payer="economic_cooperative", year=2026, month=1
    )


def test_ordering_twice_after_closing_or_beyond_portions_is_refused(community, users, canteen, day):
    menu = make_menu(canteen, day, capacity=1)
    desk = users["social_worker"]
    a = make_resident(community, name="甲", seq=1)
    b = make_resident(community, name="乙", seq=2)
    services.meal_order_create(actor=desk, menu=menu, resident=a)
    with pytest.raises(Conflict):
        services.meal_order_create(actor=desk, menu=menu, resident=a)
    with pytest.raises(Conflict) as exc:
        services.meal_order_create(actor=desk, menu=menu, resident=b)
    assert exc.value.code == "sold_out"
    closed = make_menu(canteen, day + dt.timedelta(days=1))
    late = dt.datetime.combine(closed.day, dt.time(10, 30), tzinfo=timezone.get_current_timezone())
    with pytest.raises(DomainError) as exc2:
        services.meal_order_create(actor=desk, menu=closed, resident=b, now=late)
    assert exc2.value.code == "orders_closed"


def test_a_menu_in_the_past_or_with_a_negative_price_is_refused(community, users, canteen):
    desk = users["social_worker"]
    args = {"meal": "lunch", "dishes": "面", "capacity": 10, "order_until": dt.time(10)}
    with pytest.raises(DomainError):
        services.menu_create(
            actor=desk, canteen=canteen, day=timezone.localdate() - dt.timedelta(days=1), price_fen=1000, **args
        )
    with pytest.raises(DomainError) as exc:
        services.menu_create(actor=desk, canteen=canteen, day=timezone.localdate(), price_fen=-1, **args)
    assert exc.value.code == "negative_price"
    assert Menu.objects.count() == 0


def test_staff_serve_the_meal_on_its_day(community, users, canteen):
    menu = make_menu(canteen, timezone.localdate())
    diner = make_resident(community, user=users["resident"])
    early = dt.datetime.combine(menu.day, dt.time(8), tzinfo=timezone.get_current_timezone())
    order = services.meal_order_create(actor=users["resident"], menu=menu, resident=diner, now=early)
    with pytest.raises(NotAllowed):
        services.meal_order_serve(actor=users["resident"], order=order)
    for language, said in [
        ("zh-hans", "订餐只能在用餐当天取餐。"),
        ("en", "A meal order is served only on the day of the meal."),
    ]:
        with translation.override(language), pytest.raises(DomainError) as refused:
            services.meal_order_serve(actor=users["operator"], order=order, now=early - dt.timedelta(days=1))
        assert (refused.value.code, str(refused.value.message)) == ("wrong_day", said)
    services.meal_order_serve(actor=users["operator"], order=order, now=early + dt.timedelta(hours=4))
    order.refresh_from_db()
    assert order.status == "served"


def test_a_served_meal_posts_the_diners_share_and_each_funding_row_to_the_company(community, users, canteen):
    """The postings production makes: company.services.revenue_collect, once the day is over."""
    day = timezone.localdate() - dt.timedelta(days=1)
    at = dt.datetime.combine(day, dt.time(8), tzinfo=timezone.get_current_timezone())
    diner = make_resident(community, name="老人", birth=born_years_before(day, 75))
    menu = make_menu(canteen, day)
    order = services.meal_order_create(actor=users["social_worker"], menu=menu, resident=diner, now=at)
    services.meal_order_serve(actor=users["operator"], order=order, now=at + dt.timedelta(hours=4))
    collected = company.revenue_collect(community=community, day=day)
    assert (collected.postings, collected.fen) == (2, 1000)
    postings = Posting.objects.filter(community=community, day=day).order_by("source")
    assert [(p.source, p.facility, p.items, p.transaction.kind) for p in postings] == [
        ("canteen", canteen, 1, "revenue"),
        ("canteen_subsidy", canteen, 1, "subsidy"),
    ]
    cooperative = ledger_services.funding_account(community, "economic_cooperative", "fen")
    outside = ledger_services.external_account(community, "fen")
    assert Entry.objects.filter(account=cooperative).get().amount == -700
    assert Entry.objects.filter(account=outside).get().amount == -300
    assert company.company_account(community).balance == 1000
    assert company.revenue_collect(community=community, day=day).fen == 1000  # run again: nothing posted twice
    assert Posting.objects.count() == 2 and company.company_account(community).balance == 1000


def test_a_list_of_diners_is_ordered_and_served_as_one_order_each(community, users, canteen):
    """The front desk orders a care station's list at once: each diner priced and charged as if ordered alone,
    then served together; the day's collection posts them as it posts single orders."""
    from linli.audit.models import AuditEntry

    day = timezone.localdate() - dt.timedelta(days=1)
    at = dt.datetime.combine(day, dt.time(8), tzinfo=timezone.get_current_timezone())
    diners = [
        make_resident(community, name=f"老人{age}", birth=born_years_before(day, age), seq=age) for age in (65, 75, 85)
    ]
    menu = make_menu(canteen, day)
    orders = services.meal_orders_create(actor=users["social_worker"], menu=menu, residents=diners, now=at)
    assert [(o.resident_fen, o.subsidy_fen) for o in orders] == [(1000, 0), (300, 700), (0, 1000)]
    assert MealCharge.objects.filter(order__in=orders).count() == 5
    menu.refresh_from_db()
    assert menu.ordered == 3
    served = services.meal_orders_serve(actor=users["operator"], orders=orders, now=at + dt.timedelta(hours=4))
    assert {o.status for o in served} == {"served"}
    assert MealOrder.objects.filter(status="served").count() == 3
    assert AuditEntry.objects.filter(action="canteen.order_create").count() == 3
    assert AuditEntry.objects.filter(action="canteen.order_serve", community=community).count() == 3
    collected = company.revenue_collect(community=community, day=day)
    assert collected.fen == 3000
    cooperative = ledger_services.funding_account(community, "economic_cooperative", "fen")
    assert sum(Entry.objects.filter(account=cooperative).values_list("amount", flat=True)) == -1700


def test_a_list_with_one_refused_diner_orders_nobody(community, users, canteen, day):
    menu = make_menu(canteen, day, capacity=2)
    desk = users["social_worker"]
    a, b, c = (make_resident(community, name=n, seq=i) for i, n in enumerate("甲乙丙", start=1))
    services.meal_order_create(actor=desk, menu=menu, resident=a)
    with pytest.raises(Conflict) as exc:
        services.meal_orders_create(actor=desk, menu=menu, residents=[b, a])
    assert exc.value.code == "already_ordered"
    with pytest.raises(Conflict) as exc:
        services.meal_orders_create(actor=desk, menu=menu, residents=[b, c])
    assert exc.value.code == "sold_out"
    assert MealOrder.objects.count() == 1 and MealCharge.objects.filter(order__resident__in=[b, c]).count() == 0
    menu.refresh_from_db()
    assert menu.ordered == 1


def test_the_statement_writes_a_formula_diner_name_as_text(community, users, canteen):
    first = timezone.localdate() + dt.timedelta(days=1)
    payload = '=HYPERLINK("http://x","y")'
    diner = make_resident(community, name=payload, birth=born_years_before(first, 80), seq=80)
    services.meal_order_create(actor=users["social_worker"], menu=make_menu(canteen, first), resident=diner)
    statement = selectors.subsidy_statement(
        user=users["community_admin"],
        community=community,
        payer="economic_cooperative",
        year=first.year,
        month=first.month,
    )
    ws = load_workbook(io.BytesIO(statement_xlsx(statement))).active
    named = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named and all(c.data_type == "s" and c.value == "'" + payload for c in named)
    assert [c for row in ws.iter_rows() for c in row if c.data_type == "f"]  # the statement's own total stays a formula


def test_a_menu_published_by_someone_else_meanwhile_is_refused_as_a_duplicate(
    community, users, canteen, day, monkeypatch
):
    make_menu(canteen, day)
    monkeypatch.setattr(Menu.objects, "filter", lambda **_kw: Menu.objects.none())  # the other one came after the check
    with pytest.raises(Conflict) as exc:
        services.menu_create(
            actor=users["social_worker"],
            canteen=canteen,
            day=day,
            meal="lunch",
            dishes="面",
            price_fen=1000,
            capacity=10,
            order_until=dt.time(10),
        )
    assert (exc.value.code, exc.value.field, exc.value.status) == ("duplicate_menu", "meal", 409)

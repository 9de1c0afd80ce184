"""食堂设置: the community's staff change and withdraw menus (residents who ordered are asked about, told and
refunded) and set the age-tiered price rules, through the pages and the API; who may, bad input, other communities."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.canteen import services
from linli.canteen.models import MealCharge, MealOrder, Menu, PriceRule
from linli.conftest import client_for, make_resident
from linli.core.errors import ConfirmNeeded
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1/communities/shibei/canteen"


def born_years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years) - dt.timedelta(days=10)


@pytest.fixture
def day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=2)


@pytest.fixture
def canteen(community: Any) -> Any:
    return make_canteen_with_tarhai_rules(community)


@pytest.fixture
def theirs(other_community: Any, day: dt.date) -> dict[str, Any]:
    canteen = make_canteen_with_tarhai_rules(other_community)
    return {"canteen": canteen, "menu": make_menu(canteen, day), "rule": PriceRule.objects.filter(canteen=canteen)[0]}


def state() -> tuple[Any, ...]:
    """Everything the set-up writes."""
    return (
        list(Menu.objects.order_by("pk").values_list("pk", "day", "meal", "price_fen", "capacity", "withdrawn")),
        list(PriceRule.objects.order_by("pk").values_list("pk", "active", "min_age", "resident_fen")),
        list(MealOrder.objects.order_by("pk").values_list("pk", "status")),
        MealCharge.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def ordered_by_residents(community: Any, users: dict[str, Any], menu: Menu, n: int) -> list[MealOrder]:
    """n elders with accounts order the meal (the first is the `resident` test account)."""
    orders = []
    for i in range(n):
        user = users["resident"] if i == 0 else None
        elder = make_resident(community, name=f"老人{i}", birth=born_years_before(menu.day, 75), seq=30 + i, user=user)
        orders.append(services.meal_order_create(actor=users["social_worker"], menu=menu, resident=elder))
    return orders


# --- the page -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["community_admin", "social_worker", "operator"])
def test_the_front_desk_sees_the_setup_page_with_menus_and_price_rules(
    users: dict[str, Any], canteen: Any, day: dt.date, role: str
) -> None:
    make_menu(canteen, day)
    page = client_for(users[role]).get("/canteen/shibei/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "食堂设置" in html and "70岁以上" in html and "经济合作社" in html and "修改" in html
    assert ("添加价格规则" in html) == (role != "operator")  # prices are set by the register's staff


@pytest.mark.parametrize("role", ["resident", "volunteer", "merchant_staff", "street_admin"])
def test_others_are_refused_the_setup_page(users: dict[str, Any], canteen: Any, role: str) -> None:
    assert client_for(users[role]).get("/canteen/shibei/setup/").status_code == 403


def test_an_admin_adds_a_price_rule_through_the_page_and_retires_it(users: dict[str, Any], canteen: Any) -> None:
    admin = client_for(users["community_admin"])
    url = f"/canteen/shibei/canteens/{canteen.pk}/rules/new/"
    assert "经济合作社" in admin.get(url).content.decode()
    response = admin.post(
        url,
        {"label": "试运营90岁以上", "min_age": 90, "resident_pays": "0", "payer": "government_subsidy",
         "starts_on": "2030-01-01", "ends_on": "2030-03-31"},
    )  # fmt: skip
    assert response.status_code == 302
    rule = PriceRule.objects.get(label="试运营90岁以上")
    assert (rule.min_age, rule.payer, rule.ends_on, rule.active) == (
        90,
        "government_subsidy",
        dt.date(2030, 3, 31),
        True,
    )
    assert AuditEntry.objects.filter(action="canteen.price_rule_add", object_id=str(rule.pk)).exists()
    assert admin.post(f"/canteen/shibei/rules/{rule.pk}/retire/").status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    assert AuditEntry.objects.filter(action="canteen.price_rule_retire", object_id=str(rule.pk)).exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"label": "80岁以上新", "min_age": 80}, "“80岁以上”已在这些日期设定"),  # overlaps the standing 80+ rule
        ({"resident_pays": "-1"}, "确保该值大于或等于"),
        ({"min_age": 130}, "确保该值小于或等于"),
        ({"payer": "resident"}, "选择一个有效的选项"),
        ({"starts_on": "2030-03-01", "ends_on": "2030-01-01"}, "结束日期早于开始日期"),
        ({"label": "   "}, "此项必填"),
    ],
)
def test_a_bad_price_rule_shows_a_chinese_message_and_saves_nothing(
    users: dict[str, Any], canteen: Any, form: dict[str, Any], message: str
) -> None:
    data = {"label": "新规则", "min_age": 85, "resident_pays": "1", "payer": "economic_cooperative", **form}
    before = state()
    response = client_for(users["community_admin"]).post(f"/canteen/shibei/canteens/{canteen.pk}/rules/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_operators_may_not_set_prices(users: dict[str, Any], canteen: Any) -> None:
    operator = client_for(users["operator"])
    rule = PriceRule.objects.filter(canteen=canteen).first()
    before = state()
    assert operator.get(f"/canteen/shibei/canteens/{canteen.pk}/rules/new/").status_code == 403
    assert operator.post(f"/canteen/shibei/rules/{rule.pk}/retire/").status_code == 403
    assert client_for(users["operator"]).post(f"{API}/price-rules/{rule.pk}/retire").status_code == 403
    assert state() == before


def test_a_menu_change_nobody_ordered_saves_at_once(users: dict[str, Any], canteen: Any, day: dt.date) -> None:
    menu = make_menu(canteen, day)
    response = client_for(users["operator"]).post(
        f"/canteen/shibei/menus/{menu.pk}/edit/",
        {"day": day.isoformat(), "meal": "dinner", "dishes": "饺子", "price": "12.5", "capacity": 50,
         "order_until": "15:30"},
    )  # fmt: skip
    assert response.status_code == 302
    menu.refresh_from_db()
    assert (menu.meal, menu.price_fen, menu.capacity, menu.order_until) == ("dinner", 1250, 50, dt.time(15, 30))
    assert AuditEntry.objects.filter(action="canteen.menu_update", object_id=str(menu.pk)).exists()


def test_a_price_change_asks_how_many_then_cancels_refunds_and_tells_them(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    menu = make_menu(canteen, day)
    orders = ordered_by_residents(community, users, menu, 3)
    desk = client_for(users["community_admin"])
    form = {"day": day.isoformat(), "meal": "lunch", "dishes": menu.dishes, "price": "12", "capacity": 100,
            "order_until": "10:00", "reason": "菜价上涨"}  # fmt: skip
    before = state()
    asked = desk.post(f"/canteen/shibei/menus/{menu.pk}/edit/", form)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "3 位居民已订" in html and 'name="confirm_affected" value="3"' in html
    assert state() == before  # nothing changed until confirmed

    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(f"/canteen/shibei/menus/{menu.pk}/edit/", {**form, "confirm_affected": "3"})
    assert done.status_code == 302
    menu.refresh_from_db()
    assert (menu.price_fen, menu.ordered) == (1200, 0)
    assert set(MealOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert sum(MealCharge.objects.filter(order__in=orders).values_list("amount_fen", flat=True)) == 0  # reversed
    told = Notification.objects.filter(user=users["resident"], title__contains="已取消").get()
    assert told.body == "菜价上涨"
    entry = AuditEntry.objects.get(action="canteen.menu_update", object_id=str(menu.pk))
    assert entry.after["orders_cancelled"] == 3


def test_fewer_portions_than_ordered_cancels_the_latest_orders(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date
) -> None:
    menu = make_menu(canteen, day)
    orders = ordered_by_residents(community, users, menu, 3)
    args = {"day": day, "meal": "lunch", "dishes": menu.dishes, "price_fen": 1000, "order_until": dt.time(10)}
    admin = users["community_admin"]
    with pytest.raises(ConfirmNeeded) as asked:
        services.menu_update(actor=admin, menu=menu, capacity=1, **args)
    assert asked.value.details == {"affected": 2}
    with pytest.raises(ConfirmNeeded):  # a stale number is asked again
        services.menu_update(actor=admin, menu=menu, capacity=1, confirm_affected=3, **args)
    services.menu_update(actor=admin, menu=menu, capacity=1, confirm_affected=2, **args)
    statuses = [MealOrder.objects.get(pk=o.pk).status for o in orders]
    assert statuses == ["ordered", "cancelled", "cancelled"]
    menu.refresh_from_db()
    assert (menu.capacity, menu.ordered) == (1, 1)
    # more portions, or only the dishes and the cut-off: nobody is concerned, nothing asked
    services.menu_update(actor=admin, menu=menu, capacity=5, **{**args, "dishes": "面条", "order_until": dt.time(9)})
    assert MealOrder.objects.filter(status="ordered").count() == 1


def test_withdrawing_a_menu_through_the_page_cancels_its_orders_and_hides_it(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    menu = make_menu(canteen, day)
    ordered_by_residents(community, users, menu, 1)
    desk = client_for(users["operator"])
    asked = desk.post(f"/canteen/shibei/menus/{menu.pk}/withdraw/", {"reason": "停水"})
    assert asked.status_code == 200 and "1 位居民已订" in asked.content.decode()
    assert not Menu.objects.get(pk=menu.pk).withdrawn
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = desk.post(f"/canteen/shibei/menus/{menu.pk}/withdraw/", {"reason": "停水", "confirm_affected": 1})
    assert confirmed.status_code == 302
    menu.refresh_from_db()
    assert menu.withdrawn and menu.ordered == 0
    assert Notification.objects.filter(user=users["resident"], title__contains="撤下").exists()
    assert f'data-testid="menu-{menu.pk}"' not in client_for(users["resident"]).get("/canteen/shibei/").content.decode()
    assert client_for(users["resident"]).post(f"/canteen/shibei/menus/{menu.pk}/order/").status_code == 302
    assert MealOrder.objects.filter(status="ordered").count() == 0
    # the meal can be published anew
    services.menu_create(actor=users["operator"], canteen=canteen, day=day, meal="lunch", dishes="面", price_fen=800,
                         capacity=10, order_until=dt.time(10))  # fmt: skip


def test_a_bad_menu_change_shows_a_message_and_saves_nothing(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date
) -> None:
    menu = make_menu(canteen, day)
    make_menu(canteen, day + dt.timedelta(days=1))
    desk = client_for(users["operator"])
    good = {"day": day.isoformat(), "meal": "lunch", "dishes": "面", "price": "10", "capacity": 10,
            "order_until": "10:00"}  # fmt: skip
    before = state()
    for change, message in [
        ({"day": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, "不能为过去的日期发布菜单"),
        ({"price": "-1"}, "确保该值大于或等于"),
        ({"capacity": "0"}, "确保该值大于或等于"),
        ({"dishes": ""}, "此项必填"),
        ({"day": (day + dt.timedelta(days=1)).isoformat()}, "此餐次已有菜单"),
    ]:
        response = desk.post(f"/canteen/shibei/menus/{menu.pk}/edit/", {**good, **change})
        assert response.status_code == 200 and message in response.content.decode(), change
    assert state() == before


def test_another_communitys_menus_and_rules_are_404(
    users: dict[str, Any], canteen: Any, theirs: dict[str, Any]
) -> None:
    admin = client_for(users["community_admin"])
    before = state()
    menu, rule, other = theirs["menu"], theirs["rule"], theirs["canteen"]
    assert admin.get(f"/canteen/shibei/menus/{menu.pk}/edit/").status_code == 404
    assert admin.post(f"/canteen/shibei/menus/{menu.pk}/withdraw/", {"confirm_affected": 0}).status_code == 404
    assert admin.get(f"/canteen/shibei/canteens/{other.pk}/rules/new/").status_code == 404
    assert admin.post(f"/canteen/shibei/rules/{rule.pk}/retire/").status_code == 404
    assert admin.patch(f"{API}/menus/{menu.pk}", {"price_fen": 1}, content_type="application/json").status_code == 404
    assert admin.post(f"{API}/menus/{menu.pk}/withdraw", {}, content_type="application/json").status_code == 404
    assert admin.get(f"{API}/canteens/{other.pk}/price-rules").status_code == 404
    added = admin.post(
        f"{API}/canteens/{other.pk}/price-rules",
        {"label": "x", "resident_fen": 0, "payer": "economic_cooperative", "min_age": 95},
        content_type="application/json",
    )
    assert added.status_code == 404
    assert admin.post(f"{API}/price-rules/{rule.pk}/retire").status_code == 404
    assert admin.get("/canteen/limin/setup/").status_code == 404
    assert state() == before
    assert "利民" not in admin.get("/canteen/shibei/setup/").content.decode()


# --- the API --------------------------------------------------------------------------------------------------


def test_price_rules_through_the_api(users: dict[str, Any], canteen: Any) -> None:
    admin = client_for(users["community_admin"])
    url = f"{API}/canteens/{canteen.pk}/price-rules"
    assert [r["label"] for r in admin.get(url).json()] == ["70岁以上", "80岁以上"]
    rule = {"label": "街道试点", "min_age": 80, "resident_fen": 100, "payer": "government_subsidy"}
    refused = admin.post(url, rule, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "overlapping_rule"
    assert "80岁以上" in refused.json()["error"]["message"]
    dated = {**rule, "starts_on": "2030-01-01", "ends_on": "2030-12-31", "min_age": 90}
    created = admin.post(url, dated, content_type="application/json")
    assert created.status_code == 201 and created.json()["payer"] == "government_subsidy"
    again = admin.post(url, {**dated, "starts_on": "2030-12-31", "ends_on": None}, content_type="application/json")
    assert again.status_code == 409
    later = admin.post(url, {**dated, "starts_on": "2031-01-01", "ends_on": None}, content_type="application/json")
    assert later.status_code == 201  # the day after the trial: no overlap
    bad = admin.post(url, {**rule, "resident_fen": -5}, content_type="application/json")
    assert bad.status_code == 422
    retired = admin.post(f"{API}/price-rules/{created.json()['id']}/retire")
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert admin.post(f"{API}/price-rules/{created.json()['id']}/retire").status_code == 400
    for role in ("resident", "operator", "volunteer"):
        assert client_for(users[role]).post(url, dated, content_type="application/json").status_code == 403


def test_a_menu_change_through_the_api_needs_the_number_confirmed(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date
) -> None:
    menu = make_menu(canteen, day)
    ordered_by_residents(community, users, menu, 2)
    api = client_for(users["operator"])
    asked = api.patch(f"{API}/menus/{menu.pk}", {"price_fen": 800}, content_type="application/json")
    assert asked.status_code == 409
    assert asked.json()["error"]["code"] == "confirm_needed" and asked.json()["error"]["details"] == {"affected": 2}
    done = api.patch(
        f"{API}/menus/{menu.pk}", {"price_fen": 800, "confirm_affected": 2, "reason": "降价"},
        content_type="application/json",
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["price_fen"] == 800 and done.json()["ordered"] == 0
    listed = api.get(f"{API}/canteens/{canteen.pk}/menus").json()
    assert [(m["id"], m["withdrawn"]) for m in listed] == [(menu.pk, False)]
    unchanged = api.patch(
        f"{API}/menus/{menu.pk}", {"dishes": "粥", "price_fen": None}, content_type="application/json"
    )
    assert (
        unchanged.status_code == 200 and unchanged.json()["dishes"] == ["粥"] and unchanged.json()["price_fen"] == 800
    )
    assert api.post(f"{API}/menus/{menu.pk}/withdraw", {}, content_type="application/json").json()["withdrawn"]
    for role in ("resident", "volunteer"):
        response = client_for(users[role]).patch(
            f"{API}/menus/{menu.pk}", {"dishes": "x"}, content_type="application/json"
        )
        assert response.status_code == 403


def test_served_meals_keep_their_menu(community: Any, users: dict[str, Any], canteen: Any) -> None:
    today = timezone.localdate()
    menu = make_menu(canteen, today)
    early = dt.datetime.combine(today, dt.time(0, 1), tzinfo=timezone.get_current_timezone())
    elder = make_resident(community, name="老人", birth=born_years_before(today, 75), seq=9)
    order = services.meal_order_create(actor=users["operator"], menu=menu, resident=elder, now=early)
    services.meal_order_serve(actor=users["operator"], order=order, now=early)
    api = client_for(users["operator"])
    before = state()
    assert api.patch(f"{API}/menus/{menu.pk}", {"price_fen": 1}, content_type="application/json").status_code == 400
    assert api.post(f"{API}/menus/{menu.pk}/withdraw", {}, content_type="application/json").status_code == 400
    assert state() == before


def test_a_cut_off_time_with_a_time_zone_is_refused_in_the_users_language(
    users: dict[str, Any], canteen: Any, day: dt.date
) -> None:
    menu = make_menu(canteen, day)
    before = (menu.order_until, menu.price_fen)
    for language, text in (("zh-hans", "不带时区"), ("en", "without a time zone")):
        response = client_for(users["community_admin"], language).patch(
            f"{API}/menus/{menu.pk}", {"order_until": "12:00:00Z"}, content_type="application/json"
        )
        assert response.status_code == 422, response.content
        assert text in response.json()["error"]["message"]
    menu.refresh_from_db()
    assert (menu.order_until, menu.price_fen) == before


def test_the_street_and_a_charity_can_pay_the_rest_of_a_meal(users: Any, canteen: Any) -> None:
    from linli.canteen.models import Payer
    from linli.ledger.codes import FundingCode

    assert {p.value for p in Payer} - {"resident"} == set(FundingCode.values)
    admin = client_for(users["community_admin"], "zh-hans")
    url = f"/canteen/shibei/canteens/{canteen.pk}/rules/new/"
    page = admin.get(url).content.decode()
    assert all(name in page for name in ("经济合作社", "街道", "慈善"))
    assert "Sub-district" not in page and "Charity" not in page
    for label, payer in [("街道补贴90岁以上", "street"), ("慈善助餐95岁以上", "charity")]:
        age = 90 if payer == "street" else 95
        r = admin.post(url, {"label": label, "min_age": age, "resident_pays": "0", "payer": payer})
        assert r.status_code == 302, r.content.decode()[:500]
        assert PriceRule.objects.get(label=label).payer == payer


# --- serving hours ------------------------------------------------------------------------------------------------


def test_serving_hours_are_set_on_the_page_and_shown_to_residents(users: dict[str, Any], canteen: Any, day: dt.date):
    desk = client_for(users["operator"])
    form = {"canteen": canteen.pk, "day": day.isoformat(), "meal": "lunch", "dishes": "红烧肉\n青菜", "price": "10",
            "capacity": 80, "order_until": "09:30", "serve_from": "11:00", "serve_until": "12:30"}  # fmt: skip
    assert desk.post("/canteen/shibei/menus/new/", form).status_code == 302
    menu = Menu.objects.get(canteen=canteen, day=day)
    assert (menu.serve_from, menu.serve_until, menu.serving) == (dt.time(11), dt.time(12, 30), "11:00–12:30")
    assert "11:00–12:30" in desk.get("/canteen/shibei/setup/").content.decode()
    make_resident(menu.community, name="老人", birth=born_years_before(day, 75), user=users["resident"])
    shown = client_for(users["resident"]).get("/canteen/shibei/").content.decode()
    assert "供餐时间 11:00–12:30" in shown


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        ({"serve_from": "11:00", "serve_until": ""}, "serve_until", "请同时填写供餐开始和结束时间"),
        ({"serve_from": "12:30", "serve_until": "11:00"}, "serve_until", "供餐结束时间须晚于开始时间"),
        ({"order_until": "13:00", "serve_from": "11:00", "serve_until": "12:30"}, "order_until", "订餐截止时间须早于"),
    ],
)
def test_serving_hours_that_cannot_be_are_refused_with_nothing_saved(
    users: dict[str, Any], canteen: Any, day: dt.date, times: dict[str, str], field: str, message: str
) -> None:
    form = {"canteen": canteen.pk, "day": day.isoformat(), "meal": "lunch", "dishes": "面", "price": "8",
            "capacity": 50, "order_until": "09:30", **times}  # fmt: skip
    before = state()
    page = client_for(users["operator"]).post("/canteen/shibei/menus/new/", form)
    assert page.status_code == 200 and message in page.content.decode()
    assert state() == before
    api = client_for(users["operator"]).post(
        f"{API}/menus",
        {"canteen_id": canteen.pk, "day": day.isoformat(), "dishes": "面", "price_fen": 800, "capacity": 50,
         **{k: v or None for k, v in times.items()}},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 400 and field in api.json()["error"]["fields"]
    assert state() == before


def test_a_new_serving_time_asks_then_keeps_the_orders_and_tells_each_diner(
    community: Any, users: dict[str, Any], canteen: Any, day: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    menu = make_menu(canteen, day)
    orders = ordered_by_residents(community, users, menu, 2)
    api = client_for(users["operator"])
    change = {"serve_from": "11:30", "serve_until": "13:00", "reason": "厨房检修，推迟供餐"}
    asked = api.patch(f"{API}/menus/{menu.pk}", change, content_type="application/json")
    assert asked.status_code == 409 and asked.json()["error"]["details"] == {"affected": 2}
    assert "订单保留" in asked.json()["error"]["message"]
    menu.refresh_from_db()
    assert menu.serve_from is None
    with django_capture_on_commit_callbacks(execute=True):
        done = api.patch(f"{API}/menus/{menu.pk}", {**change, "confirm_affected": 2}, content_type="application/json")
    assert done.status_code == 200 and (done.json()["serve_from"], done.json()["serve_until"]) == (
        "11:30:00",
        "13:00:00",
    )
    assert set(MealOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)) == {"ordered"}
    told = Notification.objects.get(user=users["resident"], title__contains="供餐时间调整为 11:30–13:00")
    assert told.body == "厨房检修，推迟供餐"
    entry = AuditEntry.objects.filter(action="canteen.menu_update", object_id=str(menu.pk)).latest("pk")
    assert (entry.after["orders_cancelled"], entry.after["told_new_time"]) == (0, 2)
    # leaving the times out keeps them; null clears them (nobody is told of a time that is no longer given)
    kept = api.patch(f"{API}/menus/{menu.pk}", {"dishes": "粥"}, content_type="application/json").json()
    assert kept["serve_from"] == "11:30:00"
    cleared = api.patch(
        f"{API}/menus/{menu.pk}", {"serve_from": None, "serve_until": None}, content_type="application/json"
    ).json()
    assert cleared["serve_from"] is None and cleared["serve_until"] is None

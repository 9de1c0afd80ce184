"""The residents' menu page (issue #23): a constant number of queries however many menus and household members,
meals already ordered marked, no ordering after the cut-off."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.canteen import services
from linli.conftest import client_for, make_resident
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.people.models import Resident

pytestmark = pytest.mark.django_db


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "language, line, button",
    [
        ("zh-hans", "家人&lt;b&gt; (20 岁)", "为家人&lt;b&gt;订餐"),
        ("en", "家人&lt;b&gt; (20 years)", "Order for 家人&lt;b&gt;"),
    ],
)
def test_each_diner_is_named_with_their_age_on_the_menus_day(
    community: Any, users: dict[str, Any], language: str, line: str, button: str
) -> None:
    canteen = make_canteen_with_tarhai_rules(community)
    make_resident(community, name="周丽君", birth=dt.date(1950, 3, 8), user=users["resident"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = tomorrow + dt.timedelta(days=1)
    make_resident(community, name="家人<b>", birth=later.replace(year=later.year - 20), seq=2)
    make_menu(canteen, tomorrow)
    make_menu(canteen, later)
    page = client_for(users["resident"], language).get("/canteen/shibei/").content.decode()
    assert page.count(f"{line}:") == 1  # 19 tomorrow, 20 on the day after
    assert page.count(button) == 2 and "家人<b>" not in page


def test_the_menu_page_costs_the_same_queries_for_more_menus_and_a_bigger_household(
    community: Any, users: dict[str, Any]
) -> None:
    canteen = make_canteen_with_tarhai_rules(community, trial=(dt.date(2020, 1, 1), dt.date(2020, 2, 1)))
    me = make_resident(community, name="周丽君", birth=dt.date(1950, 3, 8), user=users["resident"])
    first = timezone.localdate() + dt.timedelta(days=1)
    make_menu(canteen, first)
    client = client_for(users["resident"])
    client.get("/canteen/shibei/")  # sessions, caches warmed
    small = queries_for(client, "/canteen/shibei/")

    for offset in range(1, 6):
        make_menu(canteen, first + dt.timedelta(days=offset))
    for seq in range(2, 6):  # four more members of the household, of all ages
        make_resident(community, name=f"家人{seq}", birth=dt.date(1940 + seq * 10, 1, 1), seq=seq)
    assert Resident.objects.filter(household=me.household).count() == 5
    page = client.get("/canteen/shibei/").content.decode()
    assert page.count("为家人5订餐") == 6  # six menus, each priced for every member
    large = queries_for(client, "/canteen/shibei/")
    assert large == small, f"{small} queries for 1 menu × 1 diner, {large} for 6 × 5"

    api = client_for(users["resident"])
    api.get("/api/v1/communities/shibei/canteen/menus")
    with CaptureQueriesContext(connection) as captured:
        menus = api.get("/api/v1/communities/shibei/canteen/menus").json()
    assert len(menus) == 6 and all(len(m["quotes"]) == 5 for m in menus)
    assert len(captured.captured_queries) <= small


def test_the_page_prices_like_the_service(community: Any, users: dict[str, Any]) -> None:
    canteen = make_canteen_with_tarhai_rules(community)
    day = timezone.localdate() + dt.timedelta(days=1)
    menu = make_menu(canteen, day)
    make_resident(community, name="周丽君", birth=day.replace(year=day.year - 82), user=users["resident"])
    make_resident(community, name="王伯", birth=day.replace(year=day.year - 72), seq=2)
    make_resident(community, name="小周", birth=day.replace(year=day.year - 30), seq=3)
    quotes = client_for(users["resident"]).get("/api/v1/communities/shibei/canteen/menus").json()[0]["quotes"]
    assert {q["name"]: (q["resident_fen"], q["payer"], q["rule"]) for q in quotes} == {
        "周丽君": (0, "economic_cooperative", "80岁以上"),
        "王伯": (300, "economic_cooperative", "70岁以上"),
        "小周": (1000, "resident", None),
    }
    for resident in Resident.objects.all():  # the same answer as one rule query per diner
        assert services.quote(menu=menu, resident=resident).resident_fen == next(
            q["resident_fen"] for q in quotes if q["name"] == resident.name
        )


def test_meals_already_ordered_are_marked_and_closed_meals_offer_no_ordering(
    community: Any, users: dict[str, Any]
) -> None:
    canteen = make_canteen_with_tarhai_rules(community)
    me = make_resident(community, name="周丽君", birth=dt.date(1950, 3, 8), user=users["resident"])
    tomorrow = make_menu(canteen, timezone.localdate() + dt.timedelta(days=1))
    later = make_menu(canteen, timezone.localdate() + dt.timedelta(days=2))
    today = make_menu(canteen, timezone.localdate())
    today.order_until = dt.time(0, 0)  # closed since midnight
    today.save()
    services.meal_order_create(actor=users["resident"], menu=tomorrow, resident=me)
    page = client_for(users["resident"]).get("/canteen/shibei/").content.decode()
    assert f'data-testid="ordered-{tomorrow.pk}-{me.pk}"' in page
    assert f'data-testid="ordered-{later.pk}-{me.pk}"' not in page
    today_card = page.split(f'data-testid="menu-{today.pk}"')[1].split("</section>")[0]
    assert "已截止" in today_card and "为周丽君订餐" not in today_card
    later_card = page.split(f'data-testid="menu-{later.pk}"')[1].split("</section>")[0]
    assert "已截止" not in later_card and "为周丽君订餐" in later_card
    menus = {m["id"]: m for m in client_for(users["resident"]).get("/api/v1/communities/shibei/canteen/menus").json()}
    assert menus[today.pk]["closed"] and not menus[later.pk]["closed"]
    assert menus[tomorrow.pk]["quotes"][0]["ordered"] and not menus[later.pk]["quotes"][0]["ordered"]

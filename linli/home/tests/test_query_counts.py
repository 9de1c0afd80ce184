"""Query counts of the pages residents and staff open most (issue #23), pinned: each page is read with one row of
what it lists and again with several, and must cost the same number of queries (no N+1), within a ceiling."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.people.models import Resident

pytestmark = pytest.mark.django_db

# The most each page may cost (sessions, the user, roles, the header's links and the page's own reads).
CEILINGS = {
    "/": 13,
    "/accounts/me/": 20,
    "/ledger/shop/": 20,
    "/services/my/": 35,
    "/reports/mine/": 12,
    "facility": 25,
    "/workbench/": 40,
    "/open311/v2/requests.json": 5,
    "/cockpit/communities/shibei/": 13,
}


def cost(client: Client, url: str, assert_max: Any, ceiling: str = "") -> int:
    """Queries of one request of `url` (after a first one that warms the session and the caches), within its ceiling."""
    assert client.get(url).status_code == 200
    with assert_max(CEILINGS[ceiling or url]) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _today_at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


@pytest.fixture
def me(community: Any, make_user: Any) -> Resident:
    return make_resident(
        community, name="钱阿姨", birth=dt.date(1950, 7, 9), seq=5, user=make_user(Role.RESIDENT, community)
    )


@pytest.fixture
def day(community: Any) -> dict[str, Any]:
    """Today's menu, today's bookable service and a report category: what the resident's rows are made of."""
    from linli.courses.models import Term
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_facility, make_menu, make_service
    from linli.reports.models import Category

    today = timezone.localdate()
    return {
        "menu": make_menu(make_canteen_with_tarhai_rules(community), today),
        "service": make_service(make_facility(community, code="hall")),
        "category": Category.objects.create(community=community, code="lamp", name="路灯不亮"),
        "term": Term.objects.create(
            community=community, name="秋季", starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(30)
        ),
    }


def add_household_rows(me: Resident, day: dict[str, Any], first: int, last: int) -> None:
    """Household members `first`..`last - 1`, each with a meal today, a booking today, a class today and a resolved
    report of the resident's waiting for a rating."""
    from linli.canteen.services import meal_order_create
    from linli.courses.models import Course, Enrolment, Session
    from linli.facilities.services import booking_create
    from linli.facilities.tests.factories import make_slot
    from linli.reports.models import Report

    for seq in range(first, last):
        member = (
            me
            if seq == 0
            else make_resident(me.community, name=f"家人{seq}", birth=dt.date(1945, 1, seq), seq=10 + seq)
        )
        meal_order_create(actor=me.user, menu=day["menu"], resident=member, now=_today_at(0, 1))
        slot = make_slot(day["service"], starts_at=_today_at(23, 0) - dt.timedelta(minutes=seq))
        booking_create(actor=me.user, slot=slot, resident=member, now=_today_at(0, 1))
        course = Course.objects.create(
            community=me.community,
            term=day["term"],
            facility=day["service"].facility,
            title=f"书法{seq}",
            audience="elderly",
            seats=20,
        )
        Session.objects.create(course=course, starts_at=_today_at(22, seq), ends_at=_today_at(23, 30))
        Enrolment.objects.create(
            community=me.community, course=course, resident=member, status="enrolled", created_at=timezone.now()
        )
        Report.objects.create(
            community=me.community,
            category=day["category"],
            description=f"路灯坏了 {seq}",
            reporter=me.user,
            status=Report.Status.RESOLVED,
            created_at=timezone.now(),
            updated_at=timezone.now(),
            token=f"t-pin-{seq}",
            address="文一路 1 号",
        )


def test_the_residents_pages_cost_the_same_for_one_row_and_several(me, day, django_assert_max_num_queries):
    client = client_for(me.user)
    add_household_rows(me, day, 0, 1)
    urls = ["/", "/accounts/me/", "/services/my/", "/reports/mine/"]
    one = {url: cost(client, url, django_assert_max_num_queries) for url in urls}
    home = client.get("/").content.decode()
    assert home.count('data-testid="due-meal"') == 1 and home.count('data-testid="due-booking"') == 1
    assert home.count('data-testid="due-class"') == 1 and "22:00" in home

    add_household_rows(me, day, 1, 5)
    several = {url: cost(client, url, django_assert_max_num_queries) for url in urls}
    home = client.get("/").content.decode()
    assert home.count('data-testid="due-meal"') == 5 and home.count('data-testid="due-class"') == 5
    assert home.count('data-testid="due-booking"') == 2  # the list stops at twelve items
    assert several == one


def test_the_shop_costs_the_same_for_one_product_and_several(community, users, django_assert_max_num_queries):
    from linli.ledger.models import Merchant, Product

    make_resident(community, name="周丽君", seq=7, user=users["resident"])
    client = client_for(users["resident"])
    merchants = [
        Merchant.objects.create(
            community=community, name=f"小北鲜市{i}", status=Merchant.Status.APPROVED, applied_at=timezone.now()
        )
        for i in range(3)
    ]
    Product.objects.create(merchant=merchants[0], community=community, name="青菜一把", price_points=10, stock=9)
    one = cost(client, "/ledger/shop/", django_assert_max_num_queries)
    for i in range(8):
        merchant = merchants[i % 3]
        Product.objects.create(merchant=merchant, community=community, name=f"商品{i}", price_points=5 + i, stock=9)
    several = cost(client, "/ledger/shop/", django_assert_max_num_queries)
    assert client.get("/ledger/shop/").content.decode().count("商品") >= 8
    assert several == one


def test_the_workbench_and_open311_cost_the_same_for_one_report_and_several(
    community, users, django_assert_max_num_queries
):
    from linli.places.models import Grid
    from linli.reports import services
    from linli.reports.models import Category, Report

    steward = users["grid_steward"]
    Grid.objects.filter(community=community, code="G1").update(steward=steward)
    lamp = Category.objects.create(community=community, code="001", name="路灯不亮")
    centre = (community.centre_lat, community.centre_lng)

    def submit(n: int) -> None:
        for i in range(n):
            services.report_submit(
                actor=None,
                community=community,
                category=lamp,
                description=f"#{i}",
                lat=centre[0],
                lng=centre[1],
                source=Report.Source.OPEN311,
            )

    staff, public = client_for(steward), Client(HTTP_ACCEPT_LANGUAGE="en")
    submit(1)
    one = (
        cost(staff, "/workbench/", django_assert_max_num_queries),
        cost(public, "/open311/v2/requests.json", django_assert_max_num_queries),
    )
    submit(6)
    several = (
        cost(staff, "/workbench/", django_assert_max_num_queries),
        cost(public, "/open311/v2/requests.json", django_assert_max_num_queries),
    )
    assert len(public.get("/open311/v2/requests.json").json()) == 7
    assert several == one


def test_the_community_cockpit_costs_the_same_for_a_few_residents_and_many(
    community, users, django_assert_max_num_queries
):
    from linli.cockpit import services
    from linli.cockpit.services import month_start

    client = client_for(users["community_admin"])
    month = month_start(timezone.localdate())
    make_resident(community, name="甲", seq=2)
    services.snapshot_refresh(community=community, month=month)
    one = cost(client, "/cockpit/communities/shibei/", django_assert_max_num_queries)
    for seq in range(3, 23):
        make_resident(community, name=f"居民{seq}", birth=dt.date(1930 + seq * 3, 1, 1), seq=seq)
    services.snapshot_refresh(community=community, month=month)
    several = cost(client, "/cockpit/communities/shibei/", django_assert_max_num_queries)
    assert several == one


def test_a_facility_page_costs_the_same_for_one_bookable_service_and_several(
    me, community, django_assert_max_num_queries
):
    """Each service's days and the shown day's slots are read for all services at once."""
    from linli.facilities.tests.factories import make_facility, make_service, make_slot

    facility = make_facility(community, code="hall")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    def offer(name: str) -> None:
        service = make_service(facility, name=name)
        for hour in (9, 10):
            make_slot(service, starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(hour))))
        make_slot(service, starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9))) + dt.timedelta(3))

    client, url = client_for(me.user), f"/services/{community.code}/facilities/{facility.pk}/"
    offer("自习室座位")
    one = cost(client, url, django_assert_max_num_queries, "facility")
    for name in ("乒乓球台", "会议室", "舞蹈房"):
        offer(name)
    several = cost(client, url, django_assert_max_num_queries, "facility")
    page = client.get(url).content.decode()
    assert page.count('class="slot"') == 8  # each service's first day: two times each
    assert page.count("/book/") == 8 and page.count("?date=") == 8  # two days for each service
    assert several == one
    chosen = client.get(f"{url}?date={(tomorrow + dt.timedelta(3)).isoformat()}").content.decode()
    assert chosen.count('class="slot"') == 4  # the day chosen, for every service

"""“My bookings” (/services/my/) is read lean: its four lists cost the same number of queries for one
row each and for many, whoever made the rows (the resident, a household member, the front desk), and each line
still shows whom it is for and who made it."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.people.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(community: Any, make_user: Any) -> Resident:
    return make_resident(
        community, name="钱阿姨", birth=dt.date(1950, 7, 9), seq=5, user=make_user(Role.RESIDENT, community)
    )


@pytest.fixture
def setting(community: Any, users: Any) -> dict[str, Any]:
    from linli.childcare.models import AgeGroup
    from linli.courses.models import Term
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_facility, make_menu, make_service

    today = timezone.localdate()
    hall = make_facility(community, code="hall")
    return {
        "menu": make_canteen_with_tarhai_rules(community),
        "service": make_service(hall),
        "hall": hall,
        "term": Term.objects.create(
            community=community, name="秋季", starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(30)
        ),
        "group": AgeGroup.objects.create(
            community=community, facility=hall, name="托小班", min_months=12, max_months=36, places=30
        ),
        "desk": users["community_admin"],
        "make_menu": make_menu,
    }


def add_rows(me: Resident, setting: dict[str, Any], first: int, last: int) -> None:
    """Members `first`..`last - 1` of the household: each a meal (ordered by me), a booking (made at the front
    desk), a class (enrolled by me) and a childcare application (made by me)."""
    from linli.canteen.services import meal_order_create
    from linli.childcare.models import Application
    from linli.courses.models import Course, Enrolment
    from linli.facilities.models import Booking
    from linli.facilities.tests.factories import make_slot

    now = timezone.now()
    for seq in range(first, last):
        member = make_resident(me.community, name=f"家人{seq}", birth=dt.date(2024, 1, 1 + seq), seq=20 + seq)
        menu = setting["make_menu"](setting["menu"], timezone.localdate() + dt.timedelta(days=1 + seq))
        meal_order_create(actor=me.user, menu=menu, resident=member, now=now)
        Booking.objects.create(
            community=me.community,
            slot=make_slot(setting["service"], starts_at=now + dt.timedelta(days=1, hours=seq)),
            resident=member,
            booked_by=setting["desk"],
            status=Booking.Status.CONFIRMED,
            created_at=now,
        )
        course = Course.objects.create(
            community=me.community,
            term=setting["term"],
            facility=setting["hall"],
            title=f"书法{seq}",
            audience="elderly",
            seats=20,
        )
        Enrolment.objects.create(
            community=me.community,
            course=course,
            resident=member,
            enrolled_by=me.user,
            status="enrolled",
            created_at=now,
        )
        Application.objects.create(
            community=me.community,
            group=setting["group"],
            child=member,
            applied_by=me.user,
            start_on=timezone.localdate(),
            created_at=now,
        )


def test_my_bookings_cost_the_same_for_one_row_of_each_list_and_many(
    me, setting, django_assert_max_num_queries, django_assert_num_queries
):
    from linli.courses.models import Course, Enrolment

    setting["desk"].display_name = "前台小王"
    setting["desk"].save(update_fields=["display_name"])
    me.user.display_name = "钱老师"
    me.user.save(update_fields=["display_name"])
    staff_course = Course.objects.create(
        community=me.community,
        term=setting["term"],
        facility=setting["hall"],
        title="员工太极",
        audience="elderly",
        seats=5,
    )
    Enrolment.objects.create(  # the user's own, as staff: no resident, the learner is the account
        community=me.community, course=staff_course, staff=me.user, status="enrolled", created_at=timezone.now()
    )
    client = client_for(me.user)
    add_rows(me, setting, 1, 2)
    assert client.get("/services/my/").status_code == 200  # warms the session and the caches
    with django_assert_max_num_queries(20) as one:
        page = client.get("/services/my/").content.decode()
    assert page.count('data-testid="by-for"') == 4  # each list's row was made for 家人1 by someone else
    assert page.count("家人1") == 4 * 2  # whom it is for, and in "by … for 家人1"

    cost_of_one = len(one)
    add_rows(me, setting, 2, 9)
    client.get("/services/my/")  # new residents: the header is read again, once
    with django_assert_num_queries(cost_of_one):
        page = client.get("/services/my/").content.decode()
    for seq in range(1, 9):
        assert page.count(f"家人{seq}") == 4 * 2  # … in each list: whom it is for, and in "by … for 家人{seq}"
    assert page.count('data-testid="by-for"') == 4 * 8
    assert page.count(f"由 {me.name} 为") == 3 * 8  # the meals, classes and applications: by me
    assert page.count("由 前台小王 为") == 8  # the bookings: by the front desk, an account outside the household
    assert "员工太极</strong>" in page and "钱老师" in page  # the staff enrolment, its learner the account


def test_my_bookings_show_each_line_its_day_and_a_pay_link_only_where_a_fee_awaits(me, setting):
    from linli.facilities.models import Booking
    from linli.facilities.tests.factories import make_slot

    starts = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) + dt.timedelta(days=2)
    lines = {}
    for hour, status in ((0, Booking.Status.UNPAID), (2, Booking.Status.CONFIRMED)):
        lines[status] = Booking.objects.create(
            community=me.community,
            slot=make_slot(setting["service"], starts_at=starts + dt.timedelta(hours=hour)),
            resident=me,
            booked_by=me.user,
            status=status,
            price_fen=500,
            pay_by=starts - dt.timedelta(hours=1),
            created_at=timezone.now(),
        )
    page = client_for(me.user).get("/services/my/").content.decode()
    weekday = "一二三四五六日"[starts.weekday()]
    assert f"<strong>{starts:%m-%d} 周{weekday} 09:30</strong>" in page
    assert f"<strong>{starts:%m-%d} 周{weekday} 11:30</strong>" in page
    unpaid, confirmed = lines[Booking.Status.UNPAID].pk, lines[Booking.Status.CONFIRMED].pk
    assert f'href="/payments/for/booking/{unpaid}/" data-testid="pay-booking-{unpaid}"' in page
    assert f"pay-booking-{confirmed}" not in page
    assert "由" not in page.split(f'data-testid="booking-{unpaid}"')[1].split("</li>")[0]  # made by me, for me

"""A resident orders a canteen meal and enrols in a class; staff serve the meal and check the learner in."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen.models import MealOrder
from linli.conftest import browser_login, make_resident, screenshot
from linli.courses.models import Attendance, Session

from .factories import make_canteen_with_tarhai_rules, make_course, make_facility, make_menu, make_service, make_slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_books_a_meal_and_a_class_and_staff_check_them_in(page, community, make_user):
    resident_user = make_user(Role.RESIDENT, community, display_name="周丽君")
    staff = make_user(Role.SOCIAL_WORKER, community, display_name="李静")
    me = make_resident(community, name="周丽君", birth=dt.date(1950, 3, 8), user=resident_user)
    canteen = make_canteen_with_tarhai_rules(community)
    menu = make_menu(canteen, timezone.localdate())
    menu.order_until = dt.time(23, 59)
    menu.save()
    make_slot(
        make_service(make_facility(community, "hub", name="喜柿天地"), name="爱心理发", kind="barber", price_fen=1500)
    )
    course = make_course(community, seats=20, schedule="每周一 09:00", teacher="王老师")
    now = timezone.localtime()
    session = Session.objects.create(course=course, starts_at=now, ends_at=now + dt.timedelta(minutes=1))

    browser_login(page, resident_user.mobile)
    page.goto(page.base_url + "/services/shibei/")
    screenshot(page, "facilities-browse")
    page.goto(page.base_url + "/services/shibei/?view=map")
    screenshot(page, "facilities-map")
    page.goto(page.base_url + "/canteen/shibei/")
    assert "¥3" in page.inner_text(f"[data-testid=menu-{menu.pk}]")  # 76 years old: pays 3 yuan
    screenshot(page, "facilities-canteen")
    page.click(f"[data-testid=menu-{menu.pk}] button")
    page.wait_for_load_state()
    assert "/services/my/" in page.url
    order = MealOrder.objects.get(resident=me)
    assert (order.resident_fen, order.status) == (300, "ordered")

    page.goto(page.base_url + "/courses/shibei/")
    page.click(f"[data-testid=course-{course.pk}] button")
    page.wait_for_load_state()
    enrolment = me.enrolments.get()
    assert enrolment.status == "enrolled"
    assert "书法" in page.inner_text(f"[data-testid=enrolment-{enrolment.pk}]")
    screenshot(page, "facilities-my-bookings")
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    screenshot(page, "facilities-my-bookings-elder")
    page.click("[data-testid=elder-off]")
    page.wait_for_load_state()
    page.goto(page.base_url + "/accounts/me/")  # on a phone, logging out is on 我的
    page.click("[data-testid=me-logout]")
    page.wait_for_load_state()

    browser_login(page, staff.mobile)
    page.goto(page.base_url + "/canteen/shibei/counter/")
    page.click(f"[data-testid=counter-order-{order.pk}] button")
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "served" and order.served_by == staff
    screenshot(page, "facilities-canteen-counter")
    page.goto(page.base_url + "/courses/shibei/attendance/")
    page.click(f"[data-testid=roster-{enrolment.pk}] button")
    page.wait_for_load_state()
    assert Attendance.objects.filter(session=session, enrolment=enrolment, checked_in_by=staff).exists()
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "present" in page.inner_text(f"[data-testid=roster-{enrolment.pk}]")
    screenshot(page, "facilities-attendance-en")

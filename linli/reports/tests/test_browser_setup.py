"""On a phone (390×844) in elder mode: the community admin adds a report category with a 48-hour deadline, then
cancels a time slot with one booking (asked to confirm); the booked resident is told."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import browser_login, make_resident, screenshot
from linli.facilities import services as facility_services
from linli.facilities.models import Booking
from linli.facilities.tests.factories import make_facility, make_service, make_slot
from linli.notifications.models import Notification
from linli.reports.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 390"))


def test_the_admin_adds_a_category_and_cancels_a_booked_slot_on_a_phone(page: Any, users: Any, community: Any) -> None:
    admin = users["community_admin"]
    resident_user = users["resident"]
    me = make_resident(community, name="周丽君", user=resident_user)
    service = make_service(make_facility(community, name="邻里中心多功能厅"), name="多功能厅预约")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    at_ten = dt.datetime.combine(tomorrow, dt.time(10), tzinfo=timezone.get_current_timezone())
    slot = make_slot(service, starts_at=at_ten)
    facility_services.booking_create(actor=resident_user, slot=slot, resident=me)

    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, admin.mobile)

    page.goto(page.base_url + f"/reports/{community.code}/categories/")
    assert fits_the_phone(page)
    page.click("[data-testid=category-new]")
    page.wait_for_load_state()
    page.fill("input[name=code]", "dog")
    page.fill("input[name=name]", "不文明养犬")
    page.fill("input[name=group]", "邻里")
    page.select_option("select[name=unit]", "hours")
    page.fill("input[name=resolve_within]", "48")
    assert "新的时限只适用于之后的上报" in page.inner_text("main")
    assert fits_the_phone(page)
    screenshot(page, "reports-category-new-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    category = Category.objects.get(community=community, code="dog")
    assert category.resolve_within_hours == 48 and category.name == "不文明养犬"
    assert "已添加类别" in page.inner_text(".messages")
    screenshot(page, "reports-category-saved-elder")
    page.goto(page.base_url + f"/reports/{community.code}/categories/")
    assert "不文明养犬" in page.inner_text("main") and fits_the_phone(page)
    screenshot(page, "reports-categories-elder")

    page.goto(page.base_url + f"/services/{community.code}/facilities/{service.facility_id}/")
    assert fits_the_phone(page)
    screenshot(page, "facilities-venue-by-day-elder")
    page.click("text=取消这个时段")
    page.wait_for_load_state()
    assert "这个时段有 1 人已预约" in page.inner_text("[data-testid=people-booked]")
    page.fill("input[name=reason]", "场地维修，改期另行通知")
    assert fits_the_phone(page)
    screenshot(page, "facilities-slot-cancel-confirm-elder")
    page.click("text=确认取消这个时段")
    page.wait_for_load_state()
    assert "已通知 1 位预约人" in page.inner_text(".messages")
    screenshot(page, "facilities-slot-cancelled-elder")
    slot.refresh_from_db()
    assert slot.cancelled and Booking.objects.get(slot=slot).status == Booking.Status.CANCELLED
    told = Notification.objects.filter(user=resident_user).order_by("-pk").first()
    assert told is not None
    assert "多功能厅预约" in told.title and "场地维修" in told.body

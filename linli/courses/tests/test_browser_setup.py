"""Walked on a phone (390×844) in elder mode: the community admin opens a term, a 常青课堂 course and a weekly
series of sessions from 课程设置; a resident then finds the course and enrols."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import browser_login, make_resident, screenshot
from linli.courses.models import Course, Enrolment, Session, Term
from linli.facilities.tests.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sets_up_an_elderly_course_and_a_resident_enrols(page: Any, community: Any, make_user: Any) -> None:
    admin = make_user("community_admin", community)
    resident_user = make_user("resident", community)
    resident = make_resident(community, name="周丽君", user=resident_user)
    make_facility(community, "school", "culture_station", name="幸福学堂")
    today = timezone.localdate()
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60_000)  # two cores shared by many: the live server can be slow
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])

    browser_login(page, admin.mobile)
    page.goto(page.base_url + "/courses/shibei/")
    page.click("[data-testid=course-setup]")
    page.wait_for_load_state()
    page.click("[data-testid=term-new]")
    page.wait_for_load_state()
    page.fill("input[name=name]", "冬季学期")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + dt.timedelta(days=70)).isoformat())
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "学期已保存" in page.inner_text("main")
    term = Term.objects.get(name="冬季学期")

    page.click("[data-testid=course-new]")
    page.wait_for_load_state()
    page.fill("input[name=title]", "手机摄影")
    page.select_option("select[name=audience]", "elderly")
    page.fill("input[name=teacher]", "志愿者小李")
    page.fill("input[name=schedule]", "每周三 14:00-15:30")
    page.fill("input[name=seats]", "20")
    page.fill("input[name=min_age]", "55")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "courses-setup-new-course-elder")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    course = Course.objects.get(title="手机摄影")
    assert (course.term, course.audience, course.seats) == (term, "elderly", 20)
    assert "课程已保存" in page.inner_text("main")

    page.select_option("select[name=weekday]", "2")
    page.fill("input[name=start]", "14:00")
    page.fill("input[name=end]", "15:30")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    sessions = list(Session.objects.filter(course=course))
    assert len(sessions) >= 9 and all(timezone.localtime(s.starts_at).weekday() == 2 for s in sessions)
    assert "已添加" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "courses-setup-sessions-elder")
    page.goto(page.base_url + "/courses/shibei/setup/")
    assert "手机摄影" in page.inner_text("main") and "常青课堂" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "courses-setup-list-elder")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, resident_user.mobile)
    page.goto(page.base_url + "/courses/shibei/?audience=elderly")
    card = page.locator(f"[data-testid=course-{course.pk}]")
    assert "手机摄影" in card.inner_text() and "课程设置" not in page.inner_text("main")
    card.locator("button").click()
    page.wait_for_load_state()
    assert Enrolment.objects.get(course=course, resident=resident).status == "enrolled"
    screenshot(page, "courses-resident-enrolled-elder")

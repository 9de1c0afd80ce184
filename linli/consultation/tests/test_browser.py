"""End to end: a resident raises a matter, a neighbour supports it, staff hold the round table, record the decision
and the task, the work is done, and the resident rates it. Also looked at in English and in elder mode."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import browser_login, screenshot
from linli.consultation.models import ConsultationSettings, Matter

from .factories import resident_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    browser_login(page, user.mobile)


def _act(page: Any, url_end: str) -> Any:
    """The form that posts to the matter's page ending in `url_end` (each action has its own)."""
    return page.locator(f"form[action$='{url_end}']")


def test_matter_from_raising_to_rating(page: Any, community: Any, users: dict[str, Any]) -> None:
    ConsultationSettings.objects.create(community=community, agenda_threshold=2)
    alice = resident_user(community, owner=True, name="周丽君")
    bob = resident_user(community, name="陈志强")
    staff = users["social_worker"]
    base = page.base_url + "/consultation/shibei/"

    # A resident raises the matter.
    _as(page, alice)
    page.goto(base)
    page.click("[data-testid=raise]")
    page.check("input[name=kind][value=urgent]")
    page.fill("input[name=title]", "3幢楼道灯坏了")
    page.fill("textarea[name=body]", "三幢二单元楼道灯坏了两周，老人晚上上下楼很危险。")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("[data-testid=matter-title]")
    matter_url = page.url
    page.click("[data-testid=support]")
    assert page.inner_text("[data-testid=support-count]") == "1"

    # A neighbour supports it: the threshold puts it on the agenda.
    _as(page, bob)
    page.goto(matter_url)
    page.click("[data-testid=support]")
    assert page.inner_text("[data-testid=support-count]") == "2"
    assert page.inner_text("[data-testid=matter-status]") == "已列入议程"
    screenshot(page, "consultation-matter-supported")

    # Staff call the round table, starting within the hour, with the matter on the agenda.
    _as(page, staff)
    page.goto(base + "meetings/new/")
    page.fill("input[name=title]", "五月民情圆桌会")
    page.select_option("select[name=mode]", "offline")
    starts = timezone.localtime(timezone.now() + dt.timedelta(minutes=50))
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "居民会客厅")
    page.fill("input[name=capacity]", "20")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("[data-testid=meeting-status]")
    meeting_url = page.url

    _as(page, bob)
    page.goto(meeting_url)
    page.click("[data-testid=register]")
    assert "您已报名" in page.content()

    _as(page, staff)
    page.goto(meeting_url)
    page.click("[data-testid=hold]")
    assert page.inner_text("[data-testid=meeting-status]") == "已召开"
    page.fill("textarea[name=minutes]", "社区、物业、业委会、居民代表参会。物业承诺一周内更换三幢楼道灯。")
    page.click("[data-testid=save-minutes]")
    assert "物业承诺" in page.inner_text("[data-testid=minutes]")
    screenshot(page, "consultation-meeting-held")

    # The decision, its task, and the work done.
    page.goto(matter_url)
    page.click("details:has(form[action$='/decide/']) > summary")
    form = _act(page, "/decide/")
    form.locator("textarea[name=text]").fill("物业一周内更换三幢全部楼道感应灯。")
    form.locator("select[name=responsible_party]").select_option("property")
    form.locator("input[name=responsible_name]").fill("物业王经理")
    form.locator("input[name=due_date]").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    form.locator("button").click()
    page.click("details:has(form[action$='/tasks/new/']) > summary")
    form = _act(page, "/tasks/new/")
    form.locator("input[name=title]").fill("更换楼道感应灯")
    form.locator("select[name=owner_party]").select_option("property")
    form.locator("input[name=owner_name]").fill("物业李师傅")
    form.locator("input[name=due_date]").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    form.locator("button").click()
    form = _act(page, "/tasks/update/")
    form.locator("input[name=text]").fill("三幢灯已全部更换")
    form.locator("input[name=progress]").fill("100")
    form.locator("button").click()
    assert page.inner_text("[data-testid=matter-status]") == "已办结"

    # The resident who raised it rates the outcome.
    _as(page, alice)
    page.goto(matter_url)
    page.check("[data-testid=rate-form] input[name=score][value='5']")
    page.click("[data-testid=rate-form] button")
    assert "感谢您的评价" in page.content()
    timeline = page.inner_text("[data-testid=timeline]")
    for step in ("提出", "已列入议程", "圆桌会", "决定", "进展", "已办结"):
        assert step in timeline
    screenshot(page, "consultation-matter-done")
    matter = Matter.objects.get()
    assert matter.status == "done" and matter.ratings.get().score == 5

    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    screenshot(page, "consultation-matter-done-elder")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("text=From raising to result")
    screenshot(page, "consultation-matter-done-en")

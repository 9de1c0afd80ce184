import datetime as dt

import pytest
from django.utils import timezone

from linli.conftest import browser_login, make_resident, screenshot
from linli.volunteering import services
from linli.volunteering.models import Activity, SignUp

from .conftest import soon_activity, type_named

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_signs_up_checks_in_with_the_code_and_sees_the_points(page, community, organiser, volunteer):
    starts = timezone.now() + dt.timedelta(days=1)
    activity = services.activity_create(
        actor=organiser,
        community=community,
        title="邻里节 · 便民服务",
        type=type_named(community),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=20,
        place="邻里中心广场",
    )
    browser_login(page, volunteer.user.mobile)
    page.goto(page.base_url + "/volunteer/")
    page.click(f"[data-testid=activity-{activity.pk}]")
    page.click("[data-testid=signup]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=places]") == "1/20"
    screenshot(page, "volunteering-signed-up")

    # the day comes: the activity started ten minutes ago
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=110)
    )

    page.context.clear_cookies()
    browser_login(page, organiser.mobile)
    page.goto(page.base_url + f"/volunteer/activities/{activity.pk}/run/")
    code = page.inner_text("[data-testid=checkin-code]").strip()
    assert len(code) == 6 and page.locator("svg").count() >= 1
    screenshot(page, "volunteering-organiser-code")

    page.context.clear_cookies()
    browser_login(page, volunteer.user.mobile)
    page.goto(page.base_url + f"/volunteer/activities/{activity.pk}/")
    page.fill("input[name=code]", "000000" if code != "000000" else "111111")
    page.click("[data-testid=check-in]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=checked-in]").count() == 0  # a wrong code is refused
    page.fill("input[name=code]", code)
    page.click("[data-testid=check-in]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=checked-in]").count() == 1

    page.context.clear_cookies()
    browser_login(page, organiser.mobile)
    page.goto(page.base_url + f"/volunteer/activities/{activity.pk}/run/")
    record = activity.records.get()
    page.click(f"[data-testid=confirm-{record.pk}]")
    page.wait_for_load_state()
    assert "20" in page.inner_text(".messages")

    page.context.clear_cookies()
    browser_login(page, volunteer.user.mobile)
    page.goto(page.base_url + "/ledger/")
    assert page.inner_text("[data-testid=points-balance]") == "20"
    assert "邻里节" in page.content()
    screenshot(page, "volunteering-points-statement")
    page.goto(page.base_url + "/volunteer/my/")
    assert page.inner_text(f"[data-testid=hours-{timezone.localdate().year}]") == "2.0"
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    screenshot(page, "volunteering-my-hours-elder")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "My volunteer hours" in page.content()
    screenshot(page, "volunteering-my-hours-en")


def test_staff_publish_an_activity_and_a_leader_books_the_clubs_venue(
    page, community, organiser, volunteer, venue, venue_slot
):
    team = services.team_create(actor=organiser, community=community, name="金童银晚志愿队")
    services.team_join(actor=volunteer.user, team=team, resident=volunteer)
    club = services.club_create(
        actor=organiser, community=community, name="太极拳社", schedule="每天 06:30", venue=venue, leader=volunteer
    )
    browser_login(page, organiser.mobile)
    page.goto(page.base_url + "/volunteer/c/shibei/teams/")
    page.click("[data-testid=nav-types]")  # the organiser adds a kind of activity first
    page.click("[data-testid=type-new]")
    page.fill("input[name=name]", "敬老义诊")
    page.select_option("select[name=scenario]", "health")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    assert page.locator("text=敬老义诊").count() >= 1
    screenshot(page, "volunteering-activity-types")
    page.click("[data-testid=nav-new-activity]")
    start = timezone.localtime() + dt.timedelta(days=4)
    page.fill("input[name=title]", "重阳节敬老义诊")
    page.select_option("select[name=type]", label="敬老义诊")
    page.select_option("select[name=team]", str(team.pk))
    page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT09:00"))
    page.fill("input[name=ends_at]", start.strftime("%Y-%m-%dT08:00"))  # before the start: refused, kept
    page.fill("input[name=capacity]", "12")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    assert "活动结束时间须晚于开始时间。" in page.content()
    screenshot(page, "volunteering-new-activity-refused")
    page.fill("input[name=ends_at]", start.strftime("%Y-%m-%dT11:30"))
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    activity = Activity.objects.get(title="重阳节敬老义诊")
    assert activity.capacity == 12 and activity.team == team and activity.type.name == "敬老义诊"
    page.click("[data-testid=nav-organised]")
    page.wait_for_load_state()
    assert page.inner_text(f"[data-testid=confirmed-{activity.pk}]") == "0/12"
    screenshot(page, "volunteering-organised")
    page.goto(page.base_url + f"/volunteer/c/shibei/teams/{team.pk}/")
    assert page.locator("[data-testid=party-member]").count() == 1
    screenshot(page, "volunteering-team")

    page.context.clear_cookies()
    browser_login(page, volunteer.user.mobile)
    page.goto(page.base_url + f"/volunteer/c/shibei/clubs/{club.pk}/")
    page.click("[data-testid=club-book]")
    page.check(f"input[name=slot][value='{venue_slot.pk}']")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid^=booking-]").count() == 1
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    screenshot(page, "volunteering-club-elder")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Venue bookings" in page.content()
    screenshot(page, "volunteering-club-en")


def test_the_organiser_signs_up_two_elders_from_the_desk_on_a_phone_in_elder_mode(page, community, organiser):
    activity = soon_activity(organiser, community, title="重阳节敬老义诊", capacity=1)
    first, second = (make_resident(community, name=n, seq=s) for n, s in (("张桂英", 41), ("张德福", 42)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, organiser.mobile)
    page.goto(page.base_url + f"/volunteer/activities/{activity.pk}/")
    page.click("[data-testid=sign-up-others]")
    page.wait_for_load_state()
    page.fill("input[name=q]", "张")
    page.click("[data-testid=search]")
    page.wait_for_load_state()
    page.click("[data-testid=sign-up-ticked]")  # nothing ticked: refused, the search kept
    page.wait_for_load_state()
    assert "请勾选要报名的居民。" in page.inner_text(".messages")
    page.check(f"input[name=resident][value='{first.pk}']")
    page.check(f"input[name=resident][value='{second.pk}']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "volunteering-sign-up-others-elder")
    page.click("[data-testid=sign-up-ticked]")
    page.wait_for_load_state()
    said = page.inner_text(".messages")
    assert "已报名：" in said and "候补：" in said
    shown = {"confirmed": "已报名", "waitlisted": "候补中"}
    statuses = dict(SignUp.objects.filter(activity=activity).values_list("resident_id", "status"))
    assert sorted(statuses.values()) == ["confirmed", "waitlisted"]
    for resident in (first, second):
        row = page.inner_text(f"[data-testid=signed-up-{resident.pk}]")
        assert resident.name in row and shown[statuses[resident.pk]] in row
    assert page.inner_text("[data-testid=places]") == "1/1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "volunteering-signed-up-others-elder")

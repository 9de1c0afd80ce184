"""Walked on a phone in elder mode: a resident signs up with the SMS code, verifies (实名核验) with name and ID
number, and lands on a home that knows them; a social worker previews an invitation."""

import datetime as dt
import re
from typing import Any

import pytest

from linli.conftest import browser_login, make_resident, screenshot
from linli.notifications.sms import LocmemSMSBackend
from linli.people import idnumber
from linli.places.models import Building

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912340001"


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_resident_signs_up_and_verifies_on_a_phone_in_elder_mode(page: Any, community: Any) -> None:
    make_resident(community, name="周丽君", seq=21, mobile=MOBILE)
    number = idnumber.make_id_number("330109", dt.date(1950, 3, 8), 21)
    LocmemSMSBackend.outbox.clear()
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])

    page.goto(page.base_url + "/")
    page.click("a[href='/accounts/signup/']")
    page.wait_for_load_state()
    assert "elder" in (page.get_attribute("html", "class") or "")
    page.fill("input[name=mobile]", MOBILE)
    screenshot(page, "people-signup-request-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    text = next(m.text for m in LocmemSMSBackend.outbox if m.mobile == MOBILE)
    code = re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
    page.fill("input[name=otp]", code)
    page.fill("input[name=display_name]", "周丽君")
    screenshot(page, "people-signup-code-elder")
    assert fits(page)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    assert page.locator("[data-testid=verify-cta]").is_visible()
    screenshot(page, "people-home-unverified-elder")
    page.goto(page.base_url + "/volunteer/")  # a personal page: "verify first", with the way there
    assert "请先完成实名核验" in page.inner_text("main")
    assert fits(page)
    screenshot(page, "people-verify-first-elder")
    page.goto(page.base_url + "/")
    page.click("[data-testid=verify-cta] a")
    page.wait_for_load_state()
    page.fill("input[name=name]", "周丽君")
    page.fill("input[name=id_number]", idnumber.make_id_number("330109", dt.date(1950, 3, 8), 22))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "不符" in page.inner_text("main")
    screenshot(page, "people-verify-no-match-elder")
    assert fits(page)
    page.fill("input[name=id_number]", number.lower())
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    main = page.inner_text("main")
    assert "周丽君，您好" in main and community.name in main
    assert page.locator("[data-testid=verify-cta]").count() == 0
    assert fits(page)
    screenshot(page, "people-home-verified-elder")


def test_a_social_worker_previews_and_sends_invitations_on_a_phone(page: Any, community: Any, make_user: Any) -> None:
    worker = make_user("social_worker", community)
    make_resident(community, name="甲", seq=31, mobile="13711110001")
    make_resident(community, name="乙", seq=32, mobile="13711110002")
    building = Building.objects.get(community=community)
    browser_login(page, worker.mobile)
    page.goto(page.base_url + f"/people/{community.code}/invitations/")
    page.select_option("select[name=building]", str(building.pk))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "2 位居民收到短信" in page.inner_text("main")
    assert fits(page)
    screenshot(page, "people-invitations-preview")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert "2 条邀请短信正在发送" in page.inner_text("main")
    screenshot(page, "people-invitations-activation")

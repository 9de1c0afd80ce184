"""Walked as a steward would, on a phone in elder mode: 我的走访 shows an overdue 独居老人; the steward records a
visit (seen, 需关注, a need) in a few taps and refers the need to the social worker."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.care.models import Referral, Visit
from linli.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steward_records_a_visit_for_an_overdue_elder_on_a_phone(page: Any, setup: Any) -> None:
    for resident, days_ago in ((setup.alone, 12), (setup.disabled, 2)):
        Visit.objects.create(
            community=setup.community,
            resident=resident,
            visited_by=setup.steward,
            visited_at=timezone.now() - dt.timedelta(days=days_ago),
            condition="good",
        )
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, setup.steward.mobile)
    page.goto(page.base_url + "/communities/shibei/")
    assert page.inner_text("[data-testid=care-overdue]") == "1 人逾期"
    page.click("text=关爱走访")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "我的走访" in main and "张阿婆" in main and "逾期 5 天" in main and "王奶奶" not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    screenshot(page, "care-work-list-elder")

    first = page.locator("[data-testid=care-entry]").first
    assert "张阿婆" in first.inner_text()
    first.locator("text=记录走访").click()
    page.wait_for_load_state()
    page.click("label:has-text('见到本人或电话接通')")
    page.click("label:has-text('需关注')")
    page.click("label:has-text('助餐')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    screenshot(page, "care-visit-form-elder")
    page.click("text=保存走访")
    page.wait_for_load_state()
    visit = Visit.objects.latest("pk")
    assert (visit.seen, visit.condition, visit.needs, visit.kind) == (True, "attention", ["meals"], "home")
    assert "走访已记录" in page.inner_text("main")

    assert page.input_value("[data-testid=refer-form] textarea") == "助餐"
    page.fill("[data-testid=refer-form] textarea", "助餐：老人腿脚不便，希望送餐上门")
    page.click("[data-testid=refer-form] button[type=submit]")
    page.wait_for_load_state()
    referral = Referral.objects.get()
    assert referral.visit == visit and referral.status == Referral.Status.OPEN
    assert "已转介给社工" in page.inner_text("main") and "待处理" in page.inner_text("[data-testid=referrals]")
    screenshot(page, "care-visit-referred-elder")

    page.goto(page.base_url + "/care/shibei/")
    assert "逾期 5 天" not in page.inner_text("main")

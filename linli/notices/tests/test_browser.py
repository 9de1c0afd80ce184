"""Walked as people would, on a phone in elder mode: a community admin publishes an urgent notice to the 独居老人 of
one building; an SMS goes to each of them; the grid steward opens the list of those who have not read it."""

from typing import Any

import pytest

from linli.conftest import browser_login, screenshot
from linli.notices.models import Notice, NoticeRecipient

from .conftest import Estate, sms_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def elder(page: Any) -> None:
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])


def test_an_urgent_notice_reaches_the_elders_of_a_building_and_the_steward_follows_up(
    page: Any, users: dict[str, Any], estate: Estate
) -> None:
    code = estate.community.code
    elder(page)
    browser_login(page, users["community_admin"].mobile)
    page.goto(f"{page.base_url}/notices/c/{code}/new/")
    page.fill("input[name=title]", "今晚台风，请勿外出")
    page.fill(
        "textarea[name=body]", "**台风今晚登陆**，请关好门窗，不要外出。\n\n- 需要帮助请打社区电话\n- 网格员会上门看望"
    )
    page.check("input[name=urgent]")
    page.check(f"input[name=buildings][value='{estate.b1.pk}']")
    page.check(f"input[name=tags][value='{estate.alone.pk}']")
    screenshot(page, "notices-compose-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.click("[data-testid=publish]")
    page.wait_for_load_state()
    notice = Notice.objects.get(title="今晚台风，请勿外出")
    assert notice.status == Notice.Status.PUBLISHED
    assert "已发布" in page.inner_text("[data-testid=notice-status]")
    assert page.inner_text("[data-testid=read-count]").strip() == "0 / 2"
    screenshot(page, "notices-published-elder")

    # Each elder living alone in building 1 gets the SMS, at once; nobody else does.
    app_mobile = estate.alone_b1_app.user.mobile  # type: ignore[union-attr]
    assert sms_to() == sorted(["13900000101", app_mobile])
    assert set(NoticeRecipient.objects.filter(notice=notice).values_list("resident__name", flat=True)) == {
        "陈阿婆",
        "李大爷",
    }

    # 李大爷 opens it on his phone; his home page showed it first.
    page.context.clear_cookies()
    elder(page)
    browser_login(page, app_mobile)
    assert "今晚台风" in page.inner_text("[data-testid=home-notices]")
    page.click("[data-testid=home-notices] a.title")
    page.wait_for_load_state()
    assert "台风今晚登陆" in page.inner_text("[data-testid=notice-body]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    screenshot(page, "notices-resident-reads-elder")

    # The steward of grid 1 sees who has not read it yet: 陈阿婆, with a number to phone.
    page.context.clear_cookies()
    elder(page)
    browser_login(page, estate.steward.mobile)
    page.goto(f"{page.base_url}/notices/c/{code}/")
    page.click("[data-testid=steward-urgent] a")
    page.wait_for_load_state()
    unread = page.inner_text("[data-testid=unread-list]")
    assert "陈阿婆" in unread and "13900000101" in unread and "李大爷" not in unread
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    screenshot(page, "notices-steward-unread-elder")

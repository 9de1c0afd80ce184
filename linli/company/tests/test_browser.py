"""Walked on a phone (390×844) in elder mode: the company's accountant posts last month's rent of a shop in yuan,
then closes the month; a late posting into it is refused in Chinese."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.company.models import MonthClose, Posting
from linli.conftest import browser_login, screenshot
from linli.facilities.models import Facility, FacilityCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_accountant_posts_rent_and_closes_the_month_on_a_phone_in_elder_mode(
    page: Any, community: Any, make_user: Any
) -> None:
    accountant = make_user(Role.OPERATOR, community)
    shop = Facility.objects.create(
        community=community,
        code="xbxs",
        name="小北鲜市",
        category=FacilityCategory.objects.first(),
        scenario="services",
        nature="earning",
        lat=30.285,
        lng=120.135,
    )
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    month = f"{last:%Y-%m}"
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, accountant.mobile)

    page.goto(page.base_url + f"/company/{community.code}/books/?month={month}")
    assert "强社公司账簿" in page.inner_text("h1")
    page.select_option("select[name=source]", "rent")
    page.select_option("select[name=facility]", str(shop.pk))
    page.fill("input[name=amount_fen]", "32000.50")
    page.fill("input[name=day]", f"{last:%Y-%m-%d}")
    page.fill("input[name=counterparty]", "小北鲜市经营户")
    page.fill("input[name=note]", f"{month} 商铺租金")
    assert fits_the_phone(page)
    page.click("[data-testid=post]")
    page.wait_for_load_state()
    assert "已记账" in page.inner_text(".messages")
    assert "32,000.50" in page.inner_text("main")
    posting = Posting.objects.get()
    assert posting.source == "rent" and posting.counterparty == "小北鲜市经营户"
    screenshot(page, "company-books-posted-elder")

    page.click("[data-testid=close-month]")
    page.wait_for_load_state()
    assert "已结账" in page.inner_text(".messages")
    assert MonthClose.objects.filter(community=community, month=last.replace(day=1)).exists()
    assert "已结账" in page.inner_text("[data-testid=closed]")
    page.fill("input[name=amount_fen]", "100")
    page.fill("input[name=day]", f"{last:%Y-%m-%d}")
    page.fill("input[name=counterparty]", "迟到的账")
    page.click("[data-testid=post]")
    page.wait_for_load_state()
    assert "已结账" in page.inner_text("main") and Posting.objects.count() == 1
    assert fits_the_phone(page)
    screenshot(page, "company-books-closed-elder")

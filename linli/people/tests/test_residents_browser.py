"""Walked on a phone in elder mode: a social worker finds a resident by filters, edits them and moves them to a
new household; a resident downloads their data and asks for it to be deleted."""

import datetime as dt
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, make_resident, screenshot
from linli.people.models import DataRequest, Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 420


def elder(page: Any) -> None:
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_a_social_worker_finds_edits_and_moves_a_resident(page: Any, make_user: Any, community: Any) -> None:
    worker = make_user(Role.SOCIAL_WORKER, community)
    today = dt.date.today()
    target = make_resident(community, name="沈阿婆", birth=dt.date(today.year - 82, 5, 5), seq=1, mobile="13900004321")
    make_resident(community, name="沈小弟", birth=dt.date(today.year - 30, 5, 5), seq=2)
    elder(page)
    browser_login(page, worker.mobile)

    page.goto(page.base_url + "/people/shibei/residents/")
    page.fill("input[name=q]", "沈")
    page.select_option("select[name=age_tier]", "senior_80")
    page.click("[data-testid=resident-filters] button")
    page.wait_for_load_state()
    assert "找到 1 位居民" in page.inner_text("[data-testid=result-count]")
    assert "沈阿婆" in page.inner_text("main") and "沈小弟" not in page.inner_text("main")
    screenshot(page, "people-resident-filters-elder")

    page.click("text=沈阿婆")
    page.wait_for_load_state()
    page.click("[data-testid=edit]")
    page.wait_for_load_state()
    page.select_option("select[name=residence]", "registered_elsewhere")
    page.fill("input[name=hukou_address]", "安徽省黄山市屯溪区")
    page.select_option("select[name=household]", "")
    page.select_option("select[name=new_building]", index=1)
    page.fill("input[name=new_unit]", "3单元502")
    page.select_option("select[name=relation_to_head]", "head")
    fits(page)
    screenshot(page, "people-resident-edit-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "已保存修改" in page.inner_text("main")
    assert "3单元502" in page.inner_text("[data-testid=household]")
    assert "人在户不在" in page.inner_text("main")
    fits(page)
    screenshot(page, "people-resident-detail-elder")
    target.refresh_from_db()
    assert target.household is not None and target.household.unit == "3单元502"
    assert target.hukou_address == "安徽省黄山市屯溪区" and target.relation_to_head == "head"

    page.click("[data-testid=household] a")
    page.wait_for_load_state()
    assert "沈阿婆" in page.inner_text("[data-testid=members]") and "户主" in page.inner_text("[data-testid=members]")
    fits(page)
    screenshot(page, "people-household-elder")


def test_a_resident_downloads_their_data_and_asks_for_deletion(page: Any, make_user: Any, community: Any) -> None:
    user = make_user(Role.RESIDENT, community)
    me = make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), user=user)
    elder(page)
    browser_login(page, user.mobile)
    page.goto(page.base_url + "/accounts/me/")
    page.click("[data-testid=my-data]")
    page.wait_for_load_state()
    fits(page)
    with page.expect_download() as download:
        page.click("[data-testid=download-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.fill("textarea[name=reason]", "已经搬去女儿家住")
    page.click("[data-testid=delete-request] button")
    page.wait_for_load_state()
    assert "申请已提交" in page.inner_text("main")
    rows = page.inner_text("[data-testid=my-requests]")
    assert "等待社区处理" in rows and "下载个人信息" in rows
    fits(page)
    screenshot(page, "people-my-data-elder")
    assert DataRequest.objects.filter(resident=me, kind="delete", status="pending").exists()
    assert Resident.objects.get(pk=me.pk).name == "钱阿姨"  # nothing is deleted before a caseworker decides

"""A community admin registers a partner, starts a project with pledged contributions, marks one delivered and
closes the project; a resident
sees the partner with its contact number masked; elder mode on a phone-sized screen."""

from typing import Any

import pytest

from linli.conftest import browser_login, screenshot
from linli.partners.models import Partner, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_partner_and_run_a_project(page: Any, community: Any, users: dict[str, Any], charity: Any) -> None:
    browser_login(page, users["community_admin"].mobile)
    page.goto(page.base_url + f"/partners/{community.code}/")
    page.click("[data-testid=register]")
    page.fill("input[name=name]", "东港超市")
    page.check("input[name=kind][value=resources]")
    page.select_option("select[name=entity]", "enterprise")
    page.fill("input[name=contact_name]", "张店长")
    page.fill("input[name=contact_mobile]", "13812349876")
    screenshot(page, "partners-register")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    shop = Partner.objects.get(name="东港超市")
    assert page.inner_text("[data-testid=contact-mobile]") == "13812349876"

    page.goto(page.base_url + f"/partners/{community.code}/projects/new/?lead={shop.pk}")
    page.fill("input[name=title]", "公益市集")
    page.select_option("select[name=scenario]", "neighbourhood")
    page.check(f"input[name=co_partners][value='{charity.pk}']")
    page.select_option("select[name=c-0-kind]", "money")
    page.fill("input[name=c-0-description]", "市集补贴")
    page.select_option("select[name=c-0-partner]", str(shop.pk))
    page.fill("input[name=c-0-value_yuan]", "2000")
    page.select_option("select[name=c-1-kind]", "volunteers")
    page.fill("input[name=c-1-description]", "社工志愿者")
    page.select_option("select[name=c-1-partner]", str(charity.pk))
    page.fill("input[name=c-1-quantity]", "12")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    project = Project.objects.get(title="公益市集")
    assert project.contributions.count() == 2
    assert "2,000" in page.inner_text("[data-testid=by-kind]")
    money = project.contributions.get(kind="money")
    assert "已承诺" in page.inner_text(f"[data-contribution='{money.pk}']")
    page.click(f"[data-contribution='{money.pk}'] form[action$='/deliver/'] button")
    page.wait_for_load_state()
    assert "已兑现" in page.inner_text(f"[data-contribution='{money.pk}']")
    assert project.contributions.get(kind="money").status == "delivered"
    screenshot(page, "partners-project")

    page.goto(page.base_url + f"/partners/{community.code}/projects/{project.pk}/close/")
    page.fill("textarea[name=outcomes]", "三百位居民逛了市集。")
    page.fill("input[name=beneficiaries]", "300")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=beneficiaries]") == "300"

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, users["resident"].mobile)
    page.goto(page.base_url + f"/partners/{community.code}/p/{shop.pk}/")
    assert page.inner_text("[data-testid=contact-mobile]") == "138****9876"
    assert page.locator("[data-testid=deactivate]").count() == 0
    # elder mode on a phone: each table row is a card whose cells carry their column's heading
    assert page.locator("[data-testid=by-kind] thead").is_hidden()
    assert page.locator("[data-testid=by-kind] tbody td").first.get_attribute("data-label") == "类型"
    screenshot(page, "partners-partner-elder")

"""Walked as a steward would, on a phone in elder mode: from the workbench to a building's households, one tap
records a household's sorting as correct and the head of the household earns the community's point."""

import datetime as dt
from typing import Any

import pytest

from linli.conftest import browser_login, make_resident, screenshot
from linli.people.models import Resident
from linli.waste.models import SortingCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steward_records_a_households_sorting_on_a_phone(page: Any, community: Any, users: dict[str, Any]) -> None:
    head = make_resident(community, name="钱师傅", birth=dt.date(1958, 4, 2), relation_to_head=Resident.Relation.HEAD)
    household = head.household
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, users["grid_steward"].mobile)
    page.goto(page.base_url + "/workbench/")
    assert page.inner_text("[data-testid=n-waste-checks]") == "0"
    page.click("[data-testid=wb-waste-checks]")
    page.wait_for_load_state()
    page.select_option("select[name=building]", str(household.building_id))
    page.click("text=显示住户")
    page.wait_for_load_state()
    card = page.locator(f"#h{household.pk}")
    assert household.unit in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 440
    screenshot(page, "waste-round-elder")
    card.locator("button:has-text('分类准确')").click()
    page.wait_for_load_state()
    check = SortingCheck.objects.get()
    assert (check.result, check.points, check.awarded_to) == ("correct", 1, head)
    main = page.inner_text("main")
    assert "1 积分给钱师傅" in main and "分类准确" in page.locator(f"#h{household.pk}").inner_text()
    screenshot(page, "waste-recorded-elder")

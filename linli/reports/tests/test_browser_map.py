"""In Chromium on a 390×844 phone in elder mode: a resident files a 随手拍 with a photo from the map (their home
preselected, the tap named after the nearest building); the grid steward's first page after login is their
workbench, with that report counted and linked; a steward of another grid is told why they cannot act on it; the
resident rates the fix from the home."""

from pathlib import Path
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, make_resident, screenshot
from linli.places.models import Grid
from linli.reports.models import Report

from .conftest import jpeg_with_gps


@pytest.mark.browser
def test_a_resident_files_from_the_map_and_the_steward_finds_it_on_the_workbench(
    page: Any, community: Any, category: Any, steward: Any, make_user: Any, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    user = make_user(display_name="周丽君")
    home = make_resident(community, user=user).household.building
    photo = tmp_path / "lamp.jpg"
    photo.write_bytes(jpeg_with_gps(320, 240))

    browser_login(page, user.mobile)
    assert page.url.rstrip("/") == page.base_url  # a resident starts on the home
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    page.click("[data-testid=tile-report]")  # one tap from the home
    page.wait_for_selector("svg.report-map")
    assert page.input_value("select[name=building]") == str(home.pk)  # my home, preselected
    assert page.locator("svg.report-map circle.bldg.home").count() == 1
    page.select_option("select[name=category]", str(category.pk))
    box = page.locator("svg.report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.querySelector('[name=lat]').value !== ''")
    label = page.inner_text("[data-testid=point-label]")
    assert home.name in label and "30." not in label  # the nearest building's name, not coordinates
    assert page.is_visible("[data-testid=pin-clear]")
    page.select_option(f"#attr-{category.pk}-floor", "2")
    page.fill("textarea[name=description]", "2楼楼道灯不亮，晚上看不清台阶")
    page.set_input_files("input[name=photos]", str(photo))
    screenshot(page, "r19-report-from-map-elder-zh")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("[data-testid=status]")
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.grid is not None and report.grid.steward == steward
    screenshot(page, "r19-report-sent-elder-zh")

    page.context.clear_cookies()
    browser_login(page, steward.mobile)
    assert page.url == page.base_url + "/workbench/"
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    assert page.inner_text("[data-testid=n-reports-open]") == "1"
    assert page.is_visible("[data-testid=staff-nav]")
    screenshot(page, "r19-steward-workbench-elder-zh")
    page.click("[data-testid=wb-reports-open]")
    page.wait_for_selector(f"a[href='/reports/{community.code}/{report.pk}/']")
    screenshot(page, "r19-steward-queue-elder-zh")

    # the street admin reaches the street cockpit and health check from the workbench, not by typing a URL
    street_admin = make_user(Role.STREET_ADMIN, street=community.street)
    page.context.clear_cookies()
    browser_login(page, street_admin.mobile)
    assert page.url == page.base_url + "/workbench/"
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    screenshot(page, "r19-street-admin-workbench-elder-zh")
    page.click("[data-testid=wb-street-cockpit]")
    page.wait_for_load_state()
    assert page.url == page.base_url + f"/cockpit/streets/{community.street.code}/"


def _tap(page: Any, selector: str) -> None:
    """One tap of a finger on a target of at least 48×48 CSS px (elder mode)."""
    target = page.locator(selector).first
    box = target.bounding_box()
    assert box and box["height"] >= 48 and box["width"] >= 48, f"{selector} is a small target: {box}"
    target.click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_another_grids_steward_is_told_why_and_the_resident_rates_the_fix_from_the_home(
    page: Any, community: Any, category: Any, steward: Any, make_user: Any
) -> None:
    from linli.reports.services.intake import report_submit
    from linli.reports.services.workflow import report_accept, report_resolve, report_start

    page.set_viewport_size({"width": 390, "height": 844})
    user = make_user(display_name="周丽君")
    home = make_resident(community, user=user).household.building
    report = report_submit(
        actor=user,
        community=community,
        category=category,
        description="2楼楼道灯不亮",
        building=home,
        attributes={"floor": ["2"]},
    )
    other = make_user(Role.GRID_STEWARD, community, display_name="李强")
    Grid.objects.create(community=community, code="G9", name="西网格", steward=other)

    browser_login(page, other.mobile)
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    page.goto(page.base_url + f"/reports/{community.code}/{report.pk}/")
    why = page.inner_text("[data-testid=why-no-actions]")
    assert steward.display_name in why and report.grid.name in why
    assert page.locator("#handle").count() == 0
    screenshot(page, "r19-other-steward-why-elder-zh")

    for step in (report_accept, report_start):
        report = step(actor=steward, report=report)
    report_resolve(actor=steward, report=report, note="已更换灯泡")

    page.context.clear_cookies()
    browser_login(page, user.mobile)
    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    assert page.url.rstrip("/") == page.base_url  # the home, with the fix waiting for a rating at the top
    taps = ["[data-testid=due-rating] a", "label:has(input[name=rating][value='5'])", "form[action$='/rate/'] button"]
    for selector in taps:
        _tap(page, selector)
    assert len(taps) <= 3
    report.refresh_from_db()
    assert report.rating == 5
    assert "5/5" in page.inner_text("dl.facts")
    screenshot(page, "r19-rated-elder-zh")
    page.goto(page.base_url + "/")
    assert page.locator("[data-testid=due-rating]").count() == 0  # nothing left to rate

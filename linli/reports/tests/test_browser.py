"""End to end in Chromium: a resident reports with a photo; the steward resolves it; in Chinese, English, elder mode."""

from pathlib import Path
from typing import Any

import pytest

from linli.conftest import browser_login, screenshot
from linli.reports.models import Report

from .conftest import jpeg_with_gps


@pytest.mark.browser
def test_a_resident_reports_with_a_photo_and_the_steward_resolves_it(
    page: Any, community: Any, category: Any, steward: Any, resident_user: Any, tmp_path: Path
) -> None:
    photo = tmp_path / "lamp.jpg"
    photo.write_bytes(jpeg_with_gps(320, 240))
    browser_login(page, resident_user.mobile)
    page.goto(page.base_url + f"/reports/{community.code}/new/")
    page.select_option("select[name=category]", str(category.pk))
    box = page.locator("svg.report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the grid covers the centre
    page.wait_for_function("document.querySelector('[name=lat]').value !== ''")
    page.select_option(f"#attr-{category.pk}-floor", "2")
    page.fill("textarea[name=description]", "2楼楼道灯不亮，晚上看不清台阶")
    page.set_input_files("input[name=photos]", str(photo))
    screenshot(page, "reports-submit-zh")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("[data-testid=status]")
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.grid is not None
    assert page.locator("[data-testid=status]").inner_text() == "已提交"
    assert page.locator(".photos img").count() == 1
    screenshot(page, "reports-detail-resident-zh")

    page.context.clear_cookies()
    browser_login(page, steward.mobile)
    page.goto(page.base_url + f"/reports/{community.code}/queue/")
    assert page.locator(f"a[href='/reports/{community.code}/{report.pk}/']").count() == 1
    screenshot(page, "reports-queue-zh")
    page.click(f"a[href='/reports/{community.code}/{report.pk}/']")
    page.click("button[formaction$='/accept/']")
    page.wait_for_selector("button[formaction$='/start/']")
    page.fill("#note", "已更换灯泡")
    page.click("button[formaction$='/resolve/']")
    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == "已解决"
    report.refresh_from_db()
    assert report.status == "resolved" and report.status_notes == "已更换灯泡"
    screenshot(page, "reports-resolved-steward-zh")

    page.click("[data-testid=elder-on]")
    page.wait_for_selector("body.elder")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    page.goto(page.base_url + f"/reports/{community.code}/queue/?status=all")
    assert "Work queue" in page.content()
    screenshot(page, "reports-queue-en-elder")

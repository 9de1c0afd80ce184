"""An entered indicator, on a phone in elder mode: a community worker picks the indicator, types the month's value
and attaches a photo as evidence; the value, its photo and the audit are kept and the evaluation counts it."""

import io
from typing import Any

import pytest
from PIL import Image

from linli.audit.models import AuditEntry
from linli.cockpit.models import IndicatorEntry
from linli.cockpit.selectors import last_complete_month
from linli.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def test_a_worker_enters_an_indicator_with_a_photo_on_a_phone(browser: Any, live_server: Any, users: Any) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base_url = live_server.url
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, users["community_admin"].mobile)
    page.goto(page.base_url + "/cockpit/communities/shibei/evaluation/")
    form = page.locator("[data-testid=entry-form]")
    form.locator("select[name=code]").select_option("neighbourhood_events")
    month = last_complete_month()
    assert f"评价月份：{month:%Y-%m}（按月末数据）。" in page.inner_text("main")
    # the month offered is the month graded, its first day, in the form a date input reads
    assert form.locator("input[name=month]").input_value() == month.isoformat()
    form.locator("input[name=value]").fill("5")
    form.locator("input[name=note]").fill("十一月邻里节等五场")
    form.locator("input[name=evidence]").set_input_files(
        [{"name": "邻里节.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    assert "邻里节.jpg" in form.locator("[data-file-names]").inner_text()
    screenshot(page, "cockpit-entry-elder-filled")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "数值已记录。" in page.inner_text("main")
    assert "邻里节.jpg" in page.inner_text("main") and "5 场" in page.inner_text("main")
    entry = IndicatorEntry.objects.get()
    assert (entry.code, entry.value, entry.month) == ("neighbourhood_events", 5, month)
    assert entry.evidence.count() == 1 and entry.evidence.get().file.name.endswith(".jpg")
    assert AuditEntry.objects.filter(action="indicator.enter").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    # back on the month it was entered for, graded with the value counted
    assert page.locator("#cockpit-month").input_value() == f"{month:%Y-%m}"
    assert page.locator("[data-testid=overall]").is_visible()
    assert "每月邻里活动场次" not in page.locator("[data-testid=explained]").inner_text()  # 5 meets the target 4
    screenshot(page, "cockpit-entry-elder-saved")
    context.close()

"""In Chromium: the service worker shows the Chinese offline page when the network is down, on a 390×844 phone."""

from typing import Any

import pytest

from linli.conftest import screenshot


@pytest.mark.browser
def test_offline_the_service_worker_shows_a_clear_chinese_page(page: Any, community: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker now controls the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(page.base_url + f"/communities/{community.code}/")
    page.wait_for_selector("[data-testid=offline]")
    assert "网络没有连接" in page.inner_text("h1")
    screenshot(page, "r19-offline-zh")
    page.context.set_offline(False)
    page.click("[data-testid=try-again]")
    page.wait_for_selector("h1")
    assert community.name in page.inner_text("h1")

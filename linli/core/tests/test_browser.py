"""In a real browser: log in, switch to English and to elder mode, and see masked ID numbers as staff."""

import pytest

from linli.accounts.models import Role
from linli.conftest import browser_login, make_resident, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_logs_in_and_uses_language_and_elder_mode(page, make_user, community):
    user = make_user(Role.RESIDENT, community, display_name="周丽君")
    resident = make_resident(community)
    resident.user = user
    resident.save(update_fields=["user"])
    browser_login(page, user.mobile)
    assert "周丽君，您好" in page.inner_text("h1")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    base_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    screenshot(page, "foundation-home-zh")

    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    elder_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert elder_size >= base_size * 1.3
    screenshot(page, "foundation-home-elder")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Hello, 周丽君" in page.inner_text("h1")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "foundation-home-en-elder")


def test_staff_see_masked_id_numbers_and_reveal_one_with_a_reason(page, make_user, community):
    worker = make_user(Role.SOCIAL_WORKER, community)
    resident = make_resident(community, name="王芳")
    browser_login(page, worker.mobile)
    page.goto(page.base_url + "/people/shibei/residents/")
    assert resident.id_number_masked in page.inner_text("table")
    screenshot(page, "foundation-residents")
    page.click("text=王芳")
    page.fill("input[name=reason]", "核对高龄补贴")
    page.click("form.form button[type=submit]")
    shown = page.inner_text("[data-testid=id-number]")
    assert "*" not in shown and len(shown) == 18

"""Walked as a person would, on a phone in elder mode: wrong passwords until sign-in waits, then one's API tokens."""

from typing import Any

import pytest

from linli.accounts.models import ApiToken
from linli.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_waits_after_wrong_passwords_and_a_resident_manages_tokens(page: Any, make_user: Any) -> None:
    user = make_user(password="pass-word-123")
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])

    stranger = make_user(password="pass-word-123")
    for _ in range(5):
        browser_login(page, stranger.mobile, "wrong-password")
    browser_login(page, stranger.mobile)  # the right one now waits too
    assert "分钟后再试" in page.inner_text("main")
    screenshot(page, "accounts-login-throttled-elder")

    browser_login(page, user.mobile)
    page.goto(page.base_url + "/accounts/tokens/")
    assert "还没有令牌" in page.inner_text("main")
    page.fill("input[name=name]", "家里的平板")
    page.fill("input[name=days]", "30")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    key = page.inner_text("[data-testid=new-token]")
    token = ApiToken.objects.get(user=user, name="家里的平板")
    assert key.startswith(token.prefix)
    assert page.evaluate("document.documentElement.scrollWidth") <= 420  # the long key wraps on a phone
    screenshot(page, "accounts-tokens-elder")
    page.click("table form button[type=submit]")
    page.wait_for_load_state()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已吊销" in page.inner_text("main")

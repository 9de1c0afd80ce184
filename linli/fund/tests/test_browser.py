"""In a browser: staff record a donation in yuan and get its receipt; a reviewer with a conflict is refused;
the public page shows the money. Screenshots in Chinese, in elder mode and in English."""

from typing import Any

import pytest

from linli.conftest import browser_login, screenshot
from linli.fund.models import Donation, Review

from .conftest import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    browser_login(page, user.mobile)


def test_donation_receipt_conflict_and_public_page(
    page: Any, community: Any, manager: Any, applicant: Any, applicant_user: Any, conflicted: Any, open_round: Any
) -> None:
    base = page.base_url + "/fund/shibei/"
    _as(page, manager)
    page.goto(base + "donations/new/")
    page.select_option("select[name=donor_kind]", "enterprise")
    page.fill("input[name=donor_name]", "无忧传媒")
    page.fill("input[name=amount_fen]", "1.234")
    page.click("form.form button[type=submit]")
    assert page.locator(".field.has-error").count() == 1 and not Donation.objects.exists()
    screenshot(page, "fund-donation-refused-zh")
    page.fill("input[name=amount_fen]", "1200.50")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("[data-testid=receipt]")
    assert page.inner_text("[data-testid=receipt-amount]") == "¥1,200.50"
    assert Donation.objects.get().amount_fen == 120_050
    screenshot(page, "fund-receipt-zh")

    application = submitted(applicant_user, open_round, applicant)
    _as(page, conflicted)
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    page.goto(base + f"applications/{application.pk}/")
    assert page.is_visible("[data-testid=conflict]")
    page.fill("input[name=score]", "95")
    page.click("form[action$='/score/'] button[type=submit]")
    page.wait_for_selector(".has-error, .error")
    assert not Review.objects.exists()
    screenshot(page, "fund-conflict-elder")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(base)
    assert "1,200.50" in page.inner_text("[data-testid=raised]")
    screenshot(page, "fund-public-en")


def test_staff_move_a_round_with_its_own_buttons_on_a_phone_in_elder_mode(
    page: Any, manager: Any, applicant: Any, applicant_user: Any, open_round: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _as(page, manager)
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    url = page.base_url + f"/fund/shibei/rounds/{open_round.pk}/"
    page.goto(url)
    page.click("[data-testid=round-moves] form[action$='/start-review/'] button")
    page.wait_for_selector("[data-testid=round-moves] form[action$='/reopen/']")
    assert page.url == url and "评审已开始" in page.inner_text("body")
    assert page.locator("[data-testid=round-moves] form[action$='/start-review/']").count() == 0
    screenshot(page, "fund-round-moves-elder")
    page.click("[data-testid=round-moves] form[action$='/reopen/'] button")
    page.wait_for_selector("[data-testid=round-moves] form[action$='/start-review/']")
    open_round.refresh_from_db()
    assert open_round.status == "open"

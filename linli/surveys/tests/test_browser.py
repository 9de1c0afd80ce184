"""Walked as people would, on a phone (390×844) in elder mode: a social worker publishes a three-question survey to
the 独居老人 of one building; 李大爷 answers it on his phone from his home page; the social worker sees the chart."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import browser_login, screenshot
from linli.surveys.models import Response, Survey

from .conftest import Estate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 390


def phone(page: Any) -> None:
    page.set_default_timeout(60_000)  # a shared, busy machine
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])


def test_a_survey_to_the_elders_of_a_building_answered_on_a_phone_and_charted(
    page: Any, users: dict[str, Any], estate: Estate
) -> None:
    code = estate.community.code
    phone(page)
    browser_login(page, users["social_worker"].mobile)
    page.goto(f"{page.base_url}/surveys/c/{code}/new/")
    page.fill("input[name=title]", "独居老人助餐需求调研")
    page.fill("textarea[name=intro]", "请告诉我们您吃饭方面的需要。")
    closes = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=closes_at]", closes)
    page.check(f"input[name=buildings][value='{estate.b1.pk}']")
    page.check(f"input[name=tags][value='{estate.alone.pk}']")
    page.click("[data-testid=survey-compose] button[type=submit]")
    page.wait_for_load_state()
    for text, kind, options in (
        ("您需要送餐上门吗？", "single", "需要\n不需要"),
        ("您对老年食堂满意吗？", "scale", ""),
        ("您还有什么想说的？", "text", ""),
    ):
        page.fill("[data-testid=question-form] input[name=text]", text)
        page.select_option("[data-testid=question-form] select[name=kind]", kind)
        page.fill("[data-testid=question-form] textarea[name=options]", options)
        if kind == "text":
            page.uncheck("[data-testid=question-form] input[name=required]")
        page.click("[data-testid=add-question]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=questions] > li").count() == 3
    # the first question moved down and back up, each button posting to its own address
    page.locator("[data-testid=questions] > li").first.get_by_role("button", name="下移").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=questions] > li strong").first.inner_text() == "您对老年食堂满意吗？"
    screenshot(page, "surveys-staff-questions-moved-elder")
    page.locator("[data-testid=questions] > li").nth(1).get_by_role("button", name="上移").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=questions] > li strong").first.inner_text() == "您需要送餐上门吗？"
    screenshot(page, "surveys-staff-questions-elder")
    page.click("[data-testid=publish]")
    page.wait_for_load_state()
    survey = Survey.objects.get(title="独居老人助餐需求调研")
    assert survey.status == Survey.Status.OPEN and survey.recipients.count() == 2
    assert page.inner_text("[data-testid=answer-count]").strip() == "0 / 2"

    # 李大爷 sees it on his home page and answers on his phone
    page.context.clear_cookies()
    phone(page)
    browser_login(page, estate.alone_b1_app.user.mobile)  # type: ignore[union-attr]
    assert "独居老人助餐需求调研" in page.inner_text("[data-testid=home-surveys]")
    page.click("[data-testid=home-surveys] a.title")
    page.wait_for_load_state()
    page.click("[data-testid=submit-answers]")  # nothing chosen: the form says what is missing
    page.wait_for_load_state()
    assert "请回答" in page.inner_text("[data-testid=survey-form]")
    assert not Response.objects.exists()
    page.get_by_label("需要", exact=True).check()
    page.locator("[data-testid=question-2] input[value='4']").check()
    page.fill("[data-testid=question-3] textarea", "希望周末也能送饭")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(page, "surveys-resident-answers-elder")
    page.click("[data-testid=submit-answers]")
    page.wait_for_load_state()
    assert Response.objects.filter(survey=survey).count() == 1
    assert "谢谢" in page.inner_text("main")

    # the social worker sees the chart
    page.context.clear_cookies()
    phone(page)
    browser_login(page, users["social_worker"].mobile)
    page.goto(f"{page.base_url}/surveys/c/{code}/{survey.pk}/results/")
    page.wait_for_selector("[data-survey-chart][data-rendered='1'] svg")
    assert "1 / 2" in page.inner_text("[data-testid=results-summary]") or "已答 1" in page.inner_text(
        "[data-testid=results-summary]"
    )
    assert "希望周末也能送饭" in page.inner_text("main") and "李大爷" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(page, "surveys-results-chart-elder")

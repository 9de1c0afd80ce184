"""Walked on a phone in elder mode: a daughter links to her 82-year-old father (he agrees with the code texted to
his mobile), then orders him a canteen meal; he pays ¥0 by the canteen's age rules and the order says who ordered it
for whom."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.canteen.models import MealOrder
from linli.conftest import browser_login, screenshot
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.notifications.sms import LocmemSMSBackend
from linli.people.models import FamilyLink

from .family_factories import FATHER_MOBILE, make_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 420"))


def test_a_daughter_links_to_her_father_and_orders_him_a_free_meal(page: Any, community: Any, make_user: Any) -> None:
    LocmemSMSBackend.outbox.clear()
    daughter_user, daughter, father = make_family(community, make_user)
    assert father.age() == 82
    canteen = make_canteen_with_tarhai_rules(community)  # 10 yuan; 70+ pay 3; 80+ nothing
    menu = make_menu(canteen, timezone.localdate() + dt.timedelta(days=1))
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, daughter_user.mobile)

    # She asks to help her father, who lives in another flat of the community.
    page.goto(page.base_url + "/people/family/")
    assert "我的亲情账号" in page.inner_text("main")
    page.fill("input[name=find-name]", "王德明")
    page.select_option("select[name=find-building]", str(father.household.building_id))
    page.fill("input[name=find-room]", "2单元302")
    page.fill("input[name=find-mobile_last4]", FATHER_MOBILE[-4:])
    page.fill("input[name=find-relation]", "女儿")
    page.click("[data-testid=ask-find] button[type=submit]")
    page.wait_for_load_state()
    link = FamilyLink.objects.get(helper=daughter, elder=father)
    assert link.status == "requested"
    assert "等待同意" in page.inner_text(f"[data-testid=family-link-{link.pk}]")

    # A code goes to his mobile; he reads it out to her and she types it in.
    page.click(f"[data-testid=family-link-{link.pk}] [data-testid=send-code]")
    page.wait_for_load_state()
    texts = [m.text for m in LocmemSMSBackend.outbox if m.mobile == FATHER_MOBILE]
    assert len(texts) == 1 and "王晓燕" in texts[0]
    code = next(w for w in texts[0].replace("，", " ").replace("（", " ").split() if w.isdigit() and len(w) == 6)
    assert fits_the_phone(page)
    screenshot(page, "family-code-sent-elder")
    page.fill(f"[data-testid=family-link-{link.pk}] input[name=code]", code)
    page.click(f"[data-testid=family-link-{link.pk}] [data-testid=confirm-code]")
    page.wait_for_load_state()
    link.refresh_from_db()
    assert (link.status, link.consent) == ("active", "sms_code")
    card = page.inner_text(f"[data-testid=family-link-{link.pk}]")
    assert "生效中" in card and "您帮助 王德明" in card
    assert fits_the_phone(page)
    screenshot(page, "family-linked-elder")

    # Now the canteen offers to order for him too; at 82 he pays nothing.
    page.goto(page.base_url + f"/canteen/{community.code}/")
    section = page.locator(f"[data-testid=menu-{menu.pk}]")
    assert "为谁预订" in section.inner_text()
    father_form = section.locator("form", has_text="王德明")
    assert "¥0" in father_form.inner_text()
    assert fits_the_phone(page)
    screenshot(page, "family-canteen-menu-elder")
    father_form.locator("button").click()
    page.wait_for_load_state()

    order = MealOrder.objects.get(menu=menu, resident=father)
    assert (order.ordered_by_id, order.price_fen, order.resident_fen) == (daughter_user.pk, 1000, 0)
    row = page.inner_text(f"[data-testid=order-{order.pk}]")
    assert "王德明" in row and "¥0" in row and "由 王晓燕 为 王德明 代办" in row
    assert fits_the_phone(page)
    screenshot(page, "family-order-by-daughter-for-father-elder")


def test_a_social_worker_confirms_in_person_and_the_daughter_reads_it_in_english(
    page: Any, community: Any, make_user: Any
) -> None:
    from linli.accounts.models import Role
    from linli.people import services

    daughter_user, _daughter, father = make_family(community, make_user)
    worker = make_user(Role.SOCIAL_WORKER, community, display_name="李社工")
    link = services.family_link_request(actor=daughter_user, elder=father, relation="女儿")
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])
    browser_login(page, worker.mobile)
    page.goto(page.base_url + f"/people/{community.code}/family-links/?status=requested")
    row = page.locator(f"[data-testid=family-link-{link.pk}]")
    assert "王德明" in row.inner_text() and "等待同意" in row.inner_text()
    assert fits_the_phone(page)
    screenshot(page, "family-staff-confirm-elder")
    row.locator("button", has_text="当面确认").click()
    page.wait_for_load_state()
    link.refresh_from_db()
    assert (link.status, link.consent, link.confirmed_by_id) == ("active", "in_person", worker.pk)
    assert "已当面确认" in page.inner_text("main")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    browser_login(page, daughter_user.mobile)
    page.goto(page.base_url + "/people/family/")
    card = page.inner_text(f"[data-testid=family-link-{link.pk}]")
    assert "You help 王德明" in card and "confirmed in person by community staff" in card and "李社工" in card
    assert fits_the_phone(page)
    screenshot(page, "family-mine-english")

"""One walk on a 390×844 phone in elder mode, as a community goes live: the community invites a daughter by SMS;
she signs up from the invitation, verifies (实名核验), links to her 82-year-old father as his family helper (he reads
her the code texted to him) and orders him a canteen meal, which he gets free by the canteen's age rules."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen.models import MealOrder
from linli.conftest import make_resident, screenshot
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.notifications.sms import LocmemSMSBackend
from linli.people import idnumber, invitation_selectors, services
from linli.people.models import FamilyLink, Invitation
from linli.places.models import Household

from .family_factories import FATHER_MOBILE, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAUGHTER_MOBILE = "13912340046"
WIDTH, HEIGHT = 390, 844


def fits(page: Any) -> bool:
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {WIDTH}"))


def last_code(mobile: str) -> str:
    text = [m.text for m in LocmemSMSBackend.outbox if m.mobile == mobile][-1]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)  # type: ignore[union-attr]


def test_invited_signed_up_verified_linked_and_a_meal_ordered(page: Any, community: Any, make_user: Any) -> None:
    LocmemSMSBackend.outbox.clear()
    building = community.buildings.first()
    daughter = make_resident(community, name="王晓燕", birth=years_ago(46), seq=21, mobile=DAUGHTER_MOBILE)
    father = make_resident(community, name="王德明", birth=years_ago(82), seq=22, mobile=FATHER_MOBILE)
    father.household = Household.objects.create(community=community, building=building, unit="2单元302")
    father.save(update_fields=["household"])
    menu = make_menu(make_canteen_with_tarhai_rules(community), timezone.localdate() + dt.timedelta(days=1))

    # The community invites the building's residents: the daughter gets an SMS with the sign-up link.
    worker = make_user(Role.SOCIAL_WORKER, community)
    audience = invitation_selectors.audience_get(user=worker, community=community, building_id=building.pk, tag="")
    services.invitations_send(actor=worker, community=community, audience=audience)
    invited = [m.text for m in LocmemSMSBackend.outbox if m.mobile == DAUGHTER_MOBILE]
    assert len(invited) == 1 and community.name in invited[0]
    signup_path = "/accounts/signup/"
    assert invited[0].rstrip().endswith(signup_path)  # the SMS's link, after the site's address

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.context.add_cookies([{"name": "linli_elder", "value": "1", "url": page.base_url}])

    # She signs up with her number and the code texted to it.
    page.goto(page.base_url + signup_path)
    assert "elder" in (page.get_attribute("html", "class") or "")
    page.fill("input[name=mobile]", DAUGHTER_MOBILE)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.fill("input[name=otp]", last_code(DAUGHTER_MOBILE))
    page.fill("input[name=display_name]", "王晓燕")
    assert fits(page)
    screenshot(page, "golive-1-signup-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()

    # 实名核验: name and ID number against the register; the invitation counts as activated.
    page.click("[data-testid=verify-cta] a")
    page.wait_for_load_state()
    page.fill("input[name=name]", "王晓燕")
    page.fill("input[name=id_number]", idnumber.make_id_number("330109", daughter.birth_date, 21))
    assert fits(page)
    screenshot(page, "golive-2-verify-elder")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "王晓燕，您好" in page.inner_text("main")
    daughter.refresh_from_db()
    assert daughter.user is not None
    assert Invitation.objects.get(resident=daughter).activated_at is not None
    assert fits(page)
    screenshot(page, "golive-3-home-verified-elder")

    # She asks to help her father; he reads her the code texted to his mobile.
    page.goto(page.base_url + "/people/family/")
    page.fill("input[name=find-name]", "王德明")
    page.select_option("select[name=find-building]", str(building.pk))
    page.fill("input[name=find-room]", "2单元302")
    page.fill("input[name=find-mobile_last4]", FATHER_MOBILE[-4:])
    page.fill("input[name=find-relation]", "女儿")
    page.click("[data-testid=ask-find] button[type=submit]")
    page.wait_for_load_state()
    link = FamilyLink.objects.get(helper=daughter, elder=father)
    page.click(f"[data-testid=family-link-{link.pk}] [data-testid=send-code]")
    page.wait_for_load_state()
    page.fill(f"[data-testid=family-link-{link.pk}] input[name=code]", last_code(FATHER_MOBILE))
    page.click(f"[data-testid=family-link-{link.pk}] [data-testid=confirm-code]")
    page.wait_for_load_state()
    link.refresh_from_db()
    assert link.status == FamilyLink.Status.ACTIVE
    assert "生效中" in page.inner_text(f"[data-testid=family-link-{link.pk}]")
    assert fits(page)
    screenshot(page, "golive-4-family-linked-elder")

    # She orders her father tomorrow's meal: at 82 he pays nothing.
    page.goto(page.base_url + f"/canteen/{community.code}/")
    father_form = page.locator(f"[data-testid=menu-{menu.pk}]").locator("form", has_text="王德明")
    assert "¥0" in father_form.inner_text()
    assert fits(page)
    screenshot(page, "golive-5-canteen-menu-elder")
    father_form.locator("button").click()
    page.wait_for_load_state()
    order = MealOrder.objects.get(menu=menu, resident=father)
    assert (order.ordered_by_id, order.resident_fen) == (daughter.user_id, 0)
    assert "由 王晓燕 为 王德明 代办" in page.inner_text(f"[data-testid=order-{order.pk}]")
    assert fits(page)
    screenshot(page, "golive-6-order-for-father-elder")

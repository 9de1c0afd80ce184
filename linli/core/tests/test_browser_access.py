"""Every page a resident, a grid steward, a community admin, a merchant, a street admin, a social worker, an
operator, a volunteer, a city viewer and a city admin reach within two taps of their home, on a phone (390×844),
in standard and in large text: no serious or critical axe-core violation (WCAG 2 A/AA), no tap target under 44×44
CSS px (48×48 in elder mode) and no raw code, Python value or English word on a Chinese page, nor in the
spreadsheets and PDFs those pages link to. The rules are in `accessibility.py`;
axe-core is vendored beside them (no download).

It runs once per CI run: on SQLite. The PostgreSQL run would render the same pages again."""

import datetime as dt
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.conftest import ARTIFACTS, browser_login, make_resident, screenshot

from . import accessibility as a11y

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the accessibility crawl runs once per CI run, on SQLite: on PostgreSQL it would check the same pages",
    ),
]

PHONE = {"width": 390, "height": 844}
# Pages deeper than two taps that hold files to read, crawled from as if they were home: the community's
# evaluation (street cockpit → community → evaluation) offers its report as a PDF and a spreadsheet.
EXTRA_START = {"street": ["/cockpit/communities/shibei/evaluation/"]}


@pytest.fixture
def neighbourhood(community: Any, street: Any, make_user: Any) -> dict[str, Any]:
    """A small community with something in each corner a person reaches from home: a report with answers, a canteen
    menu, a bookable service, a shop with a product, an activity, points, volunteer hours confirmed (so the
    resident's page of hours offers the year's certificate, a PDF), the street's health check (its spreadsheet);
    and one login per kind of user."""
    from linli.care.models import Cadence, Condition, Need
    from linli.care.services import referral_create, visit_record
    from linli.cockpit.selectors import last_complete_month
    from linli.cockpit.services import snapshot_refresh
    from linli.facilities.services import booking_create, facility_operators_set
    from linli.facilities.tests.factories import (
        make_canteen_with_tarhai_rules,
        make_facility,
        make_menu,
        make_service,
        make_slot,
    )
    from linli.ledger.models import Merchant, Product
    from linli.ledger.tests.conftest import fund
    from linli.mediation.services import case_assign_mediator, case_open, mediator_add
    from linli.people.models import SensitiveTag
    from linli.planning.services import plan_run_request
    from linli.reports.defaults import categories_create_defaults
    from linli.reports.services.intake import report_submit
    from linli.volunteering.services import record_confirm
    from linli.volunteering.tests.conftest import make_activity
    from linli.volunteering.tests.test_services import AT_START, signed_in

    admin = make_user(Role.COMMUNITY_ADMIN, community, display_name="陈主任")
    steward = make_user(Role.GRID_STEWARD, community, display_name="王网格")
    grid = community.grids.first()
    grid.steward = steward
    grid.save(update_fields=["steward"])
    resident_user = make_user(Role.RESIDENT, community, display_name="钱阿姨")
    resident = make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), seq=3, user=resident_user)
    merchant_user = make_user(display_name="李老板")
    merchant = Merchant.objects.create(
        community=community, name="小北鲜市", status=Merchant.Status.APPROVED, applied_at=timezone.now()
    )
    merchant.staff.add(merchant_user)
    RoleAssignment.objects.create(user=merchant_user, role=Role.MERCHANT_STAFF, community=community)
    Product.objects.create(merchant=merchant, community=community, name="青菜一把", price_points=10, stock=9)
    street_admin = make_user(Role.STREET_ADMIN, street=street, display_name="街道赵科长")

    categories = categories_create_defaults(actor=admin, community=community)
    ebike = next(c for c in categories if c.attributes.filter(code="ebike").exists())
    report_submit(
        actor=resident_user,
        community=community,
        category=ebike,
        description="楼道里有电动车在充电",
        building=community.buildings.first(),
        attributes={"ebike": ["no"]},
    )
    canteen = make_canteen_with_tarhai_rules(community)
    canteen.code = "XB-02"  # codes as staff give them (the register's spreadsheet lists them)
    canteen.save(update_fields=["code"])
    make_menu(canteen, timezone.localdate() + dt.timedelta(days=1))
    hub = make_facility(community, code="XB-01")
    slot = make_slot(make_service(hub))
    activity = make_activity(admin, community)
    record_confirm(actor=admin, record=signed_in(activity, resident), now=AT_START + dt.timedelta(hours=2))
    fund(resident, 25)
    for seq in range(4, 8):  # people for the street's health check to count, and its spreadsheet to list
        make_resident(community, name=f"老人{seq}", birth=dt.date(1944, 3, seq), seq=seq)
    plan_run_request(actor=street_admin, street=street)
    snapshot_refresh(community=community, month=last_complete_month())  # the evaluation's files are of that month

    # the social worker's corner: a need passed on from a care visit, a mediation case they handle
    social_worker = make_user(Role.SOCIAL_WORKER, community, display_name="李社工")
    Cadence.objects.create(community=community, tag=SensitiveTag.objects.get(code="elderly_living_alone"), every_days=7)
    resident.tags.add(SensitiveTag.objects.get(code="elderly_living_alone"))
    visit = visit_record(
        actor=steward, resident=resident, condition=Condition.FAIR, needs=[Need.MEALS], note="腿脚不便，想订送餐"
    )
    referral_create(actor=steward, visit=visit, text="需要每天送一顿午餐")
    mediator = mediator_add(actor=admin, community=community, user=social_worker)
    case = case_open(
        actor=resident_user, community=community, kind="neighbour", title="楼道堆物", summary="邻居在楼道堆放纸箱。"
    )
    case_assign_mediator(actor=admin, case=case, mediator=mediator)
    # the operator's: the space they run, with a booking on its day sheet
    operator = make_user(Role.OPERATOR, community, display_name="黄运营")
    facility_operators_set(actor=admin, facility=hub, operators=[operator])
    booking_create(actor=resident_user, slot=slot, resident=resident)
    # the volunteer's: a resident who also volunteers, signed up and with hours confirmed
    volunteer_user = make_user(Role.VOLUNTEER, community, display_name="陈志愿")
    RoleAssignment.objects.create(user=volunteer_user, role=Role.RESIDENT, community=community)
    volunteer = make_resident(community, name="陈志愿", birth=dt.date(1980, 5, 4), seq=9, user=volunteer_user)
    record_confirm(actor=admin, record=signed_in(activity, volunteer), now=AT_START + dt.timedelta(hours=2))
    city_viewer = make_user(Role.CITY_VIEWER, display_name="市风貌办")
    city_admin = make_user(Role.CITY_ADMIN, display_name="市民政局")  # sets up the streets
    return {
        "resident": resident_user,
        "steward": steward,
        "admin": admin,
        "merchant": merchant_user,
        "street": street_admin,
        "social_worker": social_worker,
        "operator": operator,
        "volunteer": volunteer_user,
        "city_viewer": city_viewer,
        "city_admin": city_admin,
    }


def _check_role(
    browser: Any,
    base_url: str,
    role: str,
    user: Any,
    problems: dict[str, list[str]],
    files: dict[str, str],
    elder_routes: set[str],
) -> tuple[list[str], list[str]]:
    """Logs `user` in on a phone and crawls from where they land in standard text, every route they reach checked
    for them whatever other roles saw there (the same page shows each role other things); reads the spreadsheets
    and PDFs those pages link to (one per route not in `files`, which is updated). Then switches to large text
    with the header's switch (remembered on the account) and checks again the pages of routes not in
    `elder_routes` (updated: large text changes sizes, not content, so one role's check stands for the others).
    The URLs checked in standard and in large text."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_init_script(script=a11y.AXE_SOURCE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url

    def record(url: str, response: Any, *, elder: bool) -> None:
        found = a11y.check_response(page, response, elder=elder)
        if found:
            problems[f"{role} {'elder' if elder else 'standard'} {url}"] = found

    browser_login(page, user.mobile)
    landing = page.url.removeprefix(base_url)  # staff land on their workbench, residents on the home
    exports: dict[str, str] = {}
    urls = a11y.crawl(
        page,
        start=[landing, *EXTRA_START.get(role, [])],
        seen_routes=set(),
        on_page=lambda url, r: record(url, r, elder=False),
        exports=exports,
    )
    for route, url in exports.items():
        if route not in files:
            files[route] = url
            found = a11y.check_export(page, url, chinese=True)
            if found:
                problems[f"{role} file {url}"] = found
    page.click("[data-testid=elder-on]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    elder_urls = []
    for url in urls:
        route = a11y.route_of(urlsplit(url).path) or url
        if route in elder_routes:
            continue
        elder_routes.add(route)
        elder_urls.append(url)
        record(url, a11y.open_page(page, url), elder=True)
    page.goto(base_url + landing)
    screenshot(page, f"access-{role}-elder-phone")
    context.close()
    return urls, elder_urls


def test_every_page_two_taps_from_home_is_accessible_in_both_modes(browser, live_server, neighbourhood):
    began = time.monotonic()
    problems: dict[str, list[str]] = {}
    files: dict[str, str] = {}
    elder_routes: set[str] = set()
    checked: dict[str, list[str]] = {}
    elder: dict[str, list[str]] = {}
    for role, user in neighbourhood.items():
        checked[role], elder[role] = _check_role(browser, live_server.url, role, user, problems, files, elder_routes)
    elapsed = time.monotonic() - began
    pages = sum(len(u) for u in checked.values())
    (ARTIFACTS / "access-crawl.json").write_text(
        json.dumps(
            {
                "seconds": round(elapsed),
                "pages": checked,
                "elder_pages": elder,
                "files": files,
                "problems": problems,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )

    def reached(role: str, *prefixes: str) -> bool:
        return all(any(urlsplit(u).path.startswith(p) for u in checked[role]) for p in prefixes)

    # the crawl reached each kind of user's own pages, and a page shared by two roles was checked for both
    assert reached("steward", "/reports/shibei/queue/"), checked["steward"]
    assert reached("resident", "/ledger/shop"), checked["resident"]
    assert reached("street", "/cockpit/streets/"), checked["street"]
    assert reached("social_worker", "/care/shibei/referrals/", "/mediation/shibei/"), checked["social_worker"]
    assert reached("operator", "/services/shibei/day/"), checked["operator"]
    assert reached("volunteer", "/volunteer/"), checked["volunteer"]
    assert reached("city_viewer", "/cockpit/city/"), checked["city_viewer"]
    assert reached("city_admin", "/places/streets/", "/cockpit/city/", "/planning/"), checked["city_admin"]
    assert reached("volunteer", "/waste/shibei/"), checked["volunteer"]  # a volunteer checks waste sorting
    assert set(checked["resident"]) & set(checked["volunteer"]), (checked["resident"], checked["volunteer"])
    assert pages >= 80, checked
    assert any(u.startswith("/planning/runs/") for u in files.values()), files  # spreadsheets were read
    assert any(u.startswith("/volunteer/my/certificate/") for u in files.values()), files  # and PDFs
    assert {"cockpit:evaluation_pdf", "cockpit:evaluation_xlsx"} <= set(files), files
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in sorted(problems.items()))


def test_the_checks_catch_what_they_look_for():
    """The text rules flag raw codes, reprs and English on a Chinese page, and let people's text through."""
    flagged = a11y.raw_text_problems("指标 jobs_supported {'earning': 0} Choose Files", chinese=True)
    assert any("jobs_supported" in p for p in flagged)
    assert any("{'" in p for p in flagged)
    assert any("Choose" in p and "Files" in p for p in flagged)
    assert a11y.raw_text_problems("¥5.00 + 5 积分 · 导出 Excel · 13900000001 · 2026-12-06", chinese=True) == []
    assert a11y.raw_text_problems("Points and Excel", chinese=False) == []


def test_a_spreadsheets_cells_and_sheet_names_are_read():
    """The exports check reads every sheet's name and cell, so a code in a spreadsheet fails like one on a page."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "汇总"
    book.active.append(["收入（元）", 3015382])
    book.create_sheet("Figures").append(["revenue_yuan", "{'earning': 0}"])
    buffer = io.BytesIO()
    book.save(buffer)
    text = a11y.file_text(buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert text is not None and "汇总" in text and "3015382" in text
    flagged = a11y.raw_text_problems(text, chinese=True)
    assert any("revenue_yuan" in p for p in flagged) and any("{'" in p for p in flagged)
    assert any("Figures" in p for p in flagged)
    assert a11y.file_text(b"name,value\n", "text/csv") is None

"""Nobody rebuilds an ID number from what they see: the role × place matrix of docs/privacy.md.

A masked number next to a birth date gives the number away (the birth date is 8 of the hidden digits and the
check character leaves a handful), and so does a region prefix. Roles without the right to reveal an ID number
see only its last 4 characters and an age by calendar year; roles with it see the birth date as well."""

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.audit.services import snapshot
from linli.conftest import client_for, make_resident
from linli.people import idnumber, services
from linli.people.models import Resident

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1950, 3, 8)
FULL = idnumber.make_id_number("330109", BIRTH, 262)
LAST4 = FULL[-4:]
# Every way a page, the admin, the API or a snapshot could write the birth date or the hidden digits.
SECRETS = ("1950-03-08", "19500308", "1950年3月8日", "March 8, 1950", "1950/03/08", "3月8日", "330109", "330*", FULL)
BIRTH_SHOWN = ("1950-03-08", "1950年3月8日", "1950/03/08")

ROLES = [
    "resident",
    "volunteer",
    "grid_steward",
    "social_worker",
    "community_admin",
    "street_admin",
    "city_viewer",
    "superuser",
]
# What each role sees of a resident of its community: None nothing at all, "mask" the last 4 characters and
# an age by calendar year, "birth" that and the birth date (they may also reveal the number, audited).
SEES = {
    "resident": None,
    "volunteer": None,
    "grid_steward": "mask",
    "social_worker": "birth",
    "community_admin": "birth",
    "street_admin": None,
    "city_viewer": None,
    "superuser": "birth",
}
# Who reads the audit log (rules.can_view_audit): community admins, the street over it, superusers.
READS_AUDIT = {"community_admin", "street_admin", "superuser"}


@pytest.fixture
def accounts(users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    accounts = dict(users)
    accounts["superuser"] = make_user(is_superuser=True)
    for user in accounts.values():
        user.is_staff = True  # the admin is open to every account here: the rules must do the refusing
        user.save(update_fields=["is_staff"])
    return accounts


@pytest.fixture
def zhou(community: Any, users: dict[str, Any]) -> Resident:
    """Registered through the service, so its audit row is the one the service writes."""
    return services.resident_create(
        actor=users["community_admin"], community=community, name="周丽君", id_number=FULL, mobile="13712345678"
    )


def places(zhou: Resident) -> dict[str, str]:
    entry = AuditEntry.objects.get(action="resident.create")
    return {
        "api list": "/api/v1/communities/shibei/residents",
        "api detail": f"/api/v1/communities/shibei/residents/{zhou.pk}",
        "page list": "/people/shibei/residents/",
        "page detail": f"/people/shibei/residents/{zhou.pk}/",
        "admin list": "/admin/people/resident/",
        "admin detail": f"/admin/people/resident/{zhou.pk}/change/",
        "audit list": "/admin/audit/auditentry/",
        "audit detail": f"/admin/audit/auditentry/{entry.pk}/change/",
    }


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_sees_of_an_id_number_in_every_place(role, accounts, zhou):
    client = client_for(accounts[role])
    sees = SEES[role]
    for place, url in places(zhou).items():
        response = client.get(url)
        body = response.content.decode()
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.dumps(response.json(), ensure_ascii=False)
        audit = place.startswith("audit")
        marker = "resident.create" if audit else "周丽君"
        shown = response.status_code == 200 and marker in body
        assert shown is (role in READS_AUDIT if audit else sees is not None), (role, place, response.status_code)
        # The audit log holds neither birth date nor region for anyone; the rest shows the birth date only to
        # those who may reveal the number.
        forbidden = SECRETS if audit or sees != "birth" else (FULL, "330109", "330*")
        for secret in forbidden:
            assert secret not in body, (role, place, secret)
        if shown and not audit:
            assert LAST4 in body, (role, place)
            if sees == "birth" and place != "page list":
                assert any(b in body for b in BIRTH_SHOWN), (role, place)


def test_the_api_gives_an_age_by_calendar_year_without_the_birth_date_to_those_who_may_not_reveal(accounts, zhou):
    steward = client_for(accounts["grid_steward"]).get(f"/api/v1/communities/shibei/residents/{zhou.pk}").json()
    this_year = timezone.localdate().year - 1950
    assert steward["birth_date"] is None
    assert steward["id_number"] == "*" * 14 + LAST4
    assert steward["age"] == this_year and steward["age_exact"] is False
    worker = client_for(accounts["social_worker"]).get(f"/api/v1/communities/shibei/residents/{zhou.pk}").json()
    assert worker["birth_date"] == "1950-03-08" and worker["id_number"] == "*" * 14 + LAST4
    assert worker["age"] == zhou.age() and worker["age_exact"] is True


def test_age_filters_cannot_find_the_birthday_of_a_resident(accounts, community, zhou):
    """Asked on the birthday, an exact age filter would say who just turned N; by calendar year it cannot."""
    born_today = timezone.localdate().replace(year=1960)
    make_resident(community, name="钱", birth=born_today, seq=5)
    make_resident(community, name="孙", birth=born_today - dt.timedelta(days=1), seq=6)
    make_resident(community, name="李", birth=born_today + dt.timedelta(days=1), seq=7)
    age = timezone.localdate().year - 1960
    url = f"/api/v1/communities/shibei/residents?min_age={age}&max_age={age}"
    steward = {r["name"] for r in client_for(accounts["grid_steward"]).get(url).json()}
    assert steward == {"钱", "孙", "李"}  # the whole birth year, whatever today's date
    worker = {r["name"] for r in client_for(accounts["social_worker"]).get(url).json()}
    assert "李" not in worker and {"钱", "孙"} <= worker  # exact ages, for those who see birth dates


def test_the_admin_refuses_to_filter_by_birth_date_for_those_who_may_not_see_it(accounts, zhou):
    steward = client_for(accounts["grid_steward"])
    response = steward.get("/admin/people/resident/?birth_date=1950-03-08")
    assert response.status_code == 400 or "周丽君" not in response.content.decode()
    response = steward.get("/admin/people/resident/?birth_date__year=1950&o=5")
    assert response.status_code == 400 or "周丽君" not in response.content.decode()
    admin = client_for(accounts["community_admin"])
    assert "周丽君" in admin.get("/admin/people/resident/?birth_date=1950-03-08").content.decode()


def test_audit_snapshots_keep_neither_the_birth_date_nor_the_region(accounts, zhou):
    services.resident_update(actor=accounts["social_worker"], resident=zhou, birth_date=dt.date(1950, 3, 9))
    client_for(accounts["community_admin"]).post(
        f"/people/shibei/residents/{zhou.pk}/", {"reason": "核对身份"}
    )  # a reveal
    rows = list(AuditEntry.objects.filter(object_type="people.resident"))
    assert {r.action for r in rows} >= {"resident.create", "resident.update", "resident.reveal_id_number"}
    for row in rows:
        text = json.dumps([row.before, row.after], ensure_ascii=False)
        for secret in (*SECRETS, "1950-03-09", "19500309"):
            assert secret not in text, (row.action, secret)
    update = AuditEntry.objects.get(action="resident.update")
    assert update.before["birth_year"] == 1950 and update.after["birth_year"] == 1950
    assert update.after["id_number_masked"] == "*" * 14 + LAST4
    assert "birth_date" not in snapshot(zhou)


def test_no_place_shows_a_region_prefix_in_a_mask():
    assert idnumber.mask(FULL) == "*" * 14 + LAST4
    assert idnumber.mask(FULL.lower()[:-1] + FULL[-1].lower()) == "*" * 14 + LAST4


def test_the_migration_remasks_stored_numbers_and_cuts_audit_birth_dates_to_the_year(community):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("linli.people.migrations.0003_mask_last_four_and_coarsen_audit_birth_dates")
    old = make_resident(community, name="旧", seq=9)
    Resident.objects.filter(pk=old.pk).update(id_number_masked="330***********" + old.id_number_masked[-4:])
    entry = AuditEntry.objects.create(
        action="resident.update",
        object_type="people.resident",
        object_id=str(old.pk),
        community=community,
        before={"birth_date": "1950-03-08", "id_number_masked": "330***********1234", "name": "旧"},
        after={"birth_date": "1950-03-09", "id_number_masked": "330***********1234", "name": "旧"},
    )
    other = AuditEntry.objects.create(action="x.update", object_type="places.grid", after={"birth_date": "keep"})
    migration.forwards(apps, None)
    old.refresh_from_db()
    entry.refresh_from_db()
    other.refresh_from_db()
    assert old.id_number_masked.startswith("*" * 14) and not old.id_number_masked.startswith("330")
    assert entry.before == {"birth_year": 1950, "id_number_masked": "*" * 14 + "1234", "name": "旧"}
    assert entry.after["birth_year"] == 1950 and "birth_date" not in entry.after
    assert other.after == {"birth_date": "keep"}


def test_canteen_day_sheets_do_not_tell_a_grid_steward_the_birthday(accounts, community):
    """Day sheets can be paged back day by day: an exact age on each would show the day it went up."""
    from linli.canteen import services as canteen_services
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu

    today = timezone.localdate()
    birthday = today - dt.timedelta(days=1)
    diner = make_resident(community, name="寿星", birth=birthday.replace(year=birthday.year - 75), seq=8)
    canteen = make_canteen_with_tarhai_rules(community)
    ages = {}
    for day in (birthday - dt.timedelta(days=1), birthday):
        early = dt.datetime.combine(day, dt.time(8), tzinfo=timezone.get_current_timezone())
        canteen_services.meal_order_create(
            actor=accounts["social_worker"], menu=make_menu(canteen, day), resident=diner, now=early
        )
        for role in ("grid_steward", "social_worker"):
            client = client_for(accounts[role])
            rows = client.get(f"/api/v1/communities/shibei/canteen/orders?date={day}").json()
            page = client.get(f"/canteen/shibei/counter/?date={day}").content.decode()
            # the name's cell may say who ordered for the diner ("by X for Y")
            shown = re.search(rf"<td>寿星(?: <small[^>]*>[^<]*</small>)?</td><td>{rows[0]['age']}</td>", page)
            ages[role, day] = (rows[0]["age"], shown is not None)
    steward = {ages["grid_steward", d] for d in (birthday - dt.timedelta(days=1), birthday)}
    assert len(steward) == 1 and all(shown for _, shown in steward)  # the same age either side of the birthday
    worker = [ages["social_worker", d][0] for d in (birthday - dt.timedelta(days=1), birthday)]
    assert worker[1] == worker[0] + 1


@pytest.mark.parametrize("role", ["social_worker", "community_admin", "street_admin", "city_viewer", "superuser"])
def test_canteen_statements_carry_neither_mask_nor_birth_date(role, accounts, community, zhou):
    """The subsidy statement (JSON and .xlsx) names the diner and the age the subsidy went by, nothing more."""
    import io

    from openpyxl import load_workbook

    from linli.canteen import services as canteen_services
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu

    today = timezone.localdate()
    early = dt.datetime.combine(today, dt.time(8), tzinfo=timezone.get_current_timezone())
    menu = make_menu(make_canteen_with_tarhai_rules(community), today)
    canteen_services.meal_order_create(actor=accounts["social_worker"], menu=menu, resident=zhou, now=early)
    url = f"/api/v1/communities/shibei/canteen/statements/economic_cooperative/{today:%Y-%m}"
    client = client_for(accounts[role])
    data = client.get(url)
    assert data.status_code == 200, data.content
    sheet = client.get(url + "?format=xlsx")
    cells = " ".join(
        str(c) for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row
    )
    for body in (json.dumps(data.json(), ensure_ascii=False), cells):
        assert "周丽君" in body
        for secret in (*SECRETS, LAST4, "1950"):
            assert secret not in body, (role, secret)

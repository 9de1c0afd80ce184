"""The register edited on pages: residents, households, filters. Every role, every page; refusals change nothing."""

import datetime as dt

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE_AND_ANONYMOUS, client_for, make_resident
from linli.people import idnumber
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building, Household

pytestmark = pytest.mark.django_db

ROLES = EVERY_ROLE_AND_ANONYMOUS
READERS = {"grid_steward", "social_worker", "community_admin"}
EDITORS = {"social_worker", "community_admin"}


@pytest.fixture
def household(community):
    return community.households.get()


@pytest.fixture
def building(community):
    return Building.objects.get(community=community)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_register_page(role, users, community, resident, household, building, role_client):
    client = role_client(role)
    reads = [
        "/people/shibei/residents/",
        f"/people/shibei/residents/{resident.pk}/",
        "/people/shibei/households/",
        f"/people/shibei/buildings/{building.pk}/households/",
        f"/people/shibei/households/{household.pk}/",
    ]
    edits = [
        "/people/shibei/residents/new/",
        f"/people/shibei/residents/{resident.pk}/edit/",
        "/people/shibei/households/new/",
        f"/people/shibei/households/{household.pk}/edit/",
        "/people/shibei/data-requests/",
    ]
    for url in reads:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert (response.status_code == 200) is (role in READERS), (url, response.status_code)
            assert response.status_code in (200, 403, 404)
    for url in edits:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert (response.status_code == 200) is (role in EDITORS), (url, response.status_code)
    before = (Resident.objects.count(), Household.objects.count(), AuditEntry.objects.count())
    writes = [
        (f"/people/shibei/residents/{resident.pk}/move-out/", {"moved_out_on": "2024-01-02", "reason": "搬走"}),
        ("/people/shibei/households/new/", {"building": building.pk, "unit": "9单元909"}),
        (f"/people/shibei/households/{household.pk}/edit/", {"unit": "1单元102"}),
    ]
    for url, data in writes:
        response = client.post(url, data)
        if role in EDITORS:
            assert response.status_code == 302, (url, response.content[:300])
        else:
            assert response.status_code in (302, 403, 404), url
            if role == "anonymous":
                assert "/accounts/login/" in response["Location"]
    if role not in EDITORS:
        assert (Resident.objects.count(), Household.objects.count(), AuditEntry.objects.count()) == before
        resident.refresh_from_db()
        assert resident.moved_out_on is None
    else:
        assert Household.objects.filter(unit="9单元909").exists()
        assert AuditEntry.objects.filter(action="household.create").count() == 1
        assert AuditEntry.objects.filter(action="resident.move_out").count() == 1


def test_edit_page_changes_everything_but_never_shows_the_full_id_number(users, community, resident):
    client = client_for(users["social_worker"])
    full = idnumber.make_id_number("330109", dt.date(1950, 3, 8), 1)
    page = client.get(f"/people/shibei/residents/{resident.pk}/edit/").content.decode()
    assert full not in page and resident.id_number_masked in page
    tag = SensitiveTag.objects.get(code="elderly_living_alone")
    response = client.post(
        f"/people/shibei/residents/{resident.pk}/edit/",
        {
            "name": "周丽君",
            "mobile": "13900001111",
            "sex": "F",
            "birth_date": "1950-03-08",
            "id_number": "",
            "household": str(resident.household_id),
            "relation_to_head": "head",
            "residence": "registered_elsewhere",
            "hukou_address": "浙江省杭州市西湖区文三路1号",
            "is_party_member": "on",
            "tags": [tag.code],
            "note": "独居，子女在上海",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resident.refresh_from_db()
    assert resident.mobile == "13900001111" and resident.relation_to_head == "head"
    assert resident.residence == "registered_elsewhere" and resident.hukou_address.startswith("浙江省")
    assert resident.is_party_member and list(resident.tags.values_list("code", flat=True)) == [tag.code]
    assert resident.id_number_masked.endswith(full[-4:])  # left empty: kept
    entry = AuditEntry.objects.get(action="resident.update")
    assert full not in str(entry.after) and full not in str(entry.before)
    assert entry.after["residence"] == "registered_elsewhere"


def test_registering_creates_the_new_household_with_the_resident_or_neither(users, community, building):
    client = client_for(users["community_admin"], "en")
    data = {"name": "新住户", "birth_date": "1990-01-01", "residence": "consistent", "new_building": building.pk}
    missing_unit = client.post("/people/shibei/residents/new/", data)
    assert "Enter the unit and room of the new household" in missing_unit.content.decode()
    taken = client.post("/people/shibei/residents/new/", {**data, "new_unit": "1单元101"})
    assert "already has a household in this unit" in taken.content.decode()
    bad_id = client.post(
        "/people/shibei/residents/new/", {**data, "new_unit": "3单元303", "id_number": "330109198005171234"}
    )
    assert bad_id.status_code == 200
    assert Resident.objects.count() == 0 and Household.objects.count() == 1  # the household rolled back too
    done = client.post("/people/shibei/residents/new/", {**data, "new_unit": "3单元303", "relation_to_head": "head"})
    assert done.status_code == 302
    created = Resident.objects.get()
    assert str(created.household) == f"{building.name} 3单元303" and created.relation_to_head == "head"
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"household.create", "resident.create"}


def test_household_pages_refuse_bad_units_and_other_communities(users, community, other_community, household):
    client = client_for(users["social_worker"], "en")
    theirs = Building.objects.get(community=other_community)
    before = (Household.objects.count(), AuditEntry.objects.count())
    wrong = client.post("/people/shibei/households/new/", {"building": theirs.pk, "unit": "1单元101"})
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()
    again = client.post("/people/shibei/households/new/", {"building": household.building_id, "unit": "1单元101"})
    assert "already has a household in this unit" in again.content.decode()
    blank = client.post(f"/people/shibei/households/{household.pk}/edit/", {"unit": "   "})
    assert blank.status_code == 200
    their_household = Household.objects.get(community=other_community)
    assert client.get(f"/people/shibei/households/{their_household.pk}/").status_code == 404
    assert client.get(f"/people/shibei/buildings/{theirs.pk}/households/").status_code == 404
    assert (Household.objects.count(), AuditEntry.objects.count()) == before


def test_household_detail_lists_members_and_moves_a_resident_in(users, community, household, building):
    other_home = Household.objects.create(community=community, building=building, unit="2单元201")
    head = make_resident(community, name="户主甲", seq=1, relation_to_head="head")
    mover = make_resident(community, name="搬家乙", birth=dt.date(1985, 6, 1), seq=2)
    mover.household = other_home
    mover.save()
    gone = make_resident(community, name="迁出丙", seq=3, moved_out_on=dt.date(2024, 1, 1))
    client = client_for(users["social_worker"], "zh-hans")
    page = client.get(f"/people/shibei/households/{household.pk}/").content.decode()
    assert "户主甲" in page and "户主" in page and "迁出丙" not in page and "搬家乙" not in page
    found = client.get(f"/people/shibei/households/{household.pk}/?q=搬家").content.decode()
    assert "搬家乙" in found
    moved = client.post(
        f"/people/shibei/households/{household.pk}/?q=搬家", {"resident": mover.pk, "relation_to_head": "child"}
    )
    assert moved.status_code == 302
    mover.refresh_from_db()
    assert mover.household == household and mover.relation_to_head == "child"
    entry = AuditEntry.objects.get(action="resident.update")
    assert entry.before["household_id"] == other_home.pk and entry.after["household_id"] == household.pk
    assert head.pk and gone.pk


def test_a_steward_sees_households_without_exact_ages_nor_edit_buttons(users, community, household, resident):
    page = client_for(users["grid_steward"]).get(f"/people/shibei/households/{household.pk}/").content.decode()
    assert resident.name in page and "添加成员" not in page and "Add a member" not in page
    assert client_for(users["grid_steward"]).post(
        f"/people/shibei/households/{household.pk}/", {"resident": resident.pk}
    ).status_code in (200, 403)
    resident.refresh_from_db()
    assert AuditEntry.objects.count() == 0


# --- search and filters ------------------------------------------------------------------------------------------


@pytest.fixture
def register(community, building):
    """A small register: two buildings, two grids, ages, tags, party members, one moved out."""
    from linli.places.models import Grid, Neighbourhood

    today = dt.date.today()
    people = {
        "old": make_resident(
            community, name="张老伯", birth=dt.date(today.year - 85, 1, 1), seq=1, mobile="13800001234"
        ),
        "kid": make_resident(community, name="张小宝", birth=dt.date(today.year - 4, 6, 1), seq=2),
        "red": make_resident(
            community, name="李党员", birth=dt.date(today.year - 45, 2, 2), seq=3, is_party_member=True
        ),
        "away": make_resident(
            community, name="王外出", birth=dt.date(today.year - 40, 3, 3), seq=4, residence="lives_elsewhere"
        ),
        "gone": make_resident(
            community, name="赵迁出", birth=dt.date(today.year - 50, 4, 4), seq=5, moved_out_on=dt.date(2024, 5, 1)
        ),
    }
    hood2 = Neighbourhood.objects.create(community=community, name="二区")
    grid2 = Grid.objects.create(community=community, code="G2", name="蓝网格")
    b2 = Building.objects.create(
        community=community, neighbourhood=hood2, grid=grid2, name="二区5幢", lat=30.28, lng=120.13
    )
    h2 = Household.objects.create(community=community, building=b2, unit="1单元501")
    for key in ("red", "away"):
        people[key].household = h2
        people[key].save()
    people["old"].tags.add(SensitiveTag.objects.get(code="elderly_living_alone"))
    return {"people": people, "b2": b2, "grid2": grid2, "hood2": hood2}


def names(response) -> set[str]:
    return {r["name"] for r in response.json()}


def test_filters_combine_on_the_api(users, community, register):
    client = client_for(users["social_worker"])
    base = "/api/v1/communities/shibei/residents"
    assert names(client.get(base)) == {"张老伯", "张小宝", "李党员", "王外出"}
    assert names(client.get(base + "?status=moved_out")) == {"赵迁出"}
    assert len(client.get(base + "?status=all").json()) == 5
    assert names(client.get(base + "?search=1234")) == {"张老伯"}  # last 4 of the mobile
    assert names(client.get(base + "?search=张")) == {"张老伯", "张小宝"}
    assert names(client.get(base + f"?building_id={register['b2'].pk}")) == {"李党员", "王外出"}
    assert names(client.get(base + f"?grid_id={register['grid2'].pk}&party_member=true")) == {"李党员"}
    assert names(client.get(base + f"?neighbourhood_id={register['hood2'].pk}&residence=lives_elsewhere")) == {"王外出"}
    assert names(client.get(base + "?age_tier=senior_80")) == {"张老伯"}
    assert names(client.get(base + "?age_tier=preschool")) == {"张小宝"}
    assert names(client.get(base + "?tag=elderly_living_alone&search=张")) == {"张老伯"}
    assert names(client.get(base + "?age_tier=adult&party_member=false")) == {"王外出"}
    wrong = client_for(users["social_worker"], "en").get(base + "?age_tier=ancient")
    assert wrong.status_code == 404 and "age group" in wrong.json()["error"]["message"]


def test_the_list_page_filters_counts_and_keeps_filters_across_pages(users, community, register, monkeypatch):
    from linli.people.views import residents as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(users["community_admin"], "en")
    page = client.get(f"/people/shibei/residents/?building={register['b2'].pk}&status=current").content.decode()
    assert "2 residents found" in page and "4 living here, 1 moved out" in page
    assert f"building={register['b2'].pk}" in page.split('data-testid="next"')[0].rsplit("href=", 1)[1]
    second = client.get(
        f"/people/shibei/residents/?building={register['b2'].pk}&status=current&page=2"
    ).content.decode()
    assert "Page 2 of 2" in second
    moved = client.get("/people/shibei/residents/?status=moved_out").content.decode()
    assert "赵迁出" in moved and "1 resident found" in moved


def test_a_steward_filters_by_year_of_birth_and_cannot_filter_by_tags_they_cannot_see(
    users, community, register, make_user
):
    steward = client_for(users["grid_steward"])
    assert names(steward.get("/api/v1/communities/shibei/residents?age_tier=senior_80")) == {"张老伯"}
    page = steward.get("/people/shibei/residents/").content.decode()
    assert "出生日期" not in page


def test_listing_residents_takes_a_fixed_number_of_queries(users, community, register, django_assert_max_num_queries):
    for i in range(30):
        r = make_resident(community, name=f"居民{i}", seq=100 + i)
        r.tags.add(SensitiveTag.objects.get(code="elderly_living_alone"))
    client = client_for(users["social_worker"])
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/communities/shibei/residents?limit=200").json()) == 34
    with django_assert_max_num_queries(16):
        assert client.get("/people/shibei/residents/?tag=elderly_living_alone").status_code == 200
    household = community.households.first()
    with django_assert_max_num_queries(14):
        assert client.get(f"/people/shibei/households/{household.pk}/").status_code == 200

"""The register's API for households and 迁出: every role, outsiders, anonymous; bad input saved nowhere."""

import datetime as dt

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE_AND_ANONYMOUS, client_for, make_resident
from linli.core.errors import Conflict
from linli.people import services
from linli.people.models import Resident
from linli.places.models import Building, Household

pytestmark = pytest.mark.django_db

ROLES = EVERY_ROLE_AND_ANONYMOUS
READERS = {"grid_steward", "social_worker", "community_admin"}
EDITORS = {"social_worker", "community_admin"}
BASE = "/api/v1/communities/shibei"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_the_household_and_move_endpoints(role, users, community, resident, role_client):
    client = role_client(role)
    building = Building.objects.get(community=community)
    household = community.households.get()
    before = (Household.objects.count(), AuditEntry.objects.count())
    listing = client.get(f"{BASE}/households?building_id={building.pk}")
    detail = client.get(f"{BASE}/households/{household.pk}")
    created = client.post(
        f"{BASE}/households", {"building_id": building.pk, "unit": "5单元505"}, content_type="application/json"
    )
    patched = client.patch(f"{BASE}/households/{household.pk}", {"unit": "1单元111"}, content_type="application/json")
    moved = client.post(
        f"{BASE}/residents/{resident.pk}/move-out",
        {"moved_out_on": "2025-01-01", "reason": "搬走"},
        content_type="application/json",
    )
    back = client.post(f"{BASE}/residents/{resident.pk}/move-back", {"reason": "录错"}, content_type="application/json")
    if role == "anonymous":
        assert {r.status_code for r in (listing, detail, created, patched, moved, back)} == {401}
    else:
        assert (listing.status_code == 200) is (role in READERS)
        assert (detail.status_code == 200) is (role in READERS)
        assert (created.status_code == 201) is (role in EDITORS), created.content
        assert (patched.status_code == 200) is (role in EDITORS)
        assert (moved.status_code == 200) is (role in EDITORS)
        assert (back.status_code == 200) is (role in EDITORS)
        for r in (listing, detail, created, patched, moved, back):
            if r.status_code >= 400:
                assert r.status_code in (403, 404) and set(r.json()["error"]) == {"code", "message", "fields"}
    if role in EDITORS:
        assert Household.objects.count() == before[0] + 1
        assert {"household.create", "household.update", "resident.move_out", "resident.move_back"} <= set(
            AuditEntry.objects.values_list("action", flat=True)
        )
        assert detail.json()["members"][0]["name"] == resident.name
    else:
        assert (Household.objects.count(), AuditEntry.objects.count()) == before
        household.refresh_from_db()
        assert household.unit == "1单元101" and Resident.objects.get(pk=resident.pk).moved_out_on is None


def test_household_bad_input_is_refused_in_the_users_language(users, community, other_community):
    theirs = Building.objects.get(community=other_community)
    mine = Building.objects.get(community=community)
    before = (Household.objects.count(), AuditEntry.objects.count())
    for language, taken, elsewhere in (("zh-hans", "已经有住户", "没有"), ("en", "already has a household", "No such")):
        client = client_for(users["social_worker"], language)
        dup = client.post(
            f"{BASE}/households", {"building_id": mine.pk, "unit": "1单元101"}, content_type="application/json"
        )
        assert dup.status_code == 409 and taken in dup.json()["error"]["message"]
        assert "unit" in dup.json()["error"]["fields"]
        other = client.post(
            f"{BASE}/households", {"building_id": theirs.pk, "unit": "9单元9"}, content_type="application/json"
        )
        assert other.status_code == 404 and elsewhere in other.json()["error"]["message"]
        blank = client.post(
            f"{BASE}/households", {"building_id": mine.pk, "unit": "  "}, content_type="application/json"
        )
        assert blank.status_code == 400 and "unit" in blank.json()["error"]["fields"]
    assert (Household.objects.count(), AuditEntry.objects.count()) == before


def test_a_resident_cannot_be_put_in_another_communitys_household(users, community, other_community, resident):
    theirs = Household.objects.get(community=other_community)
    response = client_for(users["social_worker"], "en").patch(
        f"{BASE}/residents/{resident.pk}", {"household_id": theirs.pk}, content_type="application/json"
    )
    assert response.status_code == 404 and "household" in response.json()["error"]["message"]
    resident.refresh_from_db()
    assert resident.household.community == community and AuditEntry.objects.count() == 0


def test_the_api_edits_the_register_fields(users, community, resident):
    client = client_for(users["social_worker"])
    out = client.patch(
        f"{BASE}/residents/{resident.pk}",
        {
            "relation_to_head": "spouse",
            "residence": "lives_elsewhere",
            "hukou_address": "温州市鹿城区",
            "note": "在外地工作",
        },
        content_type="application/json",
    ).json()
    assert (out["relation_to_head"], out["residence"], out["hukou_address"]) == (
        "spouse",
        "lives_elsewhere",
        "温州市鹿城区",
    )
    wrong = client_for(users["social_worker"], "en").patch(
        f"{BASE}/residents/{resident.pk}", {"residence": "on_the_moon"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "residence" in wrong.json()["error"]["fields"]
    resident.refresh_from_db()
    assert resident.residence == "lives_elsewhere"


def test_moving_out_before_birth_or_in_the_future_is_refused_by_the_api(users, community):
    young = make_resident(community, name="小明", birth=dt.date(2020, 6, 1), seq=9)
    client = client_for(users["community_admin"], "en")
    for day, text in (("2019-01-01", "before the resident was born"), ("2999-01-01", "cannot be in the future")):
        response = client.post(
            f"{BASE}/residents/{young.pk}/move-out",
            {"moved_out_on": day, "reason": "搬走"},
            content_type="application/json",
        )
        assert response.status_code == 400 and text in response.json()["error"]["message"]
        assert response.json()["error"]["fields"] == {"moved_out_on": [response.json()["error"]["message"]]}
    young.refresh_from_db()
    assert young.moved_out_on is None and AuditEntry.objects.count() == 0


def test_a_household_created_by_someone_else_meanwhile_is_refused_as_a_duplicate(users, community, monkeypatch):
    building = Building.objects.get(community=community)
    Household.objects.create(community=community, building=building, unit="5单元505")
    monkeypatch.setattr(Household.objects, "filter", lambda **_kw: Household.objects.none())  # after the check
    with pytest.raises(Conflict) as exc:
        services.household_create(
            actor=users["community_admin"], community=community, building=building, unit="5单元505"
        )
    assert (exc.value.code, exc.value.field, exc.value.status) == ("duplicate_unit", "unit", 409)
    assert AuditEntry.objects.filter(action="household.create").count() == 0

"""Deleting a street, community, building or grid set up by mistake: pages and API, refused while anything still
refers to it (saying what, nothing deleted), audited; reserved codes that would clash with the set-up URLs."""

import json

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.ledger.models import Account
from linli.places import services
from linli.places.models import Building, Community, Grid, Street

pytestmark = pytest.mark.django_db


def test_an_unused_street_is_deleted_by_a_city_admin_and_audited(users):
    street = Street.objects.create(code="typo", name="错街道")
    assert client_for(users["street_admin"]).delete("/api/v1/streets/typo").status_code in (403, 404)
    response = client_for(users["city_admin"]).delete("/api/v1/streets/typo")
    assert response.status_code == 204
    assert not Street.objects.filter(pk=street.pk).exists()
    entry = AuditEntry.objects.get(action="street.delete")
    assert entry.object_id == str(street.pk) and entry.before["name"] == "错街道"


def test_a_street_with_communities_is_refused_saying_what_refers_to_it(users, community):
    response = client_for(users["city_admin"], "en").delete(f"/api/v1/streets/{community.street.code}")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "still_referred_to" and "communities: 1" in error["message"]
    page = client_for(users["city_admin"]).post(f"/places/streets/{community.street.code}/delete/", follow=True)
    assert "仍被其他记录引用" in page.content.decode()
    assert Street.objects.filter(pk=community.street_id).exists()
    assert not AuditEntry.objects.filter(action="street.delete").exists()


def test_a_new_community_goes_with_its_unused_ledger_accounts(users, street):
    mistake = Community.objects.create(street=street, code="oops", name="误建社区", centre_lat=30.2, centre_lng=120.2)
    assert Account.objects.filter(community=mistake).exists()  # the ledger opened its funding accounts
    assert client_for(users["community_admin"]).delete("/api/v1/communities/oops").status_code in (403, 404)
    response = client_for(users["street_admin"]).post("/places/communities/oops/delete/")
    assert response.status_code == 302 and response["Location"] == f"/places/streets/{street.code}/"
    assert not Community.objects.filter(code="oops").exists()
    assert not Account.objects.filter(community_id=mistake.pk).exists()
    assert AuditEntry.objects.filter(action="community.delete", object_id=str(mistake.pk)).exists()


def test_a_lived_in_community_is_refused_and_nothing_goes(users, community, resident):
    accounts = Account.objects.filter(community=community).count()
    response = client_for(users["city_admin"]).delete(f"/api/v1/communities/{community.code}")
    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert "不能删除" in message and "居民" in message and "_" not in message
    assert Community.objects.filter(pk=community.pk).exists()
    assert Account.objects.filter(community=community).count() == accounts  # the clearing was rolled back


def test_buildings_and_grids_deleted_from_their_edit_pages(users, community):
    admin = client_for(users["community_admin"])
    hood = community.neighbourhoods.first()
    spare = Building.objects.create(community=community, neighbourhood=hood, name="空楼", lat=30.285, lng=120.135)
    edit = admin.get(f"/places/communities/{community.code}/buildings/{spare.pk}/").content.decode()
    assert 'data-testid="delete-place"' in edit and "删除" in edit
    done = admin.post(f"/places/communities/{community.code}/buildings/{spare.pk}/delete/", follow=True)
    assert "已删除" in done.content.decode() and not Building.objects.filter(pk=spare.pk).exists()
    services.grid_create(actor=users["community_admin"], community=community, code="G9", name="蓝网格")
    assert admin.delete(f"/api/v1/communities/{community.code}/grids/G9").status_code == 204
    assert {"building.delete", "grid.delete"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_a_building_with_households_and_a_grid_with_buildings_are_refused(users, community):
    admin = client_for(users["community_admin"])
    building = community.buildings.first()
    page = admin.post(f"/places/communities/{community.code}/buildings/{building.pk}/delete/", follow=True)
    body = page.content.decode()
    assert "仍被其他记录引用" in body and "户" in body
    grid = admin.delete(f"/api/v1/communities/{community.code}/grids/G1")
    assert grid.status_code == 409 and "楼栋" in grid.json()["error"]["message"]
    assert Building.objects.filter(pk=building.pk).exists() and Grid.objects.filter(code="G1").exists()


def test_who_may_not_delete_and_other_communities(users, community, other_community):
    spare = other_community.buildings.first()
    admin = client_for(users["community_admin"])
    assert admin.delete(f"/api/v1/communities/{other_community.code}/buildings/{spare.pk}").status_code in (403, 404)
    assert admin.delete(f"/api/v1/communities/{community.code}/buildings/{spare.pk}").status_code == 404
    for role in ("grid_steward", "resident", "outsider"):
        response = client_for(users[role]).delete(f"/api/v1/communities/{community.code}/grids/G1")
        assert response.status_code in (403, 404)
    assert client_for(users["grid_steward"]).post(
        f"/places/communities/{community.code}/grids/G1/delete/"
    ).status_code in (403, 404)
    assert Grid.objects.filter(community=community, code="G1").exists()


@pytest.mark.parametrize("code", ["new", "NEW", "delete"])
def test_reserved_codes_are_refused_for_grids_and_streets(users, community, code):
    grid = client_for(users["community_admin"]).post(
        f"/api/v1/communities/{community.code}/grids",
        data=json.dumps({"code": code, "name": "新网格"}),
        content_type="application/json",
    )
    assert grid.status_code == 400 and grid.json()["error"]["code"] == "reserved_code"
    assert "保留字" in grid.json()["error"]["message"]
    street = client_for(users["city_admin"]).post(
        "/api/v1/streets", data=json.dumps({"code": code, "name": "新街道"}), content_type="application/json"
    )
    assert street.status_code == 400 and street.json()["error"]["fields"]["code"]
    assert not Grid.objects.filter(code__iexact=code).exists() and not Street.objects.filter(code__iexact=code).exists()
    page = client_for(users["community_admin"]).post(
        f"/places/communities/{community.code}/grids/new/", {"code": code, "name": "新网格", "colour": "#d94f2b"}
    )
    assert "保留字" in page.content.decode()

"""The staff admin: scoped to the user's communities, and every save audited."""

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.places.models import Building, Grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(users):
    user = users["community_admin"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return client_for(user)


def test_admin_lists_only_own_community_and_404s_on_others(admin_client, community, other_community):
    listing = admin_client.get("/admin/places/building/").content.decode()
    assert "市北社区1幢" in listing and "利民社区1幢" not in listing
    theirs = Building.objects.get(community=other_community)
    response = admin_client.get(f"/admin/places/building/{theirs.pk}/change/")
    assert response.status_code in (302, 404)


def test_admin_save_is_audited_with_before_and_after(admin_client, community):
    grid = Grid.objects.get(community=community)
    response = admin_client.post(
        f"/admin/places/grid/{grid.pk}/change/",
        {
            "community": community.pk,
            "code": "G1",
            "name": "新名字",
            "colour": "#123456",
            "steward": "",
            "boundary": "null",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="grid.update")
    assert entry.before["name"] == "市北社区红网格" and entry.after["name"] == "新名字"
    assert entry.community == community and entry.via == "admin"


def test_a_steward_cannot_change_places_in_the_admin(users, community):
    steward = users["grid_steward"]
    steward.is_staff = True
    steward.save(update_fields=["is_staff"])
    grid = Grid.objects.get(community=community)
    response = client_for(steward).post(
        f"/admin/places/grid/{grid.pk}/change/",
        {
            "community": community.pk,
            "code": "G1",
            "name": "改名",
            "colour": "#123456",
            "steward": "",
            "boundary": "null",
        },
    )
    assert response.status_code == 403
    grid.refresh_from_db()
    assert grid.name == "市北社区红网格" and not AuditEntry.objects.exists()

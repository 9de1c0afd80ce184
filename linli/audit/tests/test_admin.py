"""The audit log in the admin: read by those `rules.can_view_audit` names, scoped to their communities."""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for

pytestmark = pytest.mark.django_db

# Which rows each account reads: the community admin of 市北 its community's, of 利民 its own, the street admin
# both communities of the street, the superuser everything, the rest nothing.
SEES = {
    "resident": set(),
    "volunteer": set(),
    "grid_steward": set(),
    "social_worker": set(),
    "merchant_staff": set(),
    "operator": set(),
    "community_admin": {"shibei"},
    "limin_admin": {"limin"},
    "limin_steward": set(),
    "street_admin": {"shibei", "limin"},
    "far_street_admin": {"guangde"},
    "city_viewer": set(),
    "outsider": set(),
    "superuser": {"shibei", "limin", "guangde", "none"},
}


@pytest.fixture
def accounts(users, make_user, other_community, far_community) -> dict[str, Any]:
    accounts = dict(users)
    accounts["limin_admin"] = make_user(Role.COMMUNITY_ADMIN, other_community)
    accounts["limin_steward"] = make_user(Role.GRID_STEWARD, other_community)
    accounts["far_street_admin"] = make_user(Role.STREET_ADMIN, street=far_community.street)
    accounts["superuser"] = make_user(is_superuser=True)
    for user in accounts.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return accounts


@pytest.fixture
def entries(community, other_community, far_community) -> dict[str, AuditEntry]:
    where = {"shibei": community, "limin": other_community, "guangde": far_community, "none": None}
    return {
        key: AuditEntry.objects.create(action=f"marker.{key}", object_type="places.grid", community=c)
        for key, c in where.items()
    }


@pytest.mark.parametrize("who", list(SEES))
def test_each_account_reads_only_the_audit_rows_it_may(who, accounts, entries):
    client = client_for(accounts[who])
    listing = client.get("/admin/audit/auditentry/")
    body = listing.content.decode()
    listed = {key for key in entries if f"marker.{key}" in body}
    assert listed == SEES[who], (who, listing.status_code)
    if not SEES[who]:
        assert listing.status_code == 403
    for key, entry in entries.items():
        detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
        readable = detail.status_code == 200 and f"marker.{key}" in detail.content.decode()
        assert readable is (key in SEES[who]), (who, key, detail.status_code)
    index = client.get("/admin/").content.decode()
    assert ("/admin/audit/auditentry/" in index) is bool(SEES[who]), who


def test_nobody_changes_or_deletes_audit_rows_in_the_admin(accounts, entries):
    client = client_for(accounts["superuser"])
    entry = entries["shibei"]
    client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "changed"})
    entry.refresh_from_db()
    assert entry.action == "marker.shibei" and AuditEntry.objects.count() == 4

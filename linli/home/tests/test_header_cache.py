"""The header's staff links and resident pages are kept per account and language, and read again as soon as a
role, street, community or resident record changes."""

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role, RoleAssignment
from linli.conftest import client_for, make_resident

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _staff_nav(page: str) -> str:
    start = page.find('data-testid="staff-nav"')
    return page[start : page.find("</nav>", start)] if start >= 0 else ""


def test_a_staff_page_reads_the_header_once_then_keeps_it(users: dict[str, Any], settings: Any) -> None:
    client = client_for(users["community_admin"])
    client.get("/reports/mine/")
    with CaptureQueriesContext(connection) as kept:
        first = client.get("/reports/mine/").content.decode()
    settings.HEADER_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as read:
        again = client.get("/reports/mine/").content.decode()
    assert TOKEN.sub("", first) == TOKEN.sub("", again) and "/places/communities/shibei/" in _staff_nav(first)
    assert len(read) - len(kept) == 2  # the communities of the account's roles and its resident record


def test_the_header_changes_with_a_new_role_a_renamed_community_and_a_resident_record(
    users: dict[str, Any], community: Any, other_community: Any
) -> None:
    admin = users["community_admin"]
    client = client_for(admin)
    page = client.get("/reports/mine/").content.decode()
    assert "/places/communities/limin/" not in _staff_nav(page) and "/volunteer/" not in page

    granted = RoleAssignment.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, community=other_community)
    nav = _staff_nav(client.get("/reports/mine/").content.decode())
    assert "/places/communities/limin/" in nav and "利民社区" in nav

    other_community.name = "新利民社区"
    other_community.save(update_fields=["name"])
    assert "新利民社区" in _staff_nav(client.get("/reports/mine/").content.decode())

    granted.delete()
    assert "/places/communities/limin/" not in _staff_nav(client.get("/reports/mine/").content.decode())

    make_resident(community, user=admin)  # staff who live here get the resident pages too
    assert "/volunteer/" in client.get("/reports/mine/").content.decode()


def test_the_header_is_kept_per_language(users: dict[str, Any]) -> None:
    admin = users["community_admin"]
    chinese = _staff_nav(client_for(admin).get("/reports/mine/").content.decode())
    english = _staff_nav(client_for(admin, "en").get("/reports/mine/").content.decode())
    assert "工作台" in chinese and "Workbench" in english and "工作台" not in english

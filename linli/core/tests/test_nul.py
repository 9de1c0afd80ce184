"""The NUL character is refused with a clear message by the API, the pages and Open311, and nothing is saved."""

from typing import Any

import pytest

from linli.conftest import client_for
from linli.consultation.models import Matter
from linli.consultation.tests.factories import resident_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("en", "NUL character"), ("zh-hans", "NUL 字符")])
def test_the_api_refuses_nul_in_a_body(community: Any, users: Any, language: str, words: str) -> None:
    r = client_for(resident_user(community), language).post(
        f"/api/v1/communities/{community.code}/consultation/matters",
        {"kind": "urgent", "title": "路灯\x00不亮", "body": "小区西侧路灯不亮已一周。"},
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert r.json()["error"]["code"] == "nul_character"
    assert words in r.json()["error"]["message"]
    assert not Matter.objects.exists()


def test_a_nul_in_a_path_or_query_is_refused_not_a_server_error(community: Any, users: Any) -> None:
    c = client_for(users["community_admin"], "en")
    r = c.get("/api/v1/communities/shi%00bei/consultation/matters")
    assert r.status_code == 400 and r.json()["error"]["code"] == "nul_character"
    r = c.get(f"/people/{community.code}/residents/?q=%00")
    assert r.status_code == 400 and b"NUL character" in r.content
    r = client_for(None, "en").get("/open311/v2/services/lamp%00.json")
    assert r.status_code == 400 and "NUL character" in r.json()[0]["description"]

"""Community admins set up their own report categories and questions, from pages and the API: who may, bad input
(a message, nothing saved), another community's objects (404), routing, and the Open311 list."""

import datetime as dt
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.places.models import Grid
from linli.reports import services
from linli.reports.models import Category, CategoryAttribute, Level

from .conftest import CENTRE

pytestmark = pytest.mark.django_db

PAGE = "/reports/shibei/categories/"
API = "/api/v1/communities/shibei/report-categories"


def new_category(**extra: Any) -> dict[str, Any]:
    data = {
        "code": "dog",
        "name": "不文明养犬",
        "group": "邻里",
        "kind": "problem",
        "unit": "hours",
        "accept_within": 2,
        "start_within": 12,
        "resolve_within": 48,
        "reopen_within_days": 7,
        "first_level": 1,
        "order": 10,
        "open311_listed": "on",
    }
    data.update(extra)
    return data


def test_a_community_admin_adds_a_category_on_the_page(users: Any, community: Any) -> None:
    client = client_for(users["community_admin"])
    page = client.get(PAGE + "new/")
    assert page.status_code == 200 and "新的时限只适用于之后的上报" in page.content.decode()
    response = client.post(PAGE + "new/", new_category(unit="days", resolve_within=2))
    category = Category.objects.get(community=community, code="dog")
    assert response.status_code == 302 and response["Location"] == f"{PAGE}{category.pk}/"
    assert category.resolve_within_hours == 48 and category.accept_within_hours == 48
    assert AuditEntry.objects.filter(action="report_category.create", object_id=str(category.pk)).exists()
    listing = client.get(PAGE).content.decode()
    assert "不文明养犬" in listing and "dog" not in listing.split("<main")[1].split("</table>")[0].split("<tbody>")[1]


def test_bad_input_on_the_page_says_why_in_chinese_and_saves_nothing(users: Any, community: Any) -> None:
    client = client_for(users["community_admin"])
    response = client.post(PAGE + "new/", new_category(code="不行"))
    assert response.status_code == 200 and "编码" in response.content.decode()
    response = client.post(PAGE + "new/", new_category(resolve_within=0))
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Category.objects.filter(community=community).exists()
    assert not AuditEntry.objects.filter(action__startswith="report_category").exists()


@pytest.mark.parametrize("role", ["social_worker", "grid_steward", "operator", "resident", "street_admin"])
def test_only_community_admins_set_up_categories(users: Any, community: Any, category: Any, role: str) -> None:
    client = client_for(users[role])
    assert client.get(PAGE).status_code in (403, 404)
    assert client.post(PAGE + "new/", new_category()).status_code in (403, 404)
    assert client.post(f"{PAGE}{category.pk}/retire/").status_code in (403, 404)
    assert client.get(API).status_code in (403, 404)
    assert client.post(API, {"code": "x", "name": "x"}, content_type="application/json").status_code in (403, 404)
    category.refresh_from_db()
    assert category.active and not Category.objects.filter(code="x").exists()


def test_another_communitys_category_is_not_found(
    users: Any, community: Any, other_community: Any, make_user: Any
) -> None:
    theirs = Category.objects.create(community=other_community, code="lamp", name="路灯", resolve_within_hours=72)
    attribute = CategoryAttribute.objects.create(category=theirs, code="floor", order=1, description="几楼")
    client = client_for(users["community_admin"])
    assert client.get(f"{PAGE}{theirs.pk}/").status_code == 404
    assert client.post(f"{PAGE}{theirs.pk}/retire/").status_code == 404
    assert client.post(f"{PAGE}{theirs.pk}/questions/{attribute.pk}/remove/").status_code == 404
    assert client.patch(f"{API}/{theirs.pk}", {"name": "改"}, content_type="application/json").status_code == 404
    assert client.delete(f"{API}/{theirs.pk}/attributes/{attribute.pk}").status_code == 404
    # and their admin cannot reach ours
    mine = Category.objects.create(community=community, code="lamp", name="路灯不亮")
    their_admin = make_user(Role.COMMUNITY_ADMIN, other_community)
    assert client_for(their_admin).get(f"/reports/{community.code}/categories/{mine.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active and theirs.name == "路灯" and CategoryAttribute.objects.filter(pk=attribute.pk).exists()


def test_same_code_in_two_communities_changes_only_ones_own(users: Any, community: Any, other_community: Any) -> None:
    theirs = Category.objects.create(community=other_community, code="lamp", name="路灯", resolve_within_hours=72)
    ours = Category.objects.create(community=community, code="lamp", name="路灯不亮", resolve_within_hours=72)
    response = client_for(users["community_admin"]).patch(
        f"{API}/{ours.pk}", {"resolve_within_hours": 24}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["resolve_within_hours"] == 24
    theirs.refresh_from_db()
    assert theirs.resolve_within_hours == 72


def test_the_api_adds_edits_and_retires_a_category_with_questions(users: Any, community: Any) -> None:
    client = client_for(users["community_admin"], "en")
    grid = Grid.objects.get(community=community, code="G1")
    response = client.post(
        API,
        {"code": "dog", "name": "Dogs", "resolve_within_hours": 48, "first_grid_id": grid.pk, "open311_listed": False},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["resolve_within_hours"] == 48 and body["first_grid_id"] == grid.pk and not body["open311_listed"]
    url = f"{API}/{body['id']}"
    question = client.post(
        url + "/attributes",
        {
            "code": "size",
            "description": "How big?",
            "datatype": "singlevaluelist",
            "values": [{"key": "s", "name": "small"}, {"key": "l", "name": "large"}],
        },
        content_type="application/json",
    )
    assert question.status_code == 201 and question.json()["order"] == 1
    aid = question.json()["id"]
    changed = client.patch(f"{url}/attributes/{aid}", {"required": True}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["required"]
    assert client.patch(url, {"first_grid_id": None}, content_type="application/json").json()["first_grid_id"] is None
    retired = client.post(url + "/retire")
    assert retired.status_code == 200 and not retired.json()["active"]
    assert client.post(url + "/restore").json()["active"]
    assert client.delete(f"{url}/attributes/{aid}").status_code == 204
    assert not CategoryAttribute.objects.filter(pk=aid).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "report_category.create",
        "report_category.update",
        "report_category.retire",
        "report_category.restore",
        "report_category.attribute_add",
        "report_category.attribute_update",
        "report_category.attribute_remove",
    } <= actions


def test_bad_input_over_the_api_is_a_400_in_the_users_language(
    users: Any, community: Any, other_community: Any, category: Any
) -> None:
    their_grid = Grid.objects.create(community=other_community, code="G9", name="他们的网格")
    zh = client_for(users["community_admin"])
    response = zh.post(API, {"code": "lamp", "name": "重复"}, content_type="application/json")
    assert response.status_code == 400 and "已有编码" in response.json()["error"]["message"]
    response = zh.patch(f"{API}/{category.pk}", {"first_grid_id": their_grid.pk}, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["fields"]
    response = zh.post(
        f"{API}/{category.pk}/attributes",
        {
            "code": "size",
            "description": "多大？",
            "datatype": "singlevaluelist",
            "values": [{"key": "s", "name": "小"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "至少需要两个选项" in response.json()["error"]["message"]
    en = client_for(users["community_admin"], "en")
    response = en.patch(f"{API}/{category.pk}", {"code": "other"}, content_type="application/json")
    assert response.status_code == 200  # not a field of the patch: ignored
    response = en.post(
        f"{API}/{category.pk}/attributes", {"code": "floor", "description": "Again?"}, content_type="application/json"
    )
    assert response.status_code == 400 and "already has a question" in response.json()["error"]["message"]
    category.refresh_from_db()
    assert category.first_grid is None and category.code == "lamp" and category.attributes.count() == 1


def test_questions_on_the_page(users: Any, community: Any, category: Any) -> None:
    client = client_for(users["community_admin"])
    url = f"{PAGE}{category.pk}/questions/new/"
    bad = client.post(
        url, {"code": "kind", "description": "哪种灯？", "datatype": "singlevaluelist", "choices": "路灯"}
    )
    assert bad.status_code == 200 and "至少需要两个选项" in bad.content.decode()
    response = client.post(
        url, {"code": "kind", "description": "哪种灯？", "datatype": "singlevaluelist", "choices": "路灯\nwall=壁灯"}
    )
    assert response.status_code == 302
    question = category.attributes.get(code="kind")
    assert question.values == [{"key": "1", "name": "路灯"}, {"key": "wall", "name": "壁灯"}] and question.order == 2
    page = client.get(f"{PAGE}{category.pk}/").content.decode()
    assert "哪种灯？" in page and "singlevaluelist" not in page
    client.post(f"{PAGE}{category.pk}/questions/{question.pk}/remove/")
    assert not category.attributes.filter(code="kind").exists()


def _lamp_out(resident: Any, category: Category, description: str) -> Any:
    """A report in the category, on the first floor at the grid's centre."""
    return services.report_submit(
        actor=resident,
        community=category.community,
        category=category,
        description=description,
        lat=CENTRE[0],
        lng=CENTRE[1],
        attributes={"floor": ["1"]},
    )


def test_a_changed_deadline_applies_to_new_reports_only(
    users: Any, community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    before = _lamp_out(resident_user, category, "灯坏了")
    old_expected = before.expected_at
    category = services.category_update(actor=users["community_admin"], category=category, resolve_within_hours=240)
    before.refresh_from_db()
    assert before.expected_at == old_expected
    after = _lamp_out(resident_user, category, "又坏了")
    assert after.expected_at - after.created_at == dt.timedelta(hours=4 + 24 + 240)


def test_routing_to_the_community_or_to_a_fixed_grid(
    users: Any, community: Any, category: Any, steward: Any, resident_user: Any, make_user: Any
) -> None:
    admin = users["community_admin"]
    kwargs = {"actor": resident_user, "community": community, "category": category, "description": "灯坏了"}
    where = {"lat": CENTRE[0], "lng": CENTRE[1], "attributes": {"floor": ["1"]}}
    services.category_update(actor=admin, category=category, first_level=Level.COMMUNITY)
    category.refresh_from_db()
    report = services.report_submit(**kwargs, **where)
    assert report.level == Level.COMMUNITY and report.assignee is None
    other_steward = make_user(Role.GRID_STEWARD, community)
    east = Grid.objects.create(community=community, code="G2", name="东网格", steward=other_steward)
    services.category_update(actor=admin, category=category, first_level=Level.STEWARD, first_grid=east)
    category.refresh_from_db()
    report = services.report_submit(**kwargs, **where)
    assert report.level == Level.STEWARD and report.assignee == other_steward and report.grid == east


def test_open311_lists_only_active_categories_offered_to_city_systems(
    users: Any, community: Any, category: Any
) -> None:
    hidden = Category.objects.create(community=community, code="internal", name="内部", open311_listed=False)
    codes = [s["service_code"] for s in client_for(None).get("/open311/v2/services.json?jurisdiction_id=shibei").json()]
    assert codes == ["lamp"]
    assert client_for(None).get("/open311/v2/services/internal.json?jurisdiction_id=shibei").status_code == 404
    services.category_set_active(actor=users["community_admin"], category=category, active=False)
    assert client_for(None).get("/open311/v2/services.json?jurisdiction_id=shibei").json() == []
    # a retired or unlisted category is still on the staff page
    page = client_for(users["community_admin"]).get(PAGE).content.decode()
    assert hidden.name in page and category.name in page and "已停用" in page


def test_elder_mode_and_english(users: Any, community: Any, category: Any) -> None:
    client = client_for(users["community_admin"], "en")
    client.cookies["linli_elder"] = "1"
    body = client.get(f"{PAGE}{category.pk}/").content.decode()
    assert "Questions residents answer" in body and '<html lang="en" class="elder' in body
    assert "A changed time limit applies to new reports" in body


def test_the_admin_retires_and_brings_back_a_category_on_its_page(users: Any, category: Any) -> None:
    client = client_for(users["community_admin"], "zh-hans")
    page = client.get(f"{PAGE}{category.pk}/").content.decode()
    assert f'action="{PAGE}{category.pk}/retire/"' in page
    retired = client.post(f"{PAGE}{category.pk}/retire/", follow=True).content.decode()
    category.refresh_from_db()
    assert not category.active and "“路灯不亮”已停用" in retired
    assert f'action="{PAGE}{category.pk}/restore/"' in retired
    client.post(f"{PAGE}{category.pk}/restore/")
    category.refresh_from_db()
    assert category.active
    assert client.get(f"{PAGE}{category.pk}/retire/").status_code == 405

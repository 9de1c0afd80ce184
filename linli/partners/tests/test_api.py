"""The partners API: happy paths, masking, and every error in the one shape."""

from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.partners.models import Contribution, Pairing, Partner, Project

from .helpers import state

pytestmark = pytest.mark.django_db


def base(community: Any) -> str:
    return f"/api/v1/communities/{community.code}"


def post(c: Any, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, body, content_type="application/json")


def patch(c: Any, url: str, body: dict[str, Any]) -> Any:
    return c.patch(url, body, content_type="application/json")


def assert_error(r: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.content
    error = r.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["code"] == code and error["message"]
    if field is not None:
        assert field in error["fields"], error
    return error


def test_partner_lifecycle(community: Any, admin: Any, make_user: Any) -> None:
    c = client_for(admin, "en")
    rep = make_user()
    resident = make_resident(community, name="陈志强", mobile="13700000001")
    r = post(
        c,
        f"{base(community)}/partners",
        {
            "name": "陈志强",
            "kind": "charity",
            "entity": "individual",
            "joined_on": "2026-03-01",
            "contact_mobile": "13700000001",
            "resident_id": resident.pk,
            "member_ids": [rep.pk],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["contact_mobile"] == "13700000001" and body["resident_id"] == resident.pk
    assert body["members"] == [rep.pk] and body["active"] is True
    pk = body["id"]

    r = patch(c, f"{base(community)}/partners/{pk}", {"description": "退休教师，义务辅导。", "resident_id": None})
    assert r.status_code == 200 and r.json()["resident_id"] is None and r.json()["members"] == [rep.pk]
    assert Partner.objects.get(pk=pk).description == "退休教师，义务辅导。"

    r = post(c, f"{base(community)}/partners/{pk}/deactivate", {})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["ended_on"] is not None
    assert_error(post(c, f"{base(community)}/partners/{pk}/deactivate", {}), 409, "inactive")
    listed = c.get(f"{base(community)}/partners").json()
    assert pk not in [p["id"] for p in listed]
    assert pk in [p["id"] for p in c.get(f"{base(community)}/partners?active=false").json()]
    assert pk in [p["id"] for p in c.get(f"{base(community)}/partners?all=true").json()]
    r = post(c, f"{base(community)}/partners/{pk}/reactivate", {})
    assert r.status_code == 200 and r.json()["active"] is True


def test_partner_list_filters_and_masks(community: Any, users: dict[str, Any], bank: Any, charity: Any) -> None:
    staff = client_for(users["grid_steward"]).get(f"{base(community)}/partners?kind=resources").json()
    assert [p["name"] for p in staff] == ["杭州银行萧山支行"] and staff[0]["contact_mobile"] == "13912345678"
    for role in ("resident", "street_admin", "city_viewer"):
        seen = client_for(users[role]).get(f"{base(community)}/partners/{bank.pk}").json()
        assert seen["contact_mobile"] == "139****5678" and seen["members"] == [] and seen["resident_id"] is None
    assert [p["name"] for p in client_for(users["resident"]).get(f"{base(community)}/partners?q=社工").json()] == [
        "北干社工服务中心"
    ]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": ""}, 422, "validation_error", "name"),
        ({"name": "   "}, 400, "required", "name"),
        ({"name": "杭州银行萧山支行"}, 400, "duplicate", "name"),
        ({"kind": "sponsor"}, 400, "invalid", "kind"),
        ({"contact_mobile": "1234"}, 400, "invalid", "contact_mobile"),
        ({"joined_on": "03/01/2026"}, 422, "validation_error", "joined_on"),
        ({"resident_id": 999999}, 404, "not_found", "resident_id"),
        ({"member_ids": [999999]}, 404, "not_found", "member_ids"),
        ({"member_ids": [2**80]}, 422, "validation_error", None),
        ({"resident_id": 2**80}, 404, "not_found", "resident_id"),
    ],
)
def test_partner_create_errors(
    community: Any, admin: Any, bank: Any, body: dict[str, Any], status: int, code: str, field: str | None
) -> None:
    data = {"name": "新合伙人", "kind": "charity", "entity": "social_org", "joined_on": "2026-03-01", **body}
    before = state()
    assert_error(post(client_for(admin, "en"), f"{base(community)}/partners", data), status, code, field)
    assert state() == before


def test_errors_are_in_the_language_of_the_request(community: Any, admin: Any, bank: Any) -> None:
    data = {"name": "杭州银行萧山支行", "kind": "charity", "joined_on": "2026-03-01"}
    zh = post(client_for(admin, "zh-hans"), f"{base(community)}/partners", data).json()["error"]["message"]
    en = post(client_for(admin, "en"), f"{base(community)}/partners", data).json()["error"]["message"]
    assert en == "A partner of this name is already registered." and zh == "已有同名合伙人。"


def test_pairings(community: Any, admin: Any, bank: Any, charity: Any, stranger: Any) -> None:
    c = client_for(admin, "en")
    r = post(c, f"{base(community)}/pairings", {"partner_id": bank.pk, "areas": "社会救助", "since": "2026-03-01"})
    assert r.status_code == 201 and r.json()["partner_name"] == "杭州银行萧山支行"
    pk = r.json()["id"]
    before = state()
    assert_error(
        post(c, f"{base(community)}/pairings", {"partner_id": bank.pk, "areas": "x", "since": "2026-03-01"}),
        400,
        "duplicate",
    )
    assert_error(
        post(c, f"{base(community)}/pairings", {"partner_id": charity.pk, "areas": "x", "since": "2026-03-01"}),
        400,
        "invalid",
        "partner",
    )
    assert_error(
        post(c, f"{base(community)}/pairings", {"partner_id": stranger.pk, "areas": "x", "since": "2026-03-01"}),
        404,
        "not_found",
        "partner_id",
    )
    assert_error(patch(c, f"{base(community)}/pairings/{pk}", {"until": "2026-01-01"}), 400, "invalid", "until")
    assert state() == before
    assert [p["id"] for p in c.get(f"{base(community)}/pairings").json()] == [pk]
    r = patch(c, f"{base(community)}/pairings/{pk}", {"until": "2026-12-31"})
    assert r.status_code == 200 and r.json()["until"] == "2026-12-31"
    assert c.get(f"{base(community)}/pairings").json() == []
    assert len(c.get(f"{base(community)}/pairings?current=false").json()) == 1
    assert_error(patch(c, f"{base(community)}/pairings/{pk}", {"areas": "y"}), 409, "ended")
    assert Pairing.objects.get(pk=pk).areas == "社会救助"


def test_project_lifecycle(community: Any, admin: Any, bank: Any, charity: Any) -> None:
    c = client_for(admin, "en")
    r = post(
        c,
        f"{base(community)}/partner-projects",
        {
            "title": "一老一小关爱",
            "lead_id": bank.pk,
            "co_partner_ids": [charity.pk],
            "scenario": "neighbourhood",
            "starts_on": "2026-03-01",
            "ends_on": "2026-09-30",
            "contributions": [
                {"kind": "money", "description": "项目资金", "partner_id": bank.pk, "value_fen": 300000},
                {"kind": "volunteers", "description": "社工", "partner_id": charity.pk, "quantity": 8},
            ],
        },
    )
    assert r.status_code == 201, r.content
    project = r.json()
    assert project["co_partners"] == [charity.pk] and project["status"] == "planned"
    money = next(k for k in project["by_kind"] if k["kind"] == "money")
    assert money == {
        "kind": "money",
        "count": 1,
        "value_fen": 300000,
        "quantity": 0,
        "delivered_fen": 0,
        "delivered_quantity": 0,
    }
    url = f"{base(community)}/partner-projects/{project['id']}"

    r = patch(c, url, {"status": "running", "beneficiaries": 35})
    assert r.status_code == 200 and r.json()["status"] == "running" and r.json()["beneficiaries"] == 35
    r = post(c, url + "/contributions", {"kind": "space", "description": "活动室", "quantity": 80})
    assert r.status_code == 201 and r.json()["partner"] is None
    assert len(c.get(url + "/contributions").json()) == 3
    listed = c.get(f"{base(community)}/partner-projects?scenario=neighbourhood&partner_id={charity.pk}").json()
    assert [p["id"] for p in listed] == [project["id"]]
    assert c.get(f"{base(community)}/partner-projects?scenario=health").json() == []

    r = post(c, url + "/close", {"outcomes": "服务老人与儿童 210 人。", "beneficiaries": 210, "ends_on": "2026-09-30"})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["beneficiaries"] == 210
    before = state()
    assert_error(
        post(c, url + "/close", {"outcomes": "再次", "beneficiaries": 1, "ends_on": "2026-09-30"}), 409, "closed"
    )
    assert_error(post(c, url + "/contributions", {"kind": "goods", "description": "x", "quantity": 1}), 409, "closed")
    assert state() == before


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"ends_on": "2026-02-01"}, 400, "invalid", "ends_on"),
        ({"scenario": "sport"}, 400, "invalid", "scenario"),
        ({"status": "done"}, 400, "invalid", "status"),
        ({"co_partner_ids": ["stranger"]}, 404, "not_found", "co_partner_ids"),
        ({"lead_id": "stranger"}, 404, "not_found", "lead_id"),
        ({"contributions": [{"kind": "money", "description": "x", "value_fen": 0}]}, 400, "invalid", "value_fen"),
        ({"contributions": [{"kind": "money", "description": "x", "value_fen": -5}]}, 400, "invalid", "value_fen"),
        (
            {"contributions": [{"kind": "money", "description": "x", "value_fen": 1.5}]},
            422,
            "validation_error",
            "contributions.0.value_fen",
        ),
    ],
)
def test_project_create_errors(
    community: Any, admin: Any, bank: Any, stranger: Any, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    for key in ("co_partner_ids", "lead_id"):
        if body.get(key) == ["stranger"]:
            body[key] = [stranger.pk]
        elif body.get(key) == "stranger":
            body[key] = stranger.pk
    data = {"title": "t", "lead_id": bank.pk, "scenario": "services", "starts_on": "2026-03-01", **body}
    before = state()
    assert_error(post(client_for(admin, "en"), f"{base(community)}/partner-projects", data), status, code, field)
    assert state() == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "money", "value_fen": 0}, 400, "value_fen"),
        ({"kind": "money", "value_fen": -100}, 400, "value_fen"),
        ({"kind": "money", "value_fen": 99.5}, 422, "value_fen"),
        ({"kind": "money", "value_fen": "abc"}, 422, "value_fen"),
        ({"kind": "goods", "quantity": 0}, 400, "quantity"),
        ({"kind": "stocks", "value_fen": 100}, 400, "kind"),
        ({"kind": "goods", "quantity": 1, "partner_id": "stranger"}, 404, "partner_id"),
        ({"kind": "goods", "quantity": 1, "description": ""}, 422, "description"),
    ],
)
def test_contribution_errors(
    community: Any, admin: Any, project: Any, stranger: Any, body: dict[str, Any], status: int, field: str
) -> None:
    data: dict[str, Any] = {"description": "一笔", **body}
    if data.get("partner_id") == "stranger":
        data["partner_id"] = stranger.pk
    before = state()
    r = post(client_for(admin, "en"), f"{base(community)}/partner-projects/{project.pk}/contributions", data)
    assert_error(r, status, r.json()["error"]["code"], field)
    assert state() == before


def test_cross_community_ids_are_not_found(
    community: Any, other_community: Any, admin: Any, other_admin: Any, project: Any, stranger: Any
) -> None:
    c = client_for(admin, "en")
    assert_error(c.get(f"{base(community)}/partners/{stranger.pk}"), 404, "not_found")
    mine = client_for(other_admin, "en")
    assert_error(mine.get(f"{base(other_community)}/partner-projects/{project.pk}"), 404, "not_found")
    before = state()
    r = post(
        mine,
        f"{base(other_community)}/partner-projects/{project.pk}/close",
        {"outcomes": "x", "beneficiaries": 1, "ends_on": "2026-04-01"},
    )
    assert_error(r, 404, "not_found")
    assert state() == before
    assert Project.objects.get(pk=project.pk).status == "planned"


def test_street_overview_api(
    community: Any, users: dict[str, Any], project: Any, stranger: Any, far_community: Any
) -> None:
    r = client_for(users["street_admin"]).get(f"/api/v1/streets/{community.street.code}/partners")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()}
    assert set(rows) == {"shibei", "limin"}
    assert rows["shibei"]["partners"] == 2 and rows["shibei"]["projects"] == 1
    money = next(k for k in rows["shibei"]["by_kind"] if k["kind"] == "money")
    assert money["value_fen"] == Contribution.objects.filter(kind="money").first().value_fen  # type: ignore[union-attr]
    assert rows["limin"]["partners"] == 1 and rows["limin"]["projects"] == 0
    assert_error(
        client_for(users["community_admin"]).get(f"/api/v1/streets/{community.street.code}/partners"), 404, "not_found"
    )
    assert_error(
        client_for(users["street_admin"]).get(f"/api/v1/streets/{far_community.street.code}/partners"), 404, "not_found"
    )


def test_pledges_are_delivered_or_withdrawn(community: Any, admin: Any, bank: Any, charity: Any) -> None:
    c = client_for(admin, "en")
    r = post(
        c,
        f"{base(community)}/partner-projects",
        {
            "title": "助老食堂",
            "lead_id": bank.pk,
            "co_partner_ids": [charity.pk],
            "scenario": "health",
            "starts_on": "2026-03-01",
            "contributions": [
                {"kind": "money", "description": "首期", "partner_id": bank.pk, "value_fen": 500000},
                {"kind": "money", "description": "二期", "partner_id": bank.pk, "value_fen": 200000},
                {
                    "kind": "volunteers",
                    "description": "社工",
                    "partner_id": charity.pk,
                    "quantity": 6,
                    "delivered_on": "2026-03-02",
                },
            ],
        },
    )
    assert r.status_code == 201, r.content
    url = f"{base(community)}/partner-projects/{r.json()['id']}"
    first, second, people = c.get(url + "/contributions").json()
    assert (first["status"], people["status"], people["delivered_on"]) == ("pledged", "delivered", "2026-03-02")

    before = state()
    for body, code, field in [
        ({"on": "2999-01-01"}, "future", "delivered_on"),
        ({"on": "2026-02-01"}, "before_start", "delivered_on"),
    ]:
        r = post(c, f"{url}/contributions/{first['id']}/deliver", body)
        assert_error(r, 400, code, field)
    assert_error(post(c, f"{url}/contributions/{people['id']}/deliver", {"on": "2026-04-01"}), 409, "not_pledged")
    assert_error(post(c, f"{url}/contributions/{first['id']}/withdraw", {"reason": "   "}), 400, "required", "reason")
    assert_error(post(c, f"{url}/contributions/999999/deliver", {"on": "2026-04-01"}), 404, "not_found")
    assert state() == before

    r = post(c, f"{url}/contributions/{first['id']}/deliver", {"on": "2026-04-01"})
    assert r.status_code == 200 and r.json()["status"] == "delivered" and r.json()["delivered_on"] == "2026-04-01"
    r = post(c, f"{url}/contributions/{second['id']}/withdraw", {"reason": "预算调整"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and r.json()["withdrawn_reason"] == "预算调整"
    assert_error(post(c, f"{url}/contributions/{second['id']}/deliver", {"on": "2026-04-01"}), 409, "not_pledged")
    money = next(k for k in c.get(url).json()["by_kind"] if k["kind"] == "money")
    assert (money["count"], money["value_fen"], money["delivered_fen"]) == (1, 500000, 500000)  # withdrawn left out
    people_total = next(k for k in c.get(url).json()["by_kind"] if k["kind"] == "volunteers")
    assert (people_total["quantity"], people_total["delivered_quantity"]) == (6, 6)
    assert AuditEntry.objects.filter(action="partner.contribution_deliver", object_id=str(first["id"])).exists()
    assert AuditEntry.objects.filter(action="partner.contribution_withdraw", object_id=str(second["id"])).exists()


def test_a_recorded_contribution_is_corrected_with_a_reason(community: Any, admin: Any, project: Any) -> None:
    c = client_for(admin, "en")
    url = f"{base(community)}/partner-projects/{project.pk}/contributions"
    money, space = project.contributions.order_by("pk")
    before = state()
    for body, status, code, field in [
        ({"value_fen": 0, "reason": "录错了"}, 400, "invalid", "value_fen"),  # money needs a value
        ({"value_fen": -1, "reason": "录错了"}, 422, "validation_error", "value_fen"),
        ({"value_fen": 450_000, "reason": "  "}, 400, "required", "reason"),
        ({"value_fen": 450_000}, 422, "validation_error", "reason"),
    ]:
        assert_error(patch(c, f"{url}/{money.pk}", body), status, code, field)
    assert state() == before

    r = patch(c, f"{url}/{money.pk}", {"value_fen": 450_000, "reason": "合同金额为 4,500 元"})
    assert r.status_code == 200 and r.json()["value_fen"] == 450_000 and r.json()["status"] == "pledged"
    audit = AuditEntry.objects.get(action="partner.contribution_correct", object_id=str(money.pk))
    assert (audit.before["value_fen"], audit.after["value_fen"]) == (500_000, 450_000)
    assert audit.after["reason"] == "合同金额为 4,500 元"

    assert post(c, f"{url}/{space.pk}/withdraw", {"reason": "场地另作他用"}).status_code == 200
    assert_error(patch(c, f"{url}/{space.pk}", {"quantity": 10, "reason": "x"}), 409, "withdrawn")

"""托育设置: the register's staff create and change age groups (places, ages, fee, where, open or closed) through
the pages and the API; families withdraw their applications. Who may, bad input, other communities."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.childcare import services
from linli.childcare.models import AgeGroup, Application
from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError
from linli.facilities.tests.factories import make_facility
from linli.places.models import Household

pytestmark = pytest.mark.django_db
API = "/api/v1/communities/shibei/childcare"


@pytest.fixture
def nursery(community: Any) -> Any:
    return make_facility(community, "nursery", "childcare", name="幸福托育点")


@pytest.fixture
def group(nursery: Any, users: dict[str, Any]) -> AgeGroup:
    return services.group_create(
        actor=users["community_admin"], facility=nursery, name="托小班", min_months=6, max_months=36, places=2
    )


@pytest.fixture
def family(community: Any, users: dict[str, Any]) -> dict[str, Any]:
    parent = make_resident(community, name="周丽君", birth=dt.date(1992, 5, 1), user=users["resident"])
    child = make_resident(community, name="周小宝", birth=timezone.localdate() - dt.timedelta(days=400), seq=2)
    return {"parent": parent, "child": child}


@pytest.fixture
def theirs(other_community: Any, make_user: Any) -> dict[str, Any]:
    admin = make_user("community_admin", other_community)
    place = make_facility(other_community, "nursery", "childcare", name="利民托育点")
    group = services.group_create(actor=admin, facility=place, name="托大班", min_months=6, max_months=36, places=5)
    child = make_resident(other_community, name="李小宝", birth=timezone.localdate() - dt.timedelta(days=400), seq=7)
    application = services.application_submit(
        actor=admin, group=group, child=child, start_on=timezone.localdate() + dt.timedelta(days=7)
    )
    return {"facility": place, "group": group, "application": application}


def state() -> tuple[Any, ...]:
    return (
        list(AgeGroup.objects.order_by("pk").values_list("pk", "name", "places", "admitted", "open", "facility")),
        list(Application.objects.order_by("pk").values_list("pk", "status")),
        AuditEntry.objects.count(),
    )


GOOD = {"name": "托大班", "min_months": 24, "max_months": 36, "places": 15, "monthly_fee": "1600", "open": "on"}


@pytest.mark.parametrize("role", ["community_admin", "social_worker"])
def test_register_staff_create_and_change_a_group_through_the_pages(
    users: dict[str, Any], nursery: Any, role: str
) -> None:
    staff = client_for(users[role])
    assert "幸福托育点" in staff.get("/childcare/shibei/setup/groups/new/").content.decode()
    assert staff.post("/childcare/shibei/setup/groups/new/", {**GOOD, "facility": nursery.pk}).status_code == 302
    group = AgeGroup.objects.get(name="托大班")
    assert (group.places, group.monthly_fee_fen, group.open) == (15, 160000, True)
    html = staff.get("/childcare/shibei/setup/").content.decode()
    assert "托育设置" in html and "托大班" in html and "0 / 15" in html and "接受报名" in html
    changed = {**GOOD, "facility": nursery.pk, "name": "托大二班", "places": 20, "monthly_fee": "1500.5"}
    del changed["open"]  # unticked: closed
    assert staff.post(f"/childcare/shibei/setup/groups/{group.pk}/", changed).status_code == 302
    group.refresh_from_db()
    assert (group.name, group.places, group.monthly_fee_fen, group.open) == ("托大二班", 20, 150050, False)
    assert AuditEntry.objects.filter(action="childcare.group_update", object_id=str(group.pk)).exists()
    assert "暂不接受报名" in client_for(users["resident"]).get("/childcare/shibei/").content.decode()


@pytest.mark.parametrize("role", ["operator", "grid_steward", "resident", "volunteer", "street_admin"])
def test_others_are_refused_the_childcare_setup(
    users: dict[str, Any], group: AgeGroup, nursery: Any, role: str
) -> None:
    client = client_for(users[role])
    before = state()
    assert client.get("/childcare/shibei/setup/").status_code == 403
    assert client.post("/childcare/shibei/setup/groups/new/", {**GOOD, "facility": nursery.pk}).status_code == 403
    assert (
        client.post(f"/childcare/shibei/setup/groups/{group.pk}/", {**GOOD, "facility": nursery.pk}).status_code == 403
    )
    assert client.patch(f"{API}/groups/{group.pk}", {"places": 9}, content_type="application/json").status_code == 403
    created = client.post(f"{API}/groups", {**GOOD, "facility_id": nursery.pk, "monthly_fee_fen": 0},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"places": 1}, "已录取 2 名幼儿"),
        ({"min_months": 30, "max_months": 24}, "月龄"),
        ({"max_months": 40}, "确保该值小于或等于36"),
        ({"monthly_fee": "-1"}, "确保该值大于或等于0"),
        ({"name": " "}, "此项必填"),
    ],
)
def test_a_bad_group_change_shows_a_chinese_message_and_saves_nothing(
    users: dict[str, Any], group: AgeGroup, nursery: Any, change: dict[str, Any], message: str
) -> None:
    AgeGroup.objects.filter(pk=group.pk).update(admitted=2)
    before = state()
    response = client_for(users["community_admin"]).post(
        f"/childcare/shibei/setup/groups/{group.pk}/", {**GOOD, "facility": nursery.pk, **change}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert state() == before


def test_a_group_cannot_move_to_a_facility_that_is_not_a_childcare_one(users: dict[str, Any], group: AgeGroup) -> None:
    hall = make_facility(group.community, "hall", "livelihood_hub", name="邻里中心")
    with pytest.raises(DomainError) as refused:
        services.group_update(
            actor=users["community_admin"], group=group, facility=hall, name="托小班", min_months=6, max_months=36,
            places=2, monthly_fee_fen=0, open=True,
        )  # fmt: skip
    assert refused.value.field == "facility"
    assert client_for(users["community_admin"]).patch(
        f"{API}/groups/{group.pk}", {"facility_id": hall.pk}, content_type="application/json"
    ).status_code == 404  # fmt: skip


def test_groups_through_the_api(users: dict[str, Any], nursery: Any) -> None:
    admin = client_for(users["community_admin"])
    payload = {"facility_id": nursery.pk, "name": "乳儿班", "min_months": 6, "max_months": 12, "places": 8,
               "monthly_fee_fen": 220000}  # fmt: skip
    created = admin.post(f"{API}/groups", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["open"] is True
    gid = created.json()["id"]
    closed = admin.patch(f"{API}/groups/{gid}", {"open": False, "places": 10}, content_type="application/json")
    assert closed.status_code == 200 and (closed.json()["open"], closed.json()["places"]) == (False, 10)
    assert closed.json()["name"] == "乳儿班"
    assert [g["id"] for g in admin.get(f"{API}/setup/groups").json()] == [gid]
    bad = admin.patch(f"{API}/groups/{gid}", {"min_months": 12}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["max_months"]
    assert admin.post(f"{API}/groups", {**payload, "places": 0}, content_type="application/json").status_code == 422
    assert AgeGroup.objects.count() == 1


def test_a_closed_group_takes_no_application(users: dict[str, Any], group: AgeGroup, family: dict[str, Any]) -> None:
    AgeGroup.objects.filter(pk=group.pk).update(open=False)
    group.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.application_submit(
            actor=users["resident"], group=group, child=family["child"],
            start_on=timezone.localdate() + dt.timedelta(days=7),
        )  # fmt: skip
    assert refused.value.code == "group_closed" and Application.objects.count() == 0


def test_a_family_withdraws_its_application_from_the_page_and_the_api(
    users: dict[str, Any], group: AgeGroup, family: dict[str, Any]
) -> None:
    start = timezone.localdate() + dt.timedelta(days=7)
    first = services.application_submit(actor=users["resident"], group=group, child=family["child"], start_on=start)
    services.application_admit(actor=users["community_admin"], application=first)
    parent = client_for(users["resident"])
    page = parent.get("/childcare/shibei/").content.decode()
    assert f'data-testid="application-{first.pk}"' in page and "撤回申请" in page
    assert "撤回申请" in parent.get("/services/my/").content.decode()
    response = parent.post(f"/childcare/shibei/applications/{first.pk}/withdraw/", {"next": "/childcare/shibei/"})
    assert response.status_code == 302 and response.url == "/childcare/shibei/"
    first.refresh_from_db()
    group.refresh_from_db()
    assert (first.status, group.admitted) == ("withdrawn", 0)
    assert parent.post(f"/childcare/shibei/applications/{first.pk}/withdraw/").status_code == 302  # told it ended
    second = services.application_submit(actor=users["resident"], group=group, child=family["child"], start_on=start)
    answered = parent.post(f"{API}/applications/{second.pk}/withdraw")
    assert answered.status_code == 200 and answered.json()["status"] == "withdrawn"
    assert parent.post(f"{API}/applications/{second.pk}/withdraw").status_code == 400
    assert AuditEntry.objects.filter(action="childcare.withdraw").count() == 2


def test_another_familys_or_communitys_application_is_404(
    community: Any, users: dict[str, Any], group: AgeGroup, family: dict[str, Any], theirs: dict[str, Any]
) -> None:
    next_door = Household.objects.create(community=community, building=community.buildings.first(), unit="1单元102")
    neighbour_child = make_resident(
        community, name="吴小宝", birth=timezone.localdate() - dt.timedelta(days=400), seq=9
    )
    neighbour_child.household = next_door
    neighbour_child.save(update_fields=["household"])
    assert neighbour_child.household_id != family["parent"].household_id
    other = services.application_submit(
        actor=users["community_admin"], group=group, child=neighbour_child,
        start_on=timezone.localdate() + dt.timedelta(days=7),
    )  # fmt: skip
    parent = client_for(users["resident"])
    before = state()
    for application in (other, theirs["application"]):
        assert parent.post(f"/childcare/shibei/applications/{application.pk}/withdraw/").status_code == 404
        assert parent.post(f"{API}/applications/{application.pk}/withdraw").status_code == 404
    admin = client_for(users["community_admin"])
    assert admin.get(f"/childcare/shibei/setup/groups/{theirs['group'].pk}/").status_code == 404
    assert (
        admin.patch(f"{API}/groups/{theirs['group'].pk}", {"places": 1}, content_type="application/json").status_code
        == 404
    )
    created = admin.post(
        f"{API}/groups",
        {"facility_id": theirs["facility"].pk, "name": "x", "min_months": 6, "max_months": 12, "places": 1},
        content_type="application/json",
    )
    assert created.status_code == 404
    assert admin.get("/childcare/limin/setup/").status_code == 404
    assert state() == before
    assert "托大班" not in admin.get("/childcare/shibei/setup/").content.decode()

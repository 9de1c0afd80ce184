"""The staff workbench (工作台): staff land on it after login, each role sees its own work counted from the records,
each item a link; the header shows each role its own pages; refusals say why."""

from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.home.context_processors import staff_links
from linli.home.workbench import has_workbench, workbench_for
from linli.people.models import DataRequest
from linli.places.models import Grid
from linli.reports.models import Category, Report
from linli.reports.services import report_submit


@pytest.fixture
def lamp(community: Any) -> Category:
    return Category.objects.create(
        community=community, code="lamp", name="路灯不亮", accept_within_hours=4, resolve_within_hours=48
    )


def _report(community: Any, lamp: Category, reporter: Any, text: str = "楼道灯坏了") -> Report:
    return report_submit(actor=reporter, community=community, category=lamp, description=text, lat=30.285, lng=120.135)


def _items(sections: list[Any]) -> dict[str, Any]:
    return {item.label: item for section in sections for item in section.items}


def test_login_lands_staff_on_the_workbench_and_residents_on_the_home(users: dict[str, Any]) -> None:
    for role in ("grid_steward", "social_worker", "community_admin", "operator", "street_admin", "city_viewer"):
        client = client_for(None)
        response = client.post("/accounts/login/", {"mobile": users[role].mobile, "password": "pass-word-123"})
        assert response.status_code == 302
        assert client.get(response["Location"])["Location"] == "/workbench/", role
    for role in ("resident", "volunteer", "outsider"):
        client = client_for(None)
        response = client.post("/accounts/login/", {"mobile": users[role].mobile, "password": "pass-word-123"})
        assert client.get(response["Location"])["Location"] == "/", role
        refused = client.get("/workbench/")
        assert refused.status_code == 403, role
        if role != "outsider":  # an account with no resident record is asked to verify first
            assert "居民请从首页开始" in refused.content.decode(), role
    # a `next` still wins
    client = client_for(None)
    response = client.post(
        "/accounts/login/?next=/reports/mine/", {"mobile": users["grid_steward"].mobile, "password": "pass-word-123"}
    )
    assert response["Location"] == "/reports/mine/"


def test_the_steward_sees_the_reports_of_their_grids_counted_true(
    community: Any, users: dict[str, Any], lamp: Category, make_user: Any
) -> None:
    steward = users["grid_steward"]
    Grid.objects.filter(community=community, code="G1").update(steward=steward)
    reporter = users["resident"]
    first = _report(community, lamp, reporter)
    _report(community, lamp, reporter, "路灯闪烁")
    Report.objects.filter(pk=first.pk).update(overdue=True)
    items = _items(workbench_for(steward))
    assert items["我网格里待办的工单"].count == 2 and items["超时的工单"].count == 1
    assert (
        items["超时的工单"].url == f"/reports/{community.code}/queue/?mine=1&overdue=1" and items["超时的工单"].urgent
    )
    assert "未办结的工单" not in items  # that is the admin's view of the whole community
    page = client_for(steward).get("/workbench/")
    assert page.status_code == 200 and b'data-testid="n-reports-open">2<' in page.content
    # another grid's steward counts none of them
    other = make_user(Role.GRID_STEWARD, community)
    Grid.objects.create(community=community, code="G9", name="西网格", steward=other)
    assert _items(workbench_for(other))["我网格里待办的工单"].count == 0


def test_the_admin_sees_pending_items_across_domains(community: Any, users: dict[str, Any], lamp: Category) -> None:
    admin = users["community_admin"]
    _report(community, lamp, users["resident"])
    resident = make_resident(community, user=users["resident"])
    DataRequest.objects.create(community=community, resident=resident, requested_by=users["resident"], kind="deletion")
    items = _items(workbench_for(admin))
    assert items["未办结的工单"].count == 1
    assert items["个人信息申请"].count == 1 and items["个人信息申请"].url == f"/people/{community.code}/data-requests/"
    assert items["商家入驻申请"].count == 0
    for item in items.values():  # every item is a page the admin may open
        assert client_for(admin).get(item.url).status_code == 200, item.url


def test_each_role_opens_every_link_of_its_workbench_and_of_its_header(users: dict[str, Any], street: Any) -> None:
    for role in ("grid_steward", "social_worker", "community_admin", "operator"):
        assert has_workbench(users[role]), role
    for role in (
        "grid_steward",
        "social_worker",
        "community_admin",
        "operator",
        "street_admin",
        "city_viewer",
        "city_admin",
    ):
        user = users[role]
        assert has_workbench(user), role
        client = client_for(user)
        page = client.get("/workbench/")
        assert page.status_code == 200, role
        urls = [i.url for s in workbench_for(user) for i in s.items] + [u for _label, u in staff_links(user)]
        assert urls, role
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)
    street_links = dict(staff_links(users["street_admin"]))
    assert street_links["街道驾驶舱"] == f"/cockpit/streets/{street.code}/"
    assert street_links["街道生活圈体检"] if "街道生活圈体检" in street_links else street_links["生活圈设施体检"]
    assert "全市驾驶舱" in dict(staff_links(users["city_viewer"]))
    assert "全市驾驶舱" not in dict(staff_links(users["street_admin"]))
    assert staff_links(users["resident"]) == [] and staff_links(users["outsider"]) == []
    assert dict(staff_links(users["community_admin"]))["社区设置"] == "/places/communities/shibei/"
    assert "社区设置" not in dict(staff_links(users["grid_steward"]))
    page = client_for(users["street_admin"]).get("/").content.decode()
    assert 'data-testid="staff-nav"' in page and f"/cockpit/streets/{street.code}/" in page


def test_a_street_admin_finds_the_street_pages_on_a_community_page(
    community: Any, users: dict[str, Any], street: Any
) -> None:
    page = client_for(users["street_admin"]).get(f"/communities/{community.code}/").content.decode()
    assert 'data-testid="street-links"' in page
    assert f"/cockpit/streets/{street.code}/" in page and f"/planning/streets/{street.code}/" in page
    bench = client_for(users["street_admin"]).get("/workbench/").content.decode()
    assert 'data-testid="street-communities"' in bench and community.name in bench  # its communities side by side
    resident_page = client_for(users["resident"]).get(f"/communities/{community.code}/").content.decode()
    assert 'data-testid="street-links"' not in resident_page


def test_the_merchant_sees_codes_to_redeem(community: Any, users: dict[str, Any]) -> None:
    from linli.ledger.models import Merchant

    merchant = Merchant.objects.create(
        community=community, name="邻里小超市", status=Merchant.Status.APPROVED, applied_at=timezone.now()
    )
    merchant.staff.add(users["merchant_staff"])
    sections = workbench_for(users["merchant_staff"])
    section = next(s for s in sections if s.title == "邻里小超市")
    items = {i.label: i for i in section.items}
    assert items["待核销的兑换码"].count == 0 and items["待核销的兑换码"].url == f"/ledger/merchant/{merchant.pk}/"
    assert client_for(users["merchant_staff"]).get(items["待核销的兑换码"].url).status_code == 200


def test_the_generic_403_page_says_why(users: dict[str, Any], community: Any) -> None:
    page = client_for(users["resident"]).get(f"/reports/{community.code}/queue/")
    assert page.status_code == 403 and "社区工作人员".encode() in page.content


def test_installable_manifest_service_worker_and_offline_page(client: Any) -> None:
    manifest = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == "/start/" and data["display"] == "standalone" and data["name"] == "邻里·未来社区"
    for icon in data["icons"]:
        assert icon["src"].endswith(".png")
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert b'"/offline/"' in sw.content and b"caches.match(OFFLINE)" in sw.content
    offline = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert offline.status_code == 200 and "网络没有连接".encode() in offline.content
    assert b"<script" not in offline.content  # nothing to run when the network is down
    home = client.get("/")
    assert b'rel="manifest"' in home.content and b"linli/install.js" in home.content


def test_the_workbench_api_gives_the_same_counts_and_refuses_residents(
    community: Any, users: dict[str, Any], lamp: Category
) -> None:
    steward = users["grid_steward"]
    Grid.objects.filter(community=community, code="G1").update(steward=steward)
    _report(community, lamp, users["resident"])
    response = client_for(steward).get("/api/v1/me/workbench")
    assert response.status_code == 200
    items = {i["label"]: i for s in response.json() for i in s["items"]}
    assert items["我网格里待办的工单"]["count"] == 1 and items["我网格里待办的工单"]["url"].startswith("/reports/")
    refused = client_for(users["resident"]).get("/api/v1/me/workbench")
    assert refused.status_code == 403 and "居民请从首页开始" in refused.json()["error"]["message"]
    assert client_for(None).get("/api/v1/me/workbench").status_code == 401


def test_a_city_admin_lands_on_the_workbench_with_the_streets_to_set_up(users: dict[str, Any], street: Any) -> None:
    from linli.places.models import Street

    Street.objects.create(code="xinjie", name="新街街道", city=street.city)  # no admin, no community yet
    city_admin = users["city_admin"]
    client = client_for(None)
    response = client.post("/accounts/login/", {"mobile": city_admin.mobile, "password": "pass-word-123"})
    assert client.get(response["Location"])["Location"] == "/workbench/"
    items = _items(workbench_for(city_admin))
    assert items["还没有街道管理员的街道"].count == 1 and items["还没有街道管理员的街道"].urgent
    assert items["还没有社区的街道"].count == 1
    assert {"设置街道和社区", "全市驾驶舱", "城市体检"} <= set(items)
    assert items["设置街道和社区"].url == "/places/streets/"
    page = client_for(city_admin).get("/workbench/").content.decode()
    assert 'data-testid="wb-streets-no-admin"' in page and "/places/streets/" in page and "/cockpit/city/" in page
    english = client_for(city_admin, "en").get("/workbench/").content.decode()
    assert "Streets without a street admin" in english and "还没有" not in english
    listing = client_for(city_admin).get("/places/streets/").content.decode()
    assert "新街街道" in listing and "暂无" in listing
    # the city viewer sees the city's pages, not its set-up
    assert "还没有街道管理员的街道" not in _items(workbench_for(users["city_viewer"]))


def test_a_volunteer_who_checks_waste_sorting_finds_the_round_on_the_home(
    community: Any, users: dict[str, Any]
) -> None:
    from linli.waste.services import sorting_check_record

    volunteer = users["volunteer"]
    home = client_for(volunteer).get("/").content.decode()
    assert f'data-testid="line-waste-{community.code}"' in home  # not yet a verified resident: a line
    make_resident(community, user=volunteer)
    sorting_check_record(actor=volunteer, household=community.households.first(), result="correct")
    home = client_for(volunteer).get("/").content.decode()
    assert f'data-testid="tile-waste-{community.code}"' in home and f'href="/waste/{community.code}/"' in home
    assert "垃圾分类检查" in home and "今天已查 1 户" in home
    english = client_for(volunteer, "en").get("/").content.decode()
    assert "Waste-sorting checks" in english and "1 checked today" in english
    assert client_for(volunteer).get(f"/waste/{community.code}/").status_code == 200
    # a resident who does not check sees no such tile
    assert "tile-waste-" not in client_for(users["resident"]).get("/").content.decode()

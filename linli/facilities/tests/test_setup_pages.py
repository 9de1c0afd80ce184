"""Staff set up facility types, price rules, cancel time slots and see slots day by day, from pages and the API:
who may, bad input (a message, nothing saved), another community's objects (404)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.facilities import services
from linli.facilities.models import Booking, FacilityCategory, ServicePriceRule, Slot
from linli.notifications.models import Notification

from .factories import make_facility, make_service, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(community: Any) -> Any:
    return make_service(make_facility(community), price_fen=1000)


@pytest.fixture
def booked_slot(service: Any, users: Any, community: Any) -> Any:
    slot = make_slot(service, capacity=5)
    me = make_resident(community, name="周丽君", user=users["resident"])
    services.booking_create(actor=users["resident"], slot=slot, resident=me)
    return slot


def test_a_register_manager_adds_a_facility_type(users: Any, community: Any) -> None:
    client = client_for(users["community_admin"])
    page = client.get("/services/shibei/manage/categories/")
    assert page.status_code == 200 and "设施类型" in page.content.decode()
    response = client.post(
        "/services/shibei/manage/categories/",
        {"code": "repair_cafe", "name_zh": "修理驿站", "name_en": "Repair cafe", "default_scenario": "services"},
    )
    assert response.status_code == 302
    assert FacilityCategory.objects.get(code="repair_cafe").name_zh == "修理驿站"
    assert AuditEntry.objects.filter(action="facility_category.create").exists()
    again = client.post(
        "/services/shibei/manage/categories/",
        {"code": "repair_cafe", "name_zh": "又一个", "name_en": "Again", "default_scenario": "services"},
    )
    assert again.status_code == 200 and 'class="error"' in again.content.decode()
    assert not FacilityCategory.objects.filter(name_zh="又一个").exists()


def test_facility_types_over_the_api(users: Any, community: Any) -> None:
    url = "/api/v1/communities/shibei/facility-categories"
    body = {"code": "repair_cafe", "name_zh": "修理驿站", "name_en": "Repair cafe", "default_scenario": "services"}
    assert client_for(users["operator"]).post(url, body, content_type="application/json").status_code == 403
    created = client_for(users["community_admin"]).post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["name_zh"] == "修理驿站"
    bad = client_for(users["community_admin"], "en").post(
        url, {**body, "code": "x y", "name_zh": "坏"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["fields"]
    assert not FacilityCategory.objects.filter(name_zh="坏").exists()


def test_price_rules_on_the_page(users: Any, community: Any, service: Any) -> None:
    client = client_for(users["community_admin"])
    url = f"/services/shibei/manage/services/{service.pk}/prices/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"label": "老人价", "min_age": 70, "price": "3.50"})
    assert response.status_code == 302
    rule = ServicePriceRule.objects.get(service=service)
    assert rule.price_fen == 350 and rule.min_age == 70
    bad = client.post(url, {"label": "负数", "min_age": 60, "price": "-1"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    bad = client.post(url, {"label": "太老", "min_age": 200, "price": "1"})
    assert bad.status_code == 200 and ServicePriceRule.objects.count() == 1
    client.post(f"{url}{rule.pk}/remove/")
    assert not ServicePriceRule.objects.exists()
    assert AuditEntry.objects.filter(action="service.price_rule_remove").exists()


def test_price_rules_over_the_api(users: Any, community: Any, service: Any) -> None:
    url = f"/api/v1/communities/shibei/services/{service.pk}/price-rules"
    admin = client_for(users["community_admin"], "en")
    created = admin.post(url, {"label": "70+", "min_age": 70, "price_fen": 300}, content_type="application/json")
    assert created.status_code == 201
    rid = created.json()["id"]
    assert [r["id"] for r in admin.get(url).json()] == [rid]
    negative = admin.post(url, {"label": "x", "min_age": 60, "price_fen": -5}, content_type="application/json")
    assert negative.status_code == 400 and "negative" in negative.json()["error"]["message"]
    refused = client_for(users["operator"]).post(
        url, {"label": "y", "min_age": 60, "price_fen": 1}, content_type="application/json"
    )
    assert refused.status_code == 403 and ServicePriceRule.objects.count() == 1
    assert client_for(users["operator"]).delete(f"{url}/{rid}").status_code == 403
    assert admin.delete(f"{url}/{rid}").status_code == 204 and not ServicePriceRule.objects.exists()


def test_the_api_edits_a_service(users: Any, community: Any, service: Any) -> None:
    url = f"/api/v1/communities/shibei/services/{service.pk}"
    admin = client_for(users["community_admin"], "en")
    changed = admin.patch(url, {"name": "自习室", "price_fen": 500}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["price_fen"] == 500 and changed.json()["name"] == "自习室"
    bad = admin.patch(url, {"price_fen": -1}, content_type="application/json")
    assert bad.status_code == 400
    assert client_for(users["resident"]).patch(url, {"name": "坏"}, content_type="application/json").status_code == 403
    service.refresh_from_db()
    assert service.price_fen == 500 and service.name == "自习室"


def test_cancelling_a_slot_asks_to_confirm_and_tells_the_people_booked(
    users: Any, community: Any, booked_slot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(users["social_worker"])
    url = f"/services/shibei/slots/{booked_slot.pk}/cancel/"
    confirm = client.get(url).content.decode()
    assert "这个时段有 1 人已预约" in confirm and "确认取消这个时段" in confirm
    booked_slot.refresh_from_db()
    assert not booked_slot.cancelled
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "场地维修"})
    assert response.status_code == 302
    booked_slot.refresh_from_db()
    assert booked_slot.cancelled and booked_slot.booked == 0
    assert Booking.objects.get(slot=booked_slot).status == Booking.Status.CANCELLED
    told = Notification.objects.filter(user=users["resident"]).order_by("-pk").first()
    assert told is not None
    assert "场地维修" in told.body
    assert AuditEntry.objects.filter(action="slot.cancel").exists()


def test_a_slot_booked_again_after_the_page_was_shown_asks_again_with_the_number_now(
    users: Any, community: Any, booked_slot: Any
) -> None:
    client = client_for(users["social_worker"])
    url = f"/services/shibei/slots/{booked_slot.pk}/cancel/"
    assert 'name="confirm_affected" value="1"' in client.get(url).content.decode()
    services.booking_create(
        actor=users["social_worker"], slot=booked_slot, resident=make_resident(community, name="王建国", seq=2)
    )
    asked = client.post(url, {"reason": "场地维修", "confirm_affected": "1"})
    html = asked.content.decode()
    assert asked.status_code == 200 and "这个时段现在有 2 人已预约" in html
    assert 'name="confirm_affected" value="2"' in html
    booked_slot.refresh_from_db()
    assert not booked_slot.cancelled and Booking.objects.filter(slot=booked_slot, status="unpaid").count() == 2
    api = f"/api/v1/communities/shibei/slots/{booked_slot.pk}/cancel"
    stale = client.post(api, {"confirm_affected": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["details"] == {"affected": 2}
    assert client.post(url, {"reason": "场地维修", "confirm_affected": "2"}).status_code == 302
    booked_slot.refresh_from_db()
    assert booked_slot.cancelled


@pytest.mark.parametrize("role", ["resident", "volunteer", "street_admin", "outsider"])
def test_only_front_desk_staff_cancel_slots(users: Any, community: Any, booked_slot: Any, role: str) -> None:
    client = client_for(users[role])
    assert client.get(f"/services/shibei/slots/{booked_slot.pk}/cancel/").status_code in (403, 404)
    assert client.post(f"/services/shibei/slots/{booked_slot.pk}/cancel/").status_code in (403, 404)
    response = client.post(
        f"/api/v1/communities/shibei/slots/{booked_slot.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    booked_slot.refresh_from_db()
    assert not booked_slot.cancelled


def test_the_api_cancels_a_slot_and_counts_the_people_told(
    users: Any, community: Any, booked_slot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["community_admin"]).post(
            f"/api/v1/communities/shibei/slots/{booked_slot.pk}/cancel",
            {"reason": "停电"},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert response.json()["bookings_cancelled"] == 1 and response.json()["slot"]["cancelled"]
    assert Notification.objects.filter(user=users["resident"]).count() == 1


def test_another_communitys_slots_services_and_rules_are_not_found(
    users: Any, community: Any, other_community: Any
) -> None:
    theirs = make_service(make_facility(other_community, code="their-hub"))
    rule = ServicePriceRule.objects.create(service=theirs, label="老人价", min_age=70, price_fen=100)
    slot = make_slot(theirs)
    admin = client_for(users["community_admin"])
    assert admin.get(f"/services/shibei/slots/{slot.pk}/cancel/").status_code == 404
    assert admin.post(f"/services/shibei/slots/{slot.pk}/cancel/").status_code == 404
    assert admin.get(f"/services/shibei/manage/services/{theirs.pk}/prices/").status_code == 404
    assert admin.post(f"/services/shibei/manage/services/{theirs.pk}/prices/{rule.pk}/remove/").status_code == 404
    api = "/api/v1/communities/shibei"
    assert admin.post(f"{api}/slots/{slot.pk}/cancel", {}, content_type="application/json").status_code == 404
    assert admin.delete(f"{api}/services/{theirs.pk}/price-rules/{rule.pk}").status_code == 404
    assert admin.patch(f"{api}/services/{theirs.pk}", {"name": "x"}, content_type="application/json").status_code == 404
    slot.refresh_from_db()
    assert not slot.cancelled and ServicePriceRule.objects.filter(pk=rule.pk).exists()


def test_the_venue_page_lists_slots_by_day(users: Any, community: Any, service: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = tomorrow + dt.timedelta(days=2)
    tz = timezone.get_current_timezone()
    for day in (tomorrow, later):
        for hour in (9, 10, 11):
            make_slot(service, starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=tz))
    client = client_for(users["community_admin"])
    url = f"/services/shibei/facilities/{service.facility_id}/"
    first = client.get(url).content.decode()
    assert first.count('class="when"') == 3 and later.strftime("%m-%d") in first  # a chip for the later day
    chosen = client.get(f"{url}?date={later.isoformat()}").content.decode()
    assert chosen.count('class="when"') == 3 and later.isoformat() in chosen
    empty = client.get(f"{url}?date={(later + dt.timedelta(days=1)).isoformat()}").content.decode()
    assert 'class="when"' not in empty and "这一天没有可预约的时段" in empty
    assert client.get(f"{url}?date=not-a-date").status_code == 400
    api = client.get(f"/api/v1/communities/shibei/services/{service.pk}/slots?date={later.isoformat()}").json()
    assert len(api) == 3 and Slot.objects.filter(service=service).count() == 6


@pytest.fixture
def operated(community: Any, users: Any, service: Any) -> Any:
    """The service's space, assigned to the conftest operator by the community admin."""
    services.facility_operators_set(
        actor=users["community_admin"], facility=service.facility, operators=[users["operator"]]
    )
    return service.facility


def test_the_admin_assigns_operators_on_the_page_and_the_api(
    users: Any, community: Any, service: Any, make_user: Any, other_community: Any
) -> None:
    facility = service.facility
    client = client_for(users["community_admin"])
    url = f"/services/shibei/manage/{facility.pk}/operators/"
    page = client.get(url).content.decode()
    assert "运营" in page
    response = client.post(url, {"operators": [users["operator"].pk]})
    assert response.status_code == 302 and list(facility.operators.all()) == [users["operator"]]
    assert AuditEntry.objects.filter(action="facility.operators").exists()
    # a resident is not an operator: the form refuses it and nothing changes
    bad = client.post(url, {"operators": [users["resident"].pk]})
    assert bad.status_code == 200 and list(facility.operators.all()) == [users["operator"]]
    api = f"/api/v1/communities/shibei/facilities/{facility.pk}/operators"
    theirs = make_user("operator", other_community)
    refused = client.put(api, {"operator_ids": [theirs.pk]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["fields"]
    assert list(facility.operators.all()) == [users["operator"]]
    cleared = client.put(api, {"operator_ids": []}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json() == [] and not facility.operators.exists()
    for role in ("operator", "resident"):
        refused = client_for(users[role]).put(api, {"operator_ids": []}, content_type="application/json")
        assert refused.status_code == 403
    assert client_for(users["operator"]).post(url, {"operators": [users["operator"].pk]}).status_code == 403


def test_an_operator_runs_only_their_spaces(users: Any, community: Any, operated: Any, service: Any) -> None:
    elsewhere = make_service(make_facility(community, code="hub2"), name="别处的服务")
    theirs_slot = make_slot(elsewhere)
    mine_slot = make_slot(service)
    op = client_for(users["operator"])
    # not theirs: refused on the page and the API, nothing changes
    assert op.get(f"/services/shibei/slots/{theirs_slot.pk}/cancel/").status_code == 403
    assert op.post(f"/services/shibei/slots/{theirs_slot.pk}/cancel/").status_code == 403
    api = "/api/v1/communities/shibei"
    assert op.post(f"{api}/slots/{theirs_slot.pk}/cancel", {}, content_type="application/json").status_code == 403
    start = timezone.now() + dt.timedelta(days=3)
    slot_body = {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat(), "capacity": 2}
    assert (
        op.post(f"{api}/services/{elsewhere.pk}/slots", slot_body, content_type="application/json").status_code == 403
    )
    assert (
        op.patch(f"{api}/services/{elsewhere.pk}", {"name": "改"}, content_type="application/json").status_code == 403
    )
    assert op.get(f"/services/shibei/manage/services/{elsewhere.pk}/slots/").status_code == 403
    theirs_slot.refresh_from_db()
    elsewhere.refresh_from_db()
    assert not theirs_slot.cancelled and elsewhere.name == "别处的服务"
    # theirs: allowed
    assert op.post(f"{api}/services/{service.pk}/slots", slot_body, content_type="application/json").status_code == 201
    assert (
        op.patch(f"{api}/services/{service.pk}", {"name": "自习室"}, content_type="application/json").status_code == 200
    )
    assert op.post(f"/services/shibei/slots/{mine_slot.pk}/cancel/").status_code == 302
    mine_slot.refresh_from_db()
    assert mine_slot.cancelled


def test_my_spaces_today_lists_only_the_operators_spaces(
    users: Any, community: Any, operated: Any, service: Any
) -> None:
    make_facility(community, code="hub2", name="别人的空间")
    today = timezone.localdate()
    later_today = timezone.now() + dt.timedelta(minutes=30)
    if timezone.localtime(later_today).date() == today:
        make_slot(service, starts_at=later_today)
    page = client_for(users["operator"]).get("/services/shibei/my-spaces/").content.decode()
    assert operated.name in page and "别人的空间" not in page and "今日我的场地" in page
    body = client_for(users["operator"]).get("/api/v1/communities/shibei/my-spaces").json()
    assert [s["facility_id"] for s in body] == [operated.pk]
    nothing = client_for(users["social_worker"]).get("/services/shibei/my-spaces/").content.decode()
    assert "没有分配给您的场地" in nothing
    assert client_for(users["resident"]).get("/services/shibei/my-spaces/").status_code == 403
    assert client_for(users["operator"]).get("/services/limin/my-spaces/").status_code == 404

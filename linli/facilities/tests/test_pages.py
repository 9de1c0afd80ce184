import datetime as dt

import pytest
from django.utils import timezone

from linli.canteen.models import MealOrder
from linli.conftest import client_for, make_resident
from linli.courses.models import Attendance, Course, Enrolment, Session
from linli.facilities.models import Booking, Facility

from .factories import make_canteen_with_tarhai_rules, make_course, make_facility, make_menu, make_service, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(community, users):
    me = make_resident(community, name="周丽君", user=users["resident"])
    hub = make_facility(community, "hub", name="喜柿天地")
    slot = make_slot(make_service(hub, name="爱心理发", kind="barber", price_fen=1500), capacity=3)
    canteen = make_canteen_with_tarhai_rules(community)
    menu = make_menu(canteen, timezone.localdate() + dt.timedelta(days=1))
    course = make_course(community, seats=10, schedule="每周一")
    return {"me": me, "hub": hub, "slot": slot, "menu": menu, "course": course}


RESIDENT_PAGES = [
    "/services/shibei/",
    "/services/shibei/?view=map",
    "/services/my/",
    "/canteen/shibei/",
    "/courses/shibei/",
    "/childcare/shibei/",
]
STAFF_PAGES = [
    "/services/shibei/day/",
    "/services/shibei/manage/",
    "/canteen/shibei/counter/",
    "/canteen/shibei/statement/",
    "/courses/shibei/attendance/",
    "/childcare/shibei/applications/",
    "/services/shibei/manage/new/",
    "/canteen/shibei/menus/new/",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_resident_pages_render_in_both_languages_and_elder_mode(world, users, language, elder):
    client = client_for(users["resident"], language)
    if elder:
        client.cookies["linli_elder"] = "1"
    for url in [*RESIDENT_PAGES, f"/services/shibei/facilities/{world['hub'].pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert ('class="elder' in html) == elder
    detail = client.get(f"/services/shibei/facilities/{world['hub'].pk}/").content.decode()
    assert "爱心理发" in detail and "¥15" in detail


def test_the_map_draws_from_own_geometry_and_credits_osm(world, users):
    html = client_for(users["resident"]).get("/services/shibei/?view=map").content.decode()
    assert "<svg" in html and "© OpenStreetMap contributors" in html
    assert "tile" not in html.lower()


def test_staff_pages_render_and_residents_are_refused(world, users):
    for url in STAFF_PAGES:
        assert client_for(users["community_admin"]).get(url).status_code == 200, url
    for url in STAFF_PAGES[:5]:
        assert client_for(users["resident"]).get(url).status_code == 403, url


def test_a_resident_books_and_cancels_through_the_pages(world, users):
    client = client_for(users["resident"])
    response = client.post(f"/services/shibei/slots/{world['slot'].pk}/book/")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.resident == world["me"]
    client.post(f"/services/shibei/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_a_meal_is_ordered_with_the_age_price(world, users):
    client = client_for(users["resident"])
    client.post(f"/canteen/shibei/menus/{world['menu'].pk}/order/", {"resident": world["me"].pk})
    order = MealOrder.objects.get()
    assert (order.resident_fen, order.price_fen) == (300, 1000)  # 周丽君 was born in 1950


def test_register_exports_download(world, users):
    client = client_for(users["community_admin"])
    xlsx = client.get("/services/shibei/manage/register.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    geo = client.get("/services/shibei/manage/register.geojson").json()
    assert {f["properties"]["code"] for f in geo["features"]} == set(Facility.objects.values_list("code", flat=True))
    assert client_for(users["resident"]).get("/services/shibei/manage/register.xlsx").status_code == 403


def test_api_books_refuses_outsiders_and_answers_errors_in_one_shape(world, users, community):
    api = client_for(users["resident"], "en")
    ok = api.post(f"/api/v1/communities/shibei/slots/{world['slot'].pk}/bookings", {}, content_type="application/json")
    # the service has a fee: the place is held until it is paid, and the answer says where to pay
    assert ok.status_code == 201 and ok.json()["status"] == "unpaid"
    assert ok.json()["pay_page"] == f"/payments/for/booking/{ok.json()['id']}/" and ok.json()["pay_by"]
    stranger = make_resident(community, name="陌生人", seq=9)
    stranger.household = None
    stranger.save()
    refused = api.post(
        f"/api/v1/communities/shibei/slots/{world['slot'].pk}/bookings",
        {"resident_id": stranger.pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_household"
    assert (
        refused.json()["error"]["message"]
        == "You can book only for yourself, your household and the elders you help as family."
    )
    assert Booking.objects.count() == 1
    bad_price = client_for(users["community_admin"], "en").post(
        f"/api/v1/communities/shibei/facilities/{world['hub'].pk}/services",
        {"kind": "barber", "name": "理发", "price_fen": -5},
        content_type="application/json",
    )
    assert bad_price.status_code == 400 and bad_price.json()["error"]["fields"] == {
        "price_fen": ["A price cannot be negative."]
    }
    facilities = api.get("/api/v1/communities/shibei/facilities?near_home=true").json()
    assert facilities[0]["distance_m"] is not None
    assert client_for(users["outsider"]).get("/api/v1/communities/shibei/facilities").status_code == 404


def test_api_enrols_with_a_waiting_list_and_takes_attendance(world, users, community):
    course = world["course"]
    Course.objects.filter(pk=course.pk).update(seats=1)
    api = client_for(users["resident"])
    first = api.post(f"/api/v1/communities/shibei/courses/{course.pk}/enrolments", {}, content_type="application/json")
    assert first.json()["status"] == "enrolled"
    other = make_resident(community, name="邻居", seq=7, user=users["volunteer"])
    second = client_for(users["volunteer"]).post(
        f"/api/v1/communities/shibei/courses/{course.pk}/enrolments",
        {"resident_id": other.pk},
        content_type="application/json",
    )
    assert second.json()["status"] == "waitlisted"
    api.post(f"/api/v1/communities/shibei/enrolments/{first.json()['id']}/withdraw")
    assert Enrolment.objects.get(pk=second.json()["id"]).status == "enrolled"
    start = timezone.now()  # a session starting now: the check-in below is on its day, whatever the hour
    session = Session.objects.create(course=course, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    done = client_for(users["operator"]).post(
        f"/api/v1/communities/shibei/sessions/{session.pk}/attendance",
        {"enrolment_id": second.json()["id"]},
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["id"] == second.json()["id"]
    assert list(Attendance.objects.values_list("session_id", "enrolment_id")) == [(session.pk, second.json()["id"])]


def test_api_patch_with_null_leaves_a_field_as_is_or_clears_an_empty_one(world, users):
    hub = world["hub"]
    Facility.objects.filter(pk=hub.pk).update(tier="hub", capacity=40)
    admin = client_for(users["community_admin"], "en")
    r = admin.patch(
        f"/api/v1/communities/shibei/facilities/{hub.pk}",
        {"tier": None, "name": None, "capacity": None, "opening_hours": "每天 08:00-20:00"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    hub.refresh_from_db()
    assert (hub.tier, hub.name, hub.capacity, hub.opening_hours) == ("hub", "喜柿天地", None, "每天 08:00-20:00")


def test_each_slot_asks_for_whom_among_the_household_and_names_them_escaped(world, community, users):
    url = f"/services/shibei/facilities/{world['hub'].pk}/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)  # the day of the world's slot: both shown together
    make_slot(world["slot"].service, starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10))))
    alone = client_for(users["resident"]).get(url).content.decode()
    assert alone.count('class="slot"') == 2 and 'name="resident"' not in alone  # only oneself: nothing to choose
    member = make_resident(community, name="家人<b>", seq=2)
    page = client_for(users["resident"], "en").get(url).content.decode()
    assert page.count('<select name="resident" aria-label="For">') == 2
    assert page.count(f'<option value="{member.pk}">家人&lt;b&gt;</option>') == 2 and "家人<b>" not in page

"""Family helpers' pages and API: every role on every new page and endpoint, the flow through the pages in Chinese,
English and elder mode, and "by X for Y" on the lists of the elder, the helper and the canteen counter."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.canteen import services as canteen_services
from linli.conftest import EVERY_ROLE, client_for
from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
from linli.notifications.sms import LocmemSMSBackend
from linli.people import services
from linli.people.models import FamilyLink

from .family_factories import FATHER_MOBILE

pytestmark = pytest.mark.django_db

ROLES = EVERY_ROLE
SEES_LINKS = {"grid_steward", "social_worker", "community_admin"}
CONFIRMS = {"social_worker", "community_admin"}


@pytest.fixture
def asked(family):
    user, _daughter, father = family
    return services.family_link_request(actor=user, elder=father, relation="女儿")


def last_code() -> str:
    text = [m.text for m in LocmemSMSBackend.outbox if m.mobile == FATHER_MOBILE][-1]
    return next(w for w in text.replace("，", " ").replace("。", " ").split() if w.isdigit() and len(w) == 6)


@pytest.mark.parametrize("role", ROLES)
def test_staff_family_links_page_and_api_by_role(users, asked, role, role_client):
    client = role_client(role)
    page = client.get("/people/shibei/family-links/")
    assert (page.status_code == 200) is (role in SEES_LINKS), page.status_code
    if role in SEES_LINKS:
        assert "王德明" in page.content.decode() and "王晓燕" in page.content.decode()
    listing = client.get("/api/v1/communities/shibei/family-links")
    assert (listing.status_code == 200) is (role in SEES_LINKS)
    if role in SEES_LINKS:
        assert [x["elder"]["name"] for x in listing.json()] == ["王德明"]

    before = AuditEntry.objects.count()
    confirm = client.post(f"/api/v1/communities/shibei/family-links/{asked.pk}/confirm-in-person")
    assert (confirm.status_code == 200) is (role in CONFIRMS), confirm.content
    asked.refresh_from_db()
    if role in CONFIRMS:
        assert (asked.status, asked.confirmed_by) == ("active", users[role])
    else:
        assert asked.status == "requested" and AuditEntry.objects.count() == before
        assert confirm.json()["error"]["code"] in {"forbidden", "not_found", "unknown_community", "verify_first"}


@pytest.mark.parametrize("role", ROLES)
def test_staff_confirm_and_end_pages_by_role(users, asked, role, role_client):
    client = role_client(role)
    confirm = client.post(f"/people/family/{asked.pk}/confirm-in-person/")
    asked.refresh_from_db()
    assert (asked.status == "active") is (role in CONFIRMS)
    assert confirm.status_code in {302, 403, 404}
    end = client.post(f"/people/family/{asked.pk}/end/")
    asked.refresh_from_db()
    assert (asked.status == "ended") is (role in CONFIRMS)
    assert end.status_code in {302, 403, 404}


def test_strangers_do_not_see_a_link(users, asked):
    for role in ("resident", "outsider", "operator"):
        client = client_for(users[role])
        assert client.get(f"/api/v1/me/family-links/{asked.pk}").status_code == 404
        assert client.post(f"/api/v1/me/family-links/{asked.pk}/send-code").status_code == 404
        assert client.post(f"/api/v1/me/family-links/{asked.pk}/end").status_code == 404
        assert client.get("/api/v1/me/family-links").json() == {"helping": [], "helped": []}
    asked.refresh_from_db()
    assert asked.status == "requested" and LocmemSMSBackend.outbox == []


def test_anonymous_visitors_are_sent_to_log_in(asked):
    client = client_for(None)
    assert client.get("/people/family/").status_code == 302
    assert client.post(f"/people/family/{asked.pk}/end/").status_code == 302
    assert client.get("/api/v1/me/family-links").status_code == 401
    assert client.get("/api/v1/communities/shibei/family-links").status_code == 401


@pytest.mark.parametrize(("language", "elder"), [("zh-hans", False), ("en", False), ("zh-hans", True)])
def test_the_family_page_in_each_language_and_elder_mode(family, asked, language, elder):
    user, _daughter, _father = family
    client = client_for(user, language)
    if elder:
        client.cookies["linli_elder"] = "1"
    html = client.get("/people/family/").content.decode()
    assert "王德明" in html
    if language == "en":
        assert "My family helpers" in html and "waiting for consent" in html
    else:
        assert "亲情账号" in html and "等待同意" in html and "My family helpers" not in html
    if elder:
        assert 'class="elder' in html


def test_the_whole_flow_through_the_pages(community, family, django_capture_on_commit_callbacks):
    user, _daughter, _father = family
    client = client_for(user)
    building = community.buildings.first()
    wrong = client.post(
        "/people/family/ask-find/",
        {
            "find-name": "王德明",
            "find-building": building.pk,
            "find-room": "2单元302",
            "find-mobile_last4": "1234",
        },
    )
    assert wrong.status_code == 200 and "没有" in wrong.content.decode()
    assert FamilyLink.objects.count() == 0
    asked = client.post(
        "/people/family/ask-find/",
        {
            "find-name": "王德明",
            "find-building": building.pk,
            "find-room": "2单元302",
            "find-mobile_last4": "0082",
            "find-relation": "女儿",
        },
    )
    assert asked.status_code == 302
    link = FamilyLink.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/people/family/{link.pk}/send-code/").status_code == 302
    bad = client.post(f"/people/family/{link.pk}/confirm-code/", {"code": "12"}, follow=True)
    assert "6" in bad.content.decode()
    client.post(f"/people/family/{link.pk}/confirm-code/", {"code": last_code()})
    link.refresh_from_db()
    assert link.status == "active"
    acting = client.get("/api/v1/me/acting-for").json()
    assert {(x["name"], x["why"]) for x in acting} >= {("王晓燕", "self"), ("王德明", "family_link")}
    client.post(f"/people/family/{link.pk}/end/")
    link.refresh_from_db()
    assert link.status == "ended"
    assert "王德明" not in [x["name"] for x in client.get("/api/v1/me/acting-for").json()]


def test_the_whole_flow_through_the_api(family, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    client = client_for(user)
    made = client.post("/api/v1/me/family-links", {"elder_id": father.pk}, content_type="application/json")
    assert made.status_code == 404  # not of her household: found by details instead
    building = father.household.building
    made = client.post(
        "/api/v1/me/family-links",
        {"name": "王德明", "building_id": building.pk, "room": "2单元302", "mobile_last4": "0082", "relation": "女儿"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    link_id = made.json()["id"]
    assert made.json()["status"] == "requested"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/me/family-links/{link_id}/send-code").status_code == 200
    wrong = client.post(
        f"/api/v1/me/family-links/{link_id}/confirm-code",
        {"code": "000000" if last_code() != "000000" else "111111"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    right = client.post(
        f"/api/v1/me/family-links/{link_id}/confirm-code", {"code": last_code()}, content_type="application/json"
    )
    assert right.status_code == 200 and right.json()["consent"] == "sms_code"
    mine = client.get("/api/v1/me/family-links").json()
    assert [x["elder"]["name"] for x in mine["helping"]] == ["王德明"] and mine["helped"] == []
    ended = client.post(f"/api/v1/me/family-links/{link_id}/end")
    assert ended.json()["status"] == "ended"


def test_the_elder_agrees_and_ends_from_his_page(community, family, asked, make_user):
    _user, _daughter, father = family
    father.user = make_user("resident", community)
    father.save(update_fields=["user"])
    client = client_for(father.user)
    html = client.get("/people/family/").content.decode()
    assert "王晓燕" in html and "我同意" in html
    client.post(f"/people/family/{asked.pk}/consent/")
    asked.refresh_from_db()
    assert (asked.status, asked.consent) == ("active", "elder_account")
    client.post(f"/people/family/{asked.pk}/end/")
    asked.refresh_from_db()
    assert (asked.status, asked.ended_by) == ("ended", father.user)


def test_records_say_by_whom_for_whom(community, family, users, make_user):
    user, _daughter, father = family
    father.user = make_user("resident", community)
    father.save(update_fields=["user"])
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_confirm_in_person(actor=users["social_worker"], link=link)
    canteen = make_canteen_with_tarhai_rules(community)
    day = timezone.localdate() + dt.timedelta(days=1)
    order = canteen_services.meal_order_create(actor=user, menu=make_menu(canteen, day), resident=father)
    by_for = "由 王晓燕 为 王德明 代办"
    for who in (user, father.user):
        html = client_for(who).get("/services/my/").content.decode()
        assert f'data-testid="order-{order.pk}"' in html and by_for in html
    counter = client_for(users["social_worker"]).get(f"/canteen/shibei/counter/?date={day}").content.decode()
    assert by_for in counter
    english = client_for(father.user, "en").get("/services/my/").content.decode()
    assert "by 王晓燕 for 王德明" in english
    mine = client_for(father.user).get("/api/v1/me/meal-orders").json()
    assert [(o["resident"], o["ordered_by"]) for o in mine] == [("王德明", "王晓燕")]
    menus = client_for(user).get("/canteen/shibei/").content.decode()
    assert "为谁预订" in menus and "王德明" in menus


def test_the_helper_reads_the_elders_points_but_never_spends_them(family, users, django_capture_on_commit_callbacks):
    from linli.ledger.tests.conftest import fund

    user, daughter, father = family
    fund(father, 120)
    client = client_for(user)
    assert client.get(f"/ledger/?for={father.pk}").status_code == 404
    assert client.get(f"/api/v1/ledger/residents/{father.pk}").status_code == 404
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_confirm_in_person(actor=users["social_worker"], link=link)

    html = client.get(f"/ledger/?for={father.pk}").content.decode()
    assert 'data-testid="points-balance" style="font-size:2rem">120<' in html and 'data-testid="read-only"' in html
    assert 'class="button primary" href="/ledger/shop/"' not in html  # no "spend points" for his points
    assert 'class="button primary" href="/ledger/shop/"' in client.get("/ledger/").content.decode()
    assert f"?for={father.pk}" in client.get("/ledger/").content.decode()
    api = client.get(f"/api/v1/ledger/residents/{father.pk}").json()
    assert api["balances"]["points"] == 120 and api["resident_id"] == father.pk
    statement = client.get(f"/api/v1/ledger/residents/{father.pk}/statement").json()
    assert statement["balance"] == 120 and statement["count"] >= 1
    assert client.get("/api/v1/ledger/me").json()["resident_id"] == daughter.pk  # her own, not his

    for role in ("grid_steward", "social_worker", "resident", "outsider"):  # only the helper (and he himself)
        assert client_for(users[role]).get(f"/api/v1/ledger/residents/{father.pk}").status_code == 404
    services.family_link_end(actor=user, link=link)
    assert client.get(f"/ledger/?for={father.pk}").status_code == 404
    assert client.get(f"/api/v1/ledger/residents/{father.pk}/statement").status_code == 404


def test_asking_for_someone_of_ones_household(community, family):
    user, daughter, _father = family
    from linli.conftest import make_resident

    from .family_factories import years_ago

    grandma = make_resident(community, name="李秀英", birth=years_ago(88), seq=51)
    assert grandma.household_id == daughter.household_id
    client = client_for(user)
    html = client.get("/people/family/").content.decode()
    assert 'data-testid="ask-household"' in html and "李秀英" in html
    client.post("/people/family/ask-household/", {"household-elder": grandma.pk, "household-relation": "孙女"})
    link = FamilyLink.objects.get(elder=grandma)
    assert (link.helper, link.relation, link.status) == (daughter, "孙女", "requested")
    html = client.get("/people/family/").content.decode()
    assert 'data-testid="ask-household"' not in html  # nobody else of the household left to ask for


def test_staff_see_that_a_moved_out_elder_stopped_acting(family, users):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_confirm_in_person(actor=users["social_worker"], link=link)
    father.moved_out_on = timezone.localdate()
    father.save(update_fields=["moved_out_on"])
    html = client_for(users["social_worker"]).get(f"/people/shibei/family-links/?elder={father.pk}").content.decode()
    assert f'data-testid="family-link-{link.pk}"' in html and "已迁出，代办已停止" in html
    assert "王德明" not in [x["name"] for x in client_for(user).get("/api/v1/me/acting-for").json()]


def test_by_whom_costs_no_query_per_row(community, family, users):
    """The helper's "my bookings" page asks the same number of queries for 1 order as for 6."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_confirm_in_person(actor=users["social_worker"], link=link)
    canteen = make_canteen_with_tarhai_rules(community)
    today = timezone.localdate()
    client = client_for(user)

    made: list[int] = []

    def queries_with(orders: int) -> int:
        while len(made) < orders:
            menu = make_menu(canteen, today + dt.timedelta(days=10 + len(made)))
            made.append(canteen_services.meal_order_create(actor=user, menu=menu, resident=father).pk)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/services/my/").status_code == 200
        return len(ctx.captured_queries)

    client.get("/services/my/")  # the header is read once, then kept in the cache
    one = queries_with(1)
    assert queries_with(6) == one

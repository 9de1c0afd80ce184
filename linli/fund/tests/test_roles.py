"""Who may do what, on the pages and through the API: a resident applicant, a reviewer, a conflicted reviewer,
the community's admin, another community's admin, the street (read-only) and the city (read-only). Every
refusal changes nothing."""

from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.core.errors import NotFound
from linli.fund import selectors, services
from linli.fund.models import Application

from .conftest import donate, state, submitted

pytestmark = pytest.mark.django_db
PAGES = "/fund/shibei"
API = "/api/v1/fund/shibei"
JSON = "application/json"
EVERYONE = ["applicant", "resident", "reviewer", "conflicted", "admin", "other_admin", "street_admin", "city_viewer"]


@pytest.fixture
def scored(manager, community, applicant, applicant_user, reviewers, open_round) -> Application:
    donate(manager, community, 1_000_000)
    application = submitted(applicant_user, open_round, applicant)
    for r in reviewers:
        services.review_score(actor=r, application=application, score=75)
    return application


@pytest.fixture
def granted(manager, scored) -> Application:
    return services.application_decide(actor=manager, application=scored, approve=True, approved_fen=300_000)


def expect(people: dict[str, Any], table: dict[str, int], default: int) -> list[tuple[Any, str, int]]:
    return [(people[who], who, table.get(who, default)) for who in EVERYONE]


def test_page_reads(people, open_round, scored):
    books = {"admin": 200, "street_admin": 200, "city_viewer": 200, "other_admin": 404}
    staff_forms = {"admin": 200, "other_admin": 404}
    application = {"resident": 404, "other_admin": 404}
    round_page = {"other_admin": 404}
    cases = [
        ("/manage/", books, 403),
        ("/donations/new/", staff_forms, 403),
        ("/rounds/new/", staff_forms, 403),
        (f"/applications/{scored.pk}/", application, 200),
        (f"/rounds/{open_round.pk}/", round_page, 200),
        ("/rounds/", round_page, 200),
        ("/applications/mine/", round_page, 200),
    ]
    for url, table, default in cases:
        for user, who, status in expect(people, table, default):
            assert client_for(user).get(PAGES + url).status_code == status, (url, who)
    assert client_for(None).get(PAGES + "/").status_code == 200  # the public page
    assert client_for(None).get(PAGES + "/manage/").status_code == 302  # to the login


def test_page_writes_only_by_whom_the_rules_allow(people, open_round, scored):
    today = timezone.localdate().isoformat()
    writes = [
        (
            "/donations/new/",
            {"donor_kind": "enterprise", "donor_name": "无忧传媒", "amount_fen": "100", "received_on": today},
            {"admin": 302, "other_admin": 404},
            403,
        ),
        (
            "/rounds/new/",
            {
                "name": "新一期",
                "categories": ["services"],
                "budget_fen": "1000",
                "opens_on": today,
                "closes_on": today,
                "min_reviews": 3,
            },
            {"admin": 302, "other_admin": 404},
            403,
        ),
        (
            f"/applications/{scored.pk}/decide/",
            {"decision": "approve", "approved_fen": "3000"},
            {"admin": 302, "resident": 404, "other_admin": 404},
            403,
        ),
        (
            f"/applications/{scored.pk}/score/",
            {"score": "60"},
            {"reviewer": 200, "conflicted": 200, "resident": 404, "other_admin": 404},  # 200: refusal on the form
            403,
        ),
    ]
    for url, data, table, default in writes:
        for user, who, status in expect(people, table, default):
            if status == 302:
                continue
            before = state()
            r = client_for(user).post(PAGES + url, {**data, "idempotency_key": f"{who}-{url}"})
            assert r.status_code == status, (url, who, r.status_code)
            assert state() == before, (url, who)
    # the reviewer above had scored already (refused on the form); the admin's writes go through
    admin = client_for(people["admin"])
    for url, data, _table, _default in writes[:3]:
        before = state()
        assert admin.post(PAGES + url, {**data, "idempotency_key": f"admin-{url}"}).status_code == 302
        assert state() != before


def test_page_pay_and_report_refusals(people, granted):
    url = f"{PAGES}/applications/{granted.pk}/"
    for who in ("applicant", "reviewer", "street_admin", "city_viewer"):
        before = state()
        assert client_for(people[who]).post(url + "pay/", {"amount_fen": "100"}).status_code == 403, who
        assert state() == before
    for who in ("reviewer", "street_admin", "city_viewer"):
        before = state()
        r = client_for(people[who]).post(url + "report/", {"period": "五月", "body": "做了"})
        assert r.status_code == 403 and state() == before, who


def test_api_reads(people, open_round, scored, community, manager):
    donate(manager, community, 500)
    cases = [
        ("/donations", {"admin": 200, "street_admin": 200, "city_viewer": 200, "other_admin": 404}, 403),
        ("/rounds", {"other_admin": 404}, 200),
        (f"/rounds/{open_round.pk}", {"other_admin": 404}, 200),
        (
            f"/rounds/{open_round.pk}/applications",
            {
                "admin": 200,
                "street_admin": 200,
                "city_viewer": 200,
                "reviewer": 200,
                "conflicted": 200,
                "other_admin": 404,
            },
            403,
        ),
        ("/applications/mine", {"other_admin": 404}, 200),
    ]
    for url, table, default in cases:
        for user, who, status in expect(people, table, default):
            r = client_for(user).get(API + url)
            assert r.status_code == status, (url, who, r.status_code)
            if status >= 400:
                assert set(r.json()["error"]) == {"code", "message", "fields"}
    assert client_for(None).get(API + "/donations").status_code == 401
    assert client_for(None).get(API + "/summary").status_code == 200
    mine = client_for(people["applicant"]).get(API + "/applications/mine").json()
    assert [a["id"] for a in mine] == [scored.pk]
    assert client_for(people["resident"]).get(API + "/applications/mine").json() == []
    # a reviewer sees the mean and count, not each reviewer's score
    row = client_for(people["reviewer"]).get(f"{API}/rounds/{open_round.pk}/applications").json()[0]
    assert row["mean_score"] == 75 and row["review_count"] == 3 and row["reviews"] is None
    row = client_for(people["admin"]).get(f"{API}/rounds/{open_round.pk}/applications").json()[0]
    assert [r["score"] for r in row["reviews"]] == [75, 75, 75]


def test_api_writes_only_by_whom_the_rules_allow(people, open_round, scored, applicant):
    today = timezone.localdate().isoformat()
    writes = [
        (
            "/donations",
            {"donor_kind": "enterprise", "donor_name": "无忧传媒", "amount_fen": 100, "received_on": today},
            {"admin": 201, "other_admin": 404},
            403,
        ),
        (
            "/rounds",
            {"name": "新一期", "budget_fen": 100_000, "opens_on": today, "closes_on": today},
            {"admin": 201, "other_admin": 404},
            403,
        ),
        (
            f"/rounds/{open_round.pk}/applications",
            {
                "partner_id": applicant.pk,
                "title": "新项目",
                "category": "services",
                "summary": "计划",
                "requested_fen": 100,
            },
            {"applicant": 201, "admin": 201, "other_admin": 404},
            403,
        ),
        (
            f"/applications/{scored.pk}/decision",
            {"approve": True, "approved_fen": 300_000},
            {"admin": 200, "resident": 404, "other_admin": 404},
            403,
        ),
    ]
    for url, body, table, default in writes:
        for user, who, status in expect(people, table, default):
            if status < 300:
                continue
            before = state()
            r = client_for(user).post(API + url, {**body, "idempotency_key": f"{who}{url}"}, content_type=JSON)
            assert r.status_code == status, (url, who, r.status_code, r.content)
            assert set(r.json()["error"]) == {"code", "message", "fields"}
            assert state() == before, (url, who)
        for user, who, status in expect(people, table, default):
            if status < 300:
                before = state()
                r = client_for(user).post(API + url, {**body, "idempotency_key": f"{who}{url}"}, content_type=JSON)
                assert r.status_code == status, (url, who, r.content)
                assert state() != before


def test_api_reviews_tranches_and_reports(people, open_round, applicant, applicant_user, manager, reviewers):
    application = submitted(applicant_user, open_round, applicant)
    url = f"{API}/applications/{application.pk}"
    before = state()
    r = client_for(people["conflicted"], "en").post(f"{url}/reviews", {"score": 90}, content_type=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "conflict_of_interest"
    assert "邻里帮帮团" in r.json()["error"]["message"]
    zh = client_for(people["conflicted"], "zh-hans").post(f"{url}/reviews", {"score": 90}, content_type=JSON)
    assert zh.json()["error"]["message"].startswith("您与申请方存在利益冲突")
    for who in ("admin", "street_admin", "applicant"):
        assert client_for(people[who]).post(f"{url}/reviews", {"score": 90}, content_type=JSON).status_code == 403
    assert state() == before
    for r_user in reviewers:
        assert client_for(r_user).post(f"{url}/reviews", {"score": 80}, content_type=JSON).status_code == 201
    donate(manager, open_round.community, 1_000_000)
    services.application_decide(actor=manager, application=application, approve=True, approved_fen=200_000)
    before = state()
    for who in ("applicant", "reviewer", "street_admin", "city_viewer"):
        r = client_for(people[who]).post(
            f"{url}/tranches", {"amount_fen": 100, "idempotency_key": "x"}, content_type=JSON
        )
        assert r.status_code == 403, who
    assert state() == before
    admin = client_for(people["admin"], "en")
    paid = admin.post(f"{url}/tranches", {"amount_fen": 150_000}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="t-1")
    assert paid.status_code == 201 and paid.json()["number"] == 1
    again = admin.post(f"{url}/tranches", {"amount_fen": 150_000}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="t-1")
    assert again.status_code == 200 and again.json()["id"] == paid.json()["id"]
    before = state()
    over = admin.post(f"{url}/tranches", {"amount_fen": 50_001, "idempotency_key": "t-2"}, content_type=JSON)
    assert over.status_code == 400 and over.json()["error"]["code"] == "over_approved"
    assert over.json()["error"]["message"] == "This would pay ¥2000.01 of a grant of ¥2000; ¥500 is left to pay."
    assert over.json()["error"]["fields"] == {"amount_fen": [over.json()["error"]["message"]]}
    zh = client_for(people["admin"], "zh-hans").post(
        f"{url}/tranches", {"amount_fen": 50_001, "idempotency_key": "t-3"}, content_type=JSON
    )
    assert "尚可拨付 ¥500" in zh.json()["error"]["message"]
    assert state() == before
    for who in ("reviewer", "street_admin", "city_viewer"):
        r = client_for(people[who]).post(f"{url}/reports", {"period": "五月", "body": "做了"}, content_type=JSON)
        assert r.status_code == 403, who
    assert state() == before
    r = client_for(applicant_user).post(
        f"{url}/reports", {"period": "五月", "body": "送餐120次", "spent_fen": 100_000}, content_type=JSON
    )
    assert r.status_code == 201 and r.json()["transaction_id"]
    summary = client_for(None).get(f"{API}/summary").json()
    assert summary["projects"][0]["paid_fen"] == 150_000 and summary["projects"][0]["spent_fen"] == 100_000


def test_the_reads_of_one_application_admit_the_same_people(people, scored) -> None:
    """`application_get`, `reviews_of` and `tranches_of` take the user for one scope: whoever may not read the
    application finds neither it nor its reviews nor its tranches."""
    refused = set()
    for who in EVERYONE:
        user = people[who]
        try:
            selectors.application_get(user=user, community=scored.community, pk=scored.pk)
        except NotFound:
            admitted = False
        else:
            admitted = True
        if not admitted:
            refused.add(who)
        for read in (selectors.reviews_of, selectors.tranches_of):
            if admitted:
                read(user=user, application=scored)
            else:
                with pytest.raises(NotFound):
                    read(user=user, application=scored)
    assert refused == {"resident", "other_admin"}
    assert len(selectors.reviews_of(user=people["admin"], application=scored)) == 3

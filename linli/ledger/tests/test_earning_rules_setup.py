"""A community adds its own earning rules and sets daily, monthly and yearly caps, from a page and the API."""

import datetime as dt
from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE_AND_ANONYMOUS, client_for, make_resident
from linli.core.errors import DomainError, NotAllowed
from linli.ledger import services
from linli.ledger.codes import FundingCode
from linli.ledger.models import EarningRule

pytestmark = pytest.mark.django_db

BOOKS = "/api/v1/communities/shibei/ledger"
JSON = "application/json"
TZ = dt.timezone(dt.timedelta(hours=8))


def rules_state() -> tuple[Any, ...]:
    return (
        sorted(EarningRule.objects.values_list("community_id", "code", "points", "daily_cap", "monthly_cap")),
        AuditEntry.objects.filter(action__startswith="earning_rule").count(),
    )


def test_a_rule_of_the_communitys_own_earns_within_its_monthly_cap(community: Any, users: Any) -> None:
    rule = services.earning_rule_create(
        actor=users["community_admin"],
        community=community,
        name="义诊服务",
        points=20,
        daily_cap=40,
        monthly_cap=60,
        yearly_cap=500,
        funding_code=FundingCode.STREET,
    )
    assert rule.code == "rule_8" and rule.label == "义诊服务" and rule.funding_code == "street"
    assert AuditEntry.objects.filter(action="earning_rule.create", object_id=str(rule.pk)).exists()
    elder = make_resident(community, name="陈阿姨", seq=21)
    earned = []
    for day, key in [(3, "a"), (4, "b"), (5, "c"), (28, "d")]:
        result = services.points_earn(
            community=community,
            resident=elder,
            rule_code=rule.code,
            quantity=2,
            idempotency_key=f"clinic-{key}",
            now=dt.datetime(2026, 5, day, 10, tzinfo=TZ),
        )
        earned.append(result.points)
    assert earned == [40, 20, 0, 0]  # the day's cap, then the month's
    june = services.points_earn(
        community=community,
        resident=elder,
        rule_code=rule.code,
        quantity=1,
        idempotency_key="clinic-june",
        now=dt.datetime(2026, 6, 1, 0, 30, tzinfo=TZ),
    )
    assert june.points == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "志愿服务时长", "points": 0}, "points"),
        ({"daily_cap": 50, "monthly_cap": 40}, "daily_cap"),
        ({"monthly_cap": 900, "yearly_cap": 800}, "monthly_cap"),
        ({"funding_code": "bank"}, "funding_code"),
        ({"code": "Not A Slug"}, "code"),
        ({"code": "volunteer_hour"}, "code"),
        ({"code": "new"}, "code"),
    ],
)
def test_bad_rules_are_refused_with_nothing_saved(community: Any, users: Any, change: dict, field: str) -> None:
    services.earning_rules_seed(community)
    before = rules_state()
    values = {"name": "义诊服务", "points": 5, **change}
    with pytest.raises(DomainError) as refused:
        services.earning_rule_create(actor=users["social_worker"], community=community, **values)
    assert refused.value.field == field and str(refused.value.message)
    assert rules_state() == before


def test_a_change_keeps_the_caps_in_order(community: Any, users: Any) -> None:
    rule = services.earning_rule_get(community, "volunteer_hour")  # daily 80, yearly 2000
    before = rules_state()
    with pytest.raises(DomainError) as refused:
        services.earning_rule_update(actor=users["community_admin"], rule=rule, monthly_cap=50)
    assert refused.value.field == "daily_cap"
    assert rules_state() == before
    services.earning_rule_update(actor=users["community_admin"], rule=rule, monthly_cap=400)
    assert EarningRule.objects.get(community=community, code="volunteer_hour").monthly_cap == 400


def test_only_casework_staff_add_rules(community: Any, users: Any) -> None:
    for role in ("grid_steward", "resident", "volunteer", "operator", "street_admin", "city_viewer", "outsider"):
        with pytest.raises(NotAllowed):
            services.earning_rule_create(actor=users[role], community=community, name="私设", points=1)
    assert not EarningRule.objects.filter(name="私设").exists()


ALLOWED = {"social_worker", "community_admin"}


@pytest.mark.parametrize("role", EVERY_ROLE_AND_ANONYMOUS)
def test_who_adds_a_rule_through_the_api(role_client: Any, role: str) -> None:
    before = rules_state()
    r = role_client(role).post(
        f"{BOOKS}/rules", {"name": "垃圾分类督导", "points": 3, "monthly_cap": 30, "funding_code": "charity"}, JSON
    )
    if role in ALLOWED:
        assert r.status_code == 201, r.content
        body = r.json()
        assert (body["label"], body["monthly_cap"], body["funding_code"], body["enabled"]) == (
            "垃圾分类督导",
            30,
            "charity",
            True,
        )
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert rules_state() == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_rules_through_the_api_are_told_in_the_users_language(users: Any, language: str) -> None:
    c = client_for(users["community_admin"], language)
    c.get(f"{BOOKS}/rules")
    before = rules_state()
    zh = language == "zh-hans"
    cases = [
        ({"name": "", "points": 3}, 422, "name"),
        ({"name": "督导", "points": 0}, 400, "points"),
        ({"name": "督导", "points": 2.5}, 422, "points"),
        ({"name": "督导", "points": 3, "daily_cap": 20, "monthly_cap": 10}, 400, "daily_cap"),
        ({"name": "督导", "points": 3, "funding_code": "bank"}, 400, "funding_code"),
    ]
    for body, status, field in cases:
        r = c.post(f"{BOOKS}/rules", body, JSON)
        assert r.status_code == status, (body, r.content)
        assert field in r.json()["error"]["fields"], (body, r.json())
    r = c.post(f"{BOOKS}/rules", {"name": "督导", "points": 3, "daily_cap": 20, "monthly_cap": 10}, JSON)
    message = r.json()["error"]["fields"]["daily_cap"][0]
    assert ("每日上限" in message) if zh else ("daily cap" in message)
    assert rules_state() == before


def test_the_monthly_cap_is_set_and_cleared_through_the_api(users: Any, community: Any) -> None:
    c = client_for(users["social_worker"], "en")
    r = c.patch(f"{BOOKS}/rules/vote_cast", {"monthly_cap": 40}, JSON)
    assert r.status_code == 200 and r.json()["monthly_cap"] == 40
    r = c.patch(f"{BOOKS}/rules/vote_cast", {"monthly_cap": None}, JSON)
    assert r.status_code == 200 and r.json()["monthly_cap"] is None
    assert [x["monthly_cap"] for x in c.get(f"{BOOKS}/rules").json() if x["code"] == "vote_cast"] == [None]


def test_another_communitys_rules_cannot_be_added_to(users: Any, other_community: Any) -> None:
    before = rules_state()
    r = client_for(users["community_admin"]).post(
        "/api/v1/communities/limin/ledger/rules", {"name": "越界", "points": 1}, JSON
    )
    assert r.status_code in (403, 404)
    r = client_for(users["community_admin"]).get("/ledger/c/limin/rules/new/")
    assert r.status_code in (403, 404)
    assert rules_state() == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("elder", [False, True])
def test_the_new_rule_page_adds_a_rule_and_tells_what_is_wrong(
    users: Any, community: Any, language: str, elder: bool
) -> None:
    c = client_for(users["community_admin"], language)
    if elder:
        c.cookies["linli_elder"] = "1"
    page = c.get("/ledger/c/shibei/rules/new/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="monthly_cap"' in html
    assert (
        ("新增积分规则" in html and "街道" in html and "慈善" in html)
        if language == "zh-hans"
        else "New earning rule" in html
    )
    before = rules_state()
    bad = c.post(
        "/ledger/c/shibei/rules/new/",
        {"name": "义诊", "points": "5", "daily_cap": "50", "monthly_cap": "30", "funding_code": "street"},
    )
    assert bad.status_code == 200 and ("每日上限" if language == "zh-hans" else "daily cap") in bad.content.decode()
    assert rules_state() == before
    good = c.post(
        "/ledger/c/shibei/rules/new/",
        {
            "name": "义诊",
            "points": "5",
            "daily_cap": "10",
            "monthly_cap": "30",
            "funding_code": "street",
            "enabled": "on",
        },
    )
    assert good.status_code == 302 and good["Location"] == "/ledger/c/shibei/"
    rule = EarningRule.objects.get(community=community, name="义诊")
    assert (rule.points, rule.daily_cap, rule.monthly_cap, rule.yearly_cap, rule.funding_code, rule.enabled) == (
        5,
        10,
        30,
        None,
        "street",
        True,
    )
    books = c.get("/ledger/c/shibei/").content.decode()
    assert "义诊" in books and 'data-testid="rule-new"' in books

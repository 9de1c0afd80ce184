"""Pages and API used as staff would: record a visit from the phone form, turn a need into a referral and a report,
set cadences; bad input shown in the user's language with nothing saved."""

import datetime as dt
from typing import Any

import pytest

from linli.care.models import Cadence, Referral, Visit
from linli.conftest import client_for
from linli.reports.models import Category, Report

pytestmark = pytest.mark.django_db


def test_steward_records_a_visit_on_the_form_and_refers_the_need(setup: Any) -> None:
    client = client_for(setup.steward)
    page = client.get("/care/shibei/").content.decode()
    assert "我的走访" in page and "张阿婆" in page and "从未走访" in page and "记录走访" in page
    form = client.get(f"/care/shibei/residents/{setup.alone.pk}/visit/").content.decode()
    assert "需关注" in form and "上门走访" in form and "电话" in form
    response = client.post(
        f"/care/shibei/residents/{setup.alone.pk}/visit/",
        {"kind": "home", "seen": "1", "condition": "attention", "needs": ["meals", "company"], "note": ""},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/care/shibei/visits/{visit.pk}/"
    assert (visit.seen, visit.condition, visit.needs) == (True, "attention", ["meals", "company"])
    detail = client.get(response["Location"]).content.decode()
    assert "助餐" in detail and "转介社工" in detail
    client.post(f"/care/shibei/visits/{visit.pk}/refer/", {"text": "助餐、精神慰藉"})
    assert Referral.objects.get().text == "助餐、精神慰藉"
    assert "张阿婆" in client_for(setup.users["social_worker"]).get("/care/shibei/referrals/").content.decode()


def test_bad_visit_form_shows_the_reason_in_chinese_and_english_and_saves_nothing(setup: Any) -> None:
    future = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    url = f"/care/shibei/residents/{setup.alone.pk}/visit/"
    zh = client_for(setup.steward).post(url, {"kind": "home", "seen": "1", "condition": "good", "visited_at": future})
    assert zh.status_code == 200 and "走访时间不能在将来" in zh.content.decode()
    en = client_for(setup.steward, "en").post(url, {"kind": "home", "seen": "1", "condition": ""})
    assert en.status_code == 200 and "Say how the resident is." in en.content.decode()
    not_listed = client_for(setup.steward).post(
        f"/care/shibei/residents/{setup.untagged.pk}/visit/", {"kind": "home", "seen": "1", "condition": "good"}
    )
    assert not_listed.status_code == 200 and "不在关爱名单" in not_listed.content.decode()
    assert Visit.objects.count() == 0


def test_need_to_report_on_the_page(setup: Any) -> None:
    Category.objects.create(community=setup.community, code="repair", name="居家维修")
    client = client_for(setup.steward)
    client.post(
        f"/care/shibei/residents/{setup.alone.pk}/visit/",
        {"kind": "home", "seen": "1", "condition": "fair", "needs": ["home_repair"]},
    )
    visit = Visit.objects.get()
    category = Category.objects.get()
    client.post(f"/care/shibei/visits/{visit.pk}/report/", {"category": category.pk, "description": ""})
    assert Report.objects.count() == 0
    client.post(f"/care/shibei/visits/{visit.pk}/report/", {"category": category.pk, "description": "卫生间扶手松动"})
    visit.refresh_from_db()
    assert visit.report is not None and visit.report.description == "卫生间扶手松动"


def test_admin_sets_cadences_on_the_page(setup: Any, tags: dict[str, Any]) -> None:
    client = client_for(setup.users["community_admin"])
    bad = client.post("/care/shibei/cadences/", {"tag": tags["low_income"].pk, "every_days": 0})
    assert bad.status_code == 200 and not Cadence.objects.filter(tag=tags["low_income"]).exists()
    client.post("/care/shibei/cadences/", {"tag": tags["low_income"].pk, "every_days": 30})
    assert Cadence.objects.get(tag=tags["low_income"]).every_days == 30
    page = client.get("/care/shibei/cadences/").content.decode()
    assert "低保户" in page
    for nonsense in ("abc", "-1", "１２", "9" * 30):  # not a row id: 404, nothing removed
        assert client.post(f"/care/shibei/cadences/{nonsense}/remove/").status_code == 404
    assert Cadence.objects.filter(tag=tags["low_income"]).exists()
    remove = f"/care/shibei/cadences/{Cadence.objects.get(tag=tags['low_income']).pk}/remove/"
    assert remove in page
    assert client_for(setup.steward).post(remove).status_code == 403  # only the admin sets cadences
    assert Cadence.objects.filter(tag=tags["low_income"]).exists()
    client.post(remove)
    assert not Cadence.objects.filter(tag=tags["low_income"]).exists()


def test_pages_in_english_and_elder_mode(setup: Any) -> None:
    en = client_for(setup.steward, "en").get("/care/shibei/").content.decode()
    assert "My care visits" in en and "Never visited" in en and "Elderly living alone" in en
    elder = client_for(setup.steward)
    elder.cookies["linli_elder"] = "1"
    assert 'class="elder' in elder.get(f"/care/shibei/residents/{setup.alone.pk}/visit/").content.decode()


def test_the_api_records_lists_and_refers(setup: Any, tags: dict[str, Any]) -> None:
    api = client_for(setup.steward)
    base = "/api/v1/communities/shibei/care"
    rows = api.get(base + "/list").json()
    assert {r["name"] for r in rows} == {"张阿婆", "李伯"} and all(r["never_visited"] for r in rows)
    bad = api.post(
        f"{base}/residents/{setup.alone.pk}/visits",
        {"seen": True, "condition": "great"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and Visit.objects.count() == 0
    made = api.post(
        f"{base}/residents/{setup.alone.pk}/visits",
        {"kind": "phone", "seen": True, "condition": "urgent", "needs": ["health"]},
        content_type="application/json",
    )
    assert made.status_code == 201
    visit_id = made.json()["id"]
    assert api.get(f"{base}/visits/{visit_id}").json()["condition"] == "urgent"
    alone = next(r for r in api.get(base + "/list").json() if r["name"] == "张阿婆")
    assert alone["days_overdue"] == 0 and not alone["never_visited"] and alone["every_days"] == 7
    referral = api.post(
        f"{base}/visits/{visit_id}/referrals", {"text": "需要就医陪同"}, content_type="application/json"
    )
    assert referral.status_code == 201
    sw = client_for(setup.users["social_worker"])
    assert [r["text"] for r in sw.get(base + "/referrals?status=open").json()] == ["需要就医陪同"]
    done = sw.post(
        f"{base}/referrals/{referral.json()['id']}/done", {"outcome": "已联系家庭医生"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    # cadences: the admin sets, the steward may only read
    admin = client_for(setup.users["community_admin"])
    assert (
        admin.put(
            base + "/cadences", {"tag": "low_income", "every_days": 30}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        api.put(base + "/cadences", {"tag": "low_income", "every_days": 3}, content_type="application/json").status_code
        == 403
    )
    assert (
        admin.put(base + "/cadences", {"tag": "nope", "every_days": 3}, content_type="application/json").status_code
        == 404
    )
    assert {c["tag"]: c["every_days"] for c in api.get(base + "/cadences").json()}["low_income"] == 30
    assert admin.delete(base + "/cadences/low_income").status_code == 204
    assert not Cadence.objects.filter(tag=tags["low_income"]).exists()

"""Planning pages and API: the run, its progress, coverage, gaps, map and Excel, for the right people only."""

import io

import pytest
from openpyxl import load_workbook

from linli.conftest import client_for
from linli.planning.models import CandidateSite, PlanRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_run(sited_run):
    return sited_run("kindergarten")


def test_api_run_reports_progress_and_result(done_run, users):
    data = client_for(users["community_admin"]).get(f"/api/v1/planning/runs/{done_run.pk}").json()
    assert data["status"] == "done" and data["percent"] == 100
    assert {row["community"] for row in data["result"]["index"]} == {"shibei"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_community_page_shows_index_coverage_map_gaps_and_sites(done_run, users, language):
    body = client_for(users["social_worker"], language).get("/planning/communities/shibei/").content.decode()
    assert 'data-testid="index-shibei"' in body and "<svg" in body
    assert ("老年食堂" in body or "社区食堂" in body) if language == "zh-hans" else "canteen" in body.lower()
    assert ("OpenStreetMap" in body) and 'data-testid="gaps"' in body and 'data-testid="siting"' in body
    # coverage per class of the rules, and the under-supplied line
    assert 'data-testid="class-coverage"' in body and ("社区治理" if language == "zh-hans" else "Elderly care") in body
    index = done_run.result["index"][0]
    assert index["under_supplied"] is (index["index"] < 70)
    assert ('data-testid="under-shibei"' in body) is index["under_supplied"]
    assert ("低于 70" if language == "zh-hans" else "Under 70") in body


def test_excel_export_has_every_sheet(done_run, users):
    response = client_for(users["community_admin"], "en").get(f"/planning/runs/{done_run.pk}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Coverage", "Supply index", "Gaps", "Recommended sites", "About"]
    rows = list(book["Coverage"].iter_rows(values_only=True))
    assert rows[0][0] == "Category" and len(rows) > 5


def test_others_cannot_see_or_start_runs(done_run, users, make_user, other_community):
    from linli.accounts.models import Role

    outsider = make_user(Role.COMMUNITY_ADMIN, other_community)
    assert client_for(outsider).get(f"/api/v1/planning/runs/{done_run.pk}").status_code == 404
    assert client_for(outsider).get("/planning/communities/shibei/").status_code == 404
    assert client_for(outsider).get(f"/planning/runs/{done_run.pk}.xlsx").status_code == 404
    resident = client_for(users["resident"])
    assert resident.get(f"/api/v1/planning/runs/{done_run.pk}").status_code == 404
    before = PlanRun.objects.count()
    refused = resident.post("/api/v1/communities/shibei/planning/runs", {}, content_type="application/json")
    assert refused.status_code == 403 and PlanRun.objects.count() == before
    # the city viewer reads but cannot start
    viewer = client_for(users["city_viewer"])
    assert viewer.get(f"/api/v1/planning/runs/{done_run.pk}").status_code == 200
    assert viewer.post("/api/v1/communities/shibei/planning/runs", {}, content_type="application/json").status_code in (
        403,
        404,
    )
    assert PlanRun.objects.count() == before


def test_bad_requests_get_clear_messages(users, community):
    client = client_for(users["community_admin"], "en")
    too_many = client.post(
        "/api/v1/communities/shibei/planning/runs",
        {"siting_category": "kindergarten", "siting_k": 101},
        content_type="application/json",
    )
    assert too_many.status_code == 422 and "siting_k" in too_many.json()["error"]["fields"]
    page = client_for(users["community_admin"]).post(
        "/planning/communities/shibei/", {"siting_category": "kindergarten", "siting_k": 101}
    )
    assert "siting_k" in page.context["form"].errors and PlanRun.objects.count() == 0
    unknown = client.post(
        "/api/v1/communities/shibei/planning/runs",
        {"siting_category": "casino", "siting_k": 1},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "casino" in unknown.json()["error"]["message"]
    site = client.post(
        "/api/v1/communities/shibei/planning/sites",
        {"name": "", "lat": 30.28, "lng": 120.13},
        content_type="application/json",
    )
    assert site.status_code == 400 and "name" in site.json()["error"]["fields"]
    assert not PlanRun.objects.exists()


def test_a_past_day_is_checked_from_the_page_and_the_api_and_a_day_to_come_is_refused(users, community):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    api = client_for(users["community_admin"], "en")
    asked = api.post(
        "/api/v1/communities/shibei/planning/runs",
        {"as_of": f"{today - dt.timedelta(days=30):%Y-%m-%d}"},
        content_type="application/json",
    )
    assert asked.status_code == 202
    assert PlanRun.objects.get(pk=asked.json()["id"]).inputs["day"] == f"{today - dt.timedelta(days=30):%Y-%m-%d}"
    later = api.post(
        "/api/v1/communities/shibei/planning/runs",
        {"as_of": f"{today + dt.timedelta(days=1):%Y-%m-%d}"},
        content_type="application/json",
    )
    assert later.status_code == 400 and "as_of" in later.json()["error"]["fields"]
    page = client_for(users["community_admin"]).post(
        "/planning/communities/shibei/", {"siting_k": 0, "as_of": f"{today + dt.timedelta(days=1):%Y-%m-%d}"}
    )
    assert page.context["form"].errors["as_of"] == ["体检日期不能晚于今天。"]
    assert "检查日期" in page.content.decode() and PlanRun.objects.count() == 1


def test_street_page_compares_communities(users, community, other_community, django_capture_on_commit_callbacks):
    admin = client_for(users["street_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/planning/streets/ningwei/", {"siting_category": "", "siting_k": 0})
    assert response.status_code == 302
    body = admin.get("/planning/streets/ningwei/").content.decode()
    assert 'data-testid="index-shibei"' in body and 'data-testid="index-limin"' in body


def test_candidate_sites_page(users, community):
    client = client_for(users["community_admin"])
    response = client.post(
        "/planning/communities/shibei/sites/",
        {"name": "闲置厂房", "kind": "idle_space", "lat": "30.286", "lng": "120.136"},
    )
    assert response.status_code == 302
    assert "闲置厂房" in client.get("/planning/communities/shibei/sites/").content.decode()
    bad = client.post(
        "/planning/communities/shibei/sites/", {"name": "x", "kind": "idle_space", "lat": "300", "lng": "120"}
    )
    assert bad.status_code == 200 and "90" in bad.content.decode()

    site = CandidateSite.objects.get(name="闲置厂房")
    withdraw = f"/planning/communities/shibei/sites/{site.pk}/withdraw/"
    assert withdraw in client.get("/planning/communities/shibei/sites/").content.decode()
    assert client_for(users["social_worker"]).post(withdraw).status_code == 403  # sees the sites, may not change them
    site.refresh_from_db()
    assert site.active
    assert client.post(withdraw).status_code == 302
    site.refresh_from_db()
    assert not site.active and "闲置厂房" not in client.get("/planning/communities/shibei/sites/").content.decode()
    assert client.post(withdraw).status_code == 404  # withdrawn: no longer listed


def test_excel_export_writes_formula_text_as_text(done_run, users, community):
    payload = '=HYPERLINK("http://x","y")'
    type(community).objects.filter(pk=community.pk).update(name=payload)
    response = client_for(users["community_admin"], "en").get(f"/planning/runs/{done_run.pk}.xlsx")
    about = {row[0].value: row[1] for row in load_workbook(io.BytesIO(response.content))["About"].iter_rows()}
    assert (about["Scope"].data_type, about["Scope"].value) == ("s", "'" + payload)


def test_a_site_names_a_building_of_its_own_community(users, community, other_community):
    from linli.planning.models import CandidateSite

    client = client_for(users["community_admin"], "en")
    elsewhere = other_community.buildings.first()
    url = "/api/v1/communities/shibei/planning/sites"
    r = client.post(url, {"name": "隔壁的楼", "building_id": elsewhere.pk}, content_type="application/json")
    assert r.status_code == 400 and "not in this community" in r.json()["error"]["message"]
    r = client.post(url, {"name": "没有的楼", "building_id": 999_999}, content_type="application/json")
    assert r.status_code == 404
    assert not CandidateSite.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_run_walks_as_the_chosen_profile_from_the_page_and_the_api(
    users,
    community,
    elderly,
    language,
    django_capture_on_commit_callbacks,
):
    from linli.audit.models import AuditEntry

    client = client_for(users["community_admin"], language)
    page = client.get("/planning/communities/shibei/").content.decode()
    assert 'name="profile"' in page and 'value="wheelchair"' in page
    assert ("轮椅" in page and "wheelchair" not in page.split('value="wheelchair"')[1][:80]) or language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post("/planning/communities/shibei/", {"profile": "elder", "siting_k": 0})
    assert posted.status_code == 302
    run = PlanRun.objects.get()
    assert run.profile == "elder" and run.status == PlanRun.Status.DONE, run.error
    assert run.result["parameters"]["profile"] == "elder" and run.result["network"]["profile"] == "elder"
    elderly_rows = [c for c in run.result["coverage"] if c["age_group"] == "elderly"]
    assert elderly_rows and all(c["walk_speed_m_s"] == 0.9 for c in elderly_rows)
    canteen = next(c for c in run.result["coverage"] if c["category"] == "elderly_canteen")
    assert canteen["radius_min"] == round(canteen["radius_m"] / 0.9 / 60, 1)
    assert AuditEntry.objects.get(action="plan_run.request").after["profile"] == "elder"
    body = client.get("/planning/communities/shibei/").content.decode()
    walking = body.split('data-testid="walking"')[1][:400]
    assert (
        ("老年人（尽量避开台阶）" in walking and "分钟" in body) if language == "zh-hans" else "older walker" in walking
    )
    # the API takes the profile too, and refuses one the rules do not have, in the user's language
    api = client_for(users["community_admin"], language)
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(
            "/api/v1/communities/shibei/planning/runs", {"profile": "wheelchair"}, content_type="application/json"
        )
    assert made.status_code == 202 and made.json()["profile"] == "wheelchair"
    bad = api.post("/api/v1/communities/shibei/planning/runs", {"profile": "skates"}, content_type="application/json")
    assert bad.status_code == 400 and "profile" in bad.json()["error"]["fields"]
    assert (
        ("未知的步行方式" in bad.json()["error"]["message"])
        if language == "zh-hans"
        else "skates" in bad.json()["error"]["message"]
    )
    assert PlanRun.objects.count() == 2
    rules = api.get("/api/v1/planning/rules").json()
    assert [p["code"] for p in rules["profiles"]] == ["standard", "elder", "wheelchair"]
    assert rules["profiles"][2]["factors"]["steps"] is None


def test_a_standard_run_is_unchanged_by_the_profiles(done_run):
    assert done_run.profile == "" and done_run.result["parameters"]["profile"] == "standard"
    assert done_run.result["network"]["refused_m"] == 0


def test_up_to_a_hundred_new_sites_may_be_asked_for():
    from linli.planning.forms import RunForm

    def valid(k: int) -> bool:
        return RunForm(
            {"siting_category": "kindergarten", "siting_k": k}, categories=[("kindergarten", "幼儿园")]
        ).is_valid()

    assert valid(100) and not valid(101)


def test_the_chinese_excel_reads_as_chinese(done_run, users):
    """Every sheet name and cell of the workbook a Chinese reader downloads: no codes, Python values or English."""
    from linli.core.tests.accessibility import file_text, raw_text_problems

    response = client_for(users["community_admin"], "zh-hans").get(f"/planning/runs/{done_run.pk}.xlsx")
    text = file_text(response.content, response["Content-Type"])
    assert text is not None and "覆盖" in text and "市北社区" in text
    assert raw_text_problems(text, chinese=True) == [], text


def test_the_warnings_name_the_categories_with_no_facility(done_run, users):
    """The engine lists the categories of the rules with no facility by code; the page names them."""
    page = client_for(users["community_admin"], "zh-hans").get("/planning/communities/shibei/").content.decode()
    assert "没有任何设施" in page and "幼儿园" in page
    assert "kindergarten" not in page.split("没有任何设施")[1].split("</p>")[0]

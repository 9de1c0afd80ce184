"""The health check of every community of a city: a background job, community by community, that resumes where it
stopped; the city table per class with the under-supplied flag, the map, the Excel workbook, pages and API."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_community, make_resident
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Building, Street
from linli.planning import adapter, services
from linli.planning.models import CityRun, CityRunCommunity

from .conftest import add_facility

pytestmark = pytest.mark.django_db

CITY = "杭州市"


@pytest.fixture
def city(street, other_street, community, other_community):
    """Three communities in two streets of one city: 市北 and 利民 (宁围街道), 新街 (北干街道); 市北 has a canteen."""
    Street.objects.filter(pk__in=[street.pk, other_street.pk]).update(city=CITY)
    third = make_community(other_street, "xinjie", "新街社区", lng=120.15, lat=30.288)
    for seq, place in enumerate([community, other_community, third], start=1):
        for n in range(3):
            make_resident(place, name=f"老人{seq}{n}", birth=dt.date(1946, 3, n + 1), seq=10 * seq + n)
    building = Building.objects.get(community=community)
    add_facility(community, "elderly_canteen", building.lng - 0.0005, building.lat, name="喜柿餐厅")  # 83 m walk
    return [community, other_community, third]


@pytest.fixture
def counted_runs(monkeypatch):
    """Counts the communities computed; ``fail_on`` (a community code) makes that one stop the worker."""
    computed: list[str] = []
    state = {"fail_on": ""}
    real = adapter.run

    def run(**kwargs):
        code = kwargs["inputs"]["communities"]["features"][0]["properties"]["code"]
        if code == state["fail_on"]:
            state["fail_on"] = ""
            raise SystemExit("the worker was stopped")
        computed.append(code)
        return real(**kwargs)

    monkeypatch.setattr(adapter, "run", run)
    return computed, state


def test_every_community_is_checked_and_a_stopped_run_resumes_without_recomputing(
    city, users, counted_runs, django_capture_on_commit_callbacks
):
    computed, state = counted_runs
    state["fail_on"] = "limin"  # the second community (street by street): the worker stops in the middle of the run
    with django_capture_on_commit_callbacks(execute=True):  # the task fails: the worker stopped
        services.city_run_request(actor=users["city_viewer"], city=CITY)
    run = CityRun.objects.get()
    statuses = dict(run.communities.values_list("community__code", "status"))
    assert run.status == CityRun.Status.RUNNING and computed == ["xinjie"]
    assert statuses == {"xinjie": "done", "limin": "running", "shibei": "pending"}
    first = run.communities.get(community__code="xinjie")

    # resumed from the API: the community done is kept, the other two are computed
    client = client_for(users["city_viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/planning/city-runs/{run.pk}/resume")
    assert response.status_code == 202, response.content
    assert computed == ["xinjie", "limin", "shibei"]
    run.refresh_from_db()
    assert run.status == CityRun.Status.DONE and run.finished_at is not None
    assert run.communities.get(community__code="xinjie").computed_at == first.computed_at
    rows = {e.community.code: e.row for e in run.communities.select_related("community")}
    assert set(rows) == {"shibei", "limin", "xinjie"} and all(r is not None for r in rows.values())
    # 市北's elderly live next to the canteen: its elderly-care class is covered in part, the others' not at all
    assert rows["shibei"]["items"]["elderly_canteen"]["covered"] == 3
    assert rows["shibei"]["classes"]["elderly_care"] > 0 and rows["xinjie"]["classes"]["elderly_care"] == 0
    assert set(rows["shibei"]["classes"]) == {
        "governance", "education", "elderly_care", "health", "culture", "commerce", "sport",
    }  # fmt: skip
    for row in rows.values():
        assert row["under_supplied"] is (row["index"] < 70)
    assert AuditEntry.objects.filter(action__in=["city_run.request", "city_run.resume"]).count() == 2

    # nothing left: resuming again is refused with a message
    response = client.post(f"/api/v1/planning/city-runs/{run.pk}/resume")
    assert response.status_code == 400 and "每个社区" in response.json()["error"]["message"]


def test_a_community_that_cannot_be_checked_fails_alone_and_says_why(city, users, django_capture_on_commit_callbacks):
    Building.objects.filter(community=city[2]).update(residential=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.city_run_request(actor=users["city_viewer"], city=CITY)
    run.refresh_from_db()
    assert run.status == CityRun.Status.DONE
    failed = run.communities.get(community=city[2])
    assert failed.status == CityRunCommunity.Status.FAILED and failed.row is None
    body = client_for(users["city_viewer"]).get(f"/planning/cities/{CITY}/").content.decode()
    assert "没有可分析的住宅楼" in body
    english = client_for(users["city_viewer"], "en").get(f"/planning/cities/{CITY}/").content.decode()
    assert "there are no residential buildings to analyse" in english.lower()


def test_a_street_admin_checks_and_reads_only_their_streets(city, users, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.city_run_request(actor=users["street_admin"], city=CITY)
    assert sorted(run.communities.values_list("community__code", flat=True)) == ["limin", "shibei"]
    whole = None
    with django_capture_on_commit_callbacks(execute=True):
        whole = services.city_run_request(actor=users["city_admin"], city=CITY)
    data = client_for(users["street_admin"]).get(f"/api/v1/planning/city-runs/{whole.pk}").json()
    assert {r["community"] for r in data["rows"]} == {"shibei", "limin"} and data["communities"] == 2
    data = client_for(users["city_viewer"]).get(f"/api/v1/planning/city-runs/{whole.pk}").json()
    assert {r["community"] for r in data["rows"]} == {"shibei", "limin", "xinjie"}
    # people who do not plan for the city neither run nor read it
    for role in ("community_admin", "resident", "outsider"):
        with pytest.raises(NotAllowed):
            services.city_run_request(actor=users[role], city=CITY)
        assert client_for(users[role]).get(f"/api/v1/planning/city-runs/{whole.pk}").status_code == 404
        assert client_for(users[role]).get(f"/planning/cities/{CITY}/").status_code == 404
    other_street_admin = make_user("street_admin", street=Street.objects.get(code="beigan"))
    assert client_for(other_street_admin).get(f"/api/v1/planning/city-runs/{run.pk}").status_code == 404


def test_bad_requests_are_refused_with_a_message(city, users):
    with pytest.raises(DomainError, match="没有街道"):
        services.city_run_request(actor=users["city_viewer"], city="宁波市")
    client = client_for(users["city_viewer"], "en")
    response = client.post(f"/api/v1/planning/cities/{CITY}/runs", {"profile": "eldr"}, content_type="application/json")
    assert response.status_code == 400 and "Unknown walking profile" in response.json()["error"]["message"]
    assert CityRun.objects.count() == 0


@pytest.fixture
def done_city_run(city, users, django_capture_on_commit_callbacks):
    client = client_for(users["city_viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/planning/cities/{CITY}/runs", {}, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response.json()["communities"] == 3
    return CityRun.objects.get(pk=response.json()["id"])


def test_api_follows_and_reads_the_city_table(done_city_run, users):
    client = client_for(users["city_viewer"])
    assert client.get("/api/v1/planning/cities").json() == [CITY]
    data = client.get(f"/api/v1/planning/city-runs/{done_city_run.pk}").json()
    assert data["status"] == "done" and data["percent"] == 100 and (data["done"], data["failed"]) == (3, 0)
    summary = data["summary"]
    assert summary["under_supplied_below"] == 70 and len(summary["classes"]) == 7
    indices = [r["index"] for r in data["rows"]]
    assert summary["mean_index"] == pytest.approx(sum(indices) / 3, abs=0.01)
    assert summary["under_supplied"] == sum(1 for i in indices if i < 70)
    care = next(k for k in summary["classes"] if k["code"] == "elderly_care")
    canteen = next(i for i in care["items"] if i["code"] == "elderly_canteen")
    assert canteen["communities"] == 3 and canteen["name"] == "社区食堂 / 老年食堂"
    # 3 of the 9 elderly (市北's) live within the canteen's radius
    assert canteen["residents_covered_pct"] == pytest.approx(33.3)
    listed = client.get(f"/api/v1/planning/cities/{CITY}/runs").json()
    assert [r["id"] for r in listed] == [done_city_run.pk] and listed[0]["rows"] is None
    assert client.get(f"/api/v1/planning/city-runs/{done_city_run.pk}?rows=false").json()["rows"] is None
    rules = client.get("/api/v1/planning/rules").json()
    assert rules["under_supplied_below"] == 70 and rules["classes"][0]["code"] == "governance"
    # every category of the index names a class; the bus stop (weight 0) is reported for its coverage only
    graded = {c["class"] for c in rules["categories"] if c["weight"]}
    assert graded == {k["code"] for k in rules["classes"]}
    assert [(c["code"], c["class"]) for c in rules["categories"] if not c["weight"]] == [("bus_stop", "")]


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["城市体检", "社区治理", "供给指数", "城市总表", "低于 70"]),
     ("en", ["City health check", "Community governance", "Supply index", "City table", "under 70"])],
)  # fmt: skip
def test_city_page_shows_the_table_per_class_the_summary_and_the_map(done_city_run, users, language, words):
    body = client_for(users["city_viewer"], language).get(f"/planning/cities/{CITY}/").content.decode()
    for word in words:
        assert word in body, word
    for code in ("shibei", "limin", "xinjie"):
        assert f'data-testid="city-row-{code}"' in body
    assert 'data-testid="city-map"' in body and "<svg" in body
    assert "elderly_care" not in body.replace('data-testid="class-elderly_care"', "")


def test_the_city_table_exports_to_excel_with_chinese_headers(done_city_run, users):
    response = client_for(users["city_viewer"], "en").get(f"/planning/city-runs/{done_city_run.pk}.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["城市总表", "分类分项覆盖", "说明"]
    header = [c.value for c in wb["城市总表"][1]]
    assert header[:4] == ["街道", "社区", "供给指数（0–100）", "供给不足"]
    assert "社区治理覆盖率（%）" in header and "社区食堂 / 老年食堂（%）" in header
    rows = {r[1]: r for r in wb["城市总表"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"市北社区", "利民社区", "新街社区"}
    run_rows = {e.community.name: e.row for e in done_city_run.communities.select_related("community")}
    for name, row in rows.items():
        assert row[2] == round(run_rows[name]["index"], 1)
        assert row[3] == ("是" if run_rows[name]["under_supplied"] else "否")
    api = client_for(users["city_viewer"]).get(f"/api/v1/planning/city-runs/{done_city_run.pk}/export")
    assert api.status_code == 200 and api.content[:2] == b"PK"

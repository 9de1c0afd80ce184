"""New composite hubs (民生坊) placed across a whole city once its communities are graded: the street runs'
site selection on every community of the run, resumable, shown on the city page, in the API and the workbook."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError, NotAllowed
from linli.planning import adapter, services
from linli.planning.models import CityRun, HubStatus

from .test_city_runs import CITY, city  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# the default rules' 民生坊 provides these items; in each community's one building live 3 elderly, and in 新街's
# an infant too; 市北's elderly already have a canteen next door
MEMBERS = ["elderly_day_care", "elderly_canteen", "health_station", "childcare", "community_service_station"]
IN_NEED = {"elderly_day_care": 9, "elderly_canteen": 6, "health_station": 10, "childcare": 1,
           "community_service_station": 10}  # fmt: skip


@pytest.fixture
def city_with_infant(city):  # noqa: F811
    today = dt.date.today()
    make_resident(city[2], name="婴儿", birth=today.replace(year=today.year - 1), seq=99)
    return city


@pytest.fixture
def site_calls(monkeypatch):
    """Counts the hub placements computed; ``stop`` makes the next one stop its worker."""
    state = {"calls": 0, "stop": False}
    real = adapter.site

    def site(**kwargs):
        state["calls"] += 1
        if state["stop"]:
            state["stop"] = False
            raise SystemExit("the worker was stopped")
        return real(**kwargs)

    monkeypatch.setattr(adapter, "site", site)
    return state


def test_hubs_asked_before_grading_are_placed_after_it_and_an_interrupted_placement_is_redone_once(
    city_with_infant, users, site_calls, django_capture_on_commit_callbacks
):
    planner = users["city_viewer"]
    with django_capture_on_commit_callbacks(execute=False):  # the run is queued, not yet computed
        run = services.city_run_request(actor=planner, city=CITY)
    site_calls["stop"] = True
    with django_capture_on_commit_callbacks(execute=True):  # grading, then the placement, whose worker stops
        services.city_run_place_hubs(actor=planner, run=run, category="minsheng_hub", count=1)
    run.refresh_from_db()
    assert run.status == CityRun.Status.DONE and run.hub_status == HubStatus.RUNNING and run.hub_result is None
    assert site_calls["calls"] == 1
    body = client_for(planner).get(f"/planning/cities/{CITY}/").content.decode()
    assert 'data-testid="city-resume"' in body and "新综合设施的布点中断或失败" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(planner).post(f"/api/v1/planning/city-runs/{run.pk}/resume")
    assert response.status_code == 202, response.content
    run.refresh_from_db()
    assert run.hub_status == HubStatus.DONE and site_calls["calls"] == 2
    assert run.communities.filter(status="done").count() == 3  # the communities graded were not graded again
    [kept] = run.hub_placements.all()  # the placement kept follows the run's: stopped, waiting again, done
    assert kept.status == HubStatus.DONE and kept.result == run.hub_result and kept.requested_by == planner
    siting = run.hub_result["siting"]
    # one hub: in 新街, where 3 elderly and an infant have none of the items within reach
    xinjie = run.communities.get(community__code="xinjie").community
    assert siting["selected"] == [f"b{xinjie.buildings.get().pk}"]
    [site] = siting["per_site"]
    assert site["newly_covered"] == {"elderly_day_care": 3, "elderly_canteen": 3, "health_station": 4,
                                     "childcare": 1, "community_service_station": 4}  # fmt: skip
    assert run.hub_result["sites"][site["site"]]["community"] == "xinjie"
    assert {m["category"]: m["uncovered_before"] for m in siting["members"]} == IN_NEED
    actions = list(AuditEntry.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert actions.count("city_run.place_hubs") == 1 and actions.count("city_run.resume") == 1

    # done: resuming again is refused, and a new placement replaces this one (audited with what it replaced)
    with pytest.raises(DomainError):
        services.city_run_resume(actor=planner, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        services.city_run_place_hubs(actor=planner, run=run, category="minsheng_hub", count=2)
    run.refresh_from_db()
    assert len(run.hub_result["siting"]["selected"]) == 2 and site_calls["calls"] == 3
    replaced = AuditEntry.objects.filter(action="city_run.place_hubs").order_by("-pk").first()
    assert replaced.before["hub_count"] == 1 and replaced.after["hub_count"] == 2


@pytest.fixture
def placed(city_with_infant, users, django_capture_on_commit_callbacks):
    client = client_for(users["city_viewer"], "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/planning/cities/{CITY}/runs", {}, content_type="application/json")
    run_id = response.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/planning/city-runs/{run_id}/hubs",
            {"category": "minsheng_hub", "count": 3},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    assert response.json()["hub_status"] == "pending"  # placed in the background
    return CityRun.objects.get(pk=run_id)


def test_api_lists_the_sites_with_their_community_and_the_residents_newly_covered_per_class(placed, users):
    data = client_for(users["city_viewer"], "en").get(f"/api/v1/planning/city-runs/{placed.pk}").json()
    hubs = data["hubs"]
    assert data["hub_status"] == "done" and hubs["status"] == "done" and hubs["name"] == "Minsheng hub (composite)"
    assert hubs["count"] == 3 and hubs["sites_not_shown"] == 0
    # a hub in each building brings everyone in need within reach of every item
    assert sorted(s["community"] for s in hubs["sites"]) == ["limin", "shibei", "xinjie"]
    for item in MEMBERS:
        assert sum(s["items"][item] for s in hubs["sites"]) == IN_NEED[item]
    classes = {k["code"]: k for k in hubs["classes"]}
    assert classes["elderly_care"]["in_need_before"] == 9 + 6 == classes["elderly_care"]["newly_covered"]
    assert classes["elderly_care"]["items"] == ["Elderly day-care centre", "Elderly canteen"]
    by_site = {s["community"]: s for s in hubs["sites"]}
    assert by_site["shibei"]["classes"]["elderly_care"] == 3  # its elderly had a canteen already: day care only
    assert by_site["xinjie"]["newly_covered"] == 15 and hubs["sites"][0]["community"] == "xinjie"  # most first
    # a street admin of 宁围 reads the sites of their communities only
    mine = client_for(users["street_admin"]).get(f"/api/v1/planning/city-runs/{placed.pk}").json()["hubs"]
    assert sorted(s["community"] for s in mine["sites"]) == ["limin", "shibei"] and mine["sites_not_shown"] == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["全市新建综合设施布点", "已选定 3 处新民生坊（综合）", "养老服务", "新街社区", "北干街道", "合计"]),
     ("en", ["New hubs across the city", "3 new Minsheng hub (composite) chosen", "Elderly care", "Total",
             "In need before the new hubs"])],
)  # fmt: skip
def test_city_page_shows_the_chosen_sites(placed, users, language, words):
    body = client_for(users["city_viewer"], language).get(f"/planning/cities/{CITY}/").content.decode()
    for word in words:
        assert word in body, word
    assert body.count('data-testid="hub-site"') == 3 and 'data-testid="city-hub-form"' in body
    assert "minsheng_hub" not in body.replace('value="minsheng_hub"', "")
    assert "elderly_care" not in body.replace('data-testid="class-elderly_care"', "")


def test_the_workbook_has_the_new_hubs(placed, users):
    response = client_for(users["city_viewer"], "en").get(f"/planning/city-runs/{placed.pk}.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert "新建综合设施" in wb.sheetnames
    sheet = wb["新建综合设施"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["街道", "社区", "选址"] and "养老：新覆盖居民" in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows[:-1]) == ["利民社区", "市北社区", "新街社区"]
    assert rows[-1][1] == "合计" and rows[-1][-1] == sum(IN_NEED.values())


@pytest.mark.parametrize(
    ("language", "messages"),
    [("zh-hans", {0: "确保该值大于或等于1。", 101: "确保该值小于或等于100。"}),
     ("en", {0: "Ensure this value is greater than or equal to 1.",
             101: "Ensure this value is less than or equal to 100."})],
)  # fmt: skip
def test_a_bad_number_of_hubs_is_refused_in_the_readers_language_and_changes_nothing(
    city,  # noqa: F811
    users,
    language,
    messages,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.city_run_request(actor=users["city_viewer"], city=CITY)
    client = client_for(users["city_viewer"], language)
    for count in (0, 101):
        with pytest.raises(DomainError) as refused, translation.override(language):
            services.city_run_place_hubs(actor=users["city_viewer"], run=run, category="minsheng_hub", count=count)
        assert refused.value.field == "hub_count"
        expected = "请选择 1 到 100 处新设施。" if language == "zh-hans" else "Choose between 1 and 100 new hubs."
        assert str(refused.value.message) == expected
        response = client.post(
            f"/api/v1/planning/city-runs/{run.pk}/hubs",
            {"category": "minsheng_hub", "count": count},
            content_type="application/json",
        )
        assert response.status_code == 422 and "count" in response.json()["error"]["fields"]
        limit = "1" if count == 0 else "100"
        assert limit in response.json()["error"]["message"]
        page = client.post(f"/planning/city-runs/{run.pk}/hubs/", {"hub_category": "minsheng_hub", "hub_count": count})
        assert page.status_code == 200 and messages[count] in page.content.decode()
    # a plain category is not a composite hub
    response = client.post(
        f"/api/v1/planning/city-runs/{run.pk}/hubs", {"category": "elderly_canteen", "count": 3},
        content_type="application/json",
    )  # fmt: skip
    expected = "未知的综合设施" if language == "zh-hans" else "Unknown composite facility"
    assert response.status_code == 400 and expected in response.json()["error"]["message"]
    # only someone who plans for every street of the run places hubs across it
    with pytest.raises(NotAllowed):
        services.city_run_place_hubs(actor=users["street_admin"], run=run, category="minsheng_hub", count=3)
    assert client_for(users["resident"]).post(f"/planning/city-runs/{run.pk}/hubs/", {}).status_code == 404
    run.refresh_from_db()
    assert run.hub_status == HubStatus.NONE and run.hub_count == 0
    assert not AuditEntry.objects.filter(action="city_run.place_hubs").exists()


def _hub_markers(body: str) -> list[str]:
    """The accessible names of the hub markers drawn on the city map, in order."""
    return re.findall(r'<g class="hub" role="img" aria-label="([^"]*)">', body)


def test_the_city_map_marks_each_hub_numbered_as_in_the_table_with_a_legend(placed, users):
    for language, first, legend in [
        ("zh-hans", "新设施 1：北干街道新街社区，新覆盖居民 15 人", "编号与新建综合设施表一致"),
        ("en", "New hub 1: 新街社区, 北干街道; 15 residents newly within reach", "as in the table of new hubs"),
    ]:
        client = client_for(users["city_viewer"], language)
        client.cookies["linli_elder"] = "1"  # large text: the same map, markers and legend
        client.get(f"/planning/cities/{CITY}/")  # the page header is read once, then kept in the cache
        with CaptureQueriesContext(connection) as three_hubs:
            body = client.get(f"/planning/cities/{CITY}/").content.decode()
        assert 'class="elder' in body
        markers = _hub_markers(body)
        assert len(markers) == 3 and markers[0] == first and body.count('data-testid="hub-site"') == 3
        assert all(f">{n}</text>" in body for n in (1, 2, 3)) and legend in body
        assert 'data-testid="city-map-legend"' in body
    # one site more on the map (a copy of the last one) costs no query more
    result = placed.hub_result
    last = result["siting"]["per_site"][-1]
    result["siting"]["per_site"].append({**last, "site": "extra"})
    result["sites"]["extra"] = result["sites"][last["site"]]
    placed.hub_placements.update(result=result)
    with CaptureQueriesContext(connection) as four_hubs:
        body = client.get(f"/planning/cities/{CITY}/").content.decode()
    assert len(_hub_markers(body)) == 4 and len(four_hubs) == len(three_hubs)


def test_a_run_without_hubs_has_no_hub_marker_nor_legend(city, users, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        services.city_run_request(actor=users["city_viewer"], city=CITY)
    body = client_for(users["city_viewer"]).get(f"/planning/cities/{CITY}/").content.decode()
    assert 'data-testid="city-map"' in body and not _hub_markers(body) and 'class="hub"' not in body
    assert 'data-testid="city-map-legend"' not in body and 'data-testid="hub-placements"' not in body


def test_a_street_admin_places_hubs_on_a_run_of_their_own_streets_and_nowhere_else(
    city_with_infant, users, make_user, django_capture_on_commit_callbacks
):
    admin = users["street_admin"]  # of 宁围街道: 市北 and 利民
    with django_capture_on_commit_callbacks(execute=True):
        whole = services.city_run_request(actor=users["city_viewer"], city=CITY)
        own = services.city_run_request(actor=admin, city=CITY)  # a run of their streets only
    # on the whole city's run: refused, told where they may place hubs, nothing changed
    with pytest.raises(NotAllowed):
        services.city_run_place_hubs(actor=admin, run=whole, category="minsheng_hub", count=1)
    client = client_for(admin)
    response = client.post(
        f"/api/v1/planning/city-runs/{whole.pk}/hubs", {"category": "minsheng_hub", "count": 1},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    body = client.get(f"/planning/cities/{CITY}/?run={whole.pk}").content.decode()
    assert 'data-testid="city-hub-form"' not in body and "请先在上方对您街道的全部社区进行体检" in body
    # on their own run: the form, and the placement, among their communities only
    body = client.get(f"/planning/cities/{CITY}/?run={own.pk}").content.decode()
    assert 'data-testid="city-hub-form"' in body and 'data-testid="city-hubs-own-run"' not in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/planning/city-runs/{own.pk}/hubs/", {"hub_category": "minsheng_hub", "hub_count": 2})
    assert response.status_code == 302
    own.refresh_from_db()
    [placement] = own.hub_placements.all()
    assert placement.requested_by == admin and placement.status == HubStatus.DONE
    assert sorted(s["community"] for s in placement.result["sites"].values()) == ["limin", "shibei"]
    # the admin of another street neither reads nor places hubs on it
    beigan = make_user("street_admin", street=city_with_infant[2].street)
    response = client_for(beigan).post(
        f"/api/v1/planning/city-runs/{own.pk}/hubs", {"category": "minsheng_hub", "count": 1},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    whole.refresh_from_db()
    assert whole.hub_status == HubStatus.NONE and not whole.hub_placements.exists()
    assert own.hub_placements.count() == 1
    assert list(AuditEntry.objects.filter(action="city_run.place_hubs").values_list("object_id", flat=True)) == [
        str(own.pk)
    ]


def test_earlier_placements_are_kept_listed_and_shown_on_request(placed, users, django_capture_on_commit_callbacks):
    planner = users["city_viewer"]
    with django_capture_on_commit_callbacks(execute=True):
        services.city_run_place_hubs(actor=planner, run=placed, category="minsheng_hub", count=1)
    latest, first = placed.hub_placements.all()
    assert (latest.count, first.count) == (1, 3) and first.status == latest.status == HubStatus.DONE
    assert len(first.result["siting"]["selected"]) == 3 and len(latest.result["siting"]["selected"]) == 1

    client = client_for(planner)
    body = client.get(f"/planning/cities/{CITY}/").content.decode()  # the latest by default
    assert body.count('data-testid="hub-placement"') == 2 and "最新" in body
    assert body.count('data-testid="hub-site"') == 1 and len(_hub_markers(body)) == 1
    body = client.get(f"/planning/cities/{CITY}/?run={placed.pk}&placement={first.pk}").content.decode()
    assert body.count('data-testid="hub-site"') == 3 and len(_hub_markers(body)) == 3
    assert f"由 {planner} 提出" in body
    assert client.get(f"/planning/cities/{CITY}/?placement=999999").status_code == 404

    listed = client_for(planner, "en").get(f"/api/v1/planning/city-runs/{placed.pk}/hub-placements").json()
    assert [(p["id"], p["count"], len(p["sites"])) for p in listed] == [(latest.pk, 1, 1), (first.pk, 3, 3)]
    assert listed[0]["requested_by"] == str(planner) and listed[0]["name"] == "Minsheng hub (composite)"
    detail = client.get(f"/api/v1/planning/city-runs/{placed.pk}").json()
    assert detail["hubs"]["id"] == latest.pk

    wb = load_workbook(io.BytesIO(client.get(f"/planning/city-runs/{placed.pk}.xlsx").content))
    rows = list(wb["布点记录"].iter_rows(values_only=True))
    assert rows[0][:3] == ("布点", "提出时间", "提出人")
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [(2, 1, 1), (1, 3, 3)]
    assert rows[2][6] == sum(IN_NEED.values())

"""The cockpit maps: the latest health check's coverage, gaps and recommended sites on the community's own geometry,
with a legend and the OpenStreetMap credit; over map tiles only when MAP_TILE_URL is set."""

import json
import re

import pytest
from django.test import override_settings

from linli.cockpit import maps
from linli.cockpit.tests.conftest import lnglat
from linli.conftest import client_for, make_community
from linli.facilities.tests.factories import make_facility
from linli.planning import services as planning_services
from linli.planning.models import PlanRun
from linli.planning.reports import COVERED_FILL, GAP_FILL, RECOMMENDED_COLOUR

pytestmark = pytest.mark.django_db

TILES = "https://tile.example/{z}/{x}/{y}.png"


def map_svg(body: str) -> str:
    """The map itself (not the legend's keys)."""
    [svg] = re.findall(r'<svg[^>]*class="linli-map".*?</svg>', body, flags=re.S)
    return svg


def figure(body: str) -> str:
    [fig] = re.findall(r'<figure class="cockpit-map".*?</figure>', body, flags=re.S)
    return fig


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["老年食堂", "推荐新址", "步行可达范围外", "社区边界", "图中为：老年食堂。"]),
        (
            "en",
            [
                "Elderly canteen",
                "Recommended new site",
                "Residents out of reach (a gap)",
                "Community boundary",
                "Shown for: Elderly canteen.",
            ],
        ),
    ],
)
def test_community_map_draws_the_latest_health_check(users, community, health_check, language, words):
    body = client_for(users["social_worker"], language).get("/cockpit/communities/shibei/").content.decode()
    svg = map_svg(body)
    # B1 (one elderly resident 430 m from the canteen, and a child with no kindergarten) is a gap; B0 is covered.
    assert svg.count(f'fill="{GAP_FILL}"') == 1 and svg.count(f'fill="{COVERED_FILL}"') == 1
    assert re.search(rf'fill="{GAP_FILL}"[^>]*><title>市北社区2幢', svg)
    # the canteen of the register as a square, the one recommended site (B1) as a star
    assert svg.count('class="facility"') == 1 and "喜柿餐厅" in svg
    assert svg.count('class="recommended"') == 1 and RECOMMENDED_COLOUR in svg
    credit = "© OpenStreetMap contributors" if language == "en" else "© OpenStreetMap 贡献者"
    assert credit in svg
    caption = figure(body)
    for word in words:
        assert word in caption, word
    assert credit in caption and f"#{health_check.pk}" in caption
    assert 'data-testid="tile-map"' not in body and "leaflet" not in body


@pytest.fixture
def neighbours_canteens(other_community):
    """Two canteens of 利民 on the same street, made before the health check takes in the street's facilities: one
    150 m beyond 市北's eastern edge (480 m from its centre; its residents may walk there), one 520 m beyond it,
    farther than a canteen's 300 m."""
    for code, name, x in [("near", "邻社区食堂", 630), ("far", "远处食堂", 1000)]:
        lng, lat = lnglat(x, 0)
        make_facility(other_community, code, "elderly_canteen", name=name, building=None, lng=lng, lat=lat)


def test_community_map_leaves_out_other_communities_facilities_beyond_reach(
    users, community, neighbours_canteens, health_check
):
    taken_in = {f["properties"]["name"] for f in health_check.inputs["facilities"]["features"]}
    assert taken_in >= {"邻社区食堂", "远处食堂"}
    svg = map_svg(client_for(users["social_worker"], "zh-hans").get("/cockpit/communities/shibei/").content.decode())
    assert "喜柿餐厅" in svg and "邻社区食堂" in svg
    assert "远处食堂" not in svg
    assert svg.count('class="facility"') == 2


def test_street_map_uses_the_street_health_check_else_the_register(
    users, community, health_check, django_capture_on_commit_callbacks
):
    client = client_for(users["street_admin"], "en")
    body = client.get("/cockpit/streets/ningwei/").content.decode()
    svg = map_svg(body)
    # no street health check yet: buildings and the facility register, no coverage shading
    assert GAP_FILL not in svg and 'class="recommended"' not in svg and "喜柿餐厅" in svg
    assert "No health check yet" in figure(body)
    with django_capture_on_commit_callbacks(execute=True):
        run = planning_services.plan_run_request(
            actor=users["street_admin"], street=community.street, siting_category="elderly_canteen", siting_k=1
        )
    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE, run.error
    body = client.get("/cockpit/streets/ningwei/").content.decode()
    svg = map_svg(body)
    assert svg.count(f'fill="{GAP_FILL}"') == 1 and svg.count(f'fill="{COVERED_FILL}"') == 1
    assert svg.count('class="recommended"') == 1
    assert f"#{run.pk}" in figure(body)


def test_without_a_health_check_the_register_is_drawn(users, community):
    cockpit_map = maps.community_map(community)
    assert cockpit_map.run_id is None and [i.shape for i in cockpit_map.legend] == ["fill", "outline"]
    body = client_for(users["social_worker"]).get("/cockpit/communities/shibei/").content.decode()
    assert "尚无体检" in figure(body) and "OpenStreetMap" in figure(body)


ALLOWED_URLS = {"http://www.w3.org/2000/svg"}


@pytest.mark.parametrize("path", ["/cockpit/communities/shibei/", "/cockpit/streets/ningwei/"])
def test_by_default_the_map_needs_no_outside_service(users, community, health_check, path):
    body = client_for(users["city_viewer"]).get(path).content.decode()
    assert 'class="linli-map"' in body
    assert set(re.findall(r"https?://[^\s\"'<>)]+", body)) <= ALLOWED_URLS
    assert "vendor/leaflet" not in body


@pytest.mark.parametrize("path", ["/cockpit/communities/shibei/", "/cockpit/streets/ningwei/"])
def test_with_a_tile_url_the_map_draws_the_same_layers_over_tiles(users, community, health_check, path):
    with override_settings(MAP_TILE_URL=TILES, MAP_TILE_ATTRIBUTION="© Example Tiles, © OpenStreetMap contributors"):
        body = client_for(users["city_viewer"], "en").get(path).content.decode()
    assert f'data-tile-url="{TILES}"' in body
    assert "/static/vendor/leaflet/leaflet.js" in body and "/static/vendor/leaflet/leaflet.css" in body
    assert "/static/cockpit/map.js" in body and 'class="linli-map"' not in body
    caption = figure(body)
    assert "© Example Tiles" in caption and 'data-attribution="© Example Tiles, © OpenStreetMap contributors"' in body
    [layers] = re.findall(r'<script id="map-layers" type="application/json">(.*?)</script>', body, flags=re.S)
    features = json.loads(layers)["features"]
    if path.startswith("/cockpit/streets/"):  # no street health check: the register only
        assert {f["properties"]["layer"] for f in features} == {"outline", "polygon", "point"}
        return
    fills = [f["properties"].get("fill") for f in features if f["geometry"]["type"] == "Polygon"]
    assert fills.count(GAP_FILL) == 1 and fills.count(COVERED_FILL) == 1
    points = {f["properties"]["layer"]: f for f in features if f["geometry"]["type"] == "Point"}
    assert set(points) == {"facility", "recommended"}
    assert points["recommended"]["properties"]["shape"] == "star"
    assert "Recommended new site" in caption


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_cockpit_pages_render_in_both_languages_and_elder_mode(users, community, health_check, language, elder):
    from django.utils import timezone

    from linli.cockpit.services import snapshot_refresh

    snapshot_refresh(community=community, month=timezone.localdate())
    client = client_for(users["city_viewer"], language)
    if elder:
        client.cookies["linli_elder"] = "1"
    for url in (
        "/cockpit/communities/shibei/",
        "/cockpit/communities/shibei/evaluation/",
        "/cockpit/streets/ningwei/",
        "/cockpit/city/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}"' in html and ('class="elder' in html) == elder
        assert ("Map" if language == "en" else "地图") in html or url.endswith(("/city/", "/evaluation/"))


def test_a_map_is_drawn_once_and_again_when_its_data_change(community, django_assert_num_queries):

    first = maps.community_map(community, tiles=False)
    with django_assert_num_queries(4):  # the latest run (its own, its street's); did buildings or facilities change
        again = maps.community_map(community, tiles=False)
    assert again.svg == first.svg and "社区食堂" not in again.svg
    at_centre = {"lat": community.centre_lat, "lng": community.centre_lng, "building": None}
    make_facility(community, "new-canteen", "elderly_canteen", name="新开社区食堂", scenario="health", **at_centre)
    assert "新开社区食堂" in maps.community_map(community, tiles=False).svg
    # drawn for tiles separately: the same layers as GeoJSON, no SVG
    for_tiles = maps.community_map(community, tiles=True)
    assert for_tiles.svg == "" and any(
        f["properties"].get("label", "").startswith("新开社区食堂") for f in for_tiles.geojson["features"]
    )


def test_a_new_health_check_redraws_the_map(users, community, health_check, django_capture_on_commit_callbacks):
    assert maps.community_map(community, tiles=False).run_id == health_check.pk
    with django_capture_on_commit_callbacks(execute=True):
        newer = planning_services.plan_run_request(actor=users["community_admin"], community=community)
    newer.refresh_from_db()
    drawn = maps.community_map(community, tiles=False)
    assert drawn.run_id == newer.pk and 'class="recommended"' not in drawn.svg  # no site asked for this time


def test_the_street_map_names_each_community_and_a_community_map_needs_no_name(users, community, street):
    make_community(street, "dongpo", "东坡社区", lng=120.145, lat=30.285)
    svg = map_svg(client_for(users["street_admin"]).get("/cockpit/streets/ningwei/").content.decode())
    names = re.findall(r'<text[^>]*class="place-name">([^<]*)</text>', svg)
    assert sorted(names) == sorted([community.name, "东坡社区"])
    features = maps.street_map(community.street, tiles=True).geojson["features"]
    assert sorted(f["properties"]["label"] for f in features if f["properties"]["layer"] == "outline") == sorted(names)
    one = map_svg(client_for(users["social_worker"]).get("/cockpit/communities/shibei/").content.decode())
    assert 'class="place-name"' not in one

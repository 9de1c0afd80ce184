"""The services page measures the walk from the resident's building over the health check's walking network, and
says "in a straight line" where it cannot (no network loaded, or a facility off it)."""

import json

import pytest
from django.test import override_settings

from linli.conftest import client_for, make_resident
from linli.facilities import selectors

from .factories import make_facility

pytestmark = pytest.mark.django_db

HOME = (120.135, 30.285)  # the fixture community's one building
# A U-shaped path: east 300 m, north 330 m, back west 300 m. Nothing crosses the block in between.
U_PATH = [[120.135, 30.285], [120.138, 30.285], [120.138, 30.288], [120.135, 30.288]]


@pytest.fixture
def network(tmp_path):
    path = tmp_path / "paths.geojson"
    feature = {"type": "Feature", "properties": {"highway": "footway"}}
    feature["geometry"] = {"type": "LineString", "coordinates": U_PATH}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.fixture
def places(community, users):
    me = make_resident(community, name="周丽君", user=users["resident"])
    assert (me.household.building.lng, me.household.building.lat) == HOME
    across = make_facility(community, "across", name="对面的食堂", lng=120.135, lat=30.288)  # 333 m as the crow flies
    along = make_facility(community, "along", name="路边的驿站", lng=120.1385, lat=30.2855)  # 340 m, on the way
    far = make_facility(community, "far", name="远处的站点", lng=120.145, lat=30.295)  # 1 km from any path
    return across, along, far


def test_distances_are_walks_along_the_network(places, users, community, network):
    with override_settings(PLANNING_NETWORK_FILE=str(network)):
        rows = selectors.facilities_by_distance(user=users["resident"], community=community)
        page = client_for(users["resident"]).get("/services/shibei/").content.decode()
        api = client_for(users["resident"]).get("/api/v1/communities/shibei/facilities?near_home=true").json()
    by_code = {n.facility.code: n for n in rows}
    # the walk round the block is far longer than the line across it, and puts the facility on the way first
    assert 880 <= by_code["across"].metres <= 940 and by_code["across"].walked
    # 288 m east, 55 m north, then 48 m off the path
    assert 380 <= by_code["along"].metres <= 405 and by_code["along"].walked
    assert [n.facility.code for n in rows][:2] == ["along", "across"]
    # off the network: the straight line, labelled
    assert not by_code["far"].walked and 1420 <= by_code["far"].metres <= 1520
    assert "直线距离" in page and "步行约" in page and "不在路网上" in page
    assert [(r["code"], r["distance_walked"]) for r in api] == [("along", True), ("across", True), ("far", False)]


def test_without_a_network_every_distance_is_a_labelled_straight_line(places, users, community, tmp_path):
    with override_settings(PLANNING_NETWORK_FILE=str(tmp_path / "none.geojson")):
        rows = selectors.facilities_by_distance(user=users["resident"], community=community)
        page = client_for(users["resident"]).get("/services/shibei/").content.decode()
    assert not any(n.walked for n in rows)
    assert [n.facility.code for n in rows][:2] == ["across", "along"]  # the crow's order
    assert 320 <= rows[0].metres <= 345
    assert page.count('data-testid="straight-line"') == 3


def test_a_facility_beyond_the_search_limit_gets_the_straight_line(places, users, community, network, monkeypatch):
    """Within the limit the bounded search finds the same walks as a search over the whole network; beyond it the
    page falls back to the labelled straight line."""
    from linli.planning import walking

    facilities = [(f.lng, f.lat) for f in places]
    with override_settings(PLANNING_NETWORK_FILE=str(network)):
        unbounded = walking.walking_distances(HOME, facilities, limit=float("inf"))
        bounded = walking.walking_distances(HOME, facilities)
        assert bounded == unbounded  # every walk here is well within 2 km
        monkeypatch.setattr(walking, "SEARCH_LIMIT_M", 600.0)
        short = walking.walking_distances(HOME, facilities)
        rows = {
            n.facility.code: n for n in selectors.facilities_by_distance(user=users["resident"], community=community)
        }
        page = client_for(users["resident"], language="en").get("/services/shibei/").content.decode()
    assert unbounded[0] is not None and unbounded[0] > 600  # across: the walk round the block
    assert short == [None, unbounded[1], None]  # along: the same walk; across: beyond the limit
    assert rows["along"].walked and not rows["across"].walked and 320 <= rows["across"].metres <= 345
    assert page.count('data-testid="straight-line"') == 2 and "more than 2 km away on foot" in page


def test_the_web_server_loads_the_network_as_a_worker_starts(network, tmp_path):
    from linli.planning import adapter, walking

    with override_settings(PLANNING_NETWORK_FILE=str(tmp_path / "none.geojson")):
        assert walking.network_preload() is False
    adapter._network.cache_clear()
    with override_settings(PLANNING_NETWORK_FILE=str(network)):
        assert walking.network_preload() is True
    assert adapter._network.cache_info().currsize == 1

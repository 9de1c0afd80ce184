"""Fixtures shared by the planning tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from linli.planning.core import contract


@pytest.fixture(params=["chains folded", "graph as built"])
def either_search_graph(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with searches on the chain-contracted graph and on the network graph as built.

    Which one a network gets depends on its number of degree-2 nodes (see
    :func:`linli.planning.core.contract.for_search`); both must give the same answers.
    """
    folded = request.param == "chains folded"
    monkeypatch.setattr(contract, "MIN_INTERIOR_TO_CONTRACT", 0 if folded else 2**62)
    monkeypatch.setattr(contract, "MIN_INTERIOR_SHARE_TO_CONTRACT", 0.0)
    return str(request.param)


@pytest.fixture
def chains_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches always run on the chain-contracted graph, however small the network."""
    monkeypatch.setattr(contract, "MIN_INTERIOR_TO_CONTRACT", 0)
    monkeypatch.setattr(contract, "MIN_INTERIOR_SHARE_TO_CONTRACT", 0.0)


def add_facility(community: Any, code: str, lng: float, lat: float, name: str = "设施") -> Any:
    """A facility of the category `code` at (lng, lat), added straight to the table."""
    from linli.facilities.models import Facility, FacilityCategory

    category = FacilityCategory.objects.get(code=code)
    return Facility.objects.create(
        community=community,
        code=f"{code}-{lng}",
        name=name,
        category=category,
        scenario=category.default_scenario,
        lat=lat,
        lng=lng,
    )


@pytest.fixture
def elderly(community: Any) -> None:
    """Five residents born in 1945 and a child of two, all in the community's building."""
    from linli.conftest import make_resident

    for seq in range(1, 6):
        make_resident(community, name=f"老人{seq}", birth=dt.date(1945, 1, seq), seq=seq)
    make_resident(community, name="孩子", birth=dt.date.today().replace(year=dt.date.today().year - 2), seq=9)


@pytest.fixture
def elders_near_a_canteen(community: Any) -> None:
    """Three residents born in 1944, and a canteen 150 m east of their building (the browser tests' community)."""
    from linli.conftest import make_resident
    from linli.places.models import Building

    for seq in range(1, 4):
        make_resident(community, name=f"老人{seq}", birth=dt.date(1944, 2, seq), seq=seq)
    building = Building.objects.get(community=community)
    add_facility(community, "elderly_canteen", building.lng + 0.0015, building.lat, name="喜柿餐厅")


@pytest.fixture
def sited_run(
    community: Any, elderly: None, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> Callable[[str], Any]:
    """`sited_run(category)`: a canteen next to the building, then a run siting one `category` asked through the
    API and done in the background; the run as stored."""
    from linli.conftest import client_for
    from linli.planning.models import PlanRun

    def run(category: str) -> Any:
        building = community.buildings.first()
        add_facility(community, "elderly_canteen", building.lng + 0.0015, building.lat, name="喜柿餐厅")
        client = client_for(users["community_admin"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/communities/shibei/planning/runs",
                {"siting_category": category, "siting_k": 1},
                content_type="application/json",
            )
        assert response.status_code == 202, response.content
        return PlanRun.objects.get(pk=response.json()["id"])

    return run

"""A hand-made health check for the cockpit's tests: one street, two buildings, one canteen, run for real.

Metres east (x) and north (y) of 市北's centre (120.135, 30.285); one walkable street along y = 0::

    B0 (0, 0) ·········· canteen (100, -10) ···································· B1 (500, 20)
    ─────────────────────────────────────── street from (-600, 0) to (600, 0) ──────────────

Walking distance = snap walk to the street + along the street + snap walk off it:
    B0 → canteen: 0 + 100 + 10 = 110 m   (within 300 m: covered)
    B1 → canteen: 20 + 400 + 10 = 430 m  (beyond 300 m: a gap)
Residents: B0 three aged 60+; B1 one aged 60+ and one child of 4. No kindergarten anywhere.
"""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import make_resident
from linli.facilities.models import Facility, FacilityCategory
from linli.people.models import Resident
from linli.places.models import Building, Household
from linli.planning import services as planning_services
from linli.planning.core import LocalProjection
from linli.planning.models import PlanRun
from linli.planning.tests.handmade import RULES_TOML

PROJ = LocalProjection.around(120.135, 30.285)


@pytest.fixture(autouse=True)
def _no_maps_kept_between_tests():
    """Maps are kept in the cache; a test must not see another test's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


RULES = RULES_TOML  # the planning tests' hand-made rules: two categories, one age group each


def lnglat(x: float, y: float) -> list[float]:
    lng, lat = PROJ.inverse(x, y)
    return [float(lng), float(lat)]


def square(x: float, y: float, half: float = 25) -> dict[str, Any]:
    ring = [
        lnglat(x - half, y - half),
        lnglat(x + half, y - half),
        lnglat(x + half, y + half),
        lnglat(x - half, y + half),
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def health_check(community, users, settings, tmp_path, django_capture_on_commit_callbacks) -> PlanRun:
    """The health check of 市北 on the hand-made street, computed by the planning engine, with one new canteen
    site asked for (it can only be B1, where the one uncovered elderly resident lives)."""
    network = tmp_path / "street.geojson"
    network.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"highway": "residential"},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [lnglat(-600, 0), lnglat(0, 0), lnglat(600, 0)],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    settings.PLANNING_NETWORK_FILE = str(network)
    settings.PLANNING_RULES_FILE = str(rules)

    b0 = Building.objects.get(community=community)
    b0.lng, b0.lat = lnglat(0, 0)
    b0.footprint = square(0, 0)
    b0.save(update_fields=["lng", "lat", "footprint"])
    b1_lng, b1_lat = lnglat(500, 20)
    b1 = Building.objects.create(
        community=community, name="市北社区2幢", lng=b1_lng, lat=b1_lat, floors=6, footprint=square(500, 20)
    )
    h1 = Household.objects.create(community=community, building=b1, unit="2单元201")
    today = timezone.localdate()
    for seq in range(1, 4):
        make_resident(community, name=f"老人{seq}", birth=dt.date(1950, 1, seq), seq=seq)
    far = [
        make_resident(community, name="老人4", birth=dt.date(1952, 2, 2), seq=4),
        make_resident(community, name="孩子", birth=today.replace(year=today.year - 4) - dt.timedelta(days=30), seq=5),
    ]
    Resident.objects.filter(pk__in=[r.pk for r in far]).update(household=h1)
    canteen_lng, canteen_lat = lnglat(100, -10)
    Facility.objects.create(
        community=community,
        code="canteen-1",
        name="喜柿餐厅",
        category=FacilityCategory.objects.get(code="elderly_canteen"),
        scenario="health",
        lng=canteen_lng,
        lat=canteen_lat,
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = planning_services.plan_run_request(
            actor=users["community_admin"], community=community, siting_category="elderly_canteen", siting_k=1
        )
    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE, run.error
    return run

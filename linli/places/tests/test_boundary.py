"""A community's boundary from GeoJSON: measured, and refused when a hand-drawn file goes wrong."""

import json
import math
from decimal import Decimal

import pytest

from linli.audit.models import AuditEntry
from linli.core.errors import DomainError, NotAllowed
from linli.ledger.codes import FUNDING_CODES
from linli.ledger.models import Account, AccountKind
from linli.places import boundary, services
from linli.places.geometry import polygon_contains


def square(lng, lat, d):
    return [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]


def test_a_square_is_measured_and_centred():
    shape = boundary.boundary_check({"type": "Polygon", "coordinates": [square(120.135, 30.285, 0.005)]})
    assert (shape.centre_lng, shape.centre_lat) == pytest.approx((120.135, 30.285))
    # 0.01° × 0.01° at 30.3° N: about 961 m × 1105 m
    assert Decimal("100") < shape.area_ha < Decimal("110")


def test_a_hole_is_taken_out_of_the_area():
    outer, hole = square(120.135, 30.285, 0.005), square(120.135, 30.285, 0.0025)
    whole = boundary.boundary_check({"type": "Polygon", "coordinates": [outer]}).area_ha
    holed = boundary.boundary_check({"type": "Polygon", "coordinates": [outer, hole]}).area_ha
    assert holed == pytest.approx(whole * Decimal("0.75"), rel=Decimal("0.01"))


def test_a_multipolygon_counts_both_parts_and_contains_points_in_either():
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[square(120.13, 30.28, 0.002)], [square(120.15, 30.28, 0.002)]],
    }
    shape = boundary.boundary_check(geometry)
    single = boundary.boundary_check({"type": "Polygon", "coordinates": [square(120.13, 30.28, 0.002)]})
    assert shape.area_ha == pytest.approx(single.area_ha * 2, rel=Decimal("0.01"))
    assert shape.centre_lng == pytest.approx(120.14)
    assert polygon_contains(shape.geometry, 120.15, 30.28) and polygon_contains(shape.geometry, 120.13, 30.28)
    assert not polygon_contains(shape.geometry, 120.14, 30.28)
    rings = boundary.outer_rings(shape.geometry)
    assert len(rings) == 2 and rings[1][0] == pytest.approx([120.148, 30.278])  # rounded to 7 places


def test_a_feature_collection_file_is_read():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square(120.135, 30.285, 0.005)]}},
        ],
    }
    shape = boundary.boundary_from_file(json.dumps(doc).encode())
    assert shape.geometry["type"] == "Polygon"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "not_geojson"),
        (b'{"type": "Polygon", "coordinates": [[[NaN, 30]]]}', "not_geojson"),
        (b"[1, 2]", "invalid_boundary"),
        (b'{"type": "Feature", "geometry": null}', "invalid_boundary"),
        (b'{"type": "LineString", "coordinates": [[120.1, 30.2], [120.2, 30.3]]}', "not_polygon"),
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.2, "x"], [120.2, 30.3], [120.1, 30.2]]]}
            ).encode(),
            "invalid_boundary",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [square(120.135, 30.285, 0.00001)]}).encode(),
            "implausible_area",
        ),
    ],
)
def test_broken_files_are_refused_on_the_boundary_field(content, code):
    with pytest.raises(DomainError) as refused:
        boundary.boundary_from_file(content)
    assert refused.value.code == code
    assert refused.value.field == "boundary"


@pytest.mark.django_db
def test_a_community_made_by_the_service_has_its_funding_accounts_and_an_audit_row(users, street):
    shape = boundary.boundary_check({"type": "Polygon", "coordinates": [square(120.2, 30.2, 0.005)]})
    community = services.community_create(
        actor=users["street_admin"], street=street, code="xin", name="新社区", tier="basic", boundary=shape
    )
    assert set(
        Account.objects.filter(community=community, kind=AccountKind.FUNDING).values_list("code", flat=True)
    ) == set(FUNDING_CODES)
    entry = AuditEntry.objects.get(action="community.create")
    assert entry.actor == users["street_admin"] and entry.after["code"] == "xin"


@pytest.mark.django_db
def test_a_street_admin_may_not_create_a_community_in_another_street(users, other_street):
    shape = boundary.boundary_check({"type": "Polygon", "coordinates": [square(120.2, 30.2, 0.005)]})
    with pytest.raises(NotAllowed):
        services.community_create(
            actor=users["street_admin"], street=other_street, code="xin", name="新社区", tier="basic", boundary=shape
        )
    assert not AuditEntry.objects.exists()


def test_a_boundary_with_too_many_points_is_refused():
    n = boundary.MAX_POINTS + 1
    ring = [
        [120.135 + 0.01 * math.cos(2 * math.pi * i / n), 30.285 + 0.01 * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    with pytest.raises(DomainError) as refused:
        boundary.boundary_check({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    assert refused.value.code == "too_large"

"""Report fixtures: the conftest community's grid G1 (a square around the centre) with a steward, and categories."""

import io
from typing import Any

import pytest
from PIL import Image

from linli.accounts.models import Role
from linli.places.models import Community, Grid
from linli.reports.models import Category, CategoryAttribute
from linli.reports.services import api_client_issue

CENTRE = (30.285, 120.135)  # lat, lng of the conftest community and its grid G1


@pytest.fixture
def steward(community: Community, make_user: Any) -> Any:
    user = make_user(Role.GRID_STEWARD, community, display_name="王芳")
    Grid.objects.filter(community=community, code="G1").update(steward=user)
    return user


@pytest.fixture
def fixer(community: Community, make_user: Any) -> Any:
    """The category's responsible party (物业)."""
    return make_user(Role.OPERATOR, community, display_name="物业维修")


@pytest.fixture
def category(community: Community, fixer: Any) -> Category:
    category = Category.objects.create(
        community=community,
        code="lamp",
        name="路灯不亮",
        description="Street lamp out",
        keywords="lamp, light",
        group="repairs",
        responsible=fixer,
        agency_responsible="物业服务中心",
        service_notice="4小时内受理",
        accept_within_hours=4,
        start_within_hours=24,
        resolve_within_hours=48,
        reopen_within_days=7,
    )
    CategoryAttribute.objects.create(
        category=category,
        code="floor",
        datatype="singlevaluelist",
        required=True,
        order=1,
        description="在几楼？",  # the community's own words, as an admin writes them
        values=[{"key": "1", "name": "1楼"}, {"key": "2", "name": "2楼"}],
    )
    return category


@pytest.fixture
def resident_user(community: Community, make_user: Any) -> Any:
    return make_user(Role.RESIDENT, community, display_name="周丽君")


@pytest.fixture
def admin_user(community: Community, make_user: Any) -> Any:
    return make_user(Role.COMMUNITY_ADMIN, community, display_name="张建国")


@pytest.fixture
def api_key(community: Community, admin_user: Any) -> str:
    _client, key = api_client_issue(actor=admin_user, community=community, name="City 12345 hotline")
    return key


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 17.0, 6.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()

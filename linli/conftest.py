"""Shared test fixtures: two communities in one street, a third in another, and accounts for every role."""

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role, RoleAssignment, User
from linli.people import idnumber
from linli.people.models import Resident
from linli.places.models import Building, Community, Grid, Household, Neighbourhood, Street

_mobiles = itertools.count(13800000000)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.14, 30.29], [120.13, 30.29], [120.13, 30.28]]],
}


def next_mobile() -> str:
    return str(next(_mobiles))


@pytest.fixture
def street(db: Any) -> Street:
    return Street.objects.create(code="ningwei", name="宁围街道")


@pytest.fixture
def other_street(db: Any) -> Street:
    return Street.objects.create(code="beigan", name="北干街道")


def make_community(street: Street, code: str, name: str, lng: float = 120.135, lat: float = 30.285) -> Community:
    d = 0.005
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]
        ],
    }
    community = Community.objects.create(
        street=street, code=code, name=name, centre_lat=lat, centre_lng=lng, boundary=boundary
    )
    hood = Neighbourhood.objects.create(community=community, name=f"{name}一区")
    grid = Grid.objects.create(community=community, code="G1", name=f"{name}红网格", boundary=boundary)
    building = Building.objects.create(
        community=community, neighbourhood=hood, grid=grid, name=f"{name}1幢", lat=lat, lng=lng, floors=6
    )
    Household.objects.create(community=community, building=building, unit="1单元101")
    return community


@pytest.fixture
def community(street: Street) -> Community:
    return make_community(street, "shibei", "市北社区")


@pytest.fixture
def other_community(street: Street) -> Community:
    return make_community(street, "limin", "利民社区", lng=120.165, lat=30.29)


@pytest.fixture
def far_community(other_street: Street) -> Community:
    return make_community(other_street, "guangde", "广德社区", lng=120.27, lat=30.18)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        role: str | None = None,
        community: Community | None = None,
        street: Street | None = None,
        password: str = "pass-word-123",
        **extra: Any,
    ) -> User:
        user = User.objects.create_user(mobile=next_mobile(), password=password, **extra)
        if role:
            RoleAssignment.objects.create(
                user=user, role=role, community=community if street is None else None, street=street
            )
        return user

    return make


@pytest.fixture
def users(make_user: Callable[..., User], community: Community, street: Street) -> dict[str, User]:
    """One account per role in `community` (and its street, and the city), plus an outsider with no role."""
    accounts = {
        role.value: make_user(role.value, community)
        for role in Role
        if role not in (Role.STREET_ADMIN, Role.CITY_VIEWER)
    }
    accounts["street_admin"] = make_user(Role.STREET_ADMIN, street=street)
    accounts["city_viewer"] = make_user(Role.CITY_VIEWER)
    accounts["outsider"] = make_user()
    return accounts


def make_resident(
    community: Community, name: str = "周丽君", birth: dt.date = dt.date(1950, 3, 8), seq: int = 1, **extra: Any
) -> Resident:
    from linli.core import crypto

    number = idnumber.make_id_number("330109", birth, seq)
    return Resident.objects.create(
        community=community,
        name=name,
        birth_date=birth,
        household=community.households.first(),
        id_number_encrypted=crypto.encrypt(number),
        id_number_digest=crypto.digest(number),
        id_number_masked=idnumber.mask(number),
        **extra,
    )


@pytest.fixture
def resident(community: Community) -> Resident:
    return make_resident(community)


def client_for(user: User | None, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client

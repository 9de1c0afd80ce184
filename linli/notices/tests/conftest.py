"""Notice fixtures: the conftest community with a second building in a second grid, a steward on grid G1, and
residents of every kind: elders living alone with and without an account, an adult who uses the app, a child."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import make_resident
from linli.notifications.sms import LocmemSMSBackend
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building, Community, Grid, Household


@dataclass
class Estate:
    community: Community
    b1: Building
    b2: Building
    g1: Grid
    g2: Grid
    alone_b1: Resident  # 独居老人 in building 1, no account
    alone_b1_app: Resident  # 独居老人 in building 1, an account never used
    alone_b2: Resident  # 独居老人 in building 2 (grid 2)
    adult_b1: Resident  # uses the app
    child_b1: Resident  # no mobile
    steward: Any
    alone: SensitiveTag


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def estate(community: Community, users: dict[str, Any], make_user: Any) -> Estate:
    b1 = Building.objects.get(community=community, name="市北社区1幢")
    g1 = Grid.objects.get(community=community, code="G1")
    g2 = Grid.objects.create(community=community, code="G2", name="市北社区蓝网格")
    b2 = Building.objects.create(
        community=community, neighbourhood=None, grid=g2, name="市北社区2幢", lat=30.285, lng=120.136
    )
    h1 = Household.objects.get(building=b1)
    h1b = Household.objects.create(community=community, building=b1, unit="2单元302")
    h2 = Household.objects.create(community=community, building=b2, unit="1单元201")
    alone = SensitiveTag.objects.get(code="elderly_living_alone")
    steward = users["grid_steward"]
    g1.steward = steward
    g1.save(update_fields=["steward"])

    def person(name: str, born: dt.date, seq: int, household: Household, **extra: Any) -> Resident:
        r = make_resident(community, name=name, birth=born, seq=seq, **extra)
        r.household = household
        r.save(update_fields=["household"])
        return r

    alone_b1 = person("陈阿婆", dt.date(1938, 5, 1), 11, h1, mobile="13900000101")
    app_user = make_user(Role.RESIDENT, community, display_name="李大爷")
    alone_b1_app = person("李大爷", dt.date(1941, 7, 9), 12, h1b, user=app_user)
    alone_b2 = person("王奶奶", dt.date(1950, 2, 2), 13, h2, mobile="13900000103")
    adult_user = make_user(Role.RESIDENT, community, display_name="张伟")
    adult_user.last_login = timezone.now()
    adult_user.save(update_fields=["last_login"])
    adult_b1 = person("张伟", dt.date(1990, 1, 1), 14, h1, user=adult_user, mobile="13900000104")
    child_b1 = person("张小宝", dt.date(2018, 6, 1), 15, h1)
    for r in (alone_b1, alone_b1_app, alone_b2):
        r.tags.add(alone)
    return Estate(
        community=community,
        b1=b1,
        b2=b2,
        g1=g1,
        g2=g2,
        alone_b1=alone_b1,
        alone_b1_app=alone_b1_app,
        alone_b2=alone_b2,
        adult_b1=adult_b1,
        child_b1=child_b1,
        steward=steward,
        alone=alone,
    )


def sms_to() -> list[str]:
    return sorted(m.mobile for m in LocmemSMSBackend.outbox)

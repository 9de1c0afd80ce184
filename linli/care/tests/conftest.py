import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from linli.care.models import Cadence
from linli.conftest import make_resident
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building, Community, Grid, Household

NOW = timezone.make_aware(dt.datetime(2026, 3, 20, 10, 0))


@pytest.fixture
def tags(db: Any) -> dict[str, SensitiveTag]:
    return {t.code: t for t in SensitiveTag.objects.all()}


@pytest.fixture
def setup(community: Community, users: dict[str, Any], make_user: Any, tags: dict[str, SensitiveTag]) -> Any:
    """市北: grid G1 (the `users` steward) with 张阿婆 (独居老人, weekly) and 李伯 (残疾人, monthly); grid G2 with
    its own steward and 王奶奶 (独居老人); 赵先生 untagged; 陈奶奶 tagged but moved out."""
    g1 = community.grids.get(code="G1")
    g1.steward = users["grid_steward"]
    g1.save()
    h1 = Household.objects.get(building__grid=g1)
    other_steward = make_user("grid_steward", community)
    g2 = Grid.objects.create(community=community, code="G2", name="蓝网格", steward=other_steward)
    b2 = Building.objects.create(community=community, grid=g2, name="市北2幢", lat=30.285, lng=120.135)
    h2 = Household.objects.create(community=community, building=b2, unit="1单元201")
    Cadence.objects.create(community=community, tag=tags["elderly_living_alone"], every_days=7)
    Cadence.objects.create(community=community, tag=tags["disabled"], every_days=30)

    def person(name: str, seq: int, *tag_codes: str, household: Household | None = None, **extra: Any) -> Resident:
        r = make_resident(community, name=name, seq=seq, **extra)
        r.household = household or h1
        r.save(update_fields=["household"])
        r.tags.set([tags[c] for c in tag_codes])
        return r

    return SimpleNamespace(
        community=community,
        users=users,
        steward=users["grid_steward"],
        other_steward=other_steward,
        alone=person("张阿婆", 11, "elderly_living_alone", "disabled"),
        disabled=person("李伯", 12, "disabled"),
        other_grid=person("王奶奶", 13, "elderly_living_alone", household=h2),
        untagged=person("赵先生", 14),
        moved=person("陈奶奶", 15, "elderly_living_alone", moved_out_on=dt.date(2026, 1, 1)),
    )

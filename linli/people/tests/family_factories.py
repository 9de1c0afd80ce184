"""A daughter with a bound account and her 82-year-old father elsewhere in the community (亲情账号 tests)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import make_resident
from linli.people.models import Resident
from linli.places.models import Community, Household

FATHER_MOBILE = "13912340082"


def years_ago(years: int, days: int = 30) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def make_family(community: Community, make_user: Any) -> tuple[Any, Resident, Resident]:
    """(the daughter's account, her resident profile, her father), living in two households of the community."""
    daughter_user = make_user(Role.RESIDENT, community)
    daughter = make_resident(community, name="王晓燕", birth=years_ago(46), seq=21, user=daughter_user)
    building = community.buildings.first()
    home = Household.objects.create(community=community, building=building, unit="2单元302")
    father = make_resident(community, name="王德明", birth=years_ago(82), seq=22, mobile=FATHER_MOBILE)
    father.household = home
    father.save(update_fields=["household"])
    return daughter_user, daughter, father

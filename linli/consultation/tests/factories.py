import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment, User
from linli.conftest import make_resident, next_mobile
from linli.consultation import services
from linli.places.models import Building, Household, Neighbourhood

_seq = itertools.count(100)


def new_household(community: Any, neighbourhood: Neighbourhood | None = None) -> Household:
    hood = neighbourhood or community.neighbourhoods.first()
    building = Building.objects.filter(community=community, neighbourhood=hood).first()
    if building is None:
        building = Building.objects.create(
            community=community, neighbourhood=hood, name=f"{hood.name}{next(_seq)}幢", lat=30.28, lng=120.13
        )
    return Household.objects.create(community=community, building=building, unit=f"{next(_seq)}室")


def resident_user(
    community: Any,
    *,
    owner: bool = False,
    household: Household | None = None,
    birth: dt.date = dt.date(1970, 5, 1),
    name: str = "居民",
) -> User:
    user = User.objects.create_user(mobile=next_mobile(), password="pass-word-123", display_name=name)
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT, community=community)
    resident = make_resident(community, name=name, birth=birth, seq=next(_seq), is_owner=owner, user=user)
    resident.household = household or new_household(community)
    resident.save(update_fields=["household"])
    return user


def future(hours: float = 24) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def running_vote(community: Any, staff: Any, **changes: Any) -> Any:
    """A vote for everyone on adding a lift, open since an hour ago for three more days; `changes` replace any of it."""
    now = timezone.now()
    fields = {
        "question": "是否同意加装电梯？",
        "options": ["同意", "不同意"],
        "eligibility": "all",
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=3),
        **changes,
    }
    return services.vote_create(actor=staff, community=community, **fields)


def tomorrows_meeting(community: Any, staff: Any, matters: list[Any], **changes: Any) -> Any:
    """A round-table meeting at the community's 会客厅 tomorrow, for five, with these matters on its agenda;
    `changes` replace any of it."""
    fields = {
        "title": "五月圆桌会议",
        "mode": "offline",
        "place": "会客厅",
        "starts_at": timezone.now() + dt.timedelta(days=1),
        "capacity": 5,
        "parties": ["community"],
        "matters": matters,
        **changes,
    }
    return services.meeting_create(actor=staff, community=community, **fields)

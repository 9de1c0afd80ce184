import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import make_resident
from linli.facilities.models import Facility, FacilityCategory, Service, Slot
from linli.volunteering import services
from linli.volunteering.models import Activity, ActivityType

NOW = dt.datetime(2026, 5, 10, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def organiser(users: dict[str, Any]) -> Any:
    return users["social_worker"]


@pytest.fixture
def volunteer(community: Any, make_user: Any) -> Any:
    user = make_user(Role.VOLUNTEER, community)
    return make_resident(community, name="王志远", seq=11, user=user, is_party_member=True)


@pytest.fixture
def second_volunteer(community: Any, make_user: Any) -> Any:
    user = make_user(Role.VOLUNTEER, community)
    return make_resident(community, name="李晓梅", seq=12, user=user)


def type_named(community: Any, name: str = "邻里节") -> ActivityType:
    """One of the community's activity types (the seven defaults are seeded on first use)."""
    services.activity_types_seed(community=community)
    return ActivityType.objects.get(community=community, name=name)


def make_activity(
    organiser: Any, community: Any, *, capacity: int = 10, hours: int = 2, title: str = "邻里节", **extra: Any
) -> Activity:
    starts = NOW + dt.timedelta(hours=2)
    return services.activity_create(
        actor=organiser,
        community=community,
        title=title,
        type=extra.pop("type", None) or type_named(community),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=capacity,
        now=NOW,
        **extra,
    )


@pytest.fixture
def activity(organiser: Any, community: Any) -> Activity:
    return make_activity(organiser, community)


@pytest.fixture
def venue(community: Any) -> Facility:
    return Facility.objects.create(
        community=community,
        code="hall",
        name="邻里中心多功能厅",
        category=FacilityCategory.objects.first(),
        scenario="neighbourhood",
        nature=Facility.Nature.FREE,
        lat=30.285,
        lng=120.135,
    )


@pytest.fixture
def venue_slot(venue: Facility, community: Any) -> Slot:
    service = Service.objects.create(
        community=community, facility=venue, kind=Service.Kind.VENUE, name="场地预约", waitlist=False
    )
    start = timezone.now() + dt.timedelta(days=2)
    return Slot.objects.create(
        community=community, service=service, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=1
    )


def soon_activity(organiser: Any, community: Any, *, days: int = 3, hours: int = 2, **extra: Any) -> Activity:
    """An activity a few days from the real clock (pages and the API read `timezone.now()`)."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return services.activity_create(
        actor=organiser,
        community=community,
        title=extra.pop("title", "邻里节 · 便民服务"),
        type=extra.pop("type", None) or type_named(community),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=extra.pop("capacity", 10),
        **extra,
    )


@pytest.fixture
def other_staff(other_community: Any, make_user: Any) -> Any:
    return make_user(Role.SOCIAL_WORKER, other_community)


@pytest.fixture
def club(organiser: Any, community: Any, volunteer: Any, venue: Facility) -> Any:
    return services.club_create(
        actor=organiser, community=community, name="太极拳社", schedule="每天 06:30", venue=venue, leader=volunteer
    )


@pytest.fixture
def team(organiser: Any, community: Any) -> Any:
    return services.team_create(actor=organiser, community=community, name="金童银晚志愿队", description="常态化服务")


@pytest.fixture
def foreign(other_community: Any, other_staff: Any) -> dict[str, Any]:
    """Another community's team, activity, club and free room-booking slot."""
    from linli.conftest import make_resident

    hall = Facility.objects.create(
        community=other_community,
        code="hall",
        name="利民邻里中心",
        category=FacilityCategory.objects.first(),
        scenario="neighbourhood",
        nature=Facility.Nature.FREE,
        lat=30.29,
        lng=120.165,
    )
    service = Service.objects.create(
        community=other_community, facility=hall, kind=Service.Kind.VENUE, name="场地预约", waitlist=False
    )
    start = timezone.now() + dt.timedelta(days=3)
    leader = make_resident(other_community, name="赵一", seq=31)
    return {
        "team": services.team_create(actor=other_staff, community=other_community, name="利民志愿队"),
        "activity": soon_activity(other_staff, other_community, title="利民义诊"),
        "club": services.club_create(actor=other_staff, community=other_community, name="利民书法社", leader=leader),
        "slot": Slot.objects.create(
            community=other_community,
            service=service,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=1,
        ),
    }

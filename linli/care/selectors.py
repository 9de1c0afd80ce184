"""Every read of care records goes through here, scoped to the acting user. Nothing here writes: callers that show
a care record call `services.care_record_viewed` to audit the read."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Community, Grid
from linli.reports.models import Category

from . import rules, schedule
from .models import Cadence, Referral, Visit


@dataclass
class CareEntry:
    """One resident on the care list."""

    resident: Resident
    grid: Grid | None
    tags: list[SensitiveTag]
    every_days: int
    last_seen: dt.date | None
    due_on: dt.date | None
    days_overdue: int
    due_soon: bool
    last_visit: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def never_visited(self) -> bool:
        return self.last_seen is None

    @property
    def overdue(self) -> bool:
        return self.never_visited or self.days_overdue > 0


def cadences_of(*, community: Community) -> dict[int, int]:
    """Tag id → every N days, for the tags this community visits."""
    return dict(Cadence.objects.filter(community=community).values_list("tag_id", "every_days"))


def cadence_list(*, user: Actor, community: Community) -> QuerySet[Cadence]:
    if not rules.can_view_cadences(user, community):
        raise NotAllowed(_("Only the community's stewards, social workers and admins see care visits."))
    return Cadence.objects.filter(community=community).select_related("tag", "updated_by")


def _residents_on_list(community: Community, cadences: dict[int, int]) -> QuerySet[Resident]:
    return (
        Resident.objects.filter(community=community, moved_out_on__isnull=True, tags__in=list(cadences))
        .distinct()
        .select_related("household__building__grid")
        .prefetch_related("tags")
        .order_by("pk")
    )


def care_list(
    *,
    user: Actor,
    community: Community,
    grid: Grid | None = None,
    tag: SensitiveTag | None = None,
    overdue_only: bool = False,
    today: dt.date | None = None,
) -> list[CareEntry]:
    """The care list this user sees: a steward their own grids, caseworkers the whole community. Never visited
    first, then most days overdue, then soonest due."""
    if not rules.can_view_care_list(user, community):
        raise NotAllowed(_("Only the community's stewards, social workers and admins see care visits."))
    today = today or timezone.localdate()
    cadences = cadences_of(community=community)
    if not cadences:
        return []
    residents = _residents_on_list(community, cadences)
    if not rules.is_caseworker(user, community):
        residents = residents.filter(household__building__grid__steward=account_of(user))
    if grid is not None:
        residents = residents.filter(household__building__grid=grid)
    if tag is not None:
        residents = residents.filter(tags=tag)
    people = list(residents)
    last_seen = dict(
        Visit.objects.filter(resident__in=[r.pk for r in people], seen=True)
        .values("resident")
        .annotate(last=Max("visited_at"))
        .values_list("resident", "last")
    )
    last_any = dict(
        Visit.objects.filter(resident__in=[r.pk for r in people])
        .values("resident")
        .annotate(last=Max("visited_at"))
        .values_list("resident", "last")
    )
    entries = []
    for resident in people:
        tags = [t for t in resident.tags.all() if t.pk in cadences]
        every = min(cadences[t.pk] for t in tags)
        seen_at = last_seen.get(resident.pk)
        seen_day = timezone.localdate(seen_at) if seen_at else None
        due = schedule.due_on(seen_day, every)
        overdue = schedule.days_overdue(due, today)
        household = resident.household
        entry = CareEntry(
            resident=resident,
            grid=household.building.grid if household is not None else None,
            tags=tags,
            every_days=every,
            last_seen=seen_day,
            due_on=due,
            days_overdue=overdue,
            due_soon=due is not None and overdue == 0 and (due - today).days <= schedule.DUE_SOON_DAYS,
            last_visit=last_any.get(resident.pk),
        )
        if overdue_only and not entry.overdue:
            continue
        entries.append(entry)
    entries.sort(key=lambda e: (not e.never_visited, -e.days_overdue, e.due_on or today, e.resident.name))
    return entries


def care_resident_get(*, user: Actor, community: Community, pk: int) -> Resident:
    """A resident on this community's care list whom the user may see; otherwise 404 (existence not revealed)."""
    resident = (
        Resident.objects.filter(community=community, pk=pk)
        .select_related("household__building__grid", "community")
        .first()
    )
    if resident is None or not rules.can_view_resident_care(user, resident):
        raise NotFound(_("No such resident on the care list."))
    return resident


def on_care_list(*, resident: Resident) -> int | None:
    """The resident's cadence in days (the shortest of their tags'), or None when they are not on the list."""
    if resident.moved_out_on is not None:
        return None
    days = Cadence.objects.filter(community_id=resident.community_id, tag__residents=resident).values_list(
        "every_days", flat=True
    )
    return min(days, default=None)


def visits_of(*, resident: Resident) -> QuerySet[Visit]:
    """A resident's care history, for a caller `care_resident_get` already admitted."""
    return Visit.objects.filter(resident=resident).select_related("visited_by", "report").prefetch_related("referrals")


def visit_get(*, user: Actor, community: Community, pk: int) -> Visit:
    visit = (
        Visit.objects.filter(community=community, pk=pk)
        .select_related("resident__household__building__grid", "resident__community", "visited_by", "report")
        .first()
    )
    if visit is None or not rules.can_view_resident_care(user, visit.resident):
        raise NotFound(_("No such care visit."))
    return visit


def referrals_for(*, user: Actor, community: Community, status: str = "") -> QuerySet[Referral]:
    """Social workers' queue: every referral in the community. Stewards see the ones they made."""
    qs = Referral.objects.filter(community=community).select_related("resident", "referred_by", "done_by", "visit")
    if rules.can_handle_referrals(user, community):
        pass
    elif rules.is_steward(user, community):
        qs = qs.filter(referred_by=account_of(user))
    else:
        raise NotAllowed(_("Only the community's stewards, social workers and admins see care visits."))
    if status:
        qs = qs.filter(status=status)
    return qs


def referral_get(*, user: Actor, community: Community, pk: int) -> Referral:
    return first_or_not_found(referrals_for(user=user, community=community).filter(pk=pk), _("No such referral."))


def on_time_share(*, community: Community, month: dt.date, today: dt.date | None = None) -> float | None:
    """Percentage of care-list residents visited on time during the month (see `schedule.visited_on_time`), from
    visits dated in the month and the last one before it. None when the list is empty or the month not begun.

    The list is today's register (tags are not kept historically), less residents who moved out before the month
    ended or were added after it (unless visited by then: a register entered after its visits)."""
    today = today or timezone.localdate()
    start = month.replace(day=1)
    month_end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if start > today:
        return None
    end = min(month_end, today)
    cadences = cadences_of(community=community)
    if not cadences:
        return None
    tz = timezone.get_current_timezone()
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    residents = (
        Resident.objects.filter(community=community, tags__in=list(cadences))
        .filter(Q(created_at__lt=end_at) | Q(care_visits__visited_at__lt=end_at))
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=end))
        .distinct()
        .prefetch_related("tags")
    )
    every = {r.pk: min(cadences[t.pk] for t in r.tags.all() if t.pk in cadences) for r in residents}
    if not every:
        return None
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    in_month: dict[int, list[dt.date]] = defaultdict(list)
    for resident_id, at in Visit.objects.filter(
        community=community, seen=True, visited_at__gte=start_at, visited_at__lt=end_at
    ).values_list("resident_id", "visited_at"):
        in_month[resident_id].append(timezone.localdate(at))
    before = {
        resident_id: timezone.localdate(at)
        for resident_id, at in Visit.objects.filter(community=community, seen=True, visited_at__lt=start_at)
        .values("resident_id")
        .annotate(last=Max("visited_at"))
        .values_list("resident_id", "last")
    }
    on_time = sum(
        1
        for resident_id, days in every.items()
        if schedule.visited_on_time(in_month[resident_id], days, start, end, before=before.get(resident_id))
    )
    return round(100 * on_time / len(every), 1)


def overdue_count(*, user: Actor, community: Community, today: dt.date | None = None) -> int:
    """How many residents on the user's care list are overdue (for a link on the staff home)."""
    if not rules.can_view_care_list(user, community):
        return 0
    return sum(1 for e in care_list(user=user, community=community, today=today) if e.overdue)


def report_categories(*, community: Community) -> QuerySet[Category]:
    """Categories a visitor can report a need under: active, and asking for no further required details."""
    return Category.objects.filter(community=community, active=True).exclude(attributes__required=True).order_by("name")


def care_tags_of(*, resident: Resident, community: Community) -> QuerySet[SensitiveTag]:
    """The resident's tags that put them on this community's care list."""
    return resident.tags.filter(care_cadences__community=community)


def referrals_of_visit(*, visit: Visit) -> QuerySet[Referral]:
    return visit.referrals.select_related("done_by")


def cadence_in(*, community: Community, pk: int) -> Cadence | None:
    return Cadence.objects.filter(community=community, pk=pk).select_related("tag").first()


def tag_by_code(*, code: str) -> SensitiveTag:
    return first_or_not_found(SensitiveTag.objects.filter(code=code), _("No tag has this code."), field="tag")


def grid_by_code(*, community: Community, code: str) -> Grid:
    return first_or_not_found(
        Grid.objects.filter(community=community, code=code), _("No grid has this code."), field="grid"
    )


def report_category_get(*, community: Community, code: str) -> Category:
    return first_or_not_found(
        report_categories(community=community).filter(code=code),
        _("Choose a category of this community."),
        field="category",
    )

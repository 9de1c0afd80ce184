"""Reading the cockpit: always from stored snapshots (one query per screen), scoped to the viewer."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotFound
from linli.places.models import Community, Street

from . import rules
from .evaluation import Evaluation, evaluate
from .framework import Framework
from .models import Evidence, IndicatorEntry, Snapshot


@dataclass(frozen=True)
class CommunityView:
    community: Community
    snapshot: Snapshot | None
    evaluation: Evaluation | None

    @property
    def supply_index(self) -> float | None:
        return self.snapshot.values.get("supply_index") if self.snapshot else None


def latest_snapshots(communities: QuerySet[Community]) -> dict[int, Snapshot]:
    """The newest snapshot of each community, in one query."""
    ids = list(communities.values_list("pk", flat=True))
    rows = Snapshot.objects.filter(community_id__in=ids).order_by("community_id", "-month")
    latest: dict[int, Snapshot] = {}
    if rows.query.get_compiler(using=rows.db).connection.vendor == "postgresql":
        for snap in rows.distinct("community_id"):
            latest[snap.community_id] = snap
    else:
        for snap in rows:
            latest.setdefault(snap.community_id, snap)
    return latest


def month_of(text: str | None) -> dt.date | None:
    """A month asked for as `YYYY-MM` (None: not asked); a clear error otherwise."""
    if not text:
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise DomainError(_("Give the month as YYYY-MM, e.g. 2026-11."), field="month") from None


def month_under_way() -> dt.date:
    return timezone.localdate().replace(day=1)


def last_complete_month() -> dt.date:
    """The newest month that is over: the one graded unless another is asked for."""
    return (month_under_way() - dt.timedelta(days=1)).replace(day=1)


def graded_month(text: str | None) -> dt.date:
    """The month an evaluation grades: the one asked for as `YYYY-MM`, else the last complete month. A month not
    over yet (the month under way or a later one) is refused: its flows would be graded on a few days."""
    month = month_of(text)
    if month is None:
        return last_complete_month()
    if month >= month_under_way():
        raise DomainError(
            _("Only a month that is over can be graded: choose %(last)s or an earlier month.")
            % {"last": f"{last_complete_month():%Y-%m}"},
            field="month",
        )
    return month


def compared_month_of(text: str | None) -> dt.date:
    """The month a street or the city is compared on: the one asked for (the month under way is shown to date,
    ungraded; a later one is refused), else the last complete month."""
    month = month_of(text)
    if month is None:
        return last_complete_month()
    if month > month_under_way():
        raise DomainError(_("%(month)s has not begun yet.") % {"month": f"{month:%Y-%m}"}, field="month")
    return month


def graded_months(communities: QuerySet[Community] | Community) -> list[dt.date]:
    """The complete months with a snapshot for any of these communities, newest first (the last complete month
    always among them, so it can be chosen even before its figures are stored)."""
    months = [m for m in months_of(communities) if m < month_under_way()]
    if last_complete_month() not in months:
        months.insert(0, last_complete_month())
    return months


def months_of(communities: QuerySet[Community] | Community) -> list[dt.date]:
    """The months with a snapshot for any of these communities (or this one), newest first."""
    if isinstance(communities, Community):  # its own rows, without a subquery on the communities
        rows = Snapshot.objects.filter(community_id=communities.pk).order_by("-month")
    else:
        rows = Snapshot.objects.filter(community_id__in=communities.values("pk")).order_by("-month")
    return list(rows.values_list("month", flat=True).distinct())


def community_views(
    communities: QuerySet[Community], framework: Framework, month: dt.date | None = None
) -> list[CommunityView]:
    """Each community on its newest month, or on `month` for all of them (None where it has no figures), evaluated
    unless the month is still under way (its figures are to date: never graded)."""
    if month is None:
        snaps = latest_snapshots(communities)
    else:
        snaps = {
            s.community_id: s
            for s in Snapshot.objects.filter(community_id__in=communities.values("pk"), month=month.replace(day=1))
        }
    return [_view(community, snaps.get(community.pk), framework) for community in communities.select_related("street")]


def _view(community: Community, snap: Snapshot | None, framework: Framework) -> CommunityView:
    graded = snap is not None and snap.month < month_under_way()
    return CommunityView(community, snap, evaluate(framework, snap.values) if graded and snap else None)


def community_view(community: Community, framework: Framework, month: dt.date) -> CommunityView:
    """The one community on `month`, evaluated if that month is over (no snapshot: no figures that month); the
    community as given, not read again."""
    return _view(community, snapshot_of(community, month), framework)


def compared_views(
    communities: QuerySet[Community], framework: Framework, month: dt.date
) -> tuple[dt.date, list[CommunityView]]:
    """Every community on the same month (see `compared_month_of`)."""
    return month, community_views(communities, framework, month)


def city_views(*, user: Actor, framework: Framework, month: dt.date) -> tuple[dt.date, list[CommunityView]]:
    """Every community on the same month, for city viewers."""
    if not rules.can_view_city(user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return compared_views(Community.objects.all(), framework, month)


def city_months(*, user: Actor) -> list[dt.date]:
    """The months with a snapshot for any community of the city, newest first, for city viewers."""
    if not rules.can_view_city(user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return months_of(Community.objects.all())


def streets_for_city(*, user: Actor) -> QuerySet[Street]:
    if not rules.can_view_city(user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return Street.objects.order_by("code")


def community_for_cockpit(*, user: Actor, code: str) -> Community:
    community = Community.objects.select_related("street").filter(code=code).first()
    if community is None or not rules.can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": code})
    return community


def street_for_cockpit(*, user: Actor, code: str) -> Street:
    street = Street.objects.filter(code=code).first()
    if street is None or not rules.can_view_street(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code})
    return street


def history(community: Community, months: int = 12) -> list[Snapshot]:
    return list(reversed(Snapshot.objects.filter(community=community).order_by("-month")[:months]))


def entries_of(community: Community) -> QuerySet[IndicatorEntry]:
    entries = IndicatorEntry.objects.filter(community=community).select_related("entered_by", "community")
    return entries.prefetch_related("evidence")


def evidence_get(*, user: Actor, code: str, pk: int) -> Evidence:
    """One evidence file of a community the user may see the cockpit of."""
    community = community_for_cockpit(user=user, code=code)
    evidence = Evidence.objects.filter(pk=pk, entry__community=community).first()
    if evidence is None:
        raise NotFound(_("No such evidence."))
    return evidence


def snapshot_of(community: Community, month: dt.date) -> Snapshot | None:
    return Snapshot.objects.filter(community=community, month=month.replace(day=1)).first()

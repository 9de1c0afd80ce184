"""Reading the cockpit: always from stored snapshots (one query per screen), scoped to the viewer."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.places.models import Community, Street

from . import rules
from .evaluation import Evaluation, evaluate
from .framework import Framework
from .models import IndicatorEntry, Snapshot


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


def community_views(communities: QuerySet[Community], framework: Framework) -> list[CommunityView]:
    snaps = latest_snapshots(communities)
    views = []
    for community in communities.select_related("street"):
        snap = snaps.get(community.pk)
        views.append(CommunityView(community, snap, evaluate(framework, snap.values) if snap else None))
    return views


def community_view(community: Community, framework: Framework) -> CommunityView:
    """The one community's latest month, evaluated."""
    [view] = community_views(Community.objects.filter(pk=community.pk), framework)
    return view


def city_views(*, user: Any, framework: Framework) -> list[CommunityView]:
    """Every community's latest month, for city viewers."""
    if not rules.can_view_city(user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return community_views(Community.objects.all(), framework)


def streets_for_city(*, user: Any) -> QuerySet[Street]:
    if not rules.can_view_city(user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return Street.objects.order_by("code")


def community_for_cockpit(*, user: Any, code: str) -> Community:
    community = Community.objects.select_related("street").filter(code=code).first()
    if community is None or not rules.can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": code})
    return community


def street_for_cockpit(*, user: Any, code: str) -> Street:
    street = Street.objects.filter(code=code).first()
    if street is None or not rules.can_view_street(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code})
    return street


def history(community: Community, months: int = 12) -> list[Snapshot]:
    return list(reversed(Snapshot.objects.filter(community=community).order_by("-month")[:months]))


def entries_of(community: Community) -> QuerySet[IndicatorEntry]:
    return IndicatorEntry.objects.filter(community=community).select_related("entered_by").prefetch_related("evidence")

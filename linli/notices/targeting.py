"""Whom a notice reaches: its targets, checked against the issuer and the author's rights, and the residents they
select on a given day."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotAllowed
from linli.people.ages import TIER_BOUNDS, AgeTier, born_on_or_before_for_age
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building, Community, Grid, Neighbourhood

from . import rules


class Issuer(Protocol):
    """What targeting needs to know of the thing sent (a notice, a survey): who issues it."""

    street_id: Any
    community_id: Any

    @property
    def community(self) -> Any: ...


@dataclass
class NoticeTargets:
    """Empty lists mean "everyone". Within a kind any may match; the kinds combine: places, then ages, then tags."""

    communities: list[Community] = field(default_factory=list)
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    age_tiers: list[str] = field(default_factory=list)
    tags: list[SensitiveTag] = field(default_factory=list)

    @classmethod
    def of(cls, sent: Any) -> "NoticeTargets":
        """The targets saved on a notice or a survey (a survey has no communities: it asks within its own)."""
        communities = getattr(sent, "target_communities", None)
        return cls(
            communities=list(communities.all()) if communities is not None else [],
            neighbourhoods=list(sent.target_neighbourhoods.all()),
            buildings=list(sent.target_buildings.all()),
            grids=list(sent.target_grids.all()),
            age_tiers=list(sent.target_age_tiers),
            tags=list(sent.target_tags.all()),
        )

    def set_on(self, sent: Any) -> None:
        """Save these targets' places and tags on a notice or a survey (the age tiers are a field of its own)."""
        if hasattr(sent, "target_communities"):
            sent.target_communities.set(self.communities)
        sent.target_neighbourhoods.set(self.neighbourhoods)
        sent.target_buildings.set(self.buildings)
        sent.target_grids.set(self.grids)
        sent.target_tags.set(self.tags)

    def summary(self) -> dict[str, list[Any]]:
        return {
            "communities": [c.code for c in self.communities],
            "neighbourhoods": [n.pk for n in self.neighbourhoods],
            "buildings": [b.pk for b in self.buildings],
            "grids": [g.pk for g in self.grids],
            "age_tiers": list(self.age_tiers),
            "tags": [t.code for t in self.tags],
        }


def targets_check(*, actor: Actor, notice: Issuer, targets: NoticeTargets) -> None:
    """Refuse targets outside the issuer, unknown age tiers, and sensitive tags the author may not see."""
    unknown = [t for t in targets.age_tiers if t not in AgeTier.values]
    if unknown:
        raise DomainError(_("Unknown age tier."), code="unknown_age_tier", field="age_tiers")
    places = targets.neighbourhoods + targets.buildings + targets.grids
    if notice.community_id is not None:
        if targets.communities:
            raise DomainError(_("A community's notice goes to its own residents."), field="communities")
        if any(p.community_id != notice.community_id for p in places):
            raise DomainError(_("Choose places of this community."), code="foreign_place", field="buildings")
        reach: list[Community] = [notice.community]
    else:
        if places:
            raise DomainError(
                _("A street's notice is targeted by community, age and tag, not by building."), field="buildings"
            )
        if any(c.street_id != notice.street_id for c in targets.communities):
            raise DomainError(_("Choose communities of this street."), field="communities")
        reach = targets.communities or list(Community.objects.filter(street_id=notice.street_id))
    if targets.tags and not all(rules.can_target_tags(actor, c) for c in reach):
        raise NotAllowed(_("You may not target residents by sensitive tags."), field="tags")


def _age_q(tiers: list[str], day: dt.date) -> Q:
    lowers: dict[str, int] = {str(tier): lower for lower, tier in TIER_BOUNDS}
    uppers: dict[str, int | None] = {}
    previous: int | None = None
    for lower, bound_tier in TIER_BOUNDS:  # from the oldest down
        uppers[str(bound_tier)] = previous
        previous = lower
    q = Q()
    for tier in tiers:
        in_tier = Q(birth_date__lte=born_on_or_before_for_age(lowers[tier], day))
        upper = uppers[tier]
        if upper is not None:
            in_tier &= Q(birth_date__gt=born_on_or_before_for_age(upper, day))
        q |= in_tier
    return q


def residents_targeted(*, notice: Issuer, targets: NoticeTargets, day: dt.date) -> QuerySet[Resident]:
    qs = Resident.objects.filter(moved_out_on__isnull=True)
    if notice.community_id is not None:
        qs = qs.filter(community_id=notice.community_id)
    elif targets.communities:
        qs = qs.filter(community__in=targets.communities)
    else:
        qs = qs.filter(community__street_id=notice.street_id)
    places = Q()
    if targets.neighbourhoods:
        places |= Q(household__building__neighbourhood__in=targets.neighbourhoods)
    if targets.buildings:
        places |= Q(household__building__in=targets.buildings)
    if targets.grids:
        places |= Q(household__building__grid__in=targets.grids)
    if places:
        qs = qs.filter(places)
    if targets.age_tiers:
        qs = qs.filter(_age_q(targets.age_tiers, day))
    if targets.tags:
        qs = qs.filter(pk__in=Resident.objects.filter(tags__in=targets.tags).values("pk"))
    return qs

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.places.models import Building, Community, Street

from . import rules
from .models import CandidateSite, PlanRun


def runs_of_community(*, user: Any, community: Community) -> QuerySet[PlanRun]:
    if not rules.can_view_community_plan(user, community):
        raise NotFound(_("No such community."))
    return PlanRun.objects.filter(community=community).defer("inputs", "rules_text")


def runs_of_street(*, user: Any, street: Street) -> QuerySet[PlanRun]:
    if not rules.can_view_street_plan(user, street):
        raise NotFound(_("No such street."))
    return PlanRun.objects.filter(street=street).defer("inputs", "rules_text")


def latest_done(runs: QuerySet[PlanRun]) -> PlanRun | None:
    return runs.filter(status=PlanRun.Status.DONE).first()


def run_get(*, user: Any, pk: int) -> PlanRun:
    run = PlanRun.objects.select_related("community__street", "street").filter(pk=pk).first()
    visible = run is not None and (
        rules.can_view_community_plan(user, run.community)
        if run.community
        else rules.can_view_street_plan(user, run.street)
    )
    if not visible:
        raise NotFound(_("No such planning run."))
    return run  # type: ignore[return-value]


def street_get(*, user: Any, code: str) -> Street:
    street = Street.objects.filter(code=code).first()
    if street is None or not rules.can_view_street_plan(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code})
    return street


def candidate_sites_of(*, community: Community) -> QuerySet[CandidateSite]:
    return CandidateSite.objects.filter(community=community, active=True).select_related("building")


def candidate_site_get(*, community: Community, pk: int) -> CandidateSite:
    site = candidate_sites_of(community=community).filter(pk=pk).first()
    if site is None:
        raise NotFound(_("No such site."))
    return site


def building_for_site(*, community: Community, pk: int) -> Building:
    """The building a candidate site is proposed in. Looked up by number alone, so that a building of another
    community gets the service's own answer ("not in this community") rather than a bare 404."""
    building = Building.objects.filter(pk=pk).first()
    if building is None:
        raise NotFound(_("No such building."))
    return building

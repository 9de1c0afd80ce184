from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.core.errors import NotFound
from linli.places.models import Building, Community, Street

from . import rules
from .models import CandidateSite, CityRun, CityRunCommunity, HubPlacement, PlanRun


def runs_of_community(*, user: Actor, community: Community) -> QuerySet[PlanRun]:
    if not rules.can_view_community_plan(user, community):
        raise NotFound(_("No such community."))
    return PlanRun.objects.filter(community=community).defer("inputs", "rules_text")


def runs_of_street(*, user: Actor, street: Street) -> QuerySet[PlanRun]:
    if not rules.can_view_street_plan(user, street):
        raise NotFound(_("No such street."))
    return PlanRun.objects.filter(street=street).defer("inputs", "rules_text")


def latest_done(runs: QuerySet[PlanRun]) -> PlanRun | None:
    return runs.filter(status=PlanRun.Status.DONE).first()


def run_get(*, user: Actor, pk: int) -> PlanRun:
    run = PlanRun.objects.select_related("community__street", "street").filter(pk=pk).first()
    visible = run is not None and (
        rules.can_view_community_plan(user, run.community)
        if run.community
        else rules.can_view_street_plan(user, run.street)
    )
    if not visible:
        raise NotFound(_("No such planning run."))
    return run  # type: ignore[return-value]


def street_get(*, user: Actor, code: str) -> Street:
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


def cities_for(*, user: Actor) -> list[str]:
    """The cities whose health check the user may read (a street admin: the cities of their streets)."""
    streets = Street.objects.exclude(city="")
    names = sorted({s.city for s in streets if rules.city_street_ids(user, [s])})
    return names


def city_streets(*, user: Actor, city: str) -> list[Street]:
    """The streets of a city the user plans for; NotFound when none."""
    streets = list(Street.objects.filter(city=city)) if city else []
    ids = rules.city_street_ids(user, streets)
    if not ids:
        raise NotFound(_("No such city."))
    return [s for s in streets if s.pk in ids]


def city_runs(*, user: Actor, city: str) -> QuerySet[CityRun]:
    """The city's runs that include a community the user may read."""
    streets = city_streets(user=user, city=city)
    return (
        CityRun.objects.filter(city=city, communities__community__street__in=streets)
        .distinct()
        .defer("rules_text")
        .select_related("requested_by")
    )


def streets_of_city_run(run: CityRun) -> QuerySet[Street]:
    """Every street a city run covers (whether or not the reader may see them all: rules decide that)."""
    return Street.objects.filter(pk__in=run.communities.values("community__street_id"))


def city_run_get(*, user: Actor, pk: int) -> CityRun:
    run = CityRun.objects.filter(pk=pk).first()
    if run is None:
        raise NotFound(_("No such planning run."))
    if not rules.city_street_ids(user, streets_of_city_run(run)):
        raise NotFound(_("No such planning run."))
    return run


def city_run_entries(*, user: Actor, run: CityRun) -> QuerySet[CityRunCommunity]:
    """The run's communities the user may read, street by street."""
    ids = rules.city_street_ids(user, streets_of_city_run(run))
    return run.communities.filter(community__street_id__in=ids).select_related("community__street")


def hub_placements_of(run: CityRun) -> list[HubPlacement]:
    """Every placement of new hubs asked on a run (one the reader may read), the latest first."""
    return list(run.hub_placements.select_related("requested_by"))


def hub_placement_latest(run: CityRun) -> HubPlacement | None:
    return run.hub_placements.select_related("requested_by").first()


def hub_placement_chosen(placements: list[HubPlacement], pk: int | None) -> HubPlacement | None:
    """The placement asked for by number among ``placements`` (NotFound if it is not one of them), else the latest."""
    if pk is None:
        return placements[0] if placements else None
    for placement in placements:
        if placement.pk == pk:
            return placement
    raise NotFound(_("No such hub placement."))

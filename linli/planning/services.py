"""Planning writes: request a run of a community, a street or a whole city (queued as a background job, which
`execution` carries out), resume a city run, register candidate sites."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, snapshot
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Building, Community, Street

from . import adapter, rules, selectors, tasks
from .core import PlanningError
from .messages import translate
from .models import CandidateSite, CityRun, CityRunCommunity, HubPlacement, HubStatus, PlanRun


def plan_run_request(
    *,
    actor: Actor,
    community: Community | None = None,
    street: Street | None = None,
    siting_category: str = "",
    siting_k: int = 0,
    profile: str = "",
    as_of: dt.date | None = None,
) -> PlanRun:
    """Snapshot the inputs now and queue the computation; the page follows its progress.

    ``profile``: a walking profile of the rules (an older walker, a wheelchair user; "": everyone).
    ``as_of``: the day whose facilities in service and residents' ages are checked (default: today).
    """
    if (community is None) == (street is None):
        raise DomainError(_("Choose a community or a street."))
    if community is not None and not rules.can_run_community_plan(actor, community):
        raise NotAllowed(_("You may not run the health check for this community."))
    if street is not None and not rules.can_run_street_plan(actor, street):
        raise NotAllowed(_("You may not run the health check for this street."))
    if siting_k < 0 or siting_k > rules.MAX_NEW_SITES:
        raise DomainError(
            _("Choose between 0 and %(most)s new sites.") % {"most": rules.MAX_NEW_SITES}, field="siting_k"
        )
    today = timezone.localdate()
    if as_of is not None and as_of > today:
        raise DomainError(_("A health check cannot be of a day still to come."), field="as_of")
    rules_text, standards = _rules_in_force(profile)
    if siting_k and siting_category not in standards.siting_codes:
        raise DomainError(_("Unknown facility category “%(c)s”.") % {"c": siting_category}, field="siting_category")
    scope = [community] if community is not None else list(street.communities.all())  # type: ignore[union-attr]
    network = adapter.network_path()
    if not network.exists():
        raise DomainError(_("The walking network file is missing: %(p)s") % {"p": network})
    inputs = adapter.collect_inputs(communities=scope, rules=standards, day=as_of or today)
    if not inputs["buildings"]["features"]:
        raise DomainError(_("There are no residential buildings to analyse."))
    with transaction.atomic():
        run = PlanRun.objects.create(
            community=community,
            street=street,
            requested_by=account_of(actor),
            siting_category=siting_category if siting_k else "",
            siting_k=siting_k,
            profile=profile,
            rules_text=rules_text,
            network_path=str(network),
            inputs=inputs,
        )
        audit_record(
            actor=actor,
            action="plan_run.request",
            instance=run,
            community=community,
            after={
                "siting_category": run.siting_category,
                "siting_k": siting_k,
                "profile": profile,
                "as_of": inputs["day"],
                "buildings": len(inputs["buildings"]["features"]),
                "facilities": len(inputs["facilities"]["features"]),
            },
        )
        transaction.on_commit(lambda: tasks.execute_plan_run.enqueue(run.pk))
    return run


def _rules_in_force(profile: str) -> tuple[str, Any]:
    """The rules file's text and its parsed rules, checked (and the walking profile with them)."""
    rules_file = adapter.rules_path()
    rules_text = rules_file.read_text(encoding="utf-8")
    try:
        standards = adapter.parse_rules_text(rules_text, rules_file.name)
    except PlanningError as exc:
        raise DomainError(translate(exc), field="rules") from None
    if profile and profile not in {p.code for p in standards.profiles}:
        raise DomainError(_("Unknown walking profile “%(p)s”.") % {"p": profile}, field="profile")
    return rules_text, standards


def city_run_request(*, actor: Actor, city: str, profile: str = "") -> CityRun:
    """Queue the health check of every community of a city the actor plans for (a street admin: their streets').

    The rules are fixed now; each community's buildings and facilities are read when its turn comes.
    """
    streets = list(Street.objects.filter(city=city)) if city else []
    if not streets:
        raise DomainError(_("No street is in the city “%(c)s”.") % {"c": city}, field="city")
    street_ids = rules.city_street_ids(actor, streets)
    if not street_ids:
        raise NotAllowed(_("You may not run the health check for this city."))
    rules_text, _standards = _rules_in_force(profile)
    network = adapter.network_path()
    if not network.exists():
        raise DomainError(_("The walking network file is missing: %(p)s") % {"p": network})
    communities = list(Community.objects.filter(street_id__in=street_ids).order_by("street__code", "code"))
    if not communities:
        raise DomainError(_("There are no communities to analyse."))
    with transaction.atomic():
        run = CityRun.objects.create(
            city=city, requested_by=account_of(actor), profile=profile, rules_text=rules_text, network_path=str(network)
        )
        CityRunCommunity.objects.bulk_create([CityRunCommunity(run=run, community=c) for c in communities])
        audit_record(
            actor=actor,
            action="city_run.request",
            instance=run,
            after={"city": city, "profile": profile, "communities": [c.code for c in communities]},
        )
        transaction.on_commit(lambda: tasks.execute_city_run.enqueue(run.pk))
    return run


def city_run_resume(*, actor: Actor, run: CityRun) -> CityRun:
    """Queue a run that stopped (its worker ended, or communities failed) again: what is done stays done; a hub
    placement that stopped or failed is redone (its result replaces nothing, there being none)."""
    streets = selectors.streets_of_city_run(run)
    if not rules.can_run_city_plan(actor, streets):
        raise NotAllowed(_("You may not run the health check for this city."))
    with transaction.atomic():
        locked = CityRun.objects.select_for_update().get(pk=run.pk)
        left = locked.communities.exclude(status=CityRunCommunity.Status.DONE)
        hubs_again = locked.hub_status in (HubStatus.RUNNING, HubStatus.FAILED)
        if not left.exists() and not hubs_again:
            raise DomainError(_("Every community of this run is done."))
        before = {"status": locked.status, "left": left.count(), "hub_status": locked.hub_status}
        # a community left "running" by a worker that stopped is waiting again; failed ones are tried again
        left.update(status=CityRunCommunity.Status.PENDING, error=None)
        fields = ["status", "error"]
        if hubs_again:
            locked.hub_status, locked.hub_error = HubStatus.PENDING, None
            fields += ["hub_status", "hub_error"]
            latest = locked.hub_placements.first()
            if latest is not None and latest.status in (HubStatus.RUNNING, HubStatus.FAILED):
                HubPlacement.objects.filter(pk=latest.pk).update(status=HubStatus.PENDING, error=None)
        if left.exists():
            locked.status = CityRun.Status.QUEUED
        locked.error = ""
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="city_run.resume",
            instance=locked,
            before=before,
            after={"status": locked.status, "hub_status": locked.hub_status},
        )
        transaction.on_commit(lambda: tasks.execute_city_run.enqueue(locked.pk))
    return locked


def city_run_place_hubs(*, actor: Actor, run: CityRun, category: str, count: int) -> CityRun:
    """Ask a city run to place ``count`` new composite hubs (a composite of the run's rules, such as a 民生坊) across
    every community it graded, on the street runs' site-selection engine; done in the background once the
    communities are graded. Asked again, the new placement becomes the run's latest and the earlier ones are kept
    (a `HubPlacement` each, dated, with who asked).

    A street admin places hubs on a run of their own streets (one they started: it covers those streets only)."""
    streets = selectors.streets_of_city_run(run)
    if not rules.can_place_city_hubs(actor, streets):
        raise NotAllowed(_("Only someone who plans for every street of this run may place hubs across it."))
    if isinstance(count, bool) or not 1 <= count <= rules.MAX_NEW_SITES:
        raise DomainError(
            _("Choose between 1 and %(most)s new hubs.") % {"most": rules.MAX_NEW_SITES}, field="hub_count"
        )
    try:
        composites = adapter.parse_rules_text(run.rules_text).composite_codes
    except PlanningError as exc:
        raise DomainError(translate(exc), field="hub_category") from None
    if not composites:
        raise DomainError(_("The rules of this run define no composite facility."), field="hub_category")
    if category not in composites:
        raise DomainError(_("Unknown composite facility “%(c)s”.") % {"c": category}, field="hub_category")
    with transaction.atomic():
        locked = CityRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == CityRun.Status.FAILED:
            raise DomainError(_("This run failed: start a new health check of the city."))
        if locked.hubs_under_way():
            raise DomainError(_("Hubs are already being placed for this run."))
        before = {"hub_category": locked.hub_category, "hub_count": locked.hub_count, "hub_status": locked.hub_status}
        locked.hub_category, locked.hub_count, locked.hub_status = category, count, HubStatus.PENDING
        locked.hub_result, locked.hub_error, locked.hub_computed_at = None, None, None
        locked.save(
            update_fields=["hub_category", "hub_count", "hub_status", "hub_result", "hub_error", "hub_computed_at"]
        )
        placement = HubPlacement.objects.create(
            run=locked, requested_by=account_of(actor), category=category, count=count
        )
        audit_record(
            actor=actor,
            action="city_run.place_hubs",
            instance=locked,
            before=before,
            after={
                "hub_category": category,
                "hub_count": count,
                "hub_status": HubStatus.PENDING,
                "placement": placement.pk,
            },
        )
        transaction.on_commit(lambda: tasks.execute_city_run.enqueue(locked.pk))
    return locked


def candidate_site_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    lat: float | None = None,
    lng: float | None = None,
    building: Building | None = None,
    kind: str = "idle_space",
    floor_area_m2: int | None = None,
    note: str = "",
) -> CandidateSite:
    if not rules.can_manage_candidate_sites(actor, community):
        raise NotAllowed(_("You may not register candidate sites in this community."))
    name = name.strip()
    if not name or len(name) > 80:
        raise DomainError(_("Give the site a name of at most 80 characters."), field="name")
    if kind not in CandidateSite.Kind.values:
        raise DomainError(_("Unknown kind of site."), field="kind")
    if building is not None:
        if building.community_id != community.pk:
            raise DomainError(_("That building is not in this community."), field="building")
        lat, lng = building.lat, building.lng
    if lat is None or lng is None:
        raise DomainError(_("Give the site a location: a building or a point."), field="lat")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(_("That location is not on the earth."), field="lat")
    if floor_area_m2 is not None and floor_area_m2 <= 0:
        raise DomainError(_("A floor area must be positive."), field="floor_area_m2")
    with transaction.atomic():
        if CandidateSite.objects.filter(community=community, name=name).exists():
            raise DomainError(_("A site with this name is already registered."), field="name")
        site = create_audited(
            actor=actor,
            action="candidate_site.create",
            model=CandidateSite,
            community=community,
            name=name,
            kind=kind,
            building=building,
            lat=lat,
            lng=lng,
            floor_area_m2=floor_area_m2,
            note=note.strip()[:200],
        )
    return site


def candidate_site_withdraw(*, actor: Actor, site: CandidateSite) -> CandidateSite:
    if not rules.can_manage_candidate_sites(actor, site.community):
        raise NotAllowed(_("You may not change candidate sites in this community."))
    with transaction.atomic():
        before = snapshot(site)
        site.active = False
        site.save(update_fields=["active"])
        audit_record(actor=actor, action="candidate_site.withdraw", instance=site, before=before, after=snapshot(site))
    return site

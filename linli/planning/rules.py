"""Who may do what in planning. (The life-circle standards it computes with are the TOML files in `standards/`.)"""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.models import Role
from linli.accounts.types import Actor

# The most new sites one health check may choose (the articles' city placed 29 民生坊 in one plan).
MAX_NEW_SITES = 100


def can_view_community_plan(user: Actor, community: Any) -> bool:
    return base.can_view_community_dashboard(user, community)


def can_run_community_plan(user: Actor, community: Any) -> bool:
    return (
        base.access_for(user).superuser
        or base.has_role(user, community, Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN)
        or base.oversees(user, community)
    )


def can_view_street_plan(user: Actor, street: Any) -> bool:
    return base.can_view_street(user, street)


def can_run_street_plan(user: Actor, street: Any) -> bool:
    access = base.access_for(user)
    return access.superuser or street.pk in access.street_ids


def can_manage_candidate_sites(user: Actor, community: Any) -> bool:
    return base.can_manage_community(user, community) or base.oversees(user, community)


def city_street_ids(user: Actor, streets: Any) -> set[int]:
    """The streets of a city (``streets``: its Street rows) whose health check a user reads and runs: all of them
    for city viewers and superusers, their own for street admins."""
    access = base.access_for(user)
    ids = {s.pk for s in streets}
    if access.superuser or access.city_viewer:
        return ids
    return ids & set(access.street_ids)


def can_run_city_plan(user: Actor, streets: Any) -> bool:
    """City planners (city viewers) check the whole city; a street admin the communities of their streets.
    A health check changes no record: it computes from them."""
    return bool(city_street_ids(user, streets))


def can_place_city_hubs(user: Actor, streets: Any) -> bool:
    """New hubs are placed across every community of a run: only by someone who plans for all of its streets.

    A city planner places them on any run of the city; a street admin on a run of their own streets, which is the
    run they start (`city_street_ids`: it covers their streets only), never on one that reaches another street."""
    ids = {s.pk for s in streets}
    return bool(ids) and city_street_ids(user, streets) == ids

"""Who may do what in planning. (The life-circle standards it computes with are the TOML files in `standards/`.)"""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.models import Role


def can_view_community_plan(user: Any, community: Any) -> bool:
    return base.can_view_community_dashboard(user, community)


def can_run_community_plan(user: Any, community: Any) -> bool:
    return (
        base.access_for(user).superuser
        or base.has_role(user, community, Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN)
        or base.oversees(user, community)
    )


def can_view_street_plan(user: Any, street: Any) -> bool:
    return base.can_view_street(user, street)


def can_run_street_plan(user: Any, street: Any) -> bool:
    access = base.access_for(user)
    return access.superuser or street.pk in access.street_ids


def can_manage_candidate_sites(user: Any, community: Any) -> bool:
    return base.can_manage_community(user, community) or base.oversees(user, community)

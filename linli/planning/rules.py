"""Who may do what in planning (rules.py elsewhere; here `rules/` holds the life-circle rules files)."""

from typing import Any

from linli.accounts import rules
from linli.accounts.models import Role


def can_view_community_plan(user: Any, community: Any) -> bool:
    return rules.can_view_community_dashboard(user, community)


def can_run_community_plan(user: Any, community: Any) -> bool:
    return (
        rules.access_for(user).superuser
        or rules.has_role(user, community, Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN)
        or rules.oversees(user, community)
    )


def can_view_street_plan(user: Any, street: Any) -> bool:
    return rules.can_view_street(user, street)


def can_run_street_plan(user: Any, street: Any) -> bool:
    access = rules.access_for(user)
    return access.superuser or street.pk in access.street_ids


def can_manage_candidate_sites(user: Any, community: Any) -> bool:
    return rules.can_manage_community(user, community) or rules.oversees(user, community)

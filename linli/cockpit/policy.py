"""Who sees which cockpit (rules.py in other domains)."""

from typing import Any

from linli.accounts import rules


def can_view_community(user: Any, community: Any) -> bool:
    return rules.can_view_community_dashboard(user, community)


def can_enter_values(user: Any, community: Any) -> bool:
    return rules.access_for(user).superuser or rules.has_role(user, community, "social_worker", "community_admin")


def can_view_street(user: Any, street: Any) -> bool:
    return rules.can_view_street(user, street)


def can_view_city(user: Any) -> bool:
    return rules.can_view_city(user)

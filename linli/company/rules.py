"""Who may see and post the community company's books."""

from typing import Any

from linli.accounts.rules import CASEWORK_ROLES, access_for, has_role, is_community_staff, oversees


def can_view_statement(user: Any, community: Any) -> bool:
    """Staff, the street office overseeing the community, and the operator running its spaces."""
    from linli.accounts.models import Role

    return is_community_staff(user, community) or oversees(user, community) or has_role(user, community, Role.OPERATOR)


def can_post_company(user: Any, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)

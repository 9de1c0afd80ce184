"""Who checks waste sorting: the community's staff (stewards, social workers, admins) and its volunteers
(垃圾分类督导员). Staff see every check; a volunteer sees the checks they recorded."""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.models import Role


def can_check(user: Any, community: Any) -> bool:
    return base.is_community_staff(user, community) or base.has_role(user, community, Role.VOLUNTEER)


def can_view_checks(user: Any, community: Any) -> bool:
    return base.is_community_staff(user, community)

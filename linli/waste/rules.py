"""Who checks waste sorting: the community's staff (stewards, social workers, admins) and its volunteers
(垃圾分类督导员). Staff see every check; a volunteer sees the checks they recorded."""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.models import Role
from linli.accounts.types import Actor


def can_check(user: Actor, community: Any) -> bool:
    return base.is_community_staff(user, community) or base.has_role(user, community, Role.VOLUNTEER)


def can_view_checks(user: Actor, community: Any) -> bool:
    return base.is_community_staff(user, community)

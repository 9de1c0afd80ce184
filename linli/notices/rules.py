"""Who may do what with notices. A community's admins and social workers write its notices; a street's admins write
notices to the street's communities. Stewards see, for their own grids, who has not read. Residents read what was
sent to them. Sensitive tags may be targeted only by those allowed to see them."""

from linli.accounts import rules as base
from linli.accounts.models import Role
from linli.accounts.types import Actor, account_of
from linli.places.models import Community, Grid, Street

from .models import Notice


def can_write_for_community(user: Actor, community: Community) -> bool:
    return base.access_for(user).superuser or base.has_role(user, community, *base.CASEWORK_ROLES)


def can_write_for_street(user: Actor, street: Street) -> bool:
    access = base.access_for(user)
    return access.superuser or street.pk in access.street_ids


def can_write_notice(user: Actor, notice: Notice) -> bool:
    """Edit, publish, schedule, withdraw: the issuer's writers."""
    if notice.community_id is not None:
        return can_write_for_community(user, notice.community)  # type: ignore[arg-type]
    return can_write_for_street(user, notice.street)


def can_target_tags(user: Actor, community: Community) -> bool:
    return base.can_view_sensitive_tags(user, community)


def can_view_notices_of(user: Actor, community: Community) -> bool:
    """The staff list of a community's notices, with read counts: its staff and the street's admins."""
    return base.is_community_staff(user, community) or base.oversees(user, community)


def can_view_read_report(user: Actor, notice: Notice, community: Community) -> bool:
    """Who has read and who has not, by name: the notice's writers, and the community's casework staff."""
    return can_write_notice(user, notice) or can_write_for_community(user, community)


def stewarded_grids(user: Actor, community: Community) -> list[Grid]:
    if not base.has_role(user, community, Role.GRID_STEWARD):
        return []
    return list(Grid.objects.filter(community=community, steward=account_of(user)))


def can_view_unread_in_grid(user: Actor, community: Community) -> bool:
    return bool(stewarded_grids(user, community))

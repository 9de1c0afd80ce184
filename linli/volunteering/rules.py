"""Who may do what in volunteering and clubs. One predicate per verb, on `linli.accounts.rules`."""

from typing import Any

from linli.accounts.rules import access_for, can_view_community, is_community_staff, oversees


def can_view_volunteering(user: Any, community: Any) -> bool:
    return can_view_community(user, community)


def can_organise(user: Any, community: Any) -> bool:
    """Create teams, activities and clubs: the community's staff."""
    return is_community_staff(user, community)


def can_run_activity(user: Any, activity: Any) -> bool:
    """Show the check-in code, see the sign-ups, confirm hours: the activity's organiser and the staff."""
    if user is None or not user.is_authenticated:
        return False
    return activity.organiser_id == user.pk or is_community_staff(user, activity.community)


def is_self(user: Any, resident: Any) -> bool:
    return bool(user is not None and user.is_authenticated and resident.user_id == user.pk)


def can_lead_club(user: Any, club: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if is_community_staff(user, club.community):
        return True
    return club.memberships.filter(resident__user=user, leader=True).exists()


def can_view_hours_of(user: Any, resident: Any) -> bool:
    return (
        is_self(user, resident)
        or is_community_staff(user, resident.community)
        or oversees(user, resident.community)
        or access_for(user).superuser
    )

"""Who may do what in volunteering and clubs. One predicate per verb, on `linli.accounts.rules`."""

from typing import Any

from linli.accounts.rules import access_for, can_view_community, is_community_staff, oversees
from linli.accounts.types import Actor


def can_view_volunteering(user: Actor, community: Any) -> bool:
    return can_view_community(user, community)


def can_organise(user: Actor, community: Any) -> bool:
    """Create teams, activities and clubs: the community's staff."""
    return is_community_staff(user, community)


def can_run_activity(user: Actor, activity: Any) -> bool:
    """Show the check-in code, see the sign-ups, confirm hours: the activity's organiser and the staff."""
    if user is None or not user.is_authenticated:
        return False
    return activity.organiser_id == user.pk or is_community_staff(user, activity.community)


def is_self(user: Actor, resident: Any) -> bool:
    return bool(user is not None and user.is_authenticated and resident.user_id == user.pk)


def can_lead_club(user: Actor, club: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if is_community_staff(user, club.community):
        return True
    return club.memberships.filter(resident__user=user, leader=True).exists()


def can_view_hours_of(user: Actor, resident: Any) -> bool:
    return (
        is_self(user, resident)
        or is_community_staff(user, resident.community)
        or oversees(user, resident.community)
        or access_for(user).superuser
    )


# --- teams ----------------------------------------------------------------------------------------------


def can_create_team(user: Actor, community: Any) -> bool:
    return can_organise(user, community)


def can_join_team(user: Actor, team: Any) -> bool:
    """A resident of the team's community joins by themself (party-member teams check membership in the service)."""
    if user is None or not user.is_authenticated or not team.active:
        return False
    return bool(team.community.residents.filter(user=user).exists())


def can_view_team_members(user: Actor, team: Any) -> bool:
    """Names of a team's members: the community's staff and the team's own members."""
    if is_community_staff(user, team.community):
        return True
    return bool(user is not None and user.is_authenticated and team.memberships.filter(resident__user=user).exists())


# --- activities -----------------------------------------------------------------------------------------


def can_create_activity(user: Actor, community: Any) -> bool:
    return can_organise(user, community)


def can_cancel_activity(user: Actor, activity: Any) -> bool:
    return can_run_activity(user, activity)


def can_sign_up_others(user: Actor, activity: Any) -> bool:
    """Sign residents of the community up for an activity (those who asked by phone or at the desk, 代报名): its
    organiser and the community's staff. A volunteer signs up only themself."""
    return can_run_activity(user, activity)


def can_decide_hours(user: Actor, activity: Any) -> bool:
    """Confirm or reject the hours served at an activity."""
    return can_run_activity(user, activity)


def can_list_organised(user: Actor, community: Any) -> bool:
    """The organiser's list of activities: the staff (all of the community's), or whoever organised one."""
    if user is None or not user.is_authenticated:
        return False
    return can_organise(user, community) or community.activities.filter(organiser=user).exists()


# --- clubs ----------------------------------------------------------------------------------------------


def can_create_club(user: Actor, community: Any) -> bool:
    return can_organise(user, community)


def can_view_club_members(user: Actor, club: Any) -> bool:
    """Names of a club's members: the staff and the club's own members. Leaders are shown to everyone."""
    if is_community_staff(user, club.community):
        return True
    return bool(user is not None and user.is_authenticated and club.memberships.filter(resident__user=user).exists())


def can_remove_club_member(user: Actor, member: Any) -> bool:
    """A member leaves by themself; a leader or the staff take someone off the list."""
    return is_self(user, member.resident) or can_lead_club(user, member.club)


def can_appoint_club_leader(user: Actor, club: Any) -> bool:
    """Make a member a leader, or step a leader down: the club's leaders and the community's staff."""
    return can_lead_club(user, club)


def can_book_club_venue(user: Actor, club: Any) -> bool:
    return can_lead_club(user, club)


# --- activity types -------------------------------------------------------------------------------------


def can_manage_activity_types(user: Actor, community: Any) -> bool:
    """Add, rename, retire the kinds of activity and choose their points rule: the community's staff."""
    return can_organise(user, community)

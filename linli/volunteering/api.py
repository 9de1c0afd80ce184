"""Volunteering API: activities, sign-up, check-in with the code, hours; and, per community, the teams, the
organisers' activities and the clubs."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotAllowed, NotFound
from linli.facilities.models import Facility
from linli.people.selectors import resident_of_user
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Activity, ActivityType, Club, ClubBooking, ClubMember, ServiceRecord, SignUp, Team, TeamMember
from .schemas import (
    ActivityIn,
    ActivityOut,
    ActivityTypeIn,
    ActivityTypeOut,
    ActivityTypePatch,
    BookVenueIn,
    ClubBookingOut,
    ClubDetailOut,
    ClubIn,
    ClubMemberOut,
    ClubOut,
    ClubSlotOut,
    ConfirmIn,
    LeaderIn,
    OrganisedActivityOut,
    RecordOut,
    RollCallIn,
    RosterEntryOut,
    SignUpOut,
    SignUpsIn,
    TeamDetailOut,
    TeamIn,
    TeamMemberOut,
    TeamOut,
    VolunteeringCheckInIn,
    VolunteeringReasonIn,
    YearOut,
)

router = Router(tags=["volunteering"], auth=AUTH)


def _resident(request: HttpRequest) -> Any:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."))
    return resident


def activity_out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "type_id": a.type_id,
        "type": a.type.name,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "place": a.place,
        "capacity": a.capacity,
        "signed_up": a.signed_up,
        "team": a.team.name if a.team else None,
    }


def record_out(r: ServiceRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "activity": r.activity_id,
        "activity_title": r.activity.title,
        "served_on": r.served_on,
        "minutes": r.minutes,
        "status": r.status,
        "points": r.points,
    }


def signup_out(s: SignUp) -> dict[str, Any]:
    return {"id": s.pk, "activity": s.activity_id, "status": s.status}


def roster_entry_out(s: SignUp, *, record: ServiceRecord | None) -> dict[str, Any]:
    return {
        "signup_id": s.pk,
        "resident_id": s.resident_id,
        "name": s.resident.name,
        "party_member": s.resident.is_party_member,
        "status": s.status,
        "checked_in_at": s.checked_in_at,
        "record": record_out(record) if record is not None else None,
    }


@router.get("/volunteering/activities", response=list[ActivityOut])
def activities(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [activity_out(a) for a in selectors.activities_upcoming(community=resident.community)[:200]]


@router.post("/volunteering/activities/{pk}/signup", response={201: SignUpOut})
def signup(request: HttpRequest, pk: int) -> Status:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    made = services.signup_create(actor=request.user, activity=activity, resident=_resident(request))
    return Status(201, signup_out(made))


@router.post("/volunteering/activities/{pk}/signups", response={201: list[RosterEntryOut]})
def signups(request: HttpRequest, pk: int, payload: SignUpsIn) -> Status:
    """The organiser or the community's staff sign residents of the community up (代报名: those who asked by phone
    or at the desk), in the order given: confirmed while places are free, then on the waiting list. All are
    signed up, or none."""
    activity = selectors.activity_to_sign_up_for(user=request.user, pk=pk)
    residents = selectors.residents_to_sign_up(user=request.user, activity=activity, resident_ids=payload.resident_ids)
    made = services.signups_create(actor=request.user, activity=activity, residents=residents)
    return Status(201, [roster_entry_out(s, record=None) for s in made])


@router.post("/volunteering/activities/{pk}/check-in", response={201: RecordOut})
def check_in(request: HttpRequest, pk: int, payload: VolunteeringCheckInIn) -> Status:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    record = services.check_in(actor=request.user, activity=activity, resident=_resident(request), code=payload.code)
    return Status(201, record_out(record))


@router.post("/volunteering/records/{pk}/confirm", response=RecordOut)
def confirm(request: HttpRequest, pk: int, payload: ConfirmIn) -> dict[str, Any]:
    record = selectors.record_get(user=request.user, pk=pk)
    return record_out(services.record_confirm(actor=request.user, record=record, minutes=payload.minutes))


@router.post("/volunteering/activities/{pk}/roll-call", response={201: list[RecordOut]})
def roll_call(request: HttpRequest, pk: int, payload: RollCallIn) -> Status:
    """The organiser checks in the volunteers on the list who came (all or none); each one's hours wait to be
    confirmed. Someone already checked in keeps their record."""
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    residents = selectors.roll_call(user=request.user, activity=activity, resident_ids=payload.resident_ids)
    records = services.check_ins(actor=request.user, activity=activity, residents=residents)
    return Status(201, [record_out(r) for r in records])


@router.post("/volunteering/activities/{pk}/confirm-all", response=list[RecordOut])
def confirm_all(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The organiser confirms every pending record of the activity as recorded (all or none)."""
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    records = selectors.hours_to_confirm(user=request.user, activity=activity)
    return [record_out(r) for r in services.records_confirm(actor=request.user, records=records)]


@router.get("/volunteering/my/records", response=list[RecordOut])
def my_records(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [record_out(r) for r in selectors.records_of(user=request.user, resident=resident)[:500]]


@router.get("/volunteering/my/years", response=list[YearOut])
def my_years(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [
        {"year": y.year, "minutes": y.minutes, "hours": y.hours, "activities": y.activities, "points": y.points}
        for y in selectors.years_of(resident=resident)
    ]


@router.post("/volunteering/records/{pk}/reject", response=RecordOut)
def reject(request: HttpRequest, pk: int, payload: VolunteeringReasonIn) -> dict[str, Any]:
    record = selectors.record_get(user=request.user, pk=pk)
    return record_out(services.record_reject(actor=request.user, record=record, reason=payload.reason))


# --- per community: teams, the organisers' activities, clubs ----------------------------------------------

BASE = "/communities/{code}/volunteering"


def _resident_in(request: HttpRequest, community: Community) -> Any:
    resident = _resident(request)
    if resident.community_id != community.pk:
        raise NotFound(_("This resident is not registered in this community."), field="resident")
    return resident


def team_out(t: Team) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "description": t.description,
        "scenario": t.scenario,
        "party_vanguard": t.party_vanguard,
        "members": getattr(t, "members", 0),
        "party_members": getattr(t, "party_members", 0),
    }


def team_member_out(m: TeamMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "resident_id": m.resident_id,
        "name": m.resident.name,
        "leader": m.leader,
        "party_member": m.resident.is_party_member,
        "joined_on": m.joined_on,
    }


def organised_out(a: Activity) -> dict[str, Any]:
    return {
        **activity_out(a),
        "status": a.status,
        "confirmed": a.confirmed,  # type: ignore[attr-defined]
        "waitlisted": a.waitlisted,  # type: ignore[attr-defined]
        "pending_records": a.pending,  # type: ignore[attr-defined]
        "pending_minutes": a.pending_minutes,  # type: ignore[attr-defined]
    }


def club_out(c: Club) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "description": c.description,
        "scenario": c.scenario,
        "schedule": c.schedule,
        "venue": c.venue.name if c.venue else None,
        "open": c.open,
        "members": c.members if hasattr(c, "members") else c.memberships.count(),
    }


def club_member_out(m: ClubMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "resident_id": m.resident_id,
        "name": m.resident.name,
        "leader": m.leader,
        "joined_on": m.joined_on,
    }


def club_booking_out(b: ClubBooking) -> dict[str, Any]:
    slot = b.booking.slot
    return {
        "id": b.pk,
        "booking_id": b.booking_id,
        "slot_id": slot.pk,
        "facility": slot.service.facility.name,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "status": b.booking.status,
    }


def _facility(community: Community, pk: int | None, field: str) -> Facility | None:
    if pk is None:
        return None
    return selectors.venue_get(community=community, pk=pk, field=field)


def _team(community: Community, pk: int | None) -> Team | None:
    if pk is None:
        return None
    return selectors.active_team_get(community=community, pk=pk, field="team_id")


@router.get(BASE + "/teams", response=list[TeamOut])
def team_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [team_out(t) for t in selectors.teams(community=community)]


@router.post(BASE + "/teams", response={201: TeamOut})
def team_create(request: HttpRequest, code: str, payload: TeamIn) -> Status:
    community = community_get(code=code, user=request.user)
    team = services.team_create(
        actor=request.user,
        community=community,
        name=payload.name,
        description=payload.description,
        scenario=payload.scenario,
        party_vanguard=payload.party_vanguard,
    )
    return Status(201, team_out(selectors.team_get(user=request.user, community=community, pk=team.pk)))


@router.get(BASE + "/teams/{team_id}", response=TeamDetailOut)
def team_detail(request: HttpRequest, code: str, team_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    team = selectors.team_get(user=request.user, community=community, pk=team_id)
    activities = selectors.team_activities(team=team)["upcoming"]
    members = (
        [team_member_out(m) for m in selectors.team_members(user=request.user, team=team)]
        if rules.can_view_team_members(request.user, team)
        else None
    )
    return {**team_out(team), "member_list": members, "activities": [activity_out(a) for a in activities]}


@router.post(BASE + "/teams/{team_id}/members", response={201: TeamMemberOut})
def team_join(request: HttpRequest, code: str, team_id: int) -> Status:
    """The signed-in resident joins the team."""
    community = community_get(code=code, user=request.user)
    team = selectors.team_get(user=request.user, community=community, pk=team_id)
    member = services.team_join(actor=request.user, team=team, resident=_resident_in(request, community))
    return Status(201, team_member_out(member))


def activity_type_out(t: ActivityType) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "scenario": t.scenario,
        "earning_rule": t.earning_rule,
        "attendance_rule": t.attendance_rule,
        "active": t.active,
        "activities": getattr(t, "activity_count", 0),
    }


def _types_community(request: HttpRequest, code: str) -> Community:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_activity_types(request.user, community):
        raise NotAllowed(_("You may not set up this community's activity types."))
    return community


@router.get(BASE + "/activity-types", response=list[ActivityTypeOut])
def activity_type_list(request: HttpRequest, code: str, active: bool | None = None) -> list[dict[str, Any]]:
    """The community's types of activity (`active=true`: those offered for new activities)."""
    community = community_get(code=code, user=request.user)
    return [activity_type_out(t) for t in selectors.activity_types(community=community, active=active)]


@router.post(BASE + "/activity-types", response={201: ActivityTypeOut})
def activity_type_create(request: HttpRequest, code: str, payload: ActivityTypeIn) -> Status:
    community = _types_community(request, code)
    made = services.activity_type_create(
        actor=request.user,
        community=community,
        name=payload.name,
        scenario=payload.scenario,
        earning_rule=payload.earning_rule,
        attendance_rule=payload.attendance_rule,
    )
    return Status(201, activity_type_out(made))


@router.patch(BASE + "/activity-types/{type_id}", response=ActivityTypeOut)
def activity_type_update(request: HttpRequest, code: str, type_id: int, payload: ActivityTypePatch) -> dict[str, Any]:
    """Rename, refile, change the points rule or retire (`active: false`) a type. Changing the rule while
    volunteers are signed up for coming activities of the type answers 409 `confirm_needed` unless `confirm`."""
    community = _types_community(request, code)
    kind = selectors.activity_type_get(user=request.user, community=community, pk=type_id)
    services.activity_type_update(actor=request.user, activity_type=kind, **payload.dict())
    return activity_type_out(selectors.activity_types(community=community).get(pk=kind.pk))


@router.post(BASE + "/activities", response={201: ActivityOut})
def activity_create(request: HttpRequest, code: str, payload: ActivityIn) -> Status:
    community = community_get(code=code, user=request.user)
    if not rules.can_create_activity(request.user, community):
        raise NotAllowed(_("You may not organise activities in this community."))
    activity = services.activity_create(
        actor=request.user,
        community=community,
        title=payload.title,
        type=selectors.activity_type_get(user=request.user, community=community, pk=payload.type_id, field="type_id"),
        team=_team(community, payload.team_id),
        facility=_facility(community, payload.facility_id, "facility_id"),
        place=payload.place,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        description=payload.description,
        party_members_only=payload.party_members_only,
    )
    return Status(201, activity_out(activity))


@router.get(BASE + "/organised", response=list[OrganisedActivityOut])
def organised(request: HttpRequest, code: str, past: bool = False) -> list[dict[str, Any]]:
    """The activities the user organises (the staff: all of the community's), coming or past."""
    community = community_get(code=code, user=request.user)
    if not rules.can_list_organised(request.user, community):
        raise NotAllowed(_("This list is for the organisers of activities and the community's staff."))
    qs = selectors.activities_organised(user=request.user, community=community, past=past)
    return [organised_out(a) for a in qs[:200]]


@router.get(BASE + "/activities/{activity_id}/roster", response=list[RosterEntryOut])
def roster(request: HttpRequest, code: str, activity_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    activity = selectors.activity_to_run(user=request.user, community=community, pk=activity_id)
    return [
        roster_entry_out(s, record=s.record if hasattr(s, "record") else None)
        for s in selectors.roster(user=request.user, activity=activity)
    ]


@router.post(BASE + "/activities/{activity_id}/cancel", response=OrganisedActivityOut)
def activity_cancel(request: HttpRequest, code: str, activity_id: int, payload: VolunteeringReasonIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    activity = selectors.activity_get(user=request.user, community=community, pk=activity_id)
    services.activity_cancel(actor=request.user, activity=activity, reason=payload.reason)
    return organised_out(
        selectors.activities_organised(user=request.user, community=community, past=None).get(pk=activity.pk)
    )


@router.get(BASE + "/clubs", response=list[ClubOut])
def club_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [club_out(c) for c in selectors.clubs(community=community)]


@router.post(BASE + "/clubs", response={201: ClubOut})
def club_create(request: HttpRequest, code: str, payload: ClubIn) -> Status:
    community = community_get(code=code, user=request.user)
    if not rules.can_create_club(request.user, community):
        raise NotAllowed(_("You may not register clubs in this community."))
    club = services.club_create(
        actor=request.user,
        community=community,
        name=payload.name,
        description=payload.description,
        scenario=payload.scenario,
        schedule=payload.schedule,
        venue=_facility(community, payload.venue_id, "venue_id"),
    )
    return Status(201, club_out(club))


@router.get(BASE + "/clubs/{club_id}", response=ClubDetailOut)
def club_detail(request: HttpRequest, code: str, club_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    return {
        **club_out(club),
        "member_list": [club_member_out(m) for m in selectors.club_members(user=request.user, club=club)],
        "bookings": [club_booking_out(b) for b in selectors.club_bookings_upcoming(club=club)],
    }


@router.post(BASE + "/clubs/{club_id}/members", response={201: ClubMemberOut})
def club_join(request: HttpRequest, code: str, club_id: int) -> Status:
    """The signed-in resident joins the club."""
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    member = services.club_join(actor=request.user, club=club, resident=_resident_in(request, community))
    return Status(201, club_member_out(member))


@router.delete(BASE + "/clubs/{club_id}/members/{member_id}", response={204: None})
def club_leave(request: HttpRequest, code: str, club_id: int, member_id: int) -> Status:
    """A member leaves (their own membership), or a leader or the staff take a member off the list."""
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    member = selectors.club_member_get(user=request.user, club=club, pk=member_id)
    services.club_leave(actor=request.user, member=member)
    return Status(204, None)


@router.put(BASE + "/clubs/{club_id}/members/{member_id}/leader", response=ClubMemberOut)
def club_leader(request: HttpRequest, code: str, club_id: int, member_id: int, payload: LeaderIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    member = selectors.club_member_get(user=request.user, club=club, pk=member_id)
    return club_member_out(services.club_set_leader(actor=request.user, member=member, leader=payload.leader))


@router.get(BASE + "/clubs/{club_id}/slots", response=list[ClubSlotOut])
def club_slots(request: HttpRequest, code: str, club_id: int) -> list[dict[str, Any]]:
    """The community's room-booking slots free in the next two weeks: what the club's leaders can book."""
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    if not rules.can_book_club_venue(request.user, club):
        raise NotAllowed(_("Only the club's leaders book venues for it."))
    return [
        {
            "id": s.pk,
            "facility": s.service.facility.name,
            "service": s.service.name,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "free": s.free,
        }
        for s in selectors.venue_slots(community=community)[:200]
    ]


@router.post(BASE + "/clubs/{club_id}/bookings", response={201: ClubBookingOut})
def club_book(request: HttpRequest, code: str, club_id: int, payload: BookVenueIn) -> Status:
    community = community_get(code=code, user=request.user)
    club = selectors.club_get(user=request.user, community=community, pk=club_id)
    if not rules.can_book_club_venue(request.user, club):
        raise NotAllowed(_("Only the club's leaders book venues for it."))
    slot = selectors.venue_slot_get(club=club, pk=payload.slot_id)
    return Status(201, club_booking_out(services.club_book_venue(actor=request.user, club=club, slot=slot)))

"""Writes for volunteering and clubs: one function per operation, each in one transaction with its audit row."""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, audit_records, create_audited, save_audited, snapshot
from linli.core import throttle
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.scenarios import Scenario
from linli.core.validators import text_clean
from linli.core.waiting_list import first_waiting, place_give_back
from linli.facilities import services as facility_services
from linli.facilities.models import Booking, Facility, Slot
from linli.ledger import selectors as ledger_selectors
from linli.ledger import services as ledger
from linli.ledger.codes import RuleCode
from linli.notifications.services import in_language_of, notify, notify_many
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from . import codes, rules
from .catalogue import seed_activity_types
from .models import (
    Activity,
    ActivityType,
    Certificate,
    Club,
    ClubBooking,
    ClubMember,
    ServiceRecord,
    SignUp,
    Team,
    TeamMember,
)

CHECKIN_OPENS = dt.timedelta(minutes=30)
MAX_ACTIVITY = dt.timedelta(hours=12)
PLAN_AHEAD = dt.timedelta(days=730)


def _own(actor: Actor, resident: Resident) -> None:
    if not rules.is_self(actor, resident):
        raise NotAllowed(_("You can only do this for yourself."), field="resident")


# --- teams ----------------------------------------------------------------------------------------------


def team_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    description: str = "",
    party_vanguard: bool = False,
    scenario: str = Scenario.NEIGHBOURHOOD,
) -> Team:
    if not rules.can_create_team(actor, community):
        raise NotAllowed(_("You may not create volunteer teams in this community."))
    name = text_clean(name, "name", 60)
    if scenario not in Scenario.values:
        raise DomainError(_("Choose a scenario."), field="scenario")
    if Team.objects.filter(community=community, name=name).exists():
        raise DomainError(_("A team of this name already exists."), field="name", code="duplicate")
    team = create_audited(
        actor=actor,
        action="volunteer_team.create",
        model=Team,
        community=community,
        name=name,
        description=text_clean(description, "description", 2000, required=False),
        party_vanguard=party_vanguard,
        scenario=scenario,
    )
    return team


def team_join(
    *, actor: Actor, team: Team, resident: Resident, leader: bool = False, now: dt.datetime | None = None
) -> TeamMember:
    """A resident joins a team (staff may add anyone of the community, and make leaders)."""
    staff = rules.can_organise(actor, team.community)
    if not staff:
        _own(actor, resident)
        leader = False
    if resident.community_id != team.community_id:
        raise NotFound(_("This resident is not registered in this community."), field="resident")
    ensure_current(resident)
    if team.party_vanguard and not resident.is_party_member:
        raise DomainError(_("This team is for party members (柿先锋)."), code="party_members_only")
    with transaction.atomic():
        member, created = TeamMember.objects.get_or_create(
            team=team,
            resident=resident,
            defaults={"leader": leader, "joined_on": timezone.localdate(now or timezone.now())},
        )
        if not created:
            raise Conflict(_("%(name)s is already in this team.") % {"name": resident.name}, code="already_member")
        audit_record(
            actor=actor,
            action="volunteer_team.join",
            instance=member,
            community=team.community,
            after=snapshot(member),
        )
    return member


# --- activity types -------------------------------------------------------------------------------------


class ConfirmNeeded(Conflict):
    """A change that concerns volunteers already signed up: the staff member confirms it first."""

    code = "confirm_needed"


def activity_types_seed(*, community: Community) -> None:
    """The seven default types, the first time a community's types are used (idempotent)."""
    seed_activity_types(ActivityType, community.pk)


def _attendance_rule_code(community: Community, code: Any) -> str:
    """The rule paid on checking in: one of the community's earning rules, or "" for none."""
    if code in ("", None):
        return ""
    known = {r.code for r in ledger_selectors.earning_rules(community)}
    if code not in known:
        raise DomainError(
            _("Choose one of the community's earning rules."), field="attendance_rule", code="unknown_rule"
        )
    return str(code)


def _earning_rule_code(community: Community, code: Any) -> str:
    known = {r.code for r in ledger_selectors.earning_rules(community)}
    if not isinstance(code, str) or code not in known:
        raise DomainError(_("Choose one of the community's earning rules."), field="earning_rule", code="unknown_rule")
    return code


def _type_name(community: Community, name: Any, *, exclude: int | None = None) -> str:
    name = text_clean(name, "name", 40)
    same = ActivityType.objects.filter(community=community, name=name)
    if (same.exclude(pk=exclude) if exclude is not None else same).exists():
        raise DomainError(_("A type of this name already exists."), field="name", code="duplicate")
    return name


def activity_type_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    scenario: str = Scenario.NEIGHBOURHOOD,
    earning_rule: str = RuleCode.VOLUNTEER_HOUR,
    attendance_rule: str = "",
) -> ActivityType:
    """`attendance_rule`: the earning rule that pays each resident who checks in ("" for none)."""
    if not rules.can_manage_activity_types(actor, community):
        raise NotAllowed(_("You may not set up this community's activity types."))
    name = _type_name(community, name)
    if scenario not in Scenario.values:
        raise DomainError(_("Choose a scenario."), field="scenario")
    earning_rule = _earning_rule_code(community, earning_rule)
    attendance_rule = _attendance_rule_code(community, attendance_rule)
    with transaction.atomic():
        activity_types_seed(community=community)
        kind = create_audited(
            actor=actor,
            action="activity_type.create",
            model=ActivityType,
            community=community,
            name=name,
            scenario=scenario,
            earning_rule=earning_rule,
            attendance_rule=attendance_rule,
        )
    return kind


def activity_type_update(
    *,
    actor: Actor,
    activity_type: ActivityType,
    name: str | None = None,
    scenario: str | None = None,
    earning_rule: str | None = None,
    attendance_rule: str | None = None,
    active: bool | None = None,
    confirm: bool = False,
    now: dt.datetime | None = None,
) -> ActivityType:
    """Rename, refile, change the points rule, retire (`active=False`) or bring back a type. Retired types stay
    on their activities but are not offered for new ones. A new points rule applies to hours confirmed from now
    on: when volunteers are signed up for coming activities of the type, or have hours waiting, `confirm` is
    needed (else `ConfirmNeeded` says how many)."""
    community = activity_type.community
    if not rules.can_manage_activity_types(actor, community):
        raise NotAllowed(_("You may not set up this community's activity types."))
    now = now or timezone.now()
    with transaction.atomic():
        kind = ActivityType.objects.select_for_update().get(pk=activity_type.pk)
        before = snapshot(kind)
        if name is not None:
            kind.name = _type_name(community, name, exclude=kind.pk)
        if scenario is not None:
            if scenario not in Scenario.values:
                raise DomainError(_("Choose a scenario."), field="scenario")
            kind.scenario = scenario
        if earning_rule is not None and earning_rule != kind.earning_rule:
            kind.earning_rule = _earning_rule_code(community, earning_rule)
            affected = (
                SignUp.objects.filter(
                    activity__type=kind,
                    activity__status=Activity.Status.PUBLISHED,
                    activity__ends_at__gte=now,
                    status__in=SignUp.ACTIVE,
                )
                .order_by()
                .values("resident")
                .union(
                    ServiceRecord.objects.filter(activity__type=kind, status=ServiceRecord.Status.PENDING)
                    .order_by()
                    .values("resident")
                )
                .count()
            )
            if affected and not confirm:
                raise ConfirmNeeded(
                    _(
                        "%(n)s volunteers are signed up for coming activities of this type or have hours waiting: "
                        "their hours will earn points by the new rule. Confirm to save."
                    )
                    % {"n": affected},
                    field="confirm",
                )
        if attendance_rule is not None:
            # paid on checking in from now on: nothing already paid changes, so no confirmation is asked
            kind.attendance_rule = _attendance_rule_code(community, attendance_rule)
        if active is not None:
            kind.active = bool(active)
        save_audited(actor=actor, action="activity_type.update", instance=kind, before=before, community=community)
    return kind


# --- activities -----------------------------------------------------------------------------------------


def activity_create(
    *,
    actor: Actor,
    community: Community,
    title: str,
    type: ActivityType,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    team: Team | None = None,
    facility: Facility | None = None,
    place: str = "",
    description: str = "",
    party_members_only: bool = False,
    now: dt.datetime | None = None,
) -> Activity:
    now = now or timezone.now()
    if not rules.can_create_activity(actor, community):
        raise NotAllowed(_("You may not organise activities in this community."))
    title = text_clean(title, "title", 100)
    if not isinstance(type, ActivityType) or type.community_id != community.pk:
        raise NotFound(_("No such type of activity."), field="type")
    if not ActivityType.objects.filter(pk=type.pk, active=True).exists():
        raise DomainError(_("This type of activity is retired; choose another."), field="type", code="retired")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 10_000:
        raise DomainError(_("Enter between 1 and 10000 volunteers."), field="capacity")
    if ends_at <= starts_at:
        raise DomainError(_("An activity must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_ACTIVITY:
        raise DomainError(_("An activity lasts at most 12 hours; split longer ones by day."), field="ends_at")
    if starts_at <= now:
        raise DomainError(_("An activity cannot start in the past."), field="starts_at")
    if starts_at > now + PLAN_AHEAD:
        raise DomainError(_("An activity can be planned at most two years ahead."), field="starts_at")
    if team is not None and team.community_id != community.pk:
        raise NotFound(_("No such team."), field="team")
    if facility is not None and facility.community_id != community.pk:
        raise NotFound(_("No such facility."), field="facility")
    activity = create_audited(
        actor=actor,
        action="activity.create",
        model=Activity,
        community=community,
        team=team,
        type=type,
        title=title,
        facility=facility,
        place=text_clean(place, "place", 100, required=False) or (facility.name if facility else ""),
        description=text_clean(description, "description", 4000, required=False),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        party_members_only=party_members_only,
        organiser=account_of(actor),
    )
    return activity


def activity_cancel(*, actor: Actor, activity: Activity, reason: str) -> Activity:
    """Call an activity off, saying why: every active sign-up is cancelled and told the reason."""
    if not rules.can_cancel_activity(actor, activity):
        raise NotAllowed(_("You may not change this activity."))
    reason = text_clean(reason, "reason", 200)
    with transaction.atomic():
        # FOR NO KEY UPDATE: a check-in under way (which holds its sign-up and records its hours against this
        # row's key) goes on to commit instead of deadlocking with this cancellation
        activity = Activity.objects.select_for_update(no_key=True).get(pk=activity.pk)
        if activity.status == Activity.Status.CANCELLED:
            return activity
        before = snapshot(activity)
        signups = list(
            SignUp.objects.select_for_update(of=("self",))
            .filter(activity=activity, status__in=SignUp.ACTIVE)
            .select_related("resident__user")
            .order_by("pk")
        )
        # Asked once the sign-ups are locked: a check-in holds its sign-up's row until it commits, so one that
        # was under way is seen here, and one that comes later finds its sign-up cancelled.
        if activity.records.exists():
            raise Conflict(_("Volunteers have already checked in; this activity can no longer be cancelled."))
        SignUp.objects.filter(pk__in=[s.pk for s in signups]).update(status=SignUp.Status.CANCELLED)
        activity.status = Activity.Status.CANCELLED
        activity.signed_up = 0
        activity.save(update_fields=["status", "signed_up"])
        for s in signups:
            if s.resident.user:
                with in_language_of(s.resident.user):
                    title = _("Cancelled: %(t)s") % {"t": activity.title}
                notify(
                    user=s.resident.user,
                    community=activity.community,
                    title=title,
                    body=reason,
                    url=f"/volunteer/activities/{activity.pk}/",
                )
        audit_record(
            actor=actor,
            action="activity.cancel",
            instance=activity,
            before=before,
            after={**snapshot(activity), "reason": reason},
        )
    return activity


def signup_create(*, actor: Actor, activity: Activity, resident: Resident, now: dt.datetime | None = None) -> SignUp:
    """Sign a resident up: confirmed while places are free, else on the waiting list. The activity row is
    locked, so two volunteers never take the last place together."""
    _own(actor, resident)
    return signups_create(actor=actor, activity=activity, residents=[resident], now=now)[0]


def signups_create(
    *, actor: Actor, activity: Activity, residents: Sequence[Resident], now: dt.datetime | None = None
) -> list[SignUp]:
    """Sign several residents up at once (the organiser entering a team's list), each as `signup_create` would
    in turn: confirmed while places are free, then on the waiting list. A volunteer signs up only themself; the
    activity's organiser and the community's staff sign up its residents. All are signed up, or none."""
    now = now or timezone.now()
    if not rules.can_run_activity(actor, activity):
        for resident in residents:
            _own(actor, resident)
    for resident in residents:
        ensure_current(resident)
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        for resident in residents:
            if resident.community_id != activity.community_id:
                raise NotAllowed(
                    _("This activity is for residents of %(c)s.") % {"c": activity.community.name},
                    code="other_community",
                )
        if activity.status != Activity.Status.PUBLISHED:
            raise DomainError(_("This activity was cancelled."), code="cancelled")
        if activity.starts_at <= now:
            raise DomainError(_("This activity has already started; sign-up is closed."), code="started")
        if activity.party_members_only and not all(r.is_party_member for r in residents):
            raise DomainError(_("This activity is for party-member volunteers."), code="party_members_only")
        taken = set(
            SignUp.objects.filter(
                activity=activity, resident__in=[r.pk for r in residents], status__in=SignUp.ACTIVE
            ).values_list("resident_id", flat=True)
        )
        for resident in residents:
            if resident.pk in taken:
                if rules.is_self(actor, resident):
                    raise Conflict(_("You have already signed up."), code="already_signed_up")
                raise Conflict(_("%(name)s is already signed up.") % {"name": resident.name}, code="already_signed_up")
            taken.add(resident.pk)
        places = min(len(residents), max(0, activity.capacity - activity.signed_up))  # the first get them
        if places:
            Activity.objects.filter(pk=activity.pk).update(signed_up=F("signed_up") + places)
            activity.signed_up += places
        signups = SignUp.objects.bulk_create(
            [
                SignUp(
                    activity=activity,
                    resident=resident,
                    status=SignUp.Status.CONFIRMED if i < places else SignUp.Status.WAITLISTED,
                    created_at=now,
                )
                for i, resident in enumerate(residents)
            ]
        )
        audit_records(
            actor=actor,
            action="activity.signup",
            changes=[(s, None, snapshot(s)) for s in signups],
            community=activity.community_id,
        )
    return signups


def signup_cancel(*, actor: Actor, signup: SignUp, now: dt.datetime | None = None) -> SignUp:
    """Withdraw before the start; the first on the waiting list gets the place and is told."""
    now = now or timezone.now()
    if not (rules.is_self(actor, signup.resident) or rules.can_run_activity(actor, signup.activity)):
        raise NotFound(_("No such sign-up."))
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
        signup = SignUp.objects.select_for_update(of=("self",)).get(pk=signup.pk)
        if signup.status not in SignUp.ACTIVE:
            return signup
        if activity.starts_at <= now:
            raise DomainError(_("The activity has started; please tell the organiser instead."), code="started")
        before = snapshot(signup)
        was_confirmed = signup.status == SignUp.Status.CONFIRMED
        signup.status = SignUp.Status.CANCELLED
        signup.save(update_fields=["status"])
        if was_confirmed:
            waiting = first_waiting(
                SignUp.objects.filter(activity=activity, status=SignUp.Status.WAITLISTED).select_related(
                    "resident__user"
                )
            )
            if waiting is None:
                place_give_back(activity, taken="signed_up")
            else:
                waiting.status = SignUp.Status.CONFIRMED
                waiting.save(update_fields=["status"])
                if waiting.resident.user:
                    with in_language_of(waiting.resident.user):
                        title = _("A place came free: %(t)s") % {"t": activity.title}
                    notify(
                        user=waiting.resident.user,
                        community=activity.community,
                        title=title,
                        url=f"/volunteer/activities/{activity.pk}/",
                    )
        audit_record(
            actor=actor,
            action="activity.signup_cancel",
            instance=signup,
            community=activity.community,
            before=before,
            after=snapshot(signup),
        )
    return signup


def check_in(
    *, actor: Actor, activity: Activity, resident: Resident, code: str, now: dt.datetime | None = None
) -> ServiceRecord:
    """The volunteer types (or scans) the organiser's code: their hours are recorded, to be confirmed."""
    now = now or timezone.now()
    _own(actor, resident)
    # Wrong codes are limited per volunteer and activity (settings.THROTTLES["checkin"]), counted atomically
    # before the code is checked, so guessing in parallel gets no further.
    tries = ("checkin", f"{activity.pk}:{resident.pk}")
    throttle.attempt(tries, now=now, field="code")
    if not codes.code_valid(activity, code, now):
        raise DomainError(
            _(
                "This check-in code is not valid for this activity, or it has expired. "
                "Ask the organiser for the current code."
            ),
            field="code",
            code="bad_code",
        )
    throttle.clear(tries)
    return _attendance_record(actor=actor, activity=activity, residents=[resident], now=now)[0]


def check_ins(
    *, actor: Actor, activity: Activity, residents: Sequence[Resident], now: dt.datetime | None = None
) -> list[ServiceRecord]:
    """The organiser ticks the volunteers present off the activity's list (a roll call, for those who do not
    scan the code): each is recorded as `check_in` would, with their hours to be confirmed and the points for
    taking part. All are checked in, or none; someone already checked in keeps their record."""
    now = now or timezone.now()
    if not rules.can_run_activity(actor, activity):
        raise NotAllowed(_("Only the organiser checks volunteers in."))
    return _attendance_record(actor=actor, activity=activity, residents=residents, now=now)


def _attendance_record(
    *, actor: Actor, activity: Activity, residents: Sequence[Resident], now: dt.datetime
) -> list[ServiceRecord]:
    if not (activity.starts_at - CHECKIN_OPENS <= now <= activity.ends_at):
        raise DomainError(
            _("Check-in is open from 30 minutes before the start until the end."), field="code", code="not_open"
        )
    with transaction.atomic():
        signups = {
            s.resident_id: s
            for s in SignUp.objects.select_for_update(of=("self",))
            .select_related("activity__type", "activity__community", "resident")
            .filter(activity=activity, resident__in=[r.pk for r in residents], status=SignUp.Status.CONFIRMED)
        }
        if len(signups) < len({r.pk for r in residents}):
            raise DomainError(
                _("You are not signed up for this activity (or only on the waiting list)."), code="not_signed_up"
            )
        arriving = [signups[r.pk] for r in residents if signups[r.pk].checked_in_at is None]
        for signup in arriving:
            signup.checked_in_at = now
        SignUp.objects.filter(pk__in=[s.pk for s in arriving]).update(checked_in_at=now)
        made = ServiceRecord.objects.bulk_create(
            [
                ServiceRecord(
                    community=activity.community,
                    signup=signup,
                    activity=activity,
                    resident=signup.resident,
                    minutes=activity.minutes,
                    served_on=timezone.localtime(activity.starts_at).date(),
                )
                for signup in arriving
            ]
        )
        audit_records(actor=actor, action="activity.check_in", changes=[(r, None, snapshot(r)) for r in made])
        for signup in arriving:
            attendance_points_award(actor=actor, signup=signup, now=now)
        records = {r.resident_id: r for r in made}
        earlier = [s.pk for s in signups.values() if s.resident_id not in records]
        records.update({r.resident_id: r for r in ServiceRecord.objects.filter(signup__in=earlier)})
    return [records[r.pk] for r in residents]


def attendance_points_award(*, actor: Actor, signup: SignUp, now: dt.datetime | None = None) -> int:
    """Points for taking part: a resident checked in to an activity whose type has an attendance rule earns one
    unit of that rule through the ledger (its daily, monthly and yearly caps apply), once per sign-up whatever
    the retries. Returns the points awarded (0: no rule, not checked in, or capped)."""
    activity = signup.activity
    rule_code = activity.type.attendance_rule
    if not rule_code or signup.checked_in_at is None or signup.status != SignUp.Status.CONFIRMED:
        return 0
    earned = ledger.points_earn(
        community=activity.community,
        resident=signup.resident,
        rule_code=rule_code,
        quantity=1,
        idempotency_key=f"activity-attendance:{signup.pk}",
        actor=actor,
        memo=activity.title,
        now=now or signup.checked_in_at,
    )
    return earned.points


def record_confirm(
    *, actor: Actor, record: ServiceRecord, minutes: int | None = None, now: dt.datetime | None = None
) -> ServiceRecord:
    """The organiser confirms the hours (correcting the minutes if need be). Points come only from the ledger's
    `volunteer_hour` rule, one unit per whole hour, keyed by the record: confirming again earns nothing more.
    Minutes beyond a whole hour carry over within the calendar year: 90 minutes earn one hour's points, and the
    next 30 confirmed that year earn the second."""
    now = now or timezone.now()
    if not rules.can_decide_hours(actor, record.activity):
        raise NotAllowed(_("Only the organiser confirms hours."))
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60
    ):
        raise DomainError(_("Enter between 1 and 1440 minutes."), field="minutes")
    return _confirm(actor=actor, records=[record], minutes=minutes, now=now)[0]


def records_confirm(
    *, actor: Actor, records: Sequence[ServiceRecord], now: dt.datetime | None = None
) -> list[ServiceRecord]:
    """The organiser confirms several volunteers' hours as recorded (an activity's list at once), each as
    `record_confirm` would: points by the type's rule, one unit per whole hour. All are confirmed, or none."""
    return _confirm(actor=actor, records=records, minutes=None, now=now or timezone.now())


def _confirm(
    *, actor: Actor, records: Sequence[ServiceRecord], minutes: int | None, now: dt.datetime
) -> list[ServiceRecord]:
    activities = Activity.objects.select_related("community").in_bulk({r.activity_id for r in records})
    if any(not rules.can_decide_hours(actor, a) for a in activities.values()):
        raise NotAllowed(_("Only the organiser confirms hours."))
    with transaction.atomic():
        # the volunteers' rows are locked in one order, so that confirmations of their hours take turns
        locked = {
            r.pk: r
            for r in ServiceRecord.objects.select_for_update(of=("self", "resident", "activity"))
            .select_related("resident__user", "activity__type", "community")
            .filter(pk__in=[r.pk for r in records])
            .order_by("resident_id", "pk")
        }
        chosen = [locked[r.pk] for r in records]
        for record in chosen:
            if record.status == ServiceRecord.Status.REJECTED:
                raise Conflict(_("These hours were not confirmed and cannot be confirmed now."), code="rejected")
            if record.status == ServiceRecord.Status.PENDING and now < record.activity.starts_at:
                raise DomainError(_("Hours can be confirmed once the activity has started."), code="too_early")
        pending = [r for r in chosen if r.status == ServiceRecord.Status.PENDING]
        confirmed_minutes = _minutes_confirmed(pending)
        befores = []
        for record in pending:
            befores.append(snapshot(record))
            if minutes is not None:
                record.minutes = minutes
            record.status = ServiceRecord.Status.CONFIRMED
            record.confirmed_by = account_of(actor)
            record.confirmed_at = now
            # whole hours this record completes, counting the volunteer's minutes confirmed earlier in its year
            year = (record.resident_id, record.served_on.year)
            earlier = confirmed_minutes[year]
            confirmed_minutes[year] += record.minutes
            hours = (earlier + record.minutes) // 60 - earlier // 60
            if hours:
                earned = ledger.points_earn(
                    community=record.community,
                    resident=record.resident,
                    rule_code=record.activity.type.earning_rule,
                    quantity=hours,
                    idempotency_key=f"volunteer-hours:{record.pk}",
                    actor=actor,
                    memo=record.activity.title,
                    now=now,
                )
                record.points = earned.points
                record.earning = earned.transaction
        ServiceRecord.objects.filter(pk__in=[r.pk for r in pending]).update(
            status=ServiceRecord.Status.CONFIRMED, confirmed_by=account_of(actor), confirmed_at=now
        )
        if minutes is not None:
            ServiceRecord.objects.filter(pk__in=[r.pk for r in pending]).update(minutes=minutes)
        ServiceRecord.objects.bulk_update([r for r in pending if r.earning is not None], ["points", "earning"])
        audit_records(
            actor=actor,
            action="service_record.confirm",
            changes=[(r, before, snapshot(r)) for r, before in zip(pending, befores, strict=True)],
        )
        messages = []
        for record in pending:
            if record.resident.user:
                with in_language_of(record.resident.user):
                    title = _("%(h)s hours confirmed, %(p)s points earned") % {"h": record.hours, "p": record.points}
                messages.append(
                    {
                        "user": record.resident.user,
                        "community": record.community,
                        "url": "/volunteer/my/",
                        "title": title,
                    }
                )
        notify_many(messages)
    return chosen


def _minutes_confirmed(records: Sequence[ServiceRecord]) -> defaultdict[tuple[int, int], int]:
    """The minutes already confirmed, by volunteer and year, for the volunteers and years of `records`."""
    totals: defaultdict[tuple[int, int], int] = defaultdict(int)
    if not records:
        return totals
    rows = (
        ServiceRecord.objects.filter(
            resident__in={r.resident_id for r in records},
            status=ServiceRecord.Status.CONFIRMED,
            served_on__year__in={r.served_on.year for r in records},
        )
        .values_list("resident_id", "served_on__year")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for resident_id, year, minutes in rows:
        totals[(resident_id, year)] = minutes or 0
    return totals


def record_reject(*, actor: Actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    """The organiser does not confirm the hours (the volunteer did not serve them), saying why; the volunteer is
    told the reason. No points are earned."""
    if not rules.can_decide_hours(actor, record.activity):
        raise NotAllowed(_("Only the organiser confirms hours."))
    reason = text_clean(reason, "reason", 200)
    with transaction.atomic():
        record = (
            ServiceRecord.objects.select_for_update(of=("self",))
            .select_related("resident__user", "activity")
            .get(pk=record.pk)
        )
        if record.status != ServiceRecord.Status.PENDING:
            raise Conflict(_("These hours have already been decided."), code="decided")
        before = snapshot(record)
        record.status = ServiceRecord.Status.REJECTED
        record.confirmed_by = account_of(actor)
        record.save(update_fields=["status", "confirmed_by"])
        audit_record(
            actor=actor,
            action="service_record.reject",
            instance=record,
            before=before,
            after={**snapshot(record), "reason": reason},
        )
        if record.resident.user:
            with in_language_of(record.resident.user):
                title = _("Hours not confirmed: %(t)s") % {"t": record.activity.title}
            notify(
                user=record.resident.user, community=record.community, url="/volunteer/my/", title=title, body=reason
            )
    return record


def certificate_issue(*, actor: Actor, resident: Resident, year: int, now: dt.datetime | None = None) -> Certificate:
    """The year's certificate: the confirmed hours as they stand; a new serial when they have changed."""
    from . import selectors

    if not rules.can_view_hours_of(actor, resident):
        raise NotFound(_("No such volunteer."))
    now = now or timezone.now()
    total = selectors.year_totals(resident=resident, year=year)
    if total.minutes <= 0:
        raise DomainError(_("There are no confirmed hours in %(y)s yet.") % {"y": year}, code="no_hours")
    with transaction.atomic():
        existing = Certificate.objects.filter(
            resident=resident, year=year, minutes=total.minutes, activities=total.activities
        ).first()
        if existing is not None:
            return existing
        serial = (
            hashlib.sha256(f"{resident.pk}:{year}:{total.minutes}:{now.isoformat()}".encode()).hexdigest()[:16].upper()
        )
        cert = create_audited(
            actor=actor,
            action="certificate.issue",
            model=Certificate,
            community=resident.community,
            resident=resident,
            year=year,
            minutes=total.minutes,
            activities=total.activities,
            serial=serial,
            issued_at=now,
        )
    return cert


# --- clubs ----------------------------------------------------------------------------------------------


def club_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    schedule: str = "",
    venue: Facility | None = None,
    description: str = "",
    leader: Resident | None = None,
    scenario: str = Scenario.HEALTH,
) -> Club:
    if not rules.can_create_club(actor, community):
        raise NotAllowed(_("You may not register clubs in this community."))
    name = text_clean(name, "name", 60)
    if Club.objects.filter(community=community, name=name).exists():
        raise DomainError(_("A club of this name already exists."), field="name", code="duplicate")
    if scenario not in Scenario.values:
        raise DomainError(_("Choose a scenario."), field="scenario")
    if venue is not None and venue.community_id != community.pk:
        raise NotFound(_("No such facility."), field="venue")
    if leader is not None and leader.community_id != community.pk:
        raise NotFound(_("This resident is not registered in this community."), field="leader")
    with transaction.atomic():
        club = create_audited(
            actor=actor,
            action="club.create",
            model=Club,
            community=community,
            name=name,
            schedule=text_clean(schedule, "schedule", 80, required=False),
            venue=venue,
            description=text_clean(description, "description", 2000, required=False),
            scenario=scenario,
        )
        if leader is not None:
            ClubMember.objects.create(club=club, resident=leader, leader=True, joined_on=timezone.localdate())
    return club


def club_join(*, actor: Actor, club: Club, resident: Resident, now: dt.datetime | None = None) -> ClubMember:
    if not rules.can_lead_club(actor, club):
        _own(actor, resident)
        if not club.open:
            raise DomainError(_("This club is not taking new members at the moment."), code="closed")
    if resident.community_id != club.community_id:
        raise NotFound(_("This resident is not registered in this community."), field="resident")
    ensure_current(resident)
    with transaction.atomic():
        member, created = ClubMember.objects.get_or_create(
            club=club, resident=resident, defaults={"joined_on": timezone.localdate(now or timezone.now())}
        )
        if not created:
            raise Conflict(_("%(name)s is already a member.") % {"name": resident.name}, code="already_member")
        audit_record(actor=actor, action="club.join", instance=member, community=club.community, after=snapshot(member))
    return member


def _keeps_a_leader(actor: Actor, club: Club, member: ClubMember) -> None:
    """Refuse a leader's going (stepping down, leaving) when no other leader is left, unless the staff do it.
    The caller holds the club's row lock, so two leaders cannot each let the other go at once."""
    if rules.can_organise(actor, club.community):
        return
    if not ClubMember.objects.filter(club=club, leader=True).exclude(pk=member.pk).exists():
        raise Conflict(
            _("%(name)s is the club's only leader; appoint another leader first.") % {"name": member.resident.name},
            code="last_leader",
        )


def club_leave(*, actor: Actor, member: ClubMember) -> None:
    """A member leaves, or a leader or the staff take them off the list. The club's last leader leaves only
    through the staff (who then appoint another), so a club is not left without anyone to book for it."""
    if not rules.can_remove_club_member(actor, member):
        raise NotFound(_("No such member."))
    with transaction.atomic():
        club = Club.objects.select_for_update(of=("self",)).select_related("community").get(pk=member.club_id)
        current = ClubMember.objects.select_related("resident").filter(pk=member.pk).first()
        if current is None:
            return
        if current.leader:
            _keeps_a_leader(actor, club, current)
        audit_record(
            actor=actor, action="club.leave", instance=current, community=club.community, before=snapshot(current)
        )
        current.delete()


def club_set_leader(*, actor: Actor, member: ClubMember, leader: bool) -> ClubMember:
    """Make a member a leader, or step a leader down. A leader may not step down the club's last leader (the
    staff may: a club can be left without one until they appoint another). The right is checked with the club
    locked, so a leader stepped down a moment ago is refused."""
    with transaction.atomic():
        club = Club.objects.select_for_update(of=("self",)).select_related("community").get(pk=member.club_id)
        if not rules.can_appoint_club_leader(actor, club):
            raise NotAllowed(_("Only the club's leaders and community staff appoint club leaders."))
        member = ClubMember.objects.select_related("resident").get(pk=member.pk)
        if member.leader == leader:
            return member
        if not leader:
            _keeps_a_leader(actor, club, member)
        before = snapshot(member)
        member.leader = leader
        save_audited(
            actor=actor,
            action="club.leader",
            instance=member,
            before=before,
            update_fields=["leader"],
            community=club.community,
        )
    return member


def club_book_venue(*, actor: Actor, club: Club, slot: Slot, now: dt.datetime | None = None) -> ClubBooking:
    """A club leader books a time slot of a venue for the club, through the facilities booking service (its
    capacity, waiting list, no-show and sharing rules apply). The booking is in the leader's name."""
    if not rules.can_book_club_venue(actor, club):
        raise NotAllowed(_("Only the club's leaders book venues for it."))
    if slot.community_id != club.community_id:
        raise NotFound(_("No such time slot."), field="slot")
    leader = club.memberships.filter(leader=True, resident__user=account_of(actor)).select_related("resident").first()
    if leader is None:
        leader = club.memberships.filter(leader=True).select_related("resident").first()
    if leader is None:
        raise DomainError(_("The club has no leader to book in the name of."), code="no_leader")
    with transaction.atomic():
        booking = facility_services.booking_create(
            actor=actor, slot=slot, resident=leader.resident, note=_("Club: %(name)s") % {"name": club.name}, now=now
        )
        # a venue with a fee holds the place until the leader pays it (under 我的预约), like any booking
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.UNPAID):
            raise Conflict(_("This time slot is full; the club was not put on the waiting list."), code="slot_full")
        made = ClubBooking.objects.create(club=club, booking=booking)
        audit_record(
            actor=actor,
            action="club.book_venue",
            instance=made,
            community=club.community,
            after={"club": club.pk, "booking": booking.pk},
        )
    return made

"""Writing consultation: one function per operation, each in one transaction with its audit row.

Followers (the raiser, the supporters, anyone who follows) are told of every step after the commit.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import Role, RoleAssignment
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.validators import web_url_clean
from linli.notifications.services import notify
from linli.people.models import Resident
from linli.places.models import Community, Neighbourhood

from . import points, rules
from .models import (
    AGENDA_THRESHOLD_MAX,
    AgendaItem,
    Ballot,
    ConsultationSettings,
    Decision,
    Eligibility,
    Follow,
    Matter,
    MatterKind,
    Meeting,
    Origin,
    Party,
    Rating,
    Registration,
    Support,
    Task,
    TaskUpdate,
    Vote,
    VoteOption,
)

# --- helpers -------------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _matter_url(matter: Matter) -> str:
    return reverse("consultation:matter_detail", args=[matter.community.code, matter.pk])


def _tell(users: Iterable[Any], matter: Matter, title: Any, body: Any = "", **params: Any) -> None:
    """Notify each user in their own language, after the commit."""
    url = _matter_url(matter)
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or django_settings.LANGUAGE_CODE):
            text_title = str(title) % {"title": matter.title, **params}
            text_body = str(body) % {"title": matter.title, **params} if body else ""
        notify(user=user, title=text_title, body=text_body, url=url, community=matter.community)


def _followers(matter: Matter) -> list[Any]:
    return [f.user for f in Follow.objects.filter(matter=matter).select_related("user")]


def _tell_followers(matter: Matter, title: Any, body: Any = "", **params: Any) -> None:
    _tell(_followers(matter), matter, title, body, **params)


def _follow(matter: Matter, user: Any) -> None:
    Follow.objects.get_or_create(matter=matter, user=user)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _resident(actor: Any, community: Community) -> Resident:
    resident = rules.resident_in(actor, community)
    if resident is None:
        raise NotAllowed(_("Only residents of this community may do this."))
    return resident


def settings_for(community: Community) -> ConsultationSettings:
    found = ConsultationSettings.objects.filter(community=community).first()
    return found or ConsultationSettings(community=community)


def _casework_staff(community: Community) -> list[Any]:
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(
            community=community, role__in=[Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN]
        ).select_related("user")
    ]


# --- settings ------------------------------------------------------------------------------------------


def settings_update(
    *,
    actor: Any,
    community: Community,
    supports_per_resident: int,
    agenda_threshold: int,
    one_support_per_household: bool,
) -> ConsultationSettings:
    _require(
        rules.can_configure_consultation(actor, community), _("Only the community admin may change these settings.")
    )
    if not 1 <= supports_per_resident <= 100:
        raise DomainError(_("Supports per resident must be between 1 and 100."), field="supports_per_resident")
    if not 1 <= agenda_threshold <= AGENDA_THRESHOLD_MAX:
        raise DomainError(
            _("The threshold must be between 1 and %(max)s.") % {"max": AGENDA_THRESHOLD_MAX}, field="agenda_threshold"
        )
    with transaction.atomic():
        row, _created = ConsultationSettings.objects.select_for_update().get_or_create(community=community)
        before = snapshot(row)
        row.supports_per_resident = supports_per_resident
        row.agenda_threshold = agenda_threshold
        row.one_support_per_household = one_support_per_household
        row.save(update_fields=["supports_per_resident", "agenda_threshold", "one_support_per_household", "updated_at"])
        audit_record(
            actor=actor, action="consultation.settings_update", instance=row, before=before, after=snapshot(row)
        )
    return row


# --- matters -------------------------------------------------------------------------------------------


def _validate_matter(kind: str, title: str, body: str) -> tuple[str, str]:
    if kind not in MatterKind.values:
        raise DomainError(_("Choose the kind of matter."), field="kind")
    title, body = title.strip(), body.strip()
    if len(title) < 3:
        raise DomainError(_("Give the matter a title of at least 3 characters."), field="title")
    if len(title) > 120:
        raise DomainError(_("Keep the title to 120 characters."), field="title")
    if len(body) < 10:
        raise DomainError(_("Describe the matter in at least 10 characters."), field="body")
    return title, body


def _neighbourhood(community: Community, neighbourhood: Neighbourhood | None) -> Neighbourhood | None:
    if neighbourhood is not None and neighbourhood.community_id != community.pk:
        raise NotFound(_("No such neighbourhood in this community."))
    return neighbourhood


def matter_raise(
    *,
    actor: Any,
    community: Community,
    kind: str,
    title: str,
    body: str,
    neighbourhood: Neighbourhood | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """A resident (or staff member) raises a matter. The raiser follows it."""
    _require(
        rules.can_raise_matter(actor, community), _("Only residents and staff of this community may raise a matter.")
    )
    title, body = _validate_matter(kind, title, body)
    from linli.accounts.rules import is_community_staff

    origin = Origin.STAFF if is_community_staff(actor, community) else Origin.RESIDENT
    with transaction.atomic():
        matter = Matter.objects.create(
            community=community,
            kind=kind,
            title=title,
            body=body,
            neighbourhood=_neighbourhood(community, neighbourhood),
            origin_kind=origin,
            raised_by=actor,
            raised_at=_now(now),
        )
        _follow(matter, actor)
        audit_record(actor=actor, action="consultation.matter_raise", instance=matter, after=snapshot(matter))
    return matter


def unknown_reporter() -> DomainError:
    """The same answer for a number nobody has and for someone of another community (no enumeration)."""
    return DomainError(
        _("No one in this community has this mobile number."), field="reporter_mobile", code="unknown_reporter"
    )


def matter_lift_from_report(
    *,
    actor: Any,
    community: Community,
    report_ref: str,
    kind: str,
    title: str,
    body: str,
    reporter: Any = None,
    now: dt.datetime | None = None,
) -> Matter:
    """Lift a report (e.g. a complaint many residents made) into a matter. `report_ref` identifies the report in
    the reports domain; one report becomes at most one matter. The reporter follows the matter."""
    _require(rules.can_lift_report(actor, community), _("Only community staff may lift a report into a matter."))
    title, body = _validate_matter(kind, title, body)
    report_ref = report_ref.strip()
    if not report_ref:
        raise DomainError(_("Say which report this matter comes from."), field="report_ref")
    if reporter is not None and not rules.can_follow_lifted_report(reporter, community, report_ref):
        raise unknown_reporter()
    with transaction.atomic():
        try:
            with transaction.atomic():
                matter = Matter.objects.create(
                    community=community,
                    kind=kind,
                    title=title,
                    body=body,
                    origin_kind=Origin.REPORT,
                    origin_ref=report_ref[:60],
                    raised_by=actor,
                    raised_at=_now(now),
                )
        except IntegrityError:
            raise Conflict(_("This report has already been lifted into a matter."), field="report_ref") from None
        _follow(matter, actor)
        if reporter is not None:
            _follow(matter, reporter)
            _tell([reporter], matter, gettext_lazy("Your report is now a matter for the round table: %(title)s"))
        audit_record(actor=actor, action="consultation.matter_lift", instance=matter, after=snapshot(matter))
    return matter


def _put_on_agenda(matter: Matter, *, now: dt.datetime, by_threshold: bool) -> None:
    matter.status = Matter.Status.AGENDA
    matter.agenda_at = now
    matter.save(update_fields=["status", "agenda_at"])
    if by_threshold:
        _tell_followers(
            matter,
            gettext_lazy("Enough support: “%(title)s” is on the round-table agenda"),
            gettext_lazy("%(count)s residents support it. Staff will schedule it for a meeting."),
            count=matter.support_count,
        )
        _tell(
            _casework_staff(matter.community), matter, gettext_lazy("A matter reached the agenda threshold: %(title)s")
        )
    else:
        _tell_followers(matter, gettext_lazy("“%(title)s” is on the round-table agenda"))


def matter_support(*, actor: Any, matter: Matter, now: dt.datetime | None = None) -> Support:
    """Support a matter. Limits: supports per resident (on open matters), once per resident, and once per
    household if the community says so. Reaching the threshold puts the matter on the agenda."""
    now = _now(now)
    community = matter.community
    resident = _resident(actor, community)
    with transaction.atomic():
        # One person's supports are serialised by locking their resident row first, then the matter.
        Resident.objects.select_for_update().filter(pk=resident.pk).first()
        matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
        if not matter.can_be_supported():
            raise Conflict(_("This matter no longer takes support."), code="matter_closed")
        if Support.objects.filter(matter=matter, resident=resident).exists():
            raise Conflict(_("You already support this matter."), code="already_supported")
        config = settings_for(community)
        active = Support.objects.filter(resident=resident, matter__status__in=Matter.OPEN_STATUSES).count()
        if active >= config.supports_per_resident:
            raise DomainError(
                _(
                    "You already support %(n)s open matters, the most this community allows. "
                    "Withdraw a support to give this one."
                )
                % {"n": config.supports_per_resident},
                code="support_limit",
            )
        household_key = ""
        if config.one_support_per_household:
            if resident.household_id is None:
                raise DomainError(
                    _("In this community each household supports once; your profile has no household yet."),
                    code="no_household",
                )
            household_key = str(resident.household_id)
        try:
            with transaction.atomic():
                support = Support.objects.create(
                    matter=matter, resident=resident, household_key=household_key, created_at=now
                )
        except IntegrityError:
            raise Conflict(
                _("Someone in your household already supports this matter; each household counts once."),
                code="household_supported",
            ) from None
        Matter.objects.filter(pk=matter.pk).update(support_count=F("support_count") + 1)
        matter.refresh_from_db(fields=["support_count"])
        _follow(matter, actor)
        audit_record(
            actor=actor,
            action="consultation.matter_support",
            instance=support,
            community=community,
            after={"matter": matter.pk, "resident": resident.pk, "support_count": matter.support_count},
        )
        points.support_earned(support=support, actor=actor)
        if matter.can_be_put_on_agenda() and matter.support_count >= config.agenda_threshold:
            _put_on_agenda(matter, now=now, by_threshold=True)
    return support


def matter_support_withdraw(*, actor: Any, matter: Matter) -> None:
    """Withdraw a support while the matter is still open, freeing a place in the resident's limit."""
    resident = _resident(actor, matter.community)
    with transaction.atomic():
        Resident.objects.select_for_update().filter(pk=resident.pk).first()
        matter = Matter.objects.select_for_update().get(pk=matter.pk)
        if not matter.can_be_supported():
            raise Conflict(_("This matter is past the support stage; supports stay as they are."))
        support = Support.objects.filter(matter=matter, resident=resident).first()
        if support is None:
            raise Conflict(_("You do not support this matter."))
        before = snapshot(support)
        support.delete()
        Matter.objects.filter(pk=matter.pk).update(support_count=F("support_count") - 1)
        audit_record(
            actor=actor,
            action="consultation.matter_support_withdraw",
            object_type="consultation.support",
            object_id=str(before["id"]),
            community=matter.community,
            before=before,
        )


def matter_follow(*, actor: Any, matter: Matter, on: bool = True) -> None:
    _require(rules.can_follow_matter(actor, matter), _("You may not follow this matter."))
    with transaction.atomic():
        if on:
            _follow(matter, actor)
        else:
            Follow.objects.filter(matter=matter, user=actor).delete()


def matter_put_on_agenda(*, actor: Any, matter: Matter, now: dt.datetime | None = None) -> Matter:
    """Staff put a matter on the agenda before it reaches the threshold (an urgent or hard matter)."""
    _require(rules.can_manage_consultation(actor, matter.community), _("Only community staff may set the agenda."))
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
        if not matter.can_be_put_on_agenda():
            raise Conflict(_("Only a matter still gathering support can be put on the agenda."))
        before = snapshot(matter)
        _put_on_agenda(matter, now=_now(now), by_threshold=False)
        audit_record(
            actor=actor, action="consultation.matter_agenda", instance=matter, before=before, after=snapshot(matter)
        )
    return matter


def matter_answer(*, actor: Any, matter: Matter, response: str, now: dt.datetime | None = None) -> Matter:
    """Answer a matter without a meeting (already solved, not the community's to decide…), telling its followers."""
    _require(rules.can_manage_consultation(actor, matter.community), _("Only community staff may answer a matter."))
    response = response.strip()
    if len(response) < 10:
        raise DomainError(_("Write an answer of at least 10 characters."), field="response")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
        if not matter.can_be_answered():
            raise Conflict(_("This matter has already been decided or answered."))
        before = snapshot(matter)
        matter.status = Matter.Status.ANSWERED
        matter.response = response
        matter.answered_at = _now(now)
        matter.save(update_fields=["status", "response", "answered_at"])
        audit_record(
            actor=actor, action="consultation.matter_answer", instance=matter, before=before, after=snapshot(matter)
        )
        _tell_followers(matter, gettext_lazy("Your matter has been answered: %(title)s"), response[:200])
    return matter


def matter_rate(*, actor: Any, matter: Matter, score: int, comment: str = "", now: dt.datetime | None = None) -> Rating:
    """A resident rates how the matter was settled (评比), once, after it is done or answered."""
    resident = _resident(actor, matter.community)
    if not matter.can_be_rated():
        raise Conflict(_("A matter can be rated once it is done or answered."), code="not_ratable")
    if not 1 <= score <= 5:
        raise DomainError(_("Give a score from 1 to 5."), field="score")
    with transaction.atomic():
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    matter=matter, resident=resident, score=score, comment=comment.strip()[:500], created_at=_now(now)
                )
        except IntegrityError:
            raise Conflict(_("You have already rated this matter."), code="already_rated") from None
        audit_record(
            actor=actor,
            action="consultation.matter_rate",
            instance=rating,
            community=matter.community,
            after=snapshot(rating),
        )
    return rating


# --- meetings ------------------------------------------------------------------------------------------


def meeting_create(
    *,
    actor: Any,
    community: Community,
    title: str,
    mode: str,
    starts_at: dt.datetime,
    capacity: int,
    parties: list[str],
    place: str = "",
    online_url: str = "",
    matters: Iterable[Matter] = (),
    now: dt.datetime | None = None,
) -> Meeting:
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may call a meeting."))
    title = title.strip()
    if len(title) < 4:
        raise DomainError(_("Give the meeting a title of at least 4 characters."), field="title")
    if mode not in Meeting.Mode.values:
        raise DomainError(_("Choose whether the meeting is in person, online or both."), field="mode")
    if mode in (Meeting.Mode.OFFLINE, Meeting.Mode.HYBRID) and not place.strip():
        raise DomainError(_("Say where the meeting takes place."), field="place")
    online_url = web_url_clean(online_url, field="online_url")
    if mode in (Meeting.Mode.ONLINE, Meeting.Mode.HYBRID) and not online_url:
        raise DomainError(_("Give the link of the online meeting."), field="online_url")
    if starts_at <= _now(now):
        raise DomainError(_("A meeting must start in the future."), field="starts_at")
    if capacity < 1:
        raise DomainError(_("A meeting needs at least one place for residents."), field="capacity")
    parties = list(dict.fromkeys(parties))
    if not parties or any(p not in Party.values for p in parties):
        raise DomainError(_("Choose the parties invited to the table."), field="parties")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community,
            title=title,
            mode=mode,
            starts_at=starts_at,
            place=place.strip(),
            online_url=online_url.strip(),
            capacity=capacity,
            parties=parties,
            created_by=actor,
        )
        audit_record(actor=actor, action="consultation.meeting_create", instance=meeting, after=snapshot(meeting))
        for matter in matters:
            _agenda_add(meeting, matter, actor=actor, now=_now(now))
    return meeting


def _agenda_add(meeting: Meeting, matter: Matter, *, actor: Any, now: dt.datetime) -> AgendaItem:
    if matter.community_id != meeting.community_id:
        raise NotFound(_("No such matter in this community."))
    matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
    if not matter.is_open:
        raise Conflict(_("Only an open matter can be put on a meeting's agenda."))
    if AgendaItem.objects.filter(meeting=meeting, matter=matter).exists():
        raise Conflict(_("This matter is already on the meeting's agenda."))
    item = AgendaItem.objects.create(meeting=meeting, matter=matter, position=meeting.agenda.count() + 1)
    if matter.status == Matter.Status.RAISED:
        matter.status = Matter.Status.AGENDA
        matter.agenda_at = now
        matter.save(update_fields=["status", "agenda_at"])
    audit_record(
        actor=actor,
        action="consultation.agenda_add",
        instance=item,
        community=meeting.community,
        after={"meeting": meeting.pk, "matter": matter.pk},
    )
    local = timezone.localtime(meeting.starts_at)
    _tell_followers(
        matter,
        gettext_lazy("“%(title)s” will be discussed at the round table on %(when)s"),
        gettext_lazy("%(meeting)s. Register on the meeting page to take part."),
        when=f"{local:%Y-%m-%d %H:%M}",
        meeting=meeting.title,
    )
    return item


def meeting_add_matter(*, actor: Any, meeting: Meeting, matter: Matter, now: dt.datetime | None = None) -> AgendaItem:
    _require(rules.can_manage_consultation(actor, meeting.community), _("Only community staff may set the agenda."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if not meeting.can_change_agenda():
            raise Conflict(_("The agenda of a meeting that has been held or cancelled cannot change."))
        return _agenda_add(meeting, matter, actor=actor, now=_now(now))


def meeting_register(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> Registration:
    """Register a resident for a meeting, within its capacity (the meeting row is locked while counting)."""
    now = _now(now)
    resident = _resident(actor, meeting.community)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if not meeting.can_take_registrations(now):
            raise Conflict(_("Registration for this meeting is closed."), code="registration_closed")
        existing = Registration.objects.filter(meeting=meeting, resident=resident).first()
        if existing is not None and existing.cancelled_at is None:
            raise Conflict(_("You are already registered for this meeting."), code="already_registered")
        taken = Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count()
        if taken >= meeting.capacity:
            raise Conflict(_("This meeting is full."), code="meeting_full")
        if existing is not None:
            existing.cancelled_at = None
            existing.registered_at = now
            existing.save(update_fields=["cancelled_at", "registered_at"])
            registration = existing
        else:
            registration = Registration.objects.create(meeting=meeting, resident=resident, registered_at=now)
        audit_record(
            actor=actor,
            action="consultation.meeting_register",
            instance=registration,
            community=meeting.community,
            after=snapshot(registration),
        )
    return registration


def meeting_unregister(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> None:
    now = _now(now)
    resident = _resident(actor, meeting.community)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = Registration.objects.filter(
            meeting=meeting, resident=resident, cancelled_at__isnull=True
        ).first()
        if registration is None:
            raise Conflict(_("You are not registered for this meeting."))
        if not meeting.can_take_registrations(now):
            raise Conflict(_("The meeting has started; registration can no longer change."))
        registration.cancelled_at = now
        registration.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor,
            action="consultation.meeting_unregister",
            instance=registration,
            community=meeting.community,
            after=snapshot(registration),
        )


def meeting_hold(
    *, actor: Any, meeting: Meeting, attendee_ids: Iterable[int], now: dt.datetime | None = None
) -> Meeting:
    """Record that the meeting took place and who attended (registered or not). Attending earns points."""
    now = _now(now)
    _require(rules.can_manage_consultation(actor, meeting.community), _("Only community staff may record a meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if not meeting.can_be_held(now):
            if meeting.status != Meeting.Status.PLANNED:
                raise Conflict(_("This meeting has already been held or was cancelled."))
            raise Conflict(_("A meeting can be recorded as held only once it has started."), code="not_started")
        ids = sorted(set(attendee_ids))
        residents = {r.pk: r for r in Resident.objects.filter(community=meeting.community, pk__in=ids)}
        if len(residents) != len(ids):
            raise NotFound(_("Some attendees are not residents of this community."), field="attendees")
        before = snapshot(meeting)
        meeting.status = Meeting.Status.HELD
        meeting.held_at = now
        meeting.save(update_fields=["status", "held_at"])
        for rid in ids:
            registration, _created = Registration.objects.get_or_create(
                meeting=meeting, resident=residents[rid], defaults={"registered_at": now}
            )
            registration.attended = True
            registration.save(update_fields=["attended"])
            points.attendance_earned(registration=registration, actor=actor)
        audit_record(
            actor=actor,
            action="consultation.meeting_hold",
            instance=meeting,
            before=before,
            after={**snapshot(meeting), "attendees": ids},
        )
        for item in meeting.agenda.select_related("matter__community"):
            _tell_followers(
                item.matter,
                gettext_lazy("“%(title)s” was discussed at the round table"),
                gettext_lazy("%(n)s residents attended. Minutes and decisions will follow."),
                n=len(ids),
            )
    return meeting


def meeting_record_minutes(*, actor: Any, meeting: Meeting, minutes: str, now: dt.datetime | None = None) -> Meeting:
    _require(rules.can_manage_consultation(actor, meeting.community), _("Only community staff may record minutes."))
    minutes = minutes.strip()
    if len(minutes) < 20:
        raise DomainError(_("Minutes need at least 20 characters."), field="minutes")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if not meeting.can_take_minutes():
            raise Conflict(_("Minutes can be recorded only after the meeting has been held."), code="meeting_not_held")
        before = snapshot(meeting)
        meeting.minutes = minutes
        meeting.minutes_at = _now(now)
        meeting.save(update_fields=["minutes", "minutes_at"])
        audit_record(
            actor=actor, action="consultation.meeting_minutes", instance=meeting, before=before, after=snapshot(meeting)
        )
    return meeting


def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    _require(rules.can_manage_consultation(actor, meeting.community), _("Only community staff may cancel a meeting."))
    if len(reason.strip()) < 4:
        raise DomainError(_("Say why the meeting is cancelled."), field="reason")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.PLANNED:
            raise Conflict(_("Only a planned meeting can be cancelled."))
        before = snapshot(meeting)
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="consultation.meeting_cancel",
            instance=meeting,
            before=before,
            after={**snapshot(meeting), "reason": reason.strip()},
        )
        registrants = [
            r.resident.user
            for r in meeting.registrations.filter(cancelled_at__isnull=True).select_related("resident__user")
            if r.resident.user is not None
        ]
        for item in meeting.agenda.select_related("matter__community"):
            _tell(
                registrants + _followers(item.matter),
                item.matter,
                gettext_lazy("The round table “%(meeting)s” is cancelled"),
                reason.strip(),
                meeting=meeting.title,
            )
    return meeting


# --- decisions and tasks -------------------------------------------------------------------------------


def decision_record(
    *,
    actor: Any,
    matter: Matter,
    text: str,
    responsible_party: str,
    responsible_name: str,
    due_date: dt.date,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> Decision:
    """Record what was decided on a matter, who is responsible and by when. With a meeting, the meeting must have
    been held with the matter on its agenda."""
    now = _now(now)
    community = matter.community
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may record decisions."))
    if len(text.strip()) < 10:
        raise DomainError(_("Write the decision in at least 10 characters."), field="text")
    if responsible_party not in Party.values:
        raise DomainError(_("Choose the party responsible."), field="responsible_party")
    if not responsible_name.strip():
        raise DomainError(_("Name the person responsible."), field="responsible_name")
    if due_date < timezone.localdate(now):
        raise DomainError(_("The due date cannot be in the past."), field="due_date")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
        if not matter.can_be_decided():
            raise Conflict(_("A decision can be recorded only for a matter on the agenda."), code="not_on_agenda")
        if meeting is not None:
            if meeting.community_id != community.pk:
                raise NotFound(_("No such meeting in this community."))
            meeting = Meeting.objects.get(pk=meeting.pk)
            if meeting.status != Meeting.Status.HELD:
                raise Conflict(
                    _("Decisions of a meeting can be recorded only after it has been held."), code="meeting_not_held"
                )
            if not meeting.agenda.filter(matter=matter).exists():
                raise Conflict(_("This matter was not on the meeting's agenda."))
        before = snapshot(matter)
        decision = Decision.objects.create(
            community=community,
            matter=matter,
            meeting=meeting,
            text=text.strip(),
            responsible_party=responsible_party,
            responsible_name=responsible_name.strip(),
            due_date=due_date,
            created_by=actor,
            created_at=now,
        )
        if matter.status != Matter.Status.DECIDED:
            matter.status = Matter.Status.DECIDED
            matter.decided_at = now
            matter.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="consultation.decision_record", instance=decision, after=snapshot(decision))
        audit_record(
            actor=actor, action="consultation.matter_decided", instance=matter, before=before, after=snapshot(matter)
        )
        _tell_followers(
            matter,
            gettext_lazy("Decided: %(title)s"),
            gettext_lazy("%(text)s — responsible: %(who)s, by %(due)s."),
            text=decision.text[:200],
            who=f"{decision.get_responsible_party_display()} {decision.responsible_name}",
            due=decision.due_date.isoformat(),
        )
    return decision


def task_create(
    *,
    actor: Any,
    decision: Decision,
    title: str,
    owner_party: str,
    owner_name: str,
    due_date: dt.date,
    owner: Any = None,
    now: dt.datetime | None = None,
) -> Task:
    now = _now(now)
    community = decision.community
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may assign tasks."))
    if len(title.strip()) < 4:
        raise DomainError(_("Describe the task in at least 4 characters."), field="title")
    if owner_party not in Party.values:
        raise DomainError(_("Choose the party that owns the task."), field="owner_party")
    if not owner_name.strip():
        raise DomainError(_("Name who carries the task out."), field="owner_name")
    if due_date < timezone.localdate(now):
        raise DomainError(_("The due date cannot be in the past."), field="due_date")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=decision.matter_id)
        if matter.status not in (Matter.Status.DECIDED, Matter.Status.DONE):
            raise Conflict(_("Tasks follow from a decided matter."))
        task = Task.objects.create(
            community=community,
            decision=decision,
            title=title.strip(),
            owner=owner,
            owner_party=owner_party,
            owner_name=owner_name.strip(),
            due_date=due_date,
            created_at=now,
        )
        if matter.status == Matter.Status.DONE:  # new work re-opens the follow-through
            matter.status = Matter.Status.DECIDED
            matter.done_at = None
            matter.save(update_fields=["status", "done_at"])
        audit_record(actor=actor, action="consultation.task_create", instance=task, after=snapshot(task))
        if owner is not None:
            _tell(
                [owner],
                matter,
                gettext_lazy("A task is yours: %(task)s"),
                gettext_lazy("Due by %(due)s."),
                task=task.title,
                due=due_date.isoformat(),
            )
        _tell_followers(
            matter,
            gettext_lazy("Work starts on “%(title)s”: %(task)s"),
            gettext_lazy("Due by %(due)s."),
            task=task.title,
            due=due_date.isoformat(),
        )
    return task


def task_post_update(*, actor: Any, task: Task, text: str, progress: int, now: dt.datetime | None = None) -> TaskUpdate:
    """A public progress update on a task; at 100 % the task is done, and with all tasks done, the matter."""
    now = _now(now)
    _require(rules.can_update_task(actor, task), _("Only the task's owner or community staff may update it."))
    text = text.strip()
    if len(text) < 4:
        raise DomainError(_("Say what was done in at least 4 characters."), field="text")
    if not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), field="progress")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=task.decision.matter_id)
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not task.can_be_updated():
            raise Conflict(_("This task is already done."), code="task_done")
        before = snapshot(task)
        update = TaskUpdate.objects.create(task=task, author=actor, text=text, progress=progress, created_at=now)
        task.progress = progress
        fields = ["progress"]
        if progress == 100:
            task.status = Task.Status.DONE
            task.done_at = now
            fields += ["status", "done_at"]
        task.save(update_fields=fields)
        audit_record(actor=actor, action="consultation.task_update", instance=task, before=before, after=snapshot(task))
        if progress == 100 and not Task.objects.filter(decision__matter=matter, status=Task.Status.OPEN).exists():
            matter.status = Matter.Status.DONE
            matter.done_at = now
            matter.save(update_fields=["status", "done_at"])
            audit_record(actor=actor, action="consultation.matter_done", instance=matter, after=snapshot(matter))
            _tell_followers(
                matter,
                gettext_lazy("Done: %(title)s"),
                gettext_lazy("All the work decided is finished. Please rate how it was settled."),
            )
        else:
            _tell_followers(
                matter,
                gettext_lazy("Progress on “%(title)s”: %(task)s at %(p)s%%"),
                text[:200],
                task=task.title,
                p=progress,
            )
    return update


def tasks_flag_overdue(*, now: dt.datetime | None = None) -> list[Task]:
    """Flag open tasks past their due date (once each) and tell their owner, the community's casework staff and
    the matter's followers. Run periodically by the scheduler."""
    now = _now(now)
    today = timezone.localdate(now)
    flagged: list[Task] = []
    with transaction.atomic():
        due = (
            Task.objects.select_for_update()
            .filter(status=Task.Status.OPEN, due_date__lt=today, overdue_flagged_at__isnull=True)
            .order_by("pk")
        )
        for task in due:
            task.overdue_flagged_at = now
            task.save(update_fields=["overdue_flagged_at"])
            flagged.append(task)
        for task in Task.objects.filter(pk__in=[t.pk for t in flagged]).select_related(
            "decision__matter__community", "owner", "community"
        ):
            matter = task.decision.matter
            audit_record(
                actor=None,
                action="consultation.task_overdue",
                instance=task,
                after={"due_date": task.due_date, "flagged_at": now},
            )
            people = [task.owner, *_casework_staff(task.community)]
            _tell(
                people,
                matter,
                gettext_lazy("Overdue task (督办): %(task)s"),
                gettext_lazy("“%(title)s” — due %(due)s, owner %(owner)s."),
                task=task.title,
                due=task.due_date.isoformat(),
                owner=task.owner_name,
            )
            _tell_followers(
                matter,
                gettext_lazy("A task on “%(title)s” is overdue"),
                gettext_lazy("%(task)s was due %(due)s. Staff have been reminded."),
                task=task.title,
                due=task.due_date.isoformat(),
            )
    return flagged


# --- votes ---------------------------------------------------------------------------------------------


def vote_create(
    *,
    actor: Any,
    community: Community,
    question: str,
    options: list[str],
    eligibility: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    secret: bool = False,
    hide_results: bool = True,
    neighbourhood: Neighbourhood | None = None,
    matter: Matter | None = None,
) -> Vote:
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may open a vote."))
    question = question.strip()
    if len(question) < 4:
        raise DomainError(_("Ask a question of at least 4 characters."), field="question")
    labels = [o.strip() for o in options if o.strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise DomainError(_("Give at least two different options."), field="options")
    if eligibility not in Eligibility.values:
        raise DomainError(_("Choose who may vote."), field="eligibility")
    if eligibility == Eligibility.NEIGHBOURHOOD:
        if neighbourhood is None:
            raise DomainError(_("Choose the neighbourhood whose residents vote."), field="neighbourhood")
        _neighbourhood(community, neighbourhood)
    else:
        neighbourhood = None
    if closes_at <= opens_at:
        raise DomainError(_("A vote must close after it opens."), field="closes_at")
    if matter is not None and matter.community_id != community.pk:
        raise NotFound(_("No such matter in this community."))
    with transaction.atomic():
        vote = Vote.objects.create(
            community=community,
            matter=matter,
            question=question,
            eligibility=eligibility,
            neighbourhood=neighbourhood,
            secret=secret,
            hide_results=hide_results,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        VoteOption.objects.bulk_create(
            [VoteOption(vote=vote, label=label, position=i) for i, label in enumerate(labels)]
        )
        audit_record(
            actor=actor, action="consultation.vote_create", instance=vote, after={**snapshot(vote), "options": labels}
        )
        if matter is not None:
            _tell_followers(matter, gettext_lazy("A vote on “%(title)s” is open: %(question)s"), question=question)
    return vote


def ballot_cast(*, actor: Any, vote: Vote, option: VoteOption, now: dt.datetime | None = None) -> Ballot:
    """Cast one ballot. The unique (vote, voter_key) makes a second ballot by the same person (or household)
    fail at the database, whatever the timing. A secret ballot stores neither the voter nor the time."""
    now = _now(now)
    resident = _resident(actor, vote.community)
    if not vote.admits(resident):
        raise NotAllowed(_("You are not eligible for this vote."), code="not_eligible")
    if option.vote_id != vote.pk:
        raise DomainError(_("Choose one of this vote's options."), field="option")
    phase = vote.phase(now)
    if phase == "before":
        raise Conflict(_("This vote has not opened yet."), code="vote_not_open")
    if phase == "closed":
        raise Conflict(_("This vote has closed; no more ballots are taken."), code="vote_closed")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    vote=vote,
                    option=option,
                    voter_key=vote.voter_key(resident),
                    resident=None if vote.secret else resident,
                    cast_at=None if vote.secret else now,
                )
        except IntegrityError:
            message = (
                _("Your household has already voted.")
                if vote.eligibility == Eligibility.HOUSEHOLD
                else _("You have already voted.")
            )
            raise Conflict(message, code="already_voted") from None
        audit_record(
            actor=actor,
            action="consultation.ballot_cast",
            object_type="consultation.vote",
            object_id=str(vote.pk),
            community=vote.community,
            after={"vote": vote.pk} if vote.secret else {"vote": vote.pk, "option": option.pk},
        )
        points.vote_earned(vote=vote, resident=resident, actor=actor)
    return ballot


def vote_close(*, actor: Any, vote: Vote, now: dt.datetime | None = None) -> Vote:
    """Close a running vote early."""
    now = _now(now)
    _require(rules.can_manage_consultation(actor, vote.community), _("Only community staff may close a vote."))
    with transaction.atomic():
        vote = Vote.objects.select_for_update().select_related("community").get(pk=vote.pk)
        if vote.phase(now) != "open":
            raise Conflict(_("Only a running vote can be closed."))
        before = snapshot(vote)
        vote.closes_at = now
        vote.save(update_fields=["closes_at"])
        audit_record(actor=actor, action="consultation.vote_close", instance=vote, before=before, after=snapshot(vote))
        if vote.matter_id is not None:
            matter = Matter.objects.select_related("community").get(pk=vote.matter_id)
            _tell_followers(matter, gettext_lazy("The vote on “%(title)s” has closed; see the result"))
    return vote

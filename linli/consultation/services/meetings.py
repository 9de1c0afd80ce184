"""Round-table meetings: created, matters added to the agenda, residents registered, held, minuted, cancelled."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotFound
from linli.core.validators import web_url_clean
from linli.people.models import Resident
from linli.places.models import Community

from .. import points, rules
from ..models import AgendaItem, Matter, Meeting, Party, Registration
from .common import _followers, _now, _require, _resident, _tell, _tell_followers


def meeting_create(
    *,
    actor: Actor,
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
        meeting = create_audited(
            actor=actor,
            action="consultation.meeting_create",
            model=Meeting,
            community=community,
            title=title,
            mode=mode,
            starts_at=starts_at,
            place=place.strip(),
            online_url=online_url.strip(),
            capacity=capacity,
            parties=parties,
            created_by=account_of(actor),
            created_at=_now(now),
        )
        for matter in matters:
            _agenda_add(meeting, matter, actor=actor, now=_now(now))
    return meeting


def _agenda_add(meeting: Meeting, matter: Matter, *, actor: Actor, now: dt.datetime) -> AgendaItem:
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


def meeting_add_matter(*, actor: Actor, meeting: Meeting, matter: Matter, now: dt.datetime | None = None) -> AgendaItem:
    _require(rules.can_manage_consultation(actor, meeting.community), _("Only community staff may set the agenda."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
        if not meeting.can_change_agenda():
            raise Conflict(_("The agenda of a meeting that has been held or cancelled cannot change."))
        return _agenda_add(meeting, matter, actor=actor, now=_now(now))


def meeting_register(*, actor: Actor, meeting: Meeting, now: dt.datetime | None = None) -> Registration:
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


def meeting_unregister(*, actor: Actor, meeting: Meeting, now: dt.datetime | None = None) -> None:
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
    *, actor: Actor, meeting: Meeting, attendee_ids: Iterable[int], now: dt.datetime | None = None
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
        registered = {r.resident_id: r for r in Registration.objects.filter(meeting=meeting, resident_id__in=ids)}
        Registration.objects.filter(pk__in=[r.pk for r in registered.values()]).update(attended=True)
        for rid in ids:
            registration = registered.get(rid)
            if registration is None:  # came without registering
                registration = Registration.objects.create(
                    meeting=meeting, resident=residents[rid], registered_at=now, attended=True
                )
            registration.attended, registration.meeting, registration.resident = True, meeting, residents[rid]
            points.attendance_earned(registration=registration, actor=actor, now=now)
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


def meeting_record_minutes(*, actor: Actor, meeting: Meeting, minutes: str, now: dt.datetime | None = None) -> Meeting:
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
        save_audited(
            actor=actor,
            action="consultation.meeting_minutes",
            instance=meeting,
            before=before,
            update_fields=["minutes", "minutes_at"],
        )
    return meeting


def meeting_cancel(*, actor: Actor, meeting: Meeting, reason: str) -> Meeting:
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

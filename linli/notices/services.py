"""Writing notices: create and edit drafts, publish now or at a time, withdraw; a resident opens one; the periodic
job publishes what is due and sends the day-late SMS."""

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.uploads import files_removed_on_error
from linli.people.models import Resident
from linli.places.models import Community, Street

from . import rules
from .files import MAX_FILES, CleanAttachment
from .models import Notice, NoticeAttachment, NoticeRecipient, SmsPreference
from .sms import delayed_send, urgent_sms_send
from .targeting import NoticeTargets, residents_targeted, targets_check


def _fields(notice: Notice) -> dict[str, Any]:
    return {k: getattr(notice, k) for k in ("title", "urgent", "pinned", "status", "publish_at", "expires_at")}


def _check_text(title: str, body: str, expires_at: dt.datetime | None) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title:
        raise DomainError(_("Give the notice a title."), field="title")
    if len(title) > 80:
        raise DomainError(_("A title has at most 80 characters."), field="title")
    if not body:
        raise DomainError(_("Write the notice's text."), field="body")
    if len(body) > 10_000:
        raise DomainError(_("The text has at most 10,000 characters."), field="body")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The end date must be in the future."), field="expires_at")
    return title, body


def _save_attachments(notice: Notice, attachments: list[CleanAttachment], saved: list[Any]) -> None:
    if attachments and notice.attachments.count() + len(attachments) > MAX_FILES:
        raise DomainError(
            _("Attach at most %(n)s files.") % {"n": MAX_FILES}, code="too_many_files", field="attachments"
        )
    for item in attachments:
        row = NoticeAttachment(notice=notice, kind=item.kind, name=item.name, size=len(item.content))
        row.file.save(item.filename, ContentFile(item.content), save=False)
        saved.append(row.file)
        row.save()


def notice_create(
    *,
    actor: Actor,
    title: str,
    body: str,
    community: Community | None = None,
    street: Street | None = None,
    urgent: bool = False,
    pinned: bool = False,
    expires_at: dt.datetime | None = None,
    targets: NoticeTargets | None = None,
    attachments: list[CleanAttachment] | None = None,
    now: dt.datetime | None = None,
) -> Notice:
    """A draft from a community (its admins and social workers) or from a street (its admins), written at `now`."""
    if (community is None) == (street is None):
        raise DomainError(_("A notice comes from one community or one street."))
    if community is not None and not rules.can_write_for_community(actor, community):
        raise NotAllowed(_("You may not write this community's notices."))
    if street is not None and not rules.can_write_for_street(actor, street):
        raise NotAllowed(_("You may not write this street's notices."))
    title, body = _check_text(title, body, expires_at)
    targets = targets or NoticeTargets()
    notice = Notice(
        street=street or community.street,  # type: ignore[union-attr]
        community=community,
        title=title,
        body=body,
        urgent=urgent,
        pinned=pinned,
        expires_at=expires_at,
        target_age_tiers=list(targets.age_tiers),
        created_by=account_of(actor),
        created_at=now or timezone.now(),
    )
    targets_check(actor=actor, notice=notice, targets=targets)
    with files_removed_on_error() as saved, transaction.atomic():
        notice.save()
        targets.set_on(notice)
        _save_attachments(notice, attachments or [], saved)
        audit_record(
            actor=actor,
            action="notice.create",
            instance=notice,
            after={**_fields(notice), "targets": targets.summary(), "attachments": len(attachments or [])},
        )
    return notice


def notice_update(
    *,
    actor: Actor,
    notice: Notice,
    title: str,
    body: str,
    urgent: bool,
    pinned: bool,
    expires_at: dt.datetime | None,
    targets: NoticeTargets,
    attachments: list[CleanAttachment] | None = None,
) -> Notice:
    if not rules.can_write_notice(actor, notice):
        raise NotAllowed(_("You may not change this notice."))
    title, body = _check_text(title, body, expires_at)
    targets_check(actor=actor, notice=notice, targets=targets)
    with files_removed_on_error() as saved, transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_edit():
            raise Conflict(_("A published or withdrawn notice can no longer be changed."))
        before = {**_fields(locked), "targets": NoticeTargets.of(locked).summary()}
        locked.title, locked.body, locked.urgent, locked.pinned = title, body, urgent, pinned
        locked.expires_at, locked.target_age_tiers = expires_at, list(targets.age_tiers)
        locked.save(update_fields=["title", "body", "urgent", "pinned", "expires_at", "target_age_tiers", "updated_at"])
        targets.set_on(locked)
        _save_attachments(locked, attachments or [], saved)
        audit_record(
            actor=actor,
            action="notice.update",
            instance=locked,
            before=before,
            after={**_fields(locked), "targets": targets.summary(), "attachments_added": len(attachments or [])},
        )
    return locked


def notice_attach(*, actor: Actor, notice: Notice, attachments: list[CleanAttachment]) -> list[NoticeAttachment]:
    """Add images or PDFs to a notice not yet published."""
    if not rules.can_write_notice(actor, notice):
        raise NotAllowed(_("You may not change this notice."))
    with files_removed_on_error() as saved, transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_edit():
            raise Conflict(_("A published or withdrawn notice can no longer be changed."))
        _save_attachments(locked, attachments, saved)
        audit_record(
            actor=actor, action="notice.attach", instance=locked, after={"attachments": [a.name for a in attachments]}
        )
    return list(locked.attachments.order_by("-id")[: len(attachments)])[::-1]


def _publish(notice: Notice, now: dt.datetime, *, actor: "Actor | None", via: str = "service") -> None:
    """Fix the recipients, mark published, audit, and queue the urgent SMS for after the commit. Inside a
    transaction."""
    before = _fields(notice)
    targets = NoticeTargets.of(notice)
    residents = residents_targeted(notice=notice, targets=targets, day=timezone.localdate(now))
    rows = [
        NoticeRecipient(notice=notice, resident_id=pk, community_id=community_id, grid_id=grid_id)
        for pk, community_id, grid_id in residents.values_list("pk", "community_id", "household__building__grid_id")
    ]
    NoticeRecipient.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = now
    notice.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="notice.publish",
        instance=notice,
        before=before,
        after={**_fields(notice), "recipients": len(rows)},
        via=via,
    )
    if notice.urgent:
        notice_id = notice.pk
        transaction.on_commit(lambda: urgent_sms_send.enqueue(notice_id))


def notice_publish(
    *, actor: Actor, notice: Notice, publish_at: dt.datetime | None = None, now: dt.datetime | None = None
) -> Notice:
    """Publish now, or schedule for `publish_at` (the periodic job publishes it then). `now` is for the demo."""
    if not rules.can_write_notice(actor, notice):
        raise NotAllowed(_("You may not publish this notice."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_edit():
            raise Conflict(_("This notice is already published or withdrawn."))
        if locked.expires_at is not None and locked.expires_at <= (publish_at or now):
            raise DomainError(_("The notice would end before it is published."), field="publish_at")
        if publish_at is not None and publish_at > now:
            before = _fields(locked)
            locked.status, locked.publish_at = Notice.Status.SCHEDULED, publish_at
            locked.save(update_fields=["status", "publish_at", "updated_at"])
            audit_record(actor=actor, action="notice.schedule", instance=locked, before=before, after=_fields(locked))
        else:
            _publish(locked, now, actor=actor)
    return locked


def notice_withdraw(*, actor: Actor, notice: Notice) -> Notice:
    if not rules.can_write_notice(actor, notice):
        raise NotAllowed(_("You may not withdraw this notice."))
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_withdraw():
            raise Conflict(_("Only a scheduled or published notice can be withdrawn."))
        before = _fields(locked)
        locked.status, locked.withdrawn_at = Notice.Status.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit_record(actor=actor, action="notice.withdraw", instance=locked, before=before, after=_fields(locked))
    return locked


def notice_read(*, actor: Actor, notice: Notice, now: dt.datetime | None = None) -> NoticeRecipient:
    """The resident opens the notice: the first time is the read receipt."""
    recipient = (
        NoticeRecipient.objects.filter(notice=notice, resident__user=actor).select_related("notice").first()
        if actor.is_authenticated
        else None
    )
    if recipient is None:
        raise NotFound(_("No such notice."))
    if recipient.read_at is None:
        read_at = now or timezone.now()
        # one statement: when another request opened it first, theirs is the receipt
        if NoticeRecipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(read_at=read_at):
            recipient.read_at = read_at
        else:
            recipient.refresh_from_db(fields=["read_at"])
    return recipient


def sms_preference_set(*, actor: Actor, resident: Resident, by_sms: bool) -> SmsPreference:
    if resident.user_id != actor.pk:
        raise NotAllowed(_("You may only set your own preference."))
    with transaction.atomic():
        pref, _created = SmsPreference.objects.update_or_create(resident=resident, defaults={"by_sms": by_sms})
    return pref


def notices_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish every scheduled notice whose time has come (the periodic job)."""
    now = now or timezone.now()
    published = 0
    for pk in Notice.objects.filter(status=Notice.Status.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Notice.objects.select_for_update().filter(pk=pk, status=Notice.Status.SCHEDULED).first()
            if locked is None:
                continue
            _publish(locked, now, actor=None, via="task")
            published += 1
    return published


def notices_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"published": notices_publish_due(now=now), "sms": delayed_send(now=now)}

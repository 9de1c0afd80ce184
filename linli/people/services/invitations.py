"""Inviting residents on the register to sign up, by SMS, a building or a tag at a time."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community

from .. import rules, tasks
from ..invitation_selectors import Audience, invitation_preview, resend_after
from ..models import Invitation


def invitations_send(
    *, actor: Actor, community: Community, audience: Audience, via: str = "web", now: dt.datetime | None = None
) -> list[Invitation]:
    """One invitation per resident the preview lists (their rows locked, so two staff pressing at once send each
    resident one SMS); the SMS go out from a background task after the commit."""
    if not rules.can_invite_residents(actor, community):
        raise NotAllowed(_("You may not invite this community's residents."))
    now = now or timezone.now()
    with transaction.atomic():
        preview = invitation_preview(user=actor, community=community, audience=audience, now=now, lock=True)
        # Read again once the rows are ours: an invitation committed while we waited was not in the first read.
        just_invited = set(
            Invitation.objects.filter(resident__in=preview.recipients, sent_at__gt=resend_after(now)).values_list(
                "resident_id", flat=True
            )
        )
        preview.recipients = [r for r in preview.recipients if r.pk not in just_invited]
        if not preview.recipients:
            raise DomainError(
                _("Nobody to invite: everyone here has an account, no mobile number, or was invited in the last day."),
                code="nobody",
            )
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(community=community, resident=r, sent_by=account_of(actor), sent_at=now)
                for r in preview.recipients
            ]
        )
        audit_record(
            actor=actor,
            action="invitation.send",
            object_type="people.invitation",
            community=community,
            after={
                "building": audience.building.pk if audience.building else None,
                "tag": audience.tag.code if audience.tag else None,
                "residents": [r.pk for r in preview.recipients],
                "count": len(invitations),
            },
            via=via,
        )
        ids = [i.pk for i in invitations]
        transaction.on_commit(lambda: tasks.invitation_sms_send.enqueue(invitation_ids=ids))
    return invitations

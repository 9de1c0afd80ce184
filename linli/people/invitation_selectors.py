"""Reading sign-up invitations: who an invitation would reach, and who has activated, per building."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules as base
from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.places.models import Building, Community

from . import rules
from .models import Invitation, Resident, SensitiveTag


@dataclass
class Audience:
    """A building or a tag, as staff pick it; `label` is what the pages show."""

    building: Building | None = None
    tag: SensitiveTag | None = None

    @property
    def label(self) -> str:
        if self.building is not None:
            return self.building.name
        return self.tag.name_zh if self.tag is not None else ""


def audience_get(*, user: Actor, community: Community, building_id: int | None = None, tag: str = "") -> Audience:
    """The building (of this community) or the tag the staff member chose; tags only for those who may see them."""
    if not rules.can_invite_residents(user, community):
        raise NotAllowed(_("You may not invite this community's residents."))
    if bool(building_id) == bool(tag):
        raise DomainError(_("Choose a building or a tag."), field="building", code="audience")
    if building_id:
        building = Building.objects.filter(community=community, pk=building_id).first()
        if building is None:
            raise NotFound(_("No such building in this community."), field="building")
        return Audience(building=building)
    if not base.can_view_sensitive_tags(user, community):
        raise NotAllowed(_("You may not choose residents by sensitive tags."), field="tag")
    found = SensitiveTag.objects.filter(code=tag).first()
    if found is None:
        raise NotFound(_("Unknown sensitive tag: %(tags)s.") % {"tags": tag}, field="tag")
    return Audience(tag=found)


def _in_audience(community: Community, audience: Audience) -> QuerySet[Resident]:
    qs = Resident.objects.filter(community=community, moved_out_on__isnull=True)
    if audience.building is not None:
        return qs.filter(household__building=audience.building)
    return qs.filter(tags=audience.tag)


@dataclass
class Preview:
    recipients: list[Resident] = field(default_factory=list)
    recently_invited: int = 0
    without_mobile: int = 0
    with_account: int = 0


def resend_after(now: dt.datetime) -> dt.datetime:
    """Residents invited after this moment are not invited again yet."""
    return now - dt.timedelta(hours=settings.INVITATION_RESEND_HOURS)


def invitation_preview(
    *, user: Actor, community: Community, audience: Audience, now: dt.datetime | None = None, lock: bool = False
) -> Preview:
    """Who would get an SMS: residents of the audience with a mobile number, no account, not moved out, and not
    invited within INVITATION_RESEND_HOURS; and how many were left out for each reason."""
    if not rules.can_invite_residents(user, community):
        raise NotAllowed(_("You may not invite this community's residents."))
    now = now or timezone.now()
    everyone = _in_audience(community, audience)
    candidates = everyone.filter(user__isnull=True).exclude(mobile="")
    recent = Invitation.objects.filter(sent_at__gt=resend_after(now)).values("resident_id")
    recipients = candidates.exclude(pk__in=recent).order_by("household__building__name", "name", "pk")
    if lock:
        recipients = recipients.select_for_update(of=("self",))
    counts = everyone.aggregate(
        with_account=Count("pk", filter=Q(user__isnull=False), distinct=True),
        without_mobile=Count("pk", filter=Q(user__isnull=True, mobile=""), distinct=True),
        recent=Count("pk", filter=Q(user__isnull=True, pk__in=recent) & ~Q(mobile=""), distinct=True),
    )
    return Preview(
        recipients=list(recipients.select_related("household__building")),
        recently_invited=counts["recent"],
        without_mobile=counts["without_mobile"],
        with_account=counts["with_account"],
    )


@dataclass
class ActivationRow:
    building: str
    residents: int
    invited: int
    activated: int
    with_account: int


def invitation_activation(*, user: Actor, community: Community) -> list[ActivationRow]:
    """Per building: residents (not moved out), how many were invited, how many of those have activated (verified
    an account), and how many have an account at all. Residents without a building come last."""
    if not rules.can_invite_residents(user, community):
        raise NotAllowed(_("You may not see this community's invitations."))
    rows = (
        Resident.objects.filter(community=community, moved_out_on__isnull=True)
        .values("household__building_id", "household__building__name")
        .annotate(
            residents=Count("pk", distinct=True),
            invited=Count("pk", filter=Q(invitations__isnull=False), distinct=True),
            activated=Count("pk", filter=Q(invitations__activated_at__isnull=False), distinct=True),
            with_account=Count("pk", filter=Q(user__isnull=False), distinct=True),
        )
        .order_by("household__building__name")
    )
    result = [
        ActivationRow(
            building=row["household__building__name"] or _("No building"),
            residents=row["residents"],
            invited=row["invited"],
            activated=row["activated"],
            with_account=row["with_account"],
        )
        for row in rows
    ]
    result.sort(key=lambda r: r.building == _("No building"))
    return result

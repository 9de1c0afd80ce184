"""Matters: raised by a resident or lifted from a report, supported, followed, put on the agenda, answered, rated."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotFound
from linli.people.models import Resident
from linli.places.models import Community, Neighbourhood

from .. import points, rules
from ..models import Follow, Matter, MatterKind, Origin, Rating, Support
from .common import _casework_staff, _follow, _now, _require, _resident, _tell, _tell_followers, settings_for


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
    actor: Actor,
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
        matter = create_audited(
            actor=actor,
            action="consultation.matter_raise",
            model=Matter,
            community=community,
            kind=kind,
            title=title,
            body=body,
            neighbourhood=_neighbourhood(community, neighbourhood),
            origin_kind=origin,
            raised_by=account_of(actor),
            raised_at=_now(now),
        )
        _follow(matter, account_of(actor))
    return matter


def unknown_reporter() -> DomainError:
    """The same answer for a number nobody has and for someone of another community (no enumeration)."""
    return DomainError(
        _("No one in this community has this mobile number."), field="reporter_mobile", code="unknown_reporter"
    )


def matter_lift_from_report(
    *,
    actor: Actor,
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
                    raised_by=account_of(actor),
                    raised_at=_now(now),
                )
        except IntegrityError:
            raise Conflict(_("This report has already been lifted into a matter."), field="report_ref") from None
        _follow(matter, account_of(actor))
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


def matter_support(*, actor: Actor, matter: Matter, now: dt.datetime | None = None) -> Support:
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
        matter.support_count += 1  # the row is locked: no one else has changed it
        _follow(matter, account_of(actor))
        audit_record(
            actor=actor,
            action="consultation.matter_support",
            instance=support,
            community=community,
            after={"matter": matter.pk, "resident": resident.pk, "support_count": matter.support_count},
        )
        points.support_earned(support=support, actor=actor, now=now)
        if matter.can_be_put_on_agenda() and matter.support_count >= config.agenda_threshold:
            _put_on_agenda(matter, now=now, by_threshold=True)
    return support


def matter_support_withdraw(*, actor: Actor, matter: Matter) -> None:
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


def matter_follow(*, actor: Actor, matter: Matter, on: bool = True) -> None:
    _require(rules.can_follow_matter(actor, matter), _("You may not follow this matter."))
    with transaction.atomic():
        if on:
            _follow(matter, account_of(actor))
        else:
            Follow.objects.filter(matter=matter, user=account_of(actor)).delete()


def matter_put_on_agenda(*, actor: Actor, matter: Matter, now: dt.datetime | None = None) -> Matter:
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


def matter_answer(*, actor: Actor, matter: Matter, response: str, now: dt.datetime | None = None) -> Matter:
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
        save_audited(
            actor=actor,
            action="consultation.matter_answer",
            instance=matter,
            before=before,
            update_fields=["status", "response", "answered_at"],
        )
        _tell_followers(matter, gettext_lazy("Your matter has been answered: %(title)s"), response[:200])
    return matter


def matter_rate(
    *, actor: Actor, matter: Matter, score: int, comment: str = "", now: dt.datetime | None = None
) -> Rating:
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

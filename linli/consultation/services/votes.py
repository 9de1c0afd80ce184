"""Votes: created, ballots cast, closed."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.places.models import Community, Neighbourhood

from .. import points, rules
from ..models import Ballot, Eligibility, Matter, Vote, VoteOption
from .common import _now, _require, _resident, _tell_followers
from .matters import _neighbourhood


def vote_create(
    *,
    actor: Actor,
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
    now: dt.datetime | None = None,
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
            created_by=account_of(actor),
            created_at=_now(now),
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


def ballot_cast(*, actor: Actor, vote: Vote, option: VoteOption, now: dt.datetime | None = None) -> Ballot:
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
        points.vote_earned(vote=vote, resident=resident, actor=actor, now=now)
    return ballot


def vote_close(*, actor: Actor, vote: Vote, now: dt.datetime | None = None) -> Vote:
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

"""Grant rounds and what happens in them: opened, moved through review and closing, applied to, scored, decided."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.validators import text_clean
from linli.facilities.money import fen_to_yuan
from linli.notifications.services import in_language_of, notify
from linli.partners.models import Partner
from linli.places.models import Community

from .. import rules, selectors
from ..models import Application, Category, ConflictDeclaration, GrantRound, Review
from .common import _fen


def round_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    budget_fen: int,
    opens_on: dt.date,
    closes_on: dt.date,
    categories: list[str] | None = None,
    min_reviews: int = 3,
    reviewers: list[Any] | None = None,
) -> GrantRound:
    if not rules.can_manage_fund(actor, community):
        raise NotAllowed(_("You may not open grant rounds for this community's fund."))
    name = text_clean(name, "name", 80)
    budget_fen = _fen(budget_fen, "budget_fen")
    categories = categories or list(Category.values)
    if not set(categories) <= set(Category.values):
        raise DomainError(_("Unknown category."), field="categories")
    if closes_on < opens_on:
        raise DomainError(_("A round must close after it opens."), field="closes_on")
    if not 1 <= min_reviews <= 9:
        raise DomainError(_("Between 1 and 9 reviews are needed."), field="min_reviews")
    if GrantRound.objects.filter(community=community, name=name).exists():
        raise DomainError(_("A round of this name already exists."), field="name", code="duplicate")
    with transaction.atomic():
        grant_round = create_audited(
            actor=actor,
            action="fund.round_create",
            model=GrantRound,
            community=community,
            name=name,
            budget_fen=budget_fen,
            opens_on=opens_on,
            closes_on=closes_on,
            categories=categories,
            min_reviews=min_reviews,
        )
        if reviewers:
            grant_round.reviewers.set(reviewers)
    return grant_round


def _round_locked(*, actor: Actor, grant_round: GrantRound) -> GrantRound:
    """The round's row, locked for a change of status by the fund's staff (call inside a transaction)."""
    if not rules.can_manage_fund(actor, grant_round.community):
        raise NotAllowed(_("You may not change the status of this community's grant rounds."))
    return GrantRound.objects.select_for_update().get(pk=grant_round.pk)


def _round_move(*, actor: Actor, grant_round: GrantRound, to: str, action: str) -> GrantRound:
    """Record the locked round's new status, with its audit row (call inside the transaction that locked it)."""
    before = snapshot(grant_round)
    grant_round.status = to
    save_audited(actor=actor, action=action, instance=grant_round, before=before, update_fields=["status"])
    return grant_round


def _wrong_status(grant_round: GrantRound, message: str) -> Conflict:
    return Conflict(message % {"status": grant_round.get_status_display()}, code="invalid_transition")


def round_start_review(*, actor: Actor, grant_round: GrantRound) -> GrantRound:
    """OPEN -> REVIEWING: the round takes no more applications; reviewers go on scoring, the staff deciding."""
    with transaction.atomic():
        locked = _round_locked(actor=actor, grant_round=grant_round)
        if not rules.round_can_start_review(locked):
            raise _wrong_status(
                locked, _("Only a round open for applications can start its review; this round is “%(status)s”.")
            )
        return _round_move(
            actor=actor, grant_round=locked, to=GrantRound.Status.REVIEWING, action="fund.round_start_review"
        )


def round_close(*, actor: Actor, grant_round: GrantRound) -> GrantRound:
    """REVIEWING -> CLOSED, once every application is approved or rejected: no more scores or decisions. The
    approved grants are still paid in tranches and still report on their projects."""
    with transaction.atomic():
        locked = _round_locked(actor=actor, grant_round=grant_round)
        if locked.status != GrantRound.Status.REVIEWING:
            raise _wrong_status(locked, _("Only a round under review can be closed; this round is “%(status)s”."))
        undecided = selectors.undecided_count(grant_round=locked)
        if not rules.round_can_close(locked, undecided):
            raise Conflict(
                ngettext(
                    "%(n)s application is still undecided: approve or reject it before closing the round.",
                    "%(n)s applications are still undecided: approve or reject them before closing the round.",
                    undecided,
                )
                % {"n": undecided},
                code="undecided_applications",
                details={"undecided": undecided},
            )
        return _round_move(actor=actor, grant_round=locked, to=GrantRound.Status.CLOSED, action="fund.round_close")


def round_reopen(*, actor: Actor, grant_round: GrantRound, now: dt.datetime | None = None) -> GrantRound:
    """REVIEWING -> OPEN, while the round's closing date has not passed: applications are taken again."""
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        locked = _round_locked(actor=actor, grant_round=grant_round)
        if locked.status != GrantRound.Status.REVIEWING:
            raise _wrong_status(locked, _("Only a round under review can be reopened; this round is “%(status)s”."))
        if not rules.round_can_reopen(locked, today):
            raise Conflict(
                _("The round closed for applications on %(date)s; it cannot take applications again.")
                % {"date": locked.closes_on.isoformat()},
                code="past_closing_date",
            )
        return _round_move(actor=actor, grant_round=locked, to=GrantRound.Status.OPEN, action="fund.round_reopen")


def application_submit(
    *,
    actor: Actor,
    grant_round: GrantRound,
    applicant: Partner,
    title: str,
    category: str,
    summary: str,
    requested_fen: int,
    now: dt.datetime | None = None,
) -> Application:
    now = now or timezone.now()
    if applicant.community_id != grant_round.community_id:
        raise NotFound(_("No such partner."), field="applicant")
    if not rules.can_apply_for(actor, applicant):
        raise NotAllowed(_("Only the partner's own staff (or the community) may apply in its name."))
    today = timezone.localdate(now)
    if not rules.round_takes_applications(grant_round, today):
        raise DomainError(_("This round is not open for applications."), code="round_closed")
    if category not in grant_round.categories:
        raise DomainError(_("This round does not fund that category."), field="category")
    requested_fen = _fen(requested_fen, "requested_fen")
    if requested_fen > grant_round.budget_fen:
        raise DomainError(_("You cannot ask for more than the round's whole budget."), field="requested_fen")
    with transaction.atomic():
        # The round's row is locked so an application cannot slip in while the round moves on to its review.
        if not rules.round_takes_applications(GrantRound.objects.select_for_update().get(pk=grant_round.pk), today):
            raise DomainError(_("This round is not open for applications."), code="round_closed")
        application = create_audited(
            actor=actor,
            action="fund.apply",
            model=Application,
            community=grant_round.community,
            round=grant_round,
            applicant=applicant,
            title=text_clean(title, "title", 100),
            category=category,
            summary=text_clean(summary, "summary", 4000),
            requested_fen=requested_fen,
            submitted_by=account_of(actor),
            submitted_at=now,
        )
    return application


def review_score(
    *, actor: Actor, application: Application, score: int, comment: str = "", now: dt.datetime | None = None
) -> Review:
    """A round's reviewer scores an application, once. A reviewer with a conflict of interest (staff of the
    applicant, a partner in a shared project, a declared conflict) is refused and nothing is recorded."""
    if not rules.is_reviewer(actor, application.round):
        raise NotAllowed(_("You are not a reviewer of this round."))
    reasons = selectors.conflicts_of(reviewer=actor, application=application)
    if reasons:
        raise NotAllowed(
            _("You have a conflict of interest with this applicant and may not score it: %(why)s")
            % {"why": "; ".join(reasons)},
            code="conflict_of_interest",
        )
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise DomainError(_("Give a whole score from 0 to 100."), field="score")
    comment = text_clean(comment, "comment", 2000, required=False)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not rules.round_takes_scores(GrantRound.objects.get(pk=locked.round_id)):
            raise Conflict(_("This round is closed: it takes no more scores."), code="round_closed")
        if locked.status != Application.Status.SUBMITTED:
            raise Conflict(_("This application has already been decided."), code="decided")
        if Review.objects.filter(application=locked, reviewer=account_of(actor)).exists():
            raise Conflict(_("You have already scored this application."), code="already_reviewed")
        review = Review.objects.create(
            application=locked,
            reviewer=account_of(actor),
            score=score,
            comment=comment,
            created_at=now or timezone.now(),
        )
        audit_record(
            actor=actor, action="fund.review", instance=review, community=locked.community, after=snapshot(review)
        )
    return review


def conflict_declare(*, actor: Actor, application: Application, reason: str) -> ConflictDeclaration:
    """A round's reviewer declares a tie to the applicant that the register does not show (family, a former
    employer…); from then on the reviewer may not score that partner's applications. Declaring twice is
    refused."""
    if not rules.is_reviewer(actor, application.round):
        raise NotAllowed(_("You are not a reviewer of this round."))
    reason = text_clean(reason, "reason", 200)
    if Review.objects.filter(application=application, reviewer=account_of(actor)).exists():
        raise Conflict(_("You have already scored this application."), code="already_reviewed")
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(
            reviewer=actor,
            partner=application.applicant,
            defaults={"community": application.community, "reason": reason},
        )
        if not created:
            raise Conflict(_("You have already declared a conflict with this applicant."), code="already_declared")
        audit_record(
            actor=actor,
            action="fund.conflict_declare",
            instance=declaration,
            community=application.community,
            after=snapshot(declaration),
        )
    return declaration


def application_decide(
    *,
    actor: Actor,
    application: Application,
    approve: bool,
    approved_fen: int = 0,
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Approve (with an amount up to the request and within the round's remaining budget) or reject, once the
    round's number of reviews is in."""
    community = application.community
    if not rules.can_manage_fund(actor, community):
        raise NotAllowed(_("You may not decide grant applications."))
    note = text_clean(note, "note", 300, required=False)
    if approve:
        approved_fen = _fen(approved_fen, "approved_fen")
    elif not note:
        raise DomainError(_("Give the applicant a reason for the rejection."), field="note", code="reason_required")
    with transaction.atomic():
        grant_round = GrantRound.objects.select_for_update().get(pk=application.round_id)
        if not rules.round_takes_decisions(grant_round):
            raise Conflict(_("This round is closed: it takes no more decisions."), code="round_closed")
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            raise Conflict(_("This application has already been decided."), code="decided")
        reviews = locked.reviews.count()
        if reviews < grant_round.min_reviews:
            raise DomainError(
                _("%(n)s of %(m)s reviews are in; decide when all are.") % {"n": reviews, "m": grant_round.min_reviews},
                code="reviews_missing",
            )
        if approve:
            if approved_fen > locked.requested_fen:
                raise DomainError(_("A grant cannot be larger than what was asked for."), field="approved_fen")
            committed = (
                Application.objects.filter(
                    round=grant_round, status__in=[Application.Status.APPROVED, Application.Status.COMPLETED]
                ).aggregate(s=Sum("approved_fen"))["s"]
                or 0
            )
            if committed + approved_fen > grant_round.budget_fen:
                raise DomainError(
                    _("The round has ¥%(left)s left of its budget.")
                    % {"left": fen_to_yuan(grant_round.budget_fen - committed)},
                    field="approved_fen",
                    code="over_budget",
                )
        before = snapshot(locked)
        locked.status = Application.Status.APPROVED if approve else Application.Status.REJECTED
        locked.approved_fen = approved_fen if approve else 0
        locked.decided_by = account_of(actor)
        locked.decided_at = now or timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "approved_fen", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action="fund.decide", instance=locked, before=before, after=snapshot(locked))
        if locked.submitted_by:
            with in_language_of(locked.submitted_by):
                title = (_("Grant approved: %(t)s") if approve else _("Grant not approved: %(t)s")) % {
                    "t": locked.title
                }
            notify(
                user=locked.submitted_by, community=community, url=f"/fund/{community.code}/", title=title, body=note
            )
    return locked

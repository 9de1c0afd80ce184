"""Reads for the community fund. Every yuan shown is summed from ledger entries."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor, account_of
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.ledger.codes import FundingCode
from linli.ledger.models import Account, AccountKind, Entry, TransactionKind, Unit
from linli.partners.models import Contribution, Partner, Project
from linli.places.models import Community

from . import rules
from .models import Application, ConflictDeclaration, Donation, GrantRound, Review, Tranche


def fund_account_find(community: Community) -> Account | None:
    """The fund's money account (`services.fund_account`), or None before the community has one."""
    return Account.objects.filter(
        community=community, kind=AccountKind.FUNDING, code=FundingCode.COMMUNITY_FUND, unit=Unit.FEN
    ).first()


def conflicts_of(*, reviewer: Any, application: Application) -> list[str]:
    """Why this reviewer may not score this application (empty: no conflict). Explicitly modelled: the
    reviewer acts for the applicant, is the applicant, submitted the application, works for a partner that
    shares a partnership project with the applicant, or declared a conflict with the applicant."""
    reasons: list[str] = []
    applicant = application.applicant
    if rules.is_partner_member(reviewer, applicant):
        reasons.append(_("you act for the applicant"))
    if application.submitted_by_id == reviewer.pk:
        reasons.append(_("you submitted this application"))
    mine = Partner.objects.filter(
        Q(members=reviewer) | Q(resident__user=reviewer), community=application.community
    ).exclude(pk=applicant.pk)
    shared = Project.objects.filter(Q(lead=applicant) | Q(co_partners=applicant)).filter(
        Q(lead__in=mine) | Q(co_partners__in=mine)
    )
    for partner in mine.filter(Q(led_projects__in=shared) | Q(joined_projects__in=shared)).distinct():
        reasons.append(_("your organisation %(p)s is a partner of the applicant in a project") % {"p": partner.name})
    for declared in ConflictDeclaration.objects.filter(reviewer=reviewer, partner=applicant):
        reasons.append(_("declared: %(r)s") % {"r": declared.reason})
    return reasons


@dataclass(frozen=True)
class ProjectMoney:
    application: Application
    approved_fen: int
    paid_fen: int
    spent_fen: int


@dataclass(frozen=True)
class FundSummary:
    raised_fen: int
    donations: int
    granted_fen: int
    grants: int
    paid_fen: int
    spent_fen: int
    held_fen: int
    projects: list[ProjectMoney]


def _sum(qs: QuerySet[Entry]) -> int:
    return int(qs.aggregate(s=Sum("amount"))["s"] or 0)


def fund_summary(*, community: Community, until: dt.datetime | None = None) -> FundSummary:
    """Public: raised (deposits into the fund), granted (approved), paid (into grant accounts) and spent
    (out of grant accounts), per project, all but `granted` summed from ledger entries. With `until`, as things
    stood then: only what happened before it (a past month's figures read as they were)."""
    fund = fund_account_find(community)
    entries = Entry.objects.filter(transaction__occurred_at__lt=until) if until else Entry.objects.all()
    raised = _sum(entries.filter(account=fund, amount__gt=0, transaction__kind=TransactionKind.DEPOSIT))
    reversed_deposits = _sum(
        entries.filter(
            account=fund,
            amount__lt=0,
            transaction__kind=TransactionKind.REVERSAL,
            transaction__reverses__kind=TransactionKind.DEPOSIT,
        )
    )
    decided = Application.objects.filter(
        community=community, status__in=[Application.Status.APPROVED, Application.Status.COMPLETED]
    )
    if until:
        decided = decided.filter(decided_at__lt=until)
    grants = list(decided.select_related("applicant", "round").order_by("-decided_at", "pk"))
    accounts = {
        a.code: a
        for a in Account.objects.filter(community=community, kind=AccountKind.EXTERNAL, code__startswith="grant:")
    }
    flows = {
        row["account_id"]: row
        for row in entries.filter(account__in=accounts.values())
        .values("account_id")
        .annotate(paid=Sum("amount", filter=Q(amount__gt=0)), spent=Sum("amount", filter=Q(amount__lt=0)))
    }
    projects = []
    for application in grants:
        account = accounts.get(f"grant:{application.pk}")
        row = flows.get(account.pk, {}) if account else {}
        projects.append(
            ProjectMoney(application, application.approved_fen, int(row.get("paid") or 0), -int(row.get("spent") or 0))
        )
    donations = Donation.objects.filter(community=community)
    if until:
        donations = donations.filter(received_on__lt=until.date())
    held = _sum(entries.filter(account=fund)) if until else (fund.balance if fund is not None else 0)
    return FundSummary(
        raised_fen=raised + reversed_deposits,
        donations=donations.count(),
        granted_fen=sum(p.approved_fen for p in projects),
        grants=len(projects),
        paid_fen=sum(p.paid_fen for p in projects),
        spent_fen=sum(p.spent_fen for p in projects),
        held_fen=held,
        projects=projects,
    )


def donations_public(*, community: Community) -> QuerySet[Donation]:
    return Donation.objects.filter(community=community).order_by("-received_on", "-pk")


def rounds_of(*, community: Community) -> QuerySet[GrantRound]:
    return GrantRound.objects.filter(community=community)


def _admitted(user: Actor, application: Application) -> None:
    """An application is read by the fund's staff, the round's reviewers and the applicant's members; to anyone
    else it does not exist."""
    if not (
        rules.can_view_fund_books(user, application.community)
        or rules.is_reviewer(user, application.round)
        or rules.is_partner_member(user, application.applicant)
    ):
        raise NotFound(_("No such application."))


def application_get(*, user: Actor, community: Community, pk: int) -> Application:
    application = (
        Application.objects.filter(community=community, pk=pk).select_related("community", "applicant", "round").first()
    )
    if application is None:
        raise NotFound(_("No such application."))
    _admitted(user, application)
    return application


def to_review(*, user: Actor, community: Community) -> list[tuple[Application, list[str], bool]]:
    """Applications of the rounds the user reviews: (application, conflicts, already scored)."""
    rows = []
    for application in Application.objects.filter(
        community=community, round__reviewers=account_of(user), status=Application.Status.SUBMITTED
    ).select_related("applicant", "round"):
        scored = application.reviews.filter(reviewer=account_of(user)).exists()
        rows.append((application, conflicts_of(reviewer=user, application=application), scored))
    return rows


# --- the pages' and the API's reads ---------------------------------------------------------------------


def donations_for_books(*, user: Actor, community: Community) -> QuerySet[Donation]:
    """Every donation with its donor's name (also the anonymous ones): for the fund's books."""
    if not rules.can_view_fund_books(user, community):
        raise NotAllowed(_("Only the community's staff see the fund's books."))
    return Donation.objects.filter(community=community).select_related("transaction", "partner", "recorded_by")


def donation_get(*, user: Actor, community: Community, pk: int) -> Donation:
    return first_or_not_found(donations_for_books(user=user, community=community).filter(pk=pk), _("No such donation."))


def round_get(*, community: Community, pk: int) -> GrantRound:
    """A round of the community: its name, categories, budget and dates are public to the community."""
    return first_or_not_found(GrantRound.objects.filter(community=community, pk=pk), _("No such grant round."))


def undecided_count(*, grant_round: GrantRound) -> int:
    """The round's applications still waiting to be approved or rejected."""
    return Application.objects.filter(round=grant_round, status=Application.Status.SUBMITTED).count()


@dataclass(frozen=True)
class RoundMoves:
    """Which changes of status the user may make to the round now, and what holds its closing back."""

    start_review: bool
    close: bool
    reopen: bool
    undecided: int

    @property
    def any(self) -> bool:
        return self.start_review or self.close or self.reopen


def round_moves(*, user: Actor, grant_round: GrantRound, today: dt.date) -> RoundMoves:
    undecided = undecided_count(grant_round=grant_round)
    if not rules.can_manage_fund(user, grant_round.community):
        return RoundMoves(start_review=False, close=False, reopen=False, undecided=undecided)
    return RoundMoves(
        start_review=rules.round_can_start_review(grant_round),
        close=rules.round_can_close(grant_round, undecided),
        reopen=rules.round_can_reopen(grant_round, today),
        undecided=undecided,
    )


def open_rounds(*, community: Community, today: dt.date) -> QuerySet[GrantRound]:
    return GrantRound.objects.filter(
        community=community, status=GrantRound.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    ).order_by("closes_on", "pk")


def round_applications(*, user: Actor, grant_round: GrantRound) -> QuerySet[Application]:
    """A round's applications with their mean score and number of reviews, each review with its reviewer: for
    the fund's staff and the round's reviewers."""
    if not rules.can_view_round_applications(user, grant_round):
        raise NotAllowed(_("Only the fund's staff and the round's reviewers see its applications."))
    return (
        Application.objects.filter(round=grant_round)
        .select_related("applicant")
        .annotate(mean_score=Avg("reviews__score"), review_count=Count("reviews"))
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("reviewer")))
        .order_by("-submitted_at", "-pk")
    )


def partners_for(*, user: Actor, community: Community) -> QuerySet[Partner]:
    """The partners the user may apply in the name of: the ones they act for (or, for the fund's staff, all)."""
    partners = Partner.objects.filter(community=community, active=True)
    if rules.can_manage_fund(user, community):
        return partners
    if not user.is_authenticated:
        return partners.none()
    return partners.filter(Q(members=user) | Q(resident__user=user)).distinct()


def my_applications(*, user: Actor, community: Community) -> QuerySet[Application]:
    """Applications the user submitted or made in the name of a partner they act for."""
    if not user.is_authenticated:
        return Application.objects.none()
    mine = Partner.objects.filter(Q(members=user) | Q(resident__user=user), community=community)
    return (
        Application.objects.filter(Q(submitted_by=user) | Q(applicant__in=mine), community=community)
        .select_related("applicant", "round")
        .distinct()
        .order_by("-submitted_at", "-pk")
    )


@dataclass(frozen=True)
class ApplicationMoney:
    paid_fen: int
    spent_fen: int

    def left_to_pay(self, application: Application) -> int:
        return max(application.approved_fen - self.paid_fen, 0)


def application_money(application: Application) -> ApplicationMoney:
    paid = Tranche.objects.filter(application=application).aggregate(s=Sum("amount_fen"))["s"] or 0
    spent = application.reports.aggregate(s=Sum("spent_fen"))["s"] or 0
    return ApplicationMoney(paid_fen=int(paid), spent_fen=int(spent))


def reviewer_choices(*, community: Community) -> QuerySet[User]:
    """Who may be asked to review: accounts with a role in the community or its street."""
    return (
        User.objects.filter(Q(roles__community=community) | Q(roles__street_id=community.street_id), is_active=True)
        .distinct()
        .order_by("display_name", "pk")
    )


def donor_partners(*, user: Actor, community: Community) -> QuerySet[Partner]:
    """The partners a donation may come from (offered to the fund's staff recording it)."""
    if not rules.can_manage_fund(user, community):
        return Partner.objects.none()
    return Partner.objects.filter(community=community)


def partner_get(*, community: Community, pk: int, field: str | None = None) -> Partner:
    """A partner of this community named in a request. No acting user: the service it is given to checks what the
    user may do with it (record its donation, apply for it)."""
    return first_or_not_found(Partner.objects.filter(community=community, pk=pk), _("No such partner."), field=field)


def tranches_of(*, user: Actor, application: Application) -> QuerySet[Tranche]:
    """The tranches paid to an application, for those who may read it (as `application_get`)."""
    _admitted(user, application)
    return Tranche.objects.filter(application=application).select_related("transaction")


def reviewers_chosen(*, community: Community, ids: list[int]) -> list[User]:
    """The accounts named as a round's reviewers, among those who may be asked (`reviewer_choices`)."""
    return list(reviewer_choices(community=community).filter(pk__in=ids))


def round_is_open(*, grant_round: GrantRound, today: dt.date) -> bool:
    """Whether the round takes applications today."""
    return GrantRound.objects.filter(
        pk=grant_round.pk, status=GrantRound.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    ).exists()


def reviews_of(*, user: Actor, application: Application) -> list[Review]:
    """The reviews of an application, for those who may read it (as `application_get`; the page shows the scores
    only to those who may see the fund's books)."""
    _admitted(user, application)
    return list(application.reviews.select_related("reviewer"))


def money_contributions(*, user: Actor, community: Community) -> QuerySet[Any]:
    """Partners' contributions of money to the community's projects, pledged or delivered, with the donation
    that received each into the fund (if any): for the fund's books."""
    if not rules.can_view_fund_books(user, community):
        raise NotAllowed(_("Only the community's staff see the fund's books."))
    return (
        Contribution.objects.filter(
            project__community=community,
            kind=Contribution.Kind.MONEY,
            partner__isnull=False,
            status__in=[Contribution.Status.PLEDGED, Contribution.Status.DELIVERED],
        )
        .select_related("partner", "project", "donation")
        .order_by("-pk")
    )


def money_contribution_get(*, user: Actor, community: Community, pk: int) -> Any:
    return first_or_not_found(
        money_contributions(user=user, community=community).filter(pk=pk), _("No such contribution.")
    )

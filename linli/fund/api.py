"""Fund API: the public summary (no login); donations, rounds, applications, reviews, tranches and reports for
the community's staff, applicants and reviewers. Scoped to a community the user may see (else 404); a role
that may not act is refused with 403; every error has the one shape."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotFound
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Application, Donation, GrantRound, ProjectReport, Tranche
from .schemas import (
    ContributionMoneyOut,
    DonationIn,
    DonationOut,
    FundApplicationIn,
    FundApplicationOut,
    FundDecisionIn,
    FundReportIn,
    FundReportOut,
    ReviewOut,
    RoundIn,
    RoundOut,
    ScoredApplicationOut,
    ScoreIn,
    SummaryOut,
    TrancheIn,
    TrancheOut,
)

router = Router(tags=["fund"])
BASE = "/fund/{code}"


def _key(request: HttpRequest, body_key: str) -> str:
    return request.headers.get("Idempotency-Key", "").strip() or body_key


def donation_out(d: Donation) -> dict[str, Any]:
    names = ("receipt_no", "donor_kind", "donor_name", "anonymous", "amount_fen", "received_on", "purpose")
    return {"id": d.pk, **{k: getattr(d, k) for k in names}, "transaction_id": d.transaction_id}


def round_out(r: GrantRound) -> dict[str, Any]:
    names = ("budget_fen", "opens_on", "closes_on", "status", "min_reviews")
    return {"id": r.pk, "name": r.name, "categories": list(r.categories), **{k: getattr(r, k) for k in names}}


def application_out(a: Application) -> dict[str, Any]:
    names = ("title", "category", "summary", "requested_fen", "approved_fen", "status", "submitted_at", "decided_at")
    return {
        "id": a.pk,
        "round_id": a.round_id,
        "applicant": a.applicant.name,
        **{k: getattr(a, k) for k in names},
        "decision_note": a.decision_note,
    }


# --- public ---------------------------------------------------------------------------------------------


@router.get(BASE + "/summary", response=SummaryOut, auth=None)
def summary(request: HttpRequest, code: str) -> dict[str, Any]:
    s = selectors.fund_summary(community=get_object_or_404(Community, code=code))
    return {
        **{
            k: getattr(s, k)
            for k in ("raised_fen", "donations", "granted_fen", "grants", "paid_fen", "spent_fen", "held_fen")
        },
        "projects": [
            {
                "id": p.application.pk,
                "title": p.application.title,
                "applicant": p.application.applicant.name,
                "category": p.application.category,
                "approved_fen": p.approved_fen,
                "paid_fen": p.paid_fen,
                "spent_fen": p.spent_fen,
            }
            for p in s.projects
        ],
    }


# --- donations ------------------------------------------------------------------------------------------


@router.get(BASE + "/donations", response=list[DonationOut], auth=AUTH)
def donation_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [donation_out(d) for d in selectors.donations_for_books(user=request.user, community=community)[:500]]


@router.post(BASE + "/donations", response={200: DonationOut, 201: DonationOut}, auth=AUTH)
def donation_create(request: HttpRequest, code: str, payload: DonationIn) -> Status:
    community = community_get(code=code, user=request.user)
    now = timezone.now()
    partner = (
        selectors.partner_get(community=community, pk=payload.partner_id, field="partner_id")
        if payload.partner_id is not None
        else None
    )
    donation = services.donation_record(
        actor=request.user,
        community=community,
        idempotency_key=_key(request, payload.idempotency_key),
        partner=partner,
        now=now,
        **payload.dict(exclude={"partner_id", "idempotency_key"}),
    )
    return Status(201 if donation.transaction.occurred_at == now else 200, donation_out(donation))


@router.get(BASE + "/contributions", response=list[ContributionMoneyOut], auth=AUTH)
def contribution_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Partners' money contributions to the community's projects, and the donation that received each."""
    community = community_get(code=code, user=request.user)
    return [
        {
            "id": c.pk,
            "partner": c.partner.name,
            "project": c.project.title,
            "value_fen": c.value_fen,
            "status": c.status,
            "donation_id": getattr(getattr(c, "donation", None), "pk", None),
        }
        for c in selectors.money_contributions(user=request.user, community=community)[:500]
    ]


@router.post(BASE + "/contributions/{pk}/receive", response={201: DonationOut}, auth=AUTH)
def contribution_receive(request: HttpRequest, code: str, pk: int) -> Status:
    """A partner's delivered money contribution is paid into the fund's ledger account (once)."""
    community = community_get(code=code, user=request.user)
    contribution = selectors.money_contribution_get(user=request.user, community=community, pk=pk)
    return Status(201, donation_out(services.contribution_receive(actor=request.user, contribution=contribution)))


# --- rounds ---------------------------------------------------------------------------------------------


@router.get(BASE + "/rounds", response=list[RoundOut], auth=AUTH)
def round_list(request: HttpRequest, code: str, open_only: bool = False) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    rounds: QuerySet[GrantRound] = (
        selectors.open_rounds(community=community, today=timezone.localdate())
        if open_only
        else selectors.rounds_of(community=community)
    )
    return [round_out(r) for r in rounds]


@router.post(BASE + "/rounds", response={201: RoundOut}, auth=AUTH)
def round_create(request: HttpRequest, code: str, payload: RoundIn) -> Status:
    community = community_get(code=code, user=request.user)
    chosen = selectors.reviewers_chosen(community=community, ids=payload.reviewer_ids)
    if len(chosen) != len(set(payload.reviewer_ids)):
        raise NotFound(_("A reviewer must have a role in this community."), field="reviewer_ids")
    grant_round = services.round_create(
        actor=request.user, community=community, reviewers=chosen, **payload.dict(exclude={"reviewer_ids"})
    )
    return Status(201, round_out(grant_round))


@router.get(BASE + "/rounds/{pk}", response=RoundOut, auth=AUTH)
def round_get(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return round_out(selectors.round_get(community=community, pk=pk))


@router.post(BASE + "/rounds/{pk}/start-review", response=RoundOut, auth=AUTH)
def round_start_review(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    """The round takes no more applications; its reviewers go on scoring and the staff deciding."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    return round_out(services.round_start_review(actor=request.user, grant_round=grant_round))


@router.post(BASE + "/rounds/{pk}/close", response=RoundOut, auth=AUTH)
def round_close(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    """Close a round under review once every application is decided (else 409, code `undecided_applications`)."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    return round_out(services.round_close(actor=request.user, grant_round=grant_round))


@router.post(BASE + "/rounds/{pk}/reopen", response=RoundOut, auth=AUTH)
def round_reopen(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    """Take applications again, while the round's closing date has not passed."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    return round_out(services.round_reopen(actor=request.user, grant_round=grant_round))


# --- applications ---------------------------------------------------------------------------------------


@router.post(BASE + "/rounds/{pk}/applications", response={201: FundApplicationOut}, auth=AUTH)
def application_submit(request: HttpRequest, code: str, pk: int, payload: FundApplicationIn) -> Status:
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    applicant = selectors.partner_get(community=community, pk=payload.partner_id, field="partner_id")
    application = services.application_submit(
        actor=request.user, grant_round=grant_round, applicant=applicant, **payload.dict(exclude={"partner_id"})
    )
    return Status(201, application_out(application))


@router.get(BASE + "/rounds/{pk}/applications", response=list[ScoredApplicationOut], auth=AUTH)
def round_applications(request: HttpRequest, code: str, pk: int) -> list[dict[str, Any]]:
    """A round's applications with their scores: every reviewer's for the fund's staff; for a reviewer, the mean
    and count only."""
    community = community_get(code=code, user=request.user)
    grant_round = selectors.round_get(community=community, pk=pk)
    rows = selectors.round_applications(user=request.user, grant_round=grant_round)
    each = rules.can_view_fund_books(request.user, community)
    return [
        {
            **application_out(a),
            "mean_score": a.mean_score,  # type: ignore[attr-defined]
            "review_count": a.review_count,  # type: ignore[attr-defined]
            "reviews": [{"reviewer": str(r.reviewer), "score": r.score, "comment": r.comment} for r in a.reviews.all()]
            if each
            else None,
        }
        for a in rows
    ]


@router.get(BASE + "/applications/mine", response=list[FundApplicationOut], auth=AUTH)
def my_applications(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [application_out(a) for a in selectors.my_applications(user=request.user, community=community)]


@router.post(BASE + "/applications/{pk}/decision", response=FundApplicationOut, auth=AUTH)
def application_decide(request: HttpRequest, code: str, pk: int, payload: FundDecisionIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    return application_out(services.application_decide(actor=request.user, application=application, **payload.dict()))


@router.post(BASE + "/applications/{pk}/reviews", response={201: ReviewOut}, auth=AUTH)
def score(request: HttpRequest, code: str, pk: int, payload: ScoreIn) -> Status:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    review = services.review_score(
        actor=request.user, application=application, score=payload.score, comment=payload.comment
    )
    return Status(201, {"id": review.pk, "application": application.pk, "score": review.score})


# --- money out, and reports -----------------------------------------------------------------------------


def tranche_out(t: Tranche) -> dict[str, Any]:
    names = ("number", "amount_fen", "transaction_id", "paid_at")
    return {"id": t.pk, "application": t.application_id, **{k: getattr(t, k) for k in names}}


@router.post(BASE + "/applications/{pk}/tranches", response={200: TrancheOut, 201: TrancheOut}, auth=AUTH)
def tranche_pay(request: HttpRequest, code: str, pk: int, payload: TrancheIn) -> Status:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    now = timezone.now()
    tranche = services.tranche_pay(
        actor=request.user,
        application=application,
        amount_fen=payload.amount_fen,
        idempotency_key=_key(request, payload.idempotency_key),
        now=now,
    )
    return Status(201 if tranche.paid_at == now else 200, tranche_out(tranche))


def report_out(r: ProjectReport) -> dict[str, Any]:
    names = ("period", "spent_fen", "transaction_id", "submitted_at")
    return {"id": r.pk, "application": r.application_id, **{k: getattr(r, k) for k in names}}


@router.post(BASE + "/applications/{pk}/reports", response={201: FundReportOut}, auth=AUTH)
def report_submit(request: HttpRequest, code: str, pk: int, payload: FundReportIn) -> Status:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    report = services.report_submit(actor=request.user, application=application, **payload.dict())
    return Status(201, report_out(report))

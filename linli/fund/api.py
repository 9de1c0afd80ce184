"""Fund API: the public summary (no login), and scoring for reviewers."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from linli.core.api import AUTH
from linli.places.models import Community

from . import selectors, services

router = Router(tags=["fund"])


class ProjectOut(Schema):
    id: int
    title: str
    applicant: str
    category: str
    approved_fen: int
    paid_fen: int
    spent_fen: int


class SummaryOut(Schema):
    raised_fen: int
    donations: int
    granted_fen: int
    grants: int
    paid_fen: int
    spent_fen: int
    held_fen: int
    projects: list[ProjectOut]


class ScoreIn(Schema):
    score: int = Field(ge=0, le=100)
    comment: str = Field(default="", max_length=2000)


class ReviewOut(Schema):
    id: int
    application: int
    score: int


@router.get("/fund/{code}/summary", response=SummaryOut, auth=None)
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


@router.post("/fund/{code}/applications/{pk}/reviews", response={201: ReviewOut}, auth=AUTH)
def score(request: HttpRequest, code: str, pk: int, payload: ScoreIn) -> Status:
    community = get_object_or_404(Community, code=code)
    application = selectors.application_get(user=request.user, community=community, pk=pk)
    review = services.review_score(
        actor=request.user, application=application, score=payload.score, comment=payload.comment
    )
    return Status(201, {"id": review.pk, "application": application.pk, "score": review.score})

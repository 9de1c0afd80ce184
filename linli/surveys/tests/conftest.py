"""Survey fixtures: the notices' estate (two buildings, 独居老人 with and without accounts, a family in building 1)
and a helper that builds a three-question survey."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.notices.targeting import NoticeTargets
from linli.notices.tests.conftest import Estate, empty_outbox, estate  # noqa: F401  (fixtures)
from linli.surveys import services
from linli.surveys.models import Question, Survey


def build_survey(
    actor: Any, place: Estate, *, anonymous: bool = True, per: str = Survey.Per.RESIDENT, tags: bool = True
) -> Survey:
    """A survey to building 1's 独居老人: a single choice, a 1–5 scale and an optional free text."""
    survey = services.survey_create(
        actor=actor,
        community=place.community,
        title="助餐需求调研",
        intro="请告诉我们您的需要。",
        anonymous=anonymous,
        per=per,
        closes_at=timezone.now() + dt.timedelta(days=14),
        targets=NoticeTargets(buildings=[place.b1], tags=[place.alone] if tags else []),
    )
    services.question_add(
        actor=actor, survey=survey, kind=Question.Kind.SINGLE, text="您需要送餐上门吗？", options=["需要", "不需要"]
    )
    services.question_add(actor=actor, survey=survey, kind=Question.Kind.SCALE, text="您对现在的助餐服务满意吗？")
    services.question_add(actor=actor, survey=survey, kind=Question.Kind.TEXT, text="还有什么需要？", required=False)
    return survey


def answers_for(survey: Survey, *, choice: int = 0, value: int = 4, text: str = "") -> dict[int, services.Given]:
    q1, q2, q3 = list(survey.questions.order_by("position"))
    given = {
        q1.pk: services.Given(option_ids=[list(q1.options.all())[choice].pk]),
        q2.pk: services.Given(value=value),
    }
    if text:
        given[q3.pk] = services.Given(text=text)
    return given


@pytest.fixture
def social_worker(users: dict[str, Any]) -> Any:
    return users["social_worker"]

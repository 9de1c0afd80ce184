"""Surveys over the API: staff build, open, close and attach a survey and read its results; residents list the
surveys that ask them (or someone they answer for) and answer them."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import RowId
from linli.core.errors import NotAllowed
from linli.notices.selectors import targets_lookup
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Question, Survey

router = Router(tags=["surveys"], auth=AUTH)
BASE = "/communities/{code}/surveys"


class SurveyTargetsIn(Schema):
    neighbourhood_ids: list[RowId] = Field([], max_length=200)
    building_ids: list[RowId] = Field([], max_length=500)
    grid_ids: list[RowId] = Field([], max_length=200)
    age_tiers: list[str] = Field([], max_length=10)
    tags: list[str] = Field([], max_length=20, description="Sensitive tag codes (only for staff who may see them).")


class SurveyIn(Schema):
    title: str = Field(max_length=80)
    intro: str = Field("", max_length=2000)
    anonymous: bool = True
    per: str = Field("resident", description="resident or household: who answers once")
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime
    targets: SurveyTargetsIn | None = None


class SurveyQuestionIn(Schema):
    kind: str = Field(description="single, multiple, scale (1–5) or text")
    text: str = Field(max_length=200)
    required: bool = True
    options: list[str] = Field([], max_length=12)


class SurveyAttachIn(Schema):
    matter_id: RowId | None = Field(None, description="A round-table matter of the community; null detaches.")


class SurveyOptionOut(Schema):
    id: int
    text: str


class SurveyQuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    required: bool
    options: list[SurveyOptionOut]


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    anonymous: bool
    per: str
    status: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime
    published_at: dt.datetime | None
    matter_id: int | None
    recipients: int
    responses: int
    questions: list[SurveyQuestionOut]


class SurveyOptionResultOut(Schema):
    label: str
    count: int
    share: float


class SurveyQuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    answered: int
    options: list[SurveyOptionResultOut]
    average: float | None
    texts: list[str]
    named_texts: list[dict[str, str]] = Field(description="Only for a survey that is not anonymous.")


class SurveyResultsOut(Schema):
    id: int
    title: str
    anonymous: bool
    responses: int
    recipients: int
    questions: list[SurveyQuestionResultOut]


class MySurveyOut(Schema):
    id: int
    title: str
    intro: str
    community: str
    anonymous: bool
    per: str
    closes_at: dt.datetime
    resident_id: int
    for_me: bool
    answered: bool
    questions: list[SurveyQuestionOut]


class SurveyAnswerItemIn(Schema):
    question_id: RowId
    option_ids: list[RowId] = Field([], max_length=12)
    value: int | None = Field(None, ge=1, le=5)
    text: str = Field("", max_length=1000)


class SurveyAnswersIn(Schema):
    on_behalf_of: RowId | None = Field(None, description="A resident one may act for (household, family link).")
    answers: list[SurveyAnswerItemIn] = Field(max_length=30)


def _question_out(q: Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "position": q.position,
        "kind": q.kind,
        "text": q.text,
        "required": q.required,
        "options": [{"id": o.pk, "text": o.text} for o in q.options.all()],
    }


def survey_out(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "title": survey.title,
        "intro": survey.intro,
        "anonymous": survey.anonymous,
        "per": survey.per,
        "status": survey.status,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "published_at": survey.published_at,
        "matter_id": survey.matter_id,
        "recipients": getattr(survey, "recipient_count", 0),
        "responses": getattr(survey, "response_count", 0),
        "questions": [_question_out(q) for q in selectors.questions_of(survey=survey)],
    }


def _fields(payload: SurveyIn) -> dict[str, Any]:
    t = payload.targets
    return {
        "title": payload.title,
        "intro": payload.intro,
        "anonymous": payload.anonymous,
        "per": payload.per,
        "opens_at": payload.opens_at,
        "closes_at": payload.closes_at,
        "targets": targets_lookup(
            neighbourhood_ids=t.neighbourhood_ids,
            building_ids=t.building_ids,
            grid_ids=t.grid_ids,
            age_tiers=t.age_tiers,
            tags=t.tags,
        )
        if t is not None
        else None,
    }


def _get(request: HttpRequest, code: str, survey_id: int) -> Survey:
    community = community_get(code=code, user=request.user)
    return selectors.survey_get(user=request.user, community=community, pk=survey_id)


def _fresh(request: HttpRequest, code: str, survey_id: int) -> dict[str, Any]:
    return survey_out(_get(request, code, survey_id))


# --- staff -------------------------------------------------------------------------------------------------------


@router.get(BASE, response=list[SurveyOut])
def survey_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [survey_out(s) for s in selectors.surveys_of_community(user=request.user, community=community)[:200]]


@router.post(BASE, response={201: SurveyOut})
def survey_create(request: HttpRequest, code: str, payload: SurveyIn) -> Status:
    """A draft; add questions, then open it."""
    community = community_get(code=code, user=request.user)
    survey = services.survey_create(actor=request.user, community=community, **_fields(payload))
    return Status(201, _fresh(request, code, survey.pk))


@router.get(BASE + "/{survey_id}", response=SurveyOut)
def survey_detail(request: HttpRequest, code: str, survey_id: RowId) -> dict[str, Any]:
    return _fresh(request, code, survey_id)


@router.put(BASE + "/{survey_id}", response=SurveyOut)
def survey_update(request: HttpRequest, code: str, survey_id: RowId, payload: SurveyIn) -> dict[str, Any]:
    survey = _get(request, code, survey_id)
    services.survey_update(actor=request.user, survey=survey, **_fields(payload))
    return _fresh(request, code, survey_id)


@router.post(BASE + "/{survey_id}/questions", response={201: SurveyQuestionOut})
def question_add(request: HttpRequest, code: str, survey_id: RowId, payload: SurveyQuestionIn) -> Status:
    survey = _get(request, code, survey_id)
    question = services.question_add(
        actor=request.user,
        survey=survey,
        kind=payload.kind,
        text=payload.text,
        required=payload.required,
        options=payload.options,
    )
    return Status(201, _question_out(question))


@router.put(BASE + "/{survey_id}/questions/{question_id}", response=SurveyQuestionOut)
def question_update(
    request: HttpRequest, code: str, survey_id: RowId, question_id: RowId, payload: SurveyQuestionIn
) -> dict[str, Any]:
    """Change a question while the survey is a draft; once it is open (and answered) 409 says why not."""
    survey = _get(request, code, survey_id)
    question = selectors.question_get(survey=survey, pk=question_id)
    changed = services.question_update(
        actor=request.user,
        survey=survey,
        question=question,
        kind=payload.kind,
        text=payload.text,
        required=payload.required,
        options=payload.options,
    )
    return _question_out(changed)


@router.delete(BASE + "/{survey_id}/questions/{question_id}", response={204: None})
def question_remove(request: HttpRequest, code: str, survey_id: RowId, question_id: RowId) -> Status:
    survey = _get(request, code, survey_id)
    question = selectors.question_get(survey=survey, pk=question_id)
    services.question_remove(actor=request.user, survey=survey, question=question)
    return Status(204, None)


@router.post(BASE + "/{survey_id}/publish", response=SurveyOut)
def survey_publish(request: HttpRequest, code: str, survey_id: RowId) -> dict[str, Any]:
    """Open it: the residents it targets today are asked."""
    services.survey_publish(actor=request.user, survey=_get(request, code, survey_id))
    return _fresh(request, code, survey_id)


@router.post(BASE + "/{survey_id}/close", response=SurveyOut)
def survey_close(request: HttpRequest, code: str, survey_id: RowId) -> dict[str, Any]:
    services.survey_close(actor=request.user, survey=_get(request, code, survey_id))
    return _fresh(request, code, survey_id)


@router.post(BASE + "/{survey_id}/attach", response=SurveyOut)
def survey_attach(request: HttpRequest, code: str, survey_id: RowId, payload: SurveyAttachIn) -> dict[str, Any]:
    """Show the results on a round-table matter of the community."""
    survey = _get(request, code, survey_id)
    matter = (
        selectors.matter_to_attach(community=survey.community, pk=payload.matter_id)
        if payload.matter_id is not None
        else None
    )
    services.survey_attach(actor=request.user, survey=survey, matter=matter)
    return _fresh(request, code, survey_id)


@router.get(BASE + "/{survey_id}/results", response=SurveyResultsOut)
def survey_results(request: HttpRequest, code: str, survey_id: RowId) -> dict[str, Any]:
    """Counts and shares per option; free texts, with names only when the survey is not anonymous."""
    survey = _get(request, code, survey_id)
    if not rules.can_view_results(request.user, survey):
        raise NotAllowed(_("You may not see this survey's results."))
    results = selectors.results_of(survey=survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "anonymous": survey.anonymous,
        "responses": results.responses,
        "recipients": results.recipients,
        "questions": [
            {
                "id": r.question.pk,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "options": [{"label": o.label, "count": o.count, "share": o.share} for o in r.options],
                "average": r.average,
                "texts": [text for text, _who in r.texts],
                "named_texts": [] if survey.anonymous else [{"text": t, "resident": w} for t, w in r.texts],
            }
            for r in results.questions
        ],
    }


# --- residents ---------------------------------------------------------------------------------------------------


def _my_out(entry: selectors.OpenSurvey) -> dict[str, Any]:
    s = entry.survey
    return {
        "id": s.pk,
        "title": s.title,
        "intro": s.intro,
        "community": s.community.name,
        "anonymous": s.anonymous,
        "per": s.per,
        "closes_at": s.closes_at,
        "resident_id": entry.resident.pk,
        "for_me": entry.for_me,
        "answered": entry.answered,
        "questions": [_question_out(q) for q in selectors.questions_of(survey=s)],
    }


@router.get("/me/surveys", response=list[MySurveyOut])
def my_survey_list(request: HttpRequest, answered: bool = False) -> list[dict[str, Any]]:
    """Open surveys that ask me or someone I answer for; with answered=true the answered ones too."""
    return [_my_out(e) for e in selectors.open_surveys_for(user=request.user, include_answered=answered)]


@router.get("/me/surveys/{survey_id}", response=MySurveyOut)
def my_survey_detail(request: HttpRequest, survey_id: RowId, on_behalf_of: RowId | None = None) -> dict[str, Any]:
    return _my_out(selectors.my_survey_get(user=request.user, pk=survey_id, resident_id=on_behalf_of))


@router.post("/me/surveys/{survey_id}/answers", response={201: dict[str, bool]})
def my_survey_answer(request: HttpRequest, survey_id: RowId, payload: SurveyAnswersIn) -> Status:
    """Answer once (per resident or per household, as the survey says); a second answer is refused (409)."""
    entry = selectors.my_survey_get(user=request.user, pk=survey_id, resident_id=payload.on_behalf_of)
    given = {
        a.question_id: services.Given(option_ids=list(a.option_ids), value=a.value, text=a.text)
        for a in payload.answers
    }
    services.survey_answer(actor=request.user, survey=entry.survey, resident=entry.resident, given=given)
    return Status(201, {"saved": True})

"""Building, opening and answering a survey: targeting, one answer per resident or household, acting for another,
bad input refused with nothing saved, anonymity, results and the audit of staff writes."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notices.targeting import NoticeTargets
from linli.surveys import selectors, services
from linli.surveys.export import results_workbook
from linli.surveys.models import Answer, Question, Response, Survey, SurveyRecipient

from .conftest import answers_for, build_survey

pytestmark = pytest.mark.django_db


def test_a_survey_asks_the_targeted_residents_only(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    asked = set(SurveyRecipient.objects.filter(survey=survey).values_list("resident_id", flat=True))
    assert asked == {estate.alone_b1.pk, estate.alone_b1_app.pk}
    entries = selectors.open_surveys_for(user=estate.alone_b1_app.user)
    assert [e.survey.pk for e in entries] == [survey.pk] and entries[0].for_me
    assert selectors.open_surveys_for(user=estate.adult_b1.user) == [] or all(
        not e.for_me for e in selectors.open_surveys_for(user=estate.adult_b1.user)
    )
    actions = set(AuditEntry.objects.filter(object_id=str(survey.pk)).values_list("action", flat=True))
    assert {"survey.create", "survey.question_add", "survey.publish"} <= actions


def test_one_answer_per_resident_and_a_clear_refusal(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    user = estate.alone_b1_app.user
    services.survey_answer(actor=user, survey=survey, resident=estate.alone_b1_app, given=answers_for(survey))
    with pytest.raises(Conflict) as exc:
        services.survey_answer(actor=user, survey=survey, resident=estate.alone_b1_app, given=answers_for(survey))
    assert "已经" in str(exc.value.message) or "already" in str(exc.value.message)
    assert Response.objects.filter(survey=survey).count() == 1
    assert selectors.open_surveys_for(user=user) == []


def test_one_answer_per_household_and_answering_for_a_household_member(estate: Any, social_worker: Any) -> None:
    survey = build_survey(social_worker, estate, per=Survey.Per.HOUSEHOLD, tags=False, anonymous=False)
    survey = services.survey_publish(actor=social_worker, survey=survey)
    adult = estate.adult_b1.user
    # 张伟 answers for 陈阿婆 (same household: people.rules.can_act_for allows it)
    services.survey_answer(actor=adult, survey=survey, resident=estate.alone_b1, given=answers_for(survey))
    response = Response.objects.get(survey=survey)
    assert response.resident == estate.alone_b1 and response.answered_by == adult
    with pytest.raises(Conflict, match=r"household|您家"):
        services.survey_answer(actor=adult, survey=survey, resident=estate.adult_b1, given=answers_for(survey))
    assert Response.objects.filter(survey=survey).count() == 1


def test_nobody_answers_for_a_stranger(estate: Any, social_worker: Any, users: dict[str, Any]) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    for actor in (estate.adult_b1.user, users["outsider"], users["volunteer"]):
        # 李大爷 lives in another household of building 1
        with pytest.raises(NotAllowed):
            services.survey_answer(actor=actor, survey=survey, resident=estate.alone_b1_app, given=answers_for(survey))
    with pytest.raises(NotFound):  # 张伟 may act for his child, but the survey does not ask the child
        services.survey_answer(
            actor=estate.adult_b1.user, survey=survey, resident=estate.child_b1, given=answers_for(survey)
        )
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    ["missing_required", "foreign_option", "scale_6", "two_single", "unknown_question", "text_too_long"],
)
def test_bad_answers_are_refused_and_nothing_saved(estate: Any, social_worker: Any, mangle: str) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    q1, q2, q3 = list(survey.questions.order_by("position"))
    given = answers_for(survey)
    if mangle == "missing_required":
        del given[q2.pk]
    elif mangle == "foreign_option":
        other = build_survey(social_worker, estate)
        given[q1.pk] = services.Given(option_ids=[other.questions.first().options.first().pk])  # type: ignore[union-attr]
    elif mangle == "scale_6":
        given[q2.pk] = services.Given(value=6)
    elif mangle == "two_single":
        given[q1.pk] = services.Given(option_ids=[o.pk for o in q1.options.all()])
    elif mangle == "unknown_question":
        given[10**9] = services.Given(text="x")
    else:
        given[q3.pk] = services.Given(text="长" * 1001)
    with pytest.raises(DomainError) as exc:
        services.survey_answer(actor=estate.alone_b1_app.user, survey=survey, resident=estate.alone_b1_app, given=given)
    assert str(exc.value.message)
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_bad_survey_input_is_refused_and_nothing_saved(estate: Any, social_worker: Any) -> None:
    with pytest.raises(DomainError, match=r"截止|future"):
        services.survey_create(
            actor=social_worker,
            community=estate.community,
            title="过期",
            closes_at=timezone.now() - dt.timedelta(days=1),
        )
    with pytest.raises(DomainError):
        services.survey_create(actor=social_worker, community=estate.community, title="  ", closes_at=None)
    assert not Survey.objects.exists()
    survey = build_survey(social_worker, estate)
    for kwargs in (
        {"kind": Question.Kind.SINGLE, "text": "只有一个选项", "options": ["是"]},
        {"kind": Question.Kind.MULTIPLE, "text": "重复", "options": ["是", "是"]},
        {"kind": "ranking", "text": "未知题型"},
        {"kind": Question.Kind.TEXT, "text": ""},
        {"kind": Question.Kind.SCALE, "text": "量表不带选项", "options": ["1"]},
    ):
        with pytest.raises(DomainError):
            services.question_add(actor=social_worker, survey=survey, **kwargs)
    assert survey.questions.count() == 3
    with pytest.raises(DomainError):  # a survey without questions does not open
        empty = services.survey_create(
            actor=social_worker, community=estate.community, title="空", closes_at=timezone.now() + dt.timedelta(1)
        )
        services.survey_publish(actor=social_worker, survey=empty)
    assert empty.recipients.count() == 0


def test_a_foreign_place_or_a_closed_survey_is_refused(
    estate: Any, social_worker: Any, other_community: Any, users: dict[str, Any]
) -> None:
    from linli.places.models import Building

    foreign = Building.objects.create(community=other_community, name="利民1幢", lat=30.29, lng=120.16)
    with pytest.raises(DomainError):
        services.survey_create(
            actor=social_worker,
            community=estate.community,
            title="外社区楼栋",
            closes_at=timezone.now() + dt.timedelta(days=3),
            targets=NoticeTargets(buildings=[foreign]),
        )
    with pytest.raises(NotAllowed):
        services.survey_create(
            actor=users["grid_steward"],
            community=estate.community,
            title="网格员不能发",
            closes_at=timezone.now() + dt.timedelta(days=3),
        )
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    services.survey_close(actor=social_worker, survey=survey)
    with pytest.raises(Conflict):
        services.survey_answer(
            actor=estate.alone_b1_app.user,
            survey=Survey.objects.get(pk=survey.pk),
            resident=estate.alone_b1_app,
            given=answers_for(survey),
        )


def test_results_count_and_share_and_anonymous_results_name_nobody(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    services.survey_answer(
        actor=estate.alone_b1_app.user,
        survey=survey,
        resident=estate.alone_b1_app,
        given=answers_for(survey, choice=0, value=5, text="希望有人陪我聊天"),
    )
    services.survey_answer(
        actor=estate.adult_b1.user,  # for 陈阿婆, same household
        survey=survey,
        resident=estate.alone_b1,
        given=answers_for(survey, choice=1, value=3),
    )
    results = selectors.results_of(survey=survey)
    assert results.responses == 2 and results.recipients == 2
    single, scale, text = results.questions
    assert [(o.label, o.count, o.share) for o in single.options] == [("需要", 1, 50.0), ("不需要", 1, 50.0)]
    assert scale.average == 4.0 and scale.options[4].count == 1
    assert text.texts == [("希望有人陪我聊天", "")]
    # the database keeps no link to who answered
    assert not Response.objects.filter(resident__isnull=False).exists()
    assert not Response.objects.filter(answered_by__isnull=False).exists()
    keys = set(Response.objects.values_list("respondent_key", flat=True))
    assert len(keys) == 2 and all(len(k) == 64 for k in keys)
    assert not keys & {f"r{estate.alone_b1_app.pk}", f"r{estate.alone_b1.pk}", f"h{estate.alone_b1.household_id}"}
    workbook = results_workbook(results)
    assert "李大爷".encode() not in workbook and "陈阿婆".encode() not in workbook


def test_named_results_show_the_name(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate, anonymous=False))
    services.survey_answer(
        actor=estate.alone_b1_app.user,
        survey=survey,
        resident=estate.alone_b1_app,
        given=answers_for(survey, text="想学用手机"),
    )
    assert selectors.results_of(survey=survey).questions[2].texts == [("想学用手机", "李大爷")]

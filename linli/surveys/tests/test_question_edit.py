"""A draft survey's questions are changed on a page and through the API; once answered, a clear refusal."""

from typing import Any

import pytest
from django.utils import translation

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.surveys import services
from linli.surveys.models import Option, Question

from .conftest import answers_for, build_survey

pytestmark = pytest.mark.django_db


def questions_state(survey: Any) -> list[Any]:
    return [
        (q.text, q.kind, q.required, [o.text for o in q.options.order_by("position")])
        for q in survey.questions.order_by("position")
    ]


def test_a_draft_question_is_reworded_on_the_page_and_audited(estate: Any, social_worker: Any) -> None:
    survey = build_survey(social_worker, estate)
    q1 = survey.questions.order_by("position").first()
    url = f"/surveys/c/{estate.community.code}/{survey.pk}/questions/{q1.pk}/edit/"
    c = client_for(social_worker, "zh-hans")
    c.cookies["linli_elder"] = "1"
    page = c.get(url)
    assert (
        page.status_code == 200
        and "您需要送餐上门吗？" in page.content.decode()
        and "需要\n不需要" in page.content.decode()
    )
    assert 'class="elder' in page.content.decode()
    r = c.post(
        url, {"text": "您每周需要几次送餐？", "kind": "single", "required": "on", "options": "一次\n两三次\n每天"}
    )
    assert r.status_code == 302
    q1.refresh_from_db()
    assert (q1.text, [o.text for o in q1.options.order_by("position")]) == (
        "您每周需要几次送餐？",
        ["一次", "两三次", "每天"],
    )
    assert AuditEntry.objects.filter(action="survey.question_update").count() == 1
    detail = c.get(f"/surveys/c/{estate.community.code}/{survey.pk}/").content.decode()
    assert "edit-question-1" in detail


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_changes_are_told_and_nothing_is_saved(estate: Any, social_worker: Any, language: str) -> None:
    survey = build_survey(social_worker, estate)
    q1 = survey.questions.order_by("position").first()
    before = questions_state(survey)
    url = f"/surveys/c/{estate.community.code}/{survey.pk}/questions/{q1.pk}/edit/"
    c = client_for(social_worker, language)
    zh = language == "zh-hans"
    r = c.post(url, {"text": "送餐？", "kind": "single", "options": "只有一个"})
    assert r.status_code == 200 and ("至少" if zh else "at least two") in r.content.decode()
    r = c.post(url, {"text": "送餐？", "kind": "text", "options": "甲\n乙"})
    assert r.status_code == 200
    with pytest.raises(DomainError):
        services.question_update(actor=social_worker, survey=survey, question=q1, kind="single", text=" ", options=[])
    assert questions_state(survey) == before
    assert not AuditEntry.objects.filter(action="survey.question_update").exists()


def test_once_answered_the_questions_cannot_change(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    q1 = survey.questions.order_by("position").first()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.question_update(
            actor=social_worker, survey=survey, question=q1, kind="single", text="改", options=["甲", "乙"]
        )
    assert "The survey is open" in str(refused.value.message)
    services.survey_answer(
        actor=estate.alone_b1_app.user, survey=survey, resident=estate.alone_b1_app, given=answers_for(survey)
    )
    before = questions_state(survey)
    api = client_for(social_worker, "zh-hans")
    r = api.put(
        f"/api/v1/communities/{estate.community.code}/surveys/{survey.pk}/questions/{q1.pk}",
        {"kind": "single", "text": "改", "options": ["甲", "乙"]},
        content_type="application/json",
    )
    assert r.status_code == 409 and "1 位居民已作答" in r.json()["error"]["message"]
    assert questions_state(survey) == before and Option.objects.filter(text="甲").count() == 0


def test_the_api_changes_a_draft_question_and_others_may_not(
    estate: Any, social_worker: Any, users: dict[str, Any], other_community: Any
) -> None:
    survey = build_survey(social_worker, estate)
    q2 = survey.questions.get(kind=Question.Kind.SCALE)
    url = f"/api/v1/communities/{estate.community.code}/surveys/{survey.pk}/questions/{q2.pk}"
    body = {"kind": "multiple", "text": "您需要哪些服务？", "required": False, "options": ["助餐", "助浴", "助医"]}
    before = questions_state(survey)
    for role in ("resident", "volunteer", "outsider"):
        r = client_for(users[role]).put(url, body, content_type="application/json")
        assert r.status_code in (403, 404), role
    with pytest.raises(NotAllowed):
        services.question_update(actor=users["resident"], survey=survey, question=q2, **body)
    assert questions_state(survey) == before
    r = client_for(social_worker).put(url, body, content_type="application/json")
    assert r.status_code == 200 and [o["text"] for o in r.json()["options"]] == ["助餐", "助浴", "助医"]
    assert r.json()["kind"] == "multiple" and r.json()["required"] is False
    other = client_for(social_worker).put(
        f"/api/v1/communities/{estate.community.code}/surveys/{survey.pk}/questions/999999",
        body,
        content_type="application/json",
    )
    assert other.status_code == 404


def test_draft_questions_move_and_go_on_the_page_and_only_for_staff(
    estate: Any, social_worker: Any, users: dict[str, Any]
) -> None:
    survey = build_survey(social_worker, estate)
    q1, q2, q3 = survey.questions.order_by("position")
    base = f"/surveys/c/{estate.community.code}/{survey.pk}/questions"
    page = client_for(social_worker, "zh-hans").get(f"/surveys/c/{estate.community.code}/{survey.pk}/")
    assert f'formaction="{base}/{q1.pk}/down/"' in page.content.decode()
    assert f'action="{base}/{q3.pk}/remove/"' in page.content.decode()
    outsider = client_for(users["grid_steward"])
    assert outsider.post(f"{base}/{q3.pk}/remove/").status_code == 403
    c = client_for(social_worker)
    assert c.post(f"{base}/{q1.pk}/down/").status_code == 302
    assert list(survey.questions.order_by("position")) == [q2, q1, q3]
    c.post(f"{base}/{q3.pk}/up/")
    assert list(survey.questions.order_by("position")) == [q2, q3, q1]
    c.post(f"{base}/{q3.pk}/remove/")
    assert list(survey.questions.order_by("position")) == [q2, q1]
    assert c.get(f"{base}/{q3.pk}/remove/").status_code == 405

"""Demo step: a needs survey (助餐需求调研) of 市北社区 to its elderly living alone and empty-nest elders, opened ten
days before the build day, with the answers the social worker entered from paper questionnaires (she may act for
anyone of her community) and a few typed by residents; its results are attached to a round-table matter. A second,
small survey of one building is still a draft. Answers follow the seed. Runs after consultation and notices."""

import datetime as dt
from typing import Any

from linli.accounts.models import User
from linli.consultation.models import Matter, MatterKind
from linli.consultation.services import matter_raise
from linli.core.demo import DemoContext
from linli.notices.targeting import NoticeTargets
from linli.people.models import SensitiveTag

from . import services
from .models import Question, Survey, SurveyRecipient

NEEDS = ["送餐上门", "助浴", "陪同就医", "上门保洁", "聊天陪伴", "代购代办"]
WISHES = [
    "希望食堂的菜再软一点，牙口不好",
    "周末也想有人送饭",
    "想学用手机跟孩子视频",
    "希望有人陪我去医院拿药",
    "楼下能装个扶手就好了",
    "想参加社区的合唱队",
]


def build(ctx: DemoContext) -> None:
    community = next((c for c in ctx.communities if c.code == "shibei"), None)
    worker = ctx.users.get("social_worker")
    if community is None or worker is None:
        return
    rnd = ctx.random
    now = ctx.now
    opened = now - dt.timedelta(days=10)
    tags = list(SensitiveTag.objects.filter(code__in=["elderly_living_alone", "empty_nest_elderly"]).order_by("pk"))
    survey = services.survey_create(
        actor=worker,
        community=community,
        title="老年人助餐与居家服务需求调研",
        intro="为了办好老年食堂和居家养老服务，请您花几分钟告诉我们您的需要。调研匿名，谢谢！",
        anonymous=True,
        per=Survey.Per.RESIDENT,
        closes_at=now + dt.timedelta(days=20),
        targets=NoticeTargets(tags=tags),
    )
    q_meal = services.question_add(
        actor=worker,
        survey=survey,
        kind=Question.Kind.SINGLE,
        text="您平时午餐怎么解决？",
        options=["自己做", "子女送", "老年食堂", "叫外卖"],
    )
    q_needs = services.question_add(
        actor=worker, survey=survey, kind=Question.Kind.MULTIPLE, text="您最需要哪些上门服务？（可多选）", options=NEEDS
    )
    q_score = services.question_add(
        actor=worker, survey=survey, kind=Question.Kind.SCALE, text="您对现在的老年食堂满意吗？"
    )
    q_text = services.question_add(
        actor=worker, survey=survey, kind=Question.Kind.TEXT, text="您还有什么想对社区说的？", required=False
    )
    survey = services.survey_publish(actor=worker, survey=survey, now=opened)
    meal_options = list(q_meal.options.all())
    need_options = list(q_needs.options.all())
    asked = list(SurveyRecipient.objects.filter(survey=survey).select_related("resident").order_by("resident_id")[:400])
    answered = 0
    for row in asked:
        if rnd.random() > 0.55:
            continue
        given = {
            q_meal.pk: services.Given(option_ids=[rnd.choices(meal_options, [35, 25, 30, 10])[0].pk]),
            q_needs.pk: services.Given(option_ids=[o.pk for o in rnd.sample(need_options, k=rnd.randint(1, 3))]),
            q_score.pk: services.Given(value=rnd.choices([1, 2, 3, 4, 5], [3, 7, 25, 40, 25])[0]),
        }
        if rnd.random() < 0.2:
            given[q_text.pk] = services.Given(text=rnd.choice(WISHES))
        services.survey_answer(
            actor=worker,
            survey=survey,
            resident=row.resident,
            given=given,
            on=ctx.today - dt.timedelta(days=rnd.randint(0, 9)),
        )
        answered += 1
    matter = _matter(community, worker, opened)
    services.survey_attach(actor=worker, survey=survey, matter=matter)
    _draft(ctx, community, worker)
    ctx.progress(
        f"  surveys: {survey.title}, {answered} of {len(asked)} asked answered"
        + f", attached to the matter “{matter.title}”"
    )


def _matter(community: Any, worker: User, raised: dt.datetime) -> Matter:
    """The round-table matter the survey informs, raised by the social worker when she opened the survey."""
    return matter_raise(
        actor=worker,
        community=community,
        kind=MatterKind.MAJOR,
        title="老年食堂增加送餐上门服务",
        body="不少独居和空巢老人腿脚不便，建议老年食堂增加送餐上门。已发起需求调研，结果附后。",
        now=raised,
    )


def _draft(ctx: DemoContext, community: Any, worker: User) -> None:
    building = community.buildings.filter(residential=True).order_by("pk").first()
    if building is None:
        return
    survey = services.survey_create(
        actor=worker,
        community=community,
        title=f"{building.name}加装电梯意愿调查",
        intro="每户填一份。",
        anonymous=False,
        per=Survey.Per.HOUSEHOLD,
        closes_at=ctx.now + dt.timedelta(days=30),
        targets=NoticeTargets(buildings=[building]),
    )
    services.question_add(
        actor=worker,
        survey=survey,
        kind=Question.Kind.SINGLE,
        text="您家是否同意加装电梯？",
        options=["同意", "不同意", "无所谓"],
    )

"""Demo: the street's community partners of the four kinds, 8 paired enterprises, 128 partnership projects."""

import datetime as dt
from typing import Any

from django.db import transaction

from linli.core.demo import DemoContext
from linli.core.scenarios import Scenario

from . import services
from .models import Contribution, Partner, PartnerKind, Project

ENTERPRISES = [
    "无忧传媒",
    "开元颐养",
    "浙农东巢",
    "中建八局浙江分公司",
    "杭州银行萧山支行",
    "七彩集团",
    "东港超市",
    "萧山农商银行",
]
ORGS = [
    "浙江省妇女儿童基金会",
    "浙江省济公基金会",
    "海亮基金会融爱就业服务中心",
    "北干社工服务中心",
    "小北社区发展基金会",
    "市北乡贤会",
]
TITLES = [
    "一老一小关爱",
    "四点半课堂",
    "银龄助餐",
    "社区文化节",
    "邻里互助",
    "垃圾分类宣传",
    "平安巡防",
    "健康讲座",
    "就业帮扶",
    "公益市集",
    "绿色家园",
    "反诈宣传",
]
KINDS = list(PartnerKind.values)
RUNS_FOR_DAYS = 90
SCENARIOS = list(Scenario.values)


def build(ctx: DemoContext) -> None:
    """Registered, paired and run through the partners' services as each community's admin would, with the dates
    of the records as they happened (the draws from `ctx.random` in the same order for a seed)."""
    rnd = ctx.random
    today = ctx.today
    total = 0
    with transaction.atomic():
        for index, community in enumerate(ctx.communities[:2]):
            admin = ctx.users["community_admin"] if index == 0 else ctx.users["limin_admin"]
            names = ENTERPRISES + ORGS if index == 0 else ENTERPRISES[:4] + ORGS[3:]
            partners = [
                services.partner_register(
                    actor=admin,
                    community=community,
                    name=n,
                    kind=KINDS[i % 4],
                    entity=Partner.Entity.ENTERPRISE if n in ENTERPRISES else Partner.Entity.SOCIAL_ORG,
                    joined_on=today - dt.timedelta(days=rnd.randint(60, 700)),
                    description=f"{n}是社区合伙人。",
                )
                for i, n in enumerate(names)
            ]
            if index == 0:
                for p in partners:
                    if p.entity == Partner.Entity.ENTERPRISE:
                        areas = rnd.choice(["社会救助", "养老服务", "基层治理", "助学"])
                        services.pairing_create(actor=admin, partner=p, areas=areas, since=p.joined_on)
            count = 80 if index == 0 else 48
            plans = [
                (
                    f"{TITLES[i % len(TITLES)]}·{i // len(TITLES) + 1}期",
                    partners[i % len(partners)],
                    SCENARIOS[i % len(SCENARIOS)],
                    rnd.choice(["running", "done", "done"]),
                    today - dt.timedelta(days=rnd.randint(10, 330)),
                    rnd.randint(20, 600),
                )
                for i in range(count)
            ]
            for title, lead, scenario, status, starts_on, beneficiaries in plans:
                _run_project(ctx, admin, community, title, lead, scenario, status, starts_on, beneficiaries)
            total += count
    ctx.progress(f"  partners: {total} partnership projects in the street, {len(ENTERPRISES)} paired enterprises")


def _run_project(
    ctx: DemoContext,
    admin: Any,
    community: Any,
    title: str,
    lead: Partner,
    scenario: str,
    status: str,
    starts_on: dt.date,
    beneficiaries: int,
) -> None:
    """One project from its start: the lead's money pledged and then received (or still to come, now and then
    withdrawn), the community's space, the lead's volunteers; a done project kept all its pledges and is closed
    with the people it served, a running one has recorded those served so far."""
    rnd = ctx.random
    done = status == "done"
    money = "delivered" if done or rnd.random() < 0.6 else rnd.choice(["pledged", "pledged", "withdrawn"])
    people = "delivered" if done or rnd.random() < 0.4 else "pledged"
    project = services.project_create(
        actor=admin,
        community=community,
        lead=lead,
        title=title,
        scenario=scenario,
        starts_on=starts_on,
        status=Project.Status.RUNNING,
        contributions=[
            services.ContributionPlan(
                kind=Contribution.Kind.MONEY,
                description="项目资金",
                partner=lead,
                value_fen=rnd.randint(5, 50) * 100_000,
            ),
            services.ContributionPlan(
                kind=Contribution.Kind.SPACE,
                description="社区提供场地",
                quantity=rnd.randint(50, 300),
                delivered_on=starts_on,
            ),
            services.ContributionPlan(
                kind=Contribution.Kind.VOLUNTEERS,
                description="员工志愿者",
                partner=lead,
                quantity=rnd.randint(5, 40),
                delivered_on=starts_on if people == "delivered" else None,
            ),
        ],
    )
    pledge = project.contributions.get(kind=Contribution.Kind.MONEY)
    if money == "delivered":
        services.contribution_deliver(actor=admin, contribution=pledge, on=starts_on)
    elif money == "withdrawn":
        services.contribution_withdraw(actor=admin, contribution=pledge, reason="企业预算调整，本期未能出资")
    if done:
        services.project_close(
            actor=admin,
            project=project,
            outcomes="服务居民，反响良好。",
            beneficiaries=beneficiaries,
            ends_on=min(starts_on + dt.timedelta(days=RUNS_FOR_DAYS), ctx.today),
        )
    else:  # the people served so far, of those it will serve over its ninety days
        days = min((ctx.today - starts_on).days, RUNS_FOR_DAYS)
        services.project_update(actor=admin, project=project, beneficiaries=beneficiaries * days // RUNS_FOR_DAYS)

"""Demo: the street's community partners of the four kinds, 8 paired enterprises, 128 partnership projects."""

import datetime as dt
from typing import Any

from django.db import transaction

from linli.core.demo import DemoContext
from linli.core.scenarios import Scenario

from .models import Contribution, Pairing, Partner, PartnerKind, Project

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
SCENARIOS = list(Scenario.values)


def build(ctx: DemoContext) -> None:
    rnd = ctx.random
    today = ctx.today
    total = 0
    with transaction.atomic():
        for index, community in enumerate(ctx.communities[:2]):
            names = ENTERPRISES + ORGS if index == 0 else ENTERPRISES[:4] + ORGS[3:]
            partners = Partner.objects.bulk_create(
                [
                    Partner(
                        community=community,
                        name=n,
                        kind=KINDS[i % 4],
                        entity="enterprise" if n in ENTERPRISES else "social_org",
                        joined_on=today - dt.timedelta(days=rnd.randint(60, 700)),
                        description=f"{n}是社区合伙人。",
                    )
                    for i, n in enumerate(names)
                ]
            )
            if index == 0:
                Pairing.objects.bulk_create(
                    [
                        Pairing(
                            community=community,
                            partner=p,
                            areas=rnd.choice(["社会救助", "养老服务", "基层治理", "助学"]),
                            since=p.joined_on,
                        )
                        for p in partners
                        if p.entity == "enterprise"
                    ]
                )
            count = 80 if index == 0 else 48
            projects = Project.objects.bulk_create(
                [
                    Project(
                        community=community,
                        title=f"{TITLES[i % len(TITLES)]}·{i // len(TITLES) + 1}期",
                        lead=partners[i % len(partners)],
                        scenario=SCENARIOS[i % len(SCENARIOS)],
                        status=rnd.choice(["running", "done", "done"]),
                        starts_on=today - dt.timedelta(days=rnd.randint(10, 330)),
                        beneficiaries=rnd.randint(20, 600),
                        outcomes="服务居民，反响良好。",
                    )
                    for i in range(count)
                ]
            )
            rows = []
            for p in projects:
                done = p.status == "done"
                # a done project's pledges were kept; a running one has some still to come, now and then one withdrawn
                money = "delivered" if done or rnd.random() < 0.6 else rnd.choice(["pledged", "pledged", "withdrawn"])
                people = "delivered" if done or rnd.random() < 0.4 else "pledged"
                rows.append(
                    Contribution(
                        project=p,
                        partner=p.lead,
                        kind="money",
                        description="项目资金",
                        value_fen=rnd.randint(5, 50) * 100_000,
                        **_state(money, p.starts_on),
                    )
                )
                rows.append(
                    Contribution(
                        project=p,
                        partner=None,
                        kind="space",
                        description="社区提供场地",
                        quantity=rnd.randint(50, 300),
                        **_state("delivered", p.starts_on),
                    )
                )
                rows.append(
                    Contribution(
                        project=p,
                        partner=p.lead,
                        kind="volunteers",
                        description="员工志愿者",
                        quantity=rnd.randint(5, 40),
                        **_state(people, p.starts_on),
                    )
                )
            Contribution.objects.bulk_create(rows)
            total += count
    ctx.progress(f"  partners: {total} partnership projects in the street, {len(ENTERPRISES)} paired enterprises")


def _state(status: str, starts_on: dt.date) -> dict[str, Any]:
    """The status fields of a demo contribution."""
    if status == "delivered":
        return {"status": status, "delivered_on": starts_on}
    if status == "withdrawn":
        return {"status": status, "withdrawn_reason": "企业预算调整，本期未能出资"}
    return {"status": status}

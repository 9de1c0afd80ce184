"""A starting set of report categories for a community (what the articles' 随手拍 and 投诉建议 channels receive).
Community admins change them on the reports pages (`/reports/<code>/categories/`) or the API; the demo sets
the fixer of two of them through the same service."""

from typing import Any

from django.db import transaction

from linli.accounts.types import Actor
from linli.audit.services import create_audited
from linli.core.errors import NotAllowed
from linli.places.models import Community

from . import rules
from .models import Category, CategoryAttribute

FLOORS = [{"key": str(n), "name": f"{n}楼"} for n in range(1, 7)] + [{"key": "7+", "name": "7楼以上"}]
DEFAULTS: list[dict[str, Any]] = [
    {
        "code": "lamp",
        "name": "路灯、楼道灯不亮",
        "group": "设施维修",
        "keywords": "路灯, 楼道灯, 照明, lamp",
        "description": "公共区域的路灯或楼道灯损坏、不亮或常亮。",
        "agency_responsible": "物业服务中心",
        "accept": 4,
        "start": 24,
        "resolve": 48,
        "attributes": [
            {
                "code": "floor",
                "datatype": "singlevaluelist",
                "required": False,
                "order": 1,
                "description": "在几楼？",
                "values": FLOORS,
            },
        ],
    },
    {
        "code": "corridor",
        "name": "楼道堆物、消防通道堵塞",
        "group": "安全",
        "keywords": "堆物, 消防通道, 楼道",
        "description": "楼道、消防通道或安全出口被杂物、电动车堵塞。",
        "agency_responsible": "社区网格",
        "accept": 2,
        "start": 12,
        "resolve": 48,
        "attributes": [
            {
                "code": "ebike",
                "datatype": "singlevaluelist",
                "required": True,
                "order": 1,
                "description": "是否有电动车在楼道充电？",
                "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
            },
        ],
    },
    {
        "code": "noise",
        "name": "噪音扰民",
        "group": "邻里",
        "keywords": "噪音, 装修, 广场舞",
        "description": "装修、商铺、广场舞等噪音影响休息。",
        "agency_responsible": "社区网格",
        "accept": 2,
        "start": 24,
        "resolve": 72,
        "attributes": [
            {"code": "when", "datatype": "datetime", "required": False, "order": 1, "description": "什么时候开始的？"},
            {
                "code": "source",
                "datatype": "multivaluelist",
                "required": False,
                "order": 2,
                "description": "噪音来自",
                "values": [
                    {"key": "renovation", "name": "装修"},
                    {"key": "shop", "name": "商铺"},
                    {"key": "dance", "name": "广场舞"},
                    {"key": "other", "name": "其他"},
                ],
            },
        ],
    },
    {
        "code": "leak",
        "name": "屋顶、外墙渗漏",
        "group": "设施维修",
        "keywords": "漏水, 渗水, 屋顶",
        "description": "屋顶、外墙或公共管道渗漏。",
        "agency_responsible": "物业服务中心",
        "accept": 4,
        "start": 48,
        "resolve": 168,
        "attributes": [
            {
                "code": "households",
                "datatype": "number",
                "required": False,
                "order": 1,
                "description": "影响几户？",
                "datatype_description": "填数字",
            },
        ],
    },
    {
        "code": "waste",
        "name": "垃圾分类、环境卫生",
        "group": "低碳",
        "keywords": "垃圾, 分类, 卫生",
        "description": "垃圾满溢、分类不规范、卫生死角。",
        "agency_responsible": "环卫所",
        "accept": 4,
        "start": 12,
        "resolve": 24,
        "attributes": [],
    },
    {
        "code": "parking",
        "name": "停车、占道",
        "group": "交通",
        "keywords": "停车, 占道, 车位",
        "description": "乱停车、占用消防车道或绿地。",
        "agency_responsible": "物业服务中心",
        "accept": 4,
        "start": 24,
        "resolve": 48,
        "attributes": [
            {"code": "plate", "datatype": "string", "required": False, "order": 1, "description": "车牌号（可不填）"},
        ],
    },
    {
        "code": "suggestion",
        "name": "意见建议",
        "group": "建议",
        "keywords": "建议, 意见, 微心愿",
        "description": "对社区服务、设施、活动的建议。",
        "agency_responsible": "社区居委会",
        "kind": "suggestion",
        "accept": 24,
        "start": 72,
        "resolve": 240,
        "attributes": [
            {"code": "detail", "datatype": "text", "required": False, "order": 1, "description": "具体怎么做更好？"},
        ],
    },
]


def categories_create_defaults(*, actor: Actor, community: Community) -> list[Category]:
    """Create the default categories that the community does not have yet."""
    if not rules.can_configure_reports(actor, community):
        raise NotAllowed("Only community admins may configure report categories.")
    created = []
    with transaction.atomic():
        for order, spec in enumerate(DEFAULTS):
            if Category.objects.filter(community=community, code=spec["code"]).exists():
                continue
            category = create_audited(
                actor=actor,
                action="report_category.create",
                model=Category,
                community=community,
                code=spec["code"],
                name=spec["name"],
                description=spec["description"],
                keywords=spec["keywords"],
                group=spec["group"],
                kind=spec.get("kind", Category.Kind.PROBLEM),
                agency_responsible=spec["agency_responsible"],
                service_notice=f"{spec['accept']}小时内受理，{spec['resolve']}小时内办结。",
                accept_within_hours=spec["accept"],
                start_within_hours=spec["start"],
                resolve_within_hours=spec["resolve"],
                order=order,
            )
            for attr in spec["attributes"]:
                CategoryAttribute.objects.create(category=category, **attr)
            created.append(category)
    return created

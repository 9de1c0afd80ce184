"""The demo's headline figures, read back from the records the build wrote (through each domain's selectors and
queries), for the build's summary and for the demo test that holds them to the README's numbers."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

from linli.accounts.models import Role, RoleAssignment
from linli.company.selectors import statement_of
from linli.facilities.models import Facility, in_service_on
from linli.fund.selectors import fund_summary
from linli.ledger.models import Merchant, Order, Product
from linli.partners.models import Project
from linli.people.models import Resident
from linli.places.models import Community, Household
from linli.planning.models import PlanRun


@dataclass(frozen=True)
class DemoFigures:
    households: int
    residents: int
    marketplace_users: int
    merchants: int
    products: int
    points_spent: int
    partner_projects: int
    fund_raised_fen: int
    grants: int
    granted_fen: int
    company_revenue_fen: int  # the twelve months before the build's
    facilities: int
    supply_index: dict[str, float | None]


def _months_before(today: dt.date, n: int) -> list[tuple[int, int]]:
    year, month, out = today.year, today.month, []
    for _ in range(n):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append((year, month))
    return out


def latest_supply_index(community: Community) -> float | None:
    run = PlanRun.objects.filter(community=community, status=PlanRun.Status.DONE).order_by("-pk").first()
    for row in (run.result or {}).get("index", []) if run else []:
        if row["community"] == community.code:
            return row["index"]
    return None


def demo_figures(today: dt.date) -> DemoFigures:
    shibei = Community.objects.get(code="shibei")
    communities = list(Community.objects.filter(street__code="ningwei").order_by("pk"))
    fund = fund_summary(community=shibei)
    return DemoFigures(
        households=Household.objects.filter(community=shibei).count(),
        residents=Resident.objects.filter(community=shibei).count(),
        # 街坊汇 users: residents with a login of the resident role
        marketplace_users=RoleAssignment.objects.filter(role=Role.RESIDENT, user__resident__isnull=False)
        .values("user")
        .distinct()
        .count(),
        merchants=Merchant.objects.count(),
        products=Product.objects.count(),
        points_spent=int(Order.objects.exclude(status=Order.Status.REFUNDED).aggregate(s=Sum("points"))["s"] or 0),
        partner_projects=Project.objects.count(),
        fund_raised_fen=fund.raised_fen,
        grants=fund.grants,
        granted_fen=fund.granted_fen,
        company_revenue_fen=sum(statement_of(shibei, y, m).revenue_fen for y, m in _months_before(today, 12)),
        facilities=Facility.objects.filter(in_service_on(today), community__in=communities).count(),
        supply_index={c.name: latest_supply_index(c) for c in communities},
    )


def summary_lines(figures: DemoFigures) -> list[str]:
    """The build's closing summary, in Chinese (the demo's language)."""
    index = "，".join(
        f"{name} {value:.1f}" if value is not None else f"{name} 未计算" for name, value in figures.supply_index.items()
    )
    return [
        f"市北社区：{figures.households:,} 户，{figures.residents:,} 位居民",
        f"街坊汇：{figures.marketplace_users:,} 位注册用户，{figures.merchants} 家商户，{figures.products} 件商品，"
        f"已消费 {figures.points_spent:,} 积分",
        f"共建项目：{figures.partner_projects} 个；社区基金募集 {figures.fund_raised_fen // 100:,} 元，"
        f"资助 {figures.grants} 个项目共 {figures.granted_fen // 100:,} 元",
        f"强社公司近 12 个月营收 {figures.company_revenue_fen // 100:,} 元",
        f"服务设施 {figures.facilities} 处；设施供给指数：{index}",
    ]

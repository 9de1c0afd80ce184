"""Demo: the community company earning about 1.12 million yuan a year from earning spaces, and supporting the
affordable and free ones; every month posted through the ledger with a posting row per space."""

import datetime as dt

from django.db import transaction

from linli.core.demo import DemoContext
from linli.facilities.catalogue import ensure_catalogue
from linli.facilities.models import Facility, FacilityCategory
from linli.ledger import services as ledger
from linli.ledger.checks import ledger_check

from .models import Source
from .services import company_account, posting_make

# (code, name, nature, monthly revenue in yuan, monthly support in yuan)
SPACES = [
    ("xbxs-1", "小北鲜市（一店）", "earning", 32_000, 0),
    ("xbxs-2", "小北鲜市（二店）", "earning", 26_000, 0),
    ("yizhan", "婴幼儿成长驿站", "earning", 22_000, 0),
    ("hall-rent", "喜柿天地多功能厅", "earning", 8_000, 0),
    ("canteen", "老年食堂", "affordable", 5_400, 9_000),
    ("study", "共享自习室", "affordable", 0, 3_000),
    ("reading", "邻里书房", "free", 0, 4_500),
    ("daycare", "日间照料中心", "free", 0, 6_000),
]


# A space whose type is not the generic service station (the infant station is childcare 0–3).
CATEGORY_OF = {"yizhan": "childcare"}


def _category(code: str = "community_service_station") -> FacilityCategory:
    ensure_catalogue()  # the facilities' seed, idempotent
    return FacilityCategory.objects.get(code=code)


def build(ctx: DemoContext) -> None:
    community = ctx.communities[0]
    category = _category()
    company = company_account(community)
    outside = ledger.external_account(community)
    today = ctx.today
    total = 0
    with transaction.atomic():
        for code, name, nature, revenue, support in SPACES:
            facility, _created = Facility.objects.get_or_create(
                community=community,
                code=code,
                defaults={
                    "name": name,
                    "category": _category(CATEGORY_OF[code]) if code in CATEGORY_OF else category,
                    "scenario": "services",
                    "nature": nature,
                    "lat": community.centre_lat,
                    "lng": community.centre_lng,
                    "operator": "杭州强社运营管理有限公司",
                },
            )
            for back in range(12, 0, -1):
                first = (today.replace(day=1) - dt.timedelta(days=back * 30)).replace(day=1)
                day = first + dt.timedelta(days=27)
                if revenue:
                    amount = revenue * 100 + ctx.random.randint(-200_000, 200_000)
                    posting_make(
                        community=community,
                        facility=facility,
                        nature=nature,
                        source=Source.BOOKINGS,
                        day=day,
                        items=0,
                        from_account=outside,
                        to_account=company,
                        amount_fen=amount,
                        key=f"company:demo:{code}:{first:%Y-%m}",
                        memo=f"{name} {first:%Y-%m} 营业收入",
                    )
                    total += amount
                if support:
                    posting_make(
                        community=community,
                        facility=facility,
                        nature=nature,
                        source=Source.SUPPORT,
                        day=day,
                        items=0,
                        from_account=company,
                        to_account=outside,
                        amount_fen=support * 100,
                        key=f"company:demo:support:{code}:{first:%Y-%m}",
                        memo=f"{name} {first:%Y-%m} 运营补贴",
                        kind="subsidy",
                    )
    check = ledger_check(community_id=community.pk)
    if not check.ok:
        raise RuntimeError("the demo's books do not balance: " + "; ".join(check.problems[:5]))
    ctx.progress(f"  company: {total // 100:,} yuan of revenue in 12 months, posted through the ledger")

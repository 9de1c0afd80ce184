"""Demo: the canteens of the facilities step (喜柿餐厅 with the 塔海 price rules, 利民's), their menus of the past
weeks and the meals taken. Runs after `linli.facilities.demo`.

The price rules and the menus are set up by each community's admin through the services (as on the 食堂设置 page);
the meals of the past weeks are history, written in bulk with the prices `quote` gives."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.people.models import Resident

from .models import MealCharge, MealOrder, Menu
from .selectors import active_price_rules
from .services import menu_create, price_rule_add, quote


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = ctx.now
    today = ctx.today
    tz = timezone.get_current_timezone()
    facilities = {f.code: f for f in Facility.objects.filter(community__in=[shibei, limin])}
    with transaction.atomic():
        _canteen(ctx, ctx.users["community_admin"], facilities["XS-CANTEEN"], today, now, tz)
        _canteen(ctx, ctx.users["limin_admin"], facilities["LM-CANTEEN"], today, now, tz, price=1200, coop=False)


def _canteen(
    ctx: DemoContext,
    admin: Any,
    canteen: Facility,
    today: dt.date,
    now: dt.datetime,
    tz: Any,
    price: int = 1000,
    coop: bool = True,
) -> None:
    """The 塔海 rules; a two-month free trial that ended last month; menus and orders around today."""
    c = canteen.community
    payer = "economic_cooperative" if coop else "government_subsidy"
    price_rule_add(actor=admin, canteen=canteen, label="70岁以上", min_age=70, resident_fen=300, payer=payer)
    price_rule_add(actor=admin, canteen=canteen, label="80岁以上", min_age=80, resident_fen=0, payer=payer)
    price_rule_add(
        actor=admin,
        canteen=canteen,
        label="试运营两个月免费",
        min_age=0,
        resident_fen=0,
        payer="community_company",
        starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=30),
    )
    price_rules = active_price_rules(canteen_ids=[canteen.pk])
    dishes = [
        "红烧肉",
        "清蒸鲈鱼",
        "番茄炒蛋",
        "青椒土豆丝",
        "麻婆豆腐",
        "白切鸡",
        "油焖笋",
        "西湖莼菜汤",
        "冬瓜排骨汤",
        "清炒时蔬",
        "糖醋里脊",
        "蒸南瓜",
    ]
    menus = []
    for offset in range(-20, 8):
        day = today + dt.timedelta(days=offset)
        menus.append(
            menu_create(
                actor=admin,
                canteen=canteen,
                day=day,
                meal="lunch",
                dishes="\n".join(ctx.random.sample(dishes, 4)) + "\n米饭",
                price_fen=price,
                capacity=120,
                order_until=dt.time(9, 30),
                serve_from=dt.time(11, 0),
                serve_until=dt.time(12, 30),
                now=min(
                    now, dt.datetime.combine(day - dt.timedelta(days=1), dt.time(16), tzinfo=tz)
                ),  # published the day before
            )
        )
    born_before = today.replace(year=today.year - 65)
    elders = ctx.random.sample(
        list(Resident.objects.filter(community=c, birth_date__lte=born_before).order_by("pk")), 60
    )
    resident_user = ctx.users.get("resident")
    me = Resident.objects.filter(user=resident_user, community=c).first() if resident_user else None
    orders, charges = [], []
    for menu in menus:
        if menu.day > today:
            continue
        diners = ctx.random.sample(elders, min(len(elders), ctx.random.randint(25, 45)))
        if me is not None and menu.day < today and me not in diners and ctx.random.random() < 0.5:
            diners.append(me)
        for d in diners:
            q = quote(menu=menu, resident=d, rules_of_canteen=price_rules)
            orders.append(
                MealOrder(
                    community=c,
                    menu=menu,
                    resident=d,
                    ordered_by=None,
                    age=q.age,
                    rule=q.rule,
                    price_fen=q.price_fen,
                    resident_fen=q.resident_fen,
                    status="served" if menu.day < today else "ordered",
                    created_at=dt.datetime.combine(menu.day, dt.time(8), tzinfo=tz),
                )
            )
        menu.ordered = len(diners)
    MealOrder.objects.bulk_create(orders, batch_size=2000)
    Menu.objects.bulk_update(menus, ["ordered"])
    for o in orders:
        charges.append(
            MealCharge(
                community=c,
                order=o,
                day=o.menu.day,
                payer="resident",
                amount_fen=o.resident_fen,
                key=f"meal:{o.pk}:resident",
                created_at=o.created_at,
            )
        )
        if o.subsidy_fen:
            p = o.rule.payer if o.rule else "resident"
            charges.append(
                MealCharge(
                    community=c,
                    order=o,
                    day=o.menu.day,
                    payer=p,
                    amount_fen=o.subsidy_fen,
                    key=f"meal:{o.pk}:{p}",
                    created_at=o.created_at,
                )
            )
    MealCharge.objects.bulk_create(charges, batch_size=2000)
    ctx.progress(f"  {canteen.name}: {len(menus)} menus, {len(orders)} meals")

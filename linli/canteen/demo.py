"""Demo: the canteens and meal points (助餐点) of the facilities step (喜柿餐厅 with the 塔海 price rules, 利民's),
their menus from the first day of last month to a week ahead and the meals taken. Runs after `linli.facilities.demo`.

Everything goes through the canteen's services, as on its pages: the price rules and the menus are set up by each
community's admin, the regular diners' meals are ordered by the front desk from its list the morning of each day
and served at the counter, so each meal's split between the diner and the subsidy payer is written by the same
service that writes it for a resident ordering on the site. The company's daily collection
(`linli.company.demo`) then posts the served days, the subsidies with them, to the ledger."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.people.ages import born_on_or_before_for_age
from linli.people.models import Resident

from .services import meal_orders_create, meal_orders_serve, menu_create, price_rule_add

DISHES = [
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


# Per community: the main canteen, the share of its lunches taken each day (lowest, highest; the meal points' too),
# the price of a meal and the portions of the main canteen's menu, and whether the economic cooperative pays the
# elders' subsidy (市北, as in 塔海) or the government does.
CANTEENS = {
    "shibei": ("XS-CANTEEN", (0.55, 0.72), 1000, 120, True),
    "limin": ("LM-CANTEEN", (0.45, 0.65), 1200, 60, False),
}


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = ctx.now
    today = ctx.today
    tz = timezone.get_current_timezone()
    first_day = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month's first day
    with transaction.atomic():
        for community, admin in ((shibei, ctx.users["community_admin"]), (limin, ctx.users["limin_admin"])):
            main, fill, price, capacity, coop = CANTEENS[community.code]
            canteens = list(
                Facility.objects.filter(community=community, category__code="elderly_canteen")
                .select_related("community")
                .order_by("code")
            )
            canteens.sort(key=lambda f: f.code != main)  # the main canteen first
            for canteen, diners in zip(
                canteens, _regulars_by_canteen(ctx, community, canteens, first_day), strict=True
            ):
                _canteen(
                    ctx,
                    admin,
                    canteen,
                    today,
                    now,
                    tz,
                    regulars=diners,
                    price=price,
                    capacity=capacity if canteen.code == main else canteen.capacity or capacity,
                    fill=fill,
                    coop=coop,
                    with_demo_resident=canteen.code == main,
                )


def _canteen(
    ctx: DemoContext,
    admin: User,
    canteen: Facility,
    today: dt.date,
    now: dt.datetime,
    tz: Any,
    *,
    regulars: list[Resident],
    price: int,
    capacity: int,
    fill: tuple[float, float],
    coop: bool,
    with_demo_resident: bool,
) -> None:
    """The 塔海 rules; a two-month free trial that ended a month ago; the lunch menus from the first day of last
    month to a week ahead; the regular diners' meals (`fill`: the share of the portions taken, lowest and highest)
    ordered in the morning and served at noon, through the services."""
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
    first_day = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month's first day
    menus = []
    for offset in range((first_day - today).days, 8):
        day = today + dt.timedelta(days=offset)
        menus.append(
            menu_create(
                actor=admin,
                canteen=canteen,
                day=day,
                meal="lunch",
                dishes="\n".join(ctx.random.sample(DISHES, 4)) + "\n米饭",
                price_fen=price,
                capacity=capacity,
                order_until=dt.time(9, 30),
                serve_from=dt.time(11, 0),
                serve_until=dt.time(12, 30),
                now=min(now, dt.datetime.combine(day - dt.timedelta(days=1), dt.time(16), tzinfo=tz)),  # the day before
            )
        )
    resident_user = ctx.users.get("resident")
    me = (
        Resident.objects.filter(user=resident_user, community=c).first()
        if resident_user is not None and with_demo_resident
        else None
    )
    ordered = served = 0
    for menu in menus:
        if menu.day > today:
            continue
        n = min(len(regulars), round(menu.capacity * ctx.random.uniform(*fill)))
        if not n:
            continue
        diners = ctx.random.sample(regulars, n)
        if me is not None and menu.day < today and me not in diners and ctx.random.random() < 0.5:
            diners[-1] = me
        # the front desk takes the day's list in the morning (today's before the build's day begins)
        ordered_at = min(now, dt.datetime.combine(menu.day, dt.time(8), tzinfo=tz))
        orders = meal_orders_create(actor=admin, menu=menu, residents=diners, now=ordered_at)
        ordered += len(orders)
        if menu.day < today:
            serving = dt.datetime.combine(menu.day, menu.serve_from or dt.time(11), tzinfo=tz)
            served += len(meal_orders_serve(actor=admin, orders=orders, now=serving + dt.timedelta(minutes=30)))
    ctx.progress(f"  {canteen.name}: {len(menus)} menus, {ordered} meals ordered, {served} served")


def _regulars_by_canteen(
    ctx: DemoContext, community: Any, canteens: list[Facility], first_day: dt.date
) -> list[list[Resident]]:
    """The regular diners of each canteen (the main one first): each eats at the one nearest home, except the demo's
    resident, who eats at the main canteen."""
    resident_user = ctx.users.get("resident")
    groups: list[list[Resident]] = [[] for _ in canteens]
    for resident in _regular_diners(ctx, community, first_day):
        building = resident.household.building if resident.household else None
        if building is None or (resident_user is not None and resident.user_id == resident_user.pk):
            groups[0].append(resident)
            continue
        nearest = min(
            range(len(canteens)),
            key=lambda i: (canteens[i].lat - building.lat) ** 2 + (canteens[i].lng - building.lng) ** 2,
        )
        groups[nearest].append(resident)
    return groups


def _regular_diners(ctx: DemoContext, community: Any, first_day: dt.date) -> list[Resident]:
    """The residents of 60 and over who eat at the canteens, most of them, living there since before `first_day`."""
    elders = list(
        Resident.objects.filter(
            Q(moved_in_on__isnull=True) | Q(moved_in_on__lte=first_day),
            community=community,
            moved_out_on__isnull=True,
            birth_date__lte=born_on_or_before_for_age(60, first_day),
        )
        .select_related("community", "user", "household__building")
        .order_by("pk")
    )
    return ctx.random.sample(elders, int(len(elders) * 0.6))

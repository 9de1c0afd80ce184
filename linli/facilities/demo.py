"""Demo register: 市北's three tiers (1 hub 喜柿天地 – 4 centres 喜柿汇 – 2 micro boxes 喜柿多), 喜柿餐厅 (the elderly
canteen with the 塔海 price rules), 幸福学堂 (about 400 learners a year), 小时光托育, services, slots for the coming
weeks, and some past bookings and meals; a smaller register for 利民. Placed in real demo buildings."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.canteen.models import MealCharge, MealOrder, Menu, PriceRule
from linli.canteen.services import quote
from linli.childcare.models import AgeGroup, Application
from linli.courses.models import Attendance, Course, Enrolment, Session, Term
from linli.demo.context import DemoContext
from linli.people.models import Resident
from linli.places.models import Building, Community

from .catalogue import ensure_catalogue
from .models import Booking, Facility, FacilityCategory, Service, Slot

OPERATOR = "强社公司"

# (code, name, category, tier, nature, floor area, hours, capacity, share of the building list to sit at)
SHIBEI = [
    ("XS-HUB", "喜柿天地", "livelihood_hub", "hub", "affordable", 3200, "每天 07:00-21:00", 300, 0.5),
    ("XS-C1", "喜柿汇·喜柿花园", "neighbourhood_centre", "centre", "affordable", 900, "每天 08:00-20:00", 80, 0.12),
    ("XS-C2", "喜柿汇·金色家园", "neighbourhood_centre", "centre", "affordable", 850, "每天 08:00-20:00", 80, 0.37),
    ("XS-C3", "喜柿汇·新湖苑", "neighbourhood_centre", "centre", "affordable", 780, "每天 08:00-20:00", 70, 0.62),
    ("XS-C4", "喜柿汇·柿香里", "neighbourhood_centre", "centre", "affordable", 820, "每天 08:00-20:00", 70, 0.88),
    ("XS-M1", "喜柿多·东门", "convenience_store", "micro", "earning", 60, "24小时", 10, 0.25),
    ("XS-M2", "喜柿多·西门", "convenience_store", "micro", "earning", 55, "24小时", 10, 0.75),
    ("XS-CANTEEN", "喜柿餐厅", "elderly_canteen", "", "affordable", 420, "每天 10:30-13:00, 16:30-18:30", 120, 0.5),
    ("XS-SCHOOL", "幸福学堂", "culture_station", "", "free", 600, "周一至周六 09:00-21:00", 120, 0.45),
    ("XS-CARE", "小时光托育", "childcare", "", "affordable", 500, "周一至周五 07:30-18:00", 40, 0.55),
    ("XS-DAYCARE", "颐养中心", "elderly_day_care", "", "affordable", 700, "每天 08:00-17:30", 45, 0.3),
    ("XS-STUDY", "共享书房", "shared_study_room", "", "free", 200, "每天 08:00-22:00", 40, 0.7),
    ("XS-CLINIC", "社区卫生服务站", "health_station", "", "affordable", 350, "周一至周六 08:00-17:00", 20, 0.4),
    ("XS-COURT", "多功能运动场", "sports_ground", "", "free", 900, "每天 06:00-21:00", 60, 0.2),
    ("XS-HALL", "红心议事厅", "meeting_hall", "", "free", 150, "预约开放", 40, 0.52),
    ("XS-COWORK", "柿创空间", "co_working", "", "earning", 400, "周一至周五 09:00-18:00", 50, 0.48),
    ("XS-4PM", "四点半课堂", "after_school_class", "", "free", 180, "周一至周五 16:00-18:30", 40, 0.58),
]
LIMIN = [
    ("LM-CENTRE", "利民邻里中心", "neighbourhood_centre", "centre", "affordable", 1200, "每天 08:00-20:00", 100, 0.5),
    ("LM-CANTEEN", "利民长者食堂", "elderly_canteen", "", "affordable", 260, "每天 10:30-13:00", 80, 0.45),
    ("LM-STATION", "利民社区服务站", "community_service_station", "", "free", 300, "周一至周五 08:30-17:30", 30, 0.6),
    ("LM-CARE", "居家养老服务站", "home_care_station", "", "affordable", 240, "每天 08:00-17:00", 20, 0.3),
]
# (facility, kind, name, provider, price fen, unit, bookable, slot hours, capacity per slot)
SERVICES = [
    ("XS-HUB", "barber", "爱心理发", "喜柿天地理发室", 1500, "次", True, ((9, 0), (10, 0), (14, 0), (15, 0)), 4),
    ("XS-HUB", "laundry", "洗衣", "净衣坊", 800, "件", False, (), 0),
    ("XS-HUB", "tailoring", "缝补", "巧手阿姨志愿队", 500, "件", False, (), 0),
    ("XS-HUB", "repair", "家电维修", "邻里维修铺", 2000, "次", True, ((9, 30), (14, 30)), 3),
    ("XS-HUB", "health", "健康监测", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 12),
    ("XS-C1", "venue", "活动室预约", OPERATOR, 0, "小时", True, ((9, 0), (14, 0), (19, 0)), 1),
    ("XS-C2", "venue", "活动室预约", OPERATOR, 0, "小时", True, ((9, 0), (14, 0), (19, 0)), 1),
    ("XS-C3", "barber", "理发", "喜柿汇理发点", 1200, "次", True, ((9, 0), (10, 0)), 3),
    ("XS-C4", "venue", "舞蹈排练厅", OPERATOR, 0, "小时", True, ((19, 0), (20, 0)), 1),
    ("XS-CANTEEN", "meals", "老年助餐", "喜柿餐厅", 1000, "餐", False, (), 0),
    ("XS-SCHOOL", "course", "幸福学堂课程", "社区学校", 0, "期", False, (), 0),
    ("XS-CARE", "childcare", "托育", "小时光托育", 180000, "月", False, (), 0),
    ("XS-DAYCARE", "day_care", "日间照料", "颐养中心", 3000, "天", True, ((8, 30),), 30),
    ("XS-STUDY", "venue", "自习座位", OPERATOR, 0, "半天", True, ((8, 0), (13, 0), (18, 0)), 30),
    ("XS-COURT", "venue", "篮球场预约", OPERATOR, 0, "小时", True, ((7, 0), (18, 0), (19, 0), (20, 0)), 1),
    ("XS-HALL", "venue", "议事厅预约", OPERATOR, 0, "半天", True, ((9, 0), (14, 0)), 1),
    ("LM-CENTRE", "barber", "理发", "利民理发室", 1200, "次", True, ((9, 0), (10, 0)), 3),
    ("LM-CANTEEN", "meals", "长者助餐", "利民长者食堂", 1200, "餐", False, (), 0),
]
COURSES = [
    ("书法", "elderly", "王老师", "每周一 09:00-10:30", 30, 0),
    ("茶艺", "elderly", "陈老师", "每周三 09:00-10:30", 24, 0),
    ("智能手机课", "elderly", "志愿者小李", "每周五 14:00-15:30", 30, 0),
    ("太极拳", "elderly", "周师傅", "每周二 07:00-08:00", 40, 0),
    ("四点半课堂·作业辅导", "children", "大学生志愿者", "周一至周五 16:00-18:00", 40, 0),
    ("四点半课堂·创意美术", "children", "赵老师", "每周四 16:30-17:30", 20, 0),
    ("乐学课堂·咖啡拉花", "working", "柿创空间", "每周六 19:00-20:30", 16, 3000),
    ("乐学课堂·瑜伽", "working", "刘老师", "每周二 19:30-20:30", 20, 2000),
    ("社工学院·数字治理", "staff", "街道培训中心", "每月第一个周四 14:00-17:00", 30, 0),
]


def _place(community: Community, share: float, buildings: list[Building]) -> Building:
    return buildings[min(len(buildings) - 1, int(share * len(buildings)))]


def _register(community: Community, plan: list[tuple[Any, ...]], shared_with: Community | None) -> dict[str, Facility]:
    cats = {c.code: c for c in FacilityCategory.objects.all()}
    buildings = list(Building.objects.filter(community=community).order_by("lng", "lat"))
    made: dict[str, Facility] = {}
    for code, name, cat, tier, nature, area, hours, capacity, share in plan:
        b = _place(community, share, buildings)
        made[code] = Facility(
            community=community,
            code=code,
            name=name,
            category=cats[cat],
            scenario=cats[cat].default_scenario,
            nature=nature,
            tier=tier,
            operator=OPERATOR if nature != "free" else f"{community.name}居委会",
            building=b,
            floor="1F",
            lat=b.lat,
            lng=b.lng,
            floor_area_m2=area,
            opening_hours=hours,
            capacity=capacity,
            phone=f"0571-8288{len(made) + 1:04d}",
            shared=code in ("XS-HUB", "XS-SCHOOL", "XS-COURT"),
        )
    Facility.objects.bulk_create(made.values())
    if shared_with is not None:
        for f in made.values():
            if f.shared:
                f.shared_with.add(shared_with)
    return made


def build(ctx: DemoContext) -> None:
    ensure_catalogue()
    shibei, limin = ctx.communities[0], ctx.communities[1]
    rnd = ctx.random
    now = timezone.now()
    today = ctx.today
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        facilities = {**_register(shibei, SHIBEI, limin), **_register(limin, LIMIN, None)}
        services: dict[tuple[str, str], Service] = {}
        slot_plan = []
        for fcode, kind, name, provider, price, unit, bookable, hours, cap in SERVICES:
            f = facilities[fcode]
            services[(fcode, name)] = Service(
                community=f.community,
                facility=f,
                kind=kind,
                name=name,
                provider=provider,
                price_fen=price,
                price_unit=unit,
                bookable=bookable,
            )
            slot_plan.append(((fcode, name), hours, cap))
        Service.objects.bulk_create(services.values())
        # Slots: two weeks back (for history) and three weeks ahead, closed on Mondays except the canteen.
        slots = []
        for key, hours, cap in slot_plan:
            for offset in range(-14, 22):
                day = today + dt.timedelta(days=offset)
                if day.weekday() == 0:
                    continue
                for h, m in hours:
                    start = dt.datetime.combine(day, dt.time(h, m), tzinfo=tz)
                    slots.append(
                        Slot(
                            community=services[key].community,
                            service=services[key],
                            starts_at=start,
                            ends_at=start + dt.timedelta(hours=1),
                            capacity=cap,
                        )
                    )
        Slot.objects.bulk_create(slots, batch_size=2000)
        # Some bookings: past ones attended or missed, upcoming ones confirmed.
        people = list(Resident.objects.filter(community=shibei).order_by("?")[:400].select_related("user"))
        bookings = []
        for slot in rnd.sample([s for s in slots if s.community_id == shibei.pk], 500):
            taken = rnd.randint(0, slot.capacity)
            for resident in rnd.sample(people, taken):
                past = slot.starts_at < now
                status = ("attended" if rnd.random() < 0.9 else "no_show") if past else "confirmed"
                bookings.append(
                    Booking(
                        community=shibei,
                        slot=slot,
                        resident=resident,
                        booked_by=resident.user,
                        status=status,
                        price_fen=slot.service.price_fen,
                        created_at=slot.starts_at - dt.timedelta(days=2),
                        checked_in_at=slot.starts_at if status == "attended" else None,
                    )
                )
            slot.booked = taken
        Booking.objects.bulk_create(bookings, batch_size=2000)
        Slot.objects.bulk_update(slots, ["booked"], batch_size=2000)
        ctx.progress(
            f"  facilities: {len(facilities)} spaces, {len(services)} services, {len(slots)} slots, "
            f"{len(bookings)} bookings"
        )
        _canteen(ctx, facilities["XS-CANTEEN"], today, now, tz)
        _canteen(ctx, facilities["LM-CANTEEN"], today, now, tz, price=1200, coop=False)
        _school(ctx, shibei, facilities["XS-SCHOOL"], facilities["XS-4PM"], today, tz)
        _childcare(ctx, shibei, facilities["XS-CARE"], today, now)


def _canteen(
    ctx: DemoContext, canteen: Facility, today: dt.date, now: dt.datetime, tz: Any, price: int = 1000, coop: bool = True
) -> None:
    """The 塔海 rules; a two-month free trial that ended last month; menus and orders around today."""
    c = canteen.community
    payer = "economic_cooperative" if coop else "government_subsidy"
    PriceRule.objects.bulk_create(
        [
            PriceRule(community=c, canteen=canteen, label="70岁以上", min_age=70, resident_fen=300, payer=payer),
            PriceRule(community=c, canteen=canteen, label="80岁以上", min_age=80, resident_fen=0, payer=payer),
            PriceRule(
                community=c,
                canteen=canteen,
                label="试运营两个月免费",
                min_age=0,
                resident_fen=0,
                payer="community_company",
                starts_on=today - dt.timedelta(days=90),
                ends_on=today - dt.timedelta(days=30),
            ),
        ]
    )
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
    menus = [
        Menu(
            community=c,
            canteen=canteen,
            day=today + dt.timedelta(days=o),
            meal="lunch",
            dishes="\n".join(ctx.random.sample(dishes, 4)) + "\n米饭",
            price_fen=price,
            capacity=120,
            order_until=dt.time(9, 30),
        )
        for o in range(-20, 8)
    ]
    Menu.objects.bulk_create(menus)
    born_before = today.replace(year=today.year - 65)
    elders = list(Resident.objects.filter(community=c, birth_date__lte=born_before).order_by("?")[:60])
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
            q = quote(menu=menu, resident=d)
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


def _school(ctx: DemoContext, c: Community, school: Facility, after_school: Facility, today: dt.date, tz: Any) -> None:
    """Two terms a year of nine classes: about 400 learners a year."""
    rnd = ctx.random
    spring = Term.objects.create(
        community=c,
        name=f"{today.year}年春季学期",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
    )
    autumn = Term.objects.create(
        community=c,
        name=f"{today.year - 1}年秋季学期",
        starts_on=today - dt.timedelta(days=240),
        ends_on=today - dt.timedelta(days=90),
    )
    people = {
        "elderly": list(
            Resident.objects.filter(community=c, birth_date__lte=today.replace(year=today.year - 60))[:800]
        ),
        "children": list(
            Resident.objects.filter(
                community=c,
                birth_date__gt=today.replace(year=today.year - 12),
                birth_date__lte=today.replace(year=today.year - 6),
            )[:400]
        ),
        "working": list(
            Resident.objects.filter(
                community=c,
                birth_date__gt=today.replace(year=today.year - 55),
                birth_date__lte=today.replace(year=today.year - 22),
            )[:800]
        ),
    }
    staff = [u for k, u in ctx.users.items() if k in ("steward", "social_worker", "community_admin")]
    learners: set[int] = set()
    enrolments, sessions = [], []
    for term in (autumn, spring):
        for title, audience, teacher, when, seats, fee in COURSES:
            where = after_school if audience == "children" else school
            course = Course.objects.create(
                community=c,
                term=term,
                facility=where,
                title=title,
                audience=audience,
                teacher=teacher,
                schedule=when,
                seats=seats,
                price_fen=fee,
                open=term is spring,
                min_age=6 if audience == "children" else None,
                max_age=12 if audience == "children" else None,
            )
            if audience == "staff":
                chosen: list[Any] = staff
            else:
                pool = people[audience]
                chosen = rnd.sample(pool, min(len(pool), seats - (3 if term is spring else 0)))
            for learner in chosen:
                enrolments.append(
                    Enrolment(
                        community=c,
                        course=course,
                        status="enrolled",
                        created_at=dt.datetime.combine(term.starts_on, dt.time(9), tzinfo=tz),
                        **({"staff": learner} if audience == "staff" else {"resident": learner}),
                    )
                )
                if audience != "staff":
                    learners.add(learner.pk)
            course.enrolled = len(chosen)
            course.save(update_fields=["enrolled"])
            if term is spring:
                for week in range(-2, 4):
                    day = today + dt.timedelta(days=7 * week)
                    start = dt.datetime.combine(day, dt.time(9 if audience != "children" else 16), tzinfo=tz)
                    sessions.append(
                        Session(
                            course=course,
                            starts_at=start,
                            ends_at=start + dt.timedelta(minutes=90),
                            topic=f"第{week + 3}讲",
                        )
                    )
    Enrolment.objects.bulk_create(enrolments)
    Session.objects.bulk_create(sessions)
    attendance = [
        Attendance(session=s, enrolment=e, checked_in_at=s.starts_at)
        for s in sessions
        if s.starts_at.date() < today
        for e in enrolments
        if e.course_id == s.course_id and rnd.random() < 0.85
    ]
    Attendance.objects.bulk_create(attendance)
    ctx.progress(f"  幸福学堂: {len(learners)} learners in two terms, {len(sessions)} sessions")


def _childcare(ctx: DemoContext, c: Community, care: Facility, today: dt.date, now: dt.datetime) -> None:
    groups = [
        AgeGroup(
            community=c, facility=care, name="乳儿班", min_months=6, max_months=12, places=8, monthly_fee_fen=220000
        ),
        AgeGroup(
            community=c, facility=care, name="托小班", min_months=12, max_months=24, places=15, monthly_fee_fen=180000
        ),
        AgeGroup(
            community=c, facility=care, name="托大班", min_months=24, max_months=36, places=20, monthly_fee_fen=160000
        ),
    ]
    AgeGroup.objects.bulk_create(groups)
    babies = Resident.objects.filter(community=c, birth_date__gt=today.replace(year=today.year - 3)).order_by("?")[:40]
    applications = []
    for baby in babies:
        months = (today.year - baby.birth_date.year) * 12 + today.month - baby.birth_date.month
        group = next((g for g in groups if g.min_months <= months < g.max_months), None)
        if group is None:
            continue
        admitted = group.admitted < group.places - 2 and ctx.random.random() < 0.7
        if admitted:
            group.admitted += 1
        applications.append(
            Application(
                community=c,
                group=group,
                child=baby,
                start_on=today,
                status="admitted" if admitted else "submitted",
                created_at=now,
                decided_at=now if admitted else None,
            )
        )
    Application.objects.bulk_create(applications)
    AgeGroup.objects.bulk_update(groups, ["admitted"])
    ctx.progress(f"  小时光托育: {len(applications)} applications")

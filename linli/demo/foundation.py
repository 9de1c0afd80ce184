"""The demo street: 宁围街道 with 市北社区 (modelled on the articles: 4 neighbourhoods, 4,223 households,
about 12,000 residents, about 70 % aged 18–59) and a second, smaller community, on real OSM buildings."""

import datetime as dt
import io
from dataclasses import dataclass
from random import Random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from openpyxl import Workbook

from linli.accounts.models import Role, RoleAssignment, User
from linli.core.demo import DemoContext
from linli.core.exports import append_row
from linli.people import idnumber
from linli.people.ages import age_on
from linli.people.importing import register_import_execute
from linli.people.models import RegisterImport, Resident, SensitiveTag
from linli.people.services.register import register_import_preview, register_import_start
from linli.places.geometry import hull_polygon
from linli.places.models import Building, Community, Grid, Neighbourhood, Street
from linli.places.osm import OsmBuilding, read_buildings
from linli.places.services import buildings_assign_grid, grid_update

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强文红梅丹阳浩宇欣怡子涵梓萱一诺思远"
    "佳怡雨桐俊杰宇航"
)
GRID_COLOURS = [
    ("红", "#d7263d"),
    ("橙", "#f46036"),
    ("黄", "#e2b007"),
    ("绿", "#2e933c"),
    ("青", "#1b998b"),
    ("蓝", "#2e86de"),
    ("紫", "#7b2cbf"),
    ("粉", "#e75a9b"),
]
# Share of residents by age band (years), so that about 70 % are 18–59 as the article says of 市北.
AGE_BANDS = [
    ((0, 2), 0.035),
    ((3, 5), 0.035),
    ((6, 11), 0.06),
    ((12, 17), 0.05),
    ((18, 59), 0.70),
    ((60, 69), 0.065),
    ((70, 79), 0.035),
    ((80, 95), 0.02),
]


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    name: str
    tier: str
    area_ha: float
    bbox: tuple[float, float, float, float]
    neighbourhoods: tuple[str, ...]
    households: int
    residents: int
    region: str


PLANS = [
    CommunityPlan(
        "shibei",
        "市北社区",
        Community.Tier.LEADING,
        31.0,
        (120.1284, 30.2830, 120.1425, 30.2896),
        ("喜柿花园", "金色家园", "新湖苑", "柿香里"),
        4223,
        12000,
        "330109",
    ),
    CommunityPlan(
        "limin",
        "利民社区",
        Community.Tier.BASIC,
        24.5,
        (120.1567, 30.2830, 120.1709, 30.2962),
        ("利民东苑", "利民西苑"),
        1650,
        4600,
        "330109",
    ),
]


def _name(rnd: Any) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def _birth_date(rnd: Any, today: dt.date) -> dt.date:
    x = rnd.random()
    low, high = AGE_BANDS[-1][0]
    for band, share in AGE_BANDS:
        if x < share:
            low, high = band
            break
        x -= share
    age_days = rnd.randint(low * 365 + 1, high * 365 + 364)
    return today - dt.timedelta(days=age_days)


def _split(items: list[OsmBuilding], parts: int) -> list[list[OsmBuilding]]:
    """Split buildings into `parts` spatial groups: halves by longitude, then by latitude."""
    groups = [items]
    axis = 0
    while len(groups) < parts:
        nxt = []
        for g in groups:
            key = (lambda b: b.lng) if axis == 0 else (lambda b: b.lat)
            s = sorted(g, key=key)
            nxt += [s[: len(s) // 2], s[len(s) // 2 :]]
        groups = nxt
        axis = 1 - axis
    return [g for g in groups if g][:parts] if len(groups) == parts else _merge(groups, parts)


def _merge(groups: list[list[OsmBuilding]], parts: int) -> list[list[OsmBuilding]]:
    while len(groups) > parts:
        groups = sorted(groups, key=len)
        groups = [groups[0] + groups[1], *groups[2:]]
    return groups


def _build_community(
    ctx: DemoContext, street: Street, plan: CommunityPlan, tags: dict[str, SensitiveTag]
) -> tuple[Community, bytes]:
    """The community, its 小区, grids and buildings; and its register, as the workbook the import takes."""
    rnd = ctx.random
    extract = settings.OSM_EXTRACT_DIR / "hangzhou_china.osm.pbf"
    if not extract.exists():
        raise RuntimeError(f"The OpenStreetMap extract is missing: {extract} (set OSM_EXTRACT_DIR to its folder)")
    osm = read_buildings(extract, plan.bbox)
    homes = [b for b in osm if b.residential]
    if len(homes) < 20:
        raise RuntimeError(f"too few OSM buildings for {plan.code}: {len(homes)}")
    points = [(b.lng, b.lat) for b in osm]
    centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    community = Community.objects.create(
        street=street,
        code=plan.code,
        name=plan.name,
        tier=plan.tier,
        area_ha=plan.area_ha,
        centre_lat=round(centre[1], 7),
        centre_lng=round(centre[0], 7),
        boundary=hull_polygon(points),
    )
    ctx.progress(f"  {plan.name}: {len(homes)} buildings from OpenStreetMap")

    buildings: list[Building] = []
    grids: list[Grid] = []
    grid_members: dict[str, range] = {}  # grid code -> where its buildings are in `buildings`
    colour = 0
    for n_index, (n_name, group) in enumerate(
        zip(plan.neighbourhoods, _split(homes, len(plan.neighbourhoods)), strict=True)
    ):
        hood = Neighbourhood.objects.create(
            community=community, name=n_name, boundary=hull_polygon([(b.lng, b.lat) for b in group])
        )
        first_in_hood = len(buildings)
        for g_index, grid_group in enumerate(_split(group, 2)):
            label, hexcolour = GRID_COLOURS[colour % len(GRID_COLOURS)]
            colour += 1
            grid = Grid.objects.create(
                community=community,
                code=f"G{n_index + 1}{g_index + 1}",
                name=f"{label}网格·{n_name}",
                colour=hexcolour,
                boundary=hull_polygon([(b.lng, b.lat) for b in grid_group]) if len(grid_group) >= 3 else None,
            )
            grids.append(grid)
            grid_members[grid.code] = range(len(buildings), len(buildings) + len(grid_group))
            for b in sorted(grid_group, key=lambda x: (x.lat, x.lng)):
                buildings.append(
                    Building(
                        community=community,
                        neighbourhood=hood,
                        name=f"{n_name}{len(buildings) + 1 - first_in_hood}幢",
                        residential=True,
                        floors=b.levels or rnd.choice((6, 6, 11, 18, 26)),
                        lat=round(b.lat, 7),
                        lng=round(b.lng, 7),
                        footprint={"type": "Polygon", "coordinates": [[list(p) for p in b.ring]]},
                        osm_id=b.osm_id,
                    )
                )
    Building.objects.bulk_create(buildings)
    ctx.extra.setdefault("grids", {})[plan.code] = grids
    ctx.extra.setdefault("grid_buildings", {})[plan.code] = {
        code: [buildings[i].pk for i in where] for code, where in grid_members.items()
    }

    # Households in proportion to each building's floor area.
    weights = [
        max(b_osm.area_m2, 80.0) * (bld.floors or 6)
        for b_osm, bld in zip(
            sorted(homes, key=lambda b: b.osm_id), sorted(buildings, key=lambda b: b.osm_id or 0), strict=True
        )
    ]
    ordered = sorted(buildings, key=lambda b: b.osm_id or 0)
    total = sum(weights)
    counts = [max(2, int(plan.households * w / total)) for w in weights]
    i = 0
    while sum(counts) < plan.households:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > plan.households:
        j = max(range(len(counts)), key=counts.__getitem__)
        counts[j] -= 1
    homes_of: list[tuple[Building, str, str]] = []  # (building, 单元, 房号) of each household, in register order
    for bld, count in zip(ordered, counts, strict=True):
        per_floor = max(2, -(-count // (bld.floors or 6)))
        for k in range(count):
            unit, rest = divmod(k, per_floor * (bld.floors or 6))
            floor, room = divmod(rest, per_floor)
            homes_of.append((bld, str(unit + 1), f"{floor + 1}{room + 1:02d}"))

    # Residents: household sizes that add up to the planned population.
    sizes = [1] * len(homes_of)
    for _ in range(plan.residents - len(homes_of)):
        sizes[rnd.randrange(len(homes_of))] += 1
    people: list[dict[str, Any]] = []
    seq = 0
    used: set[str] = set()
    # Its own random source, so that the rest of the register stays as it was: about 3 % moved in within the year.
    movers = Random(f"{ctx.seed}:moved-in:{plan.code}")
    for home, size in zip(homes_of, sizes, strict=True):
        members = []
        for _ in range(size):
            birth = _birth_date(rnd, ctx.today)
            person: dict[str, Any] = {
                "home": home,
                "name": _name(rnd),
                "birth": birth,
                "sex": rnd.choice("FM"),
                "mobile": f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}",
                "owner": rnd.random() < 0.55,
                "party": rnd.random() < 0.06,
                "moved_in": _moved_in(movers, birth, ctx.today),
                "tags": [],
            }
            # the ID number's sex digit agrees with the sex, as on a real card
            seq += 1
            number = idnumber.make_id_number(plan.region, birth, seq)
            while number in used or (int(number[16]) % 2 == 1) != (person["sex"] == "M"):
                seq += 1
                number = idnumber.make_id_number(plan.region, birth, seq)
            used.add(number)
            person["id_number"] = number
            members.append(person)
        _relations(members, ctx.today)
        people += members
    for person in people:
        age = age_on(person["birth"], ctx.today)
        if age >= 70 and rnd.random() < 0.12:
            person["tags"].append(tags["elderly_living_alone"].name_zh)
        elif age < 16 and rnd.random() < 0.01:
            person["tags"].append(tags["child_in_difficulty"].name_zh)
        if rnd.random() < 0.012:
            person["tags"].append(tags["disabled"].name_zh)
    ctx.progress(f"  {plan.name}: a register of {len(homes_of)} households, {len(people)} residents")
    return community, _register_workbook(plan, people)


def _relations(members: list[dict[str, Any]], today: dt.date) -> None:
    """与户主关系 within a household: the eldest is the head; the others by their age against the head's."""
    head = min(range(len(members)), key=lambda i: members[i]["birth"])
    spouse = False
    for i, person in enumerate(members):
        gap = (person["birth"] - members[head]["birth"]).days // 365
        if i == head:
            person["relation"] = "户主"
        elif gap < 15 and not spouse and age_on(person["birth"], today) >= 20:
            person["relation"] = "配偶"
            spouse = True
        elif gap >= 40:
            person["relation"] = "孙子女"
        elif gap >= 18:
            person["relation"] = "子女"
        elif gap < 12:
            person["relation"] = "兄弟姐妹"
        else:
            person["relation"] = "其他"


REGISTER_HEADERS = (
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "手机号码",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "与户主关系",
    "是否业主",
    "人员类别",
    "迁入日期",
)


def _register_workbook(plan: CommunityPlan, people: list[dict[str, Any]]) -> bytes:
    """The community's 居民花名册 as its office keeps it in Excel: a title row, then one row a person."""
    book = Workbook()
    sheet = book.active
    sheet.title = "居民花名册"
    append_row(sheet, [f"宁围街道{plan.name}居民花名册"])
    append_row(sheet, REGISTER_HEADERS)
    for number, person in enumerate(people, start=1):
        building, unit, room = person["home"]
        append_row(
            sheet,
            [
                number,
                person["name"],
                person["id_number"],
                "男" if person["sex"] == "M" else "女",
                person["birth"],
                person["mobile"],
                building.neighbourhood.name,
                building.name,
                unit,
                room,
                person["relation"],
                "是" if person["owner"] else "否",
                "、".join((["党员"] if person["party"] else []) + person["tags"]),
                person["moved_in"],
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_register(ctx: DemoContext, admin: User, plan: CommunityPlan, register: bytes) -> None:
    """Through the import page's operations: the preview (the file kept, every row checked), then the import, run
    here as the background worker would."""
    community = next(c for c in ctx.communities if c.code == plan.code)
    job = register_import_preview(
        actor=admin, community=community, content=register, file_name=f"{plan.name}居民花名册.xlsx"
    )
    if job.counts["refused"]:
        raise RuntimeError(f"the register of {plan.code} has refused rows: {job.rows[:3]}")
    register_import_start(actor=admin, job=job)
    job = register_import_execute(job_id=job.pk)
    if job.status != RegisterImport.Status.DONE:
        raise RuntimeError(f"the register import of {plan.code} failed: {job.error}")
    ctx.progress(f"  {plan.name}: the register imported ({job.counts['created']} residents)")


def _moved_in(movers: Random, birth: dt.date, today: dt.date) -> dt.date | None:
    if movers.random() >= 0.03:
        return None  # here before the register began
    return max(birth, today - dt.timedelta(days=movers.randrange(1, 330)))


def _user(ctx: DemoContext, key: str, mobile: str, name: str, role_label: str, where: str, **extra: Any) -> User:
    user = User.objects.create(mobile=mobile, display_name=name, password=ctx.password_hash, **extra)
    ctx.users[key] = user
    ctx.logins.append((role_label, mobile, where))
    return user


def build(ctx: DemoContext) -> None:
    ctx.password_hash = ctx.password_hash or make_password(ctx.password)
    with transaction.atomic():
        street = Street.objects.create(code="ningwei", name="宁围街道", district="萧山区", city="杭州市")
        ctx.street = street
        tags = {t.code: t for t in SensitiveTag.objects.all()}
        registers = []
        for plan in PLANS:
            community, register = _build_community(ctx, street, plan, tags)
            ctx.communities.append(community)
            registers.append(register)
        shibei, limin = ctx.communities[0], ctx.communities[1]

        _user(ctx, "admin", "13900000000", "系统管理员", "superuser", "—", is_staff=True, is_superuser=True)
        people = [
            ("resident", Role.RESIDENT, "13900000001", "周丽君", shibei),
            ("volunteer", Role.VOLUNTEER, "13900000002", "陈志强", shibei),
            ("steward", Role.GRID_STEWARD, "13900000003", "王芳", shibei),
            ("social_worker", Role.SOCIAL_WORKER, "13900000004", "李静", shibei),
            ("community_admin", Role.COMMUNITY_ADMIN, "13900000005", "张建国", shibei),
            ("merchant", Role.MERCHANT_STAFF, "13900000006", "刘洋", shibei),
            ("operator", Role.OPERATOR, "13900000007", "黄涛", shibei),
            ("limin_admin", Role.COMMUNITY_ADMIN, "13900000015", "吴敏", limin),
            ("limin_resident", Role.RESIDENT, "13900000011", "孙秀英", limin),
        ]
        logins: list[tuple[User, Community, int]] = []  # the resident logins' own records, once imported
        for key, role, mobile, name, community in people:
            staff = role in {
                Role.GRID_STEWARD,
                Role.SOCIAL_WORKER,
                Role.COMMUNITY_ADMIN,
                Role.OPERATOR,
                Role.MERCHANT_STAFF,
            }
            user = _user(ctx, key, mobile, name, str(role.label), community.name, is_staff=staff)
            RoleAssignment.objects.create(user=user, role=role, community=community)
            if role in {Role.RESIDENT, Role.VOLUNTEER}:
                logins.append((user, community, len(ctx.users) % 50))
            if role == Role.VOLUNTEER:
                RoleAssignment.objects.create(user=user, role=Role.RESIDENT, community=community)
        # Each community goes live as a real one does: its admin imports the register (preview, then import).
        for plan, community, register in zip(PLANS, (shibei, limin), registers, strict=True):
            _import_register(
                ctx, ctx.users["community_admin" if community is shibei else "limin_admin"], plan, register
            )
        for user, community, index in logins:
            resident = Resident.objects.filter(
                community=community, user__isnull=True, birth_date__lte=ctx.today.replace(year=ctx.today.year - 30)
            ).order_by("pk")[index]
            Resident.objects.filter(pk=resident.pk).update(user=user, name=user.display_name, mobile=user.mobile)
        # The resident demo login is 76, as the article's diner at the canteen.
        resident_user = ctx.users["resident"]
        Resident.objects.filter(user=resident_user).update(
            birth_date=ctx.today.replace(year=ctx.today.year - 76, month=3, day=8)
        )
        # The grids were drawn a year ago: their buildings and one steward each (the first is the printed login),
        # set through the services staff use, dated then.
        grids_since = (ctx.today - dt.timedelta(days=365)).replace(day=1)
        for community in (shibei, limin):
            admin = ctx.users["community_admin" if community is shibei else "limin_admin"]
            for index, grid in enumerate(ctx.extra["grids"][community.code]):
                buildings_assign_grid(
                    actor=admin,
                    community=community,
                    grid=grid,
                    building_ids=ctx.extra["grid_buildings"][community.code][grid.code],
                    on=grids_since,
                )
                if community is shibei and index == 0:
                    steward = ctx.users["steward"]
                else:
                    steward = User.objects.create(
                        mobile=f"1380{community.pk % 1000:03d}{index:04d}",
                        display_name=f"{grid.name}管家",
                        password=ctx.password_hash,
                        is_staff=True,
                    )
                    RoleAssignment.objects.create(user=steward, role=Role.GRID_STEWARD, community=community)
                grid_update(actor=admin, grid=grid, steward=steward, on=grids_since)
        street_admin = _user(
            ctx, "street_admin", "13900000008", "赵伟", str(Role.STREET_ADMIN.label), street.name, is_staff=True
        )
        RoleAssignment.objects.create(user=street_admin, role=Role.STREET_ADMIN, street=street)
        city = _user(
            ctx, "city_viewer", "13900000009", "市风貌办", str(Role.CITY_VIEWER.label), "杭州市", is_staff=True
        )
        RoleAssignment.objects.create(user=city, role=Role.CITY_VIEWER)
        city_admin = _user(
            ctx, "city_admin", "13900000010", "市民政局", str(Role.CITY_ADMIN.label), "杭州市", is_staff=True
        )
        RoleAssignment.objects.create(user=city_admin, role=Role.CITY_ADMIN)
    ctx.progress("  accounts for every role")


DEMO_MOBILES = [
    "13900000000",
    "13900000001",
    "13900000002",
    "13900000003",
    "13900000004",
    "13900000005",
    "13900000006",
    "13900000007",
    "13900000008",
    "13900000009",
    "13900000010",
    "13900000015",
    "13900000011",
]


def demo_logins() -> list[tuple[str, str, str]]:
    """The printed logins, read back from the database."""
    rows = []
    for user in User.objects.filter(mobile__in=DEMO_MOBILES).prefetch_related("roles__community", "roles__street"):
        role = user.roles.first()
        if user.is_superuser:
            rows.append(("superuser", user.mobile, "—"))
        elif role is not None:
            where = role.community or role.street or "杭州市"
            rows.append((str(role.get_role_display()), user.mobile, str(where)))
    return sorted(rows, key=lambda r: r[1])

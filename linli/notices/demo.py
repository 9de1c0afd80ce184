"""Demo step: a year of notices through the services. Each community's social worker (or admin) writes about two a
month, most to some buildings, an age group or a special group, a few to everyone; three are urgent (water, typhoon,
gas). Most residents with an account open theirs through the service, and the SMS jobs of the time text the others
(telling no one today: the texts are recorded as sent, so that the SMS job does not send a year of old notices when
the demo starts). Dates are relative to the build day and follow the seed."""

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.notifications.services import telling_no_one
from linli.people.ages import AgeTier
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building

from . import services, sms
from .models import Notice, NoticeRecipient
from .targeting import NoticeTargets

# (title, text, target kind) — target kinds: all, buildings, seniors, alone, children
ORDINARY = [
    ("{b}二次供水水箱清洗", "{b}将于本周六上午清洗二次供水水箱，8:00–12:00 停水，请提前储水。", "buildings"),
    ("{b}电梯年检通知", "{b}电梯将于下周二进行年度检验，9:00–11:00 暂停使用，请走楼梯并注意安全。", "buildings"),
    ("老年人免费体检报名", "社区卫生服务站为 60 周岁以上居民提供免费体检，请带身份证到服务站报名。", "seniors"),
    ("重阳节敬老活动", "重阳节当天上午在邻里中心举办敬老活动，有文艺演出和理发义剪，欢迎老年朋友参加。", "seniors"),
    ("独居老人防跌倒上门评估", "社工和网格员将上门为独居老人检查家中防滑、扶手和照明，请留意来访。", "alone"),
    ("暑期托管班报名", "暑期托管班开始报名，面向社区 6–12 岁儿童，名额有限，先到先得。", "children"),
    ("垃圾分类积分兑换日", "本月最后一个周六在邻里中心广场兑换垃圾分类积分，请带上积分卡。", "all"),
    ("反诈宣传进社区", "民警将在邻里中心讲解常见电信诈骗手法，欢迎居民参加，保护好自己的钱袋子。", "all"),
    ("{b}楼道杂物清理", "为消除消防隐患，{b}楼道堆放的杂物请于本周内自行清理，逾期将统一清运。", "buildings"),
    ("老年食堂新菜单", "老年食堂推出新一周菜单，80 岁以上老人就餐享受补贴，行动不便的可预约送餐。", "seniors"),
    ("邻里节活动预告", "一年一度的邻里节将在下月举行，有百家宴、跳蚤市场和亲子游戏，欢迎报名。", "all"),
    ("{b}外墙维修施工", "{b}外墙将进行防水维修，施工期间请关好窗户，注意高空安全。", "buildings"),
]
URGENT = [
    ("紧急停水通知", "因主管道抢修，今天 14:00–20:00 社区全部停水，请做好储水准备。"),
    ("台风防御紧急通知", "台风即将登陆，请收好阳台物品，不要外出，独居老人如需帮助请拨打社区电话。"),
    ("燃气管道抢修", "社区燃气管道抢修，今晚 18:00 前暂停供气，请关闭燃气阀门，注意安全。"),
]


def _targets(kind: str, buildings: list[Building], tags: dict[str, SensitiveTag], rnd: Any) -> NoticeTargets:
    if kind == "buildings":
        return NoticeTargets(buildings=rnd.sample(buildings, k=min(len(buildings), rnd.randint(1, 3))))
    if kind == "seniors":
        return NoticeTargets(age_tiers=[AgeTier.SENIOR_60, AgeTier.SENIOR_70, AgeTier.SENIOR_80])
    if kind == "alone":
        return NoticeTargets(tags=[tags["elderly_living_alone"]])
    if kind == "children":
        return NoticeTargets(age_tiers=[AgeTier.PUPIL])
    return NoticeTargets()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build(ctx: DemoContext) -> None:
    with telling_no_one():
        _year(ctx)


def _year(ctx: DemoContext) -> None:
    rnd = ctx.random
    tags = {t.code: t for t in SensitiveTag.objects.filter(code__in=["elderly_living_alone"])}
    made = urgent = receipts = 0
    for community in ctx.communities:
        author = ctx.users["social_worker"] if community.code == "shibei" else ctx.users.get("limin_admin")
        if author is None:
            continue
        buildings = list(Building.objects.filter(community=community, residential=True).order_by("pk")[:60])
        accounts = User.objects.in_bulk(
            Resident.objects.filter(community=community, user__isnull=False).values_list("user_id", flat=True)
        )
        per_month = 2 if community.code == "shibei" else 1
        urgent_months = set(rnd.sample(range(1, 12), k=len(URGENT))) if community.code == "shibei" else set()
        for month_back in range(12, 0, -1):
            plans: list[tuple[str, str, str, bool]] = [(*rnd.choice(ORDINARY), False) for _ in range(per_month)]
            if month_back in urgent_months:
                title, body = URGENT[len([m for m in urgent_months if m > month_back]) % len(URGENT)]
                plans.append((title, body, "all", True))
            for title, body, kind, is_urgent in plans:
                day = ctx.today - dt.timedelta(days=30 * month_back - rnd.randint(0, 25))
                published = _at(day, rnd.randint(8, 17))
                b = rnd.choice(buildings).name if buildings else ""
                notice = services.notice_create(
                    actor=author,
                    community=community,
                    title=title.format(b=b),
                    body=body.format(b=b),
                    urgent=is_urgent,
                    targets=_targets(kind, buildings, tags, rnd),
                    now=published - dt.timedelta(hours=2),
                )
                services.notice_publish(actor=author, notice=notice, now=published)
                receipts += _reads(ctx, notice, published, is_urgent, accounts)
                made += 1
                urgent += is_urgent
    ctx.progress(f"  notices: {made} ({urgent} urgent), {receipts} read receipts")


def _reads(ctx: DemoContext, notice: Notice, published: dt.datetime, is_urgent: bool, accounts: dict[int, User]) -> int:
    """About 5 % of the recipients with an account (urgent: 15 %) open it in the app through the service, three
    hours, a day or two and a half days after it came out; the SMS of the time go out through the SMS jobs: an urgent
    notice's to everyone at once, an ordinary one's a day later to those who rely on SMS and have not read it."""
    rnd = ctx.random
    # publishing just wrote thousands of recipients: the reads below look them up, plan them for those rows
    refresh_statistics(NoticeRecipient._meta.db_table)
    share = 0.15 if is_urgent else 0.05
    holders = NoticeRecipient.objects.filter(notice=notice, resident__user__isnull=False).order_by("pk")
    opened = [
        (rnd.choice((3, 20, 60)), accounts[user_id])
        for user_id in holders.values_list("resident__user_id", flat=True)
        if rnd.random() < share
    ]
    opened.sort(key=lambda read: read[0])  # stable: by the hour, then as the rows came
    if is_urgent:
        sms.urgent_send(notice_id=notice.pk, now=published + dt.timedelta(minutes=1))
    sms_due, sms_sent = published + sms.DELAY, is_urgent
    for hours, reader in opened:
        read_at = published + dt.timedelta(hours=hours)
        if not sms_sent and read_at > sms_due:
            sms.delayed_send(now=sms_due)
            sms_sent = True
        services.notice_read(actor=reader, notice=notice, now=read_at)
    if not sms_sent:
        sms.delayed_send(now=sms_due)
    return NoticeRecipient.objects.filter(notice=notice, read_at__isnull=False).count()

"""Demo: 幸福学堂's terms and courses (about 400 learners a year) and the 四点半课堂. Runs after
`linli.facilities.demo`. Terms, courses, the street-wide course and the sessions ahead are set up by the
community admin through the services, as on the set-up pages; the past (enrolments, sessions held, attendance)
is written in bulk as history."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.people.models import Resident
from linli.places.models import Community

from . import services
from .models import Attendance, Course, Enrolment, Session, Term

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


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    today = ctx.today
    tz = timezone.get_current_timezone()
    facilities = {f.code: f for f in Facility.objects.filter(community__in=[shibei, limin])}
    with transaction.atomic():
        _school(ctx, shibei, facilities["XS-SCHOOL"], facilities["XS-4PM"], today, tz)


def term_name(starts_on: dt.date) -> str:
    """Named by when it starts: February to July the spring term, August to October the autumn term, else the
    winter term (so that no spring term opens in December, whatever the build day)."""
    season = "春季" if 2 <= starts_on.month <= 7 else "秋季" if 8 <= starts_on.month <= 10 else "冬季"
    return f"{starts_on.year}年{season}学期"


def _term(admin: User, c: Community, starts_on: dt.date, ends_on: dt.date) -> Term:
    return services.term_create(
        actor=admin, community=c, name=term_name(starts_on), starts_on=starts_on, ends_on=ends_on
    )


def _school(ctx: DemoContext, c: Community, school: Facility, after_school: Facility, today: dt.date, tz: Any) -> None:
    """Two terms a year of nine classes: about 400 learners a year. The current term runs around the build day."""
    rnd = ctx.random
    admin = ctx.users["community_admin"]
    limin = ctx.communities[1]
    current = _term(admin, c, today - dt.timedelta(days=60), today + dt.timedelta(days=60))
    previous = _term(admin, c, today - dt.timedelta(days=240), today - dt.timedelta(days=90))
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
    now = ctx.now
    for term in (previous, current):
        for title, audience, teacher, when, seats, fee in COURSES:
            where = after_school if audience == "children" else school
            course = services.course_create(
                actor=admin,
                term=term,
                facility=where,
                title=title,
                audience=audience,
                teacher=teacher,
                schedule=when,
                seats=seats,
                price_fen=fee,
                open=term is current,
                min_age=6 if audience == "children" else None,
                max_age=12 if audience == "children" else None,
            )
            if term is current and title == "智能手机课":
                # a street-wide course: 利民社区's elders may enrol too
                services.course_share(actor=admin, course=course, communities=[limin])
            if audience == "staff":
                chosen: list[Any] = staff
            else:
                pool = people[audience]
                chosen = rnd.sample(pool, min(len(pool), seats - (3 if term is current else 0)))
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
            Course.objects.filter(pk=course.pk).update(enrolled=len(chosen))  # the bulk history's head count
            if term is current:
                for week in range(-2, 4):
                    day = today + dt.timedelta(days=7 * week)
                    start = dt.datetime.combine(day, dt.time(9 if audience != "children" else 16), tzinfo=tz)
                    end, topic = start + dt.timedelta(minutes=90), f"第{week + 3}讲"
                    if start > now:
                        services.session_add(
                            actor=admin, course=course, starts_at=start, ends_at=end, topic=topic, now=now
                        )
                    else:
                        sessions.append(Session(course=course, starts_at=start, ends_at=end, topic=topic))
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
    ctx.progress(f"  幸福学堂: {len(learners)} learners in two terms, {len(sessions)} sessions held")

"""Demo: 幸福学堂's terms and courses (about 400 learners a year) and the 四点半课堂. Runs after
`linli.facilities.demo`. Terms, courses, the street-wide course and the sessions ahead are set up by the
community admin through the services, as on the set-up pages; the terms' enrolments, sessions and attendance
are recorded through the services on the days they happened, telling no one today."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.notifications.services import telling_no_one
from linli.payments.models import Method, Purpose
from linli.payments.services import subject_counter_take
from linli.people.ages import born_on_or_before_for_age
from linli.people.models import Resident
from linli.places.models import Community

from . import services
from .models import Course, Enrolment, Term

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
    with transaction.atomic(), telling_no_one():
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
    """Two terms a year of nine classes: about 400 learners a year. The current term runs around the build day.

    Each term plays through the services on its days: the admin sets the courses up and adds their sessions the day
    the term opens, the front desk enrols the residents that morning (taking a class fee at the counter), the staff
    enrol themselves in their training, and the front desk checks the learners in at each session held."""
    rnd = ctx.random
    admin = ctx.users["community_admin"]
    limin = ctx.communities[1]
    current = _term(admin, c, today - dt.timedelta(days=60), today + dt.timedelta(days=60))
    previous = _term(admin, c, today - dt.timedelta(days=240), today - dt.timedelta(days=90))
    current_residents = Resident.objects.filter(community=c, moved_out_on__isnull=True).order_by("pk")
    people = {
        "elderly": list(current_residents.filter(birth_date__lte=born_on_or_before_for_age(60, today))[:800]),
        "working": list(
            current_residents.filter(
                birth_date__gt=born_on_or_before_for_age(55, today),
                birth_date__lte=born_on_or_before_for_age(22, today),
            )[:800]
        ),
    }
    staff = [u for k, u in ctx.users.items() if k in ("steward", "social_worker", "community_admin")]
    learners: set[int] = set()
    held = 0
    now = ctx.now
    for term in (previous, current):
        opening = dt.datetime.combine(term.starts_on, dt.time(9), tzinfo=tz)
        # the after-school classes take the children who are 6 to 11 on the day the term opens
        people["children"] = list(
            current_residents.filter(
                birth_date__gt=born_on_or_before_for_age(12, term.starts_on),
                birth_date__lte=born_on_or_before_for_age(6, term.starts_on),
            )[:400]
        )
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
                open=True,
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
            enrolments = [
                _enrol(admin, course, learner, opening + dt.timedelta(minutes=2 * i))
                for i, learner in enumerate(chosen)
            ]
            if audience != "staff":
                learners.update(learner.pk for learner in chosen)
            if term is current:
                sessions = []
                for week in range(-2, 4):
                    day = today + dt.timedelta(days=7 * week)
                    start = dt.datetime.combine(day, dt.time(9 if audience != "children" else 16), tzinfo=tz)
                    sessions.append(
                        services.session_add(
                            actor=admin,
                            course=course,
                            starts_at=start,
                            ends_at=start + dt.timedelta(minutes=90),
                            topic=f"第{week + 3}讲",
                            now=opening - dt.timedelta(hours=1),
                        )
                    )
                for session in sessions:
                    if session.starts_at >= now:
                        continue
                    held += 1
                    for enrolment in enrolments:
                        if rnd.random() < 0.85:
                            services.attendance_check_in(
                                actor=admin, session=session, enrolment=enrolment, now=session.starts_at
                            )
            else:  # the term is over: the course no longer takes learners
                services.course_update(actor=admin, course=course, open=False)
    ctx.progress(f"  幸福学堂: {len(learners)} learners in two terms, {held} sessions held")


def _enrol(admin: User, course: Course, learner: Any, at: dt.datetime) -> Enrolment:
    """One learner enrolled at `at`: a staff member enrols in the training themselves, a resident at the front desk,
    who takes the class fee at the counter a minute later."""
    if isinstance(learner, User):
        return services.enrol(actor=learner, course=course, staff=learner, now=at)
    enrolment = services.enrol(actor=admin, course=course, resident=learner, now=at)
    if enrolment.status == Enrolment.Status.UNPAID:
        subject_counter_take(
            actor=admin,
            purpose=Purpose.COURSE,
            subject_id=enrolment.pk,
            method=(Method.CASH, Method.SCANNED)[enrolment.pk % 2],
            now=at + dt.timedelta(minutes=1),
        )
        enrolment.refresh_from_db()
    return enrolment

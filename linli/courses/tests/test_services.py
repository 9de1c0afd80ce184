"""The community school's services on a fixed clock: terms, courses, sessions, enrolment with a waiting list,
withdrawal, attendance; who may do each, and that a refusal changes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.courses import services
from linli.courses.models import Attendance, Course, Enrolment, Session, Term
from linli.facilities.tests.factories import make_facility
from linli.notifications.models import Notification
from linli.people.models import Resident

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
TERM = (dt.date(2026, 3, 1), dt.date(2026, 6, 30))


def state() -> tuple[Any, ...]:
    """Everything a course service writes."""
    return (
        list(Term.objects.values_list("pk", "name")),
        list(Course.objects.values_list("pk", "enrolled", "seats")),
        list(Session.objects.values_list("pk", "starts_at")),
        list(Enrolment.objects.values_list("pk", "status")),
        list(Attendance.objects.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def term(community: Any, admin: Any) -> Term:
    return services.term_create(actor=admin, community=community, name="春季", starts_on=TERM[0], ends_on=TERM[1])


@pytest.fixture
def course(term: Term, school: Any, admin: Any) -> Course:
    return services.course_create(
        actor=admin, term=term, facility=school, title="书法", audience="elderly", seats=1, min_age=60
    )


@pytest.fixture
def learner(community: Any, users: dict[str, Any]) -> Resident:
    return make_resident(community, name="周丽君", user=users["resident"])


@pytest.fixture
def neighbour(community: Any, users: dict[str, Any]) -> Resident:
    """In another household of the same community, with an account of their own."""
    household = community.households.create(building=community.buildings.first(), unit="2单元202")
    resident = make_resident(community, name="王大伯", seq=2, user=users["volunteer"])
    Resident.objects.filter(pk=resident.pk).update(household=household)
    resident.refresh_from_db()
    return resident


@pytest.fixture
def strangers(make_user: Any, other_community: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Everyone who may not run this community's school."""
    return {
        "anonymous": AnonymousUser(),
        "resident": users["resident"],
        "volunteer": users["volunteer"],
        "merchant_staff": users["merchant_staff"],
        "other_admin": make_user("community_admin", other_community),
        "other_operator": make_user("operator", other_community),
    }


def session_of(course: Course, day: dt.date = dt.date(2026, 3, 9)) -> Session:
    starts = dt.datetime.combine(day, dt.time(14), tzinfo=TZ)
    return Session.objects.create(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))


# --- terms, courses, sessions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["community_admin", "social_worker"])
def test_staff_set_up_a_term_a_course_and_its_sessions(community: Any, users: dict[str, Any], school: Any, role: str):
    actor = users[role]
    term = services.term_create(actor=actor, community=community, name=" 春季 ", starts_on=TERM[0], ends_on=TERM[1])
    course = services.course_create(
        actor=actor, term=term, facility=school, title="太极拳", audience="elderly", seats=12, price_fen=500
    )
    starts = NOW + dt.timedelta(days=1)
    session = services.session_add(
        actor=actor, course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1), topic="起势", now=NOW
    )
    assert (term.name, term.community, course.community, course.enrolled) == ("春季", community, community, 0)
    assert (session.course, session.topic) == (course, "起势")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "community")) == [
        ("course.term_create", community.pk),
        ("course.create", community.pk),
        ("course.session_add", community.pk),
    ]


@pytest.mark.parametrize(
    "who", ["anonymous", "resident", "volunteer", "merchant_staff", "other_admin", "other_operator"]
)
def test_only_the_communitys_register_staff_set_up_the_school(
    community: Any, term: Term, course: Course, school: Any, strangers: dict[str, Any], who: str
):
    actor = strangers[who]
    before = state()
    with pytest.raises(NotAllowed):
        services.term_create(actor=actor, community=community, name="秋季", starts_on=TERM[0], ends_on=TERM[1])
    with pytest.raises(NotAllowed):
        services.course_create(actor=actor, term=term, facility=school, title="国画", audience="elderly", seats=5)
    with pytest.raises(NotAllowed):
        services.session_add(
            actor=actor,
            course=course,
            starts_at=NOW + dt.timedelta(days=1),
            ends_at=NOW + dt.timedelta(days=2),
            now=NOW,
        )
    assert state() == before


def test_the_front_desk_may_not_set_up_the_school(community: Any, users: dict[str, Any], term: Term, school: Any):
    before = state()
    with pytest.raises(NotAllowed):
        services.course_create(
            actor=users["operator"], term=term, facility=school, title="国画", audience="elderly", seats=5
        )
    assert state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "国画", "seats": 0}, "seats"),
        ({"title": "国画", "audience": "pets"}, "audience"),
        ({"title": "国画", "price_fen": -1}, "price_fen"),
        ({"title": "国画", "min_age": 70, "max_age": 60}, "max_age"),
        ({"title": "国画", "facility": "elsewhere"}, "facility"),
    ],
)
def test_a_bad_course_is_refused_and_saves_nothing(
    admin: Any, term: Term, school: Any, other_community: Any, change: dict[str, Any], field: str
):
    args: dict[str, Any] = {"term": term, "facility": school, "audience": "elderly", "seats": 5, **change}
    if args["facility"] == "elsewhere":
        args["facility"] = make_facility(other_community, "school", "culture_station")
    before = state()
    with pytest.raises(DomainError) as refused:
        services.course_create(actor=admin, **args)
    assert refused.value.field == field and state() == before


def test_bad_terms_and_sessions_are_refused_and_save_nothing(community: Any, admin: Any, term: Term, course: Course):
    before = state()
    with pytest.raises(DomainError) as backwards:
        services.term_create(actor=admin, community=community, name="秋季", starts_on=TERM[1], ends_on=TERM[0])
    assert backwards.value.field == "ends_on"
    with pytest.raises(Conflict) as twice:
        services.term_create(actor=admin, community=community, name="春季", starts_on=TERM[0], ends_on=TERM[1])
    assert twice.value.field == "name"
    with pytest.raises(DomainError) as past:
        services.session_add(actor=admin, course=course, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1), now=NOW)
    assert past.value.code == "session_in_past"
    later = NOW + dt.timedelta(days=1)
    with pytest.raises(DomainError) as short:
        services.session_add(actor=admin, course=course, starts_at=later, ends_at=later, now=NOW)
    assert short.value.field == "ends_at"
    assert state() == before


# --- enrolment, the waiting list, withdrawal ----------------------------------------------------------------------


def test_a_full_course_puts_the_next_on_the_waiting_list_and_a_withdrawal_moves_them_up(
    users: dict[str, Any],
    course: Course,
    learner: Resident,
    neighbour: Resident,
    django_capture_on_commit_callbacks: Any,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
        second = services.enrol(actor=users["volunteer"], course=course, resident=neighbour, now=NOW)
    course.refresh_from_db()
    assert (first.status, second.status, course.enrolled) == ("enrolled", "waitlisted", 1)
    assert first.enrolled_by == users["resident"] and first.created_at == NOW
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=users["resident"], enrolment=first, now=NOW + dt.timedelta(days=1))
    first.refresh_from_db()
    second.refresh_from_db()
    course.refresh_from_db()
    assert (first.status, first.withdrawn_at, second.status, course.enrolled) == (
        "withdrawn",
        NOW + dt.timedelta(days=1),
        "enrolled",
        1,
    )
    told = list(Notification.objects.filter(user=users["volunteer"]).order_by("pk").values_list("title", flat=True))
    assert len(told) == 2 and "书法" in told[0] and "书法" in told[1]
    assert list(
        AuditEntry.objects.filter(action__startswith="course.").order_by("pk").values_list("action", flat=True)
    )[-3:] == [
        "course.enrol",
        "course.enrol",
        "course.withdraw",
    ]
    services.withdraw(actor=users["volunteer"], enrolment=second, now=NOW)
    course.refresh_from_db()
    assert course.enrolled == 0


def test_a_family_member_enrols_for_the_household_and_a_neighbour_may_not(
    community: Any, users: dict[str, Any], course: Course, learner: Resident, neighbour: Resident
):
    spouse = make_resident(community, name="周建国", seq=3)  # same household as the learner, no account
    assert services.enrol(actor=users["resident"], course=course, resident=spouse, now=NOW).status == "enrolled"
    before = state()
    with pytest.raises(NotAllowed) as refused:
        services.enrol(actor=users["volunteer"], course=course, resident=learner, now=NOW)
    assert refused.value.code == "not_household"
    assert state() == before


def test_enrolment_refusals_change_nothing(
    users: dict[str, Any], admin: Any, term: Term, school: Any, course: Course, learner: Resident, neighbour: Resident
):
    services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    children = services.course_create(
        actor=admin, term=term, facility=school, title="四点半课堂", audience="children", seats=10, max_age=12
    )
    closed = services.course_create(actor=admin, term=term, facility=school, title="合唱", audience="elderly", seats=9)
    Course.objects.filter(pk=closed.pk).update(open=False)
    before = state()
    with pytest.raises(Conflict) as twice:
        services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    assert twice.value.code == "already_enrolled"
    with pytest.raises(DomainError) as too_old:
        services.enrol(actor=users["resident"], course=children, resident=learner, now=NOW)
    assert too_old.value.code == "wrong_age"
    with pytest.raises(DomainError) as shut:
        services.enrol(actor=users["resident"], course=closed, resident=learner, now=NOW)
    assert shut.value.code == "course_closed"
    with pytest.raises(DomainError) as over:
        services.enrol(
            actor=users["volunteer"], course=course, resident=neighbour, now=dt.datetime(2026, 7, 1, tzinfo=TZ)
        )
    assert over.value.code == "course_closed"
    with pytest.raises(DomainError) as nobody:
        services.enrol(actor=users["resident"], course=course, now=NOW)
    assert nobody.value.field == "resident"
    with pytest.raises(NotAllowed):
        services.enrol(actor=AnonymousUser(), course=course, resident=learner, now=NOW)
    assert state() == before


def test_a_resident_of_another_community_is_not_enrolled_even_by_their_own_staff(
    users: dict[str, Any], make_user: Any, other_community: Any, course: Course
):
    elsewhere = make_resident(other_community, name="李奶奶", seq=4)
    before = state()
    with pytest.raises(NotAllowed) as refused:
        services.enrol(actor=make_user("operator", other_community), course=course, resident=elsewhere, now=NOW)
    assert refused.value.code == "not_shared"
    assert state() == before


def test_staff_training_is_for_the_communitys_staff(
    users: dict[str, Any], admin: Any, term: Term, school: Any, learner: Resident, make_user: Any, other_community: Any
):
    training = services.course_create(
        actor=admin, term=term, facility=school, title="个案管理", audience="staff", seats=5
    )
    mine = services.enrol(actor=users["social_worker"], course=training, now=NOW)
    assert (mine.staff, mine.resident, mine.status) == (users["social_worker"], None, "enrolled")
    for_a_colleague = services.enrol(actor=admin, course=training, staff=users["grid_steward"], now=NOW)
    assert for_a_colleague.staff == users["grid_steward"]
    before = state()
    for actor, resident in (
        (users["resident"], None),
        (users["resident"], learner),
        (make_user("social_worker", other_community), None),
    ):
        with pytest.raises(NotAllowed):
            services.enrol(actor=actor, course=training, resident=resident, now=NOW)
    with pytest.raises(NotAllowed):  # a colleague may enrol only themself
        services.enrol(actor=users["grid_steward"], course=training, staff=admin, now=NOW)
    assert state() == before


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "merchant_staff", "other_admin", "other_operator"])
def test_only_the_family_and_the_communitys_staff_withdraw_an_enrolment(
    users: dict[str, Any], course: Course, learner: Resident, neighbour: Resident, strangers: dict[str, Any], who: str
):
    enrolment = services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    before = state()
    with pytest.raises(NotAllowed):
        services.withdraw(actor=strangers[who], enrolment=enrolment, now=NOW)
    assert state() == before
    services.withdraw(actor=users["community_admin"], enrolment=enrolment, now=NOW)
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    before = state()
    with pytest.raises(DomainError) as again:
        services.withdraw(actor=users["resident"], enrolment=enrolment, now=NOW)
    assert again.value.code == "not_active" and state() == before


# --- attendance -----------------------------------------------------------------------------------------------------


def test_the_front_desk_checks_a_learner_in_on_the_day_once(users: dict[str, Any], course: Course, learner: Resident):
    enrolment = services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    session = session_of(course)
    at = session.starts_at - dt.timedelta(minutes=10)
    first = services.attendance_check_in(actor=users["operator"], session=session, enrolment=enrolment, now=at)
    again = services.attendance_check_in(actor=users["operator"], session=session, enrolment=enrolment, now=at)
    assert first.pk == again.pk and (first.checked_in_at, first.checked_in_by) == (at, users["operator"])
    assert AuditEntry.objects.filter(action="course.check_in").count() == 1


@pytest.mark.parametrize(
    "who", ["anonymous", "resident", "volunteer", "merchant_staff", "other_admin", "other_operator"]
)
def test_only_the_communitys_front_desk_takes_attendance(
    users: dict[str, Any], course: Course, learner: Resident, strangers: dict[str, Any], who: str
):
    enrolment = services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    session = session_of(course)
    before = state()
    with pytest.raises(NotAllowed):
        services.attendance_check_in(actor=strangers[who], session=session, enrolment=enrolment, now=session.starts_at)
    assert state() == before


def test_attendance_is_refused_on_another_day_and_for_a_learner_not_enrolled(
    users: dict[str, Any], course: Course, learner: Resident, neighbour: Resident
):
    enrolled = services.enrol(actor=users["resident"], course=course, resident=learner, now=NOW)
    waiting = services.enrol(actor=users["volunteer"], course=course, resident=neighbour, now=NOW)
    session = session_of(course)
    desk = users["operator"]
    before = state()
    with pytest.raises(DomainError) as early:
        services.attendance_check_in(
            actor=desk, session=session, enrolment=enrolled, now=session.starts_at - dt.timedelta(days=1)
        )
    assert early.value.code == "wrong_day"
    with pytest.raises(DomainError) as not_in:
        services.attendance_check_in(actor=desk, session=session, enrolment=waiting, now=session.starts_at)
    assert not_in.value.code == "not_enrolled"
    assert state() == before


def test_a_term_named_by_someone_else_meanwhile_is_refused_as_a_duplicate(
    community: Any, admin: Any, term: Term, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Term.objects, "filter", lambda **_kw: Term.objects.none())  # it came after the check
    with pytest.raises(Conflict) as exc:
        services.term_create(actor=admin, community=community, name=term.name, starts_on=TERM[0], ends_on=TERM[1])
    assert (exc.value.field, exc.value.status) == ("name", 409)
    assert Term.objects.all().count() == 1

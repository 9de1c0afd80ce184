"""课程设置: the community's staff set up terms, courses, weekly sessions and street-wide courses from pages and the
API; who may, what is refused (in the user's language, nothing saved), and that people enrolled are asked about
and told."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.core.errors import ConfirmNeeded, DomainError, NotAllowed
from linli.courses import services
from linli.courses.models import Course, Enrolment, Session, Term
from linli.facilities.tests.factories import make_facility
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


def state() -> tuple[Any, ...]:
    return (
        list(Term.objects.order_by("pk").values_list("pk", "name", "starts_on", "ends_on")),
        list(Course.objects.order_by("pk").values_list("pk", "title", "seats", "schedule", "facility_id", "open")),
        list(Course.shared_with.through.objects.order_by("pk").values_list("course_id", "community_id")),
        list(Session.objects.order_by("pk").values_list("pk", "starts_at", "cancelled_at")),
        list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def term(community: Any, admin: Any) -> Term:
    today = timezone.localdate()
    return services.term_create(
        actor=admin, community=community, name="本学期", starts_on=today, ends_on=today + dt.timedelta(days=90)
    )


@pytest.fixture
def course(term: Term, school: Any, admin: Any) -> Course:
    return services.course_create(
        actor=admin, term=term, facility=school, title="书法", audience="elderly", seats=3, schedule="每周一 09:00"
    )


@pytest.fixture
def learner(community: Any, make_user: Any) -> Any:
    user = make_user("resident", community)
    return make_resident(community, name="李奶奶", seq=7, user=user)


def tomorrow_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


# --- services -------------------------------------------------------------------------------------------------


def test_term_dates_must_still_hold_the_sessions(term: Term, course: Course, admin: Any):
    session = services.session_add(actor=admin, course=course, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10))
    before = state()
    with pytest.raises(DomainError) as exc:
        services.term_update(
            actor=admin,
            term=term,
            name=term.name,
            starts_on=term.starts_on + dt.timedelta(days=5),
            ends_on=term.ends_on,
        )
    assert exc.value.code == "sessions_outside_term"
    assert state() == before
    services.session_cancel(actor=admin, session=session)  # a cancelled session no longer holds the term
    services.term_update(
        actor=admin, term=term, name="秋季", starts_on=term.starts_on + dt.timedelta(days=5), ends_on=term.ends_on
    )
    term.refresh_from_db()
    assert term.name == "秋季"
    assert AuditEntry.objects.filter(action="course.term_update").count() == 1


def test_fewer_seats_than_enrolled_is_refused(course: Course, admin: Any, learner: Any, community: Any):
    other = make_resident(community, name="王伯伯", seq=8)
    services.enrol(actor=admin, course=course, resident=learner)
    services.enrol(actor=admin, course=course, resident=other)
    before = state()
    with pytest.raises(DomainError) as exc:
        services.course_update(actor=admin, course=course, seats=1)
    assert exc.value.code == "seats_below_enrolled" and "2" in str(exc.value.message)
    assert state() == before
    services.course_update(actor=admin, course=course, seats=2, open=False)
    course.refresh_from_db()
    assert (course.seats, course.open) == (2, False)


def test_a_new_time_asks_to_confirm_then_tells_the_people_enrolled(
    course: Course, admin: Any, learner: Any, community: Any, django_capture_on_commit_callbacks: Any
):
    services.enrol(actor=admin, course=course, resident=learner)
    hall = make_facility(community, "hall", "culture_station", name="文化家园")
    before = state()
    with pytest.raises(ConfirmNeeded) as exc:
        services.course_update(actor=admin, course=course, schedule="每周二 14:00", facility=hall)
    assert "1" in str(exc.value.message)
    assert state() == before
    told = Notification.objects.filter(user=learner.user).count()
    with pytest.raises(DomainError):  # a refusal with confirm given still saves nothing
        services.course_update(actor=admin, course=course, schedule="每周二 14:00", seats=0, confirm=True)
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        services.course_update(actor=admin, course=course, schedule="每周二 14:00", facility=hall, confirm=True)
    course.refresh_from_db()
    assert (course.schedule, course.facility_id) == ("每周二 14:00", hall.pk)
    assert Notification.objects.filter(user=learner.user).count() == told + 1
    # a change that does not move time or place needs no confirmation
    services.course_update(actor=admin, course=course, teacher="陈老师")


def test_weekly_series_over_the_term(course: Course, admin: Any, term: Term):
    made = services.session_series_add(
        actor=admin, course=course, weekday=2, start=dt.time(14), end=dt.time(15, 30), topic="练字"
    )
    assert made and all(timezone.localtime(s.starts_at).weekday() == 2 for s in made)
    assert all(term.starts_on <= timezone.localtime(s.starts_at).date() <= term.ends_on for s in made)
    gaps = {(b.starts_at - a.starts_at).days for a, b in itertools.pairwise(made)}
    assert gaps <= {7}
    before = state()
    for bad in (
        {"weekday": 2, "start": dt.time(15), "end": dt.time(14)},
        {"weekday": 9, "start": dt.time(14), "end": dt.time(15)},
        {"weekday": 2, "start": dt.time(14), "end": dt.time(15), "last_day": term.ends_on + dt.timedelta(days=7)},
    ):
        with pytest.raises(DomainError):
            services.session_series_add(actor=admin, course=course, **bad)
    with pytest.raises(DomainError) as exc:
        services.session_add(
            actor=admin,
            course=course,
            starts_at=tomorrow_at(9) + dt.timedelta(days=200),
            ends_at=tomorrow_at(10) + dt.timedelta(days=200),
        )
    assert exc.value.code == "outside_term"
    assert state() == before


def test_cancelling_a_session_tells_the_people_enrolled(
    course: Course, admin: Any, learner: Any, users: Any, django_capture_on_commit_callbacks: Any
):
    services.enrol(actor=admin, course=course, resident=learner)
    session = services.session_add(actor=admin, course=course, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10))
    with pytest.raises(NotAllowed):
        services.session_cancel(actor=users["operator"], session=session)
    told = Notification.objects.filter(user=learner.user).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(actor=admin, session=session)
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert Notification.objects.filter(user=learner.user).count() == told + 1
    before = state()
    with pytest.raises(DomainError):
        services.session_cancel(actor=admin, session=session)
    assert state() == before


@pytest.mark.parametrize("who", ["resident", "operator", "grid_steward", "volunteer", "street_admin", "outsider"])
def test_only_course_managers_set_up(users: Any, community: Any, term: Term, course: Course, school: Any, who: str):
    actor = users[who]
    before = state()
    today = timezone.localdate()
    calls = [
        lambda: services.term_create(actor=actor, community=community, name="x", starts_on=today, ends_on=today),
        lambda: services.term_update(actor=actor, term=term, name="x", starts_on=today, ends_on=today),
        lambda: services.course_create(actor=actor, term=term, facility=school, title="x", audience="elderly", seats=1),
        lambda: services.course_update(actor=actor, course=course, seats=9),
        lambda: services.session_series_add(actor=actor, course=course, weekday=1, start=dt.time(9), end=dt.time(10)),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert state() == before


# --- street-wide courses -------------------------------------------------------------------------------------


def test_a_street_wide_course_is_seen_and_taken_by_the_neighbours_only(
    community: Any, other_community: Any, far_community: Any, users: Any, course: Course, make_user: Any
):
    neighbour_user = make_user("resident", other_community)
    neighbour = make_resident(other_community, name="赵大爷", seq=11, user=neighbour_user)
    far_user = make_user("resident", far_community)
    far = make_resident(far_community, name="孙阿姨", seq=12, user=far_user)
    page = client_for(neighbour_user)
    assert "书法" not in page.get("/courses/limin/").content.decode()
    with pytest.raises(DomainError):
        services.course_share(actor=users["community_admin"], course=course, communities=[far_community])
    with pytest.raises(NotAllowed):
        services.course_share(actor=users["social_worker"], course=course, communities=[other_community])
    services.course_share(actor=users["street_admin"], course=course, communities=[other_community])
    listed = page.get("/courses/limin/").content.decode()
    assert "书法" in listed and "市北社区" in listed
    assert [c["id"] for c in page.get("/api/v1/communities/limin/courses").json()] == [course.pk]
    r = page.post(f"/courses/limin/{course.pk}/enrol/", {"resident": neighbour.pk})
    assert r.status_code == 302
    assert Enrolment.objects.get(course=course, resident=neighbour).status == "enrolled"
    # another street: neither seen nor enrolled
    far_page = client_for(far_user)
    assert far_page.get("/courses/guangde/").status_code == 200
    assert far_page.post(f"/courses/guangde/{course.pk}/enrol/", {"resident": far.pk}).status_code == 404
    assert far_page.post(f"/courses/shibei/{course.pk}/enrol/", {"resident": far.pk}).status_code == 404
    with pytest.raises(NotAllowed):
        services.enrol(actor=far_user, course=course, resident=far)
    assert not Enrolment.objects.filter(resident=far).exists()


# --- pages ----------------------------------------------------------------------------------------------------


def test_setup_pages_for_the_admin(admin: Any, term: Term, course: Course, school: Any):
    page = client_for(admin)
    r = page.get("/courses/shibei/setup/")
    body = r.content.decode()
    assert r.status_code == 200 and "课程设置" in body and "书法" in body and "本学期" in body
    assert "children" not in body and "elderly" not in body
    for url in (
        "/courses/shibei/new/",
        "/courses/shibei/terms/new/",
        f"/courses/shibei/terms/{term.pk}/edit/",
        f"/courses/shibei/{course.pk}/edit/",
        f"/courses/shibei/{course.pk}/sessions/",
        f"/courses/shibei/{course.pk}/share/",
    ):
        assert page.get(url).status_code == 200, url
    today = timezone.localdate()
    r = page.post(
        "/courses/shibei/terms/new/",
        {"name": "下学期", "starts_on": today + dt.timedelta(days=100), "ends_on": today + dt.timedelta(days=200)},
    )
    assert r.status_code == 302
    new_term = Term.objects.get(name="下学期")
    r = page.post(
        "/courses/shibei/new/",
        {
            "term": new_term.pk,
            "title": "太极拳",
            "audience": "elderly",
            "facility": school.pk,
            "schedule": "每周二 07:00",
            "seats": 20,
            "min_age": 55,
            "price": "0",
            "open": "on",
        },
    )
    created = Course.objects.get(title="太极拳")
    assert r.status_code == 302 and r["Location"] == f"/courses/shibei/{created.pk}/sessions/"
    r = page.post(
        f"/courses/shibei/{created.pk}/sessions/", {"weekday": 1, "start": "07:00", "end": "08:00", "topic": ""}
    )
    assert r.status_code == 302
    assert Session.objects.filter(course=created).count() >= 10


def test_bad_input_on_the_pages_says_why_and_saves_nothing(admin: Any, term: Term, course: Course, school: Any):
    page = client_for(admin)
    before = state()
    today = timezone.localdate()
    r = page.post(
        "/courses/shibei/terms/new/", {"name": "坏学期", "starts_on": today, "ends_on": today - dt.timedelta(1)}
    )
    assert "结束日期早于开始日期" in r.content.decode()
    r = page.post(f"/courses/shibei/terms/{term.pk}/edit/", {"name": "", "starts_on": "x", "ends_on": today})
    assert r.status_code == 200
    r = page.post(
        "/courses/shibei/new/",
        {"term": term.pk, "title": "书", "audience": "elderly", "facility": school.pk, "seats": 0, "price": "-1"},
    )
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = page.post(
        "/courses/shibei/new/",
        {
            "term": term.pk,
            "title": "书",
            "audience": "elderly",
            "facility": school.pk,
            "seats": 5,
            "price": "0",
            "min_age": 70,
            "max_age": 60,
        },
    )
    assert "截止年龄低于起始年龄" in r.content.decode()
    r = page.post(f"/courses/shibei/{course.pk}/sessions/", {"weekday": 1, "start": "10:00", "end": "09:00"})
    assert "结束" in r.content.decode()
    assert state() == before


def test_the_course_edit_page_asks_before_moving_people(
    admin: Any, course: Course, school: Any, learner: Any, django_capture_on_commit_callbacks: Any
):
    services.enrol(actor=admin, course=course, resident=learner)
    page = client_for(admin)
    data = {"title": "书法", "audience": "elderly", "facility": school.pk, "seats": 3, "price": "0", "open": "on"}
    before = state()
    r = page.post(f"/courses/shibei/{course.pk}/edit/", {**data, "seats": 0})
    assert r.status_code == 200 and state() == before
    r = page.post(f"/courses/shibei/{course.pk}/edit/", {**data, "schedule": "每周五 10:00"})
    body = r.content.decode()
    assert r.status_code == 200 and "1" in body and 'data-testid="confirm"' in body
    assert 'type="hidden" name="confirm" value="1"' in body
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        r = page.post(f"/courses/shibei/{course.pk}/edit/", {**data, "schedule": "每周五 10:00", "confirm": "on"})
    assert r.status_code == 302
    course.refresh_from_db()
    assert course.schedule == "每周五 10:00"
    assert Notification.objects.filter(user=learner.user, title__contains="每周五").exists()


def test_the_cancel_page_says_how_many_will_be_told(admin: Any, course: Course, learner: Any):
    services.enrol(actor=admin, course=course, resident=learner)
    session = services.session_add(actor=admin, course=course, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10))
    page = client_for(admin)
    r = page.get(f"/courses/shibei/sessions/{session.pk}/cancel/")
    assert r.status_code == 200 and "1" in r.content.decode()
    session.refresh_from_db()
    assert session.cancelled_at is None
    assert page.post(f"/courses/shibei/sessions/{session.pk}/cancel/").status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is not None


@pytest.mark.parametrize("who", ["resident", "operator", "grid_steward", "street_admin"])
def test_setup_pages_refused_to_others(users: Any, who: str, term: Term, course: Course, school: Any):
    page = client_for(users[who])
    before = state()
    for url in (
        "/courses/shibei/setup/",
        "/courses/shibei/new/",
        f"/courses/shibei/{course.pk}/edit/",
        f"/courses/shibei/{course.pk}/sessions/",
    ):
        assert page.get(url).status_code == 403, url
    assert page.post("/courses/shibei/terms/new/", {"name": "x"}).status_code == 403
    assert "课程设置" not in page.get("/courses/shibei/").content.decode()
    assert state() == before


def test_another_communitys_setup_is_404(other_community: Any, make_user: Any, admin: Any, course: Course):
    theirs = make_user("community_admin", other_community)
    page = client_for(theirs)
    before = state()
    assert page.get("/courses/shibei/setup/").status_code == 404
    assert page.get(f"/courses/limin/{course.pk}/edit/").status_code == 404
    assert page.post(f"/courses/limin/{course.pk}/share/", {"communities": [other_community.pk]}).status_code == 404
    api = client_for(theirs)
    r = api.patch(f"/api/v1/communities/limin/courses/{course.pk}", {"seats": 9}, "application/json")
    assert r.status_code == 404
    assert api.get(f"/api/v1/communities/limin/terms/{course.term_id}/courses").status_code == 404
    series = {"weekday": 1, "start": "09:00", "end": "10:00"}
    r = api.post(f"/api/v1/communities/shibei/courses/{course.pk}/session-series", series, "application/json")
    assert r.status_code == 404
    assert state() == before


# --- API ------------------------------------------------------------------------------------------------------


def test_the_api_sets_up_a_course(admin: Any, school: Any, learner: Any, other_community: Any):
    api = client_for(admin)
    today = timezone.localdate()
    base = "/api/v1/communities/shibei"
    r = api.post(
        f"{base}/terms",
        {"name": "春季", "starts_on": str(today), "ends_on": str(today + dt.timedelta(days=60))},
        "application/json",
    )
    assert r.status_code == 201, r.content
    term_id = r.json()["id"]
    r = api.patch(f"{base}/terms/{term_id}", {"name": "春季学期"}, "application/json")
    assert r.status_code == 200 and r.json()["name"] == "春季学期"
    r = api.post(
        f"{base}/courses",
        {"term_id": term_id, "facility_id": school.pk, "title": "茶艺", "audience": "elderly", "seats": 2},
        "application/json",
    )
    assert r.status_code == 201, r.content
    course_id = r.json()["id"]
    r = api.post(
        f"{base}/courses/{course_id}/session-series",
        {"weekday": 3, "start": "09:00", "end": "10:30"},
        "application/json",
    )
    assert r.status_code == 201 and len(r.json()) >= 7
    services.enrol(actor=admin, course=Course.objects.get(pk=course_id), resident=learner)
    before = state()
    r = api.patch(f"{base}/courses/{course_id}", {"seats": 0}, "application/json")
    assert r.status_code == 422
    r = api.patch(f"{base}/courses/{course_id}", {"schedule": "每周四 09:00"}, "application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "confirm_needed"
    assert state() == before
    r = api.patch(f"{base}/courses/{course_id}", {"schedule": "每周四 09:00", "confirm": True}, "application/json")
    assert r.status_code == 200 and r.json()["schedule"] == "每周四 09:00"
    r = api.patch(f"{base}/courses/{course_id}", {"min_age": None, "title": None}, "application/json")
    assert r.status_code == 200 and r.json()["title"] == "茶艺"
    sessions = api.get(f"{base}/courses/{course_id}/sessions").json()
    r = api.post(f"{base}/sessions/{sessions[0]['id']}/cancel")
    assert r.status_code == 200 and r.json()["cancelled"] is True
    r = api.put(f"{base}/courses/{course_id}/shared-with", {"communities": ["limin"]}, "application/json")
    assert r.status_code == 200 and r.json()["shared_with"] == ["limin"]
    r = api.put(f"{base}/courses/{course_id}/shared-with", {"communities": ["nowhere"]}, "application/json")
    assert r.status_code == 400 and "nowhere" in r.json()["error"]["message"]
    assert [t["name"] for t in api.get(f"{base}/terms").json()] == ["春季学期"]
    assert [c["id"] for c in api.get(f"{base}/terms/{term_id}/courses").json()] == [course_id]


def test_api_bad_input_is_a_message_in_the_users_language(admin: Any, term: Term, school: Any):
    api = client_for(admin)
    before = state()
    r = api.post(
        "/api/v1/communities/shibei/terms",
        {"name": "坏", "starts_on": "2027-03-01", "ends_on": "2027-02-01"},
        "application/json",
    )
    assert r.status_code == 400 and r.json()["error"]["message"] == "结束日期早于开始日期。"
    r = api.post(
        "/api/v1/communities/shibei/courses",
        {"term_id": term.pk, "facility_id": school.pk, "title": "x", "audience": "nobody", "seats": 2},
        "application/json",
    )
    assert r.status_code == 400 and r.json()["error"]["message"] == "请选择对象。"
    assert state() == before


@pytest.mark.parametrize("who", ["resident", "operator", "grid_steward"])
def test_api_refuses_other_roles(users: Any, who: str, term: Term, course: Course, school: Any):
    api = client_for(users[who])
    base = "/api/v1/communities/shibei"
    before = state()
    assert api.get(f"{base}/terms").status_code == 403
    today = str(timezone.localdate())
    body = {"name": "x", "starts_on": today, "ends_on": today}
    assert api.post(f"{base}/terms", body, "application/json").status_code == 403
    assert api.patch(f"{base}/courses/{course.pk}", {"seats": 9}, "application/json").status_code == 403
    series = {"weekday": 1, "start": "09:00", "end": "10:00"}
    assert api.post(f"{base}/courses/{course.pk}/session-series", series, "application/json").status_code == 403
    shared = {"communities": ["limin"]}
    assert api.put(f"{base}/courses/{course.pk}/shared-with", shared, "application/json").status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("starts_on", "name"),
    [
        (dt.date(2026, 10, 7), "2026年秋季学期"),
        (dt.date(2026, 2, 20), "2026年春季学期"),
        (dt.date(2026, 12, 7), "2026年冬季学期"),
        (dt.date(2027, 1, 5), "2027年冬季学期"),
    ],
)
def test_demo_terms_are_named_after_their_start(starts_on: dt.date, name: str):
    from linli.courses.demo import term_name

    assert term_name(starts_on) == name


def test_the_street_admin_opens_a_course_to_the_street_from_a_page_and_the_api(
    users: Any, course: Course, other_community: Any, far_community: Any
):
    page = client_for(users["street_admin"])
    assert page.get(f"/courses/shibei/{course.pk}/share/").status_code == 200
    before = state()
    r = page.post(f"/courses/shibei/{course.pk}/share/", {"communities": [far_community.pk]})
    assert r.status_code == 200 and state() == before  # not offered: another street
    r = page.post(f"/courses/shibei/{course.pk}/share/", {"communities": [other_community.pk]})
    assert r.status_code == 302
    assert list(course.shared_with.values_list("code", flat=True)) == ["limin"]
    assert AuditEntry.objects.filter(action="course.share").count() == 1
    worker = client_for(users["social_worker"])
    url = f"/api/v1/communities/shibei/courses/{course.pk}/shared-with"
    before = state()
    assert worker.put(url, {"communities": []}, "application/json").status_code == 403
    assert worker.get(f"/courses/shibei/{course.pk}/share/").status_code == 403
    r = client_for(users["street_admin"]).put(url, {"communities": ["guangde"]}, "application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "other_street"
    assert state() == before
    r = client_for(users["street_admin"]).put(url, {"communities": []}, "application/json")
    assert r.status_code == 200 and r.json()["shared_with"] == []

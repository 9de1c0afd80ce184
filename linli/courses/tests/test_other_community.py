"""Another community's courses, enrolments and sessions are not found through this community's pages and API,
even by its staff; nothing changes."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for, make_resident
from linli.courses import services
from linli.courses.models import Attendance, Course, Enrolment, Session, Term
from linli.facilities.tests.factories import make_facility

pytestmark = pytest.mark.django_db


def school_of(community: Any, admin: Any) -> Course:
    """A course open by the real clock (the API and pages read `timezone.now()`)."""
    today = timezone.localdate()
    term = services.term_create(
        actor=admin, community=community, name="本学期", starts_on=today, ends_on=today + dt.timedelta(days=90)
    )
    school = make_facility(community, "school", "culture_station", name=f"{community.name}学堂")
    return services.course_create(actor=admin, term=term, facility=school, title="书法", audience="elderly", seats=5)


@pytest.fixture
def theirs(other_community: Any, make_user: Any) -> dict[str, Any]:
    admin = make_user("community_admin", other_community)
    course = school_of(other_community, admin)
    learner = make_resident(other_community, name="李奶奶", seq=5)
    enrolment = services.enrol(actor=admin, course=course, resident=learner)
    starts = timezone.now()
    session = Session.objects.create(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    return {"course": course, "enrolment": enrolment, "session": session}


def state() -> tuple[Any, ...]:
    return (
        list(Enrolment.objects.values_list("pk", "status")),
        list(Course.objects.values_list("pk", "enrolled")),
        Attendance.objects.count(),
        Term.objects.count(),
    )


@pytest.mark.parametrize("who", ["resident", "operator", "community_admin"])
def test_another_communitys_objects_are_404_through_the_api(
    community: Any, users: dict[str, Any], theirs: dict[str, Any], who: str
):
    make_resident(community, name="周丽君", user=users["resident"])
    own = school_of(community, users["community_admin"])
    api = client_for(users[who])
    base = "/api/v1/communities/shibei"
    course, enrolment, session = theirs["course"], theirs["enrolment"], theirs["session"]
    before = state()
    tries = [
        (f"{base}/courses/{course.pk}/enrolments", {}),
        (f"/api/v1/communities/limin/courses/{course.pk}/enrolments", {}),
        (f"{base}/enrolments/{enrolment.pk}/withdraw", None),
        (f"{base}/sessions/{session.pk}/attendance", {"enrolment_id": enrolment.pk}),
    ]
    for url, body in tries:
        r = api.post(url, body, content_type="application/json") if body is not None else api.post(url)
        # a resident is refused the front desk's session before it is looked up
        assert r.status_code == (403 if who == "resident" and "attendance" in url else 404), (url, r.status_code)
    assert state() == before
    listed = [c["id"] for c in api.get(f"{base}/courses").json()]
    assert listed == [own.pk]


@pytest.mark.parametrize("who", ["resident", "operator", "community_admin"])
def test_another_communitys_objects_are_404_through_the_pages(
    community: Any, users: dict[str, Any], theirs: dict[str, Any], who: str
):
    make_resident(community, name="周丽君", user=users["resident"])
    page = client_for(users[who])
    course, enrolment, session = theirs["course"], theirs["enrolment"], theirs["session"]
    before = state()
    for url in (
        f"/courses/shibei/{course.pk}/enrol/",
        f"/courses/limin/{course.pk}/enrol/",
        f"/courses/shibei/enrolments/{enrolment.pk}/withdraw/",
        f"/courses/shibei/sessions/{session.pk}/check-in/{enrolment.pk}/",
    ):
        r = page.post(url)
        assert r.status_code == (403 if who == "resident" and "check-in" in url else 404), (url, r.status_code)
    assert state() == before
    assert "书法" not in page.get("/courses/shibei/").content.decode()

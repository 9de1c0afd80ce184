"""Attendance is taken on the locked enrolment: a day sheet read before the learner withdrew cannot check them in."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from linli.conftest import make_resident
from linli.core.errors import Conflict
from linli.courses import services
from linli.courses.models import Attendance, Enrolment, Session
from linli.facilities.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("en", "no longer enrolled"), ("zh-hans", "已不再报名")])
def test_a_learner_who_withdrew_since_the_sheet_was_read_is_not_checked_in(
    community: Any, users: dict[str, Any], language: str, words: str
) -> None:
    learner = make_resident(community, name="周丽君", user=users["resident"])
    course = make_course(community, seats=5)
    enrolment = services.enrol(actor=users["resident"], course=course, resident=learner)
    start = timezone.now() + dt.timedelta(minutes=5)
    session = Session.objects.create(course=course, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    sheet = Enrolment.objects.get(pk=enrolment.pk)  # the front desk's day sheet: enrolled
    services.withdraw(actor=users["resident"], enrolment=enrolment)
    with translation.override(language), pytest.raises(Conflict) as refused:
        services.attendance_check_in(actor=users["operator"], session=session, enrolment=sheet, now=start)
    assert words in str(refused.value.message)
    assert not Attendance.objects.exists()

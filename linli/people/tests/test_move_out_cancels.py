"""迁出 cancels what the resident had booked ahead, through each domain's own service, ends their family links, and
says what it cancelled (page and API); a resident with nothing booked moves out as before."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.canteen import services as canteen
from linli.canteen.models import MealCharge, MealOrder
from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError
from linli.courses import services as courses
from linli.courses.models import Enrolment
from linli.facilities import services as facilities
from linli.facilities.models import Booking
from linli.facilities.tests.factories import (
    make_canteen_with_tarhai_rules,
    make_facility,
    make_menu,
    make_service,
    make_slot,
)
from linli.people import services
from linli.people.models import FamilyLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_ahead(community, users, make_user):
    """钱阿姨 with a booking tomorrow and one past, a meal order tomorrow, a course seat, and a family helper."""
    user = make_user(Role.RESIDENT, community)
    elder = make_resident(community, name="钱阿姨", birth=dt.date(1950, 2, 2), user=user)
    helper = make_resident(community, name="钱小明", birth=dt.date(1980, 2, 2), seq=2, user=make_user())
    admin = users["community_admin"]
    service = make_service(make_facility(community))
    soon = facilities.booking_create(actor=admin, slot=make_slot(service), resident=elder)
    past_slot = make_slot(service, starts_at=timezone.now() - dt.timedelta(days=2))
    past = Booking.objects.create(
        community=community, slot=past_slot, resident=elder, status=Booking.Status.ATTENDED, created_at=timezone.now()
    )
    kitchen = make_canteen_with_tarhai_rules(community)
    order = canteen.meal_order_create(
        actor=admin, menu=make_menu(kitchen, timezone.localdate() + dt.timedelta(days=1)), resident=elder
    )
    term = courses.term_create(
        actor=admin,
        community=community,
        name="春季",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )
    course = courses.course_create(
        actor=admin,
        term=term,
        facility=make_facility(community, "school", "culture_station", name="幸福学堂"),
        title="书法",
        audience="elderly",
        seats=5,
    )
    seat = courses.enrol(actor=admin, course=course, resident=elder)
    link = FamilyLink.objects.create(
        community=community,
        helper=helper,
        elder=elder,
        status=FamilyLink.Status.ACTIVE,
        requested_at=timezone.now(),
    )
    return {"elder": elder, "soon": soon, "past": past, "order": order, "seat": seat, "link": link}


def test_moving_out_cancels_what_was_booked_ahead_and_ends_family_links(users, booked_ahead):
    cancelled: list[str] = []
    services.resident_move_out(
        actor=users["social_worker"],
        resident=booked_ahead["elder"],
        on=timezone.localdate(),
        reason="随子女去上海",
        cancelled=cancelled,
    )
    for key in ("soon", "past", "order", "seat", "link"):
        booked_ahead[key].refresh_from_db()
    assert booked_ahead["soon"].status == Booking.Status.CANCELLED
    assert booked_ahead["past"].status == Booking.Status.ATTENDED  # history stays
    assert booked_ahead["order"].status == MealOrder.Status.CANCELLED
    assert sum(MealCharge.objects.filter(order=booked_ahead["order"]).values_list("amount_fen", flat=True)) == 0
    assert booked_ahead["seat"].status == Enrolment.Status.WITHDRAWN
    assert booked_ahead["link"].status == FamilyLink.Status.ENDED
    assert len(cancelled) == 4 and any("书法" in line for line in cancelled)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"booking.cancel", "canteen.order_cancel", "course.withdraw", "family_link.end"} <= actions
    move = AuditEntry.objects.get(action="resident.move_out")
    assert move.after["cancelled"] == cancelled


def test_the_page_and_the_api_say_what_was_cancelled(users, booked_ahead, community):
    elder = booked_ahead["elder"]
    client = client_for(users["social_worker"])
    response = client.post(
        f"/people/{community.code}/residents/{elder.pk}/move-out/",
        {"moved_out_on": timezone.localdate().isoformat(), "reason": "搬走"},
        follow=True,
    )
    body = response.content.decode()
    assert "迁出时已取消" in body and "书法" in body and "钱小明" in body


def test_the_api_lists_what_was_cancelled(users, booked_ahead, community):
    elder = booked_ahead["elder"]
    response = client_for(users["social_worker"], "en").post(
        f"/api/v1/communities/{community.code}/residents/{elder.pk}/move-out",
        {"moved_out_on": timezone.localdate().isoformat(), "reason": "moved away"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    lines = response.json()["cancelled"]
    assert len(lines) == 4 and any(line.startswith("Course:") for line in lines)


def test_a_refused_move_out_cancels_nothing(users, booked_ahead):
    with pytest.raises(DomainError):
        services.resident_move_out(
            actor=users["social_worker"], resident=booked_ahead["elder"], on=dt.date(1949, 1, 1), reason="搬走"
        )
    booked_ahead["soon"].refresh_from_db()
    booked_ahead["link"].refresh_from_db()
    assert booked_ahead["soon"].status == Booking.Status.CONFIRMED
    assert booked_ahead["link"].status == FamilyLink.Status.ACTIVE

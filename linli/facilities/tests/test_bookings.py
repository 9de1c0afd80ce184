import datetime as dt

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.facilities import services
from linli.facilities.models import Booking, Service, Slot
from linli.places.models import Household

from .factories import make_facility, make_service, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(community, users):
    return make_resident(community, name="周丽君", user=users["resident"])


@pytest.fixture
def slot(community):
    return make_slot(make_service(make_facility(community)), capacity=2)


def test_a_resident_books_a_place_and_the_slot_counts_it(users, me, slot):
    booking = services.booking_create(actor=users["resident"], slot=slot, resident=me)
    assert booking.status == Booking.Status.CONFIRMED
    slot.refresh_from_db()
    assert slot.booked == 1
    assert AuditEntry.objects.filter(action="booking.create", object_id=str(booking.pk)).exists()


def test_when_full_the_next_waits_and_moves_up_when_a_place_comes_free(community, users, me, slot, make_user):
    others = [make_resident(community, name=f"邻居{i}", seq=10 + i) for i in range(3)]
    desk = users["social_worker"]
    first = services.booking_create(actor=desk, slot=slot, resident=others[0])
    services.booking_create(actor=desk, slot=slot, resident=others[1])
    waiting = services.booking_create(actor=users["resident"], slot=slot, resident=me)
    assert waiting.status == Booking.Status.WAITLISTED
    services.booking_cancel(actor=desk, booking=first)
    waiting.refresh_from_db()
    slot.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert slot.booked == 2


def test_a_full_slot_without_waiting_list_refuses(community, users, slot):
    Service.objects.filter(pk=slot.service_id).update(waitlist=False)
    slot.refresh_from_db()
    desk = users["social_worker"]
    for i in range(2):
        services.booking_create(actor=desk, slot=slot, resident=make_resident(community, name=f"甲{i}", seq=20 + i))
    with pytest.raises(Conflict) as exc:
        services.booking_create(actor=desk, slot=slot, resident=make_resident(community, name="乙", seq=30))
    assert exc.value.code == "slot_full"
    assert Booking.objects.count() == 2


def test_booking_for_a_household_member_is_allowed(community, users, me, slot):
    grandchild = make_resident(community, name="周小宝", birth=dt.date(2016, 5, 1), seq=2)
    booking = services.booking_create(actor=users["resident"], slot=slot, resident=grandchild)
    assert booking.resident == grandchild
    assert booking.booked_by == users["resident"]


def test_booking_for_someone_outside_the_household_is_refused_and_nothing_changes(community, users, me, slot):
    other_home = Household.objects.create(community=community, building=community.buildings.first(), unit="2单元502")
    stranger = make_resident(community, name="陌生人", seq=3)
    stranger.household = other_home
    stranger.save(update_fields=["household"])
    audit_before = AuditEntry.objects.count()
    with pytest.raises(NotAllowed) as exc:
        services.booking_create(actor=users["resident"], slot=slot, resident=stranger)
    assert exc.value.code == "not_household"
    assert str(exc.value.message) == "只能为本人、同户家庭成员和您作为亲情账号帮助的老人预约。"
    slot.refresh_from_db()
    assert (slot.booked, Booking.objects.count(), AuditEntry.objects.count()) == (0, 0, audit_before)


def test_a_slot_in_the_past_is_refused_and_nothing_changes(community, users):
    service = make_service(make_facility(community))
    with pytest.raises(DomainError) as exc:
        services.slot_create(
            actor=users["social_worker"],
            service=service,
            starts_at=timezone.now() - dt.timedelta(hours=1),
            ends_at=timezone.now(),
            capacity=5,
        )
    assert exc.value.code == "slot_in_past"
    assert str(exc.value.message) == "时段不能开始于过去。"
    assert Slot.objects.count() == 0


def test_booking_a_slot_that_has_started_is_refused(users, me, slot):
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=users["resident"], slot=slot, resident=me, now=slot.starts_at)
    assert exc.value.code == "slot_in_past"
    assert Booking.objects.count() == 0


def test_a_negative_price_is_refused_and_nothing_changes(community, users):
    facility = make_facility(community)
    with pytest.raises(DomainError) as exc:
        services.service_create(
            actor=users["community_admin"], facility=facility, kind="barber", name="理发", price_fen=-100
        )
    assert exc.value.code == "negative_price"
    assert exc.value.field == "price_fen"
    assert Service.objects.count() == 0


def test_residents_cancel_only_before_the_deadline_staff_at_any_time(users, me, slot):
    booking = services.booking_create(actor=users["resident"], slot=slot, resident=me)
    late = slot.starts_at - dt.timedelta(minutes=30)
    with pytest.raises(DomainError) as exc:
        services.booking_cancel(actor=users["resident"], booking=booking, now=late)
    assert exc.value.code == "cancel_too_late"
    services.booking_cancel(actor=users["grid_steward"], booking=booking, now=late)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_staff_check_in_on_the_day_only(users, me, slot):
    booking = services.booking_create(actor=users["resident"], slot=slot, resident=me)
    with pytest.raises(NotAllowed):
        services.booking_check_in(actor=users["resident"], booking=booking, now=slot.starts_at)
    with pytest.raises(DomainError):
        services.booking_check_in(actor=users["operator"], booking=booking, now=slot.starts_at - dt.timedelta(days=2))
    services.booking_check_in(actor=users["operator"], booking=booking, now=slot.starts_at)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    assert booking.checked_in_by == users["operator"]


def test_a_group_is_booked_in_turn_and_checked_in_together(community, users, slot):
    """The front desk enters a group's list: places while they last, then the waiting list; all arrive together."""
    desk = users["social_worker"]
    group = [make_resident(community, name=f"组员{i}", seq=40 + i) for i in range(3)]
    bookings = services.bookings_create(actor=desk, slot=slot, residents=group)
    assert [b.status for b in bookings] == ["confirmed", "confirmed", "waitlisted"]
    slot.refresh_from_db()
    assert slot.booked == 2
    assert AuditEntry.objects.filter(action="booking.create").count() == 3
    with pytest.raises(DomainError):  # a waiting-list place cannot be checked in: nobody is
        services.bookings_check_in(actor=desk, bookings=bookings, now=slot.starts_at)
    assert not Booking.objects.filter(status=Booking.Status.ATTENDED).exists()
    services.bookings_check_in(actor=desk, bookings=bookings[:2], now=slot.starts_at)
    assert Booking.objects.filter(status=Booking.Status.ATTENDED, checked_in_by=desk).count() == 2
    assert AuditEntry.objects.filter(action="booking.check_in", community=community).count() == 2


def test_a_group_with_one_already_booked_books_nobody(community, users, slot):
    desk = users["social_worker"]
    a, b = (make_resident(community, name=n, seq=50 + i) for i, n in enumerate("甲乙"))
    services.booking_create(actor=desk, slot=slot, resident=a)
    with pytest.raises(Conflict) as exc:
        services.bookings_create(actor=desk, slot=slot, residents=[b, a])
    assert exc.value.code == "already_booked"
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_three_no_shows_pause_online_booking(community, users, me):
    service = make_service(make_facility(community))
    start = timezone.now() + dt.timedelta(days=1)
    for i in range(3):
        slot = make_slot(service, start + dt.timedelta(hours=i * 2))
        booking = services.booking_create(actor=users["resident"], slot=slot, resident=me)
        services.booking_mark_no_show(actor=users["operator"], booking=booking, now=slot.ends_at)
    later = make_slot(service, start + dt.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=users["resident"], slot=later, resident=me, now=start + dt.timedelta(hours=8))
    assert exc.value.code == "no_show_limit"


def test_past_confirmed_bookings_become_no_shows(users, me, slot):
    booking = services.booking_create(actor=users["resident"], slot=slot, resident=me)
    assert services.bookings_close_past(now=slot.ends_at + dt.timedelta(hours=2)) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_shared_facilities_are_open_to_the_neighbour_community_only(community, other_community, make_user):
    from linli.accounts.models import Role

    facility = make_facility(community, shared=True)
    slot = make_slot(make_service(facility))
    neighbour_user = make_user(Role.RESIDENT, other_community)
    neighbour = make_resident(other_community, name="邻社居民", user=neighbour_user, seq=5)
    with pytest.raises(NotAllowed):
        services.booking_create(actor=neighbour_user, slot=slot, resident=neighbour)
    facility.shared_with.add(other_community)
    assert services.booking_create(actor=neighbour_user, slot=slot, resident=neighbour).status == "confirmed"


def test_age_price_rules_give_the_lowest_price(community, users, me, slot):
    service = slot.service
    Service.objects.filter(pk=service.pk).update(price_fen=1500)
    service.refresh_from_db()
    services.service_price_rule_add(
        actor=users["community_admin"], service=service, label="60+", min_age=60, price_fen=1000
    )
    assert services.price_for(service, me, timezone.localdate()) == 1000

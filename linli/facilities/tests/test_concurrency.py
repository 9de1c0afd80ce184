"""200 simultaneous requests for 50 places: exactly 50 confirmed, the rest wait or are refused. PostgreSQL only."""

import threading

import pytest
from django.db import connection

from linli.accounts.models import Role
from linli.conftest import make_resident
from linli.core.errors import Conflict
from linli.facilities import services
from linli.facilities.models import Booking, Slot

from .factories import make_facility, make_service, make_slot

REQUESTS = 200
PLACES = 50
# PostgreSQL here allows 100 connections, shared with others: at most this many requests hold one at once.
CONNECTIONS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("waitlist", [True, False])
def test_200_concurrent_requests_for_50_places(community, make_user, waitlist):
    service = make_service(make_facility(community), waitlist=waitlist)
    slot = make_slot(service, capacity=PLACES)
    people = []
    for i in range(REQUESTS):
        user = make_user(Role.RESIDENT, community)
        people.append((user, make_resident(community, name=f"居民{i}", seq=100 + i, user=user)))
    start = threading.Barrier(REQUESTS)
    gate = threading.BoundedSemaphore(CONNECTIONS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def request(user, resident):
        start.wait()
        with gate:
            try:
                booking = services.booking_create(actor=user, slot=slot, resident=resident)
                result = booking.status
            except Conflict as exc:
                result = exc.code
            except Exception as exc:
                result = f"error: {exc!r}"
            finally:
                connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=request, args=p) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not [o for o in outcomes if o.startswith("error")]
    assert outcomes.count("confirmed") == PLACES
    rest = "waitlisted" if waitlist else "slot_full"
    assert outcomes.count(rest) == REQUESTS - PLACES
    slot = Slot.objects.get(pk=slot.pk)
    assert slot.booked == PLACES
    assert Booking.objects.filter(slot=slot, status="confirmed").count() == PLACES

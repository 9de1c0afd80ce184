"""Past months read as they were: figures counted on each month's last day from dated records."""

import datetime as dt

import pytest

from linli.cockpit.queries.registry import FIGURES, run_query
from linli.conftest import make_resident
from linli.core.errors import DomainError
from linli.facilities import services as facility_services
from linli.facilities.models import FacilityCategory
from linli.facilities.tests.factories import make_facility
from linli.people import services as people_services
from linli.places.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def community_admin(users):
    return users["community_admin"]


MONTHS = [dt.date(2026, m, 1) for m in range(2, 8)]  # February to July


def _by_month(spec, community):
    return [run_query(spec, community, month) for month in MONTHS]


def test_a_move_out_in_march_and_a_move_in_in_april_show_in_their_months(community, community_admin):
    household = community.households.first()
    second = Household.objects.create(community=community, building=household.building, unit="9单元909")
    make_resident(community, name="留下", birth=dt.date(1950, 1, 1), seq=1)
    leaving = make_resident(community, name="迁出者", birth=dt.date(1990, 1, 1), seq=2, is_party_member=True)
    people_services.resident_move_out(
        actor=community_admin, resident=leaving, on=dt.date(2026, 3, 15), reason="随女儿去上海"
    )
    newcomer = make_resident(community, name="新来", birth=dt.date(2020, 6, 1), seq=3)
    people_services.resident_update(
        actor=community_admin, resident=newcomer, household=second, moved_in_on=dt.date(2026, 4, 20)
    )

    # Feb: staying + leaving; Mar (left on the 15th): staying; Apr on: staying + newcomer
    assert _by_month("residents", community) == [2, 1, 2, 2, 2, 2]
    # the newcomer's household has nobody living in it before April
    assert _by_month("households", community) == [1, 1, 2, 2, 2, 2]
    assert _by_month("party_members_per_100", community) == [50.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert _by_month("share_aged:60", community) == [50.0, 100.0, 50.0, 50.0, 50.0, 50.0]
    feb, apr = FIGURES["residents_by_age"](community, MONTHS[0]), FIGURES["residents_by_age"](community, MONTHS[2])
    assert sum(feb.values()) == 2 and sum(apr.values()) == 2
    assert FIGURES["households_by_size"](community, MONTHS[0]) == {"2": 1}
    assert FIGURES["households_by_size"](community, MONTHS[2]) == {"1": 2}


def test_a_facility_opening_in_may_and_closing_later_counts_only_while_in_service(
    community, community_admin, monkeypatch
):
    facility = facility_services.facility_create(
        actor=community_admin,
        community=community,
        code="yl",
        name="颐乐学堂",
        category=FacilityCategory.objects.get(code="elderly_canteen"),
        nature="affordable",
        lat=community.centre_lat,
        lng=community.centre_lng,
        opened_on=dt.date(2026, 5, 10),
    )
    assert _by_month("facilities_count", community) == [0, 0, 0, 1, 1, 1]
    assert _by_month("facilities_of_category:elderly_canteen", community) == [0, 0, 0, 1, 1, 1]

    monkeypatch.setattr(
        "linli.facilities.services.timezone.localdate", lambda: dt.date(2026, 6, 30)
    )  # taken out of service on the last day of June
    facility_services.facility_update(actor=community_admin, facility=facility, active=False)
    facility.refresh_from_db()
    assert facility.closed_on == dt.date(2026, 6, 30)
    assert _by_month("facilities_count", community) == [0, 0, 0, 1, 0, 0]
    assert FIGURES["facilities_by_nature"](community, MONTHS[4]) == {}

    facility_services.facility_update(actor=community_admin, facility=facility, active=True)
    facility.refresh_from_db()
    assert facility.closed_on is None
    assert _by_month("facilities_count", community) == [0, 0, 0, 1, 1, 1]


def test_moving_dates_that_cannot_be_are_refused_with_nothing_saved(community, community_admin):
    resident = make_resident(community, birth=dt.date(1990, 1, 1))
    for day, message in [
        (dt.date(1989, 12, 31), "早于该居民的出生日期"),
        (dt.date(2999, 1, 1), "不能晚于今天"),
    ]:
        with pytest.raises(DomainError) as exc:
            people_services.resident_update(actor=community_admin, resident=resident, moved_in_on=day)
        assert message in str(exc.value)
        resident.refresh_from_db()
        assert resident.moved_in_on is None
    people_services.resident_update(actor=community_admin, resident=resident, moved_in_on=dt.date(2026, 4, 1))
    with pytest.raises(DomainError, match="早于该居民的迁入日期"):
        people_services.resident_move_out(
            actor=community_admin, resident=resident, on=dt.date(2026, 3, 1), reason="搬走"
        )
    resident.refresh_from_db()
    assert resident.moved_out_on is None


def test_the_month_under_way_is_shown_beside_the_same_days_of_last_month(community, users):
    from django.utils import timezone

    from linli.cockpit.queries.registry import first_days
    from linli.cockpit.services import snapshot_refresh
    from linli.facilities.models import Booking, Service, Slot

    at_centre = {"lat": community.centre_lat, "lng": community.centre_lng, "building": None}
    facility = make_facility(
        community, "hall", "community_service_station", name="大厅", scenario="services", **at_centre
    )
    service = Service.objects.create(community=community, facility=facility, kind="barber", name="理发")
    residents = [make_resident(community, name=f"居民{i}", seq=i) for i in range(1, 4)]
    october = dt.date(2026, 10, 1)

    def attended(day, resident):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        slot = Slot.objects.create(
            community=community, service=service, starts_at=at, ends_at=at + dt.timedelta(hours=1), capacity=5
        )
        Booking.objects.create(
            community=community, slot=slot, resident=resident, status=Booking.Status.ATTENDED, created_at=at
        )

    attended(dt.date(2026, 10, 2), residents[0])  # within October's first 6 days
    attended(dt.date(2026, 10, 6), residents[1])  # the 6th: still within
    attended(dt.date(2026, 10, 7), residents[2])  # the 7th: not
    assert FIGURES["services_used"](community, october)["bookings"] == 3
    with first_days(6):
        assert FIGURES["services_used"](community, october)["bookings"] == 2
    with first_days(1):
        assert FIGURES["services_used"](community, october)["bookings"] == 0
    assert FIGURES["services_used"](community, october)["bookings"] == 3  # the limit ends with the block

    # the company's revenue too: the month's first days only, not the whole month beside a month to date
    from linli.company.services import entry_post

    for day, fen in ((2, 100_00), (20, 900_00)):
        entry_post(
            actor=users["community_admin"],
            community=community,
            direction="revenue",
            source="rent",
            amount_fen=fen,
            day=dt.date(2026, 10, day),
            counterparty="某某商户",
            idempotency_key=f"rent-{day}",
            now=timezone.make_aware(dt.datetime(2026, 11, 3, 10)),
        )
    assert FIGURES["company"](community, october)["revenue_yuan"] == 1000
    with first_days(6):
        assert FIGURES["company"](community, october)["revenue_yuan"] == 100

    today = timezone.localdate()
    this_month = snapshot_refresh(community=community, month=today)
    assert this_month.figures["days_so_far"] == today.day
    assert set(this_month.figures["same_days_last_month"]) == {
        "services_used",
        "points",
        "reports",
        "volunteering",
        "company",
    }
    past = snapshot_refresh(community=community, month=october)
    assert "same_days_last_month" not in past.figures


def test_moving_in_and_opening_dates_are_set_from_the_pages_and_the_api(community, users):
    from linli.conftest import client_for
    from linli.facilities.models import Facility

    admin = client_for(users["community_admin"])
    resident = make_resident(community, birth=dt.date(1980, 1, 1))
    base = f"/api/v1/communities/shibei/residents/{resident.pk}"
    answer = admin.patch(base, {"moved_in_on": "2026-04-20"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["moved_in_on"] == "2026-04-20"
    refused = admin.patch(base, {"moved_in_on": "1970-01-01"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"moved_in_on": ["迁入日期早于该居民的出生日期。"]}
    cleared = admin.patch(base, {"moved_in_on": None}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["moved_in_on"] is None

    page = admin.get(f"/people/shibei/residents/{resident.pk}/edit/")
    assert "迁入日期" in page.content.decode()
    form = {"name": resident.name, "birth_date": "1980-01-01", "residence": "consistent", "moved_in_on": "2026-05-02"}
    assert admin.post(f"/people/shibei/residents/{resident.pk}/edit/", form).status_code == 302
    resident.refresh_from_db()
    assert resident.moved_in_on == dt.date(2026, 5, 2)
    assert "2026" in admin.get(f"/people/shibei/residents/{resident.pk}/").content.decode()

    made = admin.post(
        "/api/v1/communities/shibei/facilities",
        {"code": "new-hall", "name": "新议事厅", "category": "meeting_hall", "lat": 30.285, "lng": 120.135,
         "opened_on": "2026-05-10"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["opened_on"] == "2026-05-10" and made.json()["closed_on"] is None
    assert Facility.objects.get(code="new-hall").opened_on == dt.date(2026, 5, 10)

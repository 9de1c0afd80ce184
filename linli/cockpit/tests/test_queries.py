"""Every computed indicator of the default framework against a small dataset whose answer is worked out by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.cockpit.framework import DEFAULT_FILE, parse_framework
from linli.cockpit.queries import registry
from linli.cockpit.queries.registry import FIGURES, run_query
from linli.conftest import make_resident
from linli.facilities.models import Booking, Facility, FacilityCategory, Service, Slot
from linli.places.models import Building, Community, Grid
from linli.planning.models import PlanRun

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 11, 1)
AT = timezone.make_aware(dt.datetime(2026, 11, 10, 9))

# Queries whose hand-built test lives in test_cockpit.py (people, canteen, reports, matters, points, volunteers).
TESTED_ELSEWHERE = {
    "residents",
    "households",
    "share_aged",
    "canteen_meals_per_elderly",
    "reports_resolved_in_time",
    "matters_settled",
    "points_earned_per_active_resident",
    "volunteer_hours_per_100",
    "care_visited_on_time",  # linli/care/tests/test_indicator.py
    "waste_sorted_correctly",  # linli/waste/tests/test_checks.py
}
TESTED_HERE = {
    "planning_covered_share",
    "supply_index",
    "facilities_of_category",
    "facilities_count",
    "bookings_attended_per_100",
    "grid_coverage",
    "operating_revenue_vs_subsidy",
    "party_members_per_100",
}


def test_every_query_has_a_hand_built_test():
    framework = parse_framework(DEFAULT_FILE.read_text(), "default.toml", set(registry.QUERIES))
    used = {i.query_name for i in framework.indicators if i.source == "computed"}
    assert used <= TESTED_ELSEWHERE | TESTED_HERE
    assert set(registry.QUERIES) == TESTED_ELSEWHERE | TESTED_HERE


def test_planning_covered_share_and_supply_index_from_a_real_run(community, health_check):
    month = timezone.localdate().replace(day=1)
    # elderly canteen: 4 residents aged 60+, 3 of them (in B0, 110 m away) within 300 m → 75 %
    assert run_query("planning_covered_share:elderly_canteen", community, month) == 75.0
    # kindergarten: one child aged 3–6 (in B1), no kindergarten at all → 0 %
    assert run_query("planning_covered_share:kindergarten", community, month) == 0.0
    # a category the run's rules do not have → no value
    assert run_query("planning_covered_share:childcare", community, month) is None
    # supply index = 100 × Σ w'·s / Σ w', w' = weight × (2 if required):
    #   canteen w' = 3, s = 0.75; kindergarten (required) w' = 2 × 2 = 4, s = 0
    #   100 × (3 × 0.75 + 4 × 0) / (3 + 4) = 225 / 7 = 32.142857… → stored rounded to 32.14
    assert run_query("supply_index", community, month) == 32.14
    # A month that ended before the run finished has no health check yet.
    before = (month - dt.timedelta(days=1)).replace(day=1)
    assert run_query("supply_index", community, before) is None
    assert run_query("planning_covered_share:elderly_canteen", community, before) is None
    # The coverage figure the cockpit charts: the same shares, per category.
    assert FIGURES["coverage"](community, month) == {"elderly_canteen": 75.0, "kindergarten": 0.0}


def test_planning_queries_read_the_latest_run_of_the_community_or_its_street(community, other_community, street):
    """Result rows stored as the planning package stores them: a later street run replaces the community's."""
    month = timezone.localdate().replace(day=1)

    def result(share: tuple[float, float], index: float) -> dict[str, object]:
        return {
            "coverage": [
                {
                    "category": "elderly_canteen",
                    "per_community": [
                        {"community": "limin", "served_residents": 10.0, "covered_residents": 10.0},
                        {"community": "shibei", "served_residents": share[1], "covered_residents": share[0]},
                    ],
                }
            ],
            "index": [{"community": "limin", "index": 99.0}, {"community": "shibei", "index": index}],
        }

    now = timezone.now()
    common = {"rules_text": "", "network_path": "x", "inputs": {}, "status": PlanRun.Status.DONE}
    PlanRun.objects.create(
        community=community, result=result((1, 4), 40.0), finished_at=now - dt.timedelta(hours=2), **common
    )
    assert run_query("planning_covered_share:elderly_canteen", community, month) == 25.0  # 1 of 4
    assert run_query("supply_index", community, month) == 40.0
    PlanRun.objects.create(
        street=street, result=result((3, 5), 61.5), finished_at=now - dt.timedelta(hours=1), **common
    )
    assert run_query("planning_covered_share:elderly_canteen", community, month) == 60.0  # 3 of 5
    assert run_query("supply_index", community, month) == 61.5
    # A failed run, however recent, is not read.
    PlanRun.objects.create(
        community=community, result=None, finished_at=now, **{**common, "status": PlanRun.Status.FAILED}
    )
    assert run_query("supply_index", community, month) == 61.5


def _facility(community, code, category, active=True, nature="affordable"):
    return Facility.objects.create(
        community=community,
        code=code,
        name=code,
        category=FacilityCategory.objects.get(code=category),
        scenario="enterprise",
        nature=nature,
        active=active,
        lat=community.centre_lat,
        lng=community.centre_lng,
    )


def test_facilities_of_category_and_by_nature(community, other_community):
    _facility(community, "cw1", "co_working", nature="earning")
    _facility(community, "cw2", "co_working")
    _facility(community, "cw3", "co_working", active=False)  # closed: not counted
    _facility(other_community, "cw4", "co_working")  # another community's
    _facility(community, "can1", "elderly_canteen")  # another category
    # co-working spaces of 市北 in service: cw1, cw2
    assert run_query("facilities_of_category:co_working", community, MONTH) == 2
    assert run_query("facilities_of_category:childcare", community, MONTH) == 0
    # all in service: cw1, cw2, can1; earning ones: cw1
    assert run_query("facilities_count", community, MONTH) == 3
    assert run_query("facilities_count:earning", community, MONTH) == 1
    assert FIGURES["facilities_by_nature"](community, MONTH) == {"earning": 1, "affordable": 2}


def test_bookings_attended_per_100(community, other_community):
    residents = [make_resident(community, name=f"居民{i}", birth=dt.date(1980, 1, 1), seq=i) for i in range(1, 9)]
    facility = _facility(community, "hall", "community_service_station")
    service = Service.objects.create(community=community, facility=facility, kind="barber", name="理发")

    def slot(at):
        return Slot.objects.create(
            community=community, service=service, starts_at=at, ends_at=at + dt.timedelta(hours=1), capacity=10
        )

    november, october = slot(AT), slot(AT - dt.timedelta(days=30))
    for i, (s, status) in enumerate(
        [
            (november, Booking.Status.ATTENDED),
            (november, Booking.Status.ATTENDED),
            (november, Booking.Status.ATTENDED),
            (november, Booking.Status.NO_SHOW),
            (november, Booking.Status.CANCELLED),
            (november, Booking.Status.CONFIRMED),
            (october, Booking.Status.ATTENDED),
        ]
    ):
        Booking.objects.create(community=community, slot=s, resident=residents[i], status=status, created_at=AT)
    # 3 attended in November / 8 residents × 100 = 37.5
    assert run_query("bookings_attended_per_100", community, MONTH) == 37.5
    assert FIGURES["services_used"](community, MONTH)["bookings"] == 3
    # no residents, no value
    assert run_query("bookings_attended_per_100", other_community, MONTH) is None


def test_grid_coverage(community, users, street):
    # The fixture's building is in grid G1, which has no steward yet; add three more buildings:
    steward = users["grid_steward"]
    g2 = Grid.objects.create(community=community, code="G2", name="橙网格", steward=steward)
    Grid.objects.create(community=community, code="G3", name="黄网格")  # no steward
    for name, grid in [("2幢", g2), ("3幢", g2), ("4幢", None)]:
        Building.objects.create(community=community, name=name, grid=grid, lat=30.285, lng=120.135)
    # 4 buildings, 2 in a grid with a steward → 50 %
    assert run_query("grid_coverage", community, MONTH) == 50.0
    Grid.objects.filter(code="G1", community=community).update(steward=steward)
    assert run_query("grid_coverage", community, MONTH) == 75.0
    empty = Community.objects.create(street=street, code="kong", name="空社区", centre_lat=30.28, centre_lng=120.2)
    assert run_query("grid_coverage", empty, MONTH) is None


def test_party_members_per_100(community, other_community):
    for i in range(1, 9):
        make_resident(community, name=f"居民{i}", birth=dt.date(1970, 1, 1), seq=i, is_party_member=i <= 3)
    make_resident(other_community, name="别处党员", birth=dt.date(1970, 1, 1), seq=20, is_party_member=True)
    # 3 members among 8 residents = 37.5 per 100 (the other community's member does not count)
    assert run_query("party_members_per_100", community, MONTH) == 37.5
    assert run_query("party_members_per_100", other_community, MONTH) == 100.0


def test_operating_revenue_vs_subsidy(community, other_community, users):
    """Operating revenue is what the company took in (not the subsidies paid into it); subsidies are what the
    funding sources paid, not the company's own support of its free and affordable spaces."""
    from linli.company.services import company_account, posting_make
    from linli.ledger.codes import FundingCode
    from linli.ledger.models import TransactionKind
    from linli.ledger.services import external_account, funding_account, funding_deposit

    hall = _facility(community, "hall", "community_service_station", nature="earning")
    canteen = _facility(community, "canteen", "elderly_canteen", nature="affordable")
    company, outside = company_account(community), external_account(community)
    government = funding_account(community, FundingCode.GOVERNMENT_SUBSIDY)
    fund = funding_account(community, FundingCode.COMMUNITY_FUND)
    day = dt.date(2026, 11, 5)
    # a grant paid into the community fund first (the fund may not go below zero): neither revenue nor subsidy
    funding_deposit(
        actor=users["community_admin"],
        community=community,
        code=FundingCode.COMMUNITY_FUND,
        amount_fen=50_000,
        idempotency_key="grant",
        memo="市级补助",
    )

    def post(facility, source, from_account, to_account, fen, key, kind=TransactionKind.REVENUE, on=day):
        posting_make(
            community=community,
            facility=facility,
            nature=facility.nature,
            source=source,
            day=on,
            items=1,
            from_account=from_account,
            to_account=to_account,
            amount_fen=fen,
            key=key,
            memo=key,
            kind=kind,
        )

    post(hall, "bookings", outside, company, 30_000, "k1")  # revenue 300 yuan
    post(canteen, "canteen", outside, company, 12_000, "k2")  # diners' share 120 yuan
    post(canteen, "canteen_subsidy", government, company, 20_000, "k3", TransactionKind.SUBSIDY)  # subsidy 200
    post(canteen, "canteen_subsidy", fund, company, 15_000, "k4", TransactionKind.SUBSIDY)  # subsidy 150
    post(canteen, "support", company, outside, 10_000, "k5", TransactionKind.SUBSIDY)  # company's own support
    post(hall, "bookings", outside, company, 99_900, "k6", on=dt.date(2026, 10, 31))  # October: not counted
    post(canteen, "canteen_subsidy", government, company, 9_900, "k7", TransactionKind.SUBSIDY, dt.date(2026, 12, 1))
    # revenue 300 + 120 = 420 yuan against subsidies 200 + 150 = 350 yuan → 120 %
    assert run_query("operating_revenue_vs_subsidy", community, MONTH) == 120.0
    assert FIGURES["subsidies"](community, MONTH) == {"community_fund": 150, "government_subsidy": 200}
    # no subsidy in the month, no ratio
    assert run_query("operating_revenue_vs_subsidy", community, dt.date(2026, 10, 1)) is None
    assert run_query("operating_revenue_vs_subsidy", other_community, MONTH) is None

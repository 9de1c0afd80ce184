"""Test data for facilities, canteen, courses and childcare."""

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.canteen.models import Menu, PriceRule
from linli.courses.models import Course, Term
from linli.facilities.catalogue import ensure_catalogue
from linli.facilities.models import Facility, FacilityCategory, Service, Slot
from linli.places.models import Community

TZ = dt.timezone(dt.timedelta(hours=8))


def make_facility(community: Community, code: str = "hub", category: str = "livelihood_hub", **extra: Any) -> Facility:
    building = community.buildings.first()
    ensure_catalogue()
    cat = FacilityCategory.objects.get(code=category)
    defaults: dict[str, Any] = {
        "name": f"{community.name}{cat.name_zh}",
        "scenario": cat.default_scenario,
        "nature": Facility.Nature.AFFORDABLE,
        "building": building,
        "lat": building.lat if building else community.centre_lat,
        "lng": building.lng if building else community.centre_lng,
    }
    defaults.update(extra)
    return Facility.objects.create(community=community, code=code, category=cat, **defaults)


def make_service(facility: Facility, **extra: Any) -> Service:
    defaults: dict[str, Any] = {"kind": Service.Kind.VENUE, "name": "自习室座位", "price_fen": 0}
    defaults.update(extra)
    return Service.objects.create(community=facility.community, facility=facility, **defaults)


def make_slot(service: Service, starts_at: dt.datetime | None = None, capacity: int = 10) -> Slot:
    starts_at = starts_at or timezone.now() + dt.timedelta(days=1)
    return Slot.objects.create(
        community=service.community,
        service=service,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        capacity=capacity,
    )


def make_canteen_with_tarhai_rules(community: Community, trial: tuple[dt.date, dt.date] | None = None) -> Facility:
    """The articles' case: 10 yuan; 70+ pay 3 and the economic cooperative 7; 80+ free."""
    canteen = make_facility(community, "canteen", "elderly_canteen", name="喜柿餐厅")
    PriceRule.objects.create(
        community=community,
        canteen=canteen,
        label="70岁以上",
        min_age=70,
        resident_fen=300,
        payer="economic_cooperative",
    )
    PriceRule.objects.create(
        community=community, canteen=canteen, label="80岁以上", min_age=80, resident_fen=0, payer="economic_cooperative"
    )
    if trial:
        PriceRule.objects.create(
            community=community,
            canteen=canteen,
            label="试运营免费",
            min_age=0,
            resident_fen=0,
            payer="community_company",
            starts_on=trial[0],
            ends_on=trial[1],
        )
    return canteen


def make_menu(canteen: Facility, day: dt.date, price_fen: int = 1000, capacity: int = 100) -> Menu:
    return Menu.objects.create(
        community=canteen.community,
        canteen=canteen,
        day=day,
        meal=Menu.Meal.LUNCH,
        dishes="红烧肉\n清炒时蔬\n紫菜蛋汤",
        price_fen=price_fen,
        capacity=capacity,
        order_until=dt.time(10, 0),
    )


def make_course(community: Community, **extra: Any) -> Course:
    """A course (书法 for the elderly unless `extra` says otherwise) at 幸福学堂, in a spring term of 90 days from
    today."""
    today = timezone.localdate()
    term = Term.objects.create(community=community, name="春季", starts_on=today, ends_on=today + dt.timedelta(days=90))
    school = make_facility(community, "school", "culture_station", name="幸福学堂")
    fields: dict[str, Any] = {"title": "书法", "audience": "elderly", **extra}
    return Course.objects.create(community=community, term=term, facility=school, **fields)

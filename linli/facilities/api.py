"""The facility register, services, time slots and bookings over HTTP. Parse, check, call one service."""

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from linli.accounts.api_auth import AUTH
from linli.core.api import fields_sent
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.parsing import date_in_range
from linli.core.uploads import upload_read
from linli.people.selectors import acted_by
from linli.places.selectors import building_get, community_get

from . import register_io, rules, selectors, services
from .hooks import booking_payment
from .models import Booking, Facility, Service, Slot
from .schemas import (
    BookingIn,
    BookingOut,
    CategoryOut,
    DaySheetOut,
    FacilityCategoryIn,
    FacilityCategoryPatch,
    FacilityIn,
    FacilityOut,
    FacilityPatch,
    FacilitySlotOut,
    ImportOut,
    PriceRuleIn,
    PriceRuleOut,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    SlotCancelIn,
    SlotCancelOut,
    SlotIn,
)

router = Router(tags=["facilities"], auth=AUTH)


def facility_out(f: Facility, distance: int | None = None, walked: bool | None = None) -> dict[str, Any]:
    return {
        "id": f.pk,
        "community": f.community.code,
        "code": f.code,
        "name": f.name,
        "category": f.category.code,
        "scenario": f.scenario,
        "nature": f.nature,
        "tier": f.tier,
        "operator": f.operator,
        "building": f.building.name if f.building else None,
        "floor": f.floor,
        "lat": f.lat,
        "lng": f.lng,
        "floor_area_m2": f.floor_area_m2,
        "opening_hours": f.opening_hours,
        "capacity": f.capacity,
        "phone": f.phone,
        "shared": f.shared,
        "shared_with": [c.code for c in f.shared_with.all()],
        "active": f.active,
        "opened_on": f.opened_on,
        "closed_on": f.closed_on,
        "distance_m": distance,
        "distance_walked": walked,
    }


def service_out(s: Service) -> dict[str, Any]:
    return {
        **{k: getattr(s, k) for k in ("kind", "name", "provider", "description", "price_fen", "price_unit")},
        **{k: getattr(s, k) for k in ("bookable", "waitlist", "cancel_hours", "active")},
        "id": s.pk,
        "facility_id": s.facility_id,
        "price_rules": [
            {"id": r.pk, "label": r.label, "min_age": r.min_age, "price_fen": r.price_fen} for r in s.price_rules.all()
        ],
    }


def slot_out(s: Slot) -> dict[str, Any]:
    return {
        "id": s.pk,
        "service_id": s.service_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "capacity": s.capacity,
        "booked": s.booked,
        "free": s.free,
        "cancelled": s.cancelled,
    }


def booking_out(b: Booking) -> dict[str, Any]:
    return {
        "id": b.pk,
        "slot_id": b.slot_id,
        "service": b.slot.service.name,
        "facility": b.slot.service.facility.name,
        "starts_at": b.slot.starts_at,
        "resident_id": b.resident_id,
        "resident": b.resident.name,
        "status": b.status,
        "price_fen": b.price_fen,
        "pay_by": b.pay_by,
        "pay_page": booking_payment.pay_url(b) if b.status == Booking.Status.UNPAID and booking_payment.pay_url else "",
        "checked_in_at": b.checked_in_at,
        "booked_by": acted_by(b.booked_by, b.resident),
    }


def _facility_args(community: Any, data: dict[str, Any]) -> dict[str, Any]:
    if "category" in data:
        category = selectors.category_by_code(code=data["category"])
        if category is None:
            raise DomainError(
                _("Unknown category “%(v)s”: use a code or Chinese name from the 类别 sheet.")
                % {"v": data["category"]},
                field="category",
                code="unknown_category",
            )
        data["category"] = category
    if "building_id" in data:
        building_id = data.pop("building_id")
        data["building"] = (
            building_get(community=community, pk=building_id, field="building_id") if building_id else None
        )
    return data


class FacilityFilter(Schema):
    scenario: str = ""
    category: str = ""
    search: str = ""
    near_home: bool = False


@router.get("/facility-categories", response=list[CategoryOut])
def category_list(request: HttpRequest) -> Any:
    return selectors.categories()


@router.get("/communities/{code}/facilities", response=list[FacilityOut])
def facility_list(request: HttpRequest, code: str, filters: Query[FacilityFilter]) -> list[dict[str, Any]]:
    """The register (with facilities neighbours share); `near_home=true` sorts by the walk from your home
    (`distance_walked` false: a straight line, off the walking network)."""
    community = community_get(code=code, user=request.user)
    if filters.near_home:
        rows = selectors.facilities_by_distance(
            user=request.user, community=community, scenario=filters.scenario, search=filters.search
        )
        return [facility_out(n.facility, n.metres, n.walked) for n in rows]
    qs = selectors.facilities_for(
        user=request.user,
        community=community,
        scenario=filters.scenario,
        category=filters.category,
        search=filters.search,
        with_shared_with=True,
    )
    return [facility_out(f) for f in qs]


@router.post("/communities/{code}/facilities", response={201: FacilityOut})
def facility_create(request: HttpRequest, code: str, payload: FacilityIn) -> Status:
    community = community_get(code=code, user=request.user)
    data = _facility_args(community, payload.dict())
    return Status(201, facility_out(services.facility_create(actor=request.user, community=community, **data)))


@router.get("/communities/{code}/facilities.geojson")
def facility_geojson(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    facilities = selectors.facilities_for(user=request.user, community=community, with_shared_with=True)
    body = json.dumps(register_io.register_geojson(facilities=facilities), ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


@router.post("/communities/{code}/facilities/import", response=ImportOut)
def facility_import(request: HttpRequest, code: str, file: File[UploadedFile]) -> dict[str, int]:
    """Excel (.xlsx, the template's Chinese headers) or GeoJSON. Any problem: 400 with every row and column
    in `error.details`-like `fields`, and nothing imported."""
    community = community_get(code=code, user=request.user)
    content = upload_read(file, max_bytes=register_io.IMPORT_MAX_BYTES, field="file")
    importer = (
        register_io.register_import_geojson
        if (file.name or "").lower().endswith((".geojson", ".json"))
        else register_io.register_import_xlsx
    )
    try:
        result = importer(actor=request.user, community=community, content=content)
    except register_io.RegisterImportError as exc:
        raise DomainError(exc.message, code=exc.code, field="file") from None
    return {"created": result.created, "updated": result.updated}


@router.get("/communities/{code}/facilities/{facility_id}", response=FacilityOut)
def facility_detail(request: HttpRequest, code: str, facility_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return facility_out(selectors.facility_get(user=request.user, community=community, pk=facility_id))


@router.patch("/communities/{code}/facilities/{facility_id}", response=FacilityOut)
def facility_update(request: HttpRequest, code: str, facility_id: int, payload: FacilityPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_id)
    # null means "leave as is", except where the field itself may be empty (no building, no area, no capacity)
    changes = fields_sent(payload, clearable={"building_id", "floor_area_m2", "capacity"})
    data = _facility_args(community, changes)
    return facility_out(services.facility_update(actor=request.user, facility=facility, **data))


@router.get("/communities/{code}/facilities/{facility_id}/services", response=list[ServiceOut])
def service_list(request: HttpRequest, code: str, facility_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_id)
    return [service_out(s) for s in selectors.services_of(facility=facility)]


@router.post("/communities/{code}/facilities/{facility_id}/services", response={201: ServiceOut})
def service_create(request: HttpRequest, code: str, facility_id: int, payload: ServiceIn) -> Status:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_id)
    return Status(201, service_out(services.service_create(actor=request.user, facility=facility, **payload.dict())))


@router.get("/communities/{code}/services/{service_id}/slots", response=list[FacilitySlotOut])
def slot_list(request: HttpRequest, code: str, service_id: int, date: dt.date | None = None) -> list[dict[str, Any]]:
    """The open slots of the next two weeks, or of one `date` (YYYY-MM-DD)."""
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    if date is not None:
        return [slot_out(s) for s in selectors.slots_on(service=service, day=date_in_range(date))]
    return [slot_out(s) for s in selectors.slots_open(service=service)]


@router.patch("/communities/{code}/services/{service_id}", response=ServiceOut)
def service_update(request: HttpRequest, code: str, service_id: int, payload: ServicePatch) -> dict[str, Any]:
    """Only the fields sent change."""
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    changes = fields_sent(payload)
    return service_out(services.service_update(actor=request.user, service=service, **changes))


@router.get("/communities/{code}/services/{service_id}/price-rules", response=list[PriceRuleOut])
def price_rule_list(request: HttpRequest, code: str, service_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    return [
        {"id": r.pk, "label": r.label, "min_age": r.min_age, "price_fen": r.price_fen}
        for r in selectors.price_rules_of(service=service)
    ]


@router.post("/communities/{code}/services/{service_id}/price-rules", response={201: PriceRuleOut})
def price_rule_add(request: HttpRequest, code: str, service_id: int, payload: PriceRuleIn) -> Status:
    """From `min_age` on, the resident pays `price_fen` (the lowest applying price wins); for new bookings."""
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    rule = services.service_price_rule_add(actor=request.user, service=service, **payload.dict())
    return Status(201, {"id": rule.pk, "label": rule.label, "min_age": rule.min_age, "price_fen": rule.price_fen})


@router.delete("/communities/{code}/services/{service_id}/price-rules/{rule_id}", response={204: None})
def price_rule_remove(request: HttpRequest, code: str, service_id: int, rule_id: int) -> Status:
    """Retire a rule; bookings already made keep their price."""
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    rule = selectors.price_rule_get(service=service, pk=rule_id)
    services.service_price_rule_remove(actor=request.user, rule=rule)
    return Status(204, None)


@router.patch("/communities/{code}/facility-categories/{category_code}", response=CategoryOut)
def category_update(request: HttpRequest, code: str, category_code: str, payload: FacilityCategoryPatch) -> Any:
    """Rename, refile or retire a type this community added (the built-in types are not changed)."""
    community = community_get(code=code, user=request.user)
    category = selectors.category_get(code=category_code)
    return services.category_update(actor=request.user, community=community, category=category, **payload.dict())


@router.post("/communities/{code}/facility-categories", response={201: CategoryOut})
def category_create(request: HttpRequest, code: str, payload: FacilityCategoryIn) -> Status:
    """Add a facility type to the shared catalogue (register managers of the community)."""
    community = community_get(code=code, user=request.user)
    return Status(201, services.category_create(actor=request.user, community=community, **payload.dict()))


@router.post("/communities/{code}/slots/{slot_id}/cancel", response=SlotCancelOut)
def slot_cancel(request: HttpRequest, code: str, slot_id: int, payload: SlotCancelIn) -> dict[str, Any]:
    """Cancel a time slot and every booking in it; each person booked is told (with the reason)."""
    community = community_get(code=code, user=request.user)
    slot = selectors.slot_get(user=request.user, community=community, pk=slot_id)
    people = 0 if slot.cancelled else selectors.slot_people_to_tell(slot=slot)
    slot = services.slot_cancel(
        actor=request.user, slot=slot, reason=payload.reason, confirm_affected=payload.confirm_affected
    )
    return {"slot": slot_out(slot), "bookings_cancelled": people}


@router.post("/communities/{code}/services/{service_id}/slots", response={201: FacilitySlotOut})
def slot_create(request: HttpRequest, code: str, service_id: int, payload: SlotIn) -> Status:
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=service_id)
    return Status(201, slot_out(services.slot_create(actor=request.user, service=service, **payload.dict())))


@router.post("/communities/{code}/slots/{slot_id}/bookings", response={201: BookingOut})
def booking_create(request: HttpRequest, code: str, slot_id: int, payload: BookingIn) -> Status:
    """Confirmed while places last, then on the waiting list (or 409 `slot_full`)."""
    community = community_get(code=code, user=request.user)
    slot = selectors.slot_get(user=request.user, community=community, pk=slot_id)
    resident = selectors.resident_for_booking(user=request.user, community=community, pk=payload.resident_id)
    booking = services.booking_create(actor=request.user, slot=slot, resident=resident, note=payload.note)
    return Status(201, booking_out(booking))


@router.get("/me/bookings", response=list[BookingOut])
def my_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    return [booking_out(b) for b in selectors.bookings_of_user(user=request.user)[:200]]


@router.post("/communities/{code}/bookings/{booking_id}/{action}", response=BookingOut)
def booking_action(request: HttpRequest, code: str, booking_id: int, action: str) -> dict[str, Any]:
    """`cancel` (you, before the deadline; staff any time), `check-in` and `no-show` (front desk)."""
    community = community_get(code=code, user=request.user)
    booking = selectors.booking_get(user=request.user, community=community, pk=booking_id)
    operation = {
        "cancel": services.booking_cancel,
        "check-in": services.booking_check_in,
        "no-show": services.booking_mark_no_show,
    }.get(action)
    if operation is None:
        raise NotFound(_("Not found."))
    return booking_out(operation(actor=request.user, booking=booking))


@router.get("/communities/{code}/day-sheet", response=list[DaySheetOut])
def day_sheet(request: HttpRequest, code: str, date: dt.date | None = None) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    day = date_in_range(date) if date else timezone.localdate()
    rows = selectors.day_sheet(user=request.user, community=community, day=day)
    return [
        {
            "slot": slot_out(r.slot),
            "service": r.slot.service.name,
            "facility": r.slot.service.facility.name,
            "bookings": [booking_out(b) for b in r.bookings],
        }
        for r in rows
    ]


class OperatorsIn(Schema):
    operator_ids: list[int] = Field(
        default_factory=list, max_length=100, description="Accounts with the operator role; [] takes every one off."
    )


class OperatorOut(Schema):
    id: int
    name: str


class MySpaceOut(Schema):
    facility_id: int
    facility: str
    slots: list[FacilitySlotOut]


def _operators_out(facility: Facility) -> list[dict[str, Any]]:
    return [{"id": u.pk, "name": u.display_name or ""} for u in selectors.operators_of_facility(facility=facility)]


@router.get("/communities/{code}/facilities/{facility_id}/operators", response=list[OperatorOut])
def facility_operator_list(request: HttpRequest, code: str, facility_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_id)
    if not rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("Only community staff and operators run spaces."))
    return _operators_out(facility)


@router.put("/communities/{code}/facilities/{facility_id}/operators", response=list[OperatorOut])
def facility_operators_set(
    request: HttpRequest, code: str, facility_id: int, payload: OperatorsIn
) -> list[dict[str, Any]]:
    """Who runs this space (the community admin): they manage its services and time slots, and only theirs."""
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_id)
    if not rules.can_manage_register(request.user, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    operators = selectors.operator_accounts(community=community, ids=payload.operator_ids)
    facility = services.facility_operators_set(actor=request.user, facility=facility, operators=operators)
    return _operators_out(facility)


@router.get("/communities/{code}/my-spaces", response=list[MySpaceOut])
def my_spaces(request: HttpRequest, code: str, date: dt.date | None = None) -> list[dict[str, Any]]:
    """The spaces assigned to you with the day's time slots (today unless `date`)."""
    community = community_get(code=code, user=request.user)
    if not rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("Only community staff and operators run spaces."))
    day = date_in_range(date) if date else timezone.localdate()
    return [
        {"facility_id": f.pk, "facility": f.name, "slots": [slot_out(r.slot) for r in rows]}
        for f, rows in selectors.my_spaces_today(user=request.user, community=community, day=day)
    ]

"""A report comes in: where it is, its extra Open311 fields, and its submission."""

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import DomainError, NotAllowed
from linli.core.uploads import files_removed_on_error
from linli.people import rules as people_rules
from linli.people.models import Resident
from linli.places.geometry import haversine_m, polygon_contains
from linli.places.models import Building, Community, Grid

from ..models import DESCRIPTION_MAX, ApiClient, Category, CategoryAttribute, Level, Report, ReportEvent, ReportPhoto
from ..photos import MAX_PHOTOS, CleanPhoto
from .keys import api_client_hold
from .notices import _tell_level

S = Report.Status


# --- where a report is ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    lat: float | None
    lng: float | None
    building: Building | None
    address: str
    grid: Grid | None


# A point inside the community but between the grids' outlines goes to the grid of the nearest building, if one
# is this close; further away (a park, a lake) it is refused as before.
NEAREST_BUILDING_M = 250


def grid_at(*, community: Community, lng: float, lat: float) -> Grid | None:
    """The grid whose outline holds the point; else, for a point inside the community (grids drawn around their
    buildings leave gaps between them: roads, squares, gardens), the grid of the nearest building."""
    for grid in Grid.objects.filter(community=community).exclude(boundary=None).order_by("code"):
        if polygon_contains(grid.boundary, lng, lat):
            return grid
    if community.boundary and not polygon_contains(community.boundary, lng, lat):
        return None
    nearest = nearest_building(community=community, lng=lng, lat=lat, with_grid=True)
    if nearest is None or haversine_m(lng, lat, nearest.lng, nearest.lat) > NEAREST_BUILDING_M:
        return None
    return nearest.grid


def nearest_building(*, community: Community, lng: float, lat: float, with_grid: bool = False) -> Building | None:
    buildings = Building.objects.filter(community=community, lat__isnull=False, lng__isnull=False)
    if with_grid:
        buildings = buildings.filter(grid__isnull=False).select_related("grid")
    return min(buildings, key=lambda b: haversine_m(lng, lat, b.lng, b.lat), default=None)


def report_locate(
    *,
    community: Community,
    lat: float | None = None,
    lng: float | None = None,
    building: Building | None = None,
    address: str = "",
) -> Location:
    """Where the report is and which grid it falls in. A point outside every grid is refused."""
    address = (address or "").strip()
    if len(address) > 200:
        raise DomainError(_("The address may be at most 200 characters."), code="invalid_address", field="address")
    if (lat is None) != (lng is None):
        raise DomainError(_("Give both latitude and longitude."), code="invalid_location", field="lat")
    if lat is not None and lng is not None:
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError(_("The latitude or longitude is out of range."), code="invalid_location", field="lat")
        grid = grid_at(community=community, lng=lng, lat=lat)
        if grid is None and building is not None and building.community_id == community.pk and building.grid_id:
            # The pin missed, but the building chosen says where: the report goes to the building.
            return Location(lat=building.lat, lng=building.lng, building=building, address=address, grid=building.grid)
        if grid is None:
            raise DomainError(
                _("This point is outside every grid of %(community)s: choose a place inside the community.")
                % {"community": community.name},
                code="outside_grids",
                field="lat",
            )
        return Location(lat=lat, lng=lng, building=building, address=address, grid=grid)
    if building is not None:
        if building.community_id != community.pk:
            raise DomainError(_("This building is not in the community."), code="invalid_building", field="building")
        return Location(lat=building.lat, lng=building.lng, building=building, address=address, grid=building.grid)
    if address:
        # An address that names a building of the community is routed to that building's grid.
        named = sorted(
            (b for b in Building.objects.filter(community=community).select_related("grid") if b.name in address),
            key=lambda b: -len(b.name),
        )
        if named:
            b = named[0]
            return Location(lat=b.lat, lng=b.lng, building=b, address=address, grid=b.grid)
        return Location(lat=None, lng=None, building=None, address=address, grid=None)
    raise DomainError(
        _("Say where it is: a point on the map, a building, or an address."), code="no_location", field="location"
    )


# --- extra fields (Open311 attributes) -------------------------------------------------------------------


def attributes_clean(category: Category, raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The category's extra fields, checked against their types. `raw` maps a code to the values given."""
    cleaned: dict[str, Any] = {}
    for attr in (a for a in category.attributes.all() if a.variable):  # in order; prefetched when the caller has
        values = [str(v).strip() for v in raw.get(attr.code, []) if str(v).strip()]
        field = f"attribute[{attr.code}]"
        if not values:
            if attr.required:
                raise DomainError(
                    _("“%(question)s” is required.") % {"question": attr.description},
                    code="missing_attribute",
                    field=field,
                )
            continue
        if attr.datatype == CategoryAttribute.Datatype.MULTI:
            unknown = [v for v in values if v not in attr.value_keys()]
            if unknown:
                raise DomainError(_("Choose from the listed values."), code="invalid_attribute", field=field)
            cleaned[attr.code] = list(dict.fromkeys(values))
            continue
        value = values[0]
        if attr.datatype == CategoryAttribute.Datatype.SINGLE:
            if value not in attr.value_keys():
                raise DomainError(_("Choose from the listed values."), code="invalid_attribute", field=field)
            cleaned[attr.code] = value
        elif attr.datatype == CategoryAttribute.Datatype.NUMBER:
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or abs(number) > Decimal(10) ** 12:
                raise DomainError(_("Enter a number."), code="invalid_attribute", field=field)
            cleaned[attr.code] = int(number) if number == number.to_integral_value() else float(number)
        elif attr.datatype == CategoryAttribute.Datatype.DATETIME:
            try:
                parsed: Any = parse_datetime(value) or parse_date(value)
            except ValueError:
                parsed = None
            if parsed is None:
                raise DomainError(_("Enter a date and time in ISO 8601 form."), code="invalid_attribute", field=field)
            cleaned[attr.code] = parsed.isoformat()
        else:
            limit = 200 if attr.datatype == CategoryAttribute.Datatype.STRING else 2000
            if len(value) > limit or (attr.datatype == CategoryAttribute.Datatype.STRING and "\n" in value):
                raise DomainError(
                    _("Enter at most %(n)s characters on one line.") % {"n": limit}
                    if attr.datatype == CategoryAttribute.Datatype.STRING
                    else _("Enter at most %(n)s characters.") % {"n": limit},
                    code="invalid_attribute",
                    field=field,
                )
            cleaned[attr.code] = value
    return cleaned


# --- submitting ------------------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(12)


def _route(category: Category, located: Grid | None) -> tuple[Grid | None, int, Any]:
    """Where a new report goes first, by its category: the grid's steward (the category's own grid, or the one
    where it happens), or the community's caseworkers. Returns the report's grid, its level and its assignee."""
    grid = category.first_grid if category.first_grid_id else located
    if category.first_level == Level.COMMUNITY:
        return grid, Level.COMMUNITY, None
    if grid is not None and grid.steward_id:
        return grid, Level.STEWARD, grid.steward
    return grid, Level.COMMUNITY, None


def report_submit(
    *,
    actor: "Actor | None",
    community: Community,
    category: Category,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    building: Building | None = None,
    address: str = "",
    attributes: Mapping[str, Sequence[str]] | None = None,
    photos: Iterable[CleanPhoto] = (),
    guest_mobile: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    source: str = Report.Source.WEB,
    api_client: ApiClient | None = None,
    media_url: str = "",
    on_behalf_of: Resident | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """A new report, routed to the steward of the grid it falls in. Checks everything before saving anything.
    `on_behalf_of`: a resident the reporter may act for (a family helper's elder, a household member)."""
    now = now or timezone.now()
    if category.community_id != community.pk or not category.active:
        raise DomainError(_("Choose a category of this community."), code="invalid_category", field="category")
    description = (description or "").strip()
    if not description and source != Report.Source.OPEN311:  # optional in GeoReport v2
        raise DomainError(_("Describe what you saw."), code="missing_description", field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description may be at most %(n)s characters (it has %(m)s).")
            % {"n": DESCRIPTION_MAX, "m": len(description)},
            code="description_too_long",
            field="description",
        )
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many_photos", field="photos")
    reporter = account_of(actor) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if on_behalf_of is not None and (
        reporter is None
        or on_behalf_of.community_id != community.pk
        or not people_rules.can_act_for(reporter, on_behalf_of)
    ):
        raise NotAllowed(
            _("You can report only for yourself, your household and the elders you help as family."),
            code="not_household",
            field="on_behalf_of",
        )
    guest_mobile = (guest_mobile or "").strip()
    if reporter is None and source == Report.Source.WEB:
        from linli.accounts.validators import mobile_validator

        if not guest_mobile:
            raise DomainError(
                _("Give your mobile number so that we can tell you what was done."),
                code="missing_mobile",
                field="guest_mobile",
            )
        try:
            mobile_validator(guest_mobile)
        except Exception as exc:
            raise DomainError(
                _("Enter an 11-digit mainland mobile number."), code="invalid_mobile", field="guest_mobile"
            ) from exc
    where = report_locate(community=community, lat=lat, lng=lng, building=building, address=address)
    cleaned = attributes_clean(category, attributes or {})

    with files_removed_on_error() as saved, transaction.atomic():
        if api_client is not None:
            api_client_hold(api_client, now=now)
        grid, level, first = _route(category, where.grid)
        report = Report.objects.create(
            community=community,
            category=category,
            status=S.SUBMITTED,
            description=description,
            attributes=cleaned,
            lat=where.lat,
            lng=where.lng,
            building=where.building,
            address=where.address,
            grid=grid,
            reporter=reporter,
            on_behalf_of=on_behalf_of,
            guest_mobile=guest_mobile if reporter is None else "",
            reporter_name=reporter_name[:60],
            reporter_email=reporter_email[:254],
            source=source,
            api_client=api_client,
            token=_new_token(),
            media_url=media_url[:500],
            assignee=first,
            level=level,
            due_at=now + dt.timedelta(hours=category.accept_within_hours),
            expected_at=now + dt.timedelta(hours=category.total_hours),
            created_at=now,
            updated_at=now,
        )
        for index, photo in enumerate(photos):
            p = ReportPhoto(report=report, community=community, width=photo.width, height=photo.height, size=photo.size)
            p.image.save(f"{secrets.token_hex(8)}-{index + 1}.jpg", ContentFile(photo.content), save=False)
            saved.append(p.image)
            p.save()
        ReportEvent.objects.create(
            report=report,
            community=community,
            kind=ReportEvent.Kind.SUBMITTED,
            to_status=S.SUBMITTED,
            actor=reporter,
            level=level,
            note="",
            created_at=now,
        )
        audit_record(actor=reporter, action="report.submit", instance=report, after=snapshot(report), via=source)
        _tell_level(report, level, description[:120])
    return report

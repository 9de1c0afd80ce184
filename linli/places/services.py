"""Setting up places: streets, communities, neighbourhoods, buildings, grids. One function per operation, each
checking its rule, in one transaction, audited inside it."""

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.services import role_revoke
from linli.accounts.types import Actor
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound

from . import rules
from .boundary import Boundary, bbox
from .deleting import place_clearers_run
from .geometry import polygon_contains
from .models import Building, Community, Grid, GridMembership, GridStewardship, Neighbourhood, Street
from .osm import read_buildings

P = TypeVar("P", bound=models.Model)
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_FLOORS = 200


def _full_clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    """The model's own validators (code format, lengths, ranges) as a `DomainError` on the first bad field."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if name == "__all__" else name) from None


def _text(value: str, *, field: str, max_length: int = 60) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("This field is required."), field=field, code="required")
    if len(value) > max_length:
        raise DomainError(_("Enter at most %(n)s characters.") % {"n": max_length}, field=field)
    return value


def _create_with_free_code(actor: Actor, obj: models.Model, same_code: QuerySet[Any], refusal: str) -> None:
    """Save a new street, community or grid, audited as `<model>.create`: its code is checked free again inside
    the transaction (`same_code` finds a row that has it, in any case), `refusal` if it was taken meanwhile."""
    with transaction.atomic():
        if same_code.exists():
            raise DomainError(refusal, field="code", code="duplicate")
        obj.save()
        audit_record(actor=actor, action=f"{obj._meta.model_name}.create", instance=obj, after=snapshot(obj))


@contextmanager
def _audited_change(actor: Actor, instance: P) -> Iterator[P]:
    """Lock the place's row and hand it over to be changed; then save it and audit it as `<model>.update`, with
    what it was before. All in one transaction: a refusal raised while changing leaves it as it was."""
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        before = snapshot(locked)
        yield locked
        save_audited(actor=actor, action=f"{locked._meta.model_name}.update", instance=locked, before=before)


# --- streets ------------------------------------------------------------------------------------------------


def street_create(*, actor: Actor, code: str, name: str, district: str = "", city: str = "") -> Street:
    if not rules.can_manage_streets(actor):
        raise NotAllowed(_("Only city admins set up streets."))
    _check_code_free(code)
    street = Street(code=code.strip(), name=_text(name, field="name"), district=district.strip(), city=city.strip())
    _full_clean(street)
    _create_with_free_code(
        actor,
        street,
        Street.objects.filter(code__iexact=street.code),
        _("A street with the code “%(code)s” already exists.") % {"code": street.code},
    )
    return street


def street_update(
    *, actor: Actor, street: Street, name: str | None = None, district: str | None = None, city: str | None = None
) -> Street:
    """The code stays: other systems know the street by it."""
    if not rules.can_manage_streets(actor):
        raise NotAllowed(_("Only city admins set up streets."))
    with _audited_change(actor, street) as street:
        if name is not None:
            street.name = _text(name, field="name")
        if district is not None:
            street.district = district.strip()
        if city is not None:
            street.city = city.strip()
        _full_clean(street)
    return street


# --- communities --------------------------------------------------------------------------------------------


def _tier(tier: str) -> str:
    if tier not in Community.Tier.values:
        raise DomainError(_("Choose the community's tier."), field="tier")
    return tier


def community_create(*, actor: Actor, street: Street, code: str, name: str, tier: str, boundary: Boundary) -> Community:
    """A new community of the street, its centre and area taken from the boundary. Its ledger's funding accounts
    are opened by the ledger's own receiver when it is saved."""
    if not rules.can_set_up_street(actor, street):
        raise NotAllowed(_("You may not set up communities in this street."))
    community = Community(
        street=street,
        code=code.strip(),
        name=_text(name, field="name"),
        tier=_tier(tier),
        boundary=boundary.geometry,
        centre_lat=boundary.centre_lat,
        centre_lng=boundary.centre_lng,
        area_ha=boundary.area_ha,
    )
    _full_clean(community, exclude=["street"])
    _create_with_free_code(
        actor,
        community,
        Community.objects.filter(code__iexact=community.code),
        _("A community with the code “%(code)s” already exists.") % {"code": community.code},
    )
    return community


def community_update(
    *,
    actor: Actor,
    community: Community,
    name: str | None = None,
    tier: str | None = None,
    boundary: Boundary | None = None,
) -> Community:
    """The code stays: it is the Open311 jurisdiction and in every link."""
    if not rules.can_edit_community(actor, community):
        raise NotAllowed(_("You may not change this community."))
    with _audited_change(actor, community) as community:
        if name is not None:
            community.name = _text(name, field="name")
        if tier is not None:
            community.tier = _tier(tier)
        if boundary is not None:
            community.boundary = boundary.geometry
            community.centre_lat, community.centre_lng = boundary.centre_lat, boundary.centre_lng
            community.area_ha = boundary.area_ha
        _full_clean(community, exclude=["street"])
    return community


def _check_set_up(actor: Actor, community: Community) -> None:
    if not rules.can_set_up_community(actor, community):
        raise NotAllowed(_("You may not set up this community."))


# --- neighbourhoods -----------------------------------------------------------------------------------------


def _unique_neighbourhood_name(community: Community, name: str, exclude_pk: int | None = None) -> None:
    if Neighbourhood.objects.filter(community=community, name=name).exclude(pk=exclude_pk or 0).exists():
        raise DomainError(
            _("This community already has a neighbourhood called “%(name)s”.") % {"name": name},
            field="name",
            code="duplicate",
        )


def neighbourhood_create(*, actor: Actor, community: Community, name: str) -> Neighbourhood:
    _check_set_up(actor, community)
    name = _text(name, field="name")
    with transaction.atomic():
        _unique_neighbourhood_name(community, name)
        hood = create_audited(
            actor=actor, action="neighbourhood.create", model=Neighbourhood, community=community, name=name
        )
    return hood


def neighbourhood_update(*, actor: Actor, neighbourhood: Neighbourhood, name: str) -> Neighbourhood:
    _check_set_up(actor, neighbourhood.community)
    name = _text(name, field="name")
    with _audited_change(actor, neighbourhood) as neighbourhood:
        _unique_neighbourhood_name(neighbourhood.community, name, exclude_pk=neighbourhood.pk)
        neighbourhood.name = name
    return neighbourhood


# --- buildings ----------------------------------------------------------------------------------------------


def location_problem(community: Community, lat: Any, lng: Any) -> str | None:
    """Why this point cannot be a building of the community, or None if it can."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng)):
        return _("Latitude and longitude must be numbers.")
    if not -90 <= lat <= 90 or not -180 <= lng <= 180:
        if -90 <= lng <= 90 and -180 <= lat <= 180:
            return _("Latitude %(lat)s is out of range: are latitude and longitude swapped?") % {"lat": lat}
        return _("Latitude must be between -90 and 90, longitude between -180 and 180.")
    if community.boundary and not polygon_contains(community.boundary, lng, lat):
        if polygon_contains(community.boundary, lat, lng):
            return _("This point is outside the community, but would be inside with latitude and longitude swapped.")
        return _("This point (%(lat)s, %(lng)s) is outside the community's boundary.") % {"lat": lat, "lng": lng}
    return None


def _check_location(community: Community, lat: Any, lng: Any) -> None:
    problem = location_problem(community, lat, lng)
    if problem:
        raise DomainError(problem, field="lat", code="bad_location")


def _check_floors(floors: int | None) -> None:
    if floors is not None and not 1 <= floors <= MAX_FLOORS:
        raise DomainError(_("Floors must be between 1 and %(n)d.") % {"n": MAX_FLOORS}, field="floors")


def _check_own(community: Community, thing: Any, field: str) -> None:
    if thing is not None and thing.community_id != community.pk:
        raise NotFound(_("Not found in this community."), field=field)


def _unique_building_name(community: Community, name: str, exclude_pk: int | None = None) -> None:
    if Building.objects.filter(community=community, name=name).exclude(pk=exclude_pk or 0).exists():
        raise DomainError(
            _("This community already has a building called “%(name)s”.") % {"name": name},
            field="name",
            code="duplicate",
        )


def building_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    lat: float,
    lng: float,
    floors: int | None = None,
    neighbourhood: Neighbourhood | None = None,
    residential: bool = True,
) -> Building:
    _check_set_up(actor, community)
    name = _text(name, field="name")
    _check_location(community, lat, lng)
    _check_floors(floors)
    _check_own(community, neighbourhood, "neighbourhood")
    with transaction.atomic():
        _unique_building_name(community, name)
        building = create_audited(
            actor=actor,
            action="building.create",
            model=Building,
            community=community,
            name=name,
            lat=lat,
            lng=lng,
            floors=floors,
            neighbourhood=neighbourhood,
            residential=residential,
        )
    return building


_UNSET: Any = object()


def building_update(
    *,
    actor: Actor,
    building: Building,
    name: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
    floors: int | None = _UNSET,
    neighbourhood: Neighbourhood | None = _UNSET,
    residential: bool | None = None,
) -> Building:
    community = building.community
    _check_set_up(actor, community)
    with _audited_change(actor, building) as building:
        if name is not None:
            building.name = _text(name, field="name")
            _unique_building_name(community, building.name, exclude_pk=building.pk)
        if lat is not None or lng is not None:
            building.lat = building.lat if lat is None else lat
            building.lng = building.lng if lng is None else lng
            _check_location(community, building.lat, building.lng)
        if floors is not _UNSET:
            _check_floors(floors)
            building.floors = floors
        if neighbourhood is not _UNSET:
            _check_own(community, neighbourhood, "neighbourhood")
            building.neighbourhood = neighbourhood
        if residential is not None:
            building.residential = residential
    return building


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    neighbourhoods_created: int = 0
    refused: list[str] = field(default_factory=list)


def osm_extract_path() -> Path:
    return Path(settings.OSM_EXTRACT_DIR) / "hangzhou_china.osm.pbf"


def buildings_import_osm(*, actor: Actor, community: Community, path: Path | None = None) -> ImportResult:
    """Buildings from the OpenStreetMap extract whose centre is inside the community's boundary. Again is
    harmless: a building already imported (same OSM way) is left as staff have edited it."""
    _check_set_up(actor, community)
    if not community.boundary:
        raise DomainError(_("Give the community a boundary before importing buildings."), code="no_boundary")
    path = path or osm_extract_path()
    if not path.exists():
        raise DomainError(_("The OpenStreetMap extract is not installed on this server."), code="no_extract")
    found = [
        b for b in read_buildings(path, bbox(community.boundary)) if polygon_contains(community.boundary, b.lng, b.lat)
    ]
    result = ImportResult()
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()  # one import at a time
        known = set(Building.objects.filter(community=community, osm_id__isnull=False).values_list("osm_id", flat=True))
        names = set(Building.objects.filter(community=community).values_list("name", flat=True))
        number = len(names)
        new: list[Building] = []
        for b in found:
            if b.osm_id in known:
                result.unchanged += 1
                continue
            number += 1
            name = (b.name or f"{number}幢")[:60]  # the register's own convention, whoever's language imports it
            if name in names:
                name = f"{name[:45]} ({b.osm_id})"
            names.add(name)
            new.append(
                Building(
                    community=community,
                    name=name,
                    residential=b.residential,
                    floors=b.levels if b.levels and 1 <= b.levels <= MAX_FLOORS else None,
                    lat=round(b.lat, 7),
                    lng=round(b.lng, 7),
                    footprint={"type": "Polygon", "coordinates": [[list(p) for p in b.ring]]},
                    osm_id=b.osm_id,
                )
            )
        Building.objects.bulk_create(new)
        result.created = len(new)
        audit_record(
            actor=actor,
            action="building.import_osm",
            instance=community,
            community=community,
            after={"created": result.created, "unchanged": result.unchanged, "osm_ids": [b.osm_id for b in new]},
        )
    return result


EXCEL_MAX_BYTES = 5 * 1024 * 1024
EXCEL_MAX_ROWS = 5000
EXCEL_COLUMNS = {
    "小区": "neighbourhood",
    "楼栋": "name",
    "楼幢": "name",
    "层数": "floors",
    "纬度": "lat",
    "经度": "lng",
}
EXCEL_REQUIRED = {"name": "楼栋", "lat": "纬度", "lng": "经度"}


class ImportRefused(DomainError):
    """Nothing was imported; every refused row is listed."""

    code = "import_refused"

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:20]
        more = len(problems) - len(shown)
        message = _("Nothing was imported: %(n)d problem(s).") % {"n": len(problems)} + " " + " ".join(shown)
        if more:
            message += " " + _("And %(n)d more.") % {"n": more}
        super().__init__(message, field="file", details={"problems": problems})
        self.problems = problems


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_cell_text(value))
    except ValueError:
        return None


def buildings_import_excel(*, actor: Actor, community: Community, content: bytes) -> ImportResult:
    """Buildings from an .xlsx with the columns 小区, 楼栋 (or 楼幢), 层数, 纬度, 经度. All or nothing: if any row is
    wrong, nothing is saved and every wrong row is named. A building already there (same name) is updated; a
    neighbourhood not yet there is made."""
    _check_set_up(actor, community)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("This is not an Excel (.xlsx) file."), code="not_xlsx", field="file") from None
    rows_iter = wb.worksheets[0].iter_rows(values_only=True)
    header = [EXCEL_COLUMNS.get(_cell_text(v)) for v in next(rows_iter, None) or ()]
    missing = [zh for key, zh in EXCEL_REQUIRED.items() if key not in header]
    if missing:
        raise DomainError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": "、".join(missing)},
            code="missing_columns",
            field="file",
        )
    problems: list[str] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows_iter, start=2):
        if number > EXCEL_MAX_ROWS + 1:
            raise DomainError(_("At most %(n)d rows at a time.") % {"n": EXCEL_MAX_ROWS}, field="file")
        if not any(_cell_text(v) for v in values):
            continue
        rows.append((number, {k: v for k, v in zip(header, values, strict=False) if k}))
    if not rows:
        raise DomainError(_("The file has no rows to import."), code="empty_import", field="file")

    def refuse(row: int, message: str) -> None:
        problems.append(_("Row %(row)d: %(message)s") % {"row": row, "message": message})

    seen: set[str] = set()
    clean: list[dict[str, Any]] = []
    for number, row in rows:
        name = _cell_text(row.get("name"))
        hood_name = _cell_text(row.get("neighbourhood"))
        lat, lng = _cell_number(row.get("lat")), _cell_number(row.get("lng"))
        floors_text = _cell_text(row.get("floors"))
        if not name or len(name) > 60:
            refuse(number, _("the building needs a name of at most 60 characters."))
            continue
        if name in seen:
            refuse(number, _("the building “%(name)s” is already in an earlier row.") % {"name": name})
            continue
        seen.add(name)
        if len(hood_name) > 60:
            refuse(number, _("a neighbourhood's name has at most 60 characters."))
            continue
        floors: int | None = None
        if floors_text:
            if not floors_text.isdigit() or not 1 <= int(floors_text) <= MAX_FLOORS:
                refuse(number, _("floors must be a whole number from 1 to %(n)d.") % {"n": MAX_FLOORS})
                continue
            floors = int(floors_text)
        problem = location_problem(community, lat, lng)
        if problem:
            refuse(number, problem)
            continue
        clean.append({"name": name, "neighbourhood": hood_name, "lat": lat, "lng": lng, "floors": floors})
    if problems:
        raise ImportRefused(problems)

    result = ImportResult()
    with transaction.atomic():
        hoods = {h.name: h for h in Neighbourhood.objects.filter(community=community)}
        existing = {b.name: b for b in Building.objects.select_for_update().filter(community=community)}
        for row in clean:
            hood: Neighbourhood | None = None
            if row["neighbourhood"]:
                hood = hoods.get(row["neighbourhood"])
                if hood is None:
                    hood = hoods[row["neighbourhood"]] = Neighbourhood.objects.create(
                        community=community, name=row["neighbourhood"]
                    )
                    result.neighbourhoods_created += 1
            building = existing.get(row["name"])
            if building is None:
                Building.objects.create(
                    community=community,
                    name=row["name"],
                    neighbourhood=hood,
                    lat=row["lat"],
                    lng=row["lng"],
                    floors=row["floors"],
                )
                result.created += 1
                continue
            changed = (building.neighbourhood_id, building.lat, building.lng, building.floors) != (
                hood.pk if hood else None,
                row["lat"],
                row["lng"],
                row["floors"],
            )
            if changed:
                building.neighbourhood, building.lat, building.lng = hood, row["lat"], row["lng"]
                building.floors = row["floors"]
                building.save(update_fields=["neighbourhood", "lat", "lng", "floors"])
                result.updated += 1
            else:
                result.unchanged += 1
        audit_record(
            actor=actor,
            action="building.import_excel",
            instance=community,
            community=community,
            after={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "neighbourhoods_created": result.neighbourhoods_created,
                "names": [row["name"] for row in clean],
            },
        )
    return result


# --- grids --------------------------------------------------------------------------------------------------


def _check_colour(colour: str) -> str:
    colour = colour.strip()
    if not COLOUR_RE.match(colour):
        raise DomainError(_("A colour is written like #d94f2b."), field="colour")
    return colour.lower()


def _check_steward(community: Community, steward: User | None) -> None:
    if steward is None:
        return
    if not RoleAssignment.objects.filter(user=steward, community=community, role=Role.GRID_STEWARD).exists():
        raise DomainError(
            _("%(user)s is not a grid steward of this community: grant the role first.") % {"user": steward},
            field="steward",
            code="not_a_steward",
        )


def _effective_day(on: dt.date | None) -> dt.date:
    """The day a grid change takes effect: today unless an earlier day is given (a change recorded late)."""
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise DomainError(_("A change cannot take effect after today."), field="on", code="future_date")
    return on


def _stewardship_record(grid: Grid, before_id: int | None, after: Any, on: dt.date | None = None) -> None:
    """Date a change of the grid's steward: the current stewardship ends on `on` (today by default) and the new one
    starts then (a steward recorded before dates were kept gets a row with no start). Call inside the grid's
    transaction."""
    after_id = after.pk if after is not None else None
    if before_id == after_id:
        return
    day = _effective_day(on)
    current = GridStewardship.objects.select_for_update().filter(grid=grid, ended_on__isnull=True).first()
    if current is not None:
        if current.started_on is not None and current.started_on > day:
            raise DomainError(
                _("The current steward started on %(day)s: a change cannot take effect before that.")
                % {"day": current.started_on},
                field="on",
                code="before_start",
            )
        current.ended_on = day
        current.save(update_fields=["ended_on"])
    elif before_id is not None:
        GridStewardship.objects.create(grid=grid, steward_id=before_id, started_on=None, ended_on=day)
    if after is not None:
        GridStewardship.objects.create(grid=grid, steward=after, started_on=day)


def _membership_record(buildings: list[Building], grid: Grid | None, day: dt.date) -> None:
    """Date the buildings' move to `grid` (or out of every grid): their current memberships end on `day` and new
    ones start then (a building placed before the dates were kept gets a row with no start). Call inside the
    buildings' transaction."""
    ids = [b.pk for b in buildings]
    current = {m.building_id: m for m in GridMembership.objects.select_for_update().filter(
        building_id__in=ids, ended_on__isnull=True
    )}  # fmt: skip
    late = sorted(b.name for b in buildings if (m := current.get(b.pk)) and m.started_on and m.started_on > day)
    if late:
        raise DomainError(
            _("These buildings moved grid after %(day)s, so this move cannot take effect then: %(names)s.")
            % {"day": day, "names": "、".join(late)},
            field="on",
            code="before_start",
        )
    GridMembership.objects.filter(pk__in=[m.pk for m in current.values()]).update(ended_on=day)
    recorded = set(GridMembership.objects.filter(building_id__in=ids).values_list("building_id", flat=True))
    rows = [
        GridMembership(building=b, grid_id=b.grid_id, started_on=None, ended_on=day)
        for b in buildings
        if b.grid_id is not None and b.pk not in recorded
    ]
    if grid is not None:
        rows += [GridMembership(building=b, grid=grid, started_on=day) for b in buildings]
    GridMembership.objects.bulk_create(rows)


def grid_create(
    *, actor: Actor, community: Community, code: str, name: str, colour: str = "#d94f2b", steward: User | None = None
) -> Grid:
    _check_set_up(actor, community)
    _check_code_free(code)
    grid = Grid(community=community, code=code.strip(), name=_text(name, field="name"), colour=_check_colour(colour))
    _full_clean(grid, exclude=["community", "steward"])
    _check_steward(community, steward)
    grid.steward = steward
    with transaction.atomic():
        _create_with_free_code(
            actor,
            grid,
            Grid.objects.filter(community=community, code__iexact=grid.code),
            _("This community already has a grid with the code “%(code)s”.") % {"code": grid.code},
        )
        _stewardship_record(grid, None, steward)
    return grid


def grid_update(
    *,
    actor: Actor,
    grid: Grid,
    name: str | None = None,
    colour: str | None = None,
    steward: Any = _UNSET,
    on: dt.date | None = None,
) -> Grid:
    """Rename, recolour or change the steward of a grid; a new steward takes over on `on` (today by default)."""
    community = grid.community
    _check_set_up(actor, community)
    with _audited_change(actor, grid) as grid:
        if name is not None:
            grid.name = _text(name, field="name")
        if colour is not None:
            grid.colour = _check_colour(colour)
        if steward is not _UNSET:
            _check_steward(community, steward)
            _stewardship_record(grid, grid.steward_id, steward, on)
            grid.steward = steward
    return grid


def buildings_assign_grid(
    *, actor: Actor, community: Community, grid: Grid | None, building_ids: Iterable[int], on: dt.date | None = None
) -> int:
    """Put these buildings of the community in the grid (or in none) from `on` (today by default), dated so past
    months keep their grids. Every id must be a building of this community, else nothing changes. The number of
    buildings moved."""
    _check_set_up(actor, community)
    _check_own(community, grid, "grid")
    ids = sorted(set(building_ids))
    if not ids:
        raise DomainError(_("Choose at least one building."), field="buildings", code="required")
    day = _effective_day(on)
    with transaction.atomic():
        buildings = list(Building.objects.select_for_update().filter(community=community, pk__in=ids))
        if len(buildings) != len(ids):
            unknown = sorted(set(ids) - {b.pk for b in buildings})
            raise NotFound(
                _("Not buildings of this community: %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
                field="buildings",
            )
        moving = [b for b in buildings if b.grid_id != (grid.pk if grid else None)]
        before = {str(b.pk): b.grid_id for b in moving}
        _membership_record(moving, grid, day)
        Building.objects.filter(pk__in=[b.pk for b in moving]).update(grid=grid)
        audit_record(
            actor=actor,
            action="grid.assign_buildings",
            instance=grid or community,
            community=community,
            before={"grids": before},
            after={"grid": grid.pk if grid else None, "buildings": [b.pk for b in moving], "on": day.isoformat()},
        )
    return len(moving)


def staff_revoke(*, actor: Actor, community: Community, assignment: RoleAssignment) -> None:
    """Take a role away; a grid steward who loses the role leaves the grids they led (audited as grid updates)."""
    with transaction.atomic():
        role_revoke(actor=actor, assignment=assignment)
        if assignment.role == Role.GRID_STEWARD:
            for grid in Grid.objects.select_for_update().filter(community=community, steward=assignment.user):
                before = snapshot(grid)
                _stewardship_record(grid, grid.steward_id, None)
                grid.steward = None
                save_audited(actor=actor, action="grid.update", instance=grid, before=before, update_fields=["steward"])


# --- deleting a place set up by mistake -------------------------------------------------------------------------

# Codes that would collide with the set-up pages' own addresses (…/streets/new/, …/grids/new/).
RESERVED_CODES = frozenset({"new", "edit", "delete"})


def _check_code_free(code: str) -> None:
    if code.strip().lower() in RESERVED_CODES:
        raise DomainError(
            _("“%(code)s” is a reserved word of the set-up pages: choose another code.") % {"code": code.strip()},
            field="code",
            code="reserved_code",
        )


def _still_referring(instance: models.Model) -> list[str]:
    """What still refers to this place, as "residents: 12" lines: every relation of every app, found from the
    models' own metadata (this layer knows none of the domains above it), and the audit log's rows."""
    found = []
    for rel in instance._meta.related_objects:
        model = rel.related_model
        assert isinstance(model, type) and rel.field is not None  # a real model, not a lazy reference
        count = model._base_manager.filter(**{rel.field.name: instance}).count()
        if count:
            found.append(_("%(things)s: %(n)s") % {"things": model._meta.verbose_name_plural, "n": count})
    if isinstance(instance, Community):
        logged = AuditEntry.objects.filter(community=instance).count()
        if logged:
            found.append(_("%(things)s: %(n)s") % {"things": AuditEntry._meta.verbose_name_plural, "n": logged})
    return found


def _delete(actor: Actor, instance: Any, *, action: str, label: str) -> None:
    """Lock, refuse while anything refers to it (saying what), delete, audit; all in one transaction."""
    with transaction.atomic():
        locked = type(instance).objects.select_for_update().get(pk=instance.pk)
        place_clearers_run(locked)
        referring = _still_referring(locked)
        if referring:
            raise Conflict(
                _("“%(name)s” cannot be deleted while other records refer to it (%(what)s). Move or remove them first.")
                % {"name": label, "what": pgettext("list separator", ", ").join(referring)},
                code="still_referred_to",
                details={"referring": referring},
            )
        before = snapshot(locked)
        community = getattr(locked, "community", None)
        pk = locked.pk
        locked.delete()
        audit_record(
            actor=actor,
            action=action,
            object_type=locked._meta.label_lower,
            object_id=str(pk),
            community=community,
            before=before,
        )


def street_delete(*, actor: Actor, street: Street) -> None:
    if not rules.can_manage_streets(actor):
        raise NotAllowed(_("Only city admins set up streets."))
    _delete(actor, street, action="street.delete", label=street.name)


def community_delete(*, actor: Actor, community: Community) -> None:
    if not rules.can_edit_community(actor, community):
        raise NotAllowed(_("You may not change this community."))
    _delete(actor, community, action="community.delete", label=community.name)


def building_delete(*, actor: Actor, building: Building) -> None:
    _check_set_up(actor, building.community)
    _delete(actor, building, action="building.delete", label=building.name)


def grid_delete(*, actor: Actor, grid: Grid) -> None:
    _check_set_up(actor, grid.community)
    _delete(actor, grid, action="grid.delete", label=grid.name)

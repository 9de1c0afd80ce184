import datetime as dt
from typing import Any

from ninja import Field, Schema

from linli.core.api import RowId


class StreetOut(Schema):
    code: str
    name: str


class CommunityPublicOut(Schema):
    code: str
    name: str
    street: StreetOut
    centre_lat: float
    centre_lng: float
    tier: str


class CommunityOut(CommunityPublicOut):
    area_ha: float | None
    boundary: dict | None
    neighbourhoods: int
    buildings: int
    households: int
    residents: int


class GridOut(Schema):
    id: int
    code: str
    name: str
    colour: str
    steward: str | None
    buildings: int


class StewardshipOut(Schema):
    steward_id: int
    steward: str
    started_on: dt.date | None
    ended_on: dt.date | None


class BuildingOut(Schema):
    id: int
    name: str
    neighbourhood: str | None
    grid: str | None
    lat: float
    lng: float
    residential: bool
    floors: int | None


# --- set-up ---------------------------------------------------------------------------------------------


class StreetSetupIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=60)
    district: str = Field("", max_length=60)
    city: str = Field("", max_length=60)


class StreetSetupPatch(Schema):
    name: str | None = Field(None, max_length=60)
    district: str | None = Field(None, max_length=60)
    city: str | None = Field(None, max_length=60)


class StreetSetupOut(Schema):
    code: str
    name: str
    district: str
    city: str
    communities: int


class CommunitySetupIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=60)
    tier: str = Field("", max_length=10, description="leading (引领型), basic (普惠型) or empty")
    boundary: dict[str, Any] = Field(..., description="GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection")


class CommunitySetupPatch(Schema):
    name: str | None = Field(None, max_length=60)
    tier: str | None = Field(None, max_length=10)
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon, MultiPolygon or Feature")


class NeighbourhoodIn(Schema):
    name: str = Field(..., max_length=60)


class NeighbourhoodOut(Schema):
    id: int
    name: str
    buildings: int


class BuildingIn(Schema):
    name: str = Field(..., max_length=60)
    lat: float = Field(..., ge=-90, le=90)
    lng: float = Field(..., ge=-180, le=180)
    floors: int | None = Field(None, ge=1, le=200)
    neighbourhood_id: RowId | None = None
    residential: bool = True


class BuildingPatch(Schema):
    name: str | None = Field(None, max_length=60)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    floors: int | None = Field(None, ge=1, le=200)
    neighbourhood_id: RowId | None = None
    residential: bool | None = None


class BuildingImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    neighbourhoods_created: int


class GridIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=60)
    colour: str = Field("#d94f2b", max_length=7)
    steward_id: RowId | None = None


class GridPatch(Schema):
    name: str | None = Field(None, max_length=60)
    colour: str | None = Field(None, max_length=7)
    steward_id: RowId | None = None
    on: dt.date | None = Field(None, description="The day a new steward takes over (default today; not later)")


class GridBuildingsIn(Schema):
    building_ids: list[RowId] = Field(..., max_length=5000)
    on: dt.date | None = Field(None, description="The day the buildings join the grid (default today; not later)")


class GridBuildingsOut(Schema):
    moved: int


class StaffIn(Schema):
    mobile: str = Field(..., max_length=11)
    display_name: str = Field("", max_length=40)
    role: str = Field(..., max_length=20)


class StaffOut(Schema):
    id: int
    user_id: int
    name: str
    mobile: str
    role: str

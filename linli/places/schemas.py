from ninja import Schema


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


class BuildingOut(Schema):
    id: int
    name: str
    neighbourhood: str | None
    grid: str | None
    lat: float
    lng: float
    residential: bool
    floors: int | None

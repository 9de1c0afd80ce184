"""The cockpit's maps: the community's (or street's) own geometry with the latest health check drawn over it.

The layers come from the planning run as the planning page draws them (coverage shading, gaps, facilities,
recommended sites); without a run, the buildings and the facility register alone. They are drawn as inline SVG
(no tile service needed, and the same in the PDF), or over map tiles in the browser when `MAP_TILE_URL` is set.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from linli.facilities.models import Facility
from linli.places.models import Building, Community, Street
from linli.places.svgmap import BUILDING_FILL, OUTLINE_COLOUR, MapPoint, SvgMap, building_polygons, swatch
from linli.planning import reports as planning_reports
from linli.planning.models import PlanRun


@dataclass(frozen=True)
class LegendItem:
    shape: str  # square | star | circle | fill | outline (as `swatch` draws them)
    colour: str
    label: str

    @property
    def swatch(self) -> str:
        return swatch(self.shape, self.colour)


@dataclass(frozen=True)
class Drawn:
    """What a page needs of a map: the SVG (own geometry) or the GeoJSON (over tiles), the legend, the run."""

    title: str
    svg: str
    geojson: dict[str, Any] | None
    legend: tuple[LegendItem, ...]
    run_id: int | None
    run_finished_at: dt.datetime | None
    category: str = ""  # the facility category whose coverage is shown ("": every category)


class CockpitMap:
    """A drawn map with the tile settings in force."""

    def __init__(self, drawn: Drawn) -> None:
        self.drawn = drawn
        self.tile_url: str = (getattr(settings, "MAP_TILE_URL", "") or "") if drawn.geojson is not None else ""
        self.tile_attribution: str = getattr(settings, "MAP_TILE_ATTRIBUTION", "") or _("© OpenStreetMap contributors")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.drawn, name)


def _done() -> Any:
    return PlanRun.objects.filter(status=PlanRun.Status.DONE).order_by("-finished_at", "-pk")


RunKey = tuple[int, dt.datetime]


def community_run(community: Community) -> RunKey | None:
    """The community's latest finished health check (id, finished at): its own, else the latest of its street."""
    keys = _done().values_list("pk", "finished_at")
    return keys.filter(community=community).first() or keys.filter(street_id=community.street_id).first()


def street_run(street: Street) -> RunKey | None:
    return _done().filter(street=street).values_list("pk", "finished_at").first()


def _fingerprint(communities: Any) -> str:
    """Changes when a building or a facility of these communities is added, removed or (facilities) edited."""
    b = Building.objects.filter(community__in=communities).aggregate(n=Count("pk"), m=Max("pk"))
    f = Facility.objects.filter(community__in=communities).aggregate(n=Count("pk"), u=Max("updated_at"))
    return f"{b['n']}.{b['m']}.{f['n']}.{f['u'].timestamp() if f['u'] else 0}"


def _cached(key: str, draw: Callable[[bool], Drawn], tiles: bool | None) -> CockpitMap:
    """Maps change with a new health check or new buildings and facilities, not with each view of the big screen:
    they are drawn once per language and kept (an hour at most)."""
    tiles = bool(getattr(settings, "MAP_TILE_URL", "")) if tiles is None else tiles
    full = f"cockpit:map:v2:{key}:{get_language()}:{'tiles' if tiles else 'svg'}"
    drawn = cache.get(full)
    if drawn is None:
        drawn = draw(tiles)
        cache.set(full, drawn, CACHE_SECONDS)
    return CockpitMap(drawn)


CACHE_SECONDS = 3600


def _credit() -> str:
    return _("Buildings and streets © OpenStreetMap contributors")


def _drawn(layers: SvgMap, legend: list[LegendItem], run: PlanRun | None, tiles: bool, category: str = "") -> Drawn:
    return Drawn(
        category=category,
        title=layers.title,
        svg="" if tiles else layers.render(),
        geojson=layers.to_geojson() if tiles else None,
        legend=tuple(legend),
        run_id=run.pk if run else None,
        run_finished_at=run.finished_at if run else None,
    )


def _run_map(run_id: int, community: Community | None, title: str, tiles: bool) -> Drawn:
    """The run's layers; where the run looked for new sites, the coverage of that category (with every category
    at once nearly every building misses something somewhere)."""
    run = PlanRun.objects.select_related("street").get(pk=run_id)
    focus = run.siting_category if run.siting_k else ""
    layers, colours = planning_reports.run_layers(run, community, focus, shade_covered=True)
    layers.title, layers.width, layers.credit = title, 900, _credit()
    names = planning_reports.category_names(run)
    legend = [LegendItem("square", colour, names.get(code, code)) for code, colour in colours.items()]
    legend += [
        LegendItem("fill", planning_reports.COVERED_FILL, _("Every resident within walking reach")),
        LegendItem("fill", planning_reports.GAP_FILL, _("Residents out of reach (a gap)")),
        LegendItem("fill", BUILDING_FILL, _("Other buildings")),
    ]
    if any(p.css_class == "recommended" for p in layers.points):
        legend.append(LegendItem("star", planning_reports.RECOMMENDED_COLOUR, _("Recommended new site")))
    legend.append(LegendItem("outline", OUTLINE_COLOUR, _("Community boundary")))
    return _drawn(layers, legend, run, tiles, names.get(focus, focus))


def _register_map(communities: list[Community], title: str, tiles: bool) -> Drawn:
    """Without a health check: buildings from OSM and the facilities of the register, by category."""
    english = (get_language() or "").startswith("en")
    layers = SvgMap(width=900, title=title, credit=_credit())
    layers.outline = [c.boundary["coordinates"][0] for c in communities if c.boundary]
    layers.outline_names = [c.name for c in communities if c.boundary]
    layers.polygons = building_polygons(
        Building.objects.filter(community__in=communities).only("pk", "name", "footprint")
    )
    facilities = list(Facility.objects.filter(community__in=communities, active=True).select_related("category"))
    codes = sorted({f.category.code for f in facilities})
    palette = planning_reports.CATEGORY_COLOURS
    colours = {c: palette[i % len(palette)] for i, c in enumerate(codes)}
    names: dict[str, str] = {}
    for f in facilities:
        name = f.category.name_en if english else f.category.name_zh
        names[f.category.code] = name
        layers.points.append(
            MapPoint(f.lng, f.lat, label=f"{f.name} · {name}", colour=colours[f.category.code], shape="square")
        )
    legend = [LegendItem("square", colours[c], names[c]) for c in codes]
    legend += [
        LegendItem("fill", BUILDING_FILL, _("Buildings")),
        LegendItem("outline", OUTLINE_COLOUR, _("Community boundary")),
    ]
    return _drawn(layers, legend, None, tiles)


def community_map(community: Community, *, tiles: bool | None = None) -> CockpitMap:
    """The community's map; `tiles` (default: whether MAP_TILE_URL is set) draws it for the tiles, else as SVG."""
    run = community_run(community)
    scope = [community]
    if run is not None:
        key = f"run:{run[0]}:{run[1].timestamp()}:community:{community.pk}:{_fingerprint(scope)}"
        return _cached(key, lambda tiles: _run_map(run[0], community, community.name, tiles), tiles)
    key = f"register:community:{community.pk}:{_fingerprint(scope)}"
    return _cached(key, lambda tiles: _register_map(scope, community.name, tiles), tiles)


def street_map(street: Street, *, tiles: bool | None = None, communities: list[Community] | None = None) -> CockpitMap:
    """The street's map; `communities`: the street's, when the caller has read them already."""
    run = street_run(street)
    scope = list(street.communities.all()) if communities is None else communities
    if run is not None:
        key = f"run:{run[0]}:{run[1].timestamp()}:street:{street.pk}:{_fingerprint(scope)}"
        return _cached(key, lambda tiles: _run_map(run[0], None, street.name, tiles), tiles)
    key = f"register:street:{street.pk}:{_fingerprint(scope)}"
    return _cached(key, lambda tiles: _register_map(scope, street.name, tiles), tiles)

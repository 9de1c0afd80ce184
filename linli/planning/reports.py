"""Reading a run's result for people: coverage rows with names, the map, and the Excel workbook."""

import io
import math
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.exports import append_row
from linli.places.models import Building, Community
from linli.places.svgmap import MapPoint, SvgMap, building_polygons

from . import adapter
from .core import Composite, PlanningError, Rules
from .messages import translate
from .models import CityRun, PlanRun

CATEGORY_COLOURS = ["#c8402a", "#2e86de", "#2e933c", "#e2b007", "#7b2cbf", "#1b998b", "#f46036", "#e75a9b"]


def run_rules(run: PlanRun | CityRun) -> Rules:
    """The run's own rules (a community's or a city's run), parsed once per run object (a page reads them for
    every table)."""
    cached = getattr(run, "_parsed_rules", None)
    if cached is None:
        cached = adapter.parse_rules_text(run.rules_text)
        run._parsed_rules = cached  # type: ignore[union-attr]
    return cached


def category_names(run: PlanRun) -> dict[str, str]:
    """Names of the run's categories and composite facilities in the reader's language."""
    rules = run_rules(run)
    english = (get_language() or "").startswith("en")
    names = {c.code: (c.name_en if english else c.name_zh) for c in rules.categories}
    names.update({c.code: composite_name(c) for c in rules.composites})
    return names


def composite_name(composite: Composite) -> str:
    """A composite facility's name in the reader's language (the rules give both)."""
    return composite.name_en if (get_language() or "").startswith("en") else composite.name_zh


def run_warnings(run: PlanRun) -> list[str]:
    """The run's warnings in the reader's language, naming categories (the engine lists their codes)."""
    details = run.result.get("warning_details") if isinstance(run.result, dict) else None
    if not details:
        return run.warning_messages
    names = category_names(run)
    comma = ", " if (get_language() or "").startswith("en") else "、"
    readable = []
    for detail in details:
        params = (detail.get("params") or {}) if isinstance(detail, dict) else {}
        if isinstance(params.get("codes"), str):
            codes = [c.strip() for c in params["codes"].split(",")]
            detail = {**detail, "params": {**params, "codes": comma.join(names.get(c, c) for c in codes)}}
        readable.append(translate(detail))
    return readable


def age_group_names(run: PlanRun) -> dict[str, str]:
    rules = run_rules(run)
    english = (get_language() or "").startswith("en")
    return {g.code: (g.name_en if english else g.name_zh) for g in rules.age_groups}


def profile_name(profile: Any) -> str:
    english = (get_language() or "").startswith("en")
    return str(profile.name_en if english else profile.name_zh)


def walking_summary(run: PlanRun) -> dict[str, Any]:
    """How the run walked: its profile's name and the metres of network that profile cannot use."""
    if not run.profile:
        return {"profile": _("Everyone"), "refused_m": 0}
    try:
        name = profile_name(run_rules(run).profile(run.profile))
    except PlanningError:
        name = run.profile
    return {"profile": name, "refused_m": ((run.result or {}).get("network") or {}).get("refused_m", 0)}


def index_rows(run: PlanRun) -> list[dict[str, Any]]:
    """The supply index of each community of the run, named (the engine knows communities by their codes), with its
    coverage per class of the rules (%; None where no item of the class serves anyone there)."""
    rows = (run.result or {}).get("index", [])
    names = dict(Community.objects.filter(code__in=[r["community"] for r in rows]).values_list("code", "name"))
    english = (get_language() or "").startswith("en")
    classes = (  # a run of rules without classes (or from before them) has none
        [(k.code, k.name_en if english else k.name_zh) for k in run_rules(run).classes]
        if any(r.get("classes") for r in rows)
        else []
    )
    out = []
    for r in rows:
        shares = r.get("classes") or {}
        out.append(
            {
                **r,
                "name": names.get(r["community"], r["community"]),
                "class_rows": [
                    (name, None if shares.get(code) is None else round(100 * shares[code])) for code, name in classes
                ],
            }
        )
    return out


def coverage_rows(run: PlanRun) -> list[dict[str, Any]]:
    names, groups = category_names(run), age_group_names(run)
    rows = []
    for c in (run.result or {}).get("coverage", []):
        rows.append(
            {
                **c,
                "name": names.get(c["category"], c["category"]),
                "age_group_name": groups.get(c["age_group"], c["age_group"]),
                "share_pct": None if c["covered_share"] is None else round(100 * c["covered_share"], 1),
            }
        )
    return rows


def gap_rows(run: PlanRun, limit: int = 200) -> list[dict[str, Any]]:
    names, groups = category_names(run), age_group_names(run)
    building_names = {f["properties"]["id"]: f["properties"]["name"] for f in run.inputs["buildings"]["features"]}
    gaps = sorted((run.result or {}).get("gaps", []), key=lambda g: -g["residents"])
    return [
        {
            **g,
            "name": names.get(g["category"], g["category"]),
            "age_group_name": groups.get(g["age_group"], ""),
            "building_name": building_names.get(g["building"], g["building"]),
        }
        for g in gaps[:limit]
    ]


def _composite_label(row: dict[str, Any]) -> str:
    """A siting row's name; a composite's followed by its member categories."""
    if not row.get("member_rows"):
        return str(row["name"])
    comma = ", " if (get_language() or "").startswith("en") else "、"
    return f"{row['name']}: {comma.join(m['name'] for m in row['member_rows'])}"


def siting_rows(run: PlanRun) -> list[dict[str, Any]]:
    sites = {f["properties"]["id"]: f for f in run.inputs["candidates"]["features"]}
    names = category_names(run)
    rows = []
    for s in (run.result or {}).get("siting", []):
        chosen = [
            {
                "id": i,
                "name": sites[i]["properties"]["name"],
                "lng": sites[i]["geometry"]["coordinates"][0],
                "lat": sites[i]["geometry"]["coordinates"][1],
            }
            for i in s["selected"]
            if i in sites
        ]
        members = [
            {**m, "name": names.get(m["category"], m["category"])} for m in s.get("members", []) if s.get("composite")
        ]
        rows.append({**s, "name": names.get(s["category"], s["category"]), "chosen": chosen, "member_rows": members})
    return rows


GAP_FILL = "#f28b82"  # buildings with residents outside the radius
COVERED_FILL = "#9ad0a4"  # buildings whose residents are all within reach (when shaded)
RECOMMENDED_COLOUR = "#ffd400"


def _within_reach(run: PlanRun, communities: list[Community]) -> Callable[[dict[str, Any]], bool]:
    """Whether a facility of the run belongs on the map of `communities`: one of theirs, or another community's
    close enough to their boundaries for their residents to walk to (its category's radius). The analysis takes in
    the whole street's facilities; one farther away would only stretch the map away from the community."""
    codes = {c.code for c in communities}
    points = [p for c in communities if c.boundary for p in c.boundary["coordinates"][0]]
    if not points:
        return lambda f: True
    radius = {c.code: c.radius_m for c in run_rules(run).categories}
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    metres_per_lat = 111_320.0
    metres_per_lng = metres_per_lat * math.cos(math.radians((south + north) / 2))

    def near(feature: dict[str, Any]) -> bool:
        props = feature["properties"]
        if props.get("community") in codes:
            return True
        lng, lat = feature["geometry"]["coordinates"]
        dx = max(west - lng, 0.0, lng - east) * metres_per_lng
        dy = max(south - lat, 0.0, lat - north) * metres_per_lat
        return math.hypot(dx, dy) <= radius.get(props["category"], 0.0)

    return near


def run_layers(
    run: PlanRun, community: Community | None, category: str = "", *, shade_covered: bool = False
) -> tuple[SvgMap, dict[str, str]]:
    """The run's map as layers (to draw as SVG or over map tiles), and the colour of each facility category drawn.

    Buildings that are gaps of `category` (of any category when empty) in red, facilities of the register as
    squares, recommended sites as stars; with `shade_covered`, the other analysed buildings with residents in green.
    """
    communities = [community] if community else list(run.street.communities.all())  # type: ignore[union-attr]
    gaps = {g["building"] for g in (run.result or {}).get("gaps", []) if not category or g["category"] == category}
    gap_ids = {int(b[1:]) for b in gaps if b.startswith("b")}
    shading = {pk: GAP_FILL for pk in gap_ids}
    if shade_covered:
        for f in run.inputs["buildings"]["features"]:
            props = f["properties"]
            lived_in = any(isinstance(v, int | float) and v > 0 for v in props.values())
            if lived_in and props["id"] not in gaps and props["id"].startswith("b"):
                shading[int(props["id"][1:])] = COVERED_FILL
    buildings = Building.objects.filter(community__in=communities).only("pk", "name", "footprint")
    svg = SvgMap(title=_("Life-circle health check"), credit=_("Buildings and streets © OpenStreetMap contributors"))
    svg.outline = [c.boundary["coordinates"][0] for c in communities if c.boundary]
    svg.outline_names = [c.name for c in communities if c.boundary]
    svg.polygons = building_polygons(buildings, highlight=shading)
    cats = sorted({f["properties"]["category"] for f in run.inputs["facilities"]["features"]})
    colours = {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(cats)}
    names = category_names(run)
    near = _within_reach(run, communities)
    drawn: dict[str, str] = {}
    for f in run.inputs["facilities"]["features"]:
        cat = f["properties"]["category"]
        if (category and cat != category) or not near(f):
            continue
        drawn[cat] = colours[cat]
        lng, lat = f["geometry"]["coordinates"]
        svg.points.append(
            MapPoint(
                lng,
                lat,
                label=f"{f['properties']['name']} · {names.get(cat, cat)}",
                colour=colours[cat],
                shape="square",
                css_class="facility",
            )
        )
    for s in siting_rows(run):
        for site in s["chosen"]:
            svg.points.append(
                MapPoint(
                    site["lng"],
                    site["lat"],
                    label=_("Recommended: %(n)s") % {"n": site["name"]},
                    colour=RECOMMENDED_COLOUR,
                    radius=10,
                    shape="star",
                    css_class="recommended",
                )
            )
    return svg, dict(sorted(drawn.items()))


def run_map(run: PlanRun, community: Community | None, category: str = "") -> str:
    """Buildings (gaps of `category` in red), facilities of the register, recommended sites as stars."""
    return run_layers(run, community, category)[0].render()


# How the engine chose the recommended sites (`MclpSolution.method`), in words.
SITING_METHODS = {
    "trivial": gettext_lazy("Every candidate chosen (no search needed)"),
    "milp": gettext_lazy("Exact search"),
    "greedy": gettext_lazy("Best site first"),
    "greedy+milp-timeout": gettext_lazy("Best site first (the exact search ran out of time)"),
}


def sheet_added(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], *, char_width: int = 1) -> Any:
    """A new sheet of the workbook: the header in bold, then the rows; each column as wide as its longest text
    (`char_width` a character: 2 for Chinese), from 10 to 40."""
    ws = wb.create_sheet(title)
    append_row(ws, header)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for row in rows:
        append_row(ws, row)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = max(
            10, min(40, max(len(str(c.value or "")) for c in column) * char_width + 2)
        )
    return ws


def workbook(run: PlanRun) -> bytes:
    """The run as an Excel workbook: coverage, index, gaps, recommended sites, inputs."""
    wb = Workbook()
    sheet = partial(sheet_added, wb)
    wb.remove(wb.active)
    community_names = {r["community"]: r["name"] for r in index_rows(run)}
    sheet(
        _("Coverage"),
        [
            _("Category"),
            _("Radius (m)"),
            _("Serves"),
            _("Facilities"),
            _("Communities with one inside"),
            _("Communities within radius"),
            _("Residents served"),
            _("Residents covered"),
            _("Covered share (%)"),
        ],
        [
            [
                r["name"],
                r["radius_m"],
                r["age_group_name"],
                r["facilities"],
                r["communities_with_facility_inside"],
                r["communities_within_radius"],
                r["served_residents"],
                r["covered_residents"],
                r["share_pct"],
            ]
            for r in coverage_rows(run)
        ],
    )
    sheet(
        _("Supply index"),
        [_("Community"), _("Index (0–100)"), _("Required but uncovered")],
        [
            [i["name"], i["index"], "、".join(category_names(run).get(c, c) for c in i["required_uncovered"])]
            for i in index_rows(run)
        ],
    )
    sheet(
        _("Gaps"),
        [
            _("Building"),
            _("Community"),
            _("Category"),
            _("Age group"),
            pgettext("resident count", "Residents"),
            _("Walking distance (m)"),
            _("Radius (m)"),
        ],
        [
            [
                g["building_name"],
                community_names.get(g["community"], g["community"]),
                g["name"],
                g["age_group_name"],
                g["residents"],
                g["distance_m"],
                g["radius_m"],
            ]
            for g in gap_rows(run, limit=100_000)
        ],
    )
    sheet(
        _("Recommended sites"),
        [_("Category"), _("Site"), _("Newly covered residents"), _("Method"), _("Optimal")],
        [
            [
                _composite_label(s),
                site["name"],
                s["newly_covered"],
                str(SITING_METHODS.get(s["method"], s["method"])),
                _("yes") if s["optimal"] else _("no"),
            ]
            for s in siting_rows(run)
            for site in s["chosen"]
        ],
    )
    sheet(
        _("About"),
        [_("Item"), _("Value")],
        [
            [_("Run"), run.pk],
            [_("Scope"), run.scope_name],
            [
                _("Computed at"),
                timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else "",
            ],
            [_("Engine"), (run.result or {}).get("engine_version", "")],
            [_("Map data"), _("© OpenStreetMap contributors (ODbL)")],
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

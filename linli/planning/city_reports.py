"""Reading a city run for people: the city table (a row per community), the city's summary per class and item,
the map of supply indices, and the Excel workbook (Chinese headers: it goes to the city's planning offices)."""

import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, override, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from linli.core.templatetags.linli_numbers import grouped
from linli.places.svgmap import MapPoint, MapPolygon, SvgMap, swatch

from .core import CitySummary, Rules, city_summary
from .models import CityRun, CityRunCommunity, HubPlacement, HubStatus
from .reports import run_rules, sheet_added

UNDER_FILL = "#f28b82"  # under-supplied
FAIR_FILL = "#f6d78b"  # at the threshold, below 85
GOOD_FILL = "#9ad0a4"  # 85 and above
NONE_FILL = "#d0d7de"  # no index (not computed, or nobody the categories serve)
GOOD_FROM = 85.0
HUB_FILL = "#1f3a93"  # a new hub: a dark square, numbered, unlike any supply-index colour


def _english() -> bool:
    return (get_language() or "").startswith("en")


def class_names(rules: Rules) -> list[tuple[str, str]]:
    return [(k.code, k.name_en if _english() else k.name_zh) for k in rules.classes]


def item_names(rules: Rules) -> dict[str, str]:
    return {c.code: (c.name_en if _english() else c.name_zh) for c in rules.categories}


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def index_fill(index: float | None, threshold: float) -> str:
    if index is None:
        return NONE_FILL
    if index < threshold:
        return UNDER_FILL
    return GOOD_FILL if index >= GOOD_FROM else FAIR_FILL


@dataclass
class CityRow:
    entry: CityRunCommunity
    classes: list[float | None] = field(default_factory=list)  # per class of the rules, in %

    @property
    def community(self) -> Any:
        return self.entry.community

    @property
    def row(self) -> dict[str, Any]:
        return self.entry.row or {}

    @property
    def index(self) -> float | None:
        return self.row.get("index")

    @property
    def under_supplied(self) -> bool | None:
        return self.row.get("under_supplied")


def city_rows(run: CityRun, entries: QuerySet[CityRunCommunity]) -> list[CityRow]:
    rules = run_rules(run)
    rows = []
    for entry in entries:
        shares = (entry.row or {}).get("classes") or {}
        rows.append(CityRow(entry, [_pct(shares.get(code)) for code, _name in class_names(rules)]))
    return rows


@dataclass(frozen=True)
class SummaryView:
    summary: CitySummary
    classes: list[dict[str, Any]]
    done: int
    failed: int
    waiting: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 0


def summary_view(run: CityRun, entries: QuerySet[CityRunCommunity]) -> SummaryView:
    """The city's figures over the communities done, per class and item, with names."""
    rules = run_rules(run)
    statuses = [e.status for e in entries]
    done_rows = [e.row for e in entries if e.status == CityRunCommunity.Status.DONE and e.row]
    summary = city_summary(rules, done_rows)
    names, items = dict(class_names(rules)), item_names(rules)
    classes = []
    for k in summary.classes:
        classes.append(
            {
                "code": k.code,
                "name": names.get(k.code, k.code),
                "mean_pct": _pct(k.mean_share),
                "items": [
                    {
                        "code": i.category,
                        "name": items.get(i.category, i.category),
                        "communities": i.communities,
                        "within": i.communities_within_radius,
                        "community_pct": _pct(i.community_share),
                        "resident_pct": _pct(i.resident_share),
                    }
                    for i in k.items
                ],
            }
        )
    return SummaryView(
        summary=summary,
        classes=classes,
        done=statuses.count(CityRunCommunity.Status.DONE),
        failed=statuses.count(CityRunCommunity.Status.FAILED),
        waiting=sum(1 for s in statuses if s in (CityRunCommunity.Status.PENDING, CityRunCommunity.Status.RUNNING)),
        total=len(statuses),
    )


@dataclass(frozen=True)
class HubSite:
    name: str
    community: Any  # the Community the site is in
    lng: float
    lat: float
    classes: list[float]  # residents newly within reach, per class of `HubView.classes`
    items: dict[str, float]  # the same per item (category)

    @property
    def total(self) -> float:
        return sum(self.classes)


@dataclass(frozen=True)
class HubView:
    """One placement of new hubs on a city run: the sites chosen, each with the community it is in and what it adds
    per class."""

    run: CityRun
    placement: HubPlacement
    name: str  # the composite's name
    classes: list[dict[str, Any]]  # code, name, items (names of the composite's items in the class)
    sites: list[HubSite]
    hidden: int  # chosen sites in communities the reader may not read
    before: list[float]  # residents-in-need per class before the new hubs
    totals: list[float]  # newly within reach per class, over the sites shown
    result: dict[str, Any]

    @property
    def total(self) -> float:
        return sum(self.totals)


def hub_view(run: CityRun, entries: QuerySet[CityRunCommunity], placement: HubPlacement | None) -> HubView | None:
    """A placement of new hubs on the run (by default its latest) for a reader who may read ``entries``; None when
    none was asked."""
    if placement is None:
        return None
    rules = run_rules(run)
    composite = rules.composite(placement.category)
    name = (composite.name_en if _english() else composite.name_zh) if composite else placement.category
    members = list(composite.categories) if composite else []
    of_class = {c.code: c.facility_class for c in rules.categories}
    items = item_names(rules)
    classes = [
        {"code": k.code, "name": n, "items": [items[m] for m in members if of_class.get(m) == k.code]}
        for k, (_c, n) in zip(rules.classes, class_names(rules), strict=True)
        if any(of_class.get(m) == k.code for m in members)
    ]
    result = placement.result or {}
    siting = result.get("siting") or {}
    readable = {e.community.code: e.community for e in entries}

    def per_class(by_item: dict[str, float]) -> list[float]:
        return [sum(v for m, v in by_item.items() if of_class.get(m) == k["code"]) for k in classes]

    sites, hidden = [], 0
    for chosen in siting.get("per_site", []):
        where = (result.get("sites") or {}).get(chosen["site"], {})
        community = readable.get(where.get("community", ""))
        if community is None:
            hidden += 1
            continue
        sites.append(
            HubSite(where["name"], community, where["lng"], where["lat"], per_class(chosen["newly_covered"]),
                    chosen["newly_covered"])
        )  # fmt: skip
    before = per_class({m["category"]: m["uncovered_before"] for m in siting.get("members", [])})
    totals = [sum(site.classes[i] for site in sites) for i in range(len(classes))]
    return HubView(run, placement, name, classes, sites, hidden, before, totals, result)


def hub_label(number: int, site: HubSite) -> str:
    """What a hub's marker says to a screen reader and in its tooltip: its number in the table, where, and whom it
    brings within reach."""
    return _("New hub %(n)s: %(community)s, %(street)s; %(people)s residents newly within reach") % {
        "n": number,
        "community": site.community.name,
        "street": site.community.street.name,
        "people": grouped(round(site.total)),
    }


def city_map(run: CityRun, rows: list[CityRow], hubs: HubView | None = None) -> str:
    """Each community coloured by its supply index (red: under-supplied): its boundary, or a dot at its centre;
    with ``hubs``, each placed hub as a dark numbered square (numbered as in the table of sites)."""
    threshold = run_rules(run).under_supplied_below
    svg = SvgMap(title=_("Supply index by community"), credit=_("Buildings and streets © OpenStreetMap contributors"))
    for row in rows:
        community = row.community
        index = row.index
        fill = index_fill(index, threshold)
        label = f"{community.name}: {'—' if index is None else f'{index:.1f}'}"
        boundary = community.boundary or {}
        if boundary.get("type") == "Polygon" and boundary.get("coordinates"):
            svg.polygons.append(
                MapPolygon(boundary["coordinates"][0], fill=fill, stroke="#57606a", opacity=0.85, label=label,
                           css_class="community")
            )  # fmt: skip
        else:
            centre = _centre(community)
            if centre is not None:
                svg.points.append(MapPoint(centre[0], centre[1], label=label, colour=fill, radius=10,
                                           css_class="community"))  # fmt: skip
    if not svg.polygons and not svg.points:
        return ""
    for number, site in enumerate(hubs.sites if hubs is not None else [], start=1):
        svg.points.append(
            MapPoint(site.lng, site.lat, label=hub_label(number, site), colour=HUB_FILL, radius=11, shape="square",
                     css_class="hub", text=str(number))
        )  # fmt: skip
    return svg.render()


def hub_legend() -> str:
    """The legend's key for a hub: the square the map draws."""
    return swatch("square", HUB_FILL)


def _centre(community: Any) -> tuple[float, float] | None:
    from django.db.models import Avg

    from linli.places.models import Building

    found = Building.objects.filter(community=community).aggregate(lng=Avg("lng"), lat=Avg("lat"))
    if found["lng"] is None:
        return None
    return float(found["lng"]), float(found["lat"])


def workbook(run: CityRun, entries: QuerySet[CityRunCommunity]) -> bytes:
    """The city table and the city's summary per class and item as an Excel workbook, headed in Chinese."""
    with override("zh-hans"):
        return _workbook(run, entries)


def _workbook(run: CityRun, entries: QuerySet[CityRunCommunity]) -> bytes:
    rules = run_rules(run)
    classes = class_names(rules)
    items = item_names(rules)
    rows = city_rows(run, entries)
    view = summary_view(run, entries)
    wb = Workbook()
    red = PatternFill("solid", fgColor=UNDER_FILL.lstrip("#"))

    def sheet(title: str, header: list[str], body: list[list[Any]]) -> Any:
        ws = sheet_added(wb, title, header, body, char_width=2)
        ws.freeze_panes = "C2"
        return ws

    wb.remove(wb.active)
    item_codes = [c.code for c in rules.categories]
    header = [
        _("Street"),
        _("Community"),
        _("Supply index (0–100)"),
        _("Under-supplied"),
        *(_("%(name)s coverage (%%)") % {"name": name} for _code, name in classes),
        *(_("%(name)s (%%)") % {"name": items[code]} for code in item_codes),
        _("Buildings with a gap"),
        _("Status"),
    ]
    body = []
    for row in rows:
        shares = row.row.get("shares") or {}
        body.append(
            [
                row.community.street.name,
                row.community.name,
                None if row.index is None else round(row.index, 1),
                "" if row.under_supplied is None else (_("yes") if row.under_supplied else _("no")),
                *row.classes,
                *(_pct(shares.get(code)) for code in item_codes),
                row.row.get("gaps"),
                row.entry.get_status_display() if not row.entry.error else row.entry.error_message,
            ]
        )
    ws = sheet(_("City table"), header, body)
    for r, row in enumerate(rows, start=2):
        if row.under_supplied:
            ws.cell(row=r, column=3).fill = red
            ws.cell(row=r, column=4).fill = red
    sheet(
        _("By class and item"),
        [_("Class"), _("Item"), _("Communities within radius"), _("Communities"), _("Community coverage (%)"),
         _("Residents covered (%)")],
        [
            [k["name"], i["name"], i["within"], i["communities"], i["community_pct"], i["resident_pct"]]
            for k in view.classes
            for i in k["items"]
        ],
    )  # fmt: skip
    placements = list(run.hub_placements.select_related("requested_by"))
    hubs = hub_view(run, entries, placements[0] if placements else None)
    if hubs is not None and hubs.placement.status == HubStatus.DONE:
        sheet(
            _("New hubs"),
            [_("Street"), _("Community"), _("Site"), _("Longitude"), _("Latitude"),
             *(_("%(name)s: residents newly within reach") % {"name": k["name"]} for k in hubs.classes),
             _("Residents newly within reach, all classes")],
            [
                [site.community.street.name, site.community.name, site.name, site.lng, site.lat,
                 *(round(v) for v in site.classes), round(site.total)]
                for site in hubs.sites
            ]
            + [["", _("Total"), "", None, None, *(round(v) for v in hubs.totals), round(hubs.total)]],
        )  # fmt: skip
    if placements:
        sheet(
            _("Hub placements"),
            [_("Placement"), pgettext("hub placement", "Requested at"), pgettext("hub placement", "Requested by"),
             _("Composite facility"), _("New hubs asked"), _("Sites chosen"),
             _("Residents newly within reach, all classes"), _("Status")],
            [_placement_row(number, placement, hub_view(run, entries, placement))
             for number, placement in zip(range(len(placements), 0, -1), placements, strict=True)],
        )  # fmt: skip
    summary = view.summary
    sheet(
        _("About"),
        [_("Item"), _("Value")],
        [
            [_("City"), run.city],
            [_("Run"), run.pk],
            [_("Communities"), view.total],
            [_("Computed"), view.done],
            [_("Failed"), view.failed],
            [_("Mean supply index"), None if summary.mean_index is None else round(summary.mean_index, 2)],
            [_("Under-supplied communities"), summary.under_supplied],
            [_("Under-supplied below"), summary.threshold],
            [_("Computed at"), str(run.finished_at or "")],
            [_("Walking network"), run.network_path],
            *(
                [
                    [_("New hubs"), f"{hubs.name} × {hubs.placement.count}"],
                    [_("Hubs placed at"), str(hubs.placement.computed_at)],
                ]
                if hubs is not None and hubs.placement.status == HubStatus.DONE
                else []
            ),
            [_("Map data"), "© OpenStreetMap contributors (ODbL)"],
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _placement_row(number: int, placement: HubPlacement, hubs: HubView | None) -> list[Any]:
    """A placement as a row of the workbook: the first asked is number 1."""
    done = hubs is not None and placement.status == HubStatus.DONE
    return [
        number,
        timezone.localtime(placement.requested_at).strftime("%Y-%m-%d %H:%M"),
        str(placement.requested_by or ""),
        hubs.name if hubs is not None else placement.category,
        placement.count,
        len(hubs.sites) + hubs.hidden if done and hubs is not None else None,
        round(hubs.total) if done and hubs is not None else None,
        placement.error_message or placement.get_status_display(),
    ]

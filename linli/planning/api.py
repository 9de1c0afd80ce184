import datetime as dt
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotFound
from linli.core.file_responses import file_response
from linli.places.selectors import community_get

from . import adapter, city_reports, rules, selectors, services
from .core.network import EDGE_KINDS
from .models import CandidateSite, CityRun, HubPlacement, PlanRun

router = Router(tags=["planning"], auth=AUTH)


class RunIn(Schema):
    siting_category: str = Field(
        "",
        max_length=40,
        description="facility category, or composite facility such as minsheng_hub, to site (empty: none)",
    )
    siting_k: int = Field(0, ge=0, le=rules.MAX_NEW_SITES, description="how many new sites to choose")
    profile: str = Field(
        "", max_length=40, description="walking profile of the rules (elder, wheelchair; empty: everyone)"
    )
    as_of: dt.date | None = Field(
        None, description="the day checked: facilities in service and residents' ages on it (empty: today)"
    )


class RunOut(Schema):
    id: int
    scope: str
    status: str
    percent: int
    progress_message: str
    siting_category: str
    siting_k: int
    profile: str
    created_at: Any
    finished_at: Any | None
    error: str
    result: dict | None = Field(None, description="coverage, index, gaps and siting (when done)")


class SiteIn(Schema):
    name: str = Field(max_length=80)
    kind: str = "idle_space"
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    building_id: int | None = None
    floor_area_m2: int | None = Field(None, ge=1)
    note: str = Field("", max_length=200)


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lng: float
    floor_area_m2: int | None
    note: str


def run_out(run: PlanRun, *, with_result: bool) -> dict[str, Any]:
    return {
        "id": run.pk,
        "scope": run.scope_name,
        "status": run.status,
        "percent": run.percent,
        "progress_message": run.progress_message,
        "siting_category": run.siting_category,
        "siting_k": run.siting_k,
        "profile": run.profile,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "error": run.error_message,
        "result": run.result if with_result else None,
    }


@router.get("/communities/{code}/planning/runs", response=list[RunOut])
def run_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [
        run_out(r, with_result=False) for r in selectors.runs_of_community(user=request.user, community=community)[:50]
    ]


@router.post("/communities/{code}/planning/runs", response={202: RunOut})
def run_create(request: HttpRequest, code: str, payload: RunIn) -> Status[Any]:
    """Queue a health check of the community; follow it at /planning/runs/{id}."""
    community = community_get(code=code, user=request.user)
    run = services.plan_run_request(
        actor=request.user,
        community=community,
        siting_category=payload.siting_category,
        siting_k=payload.siting_k,
        profile=payload.profile,
        as_of=payload.as_of,
    )
    run.refresh_from_db()
    return Status(202, run_out(run, with_result=False))


@router.get("/planning/runs/{run_id}", response=RunOut)
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(selectors.run_get(user=request.user, pk=run_id), with_result=True)


@router.get("/planning/rules", response=dict)
def rules_in_force(request: HttpRequest) -> dict[str, Any]:
    """The life-circle rules in force: circles, age groups (with walking speeds), walking profiles and per category
    its radius (in metres and in minutes for its age group), circle and weight."""
    standards = adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8"))
    return {
        "source": standards.source,
        "circles": [
            {"code": c.code, "distance_m": c.distance_m, "name_zh": c.name_zh, "name_en": c.name_en}
            for c in standards.circles
        ],
        "age_groups": [
            {"code": g.code, "name_zh": g.name_zh, "name_en": g.name_en, "walk_speed_m_s": g.walk_speed_m_s}
            for g in standards.age_groups
        ],
        "profiles": [
            {
                "code": p.code,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "factors": {
                    kind: (None if f == math.inf else f) for kind, f in zip(EDGE_KINDS, p.factors, strict=True)
                },
            }
            for p in standards.profiles
        ],
        "under_supplied_below": standards.under_supplied_below,
        "classes": [{"code": k.code, "name_zh": k.name_zh, "name_en": k.name_en} for k in standards.classes],
        "categories": [
            {
                "code": c.code,
                "class": c.facility_class,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "circle": c.circle,
                "radius_m": c.radius_m,
                "radius_min": round(standards.group(c.age_group).minutes(c.radius_m), 1),
                "required": c.required,
                "age_group": c.age_group,
                "weight": c.weight,
                "source": c.source,
            }
            for c in standards.categories
        ],
    }


@router.get("/communities/{code}/planning/sites", response=list[SiteOut])
def site_list(request: HttpRequest, code: str) -> list[CandidateSite]:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_community_plan(request.user, community):
        raise NotFound(_("No such community."))
    return list(selectors.candidate_sites_of(community=community))


@router.post("/communities/{code}/planning/sites", response={201: SiteOut})
def site_create(request: HttpRequest, code: str, payload: SiteIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    building_id = data.pop("building_id")
    building = selectors.building_for_site(community=community, pk=building_id) if building_id else None
    site = services.candidate_site_create(actor=request.user, community=community, building=building, **data)
    return Status(201, site)


@router.delete("/communities/{code}/planning/sites/{site_id}", response={204: None})
def site_withdraw(request: HttpRequest, code: str, site_id: int) -> Status[None]:
    community = community_get(code=code, user=request.user)
    site = selectors.candidate_site_get(community=community, pk=site_id)
    services.candidate_site_withdraw(actor=request.user, site=site)
    return Status(204, None)


class CityRunIn(Schema):
    profile: str = Field(
        "", max_length=40, description="walking profile of the rules (elder, wheelchair; empty: everyone)"
    )


class CityRunOut(Schema):
    id: int
    city: str
    status: str
    percent: int = Field(description="communities done or failed, of all, in %")
    progress_message: str
    progress_text: str
    communities: int
    done: int
    failed: int
    waiting: int
    profile: str
    created_at: Any
    finished_at: Any | None
    error: str
    summary: dict | None = Field(
        None, description="mean supply index, under-supplied count and threshold, coverage per class and item"
    )
    rows: list[dict] | None = Field(None, description="one per community: index, under-supplied, coverage per class")
    hub_status: str = Field(description="new hubs across the city: '' (not asked), pending, running, done, failed")
    hubs: dict | None = Field(
        None,
        description="the latest placement of hubs asked for and, when placed, the sites chosen with their community "
        "and the residents each newly brings within reach, per class and item (every placement: /hub-placements)",
    )


class CityHubsIn(Schema):
    category: str = Field(max_length=40, description="a composite facility of the run's rules, such as minsheng_hub")
    count: int = Field(ge=1, le=rules.MAX_NEW_SITES, description="how many new hubs to place across the city")


def hubs_out(run: CityRun, entries: Any, placement: HubPlacement | None) -> dict[str, Any] | None:
    view = city_reports.hub_view(run, entries, placement)
    if view is None:
        return None
    placement = view.placement
    siting = view.result.get("siting") or {}
    return {
        "id": placement.pk,
        "requested_by": str(placement.requested_by) if placement.requested_by else "",
        "requested_at": placement.requested_at,
        "category": placement.category,
        "name": view.name,
        "count": placement.count,
        "status": placement.status,
        "error": placement.error_message,
        "computed_at": placement.computed_at,
        "classes": [
            {"code": k["code"], "name": k["name"], "items": k["items"], "in_need_before": round(before, 1),
             "newly_covered": round(total, 1)}
            for k, before, total in zip(view.classes, view.before, view.totals, strict=True)
        ],
        "sites": [
            {
                "name": site.name,
                "community": site.community.code,
                "community_name": site.community.name,
                "street": site.community.street.code,
                "lng": site.lng,
                "lat": site.lat,
                "newly_covered": round(site.total, 1),
                "classes": {k["code"]: round(v, 1) for k, v in zip(view.classes, site.classes, strict=True)},
                "items": {code: round(v, 1) for code, v in site.items.items()},
            }
            for site in view.sites
        ],
        "sites_not_shown": view.hidden,
        "optimal": siting.get("optimal"),
        "gap": siting.get("gap"),
        "method": siting.get("method"),
        "inputs": view.result.get("inputs"),
    }  # fmt: skip


def city_run_out(request: HttpRequest, run: CityRun, *, with_rows: bool) -> dict[str, Any]:
    entries = selectors.city_run_entries(user=request.user, run=run)
    view = city_reports.summary_view(run, entries)
    s = view.summary
    out: dict[str, Any] = {
        "id": run.pk,
        "city": run.city,
        "status": run.status,
        "percent": view.percent,
        "progress_message": run.progress_message,
        "progress_text": _("%(d)s of %(t)s communities done, %(f)s failed.")
        % {"d": view.done, "t": view.total, "f": view.failed},
        "communities": view.total,
        "done": view.done,
        "failed": view.failed,
        "waiting": view.waiting,
        "profile": run.profile,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "summary": {
            "mean_index": None if s.mean_index is None else round(s.mean_index, 2),
            "under_supplied": s.under_supplied,
            "under_supplied_below": s.threshold,
            "classes": [
                {
                    "code": k["code"],
                    "name": k["name"],
                    "mean_coverage_pct": k["mean_pct"],
                    "items": [
                        {
                            "code": i["code"],
                            "name": i["name"],
                            "communities": i["communities"],
                            "communities_within_radius": i["within"],
                            "community_coverage_pct": i["community_pct"],
                            "residents_covered_pct": i["resident_pct"],
                        }
                        for i in k["items"]
                    ],
                }
                for k in view.classes
            ],
        },
        "rows": None,
        "hub_status": run.hub_status,
        "hubs": hubs_out(run, entries, selectors.hub_placement_latest(run)),
    }
    if with_rows:
        out["rows"] = [
            {
                "community": e.community.code,
                "name": e.community.name,
                "street": e.community.street.code,
                "status": e.status,
                "index": (e.row or {}).get("index"),
                "under_supplied": (e.row or {}).get("under_supplied"),
                "classes": (e.row or {}).get("classes", {}),
                "items": (e.row or {}).get("shares", {}),
                "required_uncovered": (e.row or {}).get("required_uncovered", []),
                "error": e.error_message,
                "computed_at": e.computed_at,
            }
            for e in entries
        ]
    return out


@router.get("/planning/cities", response=list[str])
def city_list(request: HttpRequest) -> list[str]:
    """The cities whose health check you may read and run (a street admin: those of their streets)."""
    return selectors.cities_for(user=request.user)


@router.get("/planning/cities/{city}/runs", response=list[CityRunOut])
def city_run_list(request: HttpRequest, city: str) -> list[dict[str, Any]]:
    return [city_run_out(request, r, with_rows=False) for r in selectors.city_runs(user=request.user, city=city)[:20]]


@router.post("/planning/cities/{city}/runs", response={202: CityRunOut})
def city_run_create(request: HttpRequest, city: str, payload: CityRunIn) -> Status[Any]:
    """Queue the health check of every community of the city you plan for; follow it at /planning/city-runs/{id}."""
    run = services.city_run_request(actor=request.user, city=city, profile=payload.profile)
    run.refresh_from_db()
    return Status(202, city_run_out(request, run, with_rows=False))


@router.get("/planning/city-runs/{run_id}", response=CityRunOut)
def city_run_detail(request: HttpRequest, run_id: int, rows: bool = True) -> dict[str, Any]:
    """Progress, the city's summary and (unless rows=false) the city table."""
    return city_run_out(request, selectors.city_run_get(user=request.user, pk=run_id), with_rows=rows)


@router.post("/planning/city-runs/{run_id}/resume", response={202: CityRunOut})
def city_run_resume(request: HttpRequest, run_id: int) -> Status[Any]:
    """Go on with a run that stopped: communities done are kept, the others are computed."""
    run = services.city_run_resume(actor=request.user, run=selectors.city_run_get(user=request.user, pk=run_id))
    return Status(202, city_run_out(request, run, with_rows=False))


@router.post("/planning/city-runs/{run_id}/hubs", response={202: CityRunOut})
def city_run_hubs(request: HttpRequest, run_id: int, payload: CityHubsIn) -> Status[Any]:
    """Place ``count`` new composite hubs (such as 民生坊) across every community the run graded, once it has graded
    them; follow it at /planning/city-runs/{id} (``hub_status``, ``hubs``). Asked again, the new placement is the
    latest and the earlier ones are kept (/planning/city-runs/{id}/hub-placements). A street admin places hubs on a
    run of their own streets."""
    run = selectors.city_run_get(user=request.user, pk=run_id)
    run = services.city_run_place_hubs(actor=request.user, run=run, category=payload.category, count=payload.count)
    run.refresh_from_db()
    return Status(202, city_run_out(request, run, with_rows=False))


@router.get("/planning/city-runs/{run_id}/hub-placements", response=list[dict])
def city_run_hub_placements(request: HttpRequest, run_id: int) -> list[dict[str, Any]]:
    """Every placement of new hubs asked on the run, the latest first: who asked, when, how many of which composite
    and, once placed, the sites chosen (in the communities you may read)."""
    run = selectors.city_run_get(user=request.user, pk=run_id)
    entries = selectors.city_run_entries(user=request.user, run=run)
    return [hubs_out(run, entries, p) or {} for p in selectors.hub_placements_of(run)]


@router.get("/planning/city-runs/{run_id}/export", response={200: None})
def city_run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    """The city table as an Excel workbook (Chinese headers)."""
    run = selectors.city_run_get(user=request.user, pk=run_id)
    return file_response(
        city_reports.workbook(run, selectors.city_run_entries(user=request.user, run=run)),
        filename=f"linli-city-health-check-{run.pk}.xlsx",
    )

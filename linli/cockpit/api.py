from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotFound

from . import rules, selectors
from .framework import load_framework

router = Router(tags=["cockpit"], auth=AUTH)


def _view_out(view: selectors.CommunityView) -> dict[str, Any]:
    e = view.evaluation
    return {
        "community": view.community.code,
        "name": view.community.name,
        "street": view.community.street.code,
        "month": view.snapshot.month.isoformat() if view.snapshot else None,
        "overall": e.overall if e else None,
        "level": e.level if e else None,
        "scenarios": e.scenarios if e else {},
        "supply_index": view.supply_index,
    }


@router.get("/cockpit/indicators", response=list[dict])
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The indicator framework in force."""
    return [
        {
            "code": i.code,
            "scenario": i.scenario,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "unit": i.unit,
            "source": i.source,
            "query": i.query,
            "target": i.target,
            "weight": i.weight,
            "evidence_required": i.evidence_required,
        }
        for i in load_framework().indicators
    ]


@router.get("/communities/{code}/cockpit", response=dict)
def community_cockpit(request: HttpRequest, code: str) -> dict[str, Any]:
    """Indicator values, figures and the evaluation of the community's latest month."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    view = selectors.community_view(community, load_framework())
    return {
        **_view_out(view),
        "values": view.snapshot.values if view.snapshot else {},
        "figures": view.snapshot.figures if view.snapshot else {},
        "missing": [s.indicator.code for s in view.evaluation.missing] if view.evaluation else [],
    }


@router.get("/streets/{code}/cockpit", response=list[dict])
def street_cockpit(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    street = selectors.street_for_cockpit(user=request.user, code=code)
    return [_view_out(v) for v in selectors.community_views(street.communities.all(), load_framework())]


@router.get("/cockpit/city", response=list[dict])
def city_cockpit(request: HttpRequest) -> list[dict[str, Any]]:
    if not rules.can_view_city(request.user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    return [_view_out(v) for v in selectors.city_views(user=request.user, framework=load_framework())]

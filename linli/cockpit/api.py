import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotAllowed, NotFound

from . import reports, rules, selectors, services
from .evaluation import explain
from .framework import load_framework
from .models import IndicatorEntry

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
def community_cockpit(request: HttpRequest, code: str, month: str | None = None) -> dict[str, Any]:
    """Indicator values, figures and the evaluation of one month (`month=YYYY-MM`, else the last complete month);
    the month under way may be asked for: its figures are to date and it is not graded (`level` null)."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    chosen = selectors.compared_month_of(month)
    view = selectors.community_view(community, load_framework(), chosen)
    return {
        **_view_out(view),
        "month": chosen.isoformat(),
        "graded": view.evaluation is not None,
        "values": view.snapshot.values if view.snapshot else {},
        "figures": view.snapshot.figures if view.snapshot else {},
        "missing": [s.indicator.code for s in view.evaluation.missing] if view.evaluation else [],
    }


def _compared(views: list[selectors.CommunityView], month: dt.date) -> list[dict[str, Any]]:
    """Each community on the compared month; for the month under way, its figures to date and last month's same days
    (`month_to_date`, `days_so_far`, `to_date`, `same_days_last_month`)."""
    out = []
    for v in views:
        row = _view_out(v)
        row["month"] = month.isoformat()
        figures = v.snapshot.figures if v.snapshot else {}
        row["month_to_date"] = "same_days_last_month" in figures
        if row["month_to_date"]:
            row["days_so_far"] = figures.get("days_so_far")
            row["to_date"] = {name: figures.get(name) for name in services.FLOW_FIGURES}
            row["same_days_last_month"] = figures["same_days_last_month"]
        out.append(row)
    return out


@router.get("/streets/{code}/cockpit", response=list[dict])
def street_cockpit(request: HttpRequest, code: str, month: str | None = None) -> list[dict[str, Any]]:
    """The street's communities on one month (`month=YYYY-MM`, else the last complete month; the month under way is
    to date and not graded)."""
    street = selectors.street_for_cockpit(user=request.user, code=code)
    chosen, views = selectors.compared_views(
        street.communities.all(), load_framework(), selectors.compared_month_of(month)
    )
    return _compared(views, chosen)


@router.get("/cockpit/city", response=list[dict])
def city_cockpit(request: HttpRequest, month: str | None = None) -> list[dict[str, Any]]:
    """Every community on one month (`month=YYYY-MM`, else the last complete month; the month under way is to date
    and not graded)."""
    if not rules.can_view_city(request.user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    chosen, views = selectors.city_views(
        user=request.user, framework=load_framework(), month=selectors.compared_month_of(month)
    )
    return _compared(views, chosen)


class EntryIn(Schema):
    code: str = Field(..., max_length=60, description="An indicator whose source is `entered`.")
    month: dt.date = Field(..., description="Any day of the month; stored as its first day.")
    value: float = Field(..., ge=0)
    note: str = Field("", max_length=300)


def _entry_out(request: HttpRequest, entry: IndicatorEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "code": entry.code,
        "month": entry.month.isoformat(),
        "value": entry.value,
        "note": entry.note,
        "entered_by": str(entry.entered_by),
        "entered_at": entry.entered_at.isoformat(),
        "evidence": [
            {
                "name": e.name,
                "url": request.build_absolute_uri(reverse("cockpit:evidence", args=[entry.community.code, e.pk])),
            }
            for e in entry.evidence.all()
        ],
    }


@router.get("/communities/{code}/cockpit/entries", response=list[dict])
def entry_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Values entered by staff for the indicators the records cannot compute, newest first, with their evidence."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    return [_entry_out(request, e) for e in selectors.entries_of(community)[:200]]


@router.post("/communities/{code}/cockpit/entries", response={201: dict})
def entry_create(
    request: HttpRequest,
    code: str,
    payload: Form[EntryIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Status:
    """Enter a month's value of an `entered` indicator, as multipart form data with the evidence as `evidence`
    files (PDF, images or Office documents, 10 MB each)."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    if not rules.can_enter_values(request.user, community):  # before reading the files
        raise NotAllowed(_("You may not enter indicator values for this community."))
    entry = services.indicator_entry_create(
        actor=request.user,
        community=community,
        code=payload.code,
        month=payload.month,
        value=payload.value,
        note=payload.note,
        files=list(evidence or []),
    )
    return Status(201, _entry_out(request, entry))


@router.get("/communities/{code}/cockpit/evaluation", response=dict)
def evaluation_explained(request: HttpRequest, code: str, month: str | None = None) -> dict[str, Any]:
    """The evaluation of one complete month (`month=YYYY-MM`, else the last complete month; the month under way or
    a later one is refused), and for each indicator below target the change that would meet it, the
    overall points it earns and the score after it (most valuable first); `to_basic`/`to_leading` say how many of
    those steps reach each level (0: reached already, -1: out of reach)."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    framework = load_framework()
    chosen = selectors.graded_month(month)
    view = selectors.community_view(community, framework, chosen)
    if view.evaluation is None:
        raise NotFound(_("No figures for %(month)s.") % {"month": f"{chosen:%Y-%m}"})
    explanation = explain(framework, view.evaluation)
    english = (get_language() or "").startswith("en")
    texts = reports.explanation_rows(explanation, english)
    return {
        **_view_out(view),
        "basic": explanation.basic,
        "leading": explanation.leading,
        "to_basic": explanation.to_basic,
        "to_leading": explanation.to_leading,
        "steps": [
            {
                "indicator": step.indicator.code,
                "name": text["name"],
                "scenario": step.indicator.scenario,
                "source": step.indicator.source,
                "unit": step.indicator.unit,
                "value": step.value,
                "target": step.needed,
                "change": step.change,
                "per_point": step.per_point,
                "gain": step.gain,
                "overall_after": step.overall_after,
                "reaches": step.reaches,
                "text": text["change"],
            }
            for step, text in zip(explanation.steps, texts, strict=True)
        ],
    }

"""Cockpit screens (community big screen, street, city), the evaluation, and its PDF and Excel reports."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from linli.core.buttons import submit
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.file_responses import PDF, XLSX, file_response
from linli.core.scenarios import Scenario
from linli.people.ages import AgeTier
from linli.places.models import Community, Street

from . import maps, reports, rules, screens, selectors, services
from .evaluation import explain
from .forms import EntryForm
from .framework import Framework, load_framework


def _english() -> bool:
    return (get_language() or "").startswith("en")


def community_context(
    community: Community, month: dt.date, *, tiles: bool | None = None, with_map: bool = True
) -> dict[str, Any]:
    """What the community's screen, evaluation page and reports show for `month` (graded only once it is over);
    `tiles=False` draws the map as SVG, `with_map=False` leaves it out."""
    framework = load_framework()
    view = selectors.community_view(community, framework, month)
    snap, evaluation = view.snapshot, view.evaluation
    english = _english()
    scenario_names = dict(Scenario.choices)
    figures = snap.figures if snap else {}
    age_labels = dict(AgeTier.choices)
    history = [s for s in selectors.history(community) if s.month < selectors.month_under_way()]
    explanation = explain(framework, evaluation) if evaluation else None
    return {
        "community": community,
        "month": month,
        "under_way": month == selectors.month_under_way(),
        "snapshot": snap,
        "evaluation": evaluation,
        "framework": framework,
        "indicator_rows": reports.indicator_rows(framework, evaluation, english) if evaluation else [],
        "explanation": explanation,
        "explanation_rows": reports.explanation_rows(explanation, english) if explanation else [],
        "scenario_rows": [(scenario_names[s], score) for s, score in evaluation.scenarios.items()]
        if evaluation
        else [],
        "figures": figures,
        "charts": {
            "scenarios": {
                "labels": [str(scenario_names[s]) for s in Scenario.values],
                "values": [evaluation.scenarios.get(s) or 0 for s in Scenario.values] if evaluation else [],
            },
            "ages": {
                "labels": [str(age_labels[t]) for t in AgeTier.values],
                "values": [figures.get("residents_by_age", {}).get(t, 0) for t in AgeTier.values],
            },
            "coverage": reports.coverage_chart(figures.get("coverage", {}), english),
            "history": {
                "labels": [f"{s.month:%Y-%m}" for s in history],
                "values": [reports.overall_of(framework, s) for s in history],
            },
        },
        "map": maps.community_map(community, tiles=tiles) if with_map else None,
        "money": money_rows(figures),
    }


def money_rows(figures: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """The company's net takings by nature of space and the subsidies by payer, with their names (yuan)."""
    from linli.company.models import Nature
    from linli.ledger.codes import FundingCode

    natures, payers = dict(Nature.choices), dict(FundingCode.choices)
    return {
        "by_nature": [
            (str(natures.get(code, code)) if code else _("Not booked to a space"), yuan)
            for code, yuan in (figures.get("company") or {}).get("by_nature", {}).items()
        ],
        "subsidies": [(str(payers.get(code, code)), yuan) for code, yuan in (figures.get("subsidies") or {}).items()],
    }


@login_required
def community_cockpit(request: HttpRequest, code: str) -> HttpResponse:
    """The big screen: the last complete month graded (or the month chosen), and the month under way to date."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    asked = request.GET.get("month")
    month = selectors.compared_month_of(asked)
    screen = screens.kept_screen(
        "community",
        load_framework(),
        lambda: _community_screen(community, month, asked=bool(asked)),
        community.pk,
        f"{month:%Y-%m}" if asked else "",
    )
    return render(
        request,
        "cockpit/community.html",
        {"community": community, "screen": screen, "map": maps.community_map(community), "refresh_seconds": 60},
    )


def _community_screen(community: Community, month: dt.date, *, asked: bool) -> tuple[str, str]:
    under_way = selectors.month_under_way()
    current = selectors.snapshot_of(community, under_way) if not asked or month == under_way else None
    months = selectors.months_of(community)
    context = {
        **community_context(community, month, with_map=False),
        "months": sorted({*months, selectors.last_complete_month()}, reverse=True),
        "to_date": current.figures if current and "same_days_last_month" in current.figures else None,
        "to_date_month": under_way,
        "to_date_last": selectors.last_complete_month(),
    }
    return (
        render_to_string("cockpit/_community_figures.html", context),
        render_to_string("cockpit/_community_indicators.html", context),
    )


# What the street and city screens set the month under way beside: the same days of last month.
TO_DATE_ROWS = (
    ("services_used", "bookings", gettext_lazy("Bookings used"), ""),
    ("services_used", "canteen_meals", gettext_lazy("Canteen meals"), ""),
    ("points", "earned", gettext_lazy("Points earned"), ""),
    ("volunteering", "hours", gettext_lazy("Volunteer hours"), gettext_lazy("hours")),
    ("reports", "resolved", gettext_lazy("Reports resolved"), ""),
)


def month_context(month: dt.date, months: list[dt.date], views: list[selectors.CommunityView]) -> dict[str, Any]:
    """The month a street or the city is compared on, the months to choose from, and, for the month under way,
    each community's figures to date beside the same days of last month."""
    under_way = month == selectors.month_under_way()
    to_date = []
    if under_way:
        for v in views:
            figures = v.snapshot.figures if v.snapshot else {}
            last = figures.get("same_days_last_month", {})
            to_date.append(
                (
                    v,
                    [
                        ((figures.get(group) or {}).get(item, 0), (last.get(group) or {}).get(item, 0))
                        for group, item, _label, _unit in TO_DATE_ROWS
                    ],
                )
            )
    return {
        "month": month,
        "months": sorted({*months, selectors.last_complete_month()}, reverse=True),
        "under_way": under_way,
        "days_so_far": timezone.localdate().day,
        "to_date_labels": [(label, unit) for _g, _i, label, unit in TO_DATE_ROWS],
        "to_date": to_date,
    }


@login_required
def street_cockpit(request: HttpRequest, code: str) -> HttpResponse:
    street = selectors.street_for_cockpit(user=request.user, code=code)
    asked = request.GET.get("month")
    month = selectors.compared_month_of(asked)
    framework = load_framework()
    screen = screens.kept_screen(
        "street",
        framework,
        lambda: _street_screen(street, framework, month),
        street.pk,
        f"{month:%Y-%m}" if asked else "",
    )
    return render(request, "cockpit/street.html", {"street": street, "screen": screen, "map": maps.street_map(street)})


def _street_screen(street: Street, framework: Framework, month: dt.date) -> tuple[str, str]:
    communities = street.communities.all()
    month, views = selectors.compared_views(communities, framework, month)
    context = {
        **month_context(month, selectors.months_of(communities), views),
        "street": street,
        "views": views,
        "framework": framework,
        "scenario_labels": [str(label) for _code, label in Scenario.choices],
        "scenario_codes": Scenario.values,
        "chart": {
            "labels": [v.community.name for v in views],
            "values": [v.evaluation.overall if v.evaluation else None for v in views],
        },
    }
    return render_to_string("cockpit/_street_table.html", context), render_to_string(
        "cockpit/_street_chart.html", context
    )


@login_required
def city_cockpit(request: HttpRequest) -> HttpResponse:
    if not rules.can_view_city(request.user):
        raise NotFound(_("Only city viewers see the city cockpit."))
    framework = load_framework()
    month, views = selectors.city_views(
        user=request.user, framework=framework, month=selectors.compared_month_of(request.GET.get("month"))
    )
    indexed = [v for v in views if v.supply_index is not None]
    below = sorted(
        (v for v in indexed if v.supply_index < framework.index_threshold),  # type: ignore[operator]
        key=lambda v: v.supply_index or 0,
    )
    streets = selectors.streets_for_city(user=request.user)
    by_street: dict[int, list[selectors.CommunityView]] = {}
    for v in views:
        by_street.setdefault(v.community.street_id, []).append(v)
    return render(
        request,
        "cockpit/city.html",
        {
            **month_context(month, selectors.city_months(user=request.user), views),
            "framework": framework,
            "views": views,
            "below": below,
            "unindexed": [v for v in views if v.supply_index is None],
            "threshold": framework.index_threshold,
            "streets": [(s, by_street.get(s.pk, [])) for s in streets],
            "histogram": reports.histogram([v.supply_index for v in indexed]),
            "mean_index": round(sum(v.supply_index for v in indexed) / len(indexed), 2) if indexed else None,  # type: ignore[misc]
            "levels": reports.level_counts(views),
        },
    )


def _evaluation_url(community: Community, month: dt.date) -> str:
    """The evaluation page at the month of an entered value; its plain address for the month under way."""
    shown = services.month_start(month)
    target = reverse("cockpit:evaluation", args=[community.code])
    return f"{target}?month={shown:%Y-%m}" if shown < selectors.month_under_way() else target


@login_required
def evaluation_page(request: HttpRequest, code: str) -> HttpResponse:
    community = selectors.community_for_cockpit(user=request.user, code=code)
    month = selectors.graded_month(request.GET.get("month"))
    framework = load_framework()
    can_enter = rules.can_enter_values(request.user, community)
    entered = [(i.code, i.name(_english())) for i in framework.indicators if i.source == "entered"]
    names = {i.code: (i.name(_english()), i.unit) for i in framework.indicators}
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        indicators=entered,
        initial={"month": month},
    )
    if request.method == "POST" and not can_enter:
        raise NotAllowed(_("You may not enter indicator values for this community."))
    recorded = submit(
        request,
        form,
        lambda data: services.indicator_entry_create(
            actor=request.user,
            community=community,
            code=data["code"],
            month=data["month"],
            value=data["value"],
            note=data["note"],
            files=data["evidence"],
        ),
        done=_("Value recorded."),
        then=lambda _entry: _evaluation_url(community, form.cleaned_data["month"]),
    )
    return recorded or render(
        request,
        "cockpit/evaluation.html",
        {
            **community_context(community, month),
            "months": selectors.graded_months(community),
            "form": form,
            "can_enter": can_enter,
            "entries": [(e, *names.get(e.code, (e.code, ""))) for e in selectors.entries_of(community)[:30]],
        },
    )


@login_required
def evidence_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """An entered value's evidence, to those who may see the community's cockpit; served as a download."""
    try:
        evidence = selectors.evidence_get(user=request.user, code=code, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The reports' languages: Chinese unless English is asked for, whatever the language of the browser.
REPORT_LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}


def graded_context(community: Community, month: dt.date) -> dict[str, Any]:
    """A report's context: a month with no figures is refused rather than printed empty."""
    context = community_context(community, month, tiles=False)
    if context["evaluation"] is None:
        raise NotFound(_("No figures for %(month)s.") % {"month": f"{month:%Y-%m}"})
    return context


def report_language(request: HttpRequest) -> str:
    chosen = request.GET.get("lang") or "zh-hans"
    if chosen not in REPORT_LANGUAGES:
        raise DomainError(_("Choose Chinese (zh-hans) or English (en) for the report."), field="lang")
    return REPORT_LANGUAGES[chosen]


def _evaluation_file(
    request: HttpRequest, code: str, extension: str, make: Callable[[dict[str, Any]], bytes]
) -> HttpResponse:
    """The community's evaluation of the month asked as a file, made by `make` from the graded figures in the
    language asked (`?lang=`); a PDF opens in the browser, a workbook is saved."""
    community = selectors.community_for_cockpit(user=request.user, code=code)
    language = report_language(request)
    month = selectors.graded_month(request.GET.get("month"))
    with translation.override(language):
        content = make(graded_context(community, month))
    return file_response(
        content,
        filename=f"linli-evaluation-{community.code}-{month:%Y-%m}-{language}.{extension}",
        content_type=PDF if extension == "pdf" else XLSX,
        inline=extension == "pdf",
    )


@login_required
def evaluation_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _evaluation_file(request, code, "pdf", lambda context: reports.evaluation_pdf(request, context))


@login_required
def evaluation_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    return _evaluation_file(request, code, "xlsx", reports.evaluation_workbook)

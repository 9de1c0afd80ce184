from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.buttons import buttons_on, press, submit
from linli.core.errors import NotAllowed, NotFound
from linli.core.file_responses import file_response
from linli.core.parsing import parse_id
from linli.places.models import Community
from linli.places.selectors import community_get

from . import adapter, city_reports, reports, rules, selectors, services
from .core import PlanningError
from .forms import CandidateSiteForm, CityRunForm, HubForm, RunForm
from .models import CandidateSite, CityRun, HubStatus, PlanRun


def _category_choices() -> list[tuple[str, str]]:
    standards = adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8"))
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return [(c.code, c.name_en if english else c.name_zh) for c in standards.categories]


def _siting_choices() -> list[tuple[str, str]]:
    """What new sites can be chosen for: the categories, then the composite facilities (a 民生坊 provides several)."""
    standards = adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8"))
    return [*_category_choices(), *((c.code, reports.composite_name(c)) for c in standards.composites)]


def _profile_choices() -> list[tuple[str, str]]:
    """Walking profiles of the rules in force, the standard one (stored as "") first."""
    standards = adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8"))
    return [("", _("Everyone")), *((p.code, reports.profile_name(p)) for p in standards.profiles[1:])]


def _run_context(run: PlanRun | None, community: Any, category: str) -> dict[str, Any]:
    if run is None or run.status != PlanRun.Status.DONE:
        return {}
    return {
        "coverage": reports.coverage_rows(run),
        "gaps": reports.gap_rows(run, limit=50),
        "siting": reports.siting_rows(run),
        "index": reports.index_rows(run),
        "threshold": reports.run_rules(run).under_supplied_below,
        "map_svg": reports.run_map(run, community, category),
        "warnings": reports.run_warnings(run),
        "walking": reports.walking_summary(run),
    }


def _run_started(request: HttpRequest, form: RunForm, then: str, **place: Any) -> HttpResponse | None:
    """Start the health check of `place` (a community or a street) from a valid POST of the run form; None when
    nothing started (no POST, or the refusal on the form)."""
    return submit(
        request,
        form,
        lambda data: services.plan_run_request(
            actor=request.user,
            siting_category=data["siting_category"] or "",
            siting_k=data["siting_k"] or 0,
            profile=data["profile"] or "",
            as_of=data["as_of"],
            **place,
        ),
        done=_("The health check has started."),
        then=then,
    )


def _plan_page(
    request: HttpRequest, template: str, runs: Any, form: RunForm, can_run: bool, *, place: Any, **extra: Any
) -> HttpResponse:
    """A community's or a street's health check page (`place`): the latest run, and the latest done one with its
    results (a street's map drawn over all its communities)."""
    community = place if isinstance(place, Community) else None
    shown = selectors.latest_done(runs)
    category = request.GET.get("category", "")
    return render(
        request,
        template,
        {
            **extra,
            "place": place,
            "latest": runs.first(),
            "run": shown,
            "form": form,
            "can_run": can_run,
            "category": category,
            "categories": _category_choices(),
            **_run_context(shown, community, category),
        },
    )


@login_required
def community_plan(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    runs = selectors.runs_of_community(user=request.user, community=community)
    can_run = rules.can_run_community_plan(request.user, community)
    form = RunForm(request.POST or None, categories=_siting_choices(), profiles=_profile_choices())
    if request.method == "POST" and not can_run:
        raise NotAllowed(_("You may not run the health check for this community."))
    started = _run_started(request, form, reverse("planning:community", args=[community.code]), community=community)
    if started:
        return started
    return _plan_page(
        request,
        "planning/community.html",
        runs,
        form,
        can_run,
        place=community,
        community=community,
        can_manage_sites=rules.can_manage_candidate_sites(request.user, community),
    )


@login_required
def street_plan(request: HttpRequest, code: str) -> HttpResponse:
    street = selectors.street_get(user=request.user, code=code)
    runs = selectors.runs_of_street(user=request.user, street=street)
    can_run = rules.can_run_street_plan(request.user, street)
    form = RunForm(request.POST or None, categories=_siting_choices(), profiles=_profile_choices())
    then = reverse("planning:street", args=[street.code])
    started = _run_started(request, form, then, street=street) if can_run else None
    if started:
        return started
    return _plan_page(request, "planning/street.html", runs, form, can_run, place=street, street=street)


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    if run.status != PlanRun.Status.DONE:
        raise NotFound(_("This run has no result yet."))
    return file_response(reports.workbook(run), filename=f"linli-health-check-{run.pk}.xlsx")


@login_required
def candidate_sites(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_community_plan(request.user, community):
        raise NotFound(_("No such community."))
    can_manage = rules.can_manage_candidate_sites(request.user, community)
    form = CandidateSiteForm(request.POST or None)
    saved = (
        submit(
            request,
            form,
            lambda data: services.candidate_site_create(actor=request.user, community=community, **data),
            done=_("Site registered."),
            then=reverse("planning:sites", args=[community.code]),
        )
        if can_manage
        else None
    )
    if saved:
        return saved
    return render(
        request,
        "planning/sites.html",
        {
            "community": community,
            "sites": selectors.candidate_sites_of(community=community),
            "form": form,
            "can_manage": can_manage,
        },
    )


def _site(request: HttpRequest, code: str, pk: int) -> CandidateSite:
    community = community_get(code=code, user=request.user)
    if not rules.can_view_community_plan(request.user, community):
        raise NotFound(_("No such community."))
    return selectors.candidate_site_get(community=community, pk=pk)


candidate_site_withdraw = buttons_on(
    _site, name="site", back=lambda code, pk: reverse("planning:sites", kwargs={"code": code}), forbidden_page=True
)(services.candidate_site_withdraw, None)


@login_required
def city_list(request: HttpRequest) -> HttpResponse:
    cities = selectors.cities_for(user=request.user)
    if len(cities) == 1:
        return redirect("planning:city", city=cities[0])
    return render(request, "planning/cities.html", {"cities": cities})


@login_required
def city_plan(request: HttpRequest, city: str) -> HttpResponse:
    form = CityRunForm(request.POST or None, profiles=_profile_choices())
    if request.method == "POST" and form.is_valid():
        selectors.city_streets(user=request.user, city=city)  # NotFound for a city the user does not plan for
    started = submit(
        request,
        form,
        lambda data: services.city_run_request(actor=request.user, city=city, profile=data["profile"] or ""),
        done=_("The health check of the city has started."),
        then=reverse("planning:city", kwargs={"city": city}),
    )
    if started:
        return started
    run = None
    if request.GET.get("run"):
        run = selectors.city_run_get(user=request.user, pk=parse_id(request.GET["run"]))
    placement = parse_id(request.GET["placement"]) if request.GET.get("placement") else None
    return _city_page(request, city, form=form, run=run, placement=placement)


def _composite_choices(run: CityRun) -> list[tuple[str, str]]:
    try:
        return [(c.code, reports.composite_name(c)) for c in city_reports.run_rules(run).composites]
    except PlanningError:
        return []


def _city_page(
    request: HttpRequest,
    city: str,
    *,
    form: CityRunForm | None = None,
    run: CityRun | None = None,
    hub_form: HubForm | None = None,
    placement: int | None = None,
) -> HttpResponse:
    """The city page: a run (by default the latest) and one of its hub placements (by default the latest)."""
    streets = selectors.city_streets(user=request.user, city=city)
    runs = selectors.city_runs(user=request.user, city=city)
    run = run or runs.first()
    context: dict[str, Any] = {
        "city": city,
        "streets": streets,
        "form": form or CityRunForm(profiles=_profile_choices()),
        "run": run,
        "runs": runs[:10],
    }
    if run is not None:
        entries = selectors.city_run_entries(user=request.user, run=run)
        rows = city_reports.city_rows(run, entries)
        standards = city_reports.run_rules(run)
        all_streets = selectors.streets_of_city_run(run)
        composites = _composite_choices(run)
        can_place = bool(composites) and rules.can_place_city_hubs(request.user, all_streets)
        if hub_form is None and can_place:
            initial = {"hub_category": run.hub_category or composites[0][0], "hub_count": run.hub_count or None}
            hub_form = HubForm(composites=composites, initial=initial)
        placements = selectors.hub_placements_of(run)
        hubs = city_reports.hub_view(run, entries, selectors.hub_placement_chosen(placements, placement))
        context.update(
            {
                "rows": rows,
                "summary": city_reports.summary_view(run, entries),
                "class_names": city_reports.class_names(standards),
                "threshold": standards.under_supplied_below,
                "map_svg": city_reports.city_map(run, rows, hubs if hubs and hubs.sites else None),
                "hub_key": city_reports.hub_legend(),
                "walking": _city_walking(run),
                "hubs": hubs,
                "placements": placements,
                "hub_form": hub_form if can_place else None,
                # a street admin reading a run that also covers other streets places hubs on a run of their own
                "hubs_on_own_run": bool(composites) and not can_place,
                "can_resume": run.status != CityRun.Status.QUEUED
                and (
                    any(r.entry.status != r.entry.Status.DONE for r in rows)
                    or run.hub_status in (HubStatus.RUNNING, HubStatus.FAILED)
                ),
            }
        )
    return render(request, "planning/city.html", context)


@login_required
@require_POST
def city_run_hubs(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.city_run_get(user=request.user, pk=pk)
    form = HubForm(request.POST, composites=_composite_choices(run))
    placing = submit(
        request,
        form,
        lambda data: services.city_run_place_hubs(
            actor=request.user, run=run, category=data["hub_category"], count=data["hub_count"]
        ),
        done=_("The new hubs are being placed across the city."),
        then=f"{_city_url(run.city)}?run={run.pk}",
    )
    return placing or _city_page(request, run.city, run=run, hub_form=form)


def _city_walking(run: CityRun) -> str:
    if not run.profile:
        return _("Everyone")
    try:
        return reports.profile_name(city_reports.run_rules(run).profile(run.profile))
    except PlanningError:
        return run.profile


@login_required
@require_POST
def city_run_resume(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.city_run_get(user=request.user, pk=pk)
    return press(
        request,
        lambda _data: services.city_run_resume(actor=request.user, run=run),
        done=_("The health check of the city goes on where it stopped."),
        back=f"{_city_url(run.city)}?run={run.pk}",
        forbidden_page=True,
    )


def _city_url(city: str) -> str:
    from django.urls import reverse

    return reverse("planning:city", kwargs={"city": city})


@login_required
def city_run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.city_run_get(user=request.user, pk=pk)
    entries = selectors.city_run_entries(user=request.user, run=run)
    return file_response(city_reports.workbook(run, entries), filename=f"linli-city-health-check-{run.pk}.xlsx")
